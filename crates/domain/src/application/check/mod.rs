//! The completeness check: every rule, each returning problems with pointers
//! (the data sources and the linkage plan in `sources`).

use super::{
    privacy, private_person_applies, rek_applies, requests_identifiable_data, Application,
    AttachmentKind, Attachments, CatalogueFacts, DataKind, Problem, Purpose,
};
use crate::identity::Orgnr;

mod sources;

use sources::{data_sources, linkage, unknown_source};

/// The problem codes, one per rule (the table is in `docs/applications.md`).
pub mod codes {
    /// A required part is missing or blank.
    pub const REQUIRED: &str = "REQUIRED";
    /// A data source code the catalogue does not know.
    pub const UNKNOWN_DATA_SOURCE: &str = "UNKNOWN_DATA_SOURCE";
    /// The same data source requested twice.
    pub const DUPLICATE_DATA_SOURCE: &str = "DUPLICATE_DATA_SOURCE";
    /// The data source is no longer open for application.
    pub const DATA_SOURCE_RETIRED: &str = "DATA_SOURCE_RETIRED";
    /// The data source may not be used for the chosen purpose.
    pub const SOURCE_PURPOSE_NOT_OFFERED: &str = "SOURCE_PURPOSE_NOT_OFFERED";
    /// The data source does not deliver the chosen kind of data.
    pub const SOURCE_DATA_KIND_NOT_OFFERED: &str = "SOURCE_DATA_KIND_NOT_OFFERED";
    /// The data source is applied for on its own form elsewhere.
    pub const SOURCE_EXTERNAL_FORM: &str = "SOURCE_EXTERNAL_FORM";
    /// A variable the data source does not have.
    pub const UNKNOWN_VARIABLE: &str = "UNKNOWN_VARIABLE";
    /// A start after its end (project dates or a source's period).
    pub const DATES_OUT_OF_ORDER: &str = "DATES_OUT_OF_ORDER";
    /// Identifiable data without a GDPR art. 6 or art. 9 basis.
    pub const LEGAL_BASIS_MISSING: &str = "LEGAL_BASIS_MISSING";
    /// Medical and health research with identifiable data without REK's reference.
    pub const REK_REFERENCE_MISSING: &str = "REK_REFERENCE_MISSING";
    /// Identifiable data from several registers without a linkage description.
    pub const LINKAGE_DESCRIPTION_MISSING: &str = "LINKAGE_DESCRIPTION_MISSING";
    /// The linkage plan links a source that is not requested.
    pub const LINKED_SOURCE_NOT_REQUESTED: &str = "LINKED_SOURCE_NOT_REQUESTED";
    /// The linkage plan names only one register: nothing to link it with.
    pub const LINKAGE_NEEDS_TWO_REGISTERS: &str = "LINKAGE_NEEDS_TWO_REGISTERS";
    /// Identifiable data from a source without catalogued variables, and no
    /// description of the data wanted.
    pub const DATA_DESCRIPTION_MISSING: &str = "DATA_DESCRIPTION_MISSING";
    /// Anonymous data without table specifications.
    pub const TABLE_SPECIFICATIONS_MISSING: &str = "TABLE_SPECIFICATIONS_MISSING";
    /// A table made from a data source that is not requested.
    pub const TABLE_SOURCE_NOT_REQUESTED: &str = "TABLE_SOURCE_NOT_REQUESTED";
    /// A table variable the table's data source does not have.
    pub const TABLE_VARIABLE_NOT_IN_SOURCE: &str = "TABLE_VARIABLE_NOT_IN_SOURCE";
    /// Directly identifiable data without a special justification.
    pub const DIRECT_IDENTIFICATION_NOT_JUSTIFIED: &str = "DIRECT_IDENTIFICATION_NOT_JUSTIFIED";
    /// No project description attached.
    pub const PROJECT_DESCRIPTION_MISSING: &str = "PROJECT_DESCRIPTION_MISSING";
    /// REK applies and no REK decision is attached.
    pub const REK_DECISION_MISSING: &str = "REK_DECISION_MISSING";
    /// Not a valid organisation number.
    pub const INVALID_ORGNR: &str = "INVALID_ORGNR";
    /// Not an e-mail address.
    pub const INVALID_EMAIL: &str = "INVALID_EMAIL";
    /// A valid fødselsnummer or D-nummer in a free-text field.
    pub const NATIONAL_ID_IN_TEXT: &str = "NATIONAL_ID_IN_TEXT";

