//! Administrators: the deliveries given up after their last attempt (dead jobs: notification
//! mails, account mails, webhook calls), newest first, of one kind or all, each tried again
//! on demand. A retried one leaves the list: it is back in the queue.
use guichet_types::{DeadJob, JobKindName, Locale};
use leptos::{prelude::*, task::spawn_local};

use crate::{
    components::{page_title, LoadMore},
    dom,
    failure::Failure,
    i18n::{fill, texts, use_i18n, Texts},
    pages::webhooks::event_label,
    paging::Paging,
    reactive::dynamic,
    session::expect_session,
};

const TITLE_ID: &str = "page-title";

/// This screen's own words, kept in its chunk rather than in the shared texts that the first
/// load carries (the hub's link and the title are there). Both tables have every member.
struct Words {
    intro: &'static str,
    none: &'static str,
    kind_filter: &'static str,
    mail: &'static str,
    account_mail: &'static str,
    webhook: &'static str,
    kind: &'static str,
    recipient: &'static str,
    last_error: &'static str,
    purpose_reset: &'static str,
    purpose_access: &'static str,
    /// `{what}`: the kind and recipient of the retried job.
    retried: &'static str,
    not_dead: &'static str,
    gone: &'static str,
}

const FR: Words = Words {
    intro: "Les courriels et les appels de webhooks abandonnés après leur dernier essai, les plus récents d'abord. Une fois la cause corrigée (serveur de courriel, adresse du webhook), «\u{a0}Réessayer\u{a0}» remet l'envoi en file\u{a0}: il repart de zéro essai.",
    none: "Aucun envoi en échec.",
    kind_filter: "Type d'envoi",
    mail: "Notification",
    account_mail: "Courriel de compte",
    webhook: "Webhook",
    kind: "Type",
    recipient: "Destinataire",
    last_error: "Dernière erreur",
    purpose_reset: "Lien de réinitialisation du mot de passe",
    purpose_access: "Réponse à une demande d'accès",
    retried: "{what}\u{a0}: remis en file, il repart dans un instant.",
    not_dead: "Cet envoi est déjà de nouveau en cours.",
    gone: "Cet envoi n'existe plus.",
};

const EN: Words = Words {
    intro: "The mails and webhook calls given up after their last attempt, newest first. Once the cause is fixed (mail server, webhook address), \"Retry\" queues the delivery again, from zero attempts.",
    none: "No failed deliveries.",
    kind_filter: "Kind of delivery",
    mail: "Notification",
    account_mail: "Account mail",
    webhook: "Webhook",
    kind: "Kind",
    recipient: "Recipient",
    last_error: "Last error",
    purpose_reset: "Password reset link",
    purpose_access: "Answer to an access request",
    retried: "{what}: queued again, it goes out in a moment.",
    not_dead: "This delivery is already being tried again.",
    gone: "This delivery no longer exists.",
};

fn words(locale: Locale) -> &'static Words {
    match locale {
        Locale::Fr => &FR,
        Locale::En => &EN,
    }
}

fn kind_label(w: &Words, kind: JobKindName) -> &'static str {
    match kind {
        JobKindName::DeliverMail => w.mail,
        JobKindName::AccountMail => w.account_mail,
        JobKindName::DeliverWebhook => w.webhook,
    }
}

/// What a job was, as the reader says it: a mail's subject as it is, an account mail's
/// purpose and a webhook event's name translated; a dash when nothing is known.
fn subject_of(locale: Locale, job: &DeadJob) -> String {
    let w = words(locale);
    let Some(subject) = job.subject.as_deref() else {
        return "—".to_owned();
    };
    match (job.kind, subject) {
        (JobKindName::AccountMail, "password_reset") => w.purpose_reset.to_owned(),
        (JobKindName::AccountMail, "access") => w.purpose_access.to_owned(),
        (JobKindName::DeliverWebhook, event) => event_label(locale, event),
        (_, subject) => subject.to_owned(),
    }
}

/// "Notification — ana@example.com": the kind and the recipient, to name a row.
fn name_of(locale: Locale, job: &DeadJob) -> String {
    let kind = kind_label(words(locale), job.kind);
    match &job.recipient {
        Some(recipient) => format!("{kind} — {recipient}"),
        None => kind.to_owned(),
    }
}

