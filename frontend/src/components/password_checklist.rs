use guichet_types::PasswordRule;
use leptos::prelude::*;

use crate::{i18n::use_i18n, reactive::dynamic};

/// The password policy, each rule ticked as soon as the typed password meets it.
#[component]
pub fn PasswordChecklist(
    id: &'static str,
    #[prop(into)] password: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let rules = PasswordRule::ALL
        .into_iter()
        .map(|rule| {
            let met = move || password.with(|p| rule.is_met_by(p));
            view! {
                <li class:met=met>
                    <span class="mark" aria-hidden="true">
                        {dynamic(move || if met() { "✔" } else { "•" })}
                    </span>
                    {dynamic(move || i18n.t().password_rule(rule))}
                    <span class="visually-hidden">
                        {dynamic(move || {
                            let t = i18n.t();
                            format!(" ({})", if met() { t.rule_met } else { t.rule_unmet })
                        })}
                    </span>
                </li>
            }
        })
        .collect_view();
    view! {
        <div id=id class="checklist">
            <p>{dynamic(move || i18n.t().password_rules_title)}</p>
            <ul>{rules}</ul>
        </div>
    }
}