    /// Codes for content that is wrong in itself: refused already when a
    /// draft is saved, not only at submission.
    pub const REFUSED_ON_SAVE: &[&str] = &[
        UNKNOWN_DATA_SOURCE,
        DUPLICATE_DATA_SOURCE,
        UNKNOWN_VARIABLE,
        DATES_OUT_OF_ORDER,
        TABLE_VARIABLE_NOT_IN_SOURCE,
        INVALID_ORGNR,
        INVALID_EMAIL,
        NATIONAL_ID_IN_TEXT,
    ];
}

pub(super) fn blank(value: Option<&String>) -> bool {
    value.is_none_or(|v| v.trim().is_empty())
}

pub(super) fn required(out: &mut Vec<Problem>, pointer: &str, what_nb: &str, what_en: &str) {
    out.push(Problem::new(
        pointer,
        codes::REQUIRED,
        format!("{what_nb} må fylles ut."),
        format!("{what_en} is required."),
    ));
}

/// Every problem with `app`, all at once, in the order of the form.
pub fn check(
    app: &Application,
    catalogue: &CatalogueFacts,
    attachments: &Attachments,
) -> Vec<Problem> {
    let mut out = Vec::new();
    project(app, &mut out);
    if app.purpose.is_none() {
        required(&mut out, "/purpose", "Formål", "The purpose");
    }
    data_kind(app, &mut out);
    data_sources(app, catalogue, &mut out);
    linkage(app, &mut out);
    responsibility(app, &mut out);
    legal_basis(app, &mut out);
    tables(app, catalogue, &mut out);
    attachments_rules(app, attachments, &mut out);
    out.extend(privacy::scan_free_text(app));
    out
}

fn project(app: &Application, out: &mut Vec<Problem>) {
    let p = &app.project;
    if blank(p.title.as_ref()) {
        required(out, "/project/title", "Prosjekttittel", "The project title");
    }
    if blank(p.summary.as_ref()) {
        required(out, "/project/summary", "Sammendrag", "The summary");
    }
    if p.research_questions.is_empty() {
        out.push(Problem::new(
            "/project/researchQuestions",
            codes::REQUIRED,
            "Oppgi minst én avgrenset problemstilling.",
            "Give at least one bounded research question.",
        ));
    }
    for (i, q) in p.research_questions.iter().enumerate() {
        if q.trim().is_empty() {
            required(
                out,
                &format!("/project/researchQuestions/{i}"),
                "Problemstillingen",
                "The research question",
            );
        }
    }
    if p.start_date.is_none() {
        required(
            out,
            "/project/startDate",
            "Prosjektets startdato",
            "The project's start date",
        );
    }
    if p.end_date.is_none() {
        required(
            out,
            "/project/endDate",
            "Prosjektets sluttdato",
            "The project's end date",
        );
    }
    if let (Some(start), Some(end)) = (p.start_date, p.end_date) {
        if start > end {
            out.push(Problem::new(
                "/project/endDate",
                codes::DATES_OUT_OF_ORDER,
                format!("Sluttdatoen {end} er før startdatoen {start}."),
                format!("The end date {end} is before the start date {start}."),
            ));
        }
    }
}

fn data_kind(app: &Application, out: &mut Vec<Problem>) {
    match app.data_kind {
        None => required(
            out,
            "/dataKind/kind",
            "Type opplysninger",
            "The kind of data",
        ),
        Some(DataKind::DirectlyIdentifiable)
            if blank(app.direct_identification_justification.as_ref()) =>
        {
            out.push(Problem::new(
                "/dataKind/directIdentificationJustification",
                codes::DIRECT_IDENTIFICATION_NOT_JUSTIFIED,
                "Direkte identifiserbare opplysninger må begrunnes særskilt: forklar hvorfor indirekte identifiserbare ikke er nok.",
                "Directly identifiable data must be justified specially: explain why indirectly identifiable data is not enough.",
            ));
        }
        Some(_) => {}
    }
}

