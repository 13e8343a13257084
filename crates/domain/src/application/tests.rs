#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use time::macros::date;

use super::*;

const FNR: &str = "15058550040";
const DNR: &str = "45019050037";

pub(super) fn source(
    code: &str,
    purposes: &[Purpose],
    kinds: &[DataKind],
    vars: &[(&str, bool)],
) -> SourceFacts {
    SourceFacts {
        code: code.into(),
        name_nb: format!("{code}-registeret"),
        name_en: format!("the {code} register"),
        purposes: purposes.to_vec(),
        data_kinds: kinds.to_vec(),
        channel: Channel::CommonForm,
        retired: false,
        variables: vars
            .iter()
            .map(|(n, id)| {
                (
                    n.to_string(),
                    VariableFacts {
                        identifying: *id,
                        retired: false,
                    },
                )
            })
            .collect::<BTreeMap<_, _>>(),
    }
}

pub(super) fn catalogue() -> CatalogueFacts {
    let all_p = [
        Purpose::MedicalAndHealthResearch,
        Purpose::OtherResearch,
        Purpose::HealthAnalysis,
    ];
    let all_k = [
        DataKind::Anonymous,
        DataKind::IndirectlyIdentifiable,
        DataKind::DirectlyIdentifiable,
    ];
    let mut hunt = source(
        "HUNT",
        &[Purpose::MedicalAndHealthResearch],
        &[DataKind::IndirectlyIdentifiable],
        &[("BMI", false)],
    );
    hunt.channel = Channel::ExternalForm {
        url: "https://www.ntnu.edu/hunt/data".into(),
    };
    let mut old = source("OLD", &all_p, &all_k, &[]);
    old.retired = true;
    CatalogueFacts::new([
        source(
            "MFR",
            &all_p,
            &all_k,
            &[("VEKT", false), ("KJONN", false), ("ID_BARN", true)],
        ),
        source(
            "NPR",
            &all_p,
            &all_k,
            &[("HOVEDTILSTAND1", false), ("NPRID", true)],
        ),
        source(
            "MOBA",
            &[Purpose::MedicalAndHealthResearch],
            &[DataKind::IndirectlyIdentifiable],
            &[("Q1", false)],
        ),
        hunt,
        old,
    ])
}

pub(super) fn base() -> Application {
    Application {
        project: Project {
            title: Some("Fødselsvekt og senere sykehusinnleggelser".into()),
            summary: Some("Vi studerer sammenhengen mellom fødselsvekt og innleggelser.".into()),
            research_questions: vec![
                "Har lav fødselsvekt sammenheng med flere innleggelser?".into()
            ],
            start_date: Some(date!(2027 - 01 - 01)),
            end_date: Some(date!(2029 - 12 - 31)),
        },
        purpose: Some(Purpose::MedicalAndHealthResearch),
        data_kind: Some(DataKind::IndirectlyIdentifiable),
        direct_identification_justification: None,
        data_sources: vec![
            RequestedSource {
                code: "MFR".into(),
                variables: vec!["VEKT".into(), "KJONN".into()],
                period_from: Some(2000),
                period_to: Some(2010),
                data_description: None,
            },
            RequestedSource {
                code: "NPR".into(),
                variables: vec!["HOVEDTILSTAND1".into()],
                period_from: Some(2008),
                period_to: Some(2024),
                data_description: None,
            },
        ],
        linkage_description: Some("MFR og NPR kobles på løpenummer hos FHI.".into()),
        linkage_plan: LinkagePlan {
            linked_sources: vec!["MFR".into(), "NPR".into()],
            other_registers: vec![],
        },
        responsibility: Responsibility {
            institution_orgnr: Some("974760673".into()),
            institution_name: Some("Universitetet i Oslo".into()),
            project_leader: Contact {
                name: Some("Kari Nordmann".into()),
                email: Some("kari@uio.no".into()),
            },
            data_processor: None,
            research_responsibility: Some("Det medisinske fakultet, UiO".into()),
        },
        legal_basis: LegalBasis {
            gdpr_article6: vec![Art6Letter::new('e').unwrap()],
            gdpr_article9: vec![Art9Letter::new('j').unwrap()],
            supplementary: Some("helseregisterloven § 19 a".into()),
            rek_reference: Some("2026/123456".into()),
            confidentiality_exemption_requested: true,
        },
        student_up_to_masters: false,
        payer_reference: None,
        table_specifications: vec![],
        comments: None,
    }
}

