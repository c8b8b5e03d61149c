//! Every string of the interface, in French and in English.
//!
//! [`Texts`] has one member per string, so a table that forgets one does not compile. The
//! current language lives in the [`I18n`] context: it starts from the browser's language,
//! is remembered in `localStorage`, and follows the signed-in profile's `locale`.
mod access;
mod en;
mod fr;
pub use access::AccessTexts;

use guichet_types::{
    Level, Locale, PasswordRule, RejectReason, Role, TicketKind, TicketStatus, TokenScope,
    PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS,
};
use leptos::prelude::*;

use crate::dom;

const STORAGE_KEY: &str = "guichet.locale";

/// The strings of one language.
pub struct Texts {
    /// BCP 47 tag, for `<html lang>` and date formatting.
    pub tag: &'static str,
    pub app_name: &'static str,
    pub skip_to_content: &'static str,
    pub loading: &'static str,
    pub language: &'static str,
    pub main_navigation: &'static str,
    pub nav_new_ticket: &'static str,
    pub sign_out: &'static str,
    pub retry: &'static str,
    pub required_mark: &'static str,
    /// Between a label and its value: French puts a space before the colon.
    pub colon: &'static str,

    // Errors that are not about one field.
    pub network_error: &'static str,
    pub server_error: &'static str,
    pub session_expired: &'static str,
    pub load_failed: &'static str,
    pub errors_summary_one: &'static str,
    /// `{n}`: how many.
    pub errors_summary_many: &'static str,

    // Sign in.
    pub sign_in_title: &'static str,
    pub sign_in_intro: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub sign_in_submit: &'static str,
    pub signing_in: &'static str,
    pub sign_in_failed: &'static str,
    /// `{wait}`: how long, e.g. "3 minutes".
    pub too_many_attempts_wait: &'static str,
    pub wait_one_minute: &'static str,
    /// `{n}`: more than one.
    pub wait_minutes: &'static str,
    pub wait_one_second: &'static str,
    /// `{n}`: more than one.
    pub wait_seconds: &'static str,
    pub too_many_attempts: &'static str,

    // Forced password change.
    pub change_password_title: &'static str,
    pub change_password_intro: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub confirm_password: &'static str,
    pub password_rules_title: &'static str,
    /// `{n}`: the minimum.
    pub rule_min_length: &'static str,
    /// `{n}`: the maximum.
    pub rule_max_length: &'static str,
    pub rule_uppercase: &'static str,
    pub rule_lowercase: &'static str,
    pub rule_digit: &'static str,
    pub rule_special: &'static str,
    pub rule_met: &'static str,
    pub rule_unmet: &'static str,
    pub passwords_differ: &'static str,
    pub wrong_current_password: &'static str,
    pub change_password_submit: &'static str,
    pub saving: &'static str,

    // Ticket list.
    pub filters: &'static str,
    pub scope_legend: &'static str,
    pub scope_mine: &'static str,
    pub scope_company: &'static str,
    pub status_filter: &'static str,
    pub status_all: &'static str,
    pub search_label: &'static str,
    pub search_hint: &'static str,
    pub search_submit: &'static str,
    pub col_number: &'static str,
    pub col_title: &'static str,
    pub col_status: &'static str,
    pub col_created: &'static str,
    pub col_updated: &'static str,
    pub no_tickets: &'static str,
    pub load_more: &'static str,
    /// `{number}`: the new ticket's number.
    pub ticket_created: &'static str,

    // New ticket.
    pub new_ticket_title: &'static str,
    pub new_ticket_intro: &'static str,
    pub kind_legend: &'static str,
    pub kind_incident: &'static str,
    pub kind_incident_hint: &'static str,
    pub kind_request: &'static str,
    pub kind_request_hint: &'static str,
    pub category: &'static str,
    pub category_choose: &'static str,
    pub urgency: &'static str,
    pub asset: &'static str,
    pub asset_none: &'static str,
    pub title: &'static str,
    /// `{n}`: the maximum.
    pub title_hint: &'static str,
    pub description: &'static str,
    pub description_hint: &'static str,
    pub notify: &'static str,
    pub notify_email: &'static str,
    /// `{email}`: the account's address.
    pub notify_email_hint: &'static str,
    pub submit_create: &'static str,
    /// After "create and enter another": what the form kept for the next ticket.
    pub values_kept: &'static str,
    pub submit_create_another: &'static str,
    pub sending: &'static str,

    // Field error codes of the API.
    pub error_required: &'static str,
    pub error_length: &'static str,
    pub error_invalid_choice: &'static str,
    pub error_invalid_type: &'static str,
    pub error_email: &'static str,
    pub error_password_policy: &'static str,
    pub error_blank: &'static str,
    pub error_not_found: &'static str,
    pub error_not_allowed: &'static str,
    pub error_taken: &'static str,
    pub error_other: &'static str,

    // Not found.
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub back_home: &'static str,

    // Ticket list for the support team, ticket links.
    pub scope_all: &'static str,
    pub scope_assigned: &'static str,
    /// `{number}`: the ticket; `{files}`: the names of the files that were not attached.
    pub files_failed: &'static str,

    // Files.
    pub files: &'static str,
    /// `{max}`: the largest size allowed.
    pub files_hint: &'static str,
    pub file_too_large_mark: &'static str,
    /// `{file}`: its name; `{n}` of `{total}`.
    pub uploading: &'static str,
    /// `{file}`: the one file being sent.
    pub uploading_one: &'static str,
    /// `{n}`: a size.
    pub size_bytes: &'static str,
    pub size_kb: &'static str,
    pub size_mb: &'static str,
    pub decimal_separator: &'static str,

