//! The support team's part of the new-ticket form: whom the ticket is for (a customer found
//! by a search, or a new caller, who gets an account with the ticket) and how it came in.
use guichet_types::{
    Channel, Company, CompanyId, EmailAddress, FieldError, NewCaller, User, UserId, UserListQuery,
};
use leptos::{ev::KeyboardEvent, prelude::*, task::spawn_local};

use crate::{
    components::{FieldMessage, TextField},
    dom,
    forms::{described_by, FieldErrors},
    i18n::{use_i18n, Texts},
    reactive::dynamic,
    session::expect_session,
};

/// How many people a search shows.
const RESULTS: u64 = 20;

/// The label of a field of this part, for the error summary.
pub fn label(t: &Texts, field: &str) -> Option<&'static str> {
    Some(match field {
        "requester_id" | "requester" => t.field_requester,
        "requester.first_name" => t.first_name,
        "requester.last_name" => t.last_name,
        "requester.email" => t.email,
        "requester.company_id" => t.field_company,
        "requester.phone" => t.phone_optional,
        "channel" => t.channel,
        _ => return None,
    })
}

/// Whom the ticket is for, as the form holds it.
#[derive(Clone, Copy)]
pub struct RequesterFields {
    /// A new caller rather than a customer found by the search.
    pub caller: RwSignal<bool>,
    pub chosen: RwSignal<Option<User>>,
    pub first_name: RwSignal<String>,
    pub last_name: RwSignal<String>,
    pub email: RwSignal<String>,
    pub company: RwSignal<String>,
    pub phone: RwSignal<String>,
    pub channel: RwSignal<Channel>,
}

/// The requester members of a new ticket.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Requester {
    pub requester_id: Option<UserId>,
    pub requester: Option<NewCaller>,
    pub channel: Option<Channel>,
}

/// What the new-caller fields hold.
pub struct Caller<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub company: &'a str,
    pub phone: &'a str,
}

/// The members naming a new caller; `found` gets what the type cannot say (an address that
/// is not one, no company); the names and the phone are checked with the whole ticket.
pub fn caller_members(caller: &Caller, found: &mut Vec<FieldError>) -> NewCaller {
    let email = EmailAddress::parse(caller.email.trim());
    if email.is_err() {
        let code = if caller.email.trim().is_empty() {
            "required"
        } else {
            "email"
        };
        found.push(FieldError::new("requester.email", code, "not an address"));
    }
    let company_id = caller.company.parse().ok().map(CompanyId);
    if company_id.is_none() {
        found.push(FieldError::new(
            "requester.company_id",
            "required",
            "choose a company",
        ));
    }
    let phone = caller.phone.trim();
    NewCaller {
        email: email.unwrap_or_default(),
        first_name: caller.first_name.trim().to_owned(),
        last_name: caller.last_name.trim().to_owned(),
        company_id: company_id.unwrap_or_default(),
        phone: (!phone.is_empty()).then(|| phone.to_owned()),
        send_invitation: None,
    }
}

impl RequesterFields {
    pub fn new() -> Self {
        Self {
            caller: RwSignal::new(false),
            chosen: RwSignal::new(None),
            first_name: RwSignal::new(String::new()),
            last_name: RwSignal::new(String::new()),
            email: RwSignal::new(String::new()),
            company: RwSignal::new(String::new()),
            phone: RwSignal::new(String::new()),
            channel: RwSignal::new(Channel::Phone),
        }
    }

    /// The members to send, and what is wrong with them added to `found`.
    pub fn members(&self, found: &mut Vec<FieldError>) -> Requester {
        let channel = Some(self.channel.get_untracked());
        if self.caller.get_untracked() {
            let (first_name, last_name, email, company, phone) = (
                self.first_name.get_untracked(),
                self.last_name.get_untracked(),
                self.email.get_untracked(),
                self.company.get_untracked(),
                self.phone.get_untracked(),
            );
            let caller = Caller {
                first_name: &first_name,
                last_name: &last_name,
                email: &email,
                company: &company,
                phone: &phone,
            };
            return Requester {
                requester_id: None,
                requester: Some(caller_members(&caller, found)),
                channel,
            };
        }
        let id = self.chosen.with_untracked(|c| c.as_ref().map(|u| u.id));
        if id.is_none() {
            found.push(FieldError::new(
                "requester_id",
                "required",
                "find the customer",
            ));
        }
        Requester {
            requester_id: id,
            requester: None,
            channel,
        }
    }

