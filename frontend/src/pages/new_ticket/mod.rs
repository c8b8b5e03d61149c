use guichet_types::{
    validation_errors, AssetId, CategoryId, FieldError, Level, NewTicket, TicketKind, TicketNumber,
    UrgencyFor, TITLE_MAX_CHARS,
};
use leptos::{ev::SubmitEvent, html, prelude::*, task::spawn_local};
use leptos_router::hooks::use_navigate;
use validator::Validate;

mod requester;
mod suggestions;

use requester::{RequesterFields, RequesterPicker};
use suggestions::ArticleSuggestions;

use crate::{
    avoided,
    categories::{category_groups, category_options},
    components::{expect_flash, page_title, ErrorSummary, FieldMessage, Flash},
    dom,
    files::{self, Progress, ATTACHMENT_MAX_BYTES},
    forms::{described_by, FieldErrors},
    i18n::{fill, use_i18n, Message, Texts},
    pages::UploadProgress,
    reactive::dynamic,
    session::expect_session,
};

/// The fields in the order the form shows them, by their API names (also their ids); the
/// support team's requester fields come first.
const ORDER: [&str; 16] = [
    "requester_id",
    "requester.first_name",
    "requester.last_name",
    "requester.email",
    "requester.company_id",
    "requester.phone",
    "channel",
    "kind",
    "category_id",
    "urgency",
    "asset_id",
    "title",
    "description",
    "notify",
    "notify_email",
    "files",
];

/// The urgency the form sends: the one chosen when the provider asks it for this kind of
/// ticket, none when the field is hidden (the server then sets it).
fn urgency_sent(urgency_for: UrgencyFor, kind: TicketKind, chosen: Level) -> Option<Level> {
    urgency_for.asks(kind).then_some(chosen)
}

fn label(t: &Texts, field: &str) -> &'static str {
    if let Some(label) = requester::label(t, field) {
        return label;
    }
    match field {
        "kind" => t.kind_legend,
        "category_id" => t.category,
        "urgency" => t.urgency,
        "asset_id" => t.asset,
        "title" => t.title,
        "description" => t.description,
        "notify" => t.notify,
        "notify_email" => t.notify_email,
        "files" => t.files,
        _ => t.new_ticket_title,
    }
}

/// The new-ticket form; a customer whose company has no contract valid today gets a page
/// that says why instead (the server would refuse the ticket: `no_valid_contract`).
#[component]
pub fn NewTicketPage() -> impl IntoView {
    let session = expect_session();
    let without_contract = untrack(move || {
        !session.is_staff()
            && session
                .profile()
                .is_some_and(|profile| profile.contract.is_none())
    });
    if without_contract {
        view! { <NoContract /> }.into_any()
    } else {
        view! { <NewTicketForm /> }.into_any()
    }
}

#[component]
fn NoContract() -> impl IntoView {
    let i18n = use_i18n();
    page_title(|t| t.no_contract_title);
    view! {
        <section class="no-contract" aria-labelledby="page-title">
            <h1 id="page-title">{dynamic(move || i18n.t().no_contract_title)}</h1>
            <p>{dynamic(move || i18n.t().contract_none)}</p>
            <p>
                <a href="/tickets">{dynamic(move || i18n.t().landing_tickets)}</a>
            </p>
        </section>
    }
}