    // The ticket page: its fields.
    /// `{number}`.
    pub ticket_number: &'static str,
    pub ticket_details: &'static str,
    pub field_kind: &'static str,
    pub field_impact: &'static str,
    pub field_priority: &'static str,
    /// `{n}`: 1 to 5.
    pub priority_value: &'static str,
    pub field_requester: &'static str,
    pub field_company: &'static str,
    pub field_assignee: &'static str,
    pub not_assigned: &'static str,
    pub field_created: &'static str,
    pub field_updated: &'static str,
    pub field_resolved: &'static str,
    pub field_closed: &'static str,
    pub field_watchers: &'static str,
    pub nobody: &'static str,
    pub field_satisfaction: &'static str,
    /// `{n}`: 1 to 5.
    pub rating_value: &'static str,

    // The ticket page: history.
    pub history: &'static str,
    pub history_empty: &'static str,
    pub internal_badge: &'static str,
    pub system_actor: &'static str,
    /// `{actor}` in every sentence of the history: who did it.
    pub ev_created: &'static str,
    pub ev_followup: &'static str,
    pub ev_internal_note: &'static str,
    /// `{file}`, `{size}`.
    pub ev_attachment_added: &'static str,
    /// `{from}`, `{to}`: statuses.
    pub ev_status_changed: &'static str,
    /// `{assignee}`.
    pub ev_assigned: &'static str,
    pub ev_unassigned: &'static str,
    /// `{from}`, `{to}`: categories.
    pub ev_category_changed: &'static str,
    /// `{from}`, `{to}`: levels.
    pub ev_impact_changed: &'static str,
    pub ev_solution_proposed: &'static str,
    pub ev_solution_approved: &'static str,
    pub ev_solution_rejected: &'static str,
    pub ev_withdrawn: &'static str,
    pub ev_auto_closed: &'static str,
    pub ev_reopened: &'static str,
    /// `{email}`.
    pub ev_shared: &'static str,
    /// `{email}`.
    pub ev_unshared: &'static str,
    /// `{rating}`: 1 to 5.
    pub ev_rated: &'static str,

    // The ticket page: attachments.
    pub attachments: &'static str,
    pub no_attachments: &'static str,
    /// Before a file's name, for screen readers.
    pub download: &'static str,
    pub download_failed: &'static str,
    /// The file pickers, in the page's language rather than the browser's.
    pub choose_file: &'static str,
    pub choose_files: &'static str,
    pub no_file_chosen: &'static str,
    pub one_file_chosen: &'static str,
    /// `{n}`: more than one.
    pub files_chosen: &'static str,
    pub attach_file: &'static str,
    /// `{max}`.
    pub attach_hint: &'static str,
    pub attach_submit: &'static str,
    pub attach_done: &'static str,

    // The ticket page: forms.
    pub followup_heading: &'static str,
    pub followup_body: &'static str,
    pub followup_waiting_hint: &'static str,
    pub followup_internal: &'static str,
    pub followup_submit: &'static str,
    /// Near the send button of a resolved ticket's follow-up form (customers).
    pub followup_resolved_note: &'static str,
    pub followup_done: &'static str,
    pub followup_files: &'static str,
    /// `{max}`: the largest file sent.
    pub followup_files_hint: &'static str,
    pub followup_files_done: &'static str,
    pub files_attached_done: &'static str,
    /// `{files}`: the names of the files that could not be attached.
    pub message_files_failed: &'static str,
    /// The list of the files sent with a message, in the history.
    pub message_files: &'static str,
    pub error_message_or_file: &'static str,
    pub solution_heading: &'static str,
    pub solution_intro: &'static str,
    /// The box's copy of the pending solution: `{actor}`, `{date}`.
    pub solution_pending_by: &'static str,
    pub solution_loading_failed: &'static str,
    /// The mark of a solution proposal in the history.
    pub solution_label: &'static str,
    pub solution_state_pending_yours: &'static str,
    pub solution_state_pending: &'static str,
    pub solution_state_rejected: &'static str,
    pub solution_state_approved: &'static str,
    pub approve_comment: &'static str,
    pub approve_submit: &'static str,
    pub approve_done: &'static str,
    pub reject_reason: &'static str,
    pub reject_submit: &'static str,
    pub reject_done: &'static str,
    pub withdraw_heading: &'static str,
    pub withdraw_reason: &'static str,
    pub withdraw_hint: &'static str,
    pub withdraw_submit: &'static str,
    pub withdraw_done: &'static str,
    pub share_heading: &'static str,
    pub share_email: &'static str,
    pub share_hint: &'static str,
    pub share_submit: &'static str,
    pub share_done: &'static str,
    /// `{email}`: an account of the ticket's company, which now sees it.
    pub share_sees: &'static str,
    /// `{email}`: any other address, which only receives the notifications.
    pub share_notified_only: &'static str,
    pub unshare: &'static str,
    /// `{email}`: the accessible name of the button.
    pub unshare_label: &'static str,
    pub unshare_done: &'static str,
    pub rating_heading: &'static str,
    pub rating_legend: &'static str,
    pub rating_low: &'static str,
    pub rating_high: &'static str,
    pub rating_comment: &'static str,
    pub rating_submit: &'static str,
    pub rating_done: &'static str,

