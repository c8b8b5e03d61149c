use guichet_types::{AttachmentInfo, FieldError};
use leptos::{ev::SubmitEvent, html, prelude::*, task::spawn_local};
use web_sys::File;

use super::{
    notice::{Notice, NoticeView},
    previews::Previews,
    state::expect_ticket_state,
};
use crate::{
    components::FieldMessage,
    dom,
    failure::Failure,
    files::{self, Progress, ATTACHMENT_MAX_BYTES},
    forms::{described_by, FieldErrors},
    i18n::{fill, use_i18n},
    reactive::dynamic,
    session::expect_session,
};

/// The ticket's files, each downloaded with the signed-in user's token, and the form that
/// adds one when the ticket is open to changes.
#[component]
pub fn Attachments(can_attach: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_ticket_state();
    let notice = RwSignal::new(None::<Notice>);
    let list = move || {
        match state.attachments.get() {
        None => {
            view! { <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p> }.into_any()
        }
        Some(Err(failure)) => view! {
            <p class="alert" role="alert">
                {dynamic(move || i18n.t().load_failed)} " " {dynamic(move || (failure.message())(i18n.t()))}
            </p>
        }
        .into_any(),
        Some(Ok(files)) if files.is_empty() => {
            view! { <p class="muted">{dynamic(move || i18n.t().no_attachments)}</p> }.into_any()
        }
        Some(Ok(files)) => view! {
            <ul class="files">
                <For each=move || files.clone() key=|file| file.id let:file>
                    <AttachmentItem file notice />
                </For>
            </ul>
        }
        .into_any(),
    }
    };
    view! {
        <section class="panel" aria-labelledby="attachments-heading">
            <h2 id="attachments-heading">{dynamic(move || i18n.t().attachments)}</h2>
            {dynamic(list)}
            <NoticeView notice id="attachments-notice" />
            <Show when=move || can_attach.get()>
                <AttachForm />
            </Show>
        </section>
    }
}

/// One file, downloaded with the signed-in user's token (`notice` says when that fails), an
/// image with its preview.
#[component]
pub fn AttachmentItem(file: AttachmentInfo, notice: RwSignal<Option<Notice>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let pending = RwSignal::new(false);
    let preview = Previews::expect().of(&file);
    let AttachmentInfo {
        id,
        file_name,
        size,
        content_type,
    } = file;
    let name = file_name.clone();
    let alt = file_name.clone();
    let download = move |_| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        let (name, content_type) = (name.clone(), content_type.clone());
        spawn_local(async move {
            let answer = session
                .call(|client| async move {
                    match client.download_attachment(id).await {
                        Ok(raw) if raw.status < 300 => Ok(raw),
                        Ok(raw) => Err(Failure::status(raw.status)),
                        Err(error) => Err(Failure::from(error)),
                    }
                })
                .await;
            pending.set(false);
            let saved = answer
                .ok()
                .is_some_and(|raw| files::save(&raw.body, &name, &content_type).is_ok());
            if !saved {
                notice.set(Some(Notice::Failed(|t| t.download_failed)));
            }
        });
    };
    view! {
        <li>
            <button
                type="button"
                class="link"
                on:click=download
                aria-busy=dynamic(move || pending.get().then_some("true"))
            >
                <span class="visually-hidden">{dynamic(move || i18n.t().download)} " "</span>
                {file_name}
            </button>
            " "
            <span class="muted">"(" {dynamic(move || i18n.t().size(size))} ")"</span>
            {preview
                .map(|url| {
                    dynamic(move || {
                        url.get().map(|src| view! { <img class="thumbnail" src=src alt=alt.clone() /> })
                    })
                })}
        </li>
    }
}

