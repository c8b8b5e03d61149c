use guichet_types::{CompanyId, ASSET_IMPORT_COLUMNS};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

use super::rules::{import_problems, ImportProblem};
use crate::{
    dom,
    i18n::{fill, use_i18n, Message, Texts},
    reactive::dynamic,
    session::expect_session,
};

/// "Line 3, name: This field is required." for one problem of a refused file.
fn problem_text(t: &Texts, problem: &ImportProblem) -> String {
    let place = match (problem.line, &problem.column) {
        (Some(line), Some(column)) => {
            format!("{}, {column}", fill(t.import_line, "n", &line.to_string()))
        }
        (Some(line), None) => fill(t.import_line, "n", &line.to_string()),
        _ => t.import_file_whole.to_owned(),
    };
    let what = match problem.code.as_str() {
        "header" => t.import_header,
        "columns" => t.import_columns,
        "unreadable" => t.import_unreadable,
        "not_utf8" => t.import_not_utf8,
        "too_many_rows" => t.import_too_many,
        "empty" => t.import_empty,
        code => t.field_error(code),
    };
    format!("{place}{}{what}", t.colon)
}

/// The bytes of the file chosen in `input`, if any.
async fn chosen_file(input: Option<web_sys::HtmlInputElement>) -> Option<Vec<u8>> {
    let file = input?.files()?.get(0)?;
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Imports a CSV file of assets into the company: all of it, or (every bad line and column
/// listed) nothing.
#[component]
pub fn AssetImportForm(
    company: CompanyId,
    on_imported: impl Fn(u32) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let input = NodeRef::<leptos::html::Input>::new();
    let problems = RwSignal::new(Vec::<ImportProblem>::new());
    let general = RwSignal::new(None::<Message>);
    let done = RwSignal::new(None::<u32>);
    let pending = RwSignal::new(false);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        general.set(None);
        done.set(None);
        pending.set(true);
        let on_imported = on_imported.clone();
        let element = input.get_untracked();
        spawn_local(async move {
            let Some(bytes) = chosen_file(element.clone()).await else {
                pending.set(false);
                problems.set(vec![ImportProblem {
                    line: None,
                    column: None,
                    code: "required".to_owned(),
                }]);
                dom::focus_soon("import_file");
                return;
            };
            let result = session
                .call(|client| {
                    let bytes = bytes.clone();
                    async move { client.import_assets(company, bytes).await }
                })
                .await;
            pending.set(false);
            match result {
                Ok(import) => {
                    problems.set(Vec::new());
                    if let Some(element) = element {
                        element.set_value("");
                    }
                    done.set(Some(import.created));
                    on_imported(import.created);
                    dom::focus_soon("import-done");
                }
                Err(failure) if !failure.errors.is_empty() => {
                    problems.set(import_problems(&failure.errors));
                    dom::focus_soon("import-problems");
                }
                Err(failure) if failure.is_status(413) => {
                    problems.set(vec![ImportProblem {
                        line: None,
                        column: None,
                        code: "too_large".to_owned(),
                    }]);
                    dom::focus_soon("import-problems");
                }
                Err(failure) => general.set(Some(failure.message())),
            }
        });
    };

    let refused = move || problems.with(|p| !p.is_empty());
    let hint = move || {
        fill(
            i18n.t().import_hint,
            "columns",
            &ASSET_IMPORT_COLUMNS.join(";"),
        )
    };
    view! {
        <section aria-labelledby="import-title">
            <h3 id="import-title">{dynamic(move || i18n.t().import_title)}</h3>
            <div role="status">
                {dynamic(move || {
                    done.get()
                        .map(|n| {
                            view! {
                                <p class="flash" id="import-done" tabindex="-1">
                                    {dynamic(move || fill(i18n.t().import_done, "n", &n.to_string()))}
                                </p>
                            }
                        })
                })}
            </div>
            <div role="alert">
                {dynamic(move || {
                    general.get().map(|m| view! { <p class="alert">{dynamic(move || m(i18n.t()))}</p> })
                })}
                {dynamic(move || {
                    refused()
                        .then(|| {
                            let t = i18n.t();
                            let lines = problems
                                .get()
                                .iter()
                                .map(|p| view! { <li>{problem_text(t, p)}</li> })
                                .collect_view();
                            view! {
                                <div class="error-summary" id="import-problems" tabindex="-1">
                                    <p>{t.import_refused}</p>
                                    <ul>{lines}</ul>
                                </div>
                            }
                        })
                })}
            </div>
            <form novalidate on:submit=on_submit>
                <div class="field">
                    <label for="import_file">{dynamic(move || i18n.t().import_file)}</label>
                    <p class="hint" id="import_file-hint">{dynamic(hint)}</p>
                    <input
                        id="import_file"
                        name="import_file"
                        type="file"
                        accept=".csv,text/csv"
                        node_ref=input
                        aria-invalid=dynamic(move || refused().then_some("true"))
                        aria-describedby=dynamic(move || {
                            if refused() { "import_file-hint import-problems" } else { "import_file-hint" }
                        })
                    />
                </div>
                <button type="submit" disabled=dynamic(move || pending.get())>
                    {dynamic(move || if pending.get() { i18n.t().sending } else { i18n.t().import_submit })}
                </button>
            </form>
        </section>
    }
}