pub(super) fn anonymous() -> Application {
    let mut app = base();
    app.data_kind = Some(DataKind::Anonymous);
    app.purpose = Some(Purpose::HealthAnalysis);
    app.data_sources.truncate(1);
    app.data_sources[0].variables.clear();
    app.legal_basis = LegalBasis::default();
    app.linkage_description = None;
    app.linkage_plan = LinkagePlan::default();
    app.table_specifications = vec![TableSpecification {
        title: Some("Fødselsvekt etter kjønn".into()),
        data_source: "MFR".into(),
        variables: vec![
            TableVariable {
                name: "VEKT".into(),
                categories: vec!["under 2500 g".into(), "2500 g og mer".into()],
            },
            TableVariable {
                name: "KJONN".into(),
                categories: vec!["gutt".into(), "jente".into()],
            },
        ],
    }];
    app
}

pub(super) fn all_attachments() -> Attachments {
    Attachments::new([
        AttachmentKind::ProjectDescription,
        AttachmentKind::RekDecision,
    ])
}

pub(super) fn problems(app: &Application) -> Vec<(String, &'static str)> {
    check(app, &catalogue(), &all_attachments())
        .into_iter()
        .map(|p| (p.pointer, p.code))
        .collect()
}

pub(super) fn has(app: &Application, pointer: &str, code: &str) -> bool {
    problems(app)
        .iter()
        .any(|(p, c)| p == pointer && *c == code)
}

#[test]
fn a_complete_identifiable_application_passes() {
    assert_eq!(problems(&base()), vec![]);
}

#[test]
fn a_complete_anonymous_application_passes() {
    let p = check(
        &anonymous(),
        &catalogue(),
        &Attachments::new([AttachmentKind::ProjectDescription]),
    );
    assert_eq!(p, vec![]);
}

#[test]
fn an_empty_application_lists_every_missing_part_at_once() {
    let p = check(
        &Application::default(),
        &catalogue(),
        &Attachments::default(),
    );
    let pointers: Vec<&str> = p
        .iter()
        .filter(|p| p.code == codes::REQUIRED)
        .map(|p| p.pointer.as_str())
        .collect();
    for expected in [
        "/project/title",
        "/project/summary",
        "/project/researchQuestions",
        "/project/startDate",
        "/project/endDate",
        "/purpose",
        "/dataKind/kind",
        "/dataSources",
        "/responsibility/institutionOrgnr",
        "/responsibility/institutionName",
        "/responsibility/projectLeader/name",
        "/responsibility/projectLeader/email",
    ] {
        assert!(
            pointers.contains(&expected),
            "{expected} missing from {pointers:?}"
        );
    }
    assert!(p
        .iter()
        .any(|p| p.code == codes::PROJECT_DESCRIPTION_MISSING));
    for problem in &p {
        assert!(!problem.message_nb.is_empty() && !problem.message_en.is_empty());
        assert!(
            !problem.refuses_saving(),
            "an empty draft can be saved: {problem:?}"
        );
    }
}

#[test]
fn research_needs_research_responsibility_and_analysis_does_not() {
    let mut app = base();
    app.responsibility.research_responsibility = None;
    assert!(has(
        &app,
        "/responsibility/researchResponsibility",
        codes::REQUIRED
    ));
    app.purpose = Some(Purpose::HealthAnalysis);
    app.legal_basis.rek_reference = None;
    assert!(!has(
        &app,
        "/responsibility/researchResponsibility",
        codes::REQUIRED
    ));
}

#[test]
fn blank_text_counts_as_missing() {
    let mut app = base();
    app.project.title = Some("   ".into());
    app.project.research_questions.push(String::new());
    assert!(has(&app, "/project/title", codes::REQUIRED));
    assert!(has(&app, "/project/researchQuestions/1", codes::REQUIRED));
}

#[test]
fn source_not_offering_the_purpose() {
    let mut app = base();
    app.purpose = Some(Purpose::OtherResearch);
    app.data_sources.push(RequestedSource {
        code: "MOBA".into(),
        variables: vec!["Q1".into()],
        ..Default::default()
    });
    assert!(has(
        &app,
        "/dataSources/2/code",
        codes::SOURCE_PURPOSE_NOT_OFFERED
    ));
    assert!(!has(
        &app,
        "/dataSources/0/code",
        codes::SOURCE_PURPOSE_NOT_OFFERED
    ));
    app.purpose = Some(Purpose::MedicalAndHealthResearch);
    assert!(!has(
        &app,
        "/dataSources/2/code",
        codes::SOURCE_PURPOSE_NOT_OFFERED
    ));
}

