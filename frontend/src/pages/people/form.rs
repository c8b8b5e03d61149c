use guichet_types::{Company, Locale, Role};
use leptos::prelude::*;

use super::rules::Draft;
use crate::{
    components::{FieldMessage, TextField},
    forms::{described_by, FieldErrors},
    i18n::{use_i18n, Texts},
    reactive::dynamic,
};

/// The label of a field of the person form, for the error summary.
pub fn label(t: &Texts, field: &str) -> &'static str {
    match field {
        "first_name" => t.first_name,
        "last_name" => t.last_name,
        "email" => t.email,
        "office_phone" => t.office_phone,
        "mobile_phone" => t.mobile_phone,
        "company_id" => t.field_company,
        "role" => t.field_role,
        "locale" => t.language,
        "active" => t.person_state,
        _ => t.nav_people,
    }
}

/// What the person form holds, one signal per field.
#[derive(Clone, Copy)]
pub struct Fields {
    pub first_name: RwSignal<String>,
    pub last_name: RwSignal<String>,
    pub email: RwSignal<String>,
    pub office_phone: RwSignal<String>,
    pub mobile_phone: RwSignal<String>,
    pub company: RwSignal<String>,
    pub role: RwSignal<Role>,
    pub locale: RwSignal<Locale>,
    pub active: RwSignal<bool>,
    pub errors: RwSignal<FieldErrors>,
}

impl Fields {
    pub fn new() -> Self {
        Self {
            first_name: RwSignal::new(String::new()),
            last_name: RwSignal::new(String::new()),
            email: RwSignal::new(String::new()),
            office_phone: RwSignal::new(String::new()),
            mobile_phone: RwSignal::new(String::new()),
            company: RwSignal::new(String::new()),
            role: RwSignal::new(Role::Customer),
            locale: RwSignal::new(Locale::Fr),
            active: RwSignal::new(true),
            errors: RwSignal::new(FieldErrors::default()),
        }
    }

    pub fn set(&self, draft: Draft) {
        self.first_name.set(draft.first_name);
        self.last_name.set(draft.last_name);
        self.email.set(draft.email);
        self.office_phone.set(draft.office_phone);
        self.mobile_phone.set(draft.mobile_phone);
        self.company.set(draft.company);
        self.role.set(draft.role);
        self.locale.set(draft.locale);
        self.active.set(draft.active);
        self.errors.set(FieldErrors::default());
    }

    pub fn draft(&self) -> Draft {
        Draft {
            first_name: self.first_name.get_untracked(),
            last_name: self.last_name.get_untracked(),
            email: self.email.get_untracked(),
            office_phone: self.office_phone.get_untracked(),
            mobile_phone: self.mobile_phone.get_untracked(),
            company: self.company.get_untracked(),
            role: self.role.get_untracked(),
            locale: self.locale.get_untracked(),
            active: self.active.get_untracked(),
        }
    }
}

/// The fields of a person. `email`: the address is typed (a new person); `roles`: those the
/// reader may give (no role, company or activity control without them); `active`: the
/// activity checkbox.
#[component]
pub fn PersonFields(
    fields: Fields,
    companies: Signal<Vec<Company>>,
    email: bool,
    roles: Vec<Role>,
    active: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let errors = fields.errors;
    let has = move |field: &'static str| move || errors.with(|e| e.has(field));
    let invalid = move |field: &'static str| move || has(field)().then_some("true");
    let standing = !roles.is_empty();
    let staff = move || fields.role.get().is_staff();
    let role_select = standing.then(|| {
        let options = roles
            .into_iter()
            .map(|role| {
                view! {
                    <option value=role.as_str() selected=dynamic(move || fields.role.get() == role)>
                        {dynamic(move || i18n.t().role(role))}
                    </option>
                }
            })
            .collect_view();
        view! {
            <div class="field">
                <label for="role">{dynamic(move || i18n.t().field_role)}</label>
                <select
                    id="role"
                    name="role"
                    on:change=move |ev| {
                        if let Some(role) = Role::parse(&event_target_value(&ev)) {
                            fields.role.set(role);
                        }
                    }
                    aria-invalid=invalid("role")
                    aria-describedby=dynamic(move || described_by("role", false, has("role")()))
                >
                    {options}
                </select>
                <FieldMessage id="role" field="role" errors />
            </div>
            <div class="field">
                <label for="company_id">{dynamic(move || i18n.t().field_company)}</label>
                <p class="hint" id="company_id-hint">{dynamic(move || i18n.t().person_company_hint)}</p>
                <select
                    id="company_id"
                    name="company_id"
                    disabled=dynamic(staff)
                    on:change=move |ev| fields.company.set(event_target_value(&ev))
                    prop:value=dynamic(move || fields.company.get())
                    aria-invalid=invalid("company_id")
                    aria-describedby=dynamic(move || described_by("company_id", true, has("company_id")()))
                >
                    <option value="">{dynamic(move || i18n.t().company_choose)}</option>
                    {dynamic(move || {
                        companies
                            .get()
                            .into_iter()
                            .map(|company| {
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
                <FieldMessage id="company_id" field="company_id" errors />
            </div>
        }
    });
    let locale_option = move |locale: Locale| {
        view! {
            <option value=locale.as_str() selected=dynamic(move || fields.locale.get() == locale)>
                {dynamic(move || {
                    let t = i18n.t();
                    if locale == Locale::Fr { t.locale_fr } else { t.locale_en }
                })}
            </option>
        }
    };
    view! {
        <TextField field="first_name" label=|t| t.first_name value=fields.first_name errors autocomplete="off" maxlength=100 />
        <TextField field="last_name" label=|t| t.last_name value=fields.last_name errors autocomplete="off" maxlength=100 />
        {email.then(|| view! {
            <TextField
                field="email"
                label=|t| t.email
                value=fields.email
                errors
                autocomplete="off"
                maxlength=254
                input_type="email"
                inputmode="email"
            />
        })}
        <TextField
            field="office_phone"
            label=|t| t.office_phone
            value=fields.office_phone
            errors
            autocomplete="off"
            maxlength=40
            input_type="tel"
            required=false
        />
        <TextField
            field="mobile_phone"
            label=|t| t.mobile_phone
            value=fields.mobile_phone
            errors
            autocomplete="off"
            maxlength=40
            input_type="tel"
            required=false
        />
        {role_select}
        <div class="field">
            <label for="locale">{dynamic(move || i18n.t().language)}</label>
            <select
                id="locale"
                name="locale"
                on:change=move |ev| {
                    if let Some(locale) = Locale::parse(&event_target_value(&ev)) {
                        fields.locale.set(locale);
                    }
                }
            >
                {locale_option(Locale::Fr)}
                {locale_option(Locale::En)}
            </select>
        </div>
        {(standing && active).then(|| view! {
            <div class="field choice">
                <input id="active" name="active" type="checkbox" bind:checked=fields.active />
                <label for="active">{dynamic(move || i18n.t().person_active_label)}</label>
            </div>
        })}
    }
}
