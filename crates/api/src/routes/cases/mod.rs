//! Case handling (saksbehandling) for HDS case handlers: the work queue, the
//! case file with the submitted attachments, the decision letter, and the
//! commands that move a case (assign, complete, set the statutory clock,
//! ask, postpone, note, decide, reconsider an appeal, close). And the applicant's
//! two commands on their case: answer a question, appeal.
//!
//! Every command is a POST with `If-Match` (the case's ETag `"v<version>"`,
//! checked inside the transaction that writes: 412 to the loser of a race).
//! The state machine (`hds_domain::case`) decides; a refused transition is a
//! 409 whose detail is the domain's reason.
//!
//! The files: `mod.rs` the route table; handlers by action (`queue`,
//! `case_file`, `assignment`, `completeness`, `questions`, `postponement`,
//! `notes`, `decisions`, `appeals`, `close`); `commands`, how every command
//! runs; the schemas (`views`: what case handling answers; `requests`: the
//! queue's query and the commands' bodies, and reading them); `mapping`
//! from the stored case to the views.

mod appeals;
mod assignment;
mod case_file;
mod close;
mod commands;
mod completeness;
mod decision_letter;
mod decisions;
mod linkage;
mod mapping;
mod notes;
mod postponement;
mod questions;
mod queue;
pub mod requests;
pub mod views;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(queue::list_cases)
        .service(case_file::read_case)
        .service(assignment::assign_case)
        .service(completeness::mark_case_complete)
        .service(linkage::set_case_linkage)
        .service(questions::ask_question)
        .service(postponement::postpone_case)
        .service(notes::add_case_note)
        .service(decisions::decide_case)
        .service(decision_letter::download_case_decision_letter)
        .service(appeals::reconsider_appeal)
        .service(close::close_case)
        .service(questions::answer_question)
        .service(appeals::appeal_case);
}
