//! "Mes jetons d'API" (issue 15): the signed-in person's API tokens, made here for an
//! integration (name, scopes, optional expiry), their secret shown once to be copied, listed
//! with their last use, and revoked.
mod rules;

use guichet_types::{ApiToken, CreatedApiToken, Role, TokenScope, UserId};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

use crate::{
    components::{page_title, ErrorSummary, FieldMessage, LoadMore, TextField},
    dom,
    forms::{described_by, FieldErrors},
    i18n::{use_i18n, Message, Texts},
    paging::Paging,
    reactive::dynamic,
    session::expect_session,
};
use rules::{request_of, Draft, ORDER};

const SECRET_ID: &str = "token-secret";
const NOTICE_ID: &str = "tokens-notice";

fn label(t: &Texts, field: &str) -> &'static str {
    match field {
        "name" => t.api_token_name,
        "scopes" => t.api_token_scopes,
        "expires_at" => t.api_token_expiry,
        _ => t.api_tokens_title,
    }
}

/// Whose tokens a [`TokenManager`] shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// The signed-in person's.
    Me,
    /// A service account's (administrators).
    ServiceAccount(UserId),
}

#[component]
pub fn ApiTokensPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    page_title(|t| t.api_tokens_title);
    let role = untrack(move || session.profile())
        .map(|p| p.role)
        .unwrap_or_default();
    view! {
        <section class="api-tokens" aria-labelledby="page-title">
            <h1 id="page-title">{dynamic(move || i18n.t().api_tokens_title)}</h1>
            <p class="intro">{dynamic(move || i18n.t().api_tokens_intro)}</p>
            <TokenManager owner=Owner::Me role />
        </section>
    }
}

