//! The application (søknad) on the common form of helsedata.no, and what makes
//! it good enough to submit.
//!
//! An [`Application`] is the content the applicant writes, as plain values:
//! every part may still be missing while it is a draft. [`check`] returns
//! every [`Problem`] at once (missing parts, choices the catalogue does not
//! allow, attachments missing, national identity numbers in free text), each
//! with a JSON pointer into the application's JSON form, a stable code, and a
//! message in Norwegian (bokmål) and English. The same rules refuse
//! submission; [`Problem::refuses_saving`] tells which of them also refuse
//! saving a draft (content that is wrong, not merely unfinished).
//!
//! The rules (table with codes: `docs/applications.md`) follow domain.md,
//! "A good application", "Kinds of data" and "Purposes".

mod attachment;
mod check;
mod privacy;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_access;

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use time::Date;

use crate::calendar::UnknownCode;

pub use attachment::{sanitize_filename, sniff, DetectedType, MEDIA_TYPES};
pub use check::{check, codes};
pub use privacy::{free_text_fields, scan_free_text, scan_text};

macro_rules! codes_enum {
    ($ty:ident, $what:literal, { $($variant:ident => $code:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$(Self::$variant),+];

            /// The stored and published code.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $code),+ }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| UnknownCode { what: $what, code: s.to_owned() })
            }
        }
    };
}

/// What the data will be used for (formål).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Purpose {
    /// Medisinsk og helsefaglig forskning (under the Health Research Act: REK applies).
    MedicalAndHealthResearch,
    /// Annen forskning.
    OtherResearch,
    /// Helseanalyser, kvalitetsforbedring, planlegging, styring og beredskap.
    HealthAnalysis,
}

codes_enum!(Purpose, "purpose", {
    MedicalAndHealthResearch => "MEDICAL_AND_HEALTH_RESEARCH",
    OtherResearch => "OTHER_RESEARCH",
    HealthAnalysis => "HEALTH_ANALYSIS",
});

impl Purpose {
    pub fn is_research(self) -> bool {
        matches!(self, Self::MedicalAndHealthResearch | Self::OtherResearch)
    }

    fn name_nb(self) -> &'static str {
        match self {
            Self::MedicalAndHealthResearch => "medisinsk og helsefaglig forskning",
            Self::OtherResearch => "annen forskning",
            Self::HealthAnalysis => "helseanalyse",
        }
    }

    fn name_en(self) -> &'static str {
        match self {
            Self::MedicalAndHealthResearch => "medical and health research",
            Self::OtherResearch => "other research",
            Self::HealthAnalysis => "health analysis",
        }
    }
}

/// How identifiable the requested data are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DataKind {
    /// Anonyme opplysninger: aggregated tables.
    Anonymous,
    /// Indirekte personidentifiserbare opplysninger.
    IndirectlyIdentifiable,
    /// Direkte personidentifiserbare opplysninger (name, national id): must be justified specially.
    DirectlyIdentifiable,
}

codes_enum!(DataKind, "data kind", {
    Anonymous => "ANONYMOUS",
    IndirectlyIdentifiable => "INDIRECTLY_IDENTIFIABLE",
    DirectlyIdentifiable => "DIRECTLY_IDENTIFIABLE",
});

impl DataKind {
    pub fn is_identifiable(self) -> bool {
        !matches!(self, Self::Anonymous)
    }

    fn name_nb(self) -> &'static str {
        match self {
            Self::Anonymous => "anonyme opplysninger",
            Self::IndirectlyIdentifiable => "indirekte identifiserbare opplysninger",
            Self::DirectlyIdentifiable => "direkte identifiserbare opplysninger",
        }
    }

    fn name_en(self) -> &'static str {
        match self {
            Self::Anonymous => "anonymous data",
            Self::IndirectlyIdentifiable => "indirectly identifiable data",
            Self::DirectlyIdentifiable => "directly identifiable data",
        }
    }
}

/// The kinds of attachment (vedlegg) an application can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AttachmentKind {
    /// Prosjektbeskrivelse (always required).
    ProjectDescription,
    /// REK-vedtak (required where REK applies).
    RekDecision,
    /// Personvernkonsekvensvurdering (DPIA).
    Dpia,
    /// Tabellbestilling.
    TableSpecification,
    /// Variabelliste.
    VariableList,
    /// Informasjonsskriv.
    InformationLetter,
    /// Annet.
    Other,
}

codes_enum!(AttachmentKind, "attachment kind", {
    ProjectDescription => "PROJECT_DESCRIPTION",
    RekDecision => "REK_DECISION",
    Dpia => "DPIA",
    TableSpecification => "TABLE_SPECIFICATION",
    VariableList => "VARIABLE_LIST",
    InformationLetter => "INFORMATION_LETTER",
    Other => "OTHER",
});

/// A letter of GDPR article 6 (1) (lawfulness of processing): a to f.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Art6Letter(char);