    // The ticket page: the support team's panel.
    pub agent_heading: &'static str,
    /// `{status}`: the status to move to.
    pub set_status: &'static str,
    pub assign_me: &'static str,
    pub change_category: &'static str,
    pub change_impact: &'static str,
    pub update_done: &'static str,
    /// `{name}`: who handles the ticket now.
    pub assigned_to: &'static str,
    pub assign_to: &'static str,
    /// The choice that unassigns.
    pub unassigned: &'static str,
    pub change_assignee: &'static str,
    pub notifications_heading: &'static str,
    pub notifications_toggle: &'static str,
    pub notifications_save: &'static str,
    pub notifications_done: &'static str,
    pub propose_heading: &'static str,
    pub solution_body: &'static str,
    pub propose_submit: &'static str,
    pub propose_done: &'static str,
    pub reopen_heading: &'static str,
    pub reopen_reason: &'static str,
    pub reopen_submit: &'static str,
    pub reopen_done: &'static str,
    pub stale: &'static str,
    /// `{status}`: the ticket's status now.
    pub not_possible: &'static str,
    pub not_possible_now: &'static str,
    pub error_too_large: &'static str,
    pub error_range: &'static str,

    pub status_new: &'static str,
    pub status_in_progress: &'static str,
    pub status_waiting: &'static str,
    pub status_resolved: &'static str,
    pub status_closed: &'static str,
    pub level_very_low: &'static str,
    pub level_low: &'static str,
    pub level_medium: &'static str,
    pub level_high: &'static str,
    pub level_very_high: &'static str,

    // Accounts by email.
    pub forgot_password_link: &'static str,
    pub request_access_link: &'static str,
    pub forgot_password_title: &'static str,
    pub forgot_password_intro: &'static str,
    pub forgot_password_submit: &'static str,
    pub forgot_password_sent: &'static str,
    pub back_to_sign_in: &'static str,
    pub reset_password_title: &'static str,
    pub reset_password_intro: &'static str,
    pub set_password_title: &'static str,
    pub set_password_intro: &'static str,
    pub set_password_submit: &'static str,
    /// `{email}`: the account of the link, above the set-password form.
    pub password_for: &'static str,
    pub link_missing: &'static str,
    pub error_invalid_token: &'static str,
    pub ask_new_link: &'static str,
    pub password_set: &'static str,
    pub access_request_title: &'static str,
    pub access_request_intro: &'static str,
    pub full_name: &'static str,
    pub service_code: &'static str,
    pub service_code_hint: &'static str,
    pub access_request_submit: &'static str,
    pub access_request_sent: &'static str,
    pub error_service_code: &'static str,

    // The lost-account form.
    pub lost_account_link: &'static str,
    pub lost_account_title: &'static str,
    pub lost_account_intro: &'static str,
    pub company_name: &'static str,
    pub contact_email: &'static str,
    pub phone_optional: &'static str,
    pub phone_hint: &'static str,
    pub lost_account_message: &'static str,
    pub lost_account_message_hint: &'static str,
    pub lost_account_submit: &'static str,
    pub lost_account_sent: &'static str,
    pub lost_account_throttled: &'static str,
    pub error_single_line: &'static str,
    pub error_phone: &'static str,

    // Rejected mails (support team).
    pub nav_rejected_mails: &'static str,
    pub rejected_mails_title: &'static str,
    pub rejected_mails_intro: &'static str,
    pub rejected_mails_none: &'static str,
    pub col_received: &'static str,
    pub col_sender: &'static str,
    pub col_subject: &'static str,
    pub col_reason: &'static str,
    pub col_message: &'static str,
    pub download_message: &'static str,
    pub reason_unreadable: &'static str,
    pub reason_too_large: &'static str,
    pub reason_auto_reply: &'static str,
    pub reason_unknown_recipient: &'static str,
    pub reason_bad_signature: &'static str,
    pub reason_unknown_sender: &'static str,
    pub reason_not_allowed: &'static str,
    pub reason_ticket_closed: &'static str,
    pub reason_empty: &'static str,
    pub reason_attachment_too_large: &'static str,
    pub reason_no_category: &'static str,
    pub reason_no_valid_contract: &'static str,

    // The support team's queue.
    /// A filter's "no restriction" choice.
    pub filter_any: &'static str,
    /// Opens the browser's print dialog; the print style keeps the ticket, not the controls.
    pub print_ticket: &'static str,
    // The landing page.
    pub nav_home: &'static str,
    pub landing_title: &'static str,
    pub announcements_title: &'static str,
    /// `{date}`: when it was published.
    pub announcement_posted: &'static str,
    pub landing_create: &'static str,
    pub landing_create_hint: &'static str,
    pub contract_title: &'static str,
    /// `{level}`: Standard, Silver, Gold or Platinum.
    pub contract_level: &'static str,
    /// `{date}`: the contract's last day.
    pub contract_until: &'static str,
    pub contract_open_ended: &'static str,
    /// `{name}`, `{phone}`: the account manager and the phone line (gold and above).
    pub contract_call: &'static str,
    pub contract_none: &'static str,
    pub no_contract_title: &'static str,
    pub landing_tickets: &'static str,
    pub landing_tickets_hint: &'static str,
    pub landing_tickets_staff: &'static str,
    pub landing_tickets_staff_hint: &'static str,
    pub landing_search: &'static str,

