use guichet_types::{
    validation_errors, EmailAddress, Locale, Profile, ProfileUpdate, EMAIL_MAX_CHARS,
};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use validator::Validate;

use super::profile_support::ProfileSupportAccess;
use crate::{
    components::{page_title, ErrorSummary, FlashMessage, TextField},
    dom,
    forms::FieldErrors,
    i18n::{use_i18n, Message, Texts},
    reactive::dynamic,
    session::expect_session,
};

/// The confirmation shown once the profile is saved.
const SAVED_ID: &str = "profile-saved";

/// Every field of the form, in its order.
const ORDER: [&str; 11] = [
    "prefix",
    "first_name",
    "last_name",
    "suffix",
    "title",
    "office_phone",
    "extension",
    "mobile_phone",
    "fax",
    "email",
    "show_landing_page",
];

fn label(t: &Texts, field: &str) -> &'static str {
    match field {
        "prefix" => t.prefix,
        "first_name" => t.first_name,
        "last_name" => t.last_name,
        "suffix" => t.suffix,
        "title" => t.job_title,
        "office_phone" => t.office_phone,
        "extension" => t.extension,
        "mobile_phone" => t.mobile_phone,
        "fax" => t.fax,
        "email" => t.email,
        "locale" => t.language,
        "show_landing_page" => t.show_landing_page,
        _ => t.profile_title,
    }
}

/// The profile's texts, in the form's order.
fn texts_of(profile: &Profile) -> [String; 10] {
    [
        &profile.prefix,
        &profile.first_name,
        &profile.last_name,
        &profile.suffix,
        &profile.title,
        &profile.office_phone,
        &profile.extension,
        &profile.mobile_phone,
        &profile.fax,
        &profile.email,
    ]
    .map(String::clone)
}

/// The `PATCH /me` of what the form holds: every text trimmed, as the server keeps them. The
/// language is not in it: the language field saves itself as soon as it changes. Or what the
/// server would refuse in it, field by field, in the form's order.
fn update_of(texts: [String; 10], show_landing_page: bool) -> Result<ProfileUpdate, FieldErrors> {
    let [prefix, first_name, last_name, suffix, title, office_phone, extension, mobile_phone, fax, email] =
        texts.map(|text| text.trim().to_owned());
    let address = EmailAddress::parse(&email);
    let update = ProfileUpdate {
        prefix: Some(prefix),
        first_name: Some(first_name),
        last_name: Some(last_name),
        suffix: Some(suffix),
        title: Some(title),
        office_phone: Some(office_phone),
        extension: Some(extension),
        mobile_phone: Some(mobile_phone),
        fax: Some(fax),
        email: address.clone().ok(),
        locale: None,
        show_landing_page: Some(show_landing_page),
    };
    let mut found = update
        .validate()
        .err()
        .map(|e| validation_errors(&e))
        .unwrap_or_default();
    found.extend(address.err().map(|invalid| invalid.field_error("email")));
    let blank = |value: &Option<String>| value.as_deref() == Some("");
    let found = FieldErrors::new(found, |field| match field {
        "first_name" => blank(&update.first_name),
        "last_name" => blank(&update.last_name),
        "email" => email.is_empty(),
        _ => false,
    })
    .sorted(&ORDER);
    if found.is_empty() {
        Ok(update)
    } else {
        Err(found)
    }
}