/// A letter of GDPR article 9 (2) (special categories): a to j.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Art9Letter(char);

impl Art6Letter {
    /// `a`..=`f` (either case).
    pub fn new(letter: char) -> Option<Self> {
        let l = letter.to_ascii_lowercase();
        ('a'..='f').contains(&l).then_some(Self(l))
    }
    pub fn letter(self) -> char {
        self.0
    }
}

impl Art9Letter {
    /// `a`..=`j` (either case).
    pub fn new(letter: char) -> Option<Self> {
        let l = letter.to_ascii_lowercase();
        ('a'..='j').contains(&l).then_some(Self(l))
    }
    pub fn letter(self) -> char {
        self.0
    }
}

/// The project (prosjekt).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Project {
    pub title: Option<String>,
    pub summary: Option<String>,
    /// Bounded research questions (problemstillinger).
    pub research_questions: Vec<String>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
}

/// One requested data source with the variables and period wanted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestedSource {
    /// The data source's code in the catalogue, e.g. `MFR`.
    pub code: String,
    /// Variable names in that source.
    pub variables: Vec<String>,
    pub period_from: Option<i32>,
    pub period_to: Option<i32>,
    /// The data wanted, in the applicant's words: required instead of
    /// variables for identifiable data from a source with no catalogued
    /// variables (`/dataSources/i/dataDescription`).
    pub data_description: Option<String>,
}

/// A person named in the application.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// The data processor (databehandler), where one is used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataProcessor {
    pub name: Option<String>,
    pub orgnr: Option<String>,
    /// What the processor does.
    pub description: Option<String>,
}

/// Who is responsible (ansvar).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Responsibility {
    /// The responsible institution (behandlingsansvarlig): organisation number.
    pub institution_orgnr: Option<String>,
    pub institution_name: Option<String>,
    /// Prosjektleder.
    pub project_leader: Contact,
    pub data_processor: Option<DataProcessor>,
    /// Forskningsansvarlig (required for research).
    pub research_responsibility: Option<String>,
}

/// Legal basis (rettslig grunnlag) for identifiable data, REK and confidentiality.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LegalBasis {
    pub gdpr_article6: Vec<Art6Letter>,
    pub gdpr_article9: Vec<Art9Letter>,
    /// Supplementary national basis in words (e.g. helseregisterloven § 19 a).
    pub supplementary: Option<String>,
    /// REK's reference (saksnummer) for the approval.
    pub rek_reference: Option<String>,
    /// Dispensasjon fra taushetsplikt is requested.
    pub confidentiality_exemption_requested: bool,
}

/// A variable of a table with its categories (in Norwegian).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableVariable {
    pub name: String,
    pub categories: Vec<String>,
}

/// A table wanted as anonymous data (tabellbestilling).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableSpecification {
    pub title: Option<String>,
    /// The data source the table is made from.
    pub data_source: String,
    pub variables: Vec<TableVariable>,
}

/// The linkage plan (sammenstilling): whose data are linked. It decides the
/// statutory clock: 60 working days when it links data from two or more
/// registers, else 30 (helseregisterloven § 19 f).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkagePlan {
    /// Requested sources (catalogue codes) whose data are linked
    /// (`/linkage/linkedSources`).
    pub linked_sources: Vec<String>,
    /// Other registers, not applied for here, whose data the requested data
    /// are linked with, by name (`/linkage/otherRegisters`), e.g. data the
    /// project already holds from an earlier delivery.
    pub other_registers: Vec<String>,
}

/// The content of an application, as the applicant wrote it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Application {
    pub project: Project,
    pub purpose: Option<Purpose>,
    pub data_kind: Option<DataKind>,
    /// Why directly identifiable data is needed (særskilt begrunnelse).
    pub direct_identification_justification: Option<String>,
    pub data_sources: Vec<RequestedSource>,
    /// How the data will be linked (sammenstilling).
    pub linkage_description: Option<String>,
    /// Which registers' data are linked.
    pub linkage_plan: LinkagePlan,
    pub responsibility: Responsibility,
    pub legal_basis: LegalBasis,
    /// The applicant is a student up to master's level (fee rule).
    pub student_up_to_masters: bool,
    /// The payer's reference for the invoices (deres referanse), e.g. a
    /// project or order number at the institution.
    pub payer_reference: Option<String>,
    pub table_specifications: Vec<TableSpecification>,
    pub comments: Option<String>,
}

/// How a data source is applied for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Channel {
    /// Through helsedata.no's common application form.
    CommonForm,
    /// On the custodian's own form, at this address.
    ExternalForm { url: String },
}

/// A variable as the catalogue knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableFacts {
    pub identifying: bool,
    pub retired: bool,
}