    // The profile.
    pub nav_profile: &'static str,
    /// The help centre's menu entry and title.
    pub nav_help: &'static str,
    /// "Votre prestataire".
    pub nav_provider: &'static str,
    /// The administration hub's entry to the help's articles.
    pub admin_articles: &'static str,
    pub admin_articles_hint: &'static str,
    pub profile_title: &'static str,
    pub profile_intro: &'static str,
    pub profile_identity: &'static str,
    pub profile_contact: &'static str,
    pub profile_preferences: &'static str,
    pub profile_account: &'static str,
    pub prefix: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub suffix: &'static str,
    pub job_title: &'static str,
    pub office_phone: &'static str,
    pub extension: &'static str,
    pub mobile_phone: &'static str,
    pub fax: &'static str,
    pub profile_email_hint: &'static str,
    pub profile_language_hint: &'static str,
    pub show_landing_page: &'static str,
    pub show_landing_page_hint: &'static str,
    pub field_role: &'static str,
    pub role_customer: &'static str,
    pub role_referent: &'static str,
    pub role_agent: &'static str,
    pub role_admin: &'static str,
    pub support_team: &'static str,
    pub change_password_link: &'static str,
    pub profile_submit: &'static str,
    pub profile_saved: &'static str,

    // The password change asked for by the user.
    pub change_password_intro_voluntary: &'static str,
    pub back_to_profile: &'static str,
    pub password_changed: &'static str,
    pub error_unchanged: &'static str,

    // The landing page: a long announcement shows its start, then the rest on demand.
    pub announcement_more: &'static str,
    pub announcement_less: &'static str,

    // Announcements (administrators).
    pub nav_announcements: &'static str,
    pub announcements_admin_title: &'static str,
    pub announcements_admin_intro: &'static str,
    pub announcements_list_title: &'static str,
    pub announcements_none: &'static str,
    pub col_language: &'static str,
    pub col_period: &'static str,
    pub col_state: &'static str,
    pub col_actions: &'static str,
    pub locale_all: &'static str,
    pub locale_fr: &'static str,
    pub locale_en: &'static str,
    /// `{start}`: a date and time.
    pub period_open: &'static str,
    /// `{start}`, `{end}`: dates and times.
    pub period_closed: &'static str,
    pub state_current: &'static str,
    pub state_upcoming: &'static str,
    pub state_expired: &'static str,
    pub announcement_new_heading: &'static str,
    pub announcement_edit_heading: &'static str,
    pub announcement_title: &'static str,
    pub announcement_title_hint: &'static str,
    pub announcement_body: &'static str,
    pub announcement_body_hint: &'static str,
    pub announcement_locale: &'static str,
    pub announcement_locale_hint: &'static str,
    pub announcement_starts_at: &'static str,
    pub announcement_starts_at_hint: &'static str,
    pub announcement_ends_at: &'static str,
    pub announcement_ends_at_hint: &'static str,
    pub announcement_publish: &'static str,
    pub announcement_save: &'static str,
    pub announcement_created: &'static str,
    pub announcement_saved: &'static str,
    pub announcement_deleted: &'static str,
    pub announcement_gone: &'static str,
    pub cancel: &'static str,
    pub edit: &'static str,
    /// `{title}`: the accessible name of the button.
    pub edit_label: &'static str,
    pub delete: &'static str,
    /// `{title}`: the accessible name of the button.
    pub delete_label: &'static str,
    pub delete_question: &'static str,
    pub delete_confirm: &'static str,
    pub error_before_start: &'static str,

    // Ticket lists (issue 12): the names of each scope are `scope_*` (heading, navigation,
    // title and caption alike); what an empty list says and offers; the unassigned cell.
    pub list_empty_mine: &'static str,
    pub list_empty_company: &'static str,
    pub list_empty_all: &'static str,
    pub list_empty_assigned: &'static str,
    pub list_create_ticket: &'static str,
    pub list_clear_filters: &'static str,
    pub list_unassigned: &'static str,
    pub list_sort_newest_first: &'static str,
    pub list_sort_oldest_first: &'static str,

