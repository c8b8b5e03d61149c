use guichet_types::policy::Actions;
use guichet_types::{Actor, CategoryId, Level, Role, TicketStatus, TicketUpdate, UserId};
use leptos::{prelude::*, task::spawn_local};

use super::{
    state::expect_ticket_state,
    text_action::{TextAction, TextActionForm},
};
use crate::{
    categories::{category_groups, category_options},
    i18n::{fill, use_i18n},
    reactive::dynamic,
    session::expect_session,
};

/// The support team's handling: status, assignment (to anyone of the team or nobody), category, impact (each a `PATCH` naming
/// the ETag the change was based on), the solution and reopening.
#[component]
pub fn AgentPanel(actions: Memo<Actions>, me: Signal<Option<UserId>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let state = expect_ticket_state();
    let pending = RwSignal::new(false);
    let category = RwSignal::new(String::new());
    let impact = RwSignal::new(Level::Medium);
    // Each select follows the ticket's own value when a reload changes it, and keeps a choice
    // not yet applied when a reload (another change of the ticket) leaves that value alone.
    let ticket_category = Memo::new(move |_| state.ticket.with(|t| t.category.id.to_string()));
    let ticket_impact = Memo::new(move |_| state.ticket.with(|t| t.impact));
    // The assignee's id, empty for nobody (the select's "Unassigned").
    let assignee = RwSignal::new(String::new());
    let ticket_assignee = Memo::new(move |_| {
        state.ticket.with(|t| {
            t.assignee
                .as_ref()
                .map(|a| a.id.to_string())
                .unwrap_or_default()
        })
    });
    Effect::new(move || category.set(ticket_category.get()));
    Effect::new(move || impact.set(ticket_impact.get()));
    Effect::new(move || assignee.set(ticket_assignee.get()));

    let locale = Memo::new(move |_| session.profile().map(|p| p.locale));
    let categories = LocalResource::new(move || {
        locale.track();
        async move {
            session
                .call(|client| async move { client.categories().await })
                .await
        }
    });
    let staff = LocalResource::new(move || async move {
        session
            .call(|client| async move { client.staff().await })
            .await
    });
    let groups = move || {
        let kind = state.ticket.with(|t| t.kind);
        match categories.get() {
            Some(Ok(tree)) => category_groups(&tree, kind),
            _ => Vec::new(),
        }
    };

    let update = move |change: TicketUpdate| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let result = state.patch(change).await;
            pending.set(false);
            state.conclude_on_page(result, |t| t.update_done);
        });
    };

    let status_buttons = move || {
        actions
            .with(|a| a.set_status.clone())
            .into_iter()
            .map(|status: TicketStatus| {
                view! {
                    <button
                        type="button"
                        disabled=dynamic(move || pending.get())
                        on:click=move |_| update(TicketUpdate { status: Some(status), ..Default::default() })
                    >
                        {dynamic(move || {
                            let t = i18n.t();
                            fill(t.set_status, "status", t.status(status))
                        })}
                    </button>
                }
            })
            .collect_view()
    };

    let assign_me = move |_| {
        if let Some(id) = me.get_untracked() {
            update(TicketUpdate {
                assignee_id: Some(Some(id)),
                ..Default::default()
            });
        }
    };
    let change_assignee = move |_| {
        let chosen = assignee.get_untracked();
        let assignee_id = if chosen.is_empty() {
            Some(None)
        } else {
            match chosen.parse::<i64>() {
                Ok(id) => Some(Some(UserId(id))),
                Err(_) => return,
            }
        };
        update(TicketUpdate {
            assignee_id,
            ..Default::default()
        });
    };
    let staff_options = move || {
        let mut team = match staff.get() {
            Some(Ok(team)) => team,
            _ => Vec::new(),
        };
        // The current assignee stays a choice even when no longer listed (deactivated).
        if let Some(current) = state.ticket.with(|t| t.assignee.clone()) {
            if !team.iter().any(|member| member.id.0 == current.id) {
                team.push(Actor {
                    id: UserId(current.id),
                    name: current.name,
                    role: Role::Agent,
                    assisted_by: None,
                });
            }
        }
        let unassigned = view! {
            <option value="" selected=dynamic(move || assignee.with(String::is_empty))>
                {dynamic(move || i18n.t().unassigned)}
            </option>
        };
        let members = team
            .into_iter()
            .map(|member| {
                let value = member.id.0.to_string();
                let chosen = value.clone();
                view! {
                    <option value=value selected=dynamic(move || assignee.with(|a| *a == chosen))>
                        {member.name}
                    </option>
                }
            })
            .collect_view();
        view! { {unassigned} {members} }
    };
    let change_category = move |_| {
        if let Ok(id) = category.get_untracked().parse::<i64>() {
            update(TicketUpdate {
                category_id: Some(CategoryId(id)),
                ..Default::default()
            });
        }
    };
    let change_impact = move |_| {
        update(TicketUpdate {
            impact: Some(impact.get_untracked()),
            ..Default::default()
        });
    };

    view! {
        <section class="panel agent" aria-labelledby="agent-heading">
            <h2 id="agent-heading">{dynamic(move || i18n.t().agent_heading)}</h2>
            <Show when=move || actions.with(|a| !a.set_status.is_empty() || a.assign_me)>
                <div class="buttons">
                    {dynamic(status_buttons)}
                    <Show when=move || actions.with(|a| a.assign_me)>
                        <button type="button" disabled=dynamic(move || pending.get()) on:click=assign_me>
                            {dynamic(move || i18n.t().assign_me)}
                        </button>
                    </Show>
                </div>
            </Show>
            <p class="assignee">
                {dynamic(move || {
                    let t = i18n.t();
                    let name = state
                        .ticket
                        .with(|tk| tk.assignee.as_ref().map(|a| a.name.clone()))
                        .unwrap_or_else(|| t.unassigned.to_owned());
                    fill(t.assigned_to, "name", &name)
                })}
            </p>
            <Show when=move || actions.with(|a| a.assign)>
                <div class="field">
                    <label for="agent-assignee">{dynamic(move || i18n.t().assign_to)}</label>
                    <div class="inline">
                        <select
                            id="agent-assignee"
                            on:change=move |ev| assignee.set(event_target_value(&ev))
                            prop:value=dynamic(move || assignee.get())
                        >
                            {dynamic(staff_options)}
                        </select>
                        <button type="button" disabled=dynamic(move || pending.get()) on:click=change_assignee>
                            {dynamic(move || i18n.t().change_assignee)}
                        </button>
                    </div>
                </div>
            </Show>
            <Show when=move || actions.with(|a| a.classify)>
                <div class="field">
                    <label for="agent-category">{dynamic(move || i18n.t().category)}</label>
                    <div class="inline">
                        <select
                            id="agent-category"
                            on:change=move |ev| category.set(event_target_value(&ev))
                            prop:value=dynamic(move || category.get())
                        >
                            {dynamic(move || category_options(groups(), category))}
                        </select>
                        <button type="button" disabled=dynamic(move || pending.get()) on:click=change_category>
                            {dynamic(move || i18n.t().change_category)}
                        </button>
                    </div>
                </div>
                <div class="field">
                    <label for="agent-impact">{dynamic(move || i18n.t().field_impact)}</label>
                    <div class="inline">
                        <select
                            id="agent-impact"
                            prop:value=dynamic(move || impact.get().as_str())
                            on:change=move |ev| {
                                if let Some(level) = Level::parse(&event_target_value(&ev)) {
                                    impact.set(level);
                                }
                            }
                        >
                            {Level::ALL
                                .iter()
                                .map(|&level| {
                                    view! {
                                        <option value=level.as_str() selected=dynamic(move || impact.get() == level)>
                                            {dynamic(move || i18n.t().level(level))}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                        <button type="button" disabled=dynamic(move || pending.get()) on:click=change_impact>
                            {dynamic(move || i18n.t().change_impact)}
                        </button>
                    </div>
                </div>
            </Show>
            <Show when=move || actions.with(|a| a.propose_solution)>
                <h3>{dynamic(move || i18n.t().propose_heading)}</h3>
                <TextActionForm action=TextAction::Propose />
            </Show>
            <Show when=move || actions.with(|a| a.reopen)>
                <h3>{dynamic(move || i18n.t().reopen_heading)}</h3>
                <TextActionForm action=TextAction::Reopen />
            </Show>
        </section>
    }
}