/// The tokens of `owner` (whose `role` bounds the scopes offered): the list with each one's
/// last use and its revocation, the secret of the one just made, and the form that makes one.
#[component]
pub fn TokenManager(owner: Owner, role: Role) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let list = Paging::<ApiToken>::new();
    let made = RwSignal::new(None::<CreatedApiToken>);
    let notice = RwSignal::new(None::<Message>);
    let confirming = RwSignal::new(None::<i64>);

    let load = move |cursor: Option<String>| {
        list.load(cursor, |cursor| async move {
            session
                .call(|client| {
                    let cursor = cursor.clone();
                    async move {
                        match owner {
                            Owner::Me => client.my_tokens(cursor.as_deref()).await,
                            Owner::ServiceAccount(id) => {
                                client.service_account_tokens(id, cursor.as_deref()).await
                            }
                        }
                    }
                })
                .await
        });
    };
    load(None);

    let revoke = move |id: i64| {
        spawn_local(async move {
            let result = session
                .call(|client| async move {
                    match owner {
                        Owner::Me => client.revoke_my_token(id).await,
                        Owner::ServiceAccount(account) => {
                            client.revoke_service_account_token(account, id).await
                        }
                    }
                })
                .await;
            confirming.set(None);
            match result {
                // Already revoked is revoked all the same.
                Ok(()) => {}
                Err(error) if error.is_status(404) => {}
                Err(error) => {
                    list.failure.set(Some(error));
                    return;
                }
            }
            notice.set(Some(|t: &Texts| t.api_token_revoked));
            load(None);
            dom::focus_soon(NOTICE_ID);
        });
    };

    let on_made = move |token: CreatedApiToken| {
        notice.set(None);
        made.set(Some(token));
        load(None);
        dom::focus_when_shown(SECRET_ID);
    };

    let rows = move || {
        let tag = i18n.t().tag;
        list.items
            .get()
            .into_iter()
            .map(|token| {
                let id = token.id;
                let when = |at: Option<chrono::DateTime<chrono::Utc>>| {
                    at.map(|at| dom::format_date_time(&at.to_rfc3339(), tag))
                };
                let expires = when(token.expires_at);
                let used = when(token.last_used_at).map(|at| {
                    format!("{at} · {}", token.last_used_address.clone().unwrap_or_default())
                });
                let scopes = token
                    .scopes
                    .iter()
                    .map(|scope| view! { <li><code>{scope.as_str()}</code></li> })
                    .collect_view();
                let name = token.name.clone();
                view! {
                    <tr>
                        <td data-label=dynamic(move || i18n.t().api_token_name)>{token.name}</td>
                        <td data-label=dynamic(move || i18n.t().api_token_scopes)><ul class="scopes">{scopes}</ul></td>
                        <td data-label=dynamic(move || i18n.t().api_token_hint)><code>{token.hint}</code></td>
                        <td data-label=dynamic(move || i18n.t().api_token_created)>{dom::format_date_time(&token.created_at.to_rfc3339(), tag)}</td>
                        <td data-label=dynamic(move || i18n.t().api_token_expires)>
                            {dynamic(move || expires.clone().unwrap_or_else(|| i18n.t().api_token_never_expires.to_owned()))}
                        </td>
                        <td data-label=dynamic(move || i18n.t().api_token_last_used)>
                            {dynamic(move || used.clone().unwrap_or_else(|| i18n.t().api_token_never_used.to_owned()))}
                        </td>
                        <td>
                            {move || {
                                let name = name.clone();
                                if confirming.get() == Some(id) {
                                    view! {
                                        <p class="confirm" id="revoke-confirm" tabindex="-1">
                                            {dynamic(move || i18n.t().api_token_revoke_confirm)}
                                        </p>
                                        <button type="button" class="danger" on:click=move |_| revoke(id)>
                                            {dynamic(move || i18n.t().api_token_revoke)}
                                        </button>
                                        <button type="button" class="secondary" on:click=move |_| {
                                            confirming.set(None);
                                            dom::focus_soon_on(format!("revoke-{id}"));
                                        }>
                                            {dynamic(move || i18n.t().api_token_keep)}
                                        </button>
                                    }
                                        .into_any()
                                } else {
                                    view! {
                                        <button
                                            type="button"
                                            class="secondary"
                                            id=format!("revoke-{id}")
                                            aria-label=dynamic(move || format!("{} {name}", i18n.t().api_token_revoke))
                                            on:click=move |_| {
                                                notice.set(None);
                                                confirming.set(Some(id));
                                                dom::focus_soon("revoke-confirm");
                                            }
                                        >
                                            {dynamic(move || i18n.t().api_token_revoke)}
                                        </button>
                                    }
                                        .into_any()
                                }
                            }}
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };

    view! {
        <div class="token-manager">
            <div role="status">
                {dynamic(move || {
                    notice.get().map(|message| view! {
                        <p class="flash" id=NOTICE_ID tabindex="-1">{dynamic(move || message(i18n.t()))}</p>
                    })
                })}
            </div>
            {dynamic(move || made.get().map(|token| view! { <SecretPanel token /> }))}
            <div role="alert">
                {dynamic(move || {
                    list.failure.get().map(|f| view! {
                        <p class="alert">{dynamic(move || (f.message())(i18n.t()))}</p>
                    })
                })}
            </div>
            <section aria-labelledby="tokens-list-title">
                <h2 id="tokens-list-title">{dynamic(move || i18n.t().api_tokens_list_title)}</h2>
                {dynamic(move || {
                    if !list.loaded.get() {
                        list.failure.with(Option::is_none).then(|| view! {
                            <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p>
                        }).into_any()
                    } else if list.items.with(Vec::is_empty) {
                        view! { <p class="empty">{dynamic(move || i18n.t().api_tokens_none)}</p> }.into_any()
                    } else {
                        let t = i18n.t();
                        view! {
                            <div class="table-wrap">
                                <table class="tickets tokens-table">
                                    <caption class="visually-hidden">{t.api_tokens_list_title}</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">{t.api_token_name}</th>
                                            <th scope="col">{t.api_token_scopes}</th>
                                            <th scope="col">{t.api_token_hint}</th>
                                            <th scope="col">{t.api_token_created}</th>
                                            <th scope="col">{t.api_token_expires}</th>
                                            <th scope="col">{t.api_token_last_used}</th>
                                            <th scope="col"><span class="visually-hidden">{t.api_token_revoke}</span></th>
                                        </tr>
                                    </thead>
                                    <tbody>{dynamic(rows)}</tbody>
                                </table>
                            </div>
                            <LoadMore
                                next=list.next
                                loading=list.loading
                                failure=list.failure
                                on_load=move || load(list.next.get_untracked())
                            />
                        }.into_any()
                    }
                })}
            </section>
            <TokenForm owner role on_made />
        </div>
    }
}

/// The secret of the token just made, shown this once, with a button that copies it.
#[component]
fn SecretPanel(token: CreatedApiToken) -> impl IntoView {
    let i18n = use_i18n();
    let copied = RwSignal::new(false);
    let secret = token.secret.clone();
    let copy = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&secret);
            copied.set(true);
        }
    };
    view! {
        <section class="panel secret-panel" aria-labelledby="secret-title">
            <h2 id="secret-title">{dynamic(move || i18n.t().api_token_secret_title)}</h2>
            <p class="warning" id="secret-warning">{dynamic(move || i18n.t().api_token_secret_warning)}</p>
            <div class="field">
                <label for=SECRET_ID>{token.token.name.clone()}</label>
                <input
                    id=SECRET_ID
                    type="text"
                    readonly
                    spellcheck="false"
                    autocomplete="off"
                    aria-describedby="secret-warning"
                    value=token.secret.clone()
                    on:focus=move |ev| {
                        use wasm_bindgen::JsCast;
                        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                            input.select();
                        }
                    }
                />
            </div>
            <button type="button" on:click=copy>{dynamic(move || i18n.t().api_token_copy)}</button>
            <p role="status" class="live">
                {dynamic(move || copied.get().then(|| i18n.t().api_token_copied))}
            </p>
        </section>
    }
}