    // The administration hub, the category tree and the audit log.
    pub nav_admin: &'static str,
    pub admin_intro: &'static str,
    pub admin_companies_hint: &'static str,
    pub admin_people_hint: &'static str,
    pub admin_categories: &'static str,
    pub admin_categories_hint: &'static str,
    pub admin_audit: &'static str,
    pub admin_audit_hint: &'static str,
    pub admin_announcements_hint: &'static str,
    pub categories_admin_intro: &'static str,
    pub category_tree: &'static str,
    pub category_none: &'static str,
    pub category_retired: &'static str,
    pub category_both_kinds: &'static str,
    /// `{name}`: the category.
    pub category_move_up: &'static str,
    /// `{name}`: the category.
    pub category_move_down: &'static str,
    pub retire: &'static str,
    pub restore: &'static str,
    /// `{name}`: the category.
    pub category_retire: &'static str,
    /// `{name}`: the category.
    pub category_restore: &'static str,
    pub category_new_heading: &'static str,
    pub category_edit_heading: &'static str,
    pub category_name_fr: &'static str,
    pub category_name_en: &'static str,
    pub category_parent: &'static str,
    pub category_top: &'static str,
    pub category_kind: &'static str,
    pub category_position: &'static str,
    pub category_position_hint: &'static str,
    pub category_add: &'static str,
    pub category_save: &'static str,
    pub category_created: &'static str,
    pub category_saved: &'static str,
    pub error_loop: &'static str,
    pub error_system_category: &'static str,
    pub error_not_offered: &'static str,
    pub error_kind_mismatch: &'static str,
    pub error_not_covered: &'static str,
    pub audit_intro: &'static str,
    pub audit_filters: &'static str,
    pub audit_action: &'static str,
    pub audit_action_hint: &'static str,
    pub audit_target_type: &'static str,
    pub audit_target_id: &'static str,
    pub audit_actor: &'static str,
    pub audit_anyone: &'static str,
    pub audit_since: &'static str,
    pub audit_until: &'static str,
    pub audit_filter: &'static str,
    pub audit_events: &'static str,
    pub audit_when: &'static str,
    pub audit_address: &'static str,
    pub audit_changes: &'static str,
    pub audit_nobody: &'static str,
    pub audit_none: &'static str,
    // Companies (administration): list, company page, contracts, contacts, assets, CSV import.
    pub nav_companies: &'static str,
    pub companies_title: &'static str,
    pub companies_none: &'static str,
    pub company_search_hint: &'static str,
    pub company_active: &'static str,
    pub company_inactive: &'static str,
    pub company_new: &'static str,
    pub company_edit: &'static str,
    pub name_label: &'static str,
    pub company_code_hint: &'static str,
    pub company_manager: &'static str,
    pub none_option: &'static str,
    pub company_phone: &'static str,
    pub company_notes: &'static str,
    pub company_active_label: &'static str,
    pub company_active_hint: &'static str,
    pub company_create: &'static str,
    pub save: &'static str,
    pub done_saved: &'static str,
    pub done_added: &'static str,
    pub done_deleted: &'static str,
    pub back_companies: &'static str,
    pub contracts_title: &'static str,
    pub contracts_none: &'static str,
    pub contract_new: &'static str,
    pub contract_edit: &'static str,
    pub contract_level_label: &'static str,
    pub contract_starts: &'static str,
    pub contract_ends: &'static str,
    pub contract_ends_hint: &'static str,
    pub contract_dates: &'static str,
    pub contract_phone: &'static str,
    pub contract_categories: &'static str,
    pub contract_categories_hint: &'static str,
    pub contract_all: &'static str,
    pub contract_valid: &'static str,
    pub contract_invalid: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub contacts_title: &'static str,
    pub contacts_none: &'static str,
    pub contact_new: &'static str,
    pub contact_edit: &'static str,
    pub phone: &'static str,
    pub contact_delete_question: &'static str,
    pub assets_title: &'static str,
    pub assets_none: &'static str,
    pub asset_new: &'static str,
    pub asset_edit: &'static str,
    pub asset_reference: &'static str,
    pub asset_kind: &'static str,
    pub asset_location: &'static str,
    pub asset_retire: &'static str,
    /// `{title}`: the accessible name of the button.
    pub asset_retire_label: &'static str,
    pub asset_restore: &'static str,
    /// `{title}`: the accessible name of the button.
    pub asset_restore_label: &'static str,
    pub asset_retired: &'static str,
    pub import_title: &'static str,
    /// `{columns}`: the header row.
    pub import_hint: &'static str,
    pub import_file: &'static str,
    pub import_submit: &'static str,
    /// `{n}`: how many.
    pub import_done: &'static str,
    pub import_refused: &'static str,
    pub import_file_whole: &'static str,
    /// `{n}`: a line number.
    pub import_line: &'static str,
    pub import_header: &'static str,
    pub import_columns: &'static str,
    pub import_unreadable: &'static str,
    pub import_not_utf8: &'static str,
    pub import_too_many: &'static str,
    pub import_empty: &'static str,
    // People (search, invitation, a person's page) and the agent's new-ticket form: its
    // requester and channel (issue 14).
    pub nav_people: &'static str,
    pub people_intro: &'static str,
    pub people_none: &'static str,
    pub people_results: &'static str,
    pub col_name: &'static str,
    pub person_state: &'static str,
    pub person_active: &'static str,
    pub person_inactive: &'static str,
    pub person_invite: &'static str,
    pub person_invite_intro: &'static str,
    pub person_invite_submit: &'static str,
    /// `{email}`: the invited address.
    pub person_invited: &'static str,
    pub person_company_hint: &'static str,
    pub company_choose: &'static str,
    pub person_active_label: &'static str,
    pub person_edit: &'static str,
    pub person_saved: &'static str,
    pub person_resend: &'static str,
    pub person_reset: &'static str,
    pub person_unlock: &'static str,
    pub person_resent: &'static str,
    pub person_reset_sent: &'static str,
    pub person_unlocked: &'static str,
    pub person_last_admin: &'static str,
    pub requester_existing: &'static str,
    pub requester_new: &'static str,
    pub requester_search: &'static str,
    pub requester_change: &'static str,
    pub channel: &'static str,
    pub channel_phone: &'static str,
    pub channel_portal: &'static str,
    pub channel_mail: &'static str,
    /// `{actor}`, `{requester}`: names.
    pub ev_created_for: &'static str,
    /// `{actor}`, `{requester}`: names.
    pub ev_created_phone: &'static str,
    pub error_other_company: &'static str,

