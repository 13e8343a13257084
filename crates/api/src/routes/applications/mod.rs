//! Applications (søknader): drafts written section by section, the
//! completeness check, submission into a case with a case number, the case
//! timeline the applicant sees, withdrawal, and co-applicants.
//!
//! Access: the owner and the members (co-applicants) see an application;
//! for anyone else it does not exist (404). Members read and edit drafts;
//! only the owner submits, withdraws and manages members (403 for members).
//! Lifecycle, sections and rules: docs/applications.md.
//!
//! The files: `mod.rs` the route table; handlers by action (`drafts`,
//! `check`, `submit`, `timeline`, `withdraw`, `members`, `attachments`); the
//! schemas (`content`: the application's sections; `views`: what the API
//! answers; `requests`: queries and other bodies); `mapping` from rows to
//! views and from the content to the domain; `validation`, the rules run
//! over the content; `common`, what the handlers share.
//!
//! After submission (issue 13): `change_requests` (endringssøknad, with
//! `change_request_views` and `change_request_members`), `sent_later`
//! (ettersending), and the case
//! handler's and the custodian's reads of them (`case_reads`,
//! `task_reads`: here because they are built from this module's views).

mod attachments;
mod case_reads;
mod change_request_members;
mod change_request_views;
mod change_requests;
mod check;
mod common;
pub mod content;
mod drafts;
mod mapping;
mod members;
pub mod requests;
mod sent_later;
mod submit;
mod task_reads;
mod timeline;
mod validation;
pub mod views;
mod withdraw;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(drafts::create_application)
        .service(drafts::list_my_applications)
        .service(drafts::get_application)
        .service(drafts::update_application)
        .service(check::check_application)
        .service(submit::submit_application)
        .service(timeline::get_case)
        .service(timeline::list_case_events)
        .service(timeline::download_decision_letter)
        .service(withdraw::withdraw_application)
        .service(members::list_members)
        .service(members::add_member)
        .service(members::remove_member)
        .service(attachments::upload_attachment)
        .service(attachments::list_attachments)
        .service(attachments::download_attachment)
        .service(attachments::delete_attachment)
        .service(change_requests::create_change_request)
        .service(change_requests::list_change_requests)
        .service(change_requests::list_application_versions)
        .service(sent_later::send_attachment_later)
        .service(sent_later::list_attachments_sent_later)
        .service(case_reads::read_case_change_requests)
        .service(case_reads::list_case_attachments)
        .service(case_reads::download_case_attachment)
        .service(task_reads::list_task_attachments)
        .service(task_reads::download_task_attachment);
}
