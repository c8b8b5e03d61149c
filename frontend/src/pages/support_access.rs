//! Consented support access (issue 17), what the ticket page and the profile share: an
//! access's state in words (from the shared rules of `guichet_types::AccessTimes`), and the
//! customer's answer: grant until a date and time with a note, refuse, or end a grant.
use chrono::{DateTime, Duration, Utc};
use guichet_types::{
    FieldError, SupportAccess, SupportAccessGrant, SupportAccessState, MAX_GRANT_DAYS,
};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

use crate::{
    dom,
    failure::Failure,
    forms::{described_by, FieldErrors},
    i18n::{use_i18n, AccessTexts, I18n, Texts},
    reactive::dynamic,
    session::expect_session,
};

/// How long a grant lasts unless the customer chooses otherwise.
const DEFAULT_GRANT_HOURS: i64 = 2;

/// What became of an action on an access, said where it was made.
#[derive(Debug, Clone, Copy)]
pub enum AccessNotice {
    Done(fn(&AccessTexts) -> &'static str),
    Refused(fn(&AccessTexts) -> &'static str),
    Failed(fn(&Texts) -> &'static str),
}

impl AccessNotice {
    /// A failure that is not about one field: the conflicts of this domain have their words.
    pub fn of(failure: &Failure) -> Self {
        match failure.code.as_str() {
            "support_access_open" => Self::Refused(|a| a.error_open),
            "requester_not_a_person" => Self::Refused(|a| a.error_not_a_person),
            "support_access_not_granted" => Self::Refused(|a| a.error_not_granted),
            "support_access_lapsed" | "support_access_answered" | "support_access_closed" => {
                Self::Refused(|a| a.error_answered)
            }
            "forbidden" => Self::Refused(|a| a.error_not_yours),
            _ => Self::Failed(failure.message()),
        }
    }

    fn text(self, i18n: I18n) -> &'static str {
        match self {
            Self::Done(text) | Self::Refused(text) => text(i18n.access()),
            Self::Failed(text) => text(i18n.t()),
        }
    }
}

/// A live region for an [`AccessNotice`]: successes read politely, failures as alerts.
#[component]
pub fn AccessNoticeView(notice: RwSignal<Option<AccessNotice>>, id: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="live" id=id tabindex="-1" aria-live="polite" aria-atomic="true">
            {dynamic(move || {
                notice.get().map(|shown| {
                    let failure = !matches!(shown, AccessNotice::Done(_));
                    view! {
                        <p class=if failure { "alert" } else { "flash" } role=failure.then_some("alert")>
                            {dynamic(move || shown.text(i18n))}
                        </p>
                    }
                })
            })}
        </div>
    }
}

/// The access's state as a sentence, for the support team.
pub fn state_sentence(access: &SupportAccess, now: DateTime<Utc>, i18n: I18n) -> String {
    let a = i18n.access();
    let tag = i18n.t().tag;
    let date = |at: &DateTime<Utc>| dom::format_date_time(&at.to_rfc3339(), tag);
    let customer = access.customer.name.as_str();
    let state = access.times().state(now);
    let (template, values): (&str, Vec<(&str, String)>) = match state {
        SupportAccessState::Requested => (
            a.requested,
            vec![
                ("agent", access.agent.name.clone()),
                ("requested", date(&access.requested_at)),
                ("lapses", date(&access.lapses_at)),
            ],
        ),
        SupportAccessState::Granted => (
            a.granted,
            vec![
                ("customer", customer.to_owned()),
                ("until", access.until.as_ref().map(date).unwrap_or_default()),
            ],
        ),
        SupportAccessState::Refused => (
            a.refused,
            vec![
                ("customer", customer.to_owned()),
                (
                    "at",
                    access.refused_at.as_ref().map(date).unwrap_or_default(),
                ),
            ],
        ),
        SupportAccessState::Revoked => (
            a.revoked,
            vec![
                ("customer", customer.to_owned()),
                (
                    "at",
                    access.revoked_at.as_ref().map(date).unwrap_or_default(),
                ),
            ],
        ),
        SupportAccessState::Lapsed => (a.lapsed, vec![("at", date(&access.lapses_at))]),
        SupportAccessState::Ended => (
            a.ended,
            vec![("at", access.until.as_ref().map(date).unwrap_or_default())],
        ),
    };
    let values: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_str())).collect();
    AccessTexts::fill_all(template, &values)
}