    // Webhooks.
    pub webhooks_title: &'static str,
    pub webhooks_intro: &'static str,
    pub webhooks_hint: &'static str,
    pub webhooks_none: &'static str,
    pub webhook_new: &'static str,
    pub webhook_url: &'static str,
    pub webhook_events: &'static str,
    /// `{n}`: how many.
    pub webhook_events_count: &'static str,
    pub webhook_all_companies: &'static str,
    pub webhook_internal: &'static str,
    pub webhook_active: &'static str,
    pub webhook_disabled: &'static str,
    pub webhook_failing_since: &'static str,
    pub webhook_create: &'static str,
    pub webhook_secret_title: &'static str,
    pub webhook_secret_warning: &'static str,
    pub webhook_copy: &'static str,
    pub webhook_copied: &'static str,
    pub webhook_saved: &'static str,
    pub webhook_delete_question: &'static str,
    pub webhook_rotate: &'static str,
    pub webhook_rotate_question: &'static str,
    pub webhook_test: &'static str,
    pub webhook_test_sent: &'static str,
    pub webhook_deliveries: &'static str,
    pub webhook_deliveries_none: &'static str,
    pub webhook_refresh: &'static str,
    pub webhook_when: &'static str,
    pub webhook_attempts: &'static str,
    pub webhook_answer: &'static str,
    pub delivery_delivered: &'static str,
    pub delivery_pending: &'static str,
    pub delivery_dead: &'static str,
    pub webhook_redeliver: &'static str,
    pub webhook_redelivered: &'static str,
    pub error_url: &'static str,
    pub error_refused: &'static str,
    pub error_event: &'static str,

    // API tokens and service accounts.
    pub service_accounts_title: &'static str,
    pub service_accounts_intro: &'static str,
    pub service_accounts_hint: &'static str,
    pub service_accounts_none: &'static str,
    pub service_account_new: &'static str,
    pub service_account_company: &'static str,
    pub service_account_whole_portal: &'static str,
    pub service_account_create: &'static str,
    pub service_account_deactivate: &'static str,
    pub service_account_reactivate: &'static str,
    pub service_account_deactivated: &'static str,
    pub service_account_reactivated: &'static str,
    pub service_account_tokens: &'static str,
    pub api_tokens_title: &'static str,
    pub api_tokens_intro: &'static str,
    pub api_tokens_list_title: &'static str,
    pub api_tokens_none: &'static str,
    pub api_token_name: &'static str,
    pub api_token_name_hint: &'static str,
    pub api_token_scopes: &'static str,
    pub api_token_hint: &'static str,
    pub api_token_created: &'static str,
    pub api_token_expires: &'static str,
    pub api_token_never_expires: &'static str,
    pub api_token_last_used: &'static str,
    pub api_token_never_used: &'static str,
    pub api_token_revoke: &'static str,
    pub api_token_revoke_confirm: &'static str,
    pub api_token_keep: &'static str,
    pub api_token_revoked: &'static str,
    pub api_token_new: &'static str,
    pub api_token_expiry: &'static str,
    pub api_token_expiry_hint: &'static str,
    pub api_token_create: &'static str,
    pub api_token_secret_title: &'static str,
    pub api_token_secret_warning: &'static str,
    pub api_token_copy: &'static str,
    pub api_token_copied: &'static str,
    pub scope_tickets_read: &'static str,
    pub scope_tickets_write: &'static str,
    pub scope_attachments_read: &'static str,
    pub scope_attachments_write: &'static str,
    pub scope_admin_read: &'static str,
    pub scope_admin_write: &'static str,
    pub scope_webhooks_manage: &'static str,
    pub scope_exports_read: &'static str,
    pub error_in_the_past: &'static str,

    // The ticket lists' export.
    pub export_csv: &'static str,
    pub export_separator: &'static str,
    pub export_semicolon: &'static str,
    pub export_comma: &'static str,
    pub export_working: &'static str,
    pub export_done: &'static str,
    pub export_failed: &'static str,

    // Failed deliveries (dead jobs): the hub's link; the screen's own words live in its chunk.
    pub dead_jobs_title: &'static str,
    pub dead_jobs_hint: &'static str,
}

