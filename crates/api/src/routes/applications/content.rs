//! The application's content (søknadsskjema), section by section: what a
//! draft holds, what the check reads and what submission freezes; and the
//! patch that replaces some sections.

use serde::{Deserialize, Deserializer, Serialize};
use time::Date;
use utoipa::ToSchema;

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

/// Purpose (formål) of the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PurposeCode {
    /// Medisinsk og helsefaglig forskning.
    MedicalAndHealthResearch,
    /// Annen forskning.
    OtherResearch,
    /// Helseanalyse, kvalitetsforbedring, planlegging, styring, beredskap.
    HealthAnalysis,
}

/// How identifiable the data are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DataKindCode {
    /// Anonyme opplysninger (tables).
    Anonymous,
    /// Indirekte personidentifiserbare opplysninger.
    IndirectlyIdentifiable,
    /// Direkte personidentifiserbare opplysninger (needs a special justification).
    DirectlyIdentifiable,
}

/// A letter of GDPR article 6 (1): behandlingsgrunnlag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum GdprArticle6 {
    A,
    B,
    C,
    D,
    E,
    F,
}

/// A letter of GDPR article 9 (2): unntak for særlige kategorier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum GdprArticle9 {
    A,
    B,
    C,
    D,
    E,
    F,
    G,
    H,
    I,
    J,
}

/// The project (prosjekt).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProjectSection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Bounded research questions (problemstillinger).
    #[serde(default)]
    pub research_questions: Vec<String>,
    #[serde(
        default,
        with = "iso_date::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, format = Date, example = "2027-01-01")]
    pub start_date: Option<Date>,
    #[serde(
        default,
        with = "iso_date::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, format = Date, example = "2029-12-31")]
    pub end_date: Option<Date>,
}

/// The kind of data (type opplysninger).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DataKindSection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<DataKindCode>,
    /// Særskilt begrunnelse for direkte identifiserbare opplysninger.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_identification_justification: Option<String>,
}

/// A requested data source (datakilde) with the variables and period wanted.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RequestedSource {
    /// The data source's code in the catalogue.
    #[schema(example = "MFR")]
    pub code: String,
    /// Variable names in that source.
    #[serde(default)]
    pub variables: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = 2000)]
    pub period_from: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = 2020)]
    pub period_to: Option<i32>,
    /// The data wanted, in the applicant's words: required instead of
    /// variables for identifiable data from a source whose variables the
    /// catalogue does not list (e.g. FORTIAAR).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "Blodtrykk, kolesterol og røykevaner ved undersøkelsen, 1985–1999")]
    pub data_description: Option<String>,
}

/// How the data will be linked (sammenstilling). The linkage plan decides
/// the statutory clock: 60 working days when it links data from two or more
/// registers, else 30 (helseregisterloven § 19 f).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LinkageSection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Requested sources (catalogue codes) whose data are linked with each
    /// other or with `otherRegisters`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(example = json!(["MFR"]))]
    pub linked_sources: Vec<String>,
    /// Other registers, not applied for here, whose data the requested data
    /// are linked with, by name (e.g. data the project already holds).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(example = json!(["Dødsårsaksregisteret (utlevert 2024)"]))]
    pub other_registers: Vec<String>,
}

/// A person named in the application.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContactDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The data processor (databehandler).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DataProcessorDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orgnr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Who is responsible (ansvar).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResponsibilitySection {
    /// The responsible institution's organisasjonsnummer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "974760673")]
    pub institution_orgnr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub institution_name: Option<String>,
    /// Prosjektleder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_leader: Option<ContactDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_processor: Option<DataProcessorDto>,
    /// Forskningsansvarlig (required for research).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub research_responsibility: Option<String>,
}

