//! Administrators: the audit log, newest first, filtered by who, what, on what and when.
use chrono::{Days, NaiveDate};
use guichet_types::{Actor, AuditEvent, AuditQuery, UserId};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

use crate::{
    components::{page_title, LoadMore},
    dom,
    i18n::{use_i18n, Message},
    paging::Paging,
    reactive::dynamic,
    session::expect_session,
};

/// The kinds of object the server's audit events name.
const TARGET_TYPES: [&str; 8] = [
    "company",
    "contract",
    "contact",
    "asset",
    "user",
    "access_request",
    "category",
    "email",
];

/// The filters as typed: empty means any.
#[derive(Debug, Clone, Default, PartialEq)]
struct Filters {
    actor: String,
    action: String,
    target_type: String,
    target_id: String,
    since: String,
    until: String,
}

/// The query of `filters`; `midnight` tells when a day (`YYYY-MM-DD`) starts for the reader.
/// The last day is included: the query ends at the next midnight.
fn query_of(filters: &Filters, midnight: impl Fn(NaiveDate) -> Option<String>) -> AuditQuery {
    let given = |value: &str| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
    let day = |value: &str| NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok();
    AuditQuery {
        actor_id: filters.actor.parse().ok().map(UserId),
        target_type: given(&filters.target_type),
        target_id: given(&filters.target_id),
        action: given(&filters.action),
        since: day(&filters.since).and_then(&midnight),
        until: day(&filters.until)
            .and_then(|d| d.checked_add_days(Days::new(1)))
            .and_then(&midnight),
        cursor: None,
        limit: None,
    }
}

fn local_midnight(day: NaiveDate) -> Option<String> {
    dom::parse_local_input(&format!("{day}T00:00")).map(|at| at.to_rfc3339())
}