/// What the catalogue says about one data source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFacts {
    pub code: String,
    pub name_nb: String,
    pub name_en: String,
    pub purposes: Vec<Purpose>,
    pub data_kinds: Vec<DataKind>,
    pub channel: Channel,
    pub retired: bool,
    /// By variable name.
    pub variables: BTreeMap<String, VariableFacts>,
}

/// The catalogue facts the check needs: the data sources named in the
/// application, by code. A code missing here is unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogueFacts {
    pub sources: BTreeMap<String, SourceFacts>,
}

impl CatalogueFacts {
    pub fn new(sources: impl IntoIterator<Item = SourceFacts>) -> Self {
        Self {
            sources: sources.into_iter().map(|s| (s.code.clone(), s)).collect(),
        }
    }
}

/// The attachments an application has, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attachments {
    pub kinds: Vec<AttachmentKind>,
}

impl Attachments {
    pub fn new(kinds: impl IntoIterator<Item = AttachmentKind>) -> Self {
        Self {
            kinds: kinds.into_iter().collect(),
        }
    }

    pub fn has(&self, kind: AttachmentKind) -> bool {
        self.kinds.contains(&kind)
    }
}

/// One thing that keeps an application from being submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// JSON pointer (RFC 6901) into the application's JSON form.
    pub pointer: String,
    /// Stable code (see [`codes`]).
    pub code: &'static str,
    pub message_nb: String,
    pub message_en: String,
}

impl Problem {
    pub fn new(
        pointer: impl Into<String>,
        code: &'static str,
        nb: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Self {
            pointer: pointer.into(),
            code,
            message_nb: nb.into(),
            message_en: en.into(),
        }
    }

    /// Content that is wrong in itself (not merely unfinished, nor a choice
    /// that depends on other sections): saving a draft with it is refused too.
    pub fn refuses_saving(&self) -> bool {
        codes::REFUSED_ON_SAVE.contains(&self.code)
    }
}

/// Does the application request identifiable data?
pub fn requests_identifiable_data(app: &Application) -> bool {
    app.data_kind.is_some_and(DataKind::is_identifiable)
}

/// Does REK approval apply: medical and health research with identifiable data.
pub fn rek_applies(app: &Application) -> bool {
    app.purpose == Some(Purpose::MedicalAndHealthResearch) && requests_identifiable_data(app)
}

/// The linkage plan links data from two or more registers: the 60-day rule
/// (helseregisterloven § 19 f), for identifiable data and for statistics.
pub fn links_several_registers(app: &Application) -> bool {
    linked_registers(app) > 1
}

/// The number of distinct registers the linkage plan links: the requested
/// sources it names and the other registers it names (blank names not
/// counted).
pub fn linked_registers(app: &Application) -> usize {
    let plan = &app.linkage_plan;
    let mut names: Vec<String> = plan
        .linked_sources
        .iter()
        .map(|s| s.trim().to_lowercase())
        .chain(plan.other_registers.iter().map(|s| s.trim().to_lowercase()))
        .filter(|s| !s.is_empty())
        .collect();
    names.sort_unstable();
    names.dedup();
    names.len()
}

/// The statutory clock the application gets from its linkage plan: 30 or
/// 60 working days (see [`linkage_by_plan`](crate::case::linkage_by_plan)).
pub fn statutory_linkage(app: &Application) -> crate::calendar::DataLinkage {
    crate::case::linkage_by_plan(
        app.data_kind == Some(DataKind::Anonymous),
        linked_registers(app),
    )
}

/// Identifiable data from more than one source: the applicant describes how
/// they are linked, or that they are not.
fn several_identifiable_sources(app: &Application) -> bool {
    requests_identifiable_data(app) && distinct_sources(app) > 1
}

/// The data subjects' consent is the legal basis: GDPR art. 6 (1) a and
/// art. 9 (2) a.
pub fn consent_based(app: &Application) -> bool {
    let lb = &app.legal_basis;
    lb.gdpr_article6.iter().any(|l| l.letter() == 'a')
        && lb.gdpr_article9.iter().any(|l| l.letter() == 'a')
}

/// An exemption from confidentiality (dispensasjon fra taushetsplikt) is
/// needed: identifiable data without the data subjects' consent. Anonymous
/// data never need one (seed 003).
pub fn needs_confidentiality_exemption(app: &Application) -> bool {
    requests_identifiable_data(app) && !consent_based(app)
}

/// Anonymous data applied for by a private person: no institution named
/// (seed 003: "Alle kan søke om anonyme opplysninger").
pub fn private_person_applies(app: &Application) -> bool {
    let r = &app.responsibility;
    app.data_kind == Some(DataKind::Anonymous)
        && r.institution_orgnr
            .as_ref()
            .is_none_or(|v| v.trim().is_empty())
        && r.institution_name
            .as_ref()
            .is_none_or(|v| v.trim().is_empty())
}

fn distinct_sources(app: &Application) -> usize {
    let mut codes: Vec<&str> = app.data_sources.iter().map(|s| s.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    codes.len()
}