/// The grant the form holds, checked at `now` with the rule the server applies; `None` for
/// `until` when the browser could not read it.
fn grant_of(
    until: Option<DateTime<Utc>>,
    note: &str,
    now: DateTime<Utc>,
) -> Result<SupportAccessGrant, Vec<FieldError>> {
    let note = note.trim();
    let grant = SupportAccessGrant {
        until: until.unwrap_or(now),
        note: (!note.is_empty()).then(|| note.to_owned()),
    };
    let mut errors = grant.errors(now);
    if until.is_none() {
        errors.retain(|e| e.field != "until");
        errors.insert(0, FieldError::new("until", "unreadable", "not a date"));
    }
    if errors.is_empty() {
        Ok(grant)
    } else {
        Err(errors)
    }
}

/// The customer's answer to one access: while requested, grant it until a date and time (at
/// most 7 days ahead) with an optional note, or refuse it; while granted, end it. `changed`
/// runs after each answer the server took, for the list to be read again.
#[component]
pub fn AccessAnswer(
    access: SupportAccess,
    /// Makes the ids of this answer's fields unique on the page.
    prefix: String,
    notice: RwSignal<Option<AccessNotice>>,
    /// The id of `notice`'s live region, where the focus goes when the form goes away.
    notice_id: String,
    changed: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let id = access.id;
    let state = access.times().state(dom::now());
    let pending = RwSignal::new(false);
    let errors = RwSignal::new(FieldErrors::default());
    let ids = StoredValue::new(prefix.clone());
    let focus_field = move |field: &str| {
        let id = ids.with_value(|prefix| format!("{prefix}-{field}"));
        dom::focus_soon_on(id);
    };
    let notice_id = StoredValue::new(notice_id);
    let focus_notice = move || dom::focus_soon_on(notice_id.get_value());

    let conclude = move |result: Result<SupportAccess, Failure>, done: AccessNotice| {
        pending.set(false);
        match result {
            Ok(_) => {
                notice.set(Some(done));
                changed.run(());
                focus_notice();
            }
            Err(failure) if !failure.errors.is_empty() => {
                let first = failure.errors.first().map(|e| e.field.clone());
                errors.set(FieldErrors::new(failure.errors, |_| false));
                if let Some(field) = first {
                    focus_field(&field);
                }
            }
            Err(failure) => {
                let shown = AccessNotice::of(&failure);
                notice.set(Some(shown));
                if matches!(shown, AccessNotice::Refused(_)) {
                    changed.run(());
                }
                focus_notice();
            }
        }
    };
    let revoke = move |done: AccessNotice| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        notice.set(None);
        spawn_local(async move {
            let result = session
                .call(|client| async move { client.revoke_support_access(id).await })
                .await;
            conclude(result, done);
        });
    };

    let body = match state {
        SupportAccessState::Requested => {
            let now = dom::now();
            let until = RwSignal::new(dom::local_input_value(
                &(now + Duration::hours(DEFAULT_GRANT_HOURS)),
            ));
            let note = RwSignal::new(String::new());
            let min = dom::local_input_value(&now);
            let max = dom::local_input_value(&(now + Duration::days(MAX_GRANT_DAYS)));
            let id_until = format!("{prefix}-until");
            let id_note = format!("{prefix}-note");
            let on_submit = move |ev: SubmitEvent| {
                ev.prevent_default();
                if pending.get_untracked() {
                    return;
                }
                notice.set(None);
                let typed = until.get_untracked();
                let grant = match grant_of(
                    dom::parse_local_input(&typed),
                    &note.get_untracked(),
                    dom::now(),
                ) {
                    Ok(grant) => grant,
                    Err(found) => {
                        let first = found.first().map(|e| e.field.clone());
                        errors.set(FieldErrors::new(found, |_| false));
                        if let Some(field) = first {
                            focus_field(&field);
                        }
                        return;
                    }
                };
                errors.set(FieldErrors::default());
                pending.set(true);
                spawn_local(async move {
                    let result = session
                        .call(|client| {
                            let grant = grant.clone();
                            async move { client.grant_support_access(id, &grant).await }
                        })
                        .await;
                    conclude(result, AccessNotice::Done(|a| a.granted_done));
                });
            };
            let lapses = access.lapses_at;
            let agent = access.agent.name.clone();
            let intro = move || {
                let when = dom::format_date_time(&lapses.to_rfc3339(), i18n.t().tag);
                AccessTexts::fill_all(
                    i18n.access().enable_intro,
                    &[("agent", &agent), ("lapses", &when)],
                )
            };
            let field_error = move |field: &'static str, input: String| {
                move || {
                    errors.with(|e| e.code(field)).map(|code| {
                        view! {
                            <p id=format!("{input}-error") class="field-error">
                                {i18n.access().field_error(field, &code)}
                            </p>
                        }
                    })
                }
            };
            let until_invalid = move || errors.with(|e| e.has("until"));
            let note_invalid = move || errors.with(|e| e.has("note"));
            let (until_for, note_for) = (id_until.clone(), id_note.clone());
            let (until_desc, note_desc) = (id_until.clone(), id_note.clone());
            view! {
                <p>{dynamic(intro)}</p>
                <form novalidate on:submit=on_submit>
                    <div class="field">
                        <label for=until_for>{dynamic(move || i18n.access().until_label)}</label>
                        <input
                            id=id_until.clone()
                            name="until"
                            type="datetime-local"
                            min=min
                            max=max
                            required
                            bind:value=until
                            aria-invalid=dynamic(move || until_invalid().then_some("true"))
                            aria-describedby=dynamic(move || described_by(&until_desc, true, until_invalid()))
                        />
                        <p id=format!("{id_until}-hint") class="hint">{dynamic(move || i18n.access().until_hint)}</p>
                        {dynamic(field_error("until", id_until.clone()))}
                    </div>
                    <div class="field">
                        <label for=note_for>{dynamic(move || i18n.access().note_label)}</label>
                        <textarea
                            id=id_note.clone()
                            name="note"
                            rows="2"
                            maxlength=guichet_types::NOTE_MAX_CHARS
                            bind:value=note
                            aria-invalid=dynamic(move || note_invalid().then_some("true"))
                            aria-describedby=dynamic(move || described_by(&note_desc, false, note_invalid()))
                        ></textarea>
                        {dynamic(field_error("note", id_note.clone()))}
                    </div>
                    <div class="buttons">
                        <button type="submit" class="primary" disabled=dynamic(move || pending.get())>
                            {dynamic(move || i18n.access().grant)}
                        </button>
                        <button
                            type="button"
                            disabled=dynamic(move || pending.get())
                            on:click=move |_| revoke(AccessNotice::Done(|a| a.refused_done))
                        >
                            {dynamic(move || i18n.access().refuse)}
                        </button>
                    </div>
                </form>
            }
            .into_any()
        }
        SupportAccessState::Granted => {
            let until = access.until.unwrap_or(access.requested_at);
            let text = move || {
                let when = dom::format_date_time(&until.to_rfc3339(), i18n.t().tag);
                AccessTexts::fill_all(i18n.access().granted_yours, &[("until", &when)])
            };
            view! {
                <p>{dynamic(text)}</p>
                <button
                    type="button"
                    disabled=dynamic(move || pending.get())
                    on:click=move |_| revoke(AccessNotice::Done(|a| a.revoked_done))
                >
                    {dynamic(move || i18n.access().end_access)}
                </button>
            }
            .into_any()
        }
        // Nothing left to answer.
        _ => ().into_any(),
    };
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000, 0).expect("a time") + Duration::hours(hours)
    }

    #[test]
    fn the_form_checks_the_grant_as_the_server_does() {
        let now = at(0);
        let grant = grant_of(Some(at(2)), "  Seulement l'imprimante ", now).expect("valid");
        assert_eq!(grant.until, at(2));
        assert_eq!(grant.note.as_deref(), Some("Seulement l'imprimante"));
        assert_eq!(grant_of(Some(at(2)), "   ", now).expect("valid").note, None);

        let codes = |found: Vec<FieldError>| -> Vec<(String, String)> {
            found.into_iter().map(|e| (e.field, e.code)).collect()
        };
        let far = grant_of(Some(at(24 * 8)), "", now).expect_err("too far");
        assert_eq!(codes(far), [("until".into(), "too_far".into())]);
        let past = grant_of(Some(at(-1)), &"x".repeat(1001), now).expect_err("in the past");
        assert_eq!(
            codes(past),
            [
                ("until".into(), "in_the_past".into()),
                ("note".into(), "too_long".into())
            ]
        );
        let unread = grant_of(None, "", now).expect_err("unreadable");
        assert_eq!(codes(unread), [("until".into(), "unreadable".into())]);
    }
}