#[test]
fn source_not_offering_the_data_kind() {
    let mut app = anonymous();
    app.purpose = Some(Purpose::MedicalAndHealthResearch);
    app.data_sources[0].code = "MOBA".into();
    app.table_specifications.clear();
    assert!(has(
        &app,
        "/dataSources/0/code",
        codes::SOURCE_DATA_KIND_NOT_OFFERED
    ));
    app.data_sources[0].code = "MFR".into();
    assert!(!has(
        &app,
        "/dataSources/0/code",
        codes::SOURCE_DATA_KIND_NOT_OFFERED
    ));
}

#[test]
fn external_form_source_says_where_to_apply() {
    let mut app = base();
    app.data_sources.push(RequestedSource {
        code: "HUNT".into(),
        variables: vec!["BMI".into()],
        ..Default::default()
    });
    let p = check(&app, &catalogue(), &all_attachments());
    let ext = p
        .iter()
        .find(|p| p.code == codes::SOURCE_EXTERNAL_FORM)
        .expect("external form problem");
    assert_eq!(ext.pointer, "/dataSources/2/code");
    assert!(ext.message_en.contains("https://www.ntnu.edu/hunt/data"));
    assert!(ext.message_nb.contains("https://www.ntnu.edu/hunt/data"));
    assert!(!has(
        &base(),
        "/dataSources/0/code",
        codes::SOURCE_EXTERNAL_FORM
    ));
}

#[test]
fn unknown_retired_and_duplicate_sources() {
    let mut app = base();
    app.data_sources.push(RequestedSource {
        code: "NOPE".into(),
        ..Default::default()
    });
    app.data_sources.push(RequestedSource {
        code: "OLD".into(),
        ..Default::default()
    });
    app.data_sources.push(RequestedSource {
        code: "MFR".into(),
        variables: vec!["VEKT".into()],
        ..Default::default()
    });
    assert!(has(&app, "/dataSources/2/code", codes::UNKNOWN_DATA_SOURCE));
    assert!(has(&app, "/dataSources/3/code", codes::DATA_SOURCE_RETIRED));
    assert!(has(
        &app,
        "/dataSources/4/code",
        codes::DUPLICATE_DATA_SOURCE
    ));
}

#[test]
fn identifiable_data_needs_legal_basis_under_art_6_and_art_9() {
    let mut app = base();
    app.legal_basis.gdpr_article6.clear();
    app.legal_basis.gdpr_article9.clear();
    assert!(has(
        &app,
        "/legalBasis/gdprArticle6",
        codes::LEGAL_BASIS_MISSING
    ));
    assert!(has(
        &app,
        "/legalBasis/gdprArticle9",
        codes::LEGAL_BASIS_MISSING
    ));
    let anon = anonymous();
    assert!(anon.legal_basis.gdpr_article6.is_empty());
    assert!(!problems(&anon)
        .iter()
        .any(|(_, c)| *c == codes::LEGAL_BASIS_MISSING));
}

#[test]
fn art_letters_are_bounded() {
    assert!(Art6Letter::new('F').is_some());
    assert!(Art6Letter::new('g').is_none());
    assert!(Art9Letter::new('j').is_some());
    assert!(Art9Letter::new('k').is_none());
}

#[test]
fn medical_research_with_identifiable_data_needs_rek_reference() {
    let mut app = base();
    app.legal_basis.rek_reference = None;
    assert!(has(
        &app,
        "/legalBasis/rekReference",
        codes::REK_REFERENCE_MISSING
    ));
    app.purpose = Some(Purpose::OtherResearch);
    assert!(!has(
        &app,
        "/legalBasis/rekReference",
        codes::REK_REFERENCE_MISSING
    ));
}