/// "Mon profil" (seed 004, "Edit Profile"): names, phones, email address, language and the
/// landing page at sign-in; role and company shown but not editable.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    page_title(|t| t.profile_title);
    // `Protected` lets only signed-in users here, whose profile is loaded.
    let Some(profile) = untrack(move || session.profile()) else {
        return view! { <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p> }
            .into_any();
    };

    let values = texts_of(&profile).map(RwSignal::new);
    let [prefix, first_name, last_name, suffix, title, office_phone, extension, mobile_phone, fax, email] =
        values;
    let show_landing_page = RwSignal::new(profile.show_landing_page);
    let errors = RwSignal::new(FieldErrors::default());
    let general = RwSignal::new(None::<Message>);
    let pending = RwSignal::new(false);
    let saved = RwSignal::new(false);

    let show_errors = move |found: FieldErrors| {
        let first = found.first_of(&ORDER);
        errors.set(found);
        dom::focus_soon(first.unwrap_or("error-summary"));
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        general.set(None);
        saved.set(false);
        let update = match update_of(
            values.map(|value| value.get_untracked()),
            show_landing_page.get_untracked(),
        ) {
            Ok(update) => update,
            Err(found) => {
                show_errors(found);
                return;
            }
        };
        errors.set(FieldErrors::default());
        pending.set(true);
        spawn_local(async move {
            let result = session
                .call(|client| {
                    let update = update.clone();
                    async move { client.update_me(&update).await }
                })
                .await;
            pending.set(false);
            match result {
                Ok(profile) => {
                    // What the server kept (trimmed; the address in lower case).
                    for (value, kept) in values.iter().zip(texts_of(&profile)) {
                        value.set(kept);
                    }
                    show_landing_page.set(profile.show_landing_page);
                    session.set_profile(profile);
                    saved.set(true);
                    // The button is at the bottom, the confirmation at the top: bring the
                    // keyboard and the eyes to it (its live region reads it out too).
                    dom::focus_soon(SAVED_ID);
                }
                Err(failure) if !failure.errors.is_empty() => {
                    show_errors(FieldErrors::new(failure.errors, |_| false).sorted(&ORDER));
                }
                Err(failure) => general.set(Some(failure.message())),
            }
        });
    };

    let on_locale = move |ev: leptos::ev::Event| {
        if let Some(locale) = Locale::parse(&event_target_value(&ev)) {
            session.set_locale(locale);
        }
    };
    let locale_option = move |locale: Locale, tag: &'static str, name: &'static str| {
        view! {
            <option value=locale.as_str() lang=tag selected=dynamic(move || i18n.locale() == locale)>
                {name}
            </option>
        }
    };

    let role = profile.role;
    let company = profile.company.map(|c| c.name);

    view! {
        <section class="form-page" aria-labelledby="page-title">
            <h1 id="page-title">{dynamic(move || i18n.t().profile_title)}</h1>
            <FlashMessage />
            <section class="panel account-panel" aria-labelledby="account-title">
                <h2 id="account-title">{dynamic(move || i18n.t().profile_account)}</h2>
                <dl class="details">
                    <div>
                        <dt>{dynamic(move || i18n.t().field_role)}</dt>
                        <dd>{dynamic(move || i18n.t().role(role))}</dd>
                    </div>
                    <div>
                        <dt>{dynamic(move || i18n.t().field_company)}</dt>
                        <dd>
                            {dynamic(move || {
                                company.clone().unwrap_or_else(|| i18n.t().support_team.to_owned())
                            })}
                        </dd>
                    </div>
                </dl>
                <p>
                    <a href="/password">{dynamic(move || i18n.t().change_password_link)}</a>
                </p>
                <p>
                    <a href="/profile/tokens">{dynamic(move || i18n.t().api_tokens_title)}</a>
                </p>
            </section>
            <ProfileSupportAccess />

            <p class="intro">{dynamic(move || i18n.t().profile_intro)}</p>
            <div role="status" aria-atomic="true">
                <Show when=move || saved.get()>
                    <p class="flash live" id=SAVED_ID tabindex="-1">
                        {dynamic(move || i18n.t().profile_saved)}
                    </p>
                </Show>
            </div>
            <ErrorSummary errors general label />
            <form novalidate on:submit=on_submit>
                <fieldset class="group">
                    <legend>{dynamic(move || i18n.t().profile_identity)}</legend>
                    <TextField
                        field="prefix"
                        label=|t| t.prefix
                        value=prefix
                        errors
                        autocomplete="honorific-prefix"
                        maxlength=20
                        required=false
                    />
                    <TextField
                        field="first_name"
                        label=|t| t.first_name
                        value=first_name
                        errors
                        autocomplete="given-name"
                        maxlength=100
                        mark_required=true
                    />
                    <TextField
                        field="last_name"
                        label=|t| t.last_name
                        value=last_name
                        errors
                        autocomplete="family-name"
                        maxlength=100
                        mark_required=true
                    />
                    <TextField
                        field="suffix"
                        label=|t| t.suffix
                        value=suffix
                        errors
                        autocomplete="honorific-suffix"
                        maxlength=20
                        required=false
                    />
                    <TextField
                        field="title"
                        label=|t| t.job_title
                        value=title
                        errors
                        autocomplete="organization-title"
                        maxlength=100
                        required=false
                    />
                </fieldset>

                <fieldset class="group">
                    <legend>{dynamic(move || i18n.t().profile_contact)}</legend>
                    <TextField
                        field="email"
                        label=|t| t.email
                        value=email
                        errors
                        autocomplete="email"
                        maxlength=EMAIL_MAX_CHARS
                        input_type="email"
                        inputmode="email"
                        hint=|t| t.profile_email_hint
                        mark_required=true
                    />
                    <TextField
                        field="office_phone"
                        label=|t| t.office_phone
                        value=office_phone
                        errors
                        autocomplete="work tel"
                        maxlength=40
                        input_type="tel"
                        required=false
                    />
                    <TextField
                        field="extension"
                        label=|t| t.extension
                        value=extension
                        errors
                        autocomplete="work tel-extension"
                        maxlength=10
                        input_type="tel"
                        required=false
                    />
                    <TextField
                        field="mobile_phone"
                        label=|t| t.mobile_phone
                        value=mobile_phone
                        errors
                        autocomplete="mobile tel"
                        maxlength=40
                        input_type="tel"
                        required=false
                    />
                    <TextField
                        field="fax"
                        label=|t| t.fax
                        value=fax
                        errors
                        autocomplete="fax tel"
                        maxlength=40
                        input_type="tel"
                        required=false
                    />
                </fieldset>

                <fieldset class="group">
                    <legend>{dynamic(move || i18n.t().profile_preferences)}</legend>
                    <div class="field">
                        <label for="locale">{dynamic(move || i18n.t().language)}</label>
                        <p class="hint" id="locale-hint">{dynamic(move || i18n.t().profile_language_hint)}</p>
                        <select id="locale" name="locale" aria-describedby="locale-hint" on:change=on_locale>
                            {locale_option(Locale::Fr, "fr", "Français")}
                            {locale_option(Locale::En, "en", "English")}
                        </select>
                    </div>
                    <div class="field choice">
                        <input
                            id="show_landing_page"
                            name="show_landing_page"
                            type="checkbox"
                            bind:checked=show_landing_page
                            aria-describedby="show_landing_page-hint"
                        />
                        <label for="show_landing_page">{dynamic(move || i18n.t().show_landing_page)}</label>
                        <p class="hint" id="show_landing_page-hint">
                            {dynamic(move || i18n.t().show_landing_page_hint)}
                        </p>
                    </div>
                </fieldset>

                <button type="submit" class="primary" disabled=dynamic(move || pending.get())>
                    {dynamic(move || {
                        let t = i18n.t();
                        if pending.get() { t.saving } else { t.profile_submit }
                    })}
                </button>
            </form>
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(first_name: &str, email: &str) -> [String; 10] {
        [
            "M.",
            first_name,
            "Martin",
            "",
            " Comptable ",
            "03 89 00 00 00",
            "",
            "",
            "",
            email,
        ]
        .map(str::to_owned)
    }

    #[test]
    fn the_update_is_trimmed_and_leaves_the_language_alone() {
        let update = update_of(texts("  Claire ", " Claire@ACME.test "), false).expect("valid");
        assert_eq!(update.first_name.as_deref(), Some("Claire"));
        assert_eq!(update.title.as_deref(), Some("Comptable"));
        assert_eq!(update.suffix.as_deref(), Some(""));
        assert_eq!(
            update.email.as_ref().map(|e| e.as_str()),
            Some("claire@acme.test")
        );
        assert_eq!(update.locale, None);
        assert_eq!(update.show_landing_page, Some(false));
    }

    #[test]
    fn names_and_address_are_required_and_the_address_checked() {
        let errors = update_of(texts("   ", "claire@"), true).expect_err("invalid");
        assert_eq!(
            errors.listed(),
            vec![("first_name", "required"), ("email", "email")]
        );
        let errors = update_of(texts("Claire", ""), true).expect_err("invalid");
        assert_eq!(errors.listed(), vec![("email", "required")]);
    }

    #[test]
    fn every_field_has_its_label() {
        let t = crate::i18n::texts(Locale::Fr);
        for field in ORDER.iter().chain(["locale"].iter()) {
            assert_ne!(label(t, field), t.profile_title, "{field}");
        }
    }
}
