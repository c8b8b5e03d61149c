use guichet_types::{validation_errors, FieldError, SatisfactionRequest};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use validator::Validate;

use super::state::expect_ticket_state;
use crate::{
    components::FieldMessage,
    dom,
    forms::{described_by, FieldErrors},
    i18n::{fill, use_i18n},
    reactive::dynamic,
    session::expect_session,
};

/// The request to send, or what is wrong with the form: a rating must be chosen.
pub fn satisfaction(
    rating: Option<u8>,
    comment: &str,
) -> Result<SatisfactionRequest, Vec<FieldError>> {
    let request = SatisfactionRequest {
        rating: rating.unwrap_or_default(),
        comment: Some(comment.trim().to_owned()).filter(|c| !c.is_empty()),
    };
    let mut errors = request
        .validate()
        .err()
        .map(|e| validation_errors(&e))
        .unwrap_or_default();
    if rating.is_none() {
        errors.retain(|e| e.field != "rating");
        errors.insert(0, FieldError::new("rating", "required", "choose a rating"));
    }
    if errors.is_empty() {
        Ok(request)
    } else {
        Err(errors)
    }
}

/// The requester's rating of the closed ticket, once.
#[component]
pub fn RatingForm() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let state = expect_ticket_state();
    let rating = RwSignal::new(None::<u8>);
    let comment = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let pending = RwSignal::new(false);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let request = match satisfaction(rating.get_untracked(), &comment.get_untracked()) {
            Ok(request) => request,
            Err(found) => {
                let first = if found.iter().any(|e| e.field == "rating") {
                    "rating-1"
                } else {
                    "rating-comment"
                };
                errors.set(FieldErrors::new(found, |_| false));
                dom::focus_soon(first);
                return;
            }
        };
        errors.set(FieldErrors::default());
        pending.set(true);
        let number = state.number();
        spawn_local(async move {
            let result = session
                .call(|client| {
                    let (number, request) = (number.clone(), request.clone());
                    async move {
                        client
                            .rate(&number, request.rating, request.comment.as_deref())
                            .await
                    }
                })
                .await;
            pending.set(false);
            let refused = state.conclude_on_page(result, |t| t.rating_done);
            if !refused.is_empty() {
                errors.set(FieldErrors::new(refused, |_| false));
            }
        });
    };

    let choice = move |value: u8| {
        let id = format!("rating-{value}");
        view! {
            <div class="choice">
                <input
                    type="radio"
                    id=id.clone()
                    name="rating"
                    value=value.to_string()
                    prop:checked=dynamic(move || rating.get() == Some(value))
                    on:change=move |_| rating.set(Some(value))
                    aria-invalid=dynamic(move || errors.with(|e| e.has("rating")).then_some("true"))
                />
                <label for=id>
                    {dynamic(move || {
                        let t = i18n.t();
                        let text = fill(t.rating_value, "n", &value.to_string());
                        match value {
                            1 => format!("{text} ({})", t.rating_low),
                            5 => format!("{text} ({})", t.rating_high),
                            _ => text,
                        }
                    })}
                </label>
            </div>
        }
    };
    let comment_invalid = move || errors.with(|e| e.has("comment"));
    view! {
        <section class="panel" aria-labelledby="rating-heading">
            <h2 id="rating-heading">{dynamic(move || i18n.t().rating_heading)}</h2>
            <form novalidate on:submit=on_submit>
                <fieldset
                    class="field rating"
                    aria-describedby=dynamic(move || described_by("rating", false, errors.with(|e| e.has("rating"))))
                >
                    <legend>
                        {dynamic(move || i18n.t().rating_legend)} " "
                        <span class="required">{dynamic(move || i18n.t().required_mark)}</span>
                    </legend>
                    {(1..=5).map(choice).collect_view()}
                    <FieldMessage id="rating" field="rating" errors />
                </fieldset>
                <div class="field">
                    <label for="rating-comment">{dynamic(move || i18n.t().rating_comment)}</label>
                    <textarea
                        id="rating-comment"
                        name="comment"
                        rows="3"
                        bind:value=comment
                        aria-invalid=dynamic(move || comment_invalid().then_some("true"))
                        aria-describedby=dynamic(move || described_by("rating-comment", false, comment_invalid()))
                    ></textarea>
                    <FieldMessage id="rating-comment" field="comment" errors />
                </div>
                <button type="submit" class="primary" disabled=dynamic(move || pending.get())>
                    {dynamic(move || {
                        let t = i18n.t();
                        if pending.get() { t.sending } else { t.rating_submit }
                    })}
                </button>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rating_must_be_chosen_and_the_comment_is_optional() {
        let missing = satisfaction(None, "").expect_err("no rating");
        assert_eq!(
            (missing[0].field.as_str(), missing[0].code.as_str()),
            ("rating", "required")
        );
        assert_eq!(missing.len(), 1);
        let given = satisfaction(Some(5), "  Parfait  ").expect("valid");
        assert_eq!(given.rating, 5);
        assert_eq!(given.comment.as_deref(), Some("Parfait"));
        assert_eq!(satisfaction(Some(3), " ").map(|r| r.comment), Ok(None));
        let out_of_range = satisfaction(Some(6), "").expect_err("6 is too much");
        assert_eq!(out_of_range[0].code, "range");
    }
}