#[test]
fn several_registers_with_identifiable_data_need_a_linkage_description() {
    let mut app = base();
    app.linkage_description = Some(" ".into());
    assert!(has(
        &app,
        "/linkage/description",
        codes::LINKAGE_DESCRIPTION_MISSING
    ));
    // Two identifiable sources without a plan: still described (how, or
    // that they are not linked), though not linked.
    app.linkage_plan = LinkagePlan::default();
    assert!(!links_several_registers(&app));
    assert!(has(
        &app,
        "/linkage/description",
        codes::LINKAGE_DESCRIPTION_MISSING
    ));
    app.data_sources.truncate(1);
    assert!(!has(
        &app,
        "/linkage/description",
        codes::LINKAGE_DESCRIPTION_MISSING
    ));
    // One source linked with another register's data: described too.
    app.linkage_plan = LinkagePlan {
        linked_sources: vec!["MFR".into()],
        other_registers: vec!["Kreftregisteret (data prosjektet har fra før)".into()],
    };
    assert!(links_several_registers(&app));
    assert!(has(
        &app,
        "/linkage/description",
        codes::LINKAGE_DESCRIPTION_MISSING
    ));
}

#[test]
fn anonymous_data_needs_table_specifications() {
    let mut app = anonymous();
    app.table_specifications.clear();
    assert!(has(
        &app,
        "/tableSpecifications",
        codes::TABLE_SPECIFICATIONS_MISSING
    ));
    assert!(!has(
        &anonymous(),
        "/tableSpecifications",
        codes::TABLE_SPECIFICATIONS_MISSING
    ));
}

#[test]
fn project_description_is_always_required() {
    let p = check(&anonymous(), &catalogue(), &Attachments::default());
    assert!(p
        .iter()
        .any(|p| p.code == codes::PROJECT_DESCRIPTION_MISSING && p.pointer == "/attachments"));
    let p = check(
        &anonymous(),
        &catalogue(),
        &Attachments::new([AttachmentKind::ProjectDescription]),
    );
    assert!(!p
        .iter()
        .any(|p| p.code == codes::PROJECT_DESCRIPTION_MISSING));
}

#[test]
fn rek_decision_is_required_where_rek_applies() {
    let only_pd = Attachments::new([AttachmentKind::ProjectDescription]);
    let p = check(&base(), &catalogue(), &only_pd);
    assert!(p.iter().any(|p| p.code == codes::REK_DECISION_MISSING));
    assert!(!problems(&base())
        .iter()
        .any(|(_, c)| *c == codes::REK_DECISION_MISSING));
    let p = check(&anonymous(), &catalogue(), &only_pd);
    assert!(
        !p.iter().any(|p| p.code == codes::REK_DECISION_MISSING),
        "REK does not apply to anonymous data"
    );
}

#[test]
fn directly_identifiable_data_needs_a_special_justification() {
    let mut app = base();
    app.data_kind = Some(DataKind::DirectlyIdentifiable);
    assert!(has(
        &app,
        "/dataKind/directIdentificationJustification",
        codes::DIRECT_IDENTIFICATION_NOT_JUSTIFIED
    ));
    app.direct_identification_justification =
        Some("Vi skal kontakte deltakerne for samtykke.".into());
    assert!(!has(
        &app,
        "/dataKind/directIdentificationJustification",
        codes::DIRECT_IDENTIFICATION_NOT_JUSTIFIED
    ));
}

#[test]
fn dates_in_the_wrong_order() {
    let mut app = base();
    app.project.start_date = Some(date!(2030 - 01 - 01));
    app.data_sources[0].period_from = Some(2020);
    app.data_sources[0].period_to = Some(2010);
    assert!(has(&app, "/project/endDate", codes::DATES_OUT_OF_ORDER));
    assert!(has(
        &app,
        "/dataSources/0/periodTo",
        codes::DATES_OUT_OF_ORDER
    ));
    let p = check(&app, &catalogue(), &all_attachments());
    assert!(p
        .iter()
        .all(|p| p.code != codes::DATES_OUT_OF_ORDER || p.refuses_saving()));
    let mut same_day = base();
    same_day.project.end_date = same_day.project.start_date;
    assert!(!has(
        &same_day,
        "/project/endDate",
        codes::DATES_OUT_OF_ORDER
    ));
}

#[test]
fn variables_not_in_the_source() {
    let mut app = base();
    app.data_sources[0].variables.push("NOT_THERE".into());
    assert!(has(
        &app,
        "/dataSources/0/variables/2",
        codes::UNKNOWN_VARIABLE
    ));
    assert!(!has(
        &base(),
        "/dataSources/0/variables/0",
        codes::UNKNOWN_VARIABLE
    ));
    app.data_sources[1].variables.clear();
    assert!(has(&app, "/dataSources/1/variables", codes::REQUIRED));
}

