//! The actions that move a ticket with one text: propose a solution, approve or reject it,
//! withdraw the ticket, reopen it.
use guichet_client::{Client, ClientError};
use guichet_types::{
    validation_errors, ApproveRequest, FieldError, ReasonRequest, SolutionRequest, Ticket,
    TicketNumber,
};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use validator::Validate;

use super::state::expect_ticket_state;
use crate::{
    components::FieldMessage,
    dom,
    forms::{described_by, FieldErrors},
    i18n::{use_i18n, Message},
    reactive::dynamic,
    session::expect_session,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextAction {
    Propose,
    Approve,
    Reject,
    Withdraw,
    Reopen,
}

impl TextAction {
    /// The member of the request body, as the API names it in field errors.
    pub fn field(self) -> &'static str {
        match self {
            TextAction::Propose => "body",
            TextAction::Approve => "comment",
            TextAction::Reject | TextAction::Withdraw | TextAction::Reopen => "reason",
        }
    }

    fn input_id(self) -> &'static str {
        match self {
            TextAction::Propose => "solution-body",
            TextAction::Approve => "approve-comment",
            TextAction::Reject => "reject-reason",
            TextAction::Withdraw => "withdraw-reason",
            TextAction::Reopen => "reopen-reason",
        }
    }

    pub fn required(self) -> bool {
        self != TextAction::Approve
    }

    fn label(self) -> Message {
        match self {
            TextAction::Propose => |t| t.solution_body,
            TextAction::Approve => |t| t.approve_comment,
            TextAction::Reject => |t| t.reject_reason,
            TextAction::Withdraw => |t| t.withdraw_reason,
            TextAction::Reopen => |t| t.reopen_reason,
        }
    }

    fn hint(self) -> Option<Message> {
        match self {
            TextAction::Withdraw => Some(|t| t.withdraw_hint),
            _ => None,
        }
    }

    fn submit(self) -> Message {
        match self {
            TextAction::Propose => |t| t.propose_submit,
            TextAction::Approve => |t| t.approve_submit,
            TextAction::Reject => |t| t.reject_submit,
            TextAction::Withdraw => |t| t.withdraw_submit,
            TextAction::Reopen => |t| t.reopen_submit,
        }
    }

    fn done(self) -> Message {
        match self {
            TextAction::Propose => |t| t.propose_done,
            TextAction::Approve => |t| t.approve_done,
            TextAction::Reject => |t| t.reject_done,
            TextAction::Withdraw => |t| t.withdraw_done,
            TextAction::Reopen => |t| t.reopen_done,
        }
    }

    /// The rules of the request type, checked before sending.
    pub fn check(self, text: &str) -> Vec<FieldError> {
        let invalid = match self {
            TextAction::Propose => SolutionRequest {
                body: text.to_owned(),
            }
            .validate(),
            TextAction::Approve => ApproveRequest {
                comment: Some(text.to_owned()).filter(|c| !c.is_empty()),
            }
            .validate(),
            TextAction::Reject | TextAction::Withdraw | TextAction::Reopen => ReasonRequest {
                reason: text.to_owned(),
            }
            .validate(),
        };
        invalid
            .err()
            .map(|e| validation_errors(&e))
            .unwrap_or_default()
    }

    async fn send(
        self,
        client: Client,
        number: TicketNumber,
        text: String,
    ) -> Result<Ticket, ClientError> {
        match self {
            TextAction::Propose => client.propose_solution(&number, &text).await,
            TextAction::Approve => {
                let comment = Some(text.as_str()).filter(|c| !c.is_empty());
                client.approve_solution(&number, comment).await
            }
            TextAction::Reject => client.reject_solution(&number, &text).await,
            TextAction::Withdraw => client.withdraw(&number, &text).await,
            TextAction::Reopen => client.reopen(&number, &text).await,
        }
    }
}

/// One text and one button; the outcome goes to the page's notice since the form goes away
/// with the status it changes.
#[component]
pub fn TextActionForm(action: TextAction) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let state = expect_ticket_state();
    let text = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let pending = RwSignal::new(false);
    let (id, field) = (action.input_id(), action.field());

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let value = text.get_untracked().trim().to_owned();
        let found = FieldErrors::new(action.check(&value), |_| value.is_empty());
        if !found.is_empty() {
            errors.set(found);
            dom::focus_soon(id);
            return;
        }
        errors.set(FieldErrors::default());
        pending.set(true);
        let number = state.number();
        spawn_local(async move {
            let result = session
                .call(|client| action.send(client, number.clone(), value.clone()))
                .await;
            pending.set(false);
            let succeeded = result.is_ok();
            let refused = state.conclude_on_page(result, action.done());
            if succeeded {
                text.set(String::new());
            }
            if !refused.is_empty() {
                errors.set(FieldErrors::new(refused, |_| false));
                dom::focus_soon(id);
            }
        });
    };

    let invalid = move || errors.with(|e| e.has(field));
    let hint = action.hint();
    view! {
        <form class="text-action" novalidate on:submit=on_submit>
            <div class="field">
                <label for=id>
                    {dynamic(move || (action.label())(i18n.t()))}
                    {action
                        .required()
                        .then(|| view! { " " <span class="required">{dynamic(move || i18n.t().required_mark)}</span> })}
                </label>
                <textarea
                    id=id
                    name=field
                    rows="4"
                    required=action.required()
                    bind:value=text
                    aria-invalid=dynamic(move || invalid().then_some("true"))
                    aria-describedby=dynamic(move || described_by(id, hint.is_some(), invalid()))
                ></textarea>
                {hint.map(|hint| view! { <p id=format!("{id}-hint") class="hint">{dynamic(move || hint(i18n.t()))}</p> })}
                <FieldMessage id=id field=field errors />
            </div>
            <button
                type="submit"
                class=if action == TextAction::Reject || action == TextAction::Withdraw { "" } else { "primary" }
                disabled=dynamic(move || pending.get())
            >
                {dynamic(move || {
                    let t = i18n.t();
                    if pending.get() { t.sending } else { (action.submit())(t) }
                })}
            </button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_required_a_comment_is_not() {
        let codes = |action: TextAction, text: &str| {
            FieldErrors::new(action.check(text), |_| text.is_empty())
                .iter()
                .map(|e| (e.field.clone(), e.code.clone()))
                .collect::<Vec<_>>()
        };
        assert!(codes(TextAction::Approve, "").is_empty());
        for action in [TextAction::Reject, TextAction::Withdraw, TextAction::Reopen] {
            assert_eq!(
                codes(action, ""),
                [("reason".to_owned(), "required".to_owned())]
            );
        }
        assert_eq!(
            codes(TextAction::Propose, ""),
            [("body".to_owned(), "required".to_owned())]
        );
        assert!(codes(TextAction::Reject, "Toujours en panne").is_empty());
        let long = "x".repeat(5001);
        assert_eq!(
            codes(TextAction::Approve, &long),
            [("comment".to_owned(), "length".to_owned())]
        );
    }
}