/// A member's value as the log shows it: text as it is, nothing as a dash.
fn shown(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "—".to_owned(),
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    page_title(|t| t.admin_audit);
    let typed = RwSignal::new(Filters::default());
    let asked = RwSignal::new(AuditQuery::default());
    let list = Paging::<AuditEvent>::new();
    let staff = RwSignal::new(Vec::<Actor>::new());

    spawn_local(async move {
        if let Ok(found) = session
            .call(|client| async move { client.staff().await })
            .await
        {
            staff.set(found);
        }
    });

    let load = move |cursor: Option<String>| {
        let asked = asked.get_untracked();
        list.load(cursor, |cursor| async move {
            let query = AuditQuery { cursor, ..asked };
            session
                .call(|client| {
                    let query = query.clone();
                    async move { client.audit_events(&query).await }
                })
                .await
        });
    };
    load(None);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        asked.set(query_of(&typed.get_untracked(), local_midnight));
        load(None);
    };

    let text = move |field: &'static str,
                     name: Message,
                     kind: &'static str,
                     hint: Option<Message>,
                     get: fn(&Filters) -> &String,
                     set: fn(&mut Filters, String)| {
        view! {
            <div class="field">
                <label for=field>{dynamic(move || name(i18n.t()))}</label>
                {hint.map(|hint| view! { <p class="hint" id=format!("{field}-hint")>{dynamic(move || hint(i18n.t()))}</p> })}
                <input
                    aria-describedby=hint.map(|_| format!("{field}-hint"))
                    id=field
                    name=field
                    type=kind
                    autocomplete="off"
                    prop:value=move || typed.with(|f| get(f).clone())
                    on:input=move |ev| typed.update(|f| set(f, event_target_value(&ev)))
                />
            </div>
        }
    };
    let any = move || view! { <option value="">{dynamic(move || i18n.t().audit_anyone)}</option> };

    let rows = move || {
        let tag = i18n.t().tag;
        list.items
            .get()
            .into_iter()
            .map(|event| {
                let at = event.at.to_rfc3339();
                let who = event.actor.map(|a| a.name);
                let changes = event
                    .changes
                    .iter()
                    .map(|(member, change)| {
                        view! {
                            <li>
                                <code>{member.clone()}</code>
                                {format!(" : {} → {}", shown(&change.from), shown(&change.to))}
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <tr>
                        <td><time datetime=at.clone()>{dom::format_date_time(&at, tag)}</time></td>
                        <td>{dynamic(move || who.clone().unwrap_or_else(|| i18n.t().audit_nobody.to_owned()))}</td>
                        <td>{event.actor_address}</td>
                        <td><code>{event.action}</code></td>
                        <td>{format!("{} {}", event.target.kind, event.target.id)}</td>
                        <td><ul class="changes">{changes}</ul></td>
                    </tr>
                }
            })
            .collect_view()
    };
    let table = move || {
        let t = i18n.t();
        view! {
            <div class="table-wrap">
                <table class="tickets audit-log">
                    <caption class="visually-hidden">{t.audit_events}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t.audit_when}</th>
                            <th scope="col">{t.audit_actor}</th>
                            <th scope="col">{t.audit_address}</th>
                            <th scope="col">{t.audit_action}</th>
                            <th scope="col">{t.audit_target_type}</th>
                            <th scope="col">{t.audit_changes}</th>
                        </tr>
                    </thead>
                    <tbody>{dynamic(rows)}</tbody>
                </table>
            </div>
        }
    };

    view! {
        <section class="admin-audit" aria-labelledby="page-title">
            <h1 id="page-title">{dynamic(move || i18n.t().admin_audit)}</h1>
            <p class="intro">{dynamic(move || i18n.t().audit_intro)}</p>
            <form class="filters" role="search" aria-labelledby="audit-filters" novalidate on:submit=on_submit>
                <h2 id="audit-filters" class="visually-hidden">{dynamic(move || i18n.t().audit_filters)}</h2>
                <div class="field">
                    <label for="actor">{dynamic(move || i18n.t().audit_actor)}</label>
                    <select id="actor" name="actor" on:change=move |ev| typed.update(|f| f.actor = event_target_value(&ev))>
                        {any}
                        {dynamic(move || {
                            staff.get().into_iter().map(|a| view! { <option value=a.id.0.to_string()>{a.name}</option> }).collect_view()
                        })}
                    </select>
                </div>
                {text("action", |t| t.audit_action, "text", Some(|t| t.audit_action_hint), |f| &f.action, |f, v| f.action = v)}
                <div class="field">
                    <label for="target_type">{dynamic(move || i18n.t().audit_target_type)}</label>
                    <select id="target_type" name="target_type" on:change=move |ev| typed.update(|f| f.target_type = event_target_value(&ev))>
                        {any}
                        {TARGET_TYPES.map(|kind| view! { <option value=kind>{kind}</option> })}
                    </select>
                </div>
                {text("target_id", |t| t.audit_target_id, "text", None, |f| &f.target_id, |f, v| f.target_id = v)}
                {text("since", |t| t.audit_since, "date", None, |f| &f.since, |f, v| f.since = v)}
                {text("until", |t| t.audit_until, "date", None, |f| &f.until, |f, v| f.until = v)}
                <div class="actions">
                    <button type="submit" class="primary">{dynamic(move || i18n.t().audit_filter)}</button>
                </div>
            </form>
            {dynamic(move || {
                if list.loaded.get() && list.items.with(Vec::is_empty) {
                    view! { <p class="empty" role="status">{dynamic(move || i18n.t().audit_none)}</p> }.into_any()
                } else if list.loaded.get() {
                    table().into_any()
                } else {
                    ().into_any()
                }
            })}
            {dynamic(move || {
                (list.loading.get() && !list.loaded.get())
                    .then(|| view! { <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p> })
            })}
            <LoadMore next=list.next loading=list.loading failure=list.failure on_load=move || load(list.next.get_untracked()) />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_become_the_query_with_the_last_day_included() {
        let filters = Filters {
            actor: "3".to_owned(),
            action: " company.created ".to_owned(),
            target_type: String::new(),
            target_id: String::new(),
            since: "2026-12-01".to_owned(),
            until: "2026-12-04".to_owned(),
        };
        let query = query_of(&filters, |day| Some(format!("{day}T00:00:00+01:00")));
        assert_eq!(query.actor_id, Some(UserId(3)));
        assert_eq!(query.action.as_deref(), Some("company.created"));
        assert_eq!(query.target_type, None);
        assert_eq!(query.since.as_deref(), Some("2026-12-01T00:00:00+01:00"));
        assert_eq!(query.until.as_deref(), Some("2026-12-05T00:00:00+01:00"));
        let unreadable = Filters {
            since: "yesterday".to_owned(),
            ..Filters::default()
        };
        assert_eq!(query_of(&unreadable, |_| None), AuditQuery::default());
    }

    #[test]
    fn values_read_plainly() {
        assert_eq!(shown(&serde_json::Value::Null), "—");
        assert_eq!(shown(&serde_json::json!("Acme")), "Acme");
        assert_eq!(shown(&serde_json::json!(false)), "false");
    }
}