#[test]
fn table_specifications_referencing_variables_the_source_lacks() {
    let mut app = anonymous();
    app.table_specifications[0].variables[1].name = "HOVEDTILSTAND1".into();
    assert!(has(
        &app,
        "/tableSpecifications/0/variables/1/name",
        codes::TABLE_VARIABLE_NOT_IN_SOURCE
    ));
    assert!(!has(
        &anonymous(),
        "/tableSpecifications/0/variables/1/name",
        codes::TABLE_VARIABLE_NOT_IN_SOURCE
    ));
}

#[test]
fn table_from_a_source_not_requested_or_unknown() {
    let mut app = anonymous();
    app.table_specifications[0].data_source = "NPR".into();
    assert!(has(
        &app,
        "/tableSpecifications/0/dataSource",
        codes::TABLE_SOURCE_NOT_REQUESTED
    ));
    app.table_specifications[0].data_source = "XYZ".into();
    assert!(has(
        &app,
        "/tableSpecifications/0/dataSource",
        codes::UNKNOWN_DATA_SOURCE
    ));
}

#[test]
fn tables_need_title_variables_and_categories() {
    let mut app = anonymous();
    app.table_specifications[0].title = None;
    app.table_specifications[0].variables[0].categories.clear();
    assert!(has(&app, "/tableSpecifications/0/title", codes::REQUIRED));
    assert!(has(
        &app,
        "/tableSpecifications/0/variables/0/categories",
        codes::REQUIRED
    ));
    app.table_specifications[0].variables.clear();
    assert!(has(
        &app,
        "/tableSpecifications/0/variables",
        codes::REQUIRED
    ));
}

#[test]
fn orgnr_and_email_are_checked() {
    let mut app = base();
    app.responsibility.institution_orgnr = Some("974760674".into());
    app.responsibility.project_leader.email = Some("kari at uio".into());
    app.responsibility.data_processor = Some(DataProcessor {
        name: None,
        orgnr: Some("123".into()),
        description: None,
    });
    assert!(has(
        &app,
        "/responsibility/institutionOrgnr",
        codes::INVALID_ORGNR
    ));
    assert!(has(
        &app,
        "/responsibility/projectLeader/email",
        codes::INVALID_EMAIL
    ));
    assert!(has(
        &app,
        "/responsibility/dataProcessor/orgnr",
        codes::INVALID_ORGNR
    ));
    assert!(has(
        &app,
        "/responsibility/dataProcessor/name",
        codes::REQUIRED
    ));
}

#[test]
fn privacy_guard_points_at_the_field_and_never_echoes_the_number() {
    let mut app = base();
    app.project.summary = Some(format!("Pasienten {FNR} er med."));
    app.comments = Some(format!("D-nummer {} {}", &DNR[..6], &DNR[6..]));
    app.project
        .research_questions
        .push(format!("Gjelder det {FNR}?"));
    let p = check(&app, &catalogue(), &all_attachments());
    let guarded: Vec<&Problem> = p
        .iter()
        .filter(|p| p.code == codes::NATIONAL_ID_IN_TEXT)
        .collect();
    let pointers: Vec<&str> = guarded.iter().map(|p| p.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        vec![
            "/project/summary",
            "/project/researchQuestions/1",
            "/comments"
        ]
    );
    for problem in &p {
        assert!(!problem.message_nb.contains(FNR) && !problem.message_en.contains(FNR));
        assert!(!problem.message_nb.contains(&DNR[6..]) && !problem.message_en.contains(&DNR[6..]));
    }
    assert!(guarded.iter().all(|p| p.refuses_saving()));
    assert!(scan_free_text(&base()).is_empty());
    // Numbers that are not valid identity numbers pass.
    assert!(scan_text("/x", "Saksnummer 2026/12345678901").is_none());
}

#[test]
fn codes_round_trip() {
    for p in Purpose::ALL {
        assert_eq!(p.as_str().parse::<Purpose>().unwrap(), *p);
    }
    for k in AttachmentKind::ALL {
        assert_eq!(k.as_str().parse::<AttachmentKind>().unwrap(), *k);
    }
    assert!("NOPE".parse::<DataKind>().is_err());
}