    /// The requester's company, when known: their equipment is offered.
    pub fn company_id(&self) -> Option<CompanyId> {
        if self.caller.get() {
            self.company.get().parse().ok().map(CompanyId)
        } else {
            self.chosen.with(|c| c.as_ref().and_then(|u| u.company_id))
        }
    }

    /// The requester's address, when known.
    pub fn email(&self) -> String {
        if self.caller.get() {
            self.email.get()
        } else {
            self.chosen
                .with(|c| c.as_ref().map(|u| u.email.clone()))
                .unwrap_or_default()
        }
    }
}

fn person_line(person: &User) -> String {
    let mut line = format!(
        "{} {} — {}",
        person.first_name, person.last_name, person.email
    );
    if let Some(company) = &person.company_name {
        line.push_str(" — ");
        line.push_str(company);
    }
    line
}

/// The requester's fieldset and the channel select.
#[component]
pub fn RequesterPicker(fields: RequesterFields, errors: RwSignal<FieldErrors>) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let q = RwSignal::new(String::new());
    let results = RwSignal::new(None::<Vec<User>>);
    let searching = RwSignal::new(false);
    let companies = LocalResource::new(move || async move {
        session
            .call(|client| async move { client.all_companies().await })
            .await
    });
    let has = move |field: &'static str| move || errors.with(|e| e.has(field));
    let invalid = move |field: &'static str| move || has(field)().then_some("true");

    let search = move || {
        let typed = q.get_untracked().trim().to_owned();
        if typed.is_empty() || searching.get_untracked() {
            return;
        }
        searching.set(true);
        spawn_local(async move {
            let query = UserListQuery {
                q: Some(typed),
                active: Some(true),
                limit: Some(RESULTS),
                ..Default::default()
            };
            let found = session
                .call(|client| {
                    let query = query.clone();
                    async move { client.users(&query).await }
                })
                .await;
            searching.set(false);
            // Tickets are opened for customers and referents: people of a company.
            let people = found
                .map(|page| {
                    page.items
                        .into_iter()
                        .filter(|p| p.company_id.is_some())
                        .collect()
                })
                .unwrap_or_default();
            results.set(Some(people));
        });
    };
    // Enter searches rather than sending the ticket.
    let on_key = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" {
            ev.prevent_default();
            search();
        }
    };
    // The keyboard goes on from the "change" button after a choice, and back to the search
    // after a "change".
    let choose = move |person: User| {
        fields.chosen.set(Some(person));
        dom::focus_when_shown("requester-change");
        results.set(None);
        errors.update(|e| {
            let kept = e.iter().filter(|e| e.field != "requester_id").cloned();
            *e = FieldErrors::new(kept.collect(), |_| false);
        });
    };
    let change = move |_| {
        fields.chosen.set(None);
        dom::focus_when_shown("requester_id");
    };
    let mode = move |caller: bool, id: &'static str| {
        view! {
            <div class="choice">
                <input
                    type="radio"
                    id=id
                    name="requester-mode"
                    prop:checked=dynamic(move || fields.caller.get() == caller)
                    on:change=move |_| fields.caller.set(caller)
                />
                <label for=id>
                    {dynamic(move || {
                        let t = i18n.t();
                        if caller { t.requester_new } else { t.requester_existing }
                    })}
                </label>
            </div>
        }
    };

    let existing = move || {
        if let Some(person) = fields.chosen.get() {
            return view! {
                <p class="chosen-requester">
                    <strong>{person_line(&person)}</strong>
                    " "
                    <button type="button" id="requester-change" on:click=change>
                        {dynamic(move || i18n.t().requester_change)}
                    </button>
                </p>
            }
            .into_any();
        }
        view! {
            <div class="field">
                <label for="requester_id">{dynamic(move || i18n.t().requester_search)}</label>
                <p class="hint" id="requester_id-hint">{dynamic(move || i18n.t().people_intro)}</p>
                <div class="inline">
                    <input
                        id="requester_id"
                        type="search"
                        autocomplete="off"
                        bind:value=q
                        on:keydown=on_key
                        aria-invalid=invalid("requester_id")
                        aria-describedby=dynamic(move || described_by("requester_id", true, has("requester_id")()))
                    />
                    <button type="button" on:click=move |_| search() disabled=dynamic(move || searching.get())>
                        {dynamic(move || i18n.t().search_submit)}
                    </button>
                </div>
                <FieldMessage id="requester_id" field="requester_id" errors />
                <div role="status">
                    {dynamic(move || {
                        results
                            .get()
                            .map(|people| {
                                if people.is_empty() {
                                    return view! { <p class="muted">{dynamic(move || i18n.t().people_none)}</p> }.into_any();
                                }
                                let items = people
                                    .into_iter()
                                    .map(|person| {
                                        let line = person_line(&person);
                                        view! {
                                            <li>
                                                <button type="button" class="link" on:click=move |_| choose(person.clone())>
                                                    {line}
                                                </button>
                                            </li>
                                        }
                                    })
                                    .collect_view();
                                view! {
                                    <ul class="picker-results" aria-label=dynamic(move || i18n.t().people_results)>
                                        {items}
                                    </ul>
                                }
                                .into_any()
                            })
                    })}
                </div>
            </div>
        }
        .into_any()
    };

    let new_caller = move || {
        view! {
            <TextField field="requester.first_name" label=|t| t.first_name value=fields.first_name errors autocomplete="off" maxlength=100 />
            <TextField field="requester.last_name" label=|t| t.last_name value=fields.last_name errors autocomplete="off" maxlength=100 />
            <TextField
                field="requester.email"
                label=|t| t.email
                value=fields.email
                errors
                autocomplete="off"
                maxlength=254
                input_type="email"
                inputmode="email"
            />
            <div class="field">
                <label for="requester.company_id">{dynamic(move || i18n.t().field_company)}</label>
                <select
                    id="requester.company_id"
                    name="requester.company_id"
                    on:change=move |ev| fields.company.set(event_target_value(&ev))
                    prop:value=dynamic(move || fields.company.get())
                    aria-invalid=invalid("requester.company_id")
                    aria-describedby=dynamic(move || described_by("requester.company_id", false, has("requester.company_id")()))
                >
                    <option value="">{dynamic(move || i18n.t().company_choose)}</option>
                    {dynamic(move || {
                        companies
                            .get()
                            .and_then(Result::ok)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|company: Company| {
                                let value = company.id.to_string();
                                let chosen = value.clone();
                                view! {
                                    <option value=value selected=dynamic(move || fields.company.get() == chosen)>
                                        {company.name}
                                    </option>
                                }
                            })
                            .collect_view()
                    })}
                </select>
                <FieldMessage id="requester.company_id" field="requester.company_id" errors />
            </div>
            <TextField
                field="requester.phone"
                label=|t| t.phone_optional
                value=fields.phone
                errors
                autocomplete="off"
                maxlength=40
                input_type="tel"
                required=false
            />
        }
    };

    let channel_option = move |channel: Channel| {
        view! {
            <option value=channel.as_str() selected=dynamic(move || fields.channel.get() == channel)>
                {dynamic(move || {
                    let t = i18n.t();
                    match channel {
                        Channel::Phone => t.channel_phone,
                        Channel::Portal => t.channel_portal,
                        Channel::Mail => t.channel_mail,
                    }
                })}
            </option>
        }
    };

    view! {
        <fieldset class="group requester">
            <legend>{dynamic(move || i18n.t().field_requester)}</legend>
            <div class="field modes">
                {mode(false, "requester-existing")}
                {mode(true, "requester-new")}
            </div>
            {dynamic(move || {
                if fields.caller.get() { new_caller().into_any() } else { existing().into_any() }
            })}
            <div class="field">
                <label for="channel">{dynamic(move || i18n.t().channel)}</label>
                <select
                    id="channel"
                    name="channel"
                    on:change=move |ev| {
                        if let Some(channel) = Channel::parse(&event_target_value(&ev)) {
                            fields.channel.set(channel);
                        }
                    }
                >
                    {channel_option(Channel::Phone)}
                    {channel_option(Channel::Portal)}
                    {channel_option(Channel::Mail)}
                </select>
            </div>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_caller_needs_an_address_and_a_company() {
        let mut found = Vec::new();
        let caller = caller_members(
            &Caller {
                first_name: " Léa ",
                last_name: "Roux",
                email: " Lea.Roux@acme.test ",
                company: "4",
                phone: " ",
            },
            &mut found,
        );
        assert!(found.is_empty());
        assert_eq!(caller.email.as_str(), "lea.roux@acme.test");
        assert_eq!(caller.first_name, "Léa");
        assert_eq!(caller.company_id, CompanyId(4));
        assert_eq!(caller.phone, None);

        let mut found = Vec::new();
        caller_members(
            &Caller {
                first_name: "",
                last_name: "",
                email: "lea@",
                company: "",
                phone: "",
            },
            &mut found,
        );
        let listed: Vec<_> = found
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            listed,
            [
                ("requester.email", "email"),
                ("requester.company_id", "required")
            ]
        );
    }
}