#[component]
fn NewTicketForm() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let flash = expect_flash();
    let navigate = use_navigate();
    page_title(|t| t.new_ticket_title);

    // The support team opens tickets for someone else.
    let staff = untrack(move || session.is_staff());
    let requester = RequesterFields::new();
    let kind = RwSignal::new(TicketKind::Incident);
    let category = RwSignal::new(String::new());
    let urgency = RwSignal::new(Level::Medium);
    // The provider's set-up, from the profile; every ticket asks until it is known.
    let urgency_for = Memo::new(move |_| {
        session
            .profile()
            .map(|p| p.ticket_form.urgency_for)
            .unwrap_or_default()
    });
    let asset = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let notify = RwSignal::new(true);
    let notify_email = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let general = RwSignal::new(None::<Message>);
    let pending = RwSignal::new(false);
    let created = RwSignal::new(None::<TicketNumber>);
    // Files wait in the browser until the ticket exists, then go one by one.
    let file_input = NodeRef::<html::Input>::new();
    let chosen = RwSignal::new_local(Vec::<web_sys::File>::new());
    let progress = RwSignal::new(None::<(String, Progress)>);
    let position = RwSignal::new((0_usize, 0_usize));
    let failed = RwSignal::new(Vec::<String>::new());

    // Category names come in the profile's language: reload them when it changes.
    let locale = Memo::new(move |_| session.profile().map(|p| p.locale));
    let categories = LocalResource::new(move || {
        locale.track();
        async move {
            session
                .call(|client| async move { client.categories().await })
                .await
        }
    });
    // The requester's equipment: the support team's comes with the requester's company.
    let assets = LocalResource::new(move || {
        let company = staff.then(|| requester.company_id()).flatten();
        async move {
            match (staff, company) {
                (true, None) => Ok(Vec::new()),
                (true, Some(company)) => {
                    session
                        .call(|client| async move { client.company_assets(company, false).await })
                        .await
                }
                (false, _) => {
                    session
                        .call(|client| async move { client.assets().await })
                        .await
                }
            }
        }
    });

    let groups = move || match categories.get() {
        Some(Ok(tree)) => category_groups(&tree, kind.get()),
        _ => Vec::new(),
    };

    let choose_kind = move |value: TicketKind| {
        kind.set(value);
        // A category of the other kind would be refused.
        let chosen = category.get_untracked();
        if !groups()
            .iter()
            .flat_map(|(_, choices)| choices)
            .any(|c| c.id.to_string() == chosen)
        {
            category.set(String::new());
        }
    };

    let show_errors = move |list: Vec<FieldError>, ticket: &NewTicket| {
        let caller = ticket.requester.as_ref();
        let found = FieldErrors::new(list, |field| match field {
            "title" => ticket.title.is_empty(),
            "description" => ticket.description.is_empty(),
            "requester.first_name" => caller.is_some_and(|c| c.first_name.is_empty()),
            "requester.last_name" => caller.is_some_and(|c| c.last_name.is_empty()),
            _ => false,
        })
        .sorted(&ORDER);
        let first = found.first_of(&ORDER);
        errors.set(found);
        dom::focus_soon(match first {
            Some("kind") => "kind-incident",
            Some("requester") => "requester-existing",
            Some(first) => first,
            None => "error-summary",
        });
    };

    let submit = move |another: bool| {
        if pending.get_untracked() {
            return;
        }
        general.set(None);
        created.set(None);
        failed.set(Vec::new());
        let category_id = category.get_untracked().parse::<i64>().ok().map(CategoryId);
        let mut found = Vec::new();
        let chosen_requester = if staff {
            requester.members(&mut found)
        } else {
            Default::default()
        };
        let ticket = NewTicket {
            kind: kind.get_untracked(),
            category_id: category_id.unwrap_or_default(),
            urgency: urgency_sent(
                urgency_for.get_untracked(),
                kind.get_untracked(),
                urgency.get_untracked(),
            ),
            title: title.get_untracked(),
            description: description.get_untracked(),
            asset_id: asset.get_untracked().parse::<i64>().ok().map(AssetId),
            notify: Some(notify.get_untracked()),
            // Hidden while notifications are off: what it holds is not sent.
            notify_email: Some(notify_email.get_untracked().trim().to_owned())
                .filter(|e| notify.get_untracked() && !e.is_empty()),
            requester_id: chosen_requester.requester_id,
            requester: chosen_requester.requester,
            channel: chosen_requester.channel,
        };
        // The same rules as the server, plus the one its type cannot say: a category is chosen.
        found.extend(
            ticket
                .validate()
                .err()
                .map(|e| validation_errors(&e))
                .unwrap_or_default(),
        );
        if category_id.is_none() {
            found.push(FieldError::new(
                "category_id",
                "required",
                "choose a category",
            ));
        }
        // A file the server would refuse is refused before the ticket is created.
        let attached = chosen.get_untracked();
        if let Some(code) = attached
            .iter()
            .find_map(|f| files::size_error(files::size_of(f)))
        {
            found.push(FieldError::new("files", code, "a file is too large"));
        }
        if !found.is_empty() {
            show_errors(found, &ticket);
            return;
        }
        errors.set(FieldErrors::default());
        pending.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = session
                .call(|client| {
                    let ticket = ticket.clone();
                    async move { client.create_ticket(&ticket).await }
                })
                .await;
            let saved = match result {
                Ok(saved) => {
                    avoided::ticket_created();
                    saved
                }
                Err(failure) => {
                    pending.set(false);
                    if failure.errors.is_empty() {
                        general.set(Some(failure.message()));
                    } else {
                        show_errors(failure.errors, &ticket);
                    }
                    return;
                }
            };
            let not_attached: Vec<String> =
                files::upload_all(session, &saved.number, attached, progress, position)
                    .await
                    .iter()
                    .map(web_sys::File::name)
                    .collect();
            pending.set(false);
            if another {
                title.set(String::new());
                description.set(String::new());
                chosen.set(Vec::new());
                if let Some(input) = file_input.get_untracked() {
                    input.set_value("");
                }
                failed.set(not_attached);
                created.set(Some(saved.number));
                dom::focus_soon("title");
                return;
            }
            let path = format!("/tickets/{}", saved.number);
            flash.show(if not_attached.is_empty() {
                Flash::TicketCreated(saved.number)
            } else {
                Flash::FilesFailed(saved.number, not_attached)
            });
            navigate(&path, Default::default());
        });
    };
    let on_submit = {
        let submit = submit.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            submit(false);
        }
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
            let others = errors.iter().filter(|e| e.field != "files").cloned();
            let mut kept: Vec<FieldError> = others.collect();
            if let Some(code) = too_large {
                kept.push(FieldError::new("files", code, "a file is too large"));
            }
            *errors = FieldErrors::new(kept, |_| false).sorted(&ORDER);
        });
        chosen.set(list);
    };

    let has = move |field: &'static str| move || errors.with(|e| e.has(field));
    let invalid = move |field: &'static str| move || has(field)().then_some("true");

    let kind_choice = move |value: TicketKind, id: &'static str| {
        view! {
            <div class="choice">
                <input
                    type="radio"
                    id=id
                    name="kind"
                    value=value.as_str()
                    prop:checked=dynamic(move || kind.get() == value)
                    on:change=move |_| choose_kind(value)
                    aria-invalid=invalid("kind")
                />
                <label for=id>
                    <strong>{dynamic(move || i18n.t().kind(value))}</strong>
                    " — "
                    {dynamic(move || {
                        let t = i18n.t();
                        if value == TicketKind::Incident { t.kind_incident_hint } else { t.kind_request_hint }
                    })}
                </label>
            </div>
        }
    };

    let required =
        move || view! { <span class="required">{dynamic(move || i18n.t().required_mark)}</span> };

    view! {
        <section class="form-page">
            <h1>{dynamic(move || i18n.t().new_ticket_title)}</h1>
            <p class="intro">{dynamic(move || i18n.t().new_ticket_intro)}</p>
            <div role="status">
                {dynamic(move || {
                    created
                        .get()
                        .map(|number| {
                            // Shown on this page only after "create and enter another".
                            let not_attached = failed.get();
                            let t = i18n.t();
                            let (class, text) = if not_attached.is_empty() {
                                ("flash kept-note", fill(t.ticket_created, "number", number.as_str()))
                            } else {
                                let text = fill(
                                    &fill(t.files_failed, "number", number.as_str()),
                                    "files",
                                    &not_attached.join(", "),
                                );
                                ("alert kept-note", text)
                            };
                            view! {
                                <div class=class>
                                    <p>{text}</p>
                                    <p class="kept">{t.values_kept}</p>
                                </div>
                            }
                        })
                })}
            </div>
            <ErrorSummary errors general label />
            <form novalidate on:submit=on_submit>
                {staff.then(|| view! { <RequesterPicker fields=requester errors /> })}
                <fieldset
                    class="field"
                    aria-describedby=dynamic(move || described_by("kind", false, has("kind")()))
                >
                    <legend>{dynamic(move || i18n.t().kind_legend)} " " {required}</legend>
                    {kind_choice(TicketKind::Incident, "kind-incident")}
                    {kind_choice(TicketKind::Request, "kind-request")}
                    <FieldMessage id="kind" field="kind" errors />
                </fieldset>

                <div class="field">
                    <label for="category_id">{dynamic(move || i18n.t().category)} " " {required}</label>
                    <select
                        id="category_id"
                        name="category_id"
                        on:change=move |ev| category.set(event_target_value(&ev))
                        prop:value=dynamic(move || category.get())
                        aria-invalid=invalid("category_id")
                        aria-describedby=dynamic(move || described_by("category_id", false, has("category_id")()))
                    >
                        <option value="">{dynamic(move || i18n.t().category_choose)}</option>
                        {dynamic(move || category_options(groups(), category))}
                    </select>
                    <FieldMessage id="category_id" field="category_id" errors />
                </div>

                <div class="field" hidden=dynamic(move || !urgency_for.get().asks(kind.get()))>
                    <label for="urgency">{dynamic(move || i18n.t().urgency)}</label>
                    <select
                        id="urgency"
                        name="urgency"
                        on:change=move |ev| {
                            if let Some(level) = Level::parse(&event_target_value(&ev)) {
                                urgency.set(level);
                            }
                        }
                        aria-invalid=invalid("urgency")
                        aria-describedby=dynamic(move || described_by("urgency", false, has("urgency")()))
                    >
                        {Level::ALL
                            .iter()
                            .map(|&level| {
                                view! {
                                    <option value=level.as_str() selected=dynamic(move || urgency.get() == level)>
                                        {dynamic(move || i18n.t().level(level))}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                    <FieldMessage id="urgency" field="urgency" errors />
                </div>

                <div class="field">
                    <label for="asset_id">{dynamic(move || i18n.t().asset)}</label>
                    <select
                        id="asset_id"
                        name="asset_id"
                        on:change=move |ev| asset.set(event_target_value(&ev))
                        prop:value=dynamic(move || asset.get())
                        aria-invalid=invalid("asset_id")
                        aria-describedby=dynamic(move || described_by("asset_id", false, has("asset_id")()))
                    >
                        <option value="">{dynamic(move || i18n.t().asset_none)}</option>
                        {dynamic(move || {
                            assets
                                .get()
                                .and_then(Result::ok)
                                .unwrap_or_default()
                                .into_iter()
                                .map(|item| {
                                    let value = item.id.to_string();
                                    let selected = value.clone();
                                    let name = if item.reference.is_empty() {
                                        item.name
                                    } else {
                                        format!("{} ({})", item.name, item.reference)
                                    };
                                    view! {
                                        <option value=value selected=dynamic(move || asset.get() == selected)>
                                            {name}
                                        </option>
                                    }
                                })
                                .collect_view()
                        })}
                    </select>
                    <FieldMessage id="asset_id" field="asset_id" errors />
                </div>

                <div class="field">
                    <label for="title">{dynamic(move || i18n.t().title)} " " {required}</label>
                    <input
                        id="title"
                        name="title"
                        type="text"
                        maxlength=TITLE_MAX_CHARS.to_string()
                        autocomplete="off"
                        required
                        bind:value=title
                        aria-invalid=invalid("title")
                        aria-describedby=dynamic(move || described_by("title", true, has("title")()))
                    />
                    <p id="title-hint" class="hint">
                        {dynamic(move || fill(i18n.t().title_hint, "n", &TITLE_MAX_CHARS.to_string()))}
                    </p>
                    <FieldMessage id="title" field="title" errors />
                </div>
                <ArticleSuggestions title />

                <div class="field">
                    <label for="description">{dynamic(move || i18n.t().description)} " " {required}</label>
                    <textarea
                        id="description"
                        name="description"
                        rows="8"
                        required
                        bind:value=description
                        aria-invalid=invalid("description")
                        aria-describedby=dynamic(move || described_by("description", true, has("description")()))
                    ></textarea>
                    <p id="description-hint" class="hint">{dynamic(move || i18n.t().description_hint)}</p>
                    <FieldMessage id="description" field="description" errors />
                </div>

                <div class="field choice">
                    <input
                        id="notify"
                        name="notify"
                        type="checkbox"
                        bind:checked=notify
                        aria-invalid=invalid("notify")
                        aria-describedby=dynamic(move || described_by("notify", false, has("notify")()))
                    />
                    <label for="notify">{dynamic(move || i18n.t().notify)}</label>
                    <FieldMessage id="notify" field="notify" errors />
                </div>

                <Show when=move || notify.get()>
                <div class="field">
                    <label for="notify_email">{dynamic(move || i18n.t().notify_email)}</label>
                    <input
                        id="notify_email"
                        name="notify_email"
                        type="email"
                        autocomplete="email"
                        inputmode="email"
                        bind:value=notify_email
                        aria-invalid=invalid("notify_email")
                        aria-describedby=dynamic(move || described_by("notify_email", true, has("notify_email")()))
                    />
                    <p id="notify_email-hint" class="hint">
                        {dynamic(move || {
                            let email = if staff {
                                requester.email()
                            } else {
                                session.profile().map(|p| p.email).unwrap_or_default()
                            };
                            fill(i18n.t().notify_email_hint, "email", &email)
                        })}
                    </p>
                    <FieldMessage id="notify_email" field="notify_email" errors />
                </div>
                </Show>

                <div class="field">
                    <label for="files">{dynamic(move || i18n.t().files)}</label>
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
                            id="files"
                            name="files"
                            type="file"
                            multiple
                            node_ref=file_input
                            on:change=on_files
                            aria-invalid=invalid("files")
                            aria-describedby=dynamic(move || described_by("files", true, has("files")()))
                        />
                    </div>
                    <p id="files-hint" class="hint">
                        {dynamic(move || {
                            let t = i18n.t();
                            fill(t.files_hint, "max", &t.size(ATTACHMENT_MAX_BYTES))
                        })}
                    </p>
                    <FieldMessage id="files" field="files" errors />
                    {dynamic(move || {
                        let t = i18n.t();
                        let items = chosen
                            .with(|list| {
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

                <UploadProgress id="upload-progress" progress position />

                <div class="actions">
                    <button type="submit" class="primary" disabled=dynamic(move || pending.get())>
                        {dynamic(move || {
                            let t = i18n.t();
                            if pending.get() { t.sending } else { t.submit_create }
                        })}
                    </button>
                    <button type="button" disabled=dynamic(move || pending.get()) on:click=move |_| submit(true)>
                        {dynamic(move || i18n.t().submit_create_another)}
                    </button>
                </div>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_sends_no_urgency_when_only_incidents_take_one() {
        let (incident, request) = (TicketKind::Incident, TicketKind::Request);
        let high = Level::High;
        assert_eq!(urgency_sent(UrgencyFor::All, incident, high), Some(high));
        assert_eq!(urgency_sent(UrgencyFor::All, request, high), Some(high));
        assert_eq!(
            urgency_sent(UrgencyFor::Incidents, incident, high),
            Some(high)
        );
        assert_eq!(urgency_sent(UrgencyFor::Incidents, request, high), None);
    }
}
