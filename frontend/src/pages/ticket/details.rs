use guichet_types::Ticket;
use leptos::prelude::*;

use super::state::expect_ticket_state;
use crate::{
    dom,
    i18n::{fill, use_i18n, Message},
    reactive::dynamic,
};

/// The ticket's fields, as a list of terms and values.
#[component]
pub fn TicketDetails() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_ticket_state();
    let ticket = state.ticket;

    let row = move |term: Message, value: Box<dyn Fn(&Ticket) -> String + Send + Sync>| {
        view! {
            <div>
                <dt>{dynamic(move || term(i18n.t()))}</dt>
                <dd>{dynamic(move || ticket.with(|t| value(t)))}</dd>
            </div>
        }
    };
    let date = move |term: Message, at: fn(&Ticket) -> Option<String>| {
        dynamic(move || {
            ticket.with(at).map(|at| {
                let shown = at.clone();
                view! {
                    <div>
                        <dt>{dynamic(move || term(i18n.t()))}</dt>
                        <dd>
                            <time datetime=at>{dynamic(move || dom::format_date_time(&shown, i18n.t().tag))}</time>
                        </dd>
                    </div>
                }
            })
        })
    };

    view! {
        <section class="panel" aria-labelledby="details-heading">
            <h2 id="details-heading">{dynamic(move || i18n.t().ticket_details)}</h2>
            <dl class="details">
                {row(|t| t.col_number, Box::new(|t| t.number.to_string()))}
                <div>
                    <dt>{dynamic(move || i18n.t().col_status)}</dt>
                    <dd>
                        {dynamic(move || {
                            let status = ticket.with(|t| t.status);
                            view! {
                                <span class=format!("status status-{}", status.as_str())>
                                    {dynamic(move || i18n.t().status(status))}
                                </span>
                            }
                        })}
                    </dd>
                </div>
                {row(|t| t.field_kind, Box::new(move |t| i18n.t().kind(t.kind).to_owned()))}
                {row(|t| t.category, Box::new(|t| t.category.name.clone()))}
                {row(|t| t.urgency, Box::new(move |t| i18n.t().level(t.urgency).to_owned()))}
                {row(|t| t.field_impact, Box::new(move |t| i18n.t().level(t.impact).to_owned()))}
                {row(
                    |t| t.field_priority,
                    Box::new(move |t| fill(i18n.t().priority_value, "n", &t.priority.to_string())),
                )}
                {row(|t| t.field_requester, Box::new(|t| t.requester.name.clone()))}
                {row(|t| t.field_company, Box::new(|t| t.company.name.clone()))}
                {row(
                    |t| t.field_assignee,
                    Box::new(move |t| {
                        t.assignee
                            .as_ref()
                            .map_or_else(|| i18n.t().not_assigned.to_owned(), |a| a.name.clone())
                    }),
                )}
                {dynamic(move || {
                    ticket
                        .with(|t| t.asset.is_some())
                        .then(|| {
                            row(
                                |t| t.asset,
                                Box::new(|t| t.asset.as_ref().map(|a| a.name.clone()).unwrap_or_default()),
                            )
                        })
                })}
                {date(|t| t.field_created, |t| Some(t.created_at.to_rfc3339()))}
                {date(|t| t.field_updated, |t| Some(t.updated_at.to_rfc3339()))}
                {date(|t| t.field_resolved, |t| t.resolved_at.map(|d| d.to_rfc3339()))}
                {date(|t| t.field_closed, |t| t.closed_at.map(|d| d.to_rfc3339()))}
                {row(
                    |t| t.field_watchers,
                    Box::new(move |t| {
                        if t.watchers.is_empty() { i18n.t().nobody.to_owned() } else { t.watchers.join(", ") }
                    }),
                )}
                {dynamic(move || {
                    ticket
                        .with(|t| t.satisfaction.is_some())
                        .then(|| {
                            row(
                                |t| t.field_satisfaction,
                                Box::new(move |t| {
                                    t.satisfaction
                                        .as_ref()
                                        .map(|s| {
                                            let rating = fill(i18n.t().rating_value, "n", &s.rating.to_string());
                                            match &s.comment {
                                                Some(comment) if !comment.is_empty() => format!("{rating} — {comment}"),
                                                _ => rating,
                                            }
                                        })
                                        .unwrap_or_default()
                                }),
                            )
                        })
                })}
            </dl>
        </section>
    }
}
