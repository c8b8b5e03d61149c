//! "Exporter (CSV)": the list as it is filtered now, as a CSV file for a spreadsheet (with a
//! semicolon for French spreadsheets, a comma otherwise). The file is fetched with the
//! session's token (never in a URL) and saved by the browser.
use guichet_types::{CsvSeparator, Locale, TicketExportQuery, TicketListQuery};
use leptos::{prelude::*, task::spawn_local};

use crate::{files, i18n::use_i18n, reactive::dynamic, session::expect_session};

/// What the export is doing, for the line under the button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    Working,
    Done,
    Failed,
}

#[component]
pub fn ExportButton(query: Memo<TicketListQuery>) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let state = RwSignal::new(State::Idle);
    // French spreadsheets read `;`; the reader may choose the other.
    let separator = RwSignal::new(None::<CsvSeparator>);
    let chosen = move || {
        separator.get().unwrap_or(if i18n.locale() == Locale::Fr {
            CsvSeparator::Semicolon
        } else {
            CsvSeparator::Comma
        })
    };
    let export = move |_| {
        if state.get_untracked() == State::Working {
            return;
        }
        state.set(State::Working);
        let export = TicketExportQuery {
            filters: query.get_untracked(),
            separator: Some(chosen()),
            ..Default::default()
        };
        spawn_local(async move {
            let answer = session
                .call(|client| {
                    let export = export.clone();
                    async move { client.export_tickets_csv(&export).await }
                })
                .await;
            let saved = answer.is_ok_and(|raw| {
                raw.status == 200
                    && files::save(&raw.body, "tickets.csv", "text/csv;charset=utf-8").is_ok()
            });
            state.set(if saved { State::Done } else { State::Failed });
        });
    };
    let option = move |value: CsvSeparator, name: fn(&crate::i18n::Texts) -> &'static str| {
        view! {
            <option value=value.as_str() prop:selected=dynamic(move || chosen() == value)>
                {dynamic(move || name(i18n.t()))}
            </option>
        }
    };
    view! {
        <div class="export">
            <div class="field">
                <label for="export-separator">{dynamic(move || i18n.t().export_separator)}</label>
                <select
                    id="export-separator"
                    on:change=move |ev| separator.set(CsvSeparator::parse(&event_target_value(&ev)))
                >
                    {option(CsvSeparator::Semicolon, |t| t.export_semicolon)}
                    {option(CsvSeparator::Comma, |t| t.export_comma)}
                </select>
            </div>
            <button type="button" class="secondary" on:click=export disabled=dynamic(move || state.get() == State::Working)>
                {dynamic(move || i18n.t().export_csv)}
            </button>
            <p role="status" class="live">
                {dynamic(move || {
                    let t = i18n.t();
                    match state.get() {
                        State::Idle => "",
                        State::Working => t.export_working,
                        State::Done => t.export_done,
                        State::Failed => t.export_failed,
                    }
                })}
            </p>
        </div>
    }
}