fn responsibility(app: &Application, out: &mut Vec<Problem>) {
    let r = &app.responsibility;
    // Anonymous data may be applied for by anyone (seed 003): a private
    // person names no institution, and has no research responsibility.
    let private_person = private_person_applies(app);
    match r.institution_orgnr.as_deref().map(str::trim) {
        _ if private_person => {}
        None | Some("") => required(
            out,
            "/responsibility/institutionOrgnr",
            "Organisasjonsnummeret til ansvarlig institusjon",
            "The responsible institution's organisation number",
        ),
        Some(orgnr) if Orgnr::parse(orgnr).is_err() => {
            out.push(invalid_orgnr("/responsibility/institutionOrgnr"));
        }
        Some(_) => {}
    }
    if blank(r.institution_name.as_ref()) && !private_person {
        required(
            out,
            "/responsibility/institutionName",
            "Navnet på ansvarlig institusjon",
            "The responsible institution's name",
        );
    }
    if blank(r.project_leader.name.as_ref()) {
        required(
            out,
            "/responsibility/projectLeader/name",
            "Prosjektleders navn",
            "The project leader's name",
        );
    }
    match r.project_leader.email.as_deref().map(str::trim) {
        None | Some("") => required(
            out,
            "/responsibility/projectLeader/email",
            "Prosjektleders e-post",
            "The project leader's e-mail",
        ),
        Some(email) if !looks_like_email(email) => out.push(Problem::new(
            "/responsibility/projectLeader/email",
            codes::INVALID_EMAIL,
            "Dette er ikke en e-postadresse.",
            "This is not an e-mail address.",
        )),
        Some(_) => {}
    }
    if let Some(processor) = &r.data_processor {
        if blank(processor.name.as_ref()) {
            required(
                out,
                "/responsibility/dataProcessor/name",
                "Databehandlerens navn",
                "The data processor's name",
            );
        }
        if let Some(orgnr) = processor
            .orgnr
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty())
        {
            if Orgnr::parse(orgnr).is_err() {
                out.push(invalid_orgnr("/responsibility/dataProcessor/orgnr"));
            }
        }
    }
    if app.purpose.is_some_and(Purpose::is_research)
        && !private_person
        && blank(r.research_responsibility.as_ref())
    {
        required(
            out,
            "/responsibility/researchResponsibility",
            "Forskningsansvarlig",
            "The research responsibility (forskningsansvarlig)",
        );
    }
}

fn invalid_orgnr(pointer: &str) -> Problem {
    Problem::new(
        pointer,
        codes::INVALID_ORGNR,
        "Dette er ikke et gyldig organisasjonsnummer (9 siffer, kontrollsiffer).",
        "This is not a valid organisation number (9 digits, control digit).",
    )
}

/// A cheap shape check: one `@`, something before, a dot in the domain.
fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
}

fn legal_basis(app: &Application, out: &mut Vec<Problem>) {
    if !requests_identifiable_data(app) {
        return;
    }
    let lb = &app.legal_basis;
    if lb.gdpr_article6.is_empty() {
        out.push(Problem::new(
            "/legalBasis/gdprArticle6",
            codes::LEGAL_BASIS_MISSING,
            "Identifiserbare opplysninger krever behandlingsgrunnlag etter personvernforordningen artikkel 6 nr. 1 (bokstav a–f).",
            "Identifiable data needs a legal basis under GDPR article 6 (1) (letter a to f).",
        ));
    }
    if lb.gdpr_article9.is_empty() {
        out.push(Problem::new(
            "/legalBasis/gdprArticle9",
            codes::LEGAL_BASIS_MISSING,
            "Helseopplysninger er særlige kategorier: oppgi unntak etter personvernforordningen artikkel 9 nr. 2 (bokstav a–j).",
            "Health data is a special category: give the exception under GDPR article 9 (2) (letter a to j).",
        ));
    }
    if rek_applies(app) && blank(lb.rek_reference.as_ref()) {
        out.push(Problem::new(
            "/legalBasis/rekReference",
            codes::REK_REFERENCE_MISSING,
            "Medisinsk og helsefaglig forskning med identifiserbare opplysninger krever godkjenning fra REK: oppgi REKs saksnummer.",
            "Medical and health research with identifiable data needs REK approval: give REK's reference.",
        ));
    }
}

