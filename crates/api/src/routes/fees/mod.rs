//! Fees and invoices (gebyrer og fakturering, helseregisterloven § 19 g):
//! price lists, the cost estimate, HDS's hours, waivers, invoice bases per
//! case and invoicing party, credit notes, and their export as CSV and EHF
//! (PEPPOL BIS Billing 3.0). The rules are `hds_domain::fees`; the rules,
//! the worked example and this API are explained in docs/fees.md.
//!
//! Money is never a floating-point number on the wire: amounts are whole
//! øre with a decimal string in kroner; hours are hundredths with a decimal
//! string; requests send decimal strings.
//!
//! Who sees what: price lists are public; HDS staff (CASE_HANDLER, ADMIN)
//! see every case's fees; a custodian its own invoicing parties' bases
//! (another party's is a 404); an applicant the cost estimate of their
//! application and its issued invoice bases (never drafts). ADMIN adds
//! price list versions; case handlers record hours, waive fees, estimate
//! HDS's hours, issue and credit; a custodian issues and credits its own.
//!
//! The files: `mod.rs` the route table; `price_lists`, `estimate`,
//! `hours`, `waivers`, `case_invoices` (a case's bases per party, issuing),
//! `invoices` (a basis by id, its exports, crediting), `credit_notes`,
//! `applicant` (an applicant's invoices); `common` (who the caller is to
//! fees, errors), `views`, `requests` (schemas) and `mapping`.

mod applicant;
mod case_invoices;
mod common;
mod credit_notes;
mod documents;
mod estimate;
mod hours;
mod invoices;
mod mapping;
mod price_lists;
pub mod requests;
pub mod views;
mod waivers;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(price_lists::list_price_lists)
        .service(price_lists::get_price_list)
        .service(price_lists::add_price_list_version)
        .service(estimate::get_application_cost_estimate)
        .service(applicant::list_application_invoice_bases)
        .service(estimate::get_case_cost_estimate)
        .service(estimate::set_case_cost_estimate)
        .service(hours::list_case_hours)
        .service(hours::record_case_hours)
        .service(waivers::list_fee_waivers)
        .service(waivers::waive_fee)
        .service(case_invoices::list_case_invoice_bases)
        .service(case_invoices::get_case_invoice_basis)
        .service(case_invoices::issue_invoice_basis)
        .service(invoices::get_invoice_basis)
        .service(invoices::get_invoice_basis_csv)
        .service(invoices::get_invoice_basis_ehf)
        .service(invoices::credit_invoice_basis)
        .service(credit_notes::get_credit_note)
        .service(credit_notes::get_credit_note_csv)
        .service(credit_notes::get_credit_note_ehf);
}
