use guichet_types::{validation_errors, FieldError, NewFollowup, TicketStatus};
use leptos::{ev::SubmitEvent, html, prelude::*, task::spawn_local};
use validator::Validate;
use web_sys::File;

use super::{
    article_link::ArticleLink,
    attachments::UploadProgress,
    notice::{Notice, NoticeView},
    state::expect_ticket_state,
};
use crate::{
    components::FieldMessage,
    dom,
    files::{self, Progress, ATTACHMENT_MAX_BYTES},
    forms::{described_by, FieldErrors},
    i18n::{fill, use_i18n, Message},
    reactive::dynamic,
    session::expect_session,
};

const ID: &str = "followup-body";
const FILES: &str = "followup-files";
const RESOLVED_NOTE: &str = "followup-resolved-note";

/// What a message is made of: its text (may be empty when files go) and its files.
pub fn followup_errors(followup: &NewFollowup, files: &[u64]) -> Vec<FieldError> {
    let mut found = Vec::new();
    if followup.body.is_empty() {
        if files.is_empty() {
            found.push(FieldError::new(
                "body",
                "message_or_file",
                "write a message or choose a file",
            ));
        }
    } else if let Err(errors) = followup.validate() {
        found.extend(validation_errors(&errors));
    }
    if let Some(code) = files.iter().find_map(|size| files::size_error(*size)) {
        found.push(FieldError::new("files", code, "a file is too large"));
    }
    found
}

/// What the form says once everything went: which parts of the message were sent.
fn done(text: bool, files: usize) -> Message {
    match (text, files) {
        (true, 0) => |t| t.followup_done,
        (true, _) => |t| t.followup_files_done,
        (false, 1) => |t| t.attach_done,
        (false, _) => |t| t.files_attached_done,
    }
}