impl Texts {
    pub fn status(&self, status: TicketStatus) -> &'static str {
        match status {
            TicketStatus::New => self.status_new,
            TicketStatus::InProgress => self.status_in_progress,
            TicketStatus::Waiting => self.status_waiting,
            TicketStatus::Resolved => self.status_resolved,
            TicketStatus::Closed => self.status_closed,
        }
    }

    pub fn reject_reason(&self, reason: RejectReason) -> &'static str {
        match reason {
            RejectReason::Unreadable => self.reason_unreadable,
            RejectReason::TooLarge => self.reason_too_large,
            RejectReason::AutoReply => self.reason_auto_reply,
            RejectReason::UnknownRecipient => self.reason_unknown_recipient,
            RejectReason::BadSignature => self.reason_bad_signature,
            RejectReason::UnknownSender => self.reason_unknown_sender,
            RejectReason::NotAllowed => self.reason_not_allowed,
            RejectReason::TicketClosed => self.reason_ticket_closed,
            RejectReason::Empty => self.reason_empty,
            RejectReason::AttachmentTooLarge => self.reason_attachment_too_large,
            RejectReason::NoCategory => self.reason_no_category,
            RejectReason::NoValidContract => self.reason_no_valid_contract,
        }
    }

    pub fn level(&self, level: Level) -> &'static str {
        match level {
            Level::VeryLow => self.level_very_low,
            Level::Low => self.level_low,
            Level::Medium => self.level_medium,
            Level::High => self.level_high,
            Level::VeryHigh => self.level_very_high,
        }
    }

    pub fn role(&self, role: Role) -> &'static str {
        match role {
            Role::Customer => self.role_customer,
            Role::Referent => self.role_referent,
            Role::Agent => self.role_agent,
            Role::Admin => self.role_admin,
        }
    }

    /// What a token's scope lets it do.
    pub fn scope(&self, scope: TokenScope) -> &'static str {
        match scope {
            TokenScope::TicketsRead => self.scope_tickets_read,
            TokenScope::TicketsWrite => self.scope_tickets_write,
            TokenScope::AttachmentsRead => self.scope_attachments_read,
            TokenScope::AttachmentsWrite => self.scope_attachments_write,
            TokenScope::AdminRead => self.scope_admin_read,
            TokenScope::AdminWrite => self.scope_admin_write,
            TokenScope::WebhooksManage => self.scope_webhooks_manage,
            TokenScope::ExportsRead => self.scope_exports_read,
        }
    }

    pub fn kind(&self, kind: TicketKind) -> &'static str {
        match kind {
            TicketKind::Incident => self.kind_incident,
            TicketKind::Request => self.kind_request,
        }
    }

    /// The sentence shown under a field for an error `code` of the API.
    pub fn field_error(&self, code: &str) -> &'static str {
        match code {
            "required" => self.error_required,
            "length" => self.error_length,
            "invalid_choice" => self.error_invalid_choice,
            "invalid_type" => self.error_invalid_type,
            "email" => self.error_email,
            "password_policy" => self.error_password_policy,
            "blank" => self.error_blank,
            "not_found" => self.error_not_found,
            "not_allowed" => self.error_not_allowed,
            "taken" => self.error_taken,
            "invalid_token" => self.error_invalid_token,
            "service_code" => self.error_service_code,
            "single_line" => self.error_single_line,
            "phone" => self.error_phone,
            // Found by the browser before an upload, or answered 413 by the server.
            "too_large" => self.error_too_large,
            // A follow-up with neither text nor file.
            "message_or_file" => self.error_message_or_file,
            "range" => self.error_range,
            // Found by the browser only: the confirmation differs from the new password.
            "mismatch" => self.passwords_differ,
            // The new password is the current one.
            "unchanged" => self.error_unchanged,
            // The server refused the current password.
            "wrong_password" => self.wrong_current_password,
            // An announcement that would end before it starts.
            "before_start" => self.error_before_start,
            // A category put under itself or one of its own.
            "loop" => self.error_loop,
            "system_category" => self.error_system_category,
            // A ticket's category the server does not take from this requester.
            "not_offered" => self.error_not_offered,
            "kind_mismatch" => self.error_kind_mismatch,
            "not_covered" => self.error_not_covered,
            // A caller's address that has an account of another company.
            "other_company" => self.error_other_company,
            "in_the_past" => self.error_in_the_past,
            // A webhook's URL: malformed (found by the browser too), or refused by the server.
            "url" => self.error_url,
            "refused" => self.error_refused,
            "event" => self.error_event,
            _ => self.error_other,
        }
    }

    pub fn password_rule(&self, rule: PasswordRule) -> String {
        match rule {
            PasswordRule::MinLength => {
                fill(self.rule_min_length, "n", &PASSWORD_MIN_CHARS.to_string())
            }
            PasswordRule::MaxLength => {
                fill(self.rule_max_length, "n", &PASSWORD_MAX_CHARS.to_string())
            }
            PasswordRule::Uppercase => self.rule_uppercase.to_owned(),
            PasswordRule::Lowercase => self.rule_lowercase.to_owned(),
            PasswordRule::Digit => self.rule_digit.to_owned(),
            PasswordRule::Special => self.rule_special.to_owned(),
        }
    }

    /// A file size the way people read it: `830 octets`, `12 Ko`, `1,5 Mo`.
    pub fn size(&self, bytes: u64) -> String {
        const KB: u64 = 1024;
        const MB: u64 = 1024 * 1024;
        let (template, value) = if bytes < KB {
            (self.size_bytes, bytes.to_string())
        } else if bytes < MB {
            (self.size_kb, bytes.div_ceil(KB).to_string())
        } else {
            // One decimal, rounded up so that a file just over a limit never reads as under it.
            let tenths = (bytes * 10).div_ceil(MB);
            let text = if tenths.is_multiple_of(10) {
                (tenths / 10).to_string()
            } else {
                format!("{}{}{}", tenths / 10, self.decimal_separator, tenths % 10)
            };
            (self.size_mb, text)
        };
        fill(template, "n", &value)
    }

    /// "Try again in N minutes" for a wait of `seconds`: minutes rounded up, seconds under a
    /// minute.
    pub fn retry_in(&self, seconds: u64) -> String {
        let wait = match seconds {
            0 | 1 => self.wait_one_second.to_owned(),
            2..=59 => fill(self.wait_seconds, "n", &seconds.to_string()),
            60 => self.wait_one_minute.to_owned(),
            _ => fill(self.wait_minutes, "n", &seconds.div_ceil(60).to_string()),
        };
        fill(self.too_many_attempts_wait, "wait", &wait)
    }

    pub fn errors_summary(&self, count: usize) -> String {
        if count == 1 {
            self.errors_summary_one.to_owned()
        } else {
            fill(self.errors_summary_many, "n", &count.to_string())
        }
    }
}