/// One file, checked for size before it is sent, with a progress bar while it goes.
#[component]
fn AttachForm() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let state = expect_ticket_state();
    let input = NodeRef::<html::Input>::new();
    let chosen = RwSignal::new_local(None::<File>);
    let errors = RwSignal::new(FieldErrors::default());
    let notice = RwSignal::new(None::<Notice>);
    let progress = RwSignal::new(None::<(String, Progress)>);
    const ID: &str = "attach-file";

    let refuse = move |code: &str| {
        errors.set(FieldErrors::new(
            vec![FieldError::new("file", code, code)],
            |_| false,
        ));
        dom::focus_soon(ID);
    };
    let on_change = move |_| {
        let file = input
            .get_untracked()
            .and_then(|i| i.files())
            .and_then(|list| list.get(0));
        notice.set(None);
        match file
            .as_ref()
            .and_then(|f| files::size_error(files::size_of(f)))
        {
            Some(code) => refuse(code),
            None => errors.set(FieldErrors::default()),
        }
        chosen.set(file);
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if progress.with_untracked(Option::is_some) {
            return;
        }
        let Some(file) = chosen.get_untracked() else {
            return refuse("required");
        };
        if let Some(code) = files::size_error(files::size_of(&file)) {
            return refuse(code);
        }
        errors.set(FieldErrors::default());
        notice.set(None);
        let name = file.name();
        progress.set(Some((name.clone(), Progress::default())));
        let number = state.number();
        spawn_local(async move {
            let result = session
                .call(|client| {
                    let name = name.clone();
                    files::upload(client, number.clone(), file.clone(), move |p| {
                        progress.set(Some((name.clone(), p)));
                    })
                })
                .await;
            progress.set(None);
            let succeeded = result.is_ok();
            let refused = state.conclude(result, notice, |t| t.attach_done);
            if succeeded {
                chosen.set(None);
                if let Some(input) = input.get_untracked() {
                    input.set_value("");
                }
            }
            if !refused.is_empty() {
                errors.set(FieldErrors::new(refused, |_| false));
                dom::focus_soon(ID);
            }
        });
    };

    let invalid = move || errors.with(|e| e.has("file"));
    view! {
        <form class="attach" novalidate on:submit=on_submit>
            <div class="field">
                <label for=ID>{dynamic(move || i18n.t().attach_file)}</label>
                // The browser's own "Choose file / No file chosen" would speak its language, not
                // the page's: the input, transparent, lies over our button and text.
                <div class="file-picker">
                    <span class="button file-button" aria-hidden="true">{dynamic(move || i18n.t().choose_file)}</span>
                    <span class="file-chosen" aria-hidden="true">
                        {dynamic(move || {
                            chosen.with(|file| file.as_ref().map(File::name)).unwrap_or_else(|| i18n.t().no_file_chosen.to_owned())
                        })}
                    </span>
                    <input
                        id=ID
                        name="file"
                        type="file"
                        node_ref=input
                        on:change=on_change
                        aria-invalid=dynamic(move || invalid().then_some("true"))
                        aria-describedby=dynamic(move || described_by(ID, true, invalid()))
                    />
                </div>
                <p id=format!("{ID}-hint") class="hint">
                    {dynamic(move || { let t = i18n.t(); fill(t.attach_hint, "max", &t.size(ATTACHMENT_MAX_BYTES)) })}
                </p>
                <FieldMessage id=ID field="file" errors />
            </div>
            <UploadProgress id="attach-progress" progress />
            <NoticeView notice id="attach-notice" />
            <button type="submit" disabled=dynamic(move || progress.with(Option::is_some))>
                {dynamic(move || i18n.t().attach_submit)}
            </button>
        </form>
    }
}

/// A labelled progress bar for the file being sent, if any.
#[component]
pub fn UploadProgress(
    id: &'static str,
    /// The file's name and how much of it is sent.
    progress: RwSignal<Option<(String, Progress)>>,
    /// Which file of how many, when several go one after the other.
    #[prop(optional)]
    position: Option<RwSignal<(usize, usize)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    dynamic(move || {
        progress.get().map(|(name, sent)| {
            let t = i18n.t();
            let label = match position.map(|p| p.get()) {
                Some((n, total)) if total > 1 => fill(
                    &fill(&fill(t.uploading, "file", &name), "n", &n.to_string()),
                    "total",
                    &total.to_string(),
                ),
                _ => fill(t.uploading_one, "file", &name),
            };
            // Unknown total: an indeterminate bar.
            let value = (sent.total > 0).then(|| sent.sent.to_string());
            view! {
                <div class="upload">
                    <label for=id>{label}</label>
                    <progress id=id max=sent.total.max(1).to_string() value=value></progress>
                </div>
            }
        })
    })
}