/// Legal basis (rettslig grunnlag), REK and confidentiality.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegalBasisSection {
    #[serde(default)]
    pub gdpr_article6: Vec<GdprArticle6>,
    #[serde(default)]
    pub gdpr_article9: Vec<GdprArticle9>,
    /// Supplementary national basis, e.g. "helseregisterloven § 19 a".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplementary: Option<String>,
    /// REK's reference (saksnummer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rek_reference: Option<String>,
    /// Dispensasjon fra taushetsplikt is requested.
    #[serde(default)]
    pub confidentiality_exemption_requested: bool,
}

/// What decides the fee (gebyr).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FeeSection {
    /// Student up to master's level (free for aggregated anonymous data).
    #[serde(default)]
    pub student_up_to_masters: bool,
    /// The payer's reference (deres referanse) printed on the invoices, e.g.
    /// the institution's project or order number; at most 200 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "PRJ-4711")]
    pub payer_reference: Option<String>,
}

/// A variable of a table, with its categories in Norwegian.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TableVariableDto {
    #[schema(example = "VEKT")]
    pub name: String,
    #[serde(default)]
    pub categories: Vec<String>,
}

/// A table wanted as anonymous data (tabellbestilling).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TableSpecificationDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The code of the data source the table is made from.
    pub data_source: String,
    #[serde(default)]
    pub variables: Vec<TableVariableDto>,
}

/// The application's content (søknadsskjema), by section. Problems' JSON
/// pointers point into this document.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplicationContent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<ProjectSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<PurposeCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_kind: Option<DataKindSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_sources: Option<Vec<RequestedSource>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linkage: Option<LinkageSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsibility: Option<ResponsibilitySection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<LegalBasisSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<FeeSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_specifications: Option<Vec<TableSpecificationDto>>,
    /// Free-text comments to the case handler.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
}

/// `Some(None)` for an explicit `null`, `None` for an absent field.
#[allow(clippy::option_option)] // absent, null and a value are three different things in a PATCH
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A change to some sections: each section given replaces the stored one
/// whole; `null` clears it; sections not given stay as they are.
#[allow(clippy::option_option)] // absent (keep), null (clear) or a value (replace)
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplicationPatch {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<ProjectSection>)]
    pub project: Option<Option<ProjectSection>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<PurposeCode>)]
    pub purpose: Option<Option<PurposeCode>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<DataKindSection>)]
    pub data_kind: Option<Option<DataKindSection>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Vec<RequestedSource>>)]
    pub data_sources: Option<Option<Vec<RequestedSource>>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<LinkageSection>)]
    pub linkage: Option<Option<LinkageSection>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<ResponsibilitySection>)]
    pub responsibility: Option<Option<ResponsibilitySection>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<LegalBasisSection>)]
    pub legal_basis: Option<Option<LegalBasisSection>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<FeeSection>)]
    pub fee: Option<Option<FeeSection>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Vec<TableSpecificationDto>>)]
    pub table_specifications: Option<Option<Vec<TableSpecificationDto>>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub comments: Option<Option<String>>,
}

impl ApplicationPatch {
    /// Applies the patch; returns the JSON names of the sections it touched.
    pub(super) fn apply(self, content: &mut ApplicationContent) -> Vec<&'static str> {
        let mut touched = Vec::new();
        macro_rules! section {
            ($field:ident, $name:literal) => {
                if let Some(value) = self.$field {
                    content.$field = value;
                    touched.push($name);
                }
            };
        }
        section!(project, "project");
        section!(purpose, "purpose");
        section!(data_kind, "dataKind");
        section!(data_sources, "dataSources");
        section!(linkage, "linkage");
        section!(responsibility, "responsibility");
        section!(legal_basis, "legalBasis");
        section!(fee, "fee");
        section!(table_specifications, "tableSpecifications");
        section!(comments, "comments");
        touched
    }
}

pub(super) const ALL_SECTIONS: [&str; 10] = [
    "project",
    "purpose",
    "dataKind",
    "dataSources",
    "linkage",
    "responsibility",
    "legalBasis",
    "fee",
    "tableSpecifications",
    "comments",
];