/// The sentence for a retry the server refused: the job is no longer dead or no longer there.
fn refusal(t: &Texts, w: &Words, failure: &Failure) -> &'static str {
    match failure.status {
        Some(409) => w.not_dead,
        Some(404) => w.gone,
        _ => (failure.message())(t),
    }
}

#[component]
pub fn DeadJobsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    page_title(|t| t.dead_jobs_title);
    let kind = RwSignal::new(None::<JobKindName>);
    let list = Paging::<DeadJob>::new();
    // The job last retried, announced politely, and the refusal of a retry, if any.
    let notice = RwSignal::new(None::<DeadJob>);
    let refused = RwSignal::new(None::<Failure>);
    // The jobs whose retry is on its way: their button waits, so one click sends one retry.
    let retrying = RwSignal::new(Vec::<i64>::new());

    let load = move |cursor: Option<String>| {
        let kind = kind.get_untracked();
        list.load(cursor, |cursor| async move {
            session
                .call(|client| {
                    let cursor = cursor.clone();
                    async move { client.dead_jobs(kind, cursor.as_deref()).await }
                })
                .await
        });
    };
    load(None);

    // Takes `id` off the list and moves the focus to the row that takes its place (the next
    // one, else the one before), or to the title when the list is empty: the focused button
    // is gone with its row.
    let remove = move |id: i64| {
        let mut after = None;
        list.items.update(|items| {
            if let Some(at) = items.iter().position(|job| job.id == id) {
                items.remove(at);
                after = items.get(at).or_else(|| items.last()).map(|job| job.id);
            }
        });
        match after {
            Some(next) => dom::focus_soon_on(format!("retry-{next}")),
            None => dom::focus_soon(TITLE_ID),
        }
    };
    let retry = move |job: DeadJob| {
        notice.set(None);
        refused.set(None);
        let id = job.id;
        retrying.update(|ids| ids.push(id));
        spawn_local(async move {
            let answer = session
                .call(|client| async move { client.retry_dead_job(id).await })
                .await;
            retrying.update(|ids| ids.retain(|&other| other != id));
            match answer {
                Ok(()) => {
                    notice.set(Some(job));
                    remove(id);
                }
                Err(failure) => {
                    // Tried again by someone else, or gone: either way no longer dead.
                    if failure.is_status(409) || failure.is_status(404) {
                        remove(id);
                    }
                    refused.set(Some(failure));
                }
            }
        });
    };

    let rows = move || {
        let locale = i18n.locale();
        let t = texts(locale);
        let w = words(locale);
        list.items
            .get()
            .into_iter()
            .map(|job| {
                let created = job.created_at.to_rfc3339();
                let shown = dom::format_date_time(&created, t.tag);
                let label = format!("{}{}{}, {shown}", t.retry, t.colon, name_of(locale, &job));
                let subject = subject_of(locale, &job);
                let recipient = job.recipient.clone().unwrap_or_else(|| "—".to_owned());
                let error = job.last_error.clone().unwrap_or_else(|| "—".to_owned());
                let button_id = format!("retry-{}", job.id);
                let attempts = job.attempts;
                let job_id = job.id;
                let kind = kind_label(w, job.kind);
                view! {
                    <tr>
                        <td data-label=w.kind>{kind}</td>
                        <td data-label=w.recipient>{recipient}</td>
                        <td data-label=t.col_subject>{subject}</td>
                        <td data-label=t.webhook_attempts>{attempts}</td>
                        <td data-label=w.last_error>{error}</td>
                        <td data-label=t.col_created><time datetime=created>{shown}</time></td>
                        <td>
                            <button
                                type="button"
                                class="secondary"
                                id=button_id
                                aria-label=label
                                disabled=dynamic(move || retrying.with(|ids| ids.contains(&job_id)))
                                on:click=move |_| retry(job.clone())
                            >
                                {t.retry}
                            </button>
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    let table = move || {
        let t = i18n.t();
        let w = words(i18n.locale());
        view! {
            <div class="table-wrap">
                <table class="tickets dead-jobs">
                    <caption class="visually-hidden">{t.dead_jobs_title}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{w.kind}</th>
                            <th scope="col">{w.recipient}</th>
                            <th scope="col">{t.col_subject}</th>
                            <th scope="col">{t.webhook_attempts}</th>
                            <th scope="col">{w.last_error}</th>
                            <th scope="col">{t.col_created}</th>
                            <th scope="col"><span class="visually-hidden">{t.retry}</span></th>
                        </tr>
                    </thead>
                    <tbody>{dynamic(rows)}</tbody>
                </table>
            </div>
        }
    };

    let on_kind = move |ev: leptos::ev::Event| {
        kind.set(JobKindName::parse(&event_target_value(&ev)));
        notice.set(None);
        refused.set(None);
        load(None);
    };
    let option = move |value: Option<JobKindName>| {
        view! {
            <option value=value.map_or("", JobKindName::as_str) prop:selected=dynamic(move || kind.get() == value)>
                {dynamic(move || {
                    let t = i18n.t();
                    value.map_or(t.filter_any, |value| kind_label(words(i18n.locale()), value))
                })}
            </option>
        }
    };

    view! {
        <section class="dead-jobs" aria-labelledby=TITLE_ID>
            <p><a href="/admin">{dynamic(move || i18n.t().nav_admin)}</a></p>
            <h1 id=TITLE_ID tabindex="-1">{dynamic(move || i18n.t().dead_jobs_title)}</h1>
            <p class="intro">{dynamic(move || words(i18n.locale()).intro)}</p>
            <div class="filters">
                <div class="field">
                    <label for="dead-jobs-kind">{dynamic(move || words(i18n.locale()).kind_filter)}</label>
                    <select id="dead-jobs-kind" name="kind" on:change=on_kind>
                        {option(None)}
                        {JobKindName::ALL.iter().map(|&value| option(Some(value))).collect_view()}
                    </select>
                </div>
            </div>
            <div role="status">
                {dynamic(move || notice.get().map(|job| {
                    let locale = i18n.locale();
                    let text = fill(words(locale).retried, "what", &name_of(locale, &job));
                    view! { <p class="flash">{text}</p> }
                }))}
            </div>
            <div role="alert">
                {dynamic(move || refused.get().map(|failure| {
                    let locale = i18n.locale();
                    view! { <p class="alert">{refusal(texts(locale), words(locale), &failure)}</p> }
                }))}
            </div>
            {dynamic(move || {
                if !list.loaded.get() {
                    list.failure.with(Option::is_none).then(|| view! {
                        <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p>
                    }).into_any()
                } else if list.items.with(Vec::is_empty) {
                    view! { <p class="empty">{dynamic(move || words(i18n.locale()).none)}</p> }.into_any()
                } else {
                    table().into_any()
                }
            })}
            <LoadMore next=list.next loading=list.loading failure=list.failure on_load=move || load(list.next.get_untracked()) />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn job(kind: JobKindName, subject: Option<&str>) -> DeadJob {
        DeadJob {
            id: 1,
            kind,
            recipient: Some("ana@example.com".to_owned()),
            subject: subject.map(str::to_owned),
            attempts: 8,
            last_error: None,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn account_mails_and_webhook_events_are_named_in_the_readers_language() {
        let reset = job(JobKindName::AccountMail, Some("password_reset"));
        assert_eq!(
            subject_of(Locale::Fr, &reset),
            "Lien de réinitialisation du mot de passe"
        );
        assert_eq!(subject_of(Locale::En, &reset), "Password reset link");
        let access = job(JobKindName::AccountMail, Some("access"));
        assert_eq!(
            subject_of(Locale::En, &access),
            "Answer to an access request"
        );
        let event = job(JobKindName::DeliverWebhook, Some("followup"));
        assert_eq!(subject_of(Locale::Fr, &event), "Suivi");
    }

    #[test]
    fn a_mails_subject_shows_as_it_is_and_nothing_as_a_dash() {
        let mail = job(JobKindName::DeliverMail, Some("[T-2026-0001] access"));
        assert_eq!(subject_of(Locale::Fr, &mail), "[T-2026-0001] access");
        assert_eq!(
            subject_of(Locale::En, &job(JobKindName::DeliverMail, None)),
            "—"
        );
        assert_eq!(name_of(Locale::En, &mail), "Notification — ana@example.com");
    }

    #[test]
    fn a_refused_retry_says_why() {
        let (t, w) = (texts(Locale::En), words(Locale::En));
        assert_eq!(refusal(t, w, &Failure::status(409)), w.not_dead);
        assert_eq!(refusal(t, w, &Failure::status(404)), w.gone);
        assert_eq!(refusal(t, w, &Failure::status(500)), t.server_error);
    }
}