/// The form that makes a token: name, the scopes the account may use, an optional expiry.
#[component]
fn TokenForm(
    owner: Owner,
    role: Role,
    on_made: impl Fn(CreatedApiToken) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let name = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<TokenScope>::new());
    let expires_at = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let general = RwSignal::new(None::<Message>);
    let pending = RwSignal::new(false);

    let show_errors = move |found: FieldErrors| {
        let first = found.first_of(&ORDER);
        errors.set(found);
        dom::focus_soon(match first {
            Some("scopes") => "scope-0",
            Some(field) => field,
            None => "error-summary",
        });
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        general.set(None);
        let typed = expires_at.get_untracked();
        let name_typed = name.get_untracked();
        let draft = Draft {
            name: &name_typed,
            scopes: chosen.get_untracked(),
            expires_at: (!typed.trim().is_empty()).then(|| dom::parse_local_input(&typed)),
        };
        let input = match request_of(draft, role, dom::now()) {
            Ok(input) => input,
            Err(found) => {
                show_errors(found);
                return;
            }
        };
        errors.set(FieldErrors::default());
        pending.set(true);
        let on_made = on_made.clone();
        spawn_local(async move {
            let result = session
                .call(|client| {
                    let input = input.clone();
                    async move {
                        match owner {
                            Owner::Me => client.create_my_token(&input).await,
                            Owner::ServiceAccount(id) => {
                                client.create_service_account_token(id, &input).await
                            }
                        }
                    }
                })
                .await;
            pending.set(false);
            match result {
                Ok(token) => {
                    name.set(String::new());
                    chosen.set(Vec::new());
                    expires_at.set(String::new());
                    on_made(token);
                }
                Err(failure) if !failure.errors.is_empty() => {
                    show_errors(FieldErrors::new(failure.errors, |_| false).sorted(&ORDER));
                }
                Err(failure) => general.set(Some(failure.message())),
            }
        });
    };

    let has = move |field: &'static str| move || errors.with(|e| e.has(field));
    let boxes = TokenScope::usable(role)
        .into_iter()
        .enumerate()
        .map(|(index, scope)| {
            let id = format!("scope-{index}");
            view! {
                <div class="choice">
                    <input
                        type="checkbox"
                        id=id.clone()
                        name="scopes"
                        value=scope.as_str()
                        prop:checked=move || chosen.with(|c| c.contains(&scope))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            chosen.update(|c| {
                                c.retain(|s| *s != scope);
                                if on {
                                    c.push(scope);
                                }
                            });
                        }
                    />
                    <label for=id>
                        <code>{scope.as_str()}</code>
                        " "
                        {dynamic(move || i18n.t().scope(scope))}
                    </label>
                </div>
            }
        })
        .collect_view();

    view! {
        <section class="panel" aria-labelledby="token-form-title">
            <h2 id="token-form-title">{dynamic(move || i18n.t().api_token_new)}</h2>
            <ErrorSummary errors general label />
            <form novalidate on:submit=on_submit>
                <TextField
                    field="name"
                    label=|t| t.api_token_name
                    value=name
                    errors
                    autocomplete="off"
                    maxlength=100
                    hint=|t| t.api_token_name_hint
                />
                <fieldset
                    class="group"
                    aria-invalid=move || has("scopes")().then_some("true")
                    aria-describedby=move || described_by("scopes", false, has("scopes")())
                >
                    <legend>{dynamic(move || i18n.t().api_token_scopes)}</legend>
                    {boxes}
                    <FieldMessage id="scopes" field="scopes" errors />
                </fieldset>
                <div class="field">
                    <label for="expires_at">{dynamic(move || i18n.t().api_token_expiry)}</label>
                    <p class="hint" id="expires_at-hint">{dynamic(move || i18n.t().api_token_expiry_hint)}</p>
                    <input
                        id="expires_at"
                        name="expires_at"
                        type="datetime-local"
                        bind:value=expires_at
                        aria-invalid=move || has("expires_at")().then_some("true")
                        aria-describedby=move || described_by("expires_at", true, has("expires_at")())
                    />
                    <FieldMessage id="expires_at" field="expires_at" errors />
                </div>
                <button type="submit" disabled=move || pending.get()>
                    {dynamic(move || i18n.t().api_token_create)}
                </button>
            </form>
        </section>
    }
}