/// Replaces `{name}` in `template` with `value`.
pub fn fill(template: &str, name: &str, value: &str) -> String {
    template.replace(&format!("{{{name}}}"), value)
}

pub fn texts(locale: Locale) -> &'static Texts {
    match locale {
        Locale::Fr => &fr::FR,
        Locale::En => &en::EN,
    }
}

/// A message chosen now and translated when shown, so it follows a change of language.
pub type Message = fn(&Texts) -> &'static str;

/// The current language.
#[derive(Clone, Copy)]
pub struct I18n {
    locale: RwSignal<Locale>,
}

impl I18n {
    pub fn locale(&self) -> Locale {
        self.locale.get()
    }

    /// The strings of the current language (reactive).
    pub fn t(&self) -> &'static Texts {
        texts(self.locale.get())
    }

    /// Switches the interface to `locale` and remembers it on this browser.
    pub fn set(&self, locale: Locale) {
        dom::storage_set(STORAGE_KEY, locale.as_str());
        dom::set_document_lang(texts(locale).tag);
        self.locale.set(locale);
    }
}

/// Creates the language context: the remembered choice, else the browser's language.
pub fn provide_i18n() -> I18n {
    let initial = dom::storage_get(STORAGE_KEY)
        .and_then(|value| Locale::parse(&value))
        .unwrap_or_else(|| browser_locale(&dom::navigator_language()));
    dom::set_document_lang(texts(initial).tag);
    let i18n = I18n {
        locale: RwSignal::new(initial),
    };
    provide_context(i18n);
    i18n
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// French for French-speaking browsers, English for everyone else.
fn browser_locale(language: &str) -> Locale {
    if language.to_ascii_lowercase().starts_with("fr") {
        Locale::Fr
    } else {
        Locale::En
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_browsers_get_french_and_the_others_english() {
        assert_eq!(browser_locale("fr-CA"), Locale::Fr);
        assert_eq!(browser_locale("FR"), Locale::Fr);
        assert_eq!(browser_locale("en-GB"), Locale::En);
        assert_eq!(browser_locale("de-DE"), Locale::En);
    }

    #[test]
    fn every_error_code_of_the_api_has_its_own_sentence() {
        for locale in Locale::ALL {
            let t = texts(*locale);
            for code in [
                "required",
                "length",
                "invalid_choice",
                "invalid_type",
                "email",
                "password_policy",
                "blank",
                "not_found",
                "not_allowed",
                "single_line",
                "phone",
                "before_start",
                "loop",
                "system_category",
                "not_offered",
                "kind_mismatch",
                "not_covered",
                "in_the_past",
                "url",
                "refused",
                "event",
            ] {
                assert_ne!(t.field_error(code), t.error_other, "{code} in {locale}");
            }
        }
    }

    #[test]
    fn statuses_read_as_the_spec_names_them() {
        let fr: Vec<&str> = TicketStatus::ALL
            .iter()
            .map(|s| texts(Locale::Fr).status(*s))
            .collect();
        assert_eq!(fr, ["Nouveau", "En cours", "En attente", "Résolu", "Clos"]);
        let en: Vec<&str> = TicketStatus::ALL
            .iter()
            .map(|s| texts(Locale::En).status(*s))
            .collect();
        assert_eq!(en, ["New", "In progress", "Waiting", "Resolved", "Closed"]);
    }

    #[test]
    fn sizes_read_in_each_language() {
        let (fr, en) = (texts(Locale::Fr), texts(Locale::En));
        assert_eq!(fr.size(830), "830 octets");
        assert_eq!(en.size(1024), "1 KB");
        assert_eq!(fr.size(1025), "2 Ko");
        assert_eq!(fr.size(1_572_864), "1,5 Mo");
        assert_eq!(en.size(1_572_864), "1.5 MB");
        assert_eq!(en.size(2_097_152), "2 MB");
        // Just over 2 MB never reads "2 MB".
        assert_eq!(fr.size(2_097_153), "2,1 Mo");
    }

    #[test]
    fn the_file_errors_have_their_own_sentences() {
        for locale in Locale::ALL {
            let t = texts(*locale);
            assert_ne!(t.field_error("too_large"), t.error_other);
            assert_ne!(t.field_error("range"), t.error_other);
        }
    }

    #[test]
    fn the_wait_after_too_many_attempts_reads_in_minutes_rounded_up() {
        let fr = texts(Locale::Fr);
        let en = texts(Locale::En);
        assert_eq!(
            fr.retry_in(900),
            "Trop de tentatives de connexion. Réessayez dans 15 minutes."
        );
        assert_eq!(
            en.retry_in(61),
            "Too many sign-in attempts. Try again in 2 minutes."
        );
        assert_eq!(
            en.retry_in(60),
            "Too many sign-in attempts. Try again in 1 minute."
        );
        assert_eq!(
            fr.retry_in(42),
            "Trop de tentatives de connexion. Réessayez dans 42 secondes."
        );
        assert_eq!(
            en.retry_in(1),
            "Too many sign-in attempts. Try again in 1 second."
        );
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            texts(Locale::En).password_rule(PasswordRule::MinLength),
            "at least 12 characters"
        );
        assert_eq!(
            fill(
                "Ticket {number} has been created.",
                "number",
                "T20261121.0001"
            ),
            "Ticket T20261121.0001 has been created."
        );
    }
}