/// A message on the ticket, with files or made of files only; agents may keep its text
/// internal (files are never internal).
#[component]
pub fn FollowupForm(internal_allowed: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let state = expect_ticket_state();
    let body = RwSignal::new(String::new());
    let internal = RwSignal::new(false);
    let file_input = NodeRef::<html::Input>::new();
    let textarea = NodeRef::<html::Textarea>::new();
    // The files to send with the message; those that failed stay here to be sent again.
    let chosen = RwSignal::new_local(Vec::<File>::new());
    let progress = RwSignal::new(None::<(String, Progress)>);
    let position = RwSignal::new((0_usize, 0_usize));
    let errors = RwSignal::new(FieldErrors::default());
    let notice = RwSignal::new(None::<Notice>);
    let pending = RwSignal::new(false);
    // The customer is asked something: say that answering moves the ticket on.
    let awaited =
        move || !internal_allowed.get() && state.ticket.with(|t| t.status) == TicketStatus::Waiting;
    // A customer's message on a resolved ticket withdraws the solution: say it before sending.
    let cancels_solution = move || {
        !internal_allowed.get() && state.ticket.with(|t| t.status) == TicketStatus::Resolved
    };

    let on_files = move |_| {
        let list = file_input
            .get_untracked()
            .and_then(|input| input.files())
            .map(|list| {
                (0..list.length())
                    .filter_map(|i| list.get(i))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let too_large = list
            .iter()
            .find_map(|f| files::size_error(files::size_of(f)));
        errors.update(|errors| {
            let mut kept: Vec<FieldError> = errors
                .iter()
                .filter(|e| e.field != "files")
                .cloned()
                .collect();
            if let Some(code) = too_large {
                kept.push(FieldError::new("files", code, "a file is too large"));
            }
            *errors = FieldErrors::new(kept, |_| false);
        });
        notice.set(None);
        chosen.set(list);
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let followup = NewFollowup {
            body: body.get_untracked().trim().to_owned(),
            internal: (internal_allowed.get_untracked() && internal.get_untracked())
                .then_some(true),
        };
        let attached = chosen.get_untracked();
        let sizes: Vec<u64> = attached.iter().map(files::size_of).collect();
        let found = FieldErrors::new(followup_errors(&followup, &sizes), |_| false);
        if !found.is_empty() {
            let first = if found.has("body") { ID } else { FILES };
            errors.set(found);
            dom::focus_soon(first);
            return;
        }
        errors.set(FieldErrors::default());
        notice.set(None);
        pending.set(true);
        let number = state.number();
        let text = !followup.body.is_empty();
        spawn_local(async move {
            if text {
                let result = session
                    .call(|client| {
                        let (number, followup) = (number.clone(), followup.clone());
                        async move { client.add_followup(&number, &followup).await }
                    })
                    .await;
                if result.is_err() {
                    pending.set(false);
                    let refused = state.conclude(result, notice, |t| t.followup_done);
                    if !refused.is_empty() {
                        errors.set(FieldErrors::new(refused, |_| false));
                        dom::focus_soon(ID);
                    }
                    return;
                }
                body.set(String::new());
                internal.set(false);
            }
            let count = attached.len();
            let not_attached =
                files::upload_all(session, &number, attached, progress, position).await;
            pending.set(false);
            chosen.set(not_attached.clone());
            if not_attached.is_empty() {
                if let Some(input) = file_input.get_untracked() {
                    input.set_value("");
                }
                state.conclude_with(notice, Notice::Done(done(text, count)));
            } else {
                keep_in_input(file_input, &not_attached);
                let names = not_attached.iter().map(File::name).collect();
                state.conclude_with(notice, Notice::FilesFailed(names));
                dom::focus_soon("followup-notice");
            }
        });
    };

    let invalid = move || errors.with(|e| e.has("body"));
    let invalid_files = move || errors.with(|e| e.has("files"));
    view! {
        <section class="panel" aria-labelledby="followup-heading">
            <h2 id="followup-heading">{dynamic(move || i18n.t().followup_heading)}</h2>
            <form novalidate on:submit=on_submit>
                <div class="field">
                    <label for=ID>{dynamic(move || i18n.t().followup_body)}</label>
                    <textarea
                        id=ID
                        name="body"
                        rows="5"
                        node_ref=textarea
                        bind:value=body
                        aria-invalid=dynamic(move || invalid().then_some("true"))
                        aria-describedby=dynamic(move || described_by(ID, awaited(), invalid()))
                    ></textarea>
                    {dynamic(move || {
                        awaited()
                            .then(|| {
                                view! { <p id=format!("{ID}-hint") class="hint">{dynamic(move || i18n.t().followup_waiting_hint)}</p> }
                            })
                    })}
                    <FieldMessage id=ID field="body" errors />
                </div>
                {dynamic(move || session.is_staff().then(|| view! { <ArticleLink body textarea /> }))}
                <Show when=move || internal_allowed.get()>
                    <div class="field choice">
                        <input id="followup-internal" name="internal" type="checkbox" bind:checked=internal />
                        <label for="followup-internal">{dynamic(move || i18n.t().followup_internal)}</label>
                    </div>
                </Show>
                <div class="field">
                    <label for=FILES>{dynamic(move || i18n.t().followup_files)}</label>
                    // In the page's language rather than the browser's: the input, transparent,
                    // lies over our button and text.
                    <div class="file-picker">
                        <span class="button file-button" aria-hidden="true">{dynamic(move || i18n.t().choose_files)}</span>
                        <span class="file-chosen" aria-hidden="true">
                            {dynamic(move || {
                                let t = i18n.t();
                                match chosen.with(Vec::len) {
                                    0 => t.no_file_chosen.to_owned(),
                                    1 => t.one_file_chosen.to_owned(),
                                    n => fill(t.files_chosen, "n", &n.to_string()),
                                }
                            })}
                        </span>
                        <input
                            id=FILES
                            name="files"
                            type="file"
                            multiple
                            node_ref=file_input
                            on:change=on_files
                            aria-invalid=dynamic(move || invalid_files().then_some("true"))
                            aria-describedby=dynamic(move || described_by(FILES, true, invalid_files()))
                        />
                    </div>
                    <p id=format!("{FILES}-hint") class="hint">
                        {dynamic(move || {
                            let t = i18n.t();
                            fill(t.followup_files_hint, "max", &t.size(ATTACHMENT_MAX_BYTES))
                        })}
                    </p>
                    <FieldMessage id=FILES field="files" errors />
                    {dynamic(move || {
                        let t = i18n.t();
                        let items = chosen.with(|list| {
                            list.iter()
                                .map(|file| {
                                    let size = files::size_of(file);
                                    let too_large = files::size_error(size).is_some();
                                    let text = if too_large {
                                        format!("{} ({}, {})", file.name(), t.size(size), t.file_too_large_mark)
                                    } else {
                                        format!("{} ({})", file.name(), t.size(size))
                                    };
                                    view! { <li class:field-error=too_large>{text}</li> }
                                })
                                .collect::<Vec<_>>()
                        });
                        (!items.is_empty()).then(|| view! { <ul class="chosen-files">{items}</ul> })
                    })}
                </div>
                <UploadProgress id="followup-progress" progress position />
                <NoticeView notice id="followup-notice" />
                {dynamic(move || {
                    cancels_solution()
                        .then(|| {
                            view! {
                                <p id=RESOLVED_NOTE class="note">
                                    {dynamic(move || i18n.t().followup_resolved_note)}
                                </p>
                            }
                        })
                })}
                <button
                    type="submit"
                    class="primary"
                    disabled=dynamic(move || pending.get())
                    aria-describedby=dynamic(move || cancels_solution().then_some(RESOLVED_NOTE))
                >
                    {dynamic(move || {
                        let t = i18n.t();
                        if pending.get() { t.sending } else { t.followup_submit }
                    })}
                </button>
            </form>
        </section>
    }
}

/// Puts back in the file input the files that failed, so that what it holds is what "Send"
/// sends again (and what assistive technologies read).
fn keep_in_input(input: NodeRef<html::Input>, kept: &[File]) {
    let (Some(input), Ok(transfer)) = (input.get_untracked(), web_sys::DataTransfer::new()) else {
        return;
    };
    for file in kept {
        let _ = transfer.items().add_with_file(file);
    }
    input.set_files(transfer.files().as_ref());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(body: &str) -> NewFollowup {
        NewFollowup {
            body: body.to_owned(),
            internal: None,
        }
    }

    fn listed(errors: Vec<FieldError>) -> Vec<(String, String)> {
        errors.into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn a_message_is_a_text_files_or_both() {
        assert!(followup_errors(&message("Voici"), &[]).is_empty());
        assert!(followup_errors(&message(""), &[10]).is_empty());
        assert!(followup_errors(&message("Voici"), &[10, 20]).is_empty());
        assert_eq!(
            listed(followup_errors(&message(""), &[])),
            [("body".to_owned(), "message_or_file".to_owned())]
        );
    }

    #[test]
    fn a_long_text_or_a_large_file_is_refused_before_sending() {
        let long = "a".repeat(20_001);
        assert_eq!(
            listed(followup_errors(
                &message(&long),
                &[ATTACHMENT_MAX_BYTES + 1]
            )),
            [
                ("body".to_owned(), "length".to_owned()),
                ("files".to_owned(), "too_large".to_owned())
            ]
        );
    }

    #[test]
    fn the_confirmation_names_what_was_sent() {
        use crate::i18n::texts;
        let t = texts(guichet_types::Locale::En);
        assert_eq!(done(true, 0)(t), t.followup_done);
        assert_eq!(done(true, 2)(t), t.followup_files_done);
        assert_eq!(done(false, 1)(t), t.attach_done);
        assert_eq!(done(false, 3)(t), t.files_attached_done);
    }
}