fn tables(app: &Application, catalogue: &CatalogueFacts, out: &mut Vec<Problem>) {
    if app.data_kind == Some(DataKind::Anonymous) && app.table_specifications.is_empty() {
        out.push(Problem::new(
            "/tableSpecifications",
            codes::TABLE_SPECIFICATIONS_MISSING,
            "Anonyme opplysninger leveres som tabeller: spesifiser tabellene (variabler og kategorier).",
            "Anonymous data is delivered as tables: specify the tables (variables and categories).",
        ));
    }
    for (i, table) in app.table_specifications.iter().enumerate() {
        let at = format!("/tableSpecifications/{i}");
        if blank(table.title.as_ref()) {
            required(
                out,
                &format!("{at}/title"),
                "Tabellens tittel",
                "The table's title",
            );
        }
        if table.variables.is_empty() {
            out.push(Problem::new(
                format!("{at}/variables"),
                codes::REQUIRED,
                "Tabellen må ha minst én variabel.",
                "The table needs at least one variable.",
            ));
        }
        for (j, var) in table.variables.iter().enumerate() {
            if var.categories.is_empty() || var.categories.iter().any(|c| c.trim().is_empty()) {
                out.push(Problem::new(
                    format!("{at}/variables/{j}/categories"),
                    codes::REQUIRED,
                    "Oppgi kategoriene for variabelen (på norsk), uten tomme kategorier.",
                    "Give the variable's categories (in Norwegian), none of them blank.",
                ));
            }
        }
        if table.data_source.trim().is_empty() {
            required(
                out,
                &format!("{at}/dataSource"),
                "Datakilden for tabellen",
                "The table's data source",
            );
            continue;
        }
        let Some(source) = catalogue.sources.get(&table.data_source) else {
            out.push(unknown_source(
                format!("{at}/dataSource"),
                &table.data_source,
            ));
            continue;
        };
        if !app.data_sources.iter().any(|s| s.code == table.data_source) {
            out.push(Problem::new(
                format!("{at}/dataSource"),
                codes::TABLE_SOURCE_NOT_REQUESTED,
                format!(
                    "Tabellen lages fra {}, som ikke er blant de valgte datakildene.",
                    source.name_nb
                ),
                format!(
                    "The table is made from {}, which is not among the chosen data sources.",
                    source.name_en
                ),
            ));
        }
        // A source with no catalogued variables: the table names its
        // variables in the applicant's words.
        for (j, var) in table.variables.iter().enumerate() {
            if !source.variables.is_empty()
                && source.variables.get(&var.name).is_none_or(|v| v.retired)
            {
                out.push(Problem::new(
                    format!("{at}/variables/{j}/name"),
                    codes::TABLE_VARIABLE_NOT_IN_SOURCE,
                    format!("{} har ingen variabel «{}».", source.name_nb, var.name),
                    format!("{} has no variable \"{}\".", source.name_en, var.name),
                ));
            }
        }
    }
}

fn attachments_rules(app: &Application, attachments: &Attachments, out: &mut Vec<Problem>) {
    if !attachments.has(AttachmentKind::ProjectDescription) {
        out.push(Problem::new(
            "/attachments",
            codes::PROJECT_DESCRIPTION_MISSING,
            "Last opp prosjektbeskrivelsen (vedlegg av typen PROJECT_DESCRIPTION).",
            "Upload the project description (an attachment of kind PROJECT_DESCRIPTION).",
        ));
    }
    if rek_applies(app) && !attachments.has(AttachmentKind::RekDecision) {
        out.push(Problem::new(
            "/attachments",
            codes::REK_DECISION_MISSING,
            "Last opp vedtaket fra REK (vedlegg av typen REK_DECISION).",
            "Upload REK's decision (an attachment of kind REK_DECISION).",
        ));
    }
}
