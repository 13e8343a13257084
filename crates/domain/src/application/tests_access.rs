//! Every source can be applied for (sources without catalogued variables,
//! anonymous data from a private person), the linkage plan and the 30/60
//! clock it gives, and when an exemption from confidentiality is needed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::tests::{all_attachments, anonymous, base, catalogue, source};
use super::*;
use crate::calendar::DataLinkage;

const ALL_PURPOSES: [Purpose; 3] = [
    Purpose::MedicalAndHealthResearch,
    Purpose::OtherResearch,
    Purpose::HealthAnalysis,
];
const ALL_KINDS: [DataKind; 3] = [
    DataKind::Anonymous,
    DataKind::IndirectlyIdentifiable,
    DataKind::DirectlyIdentifiable,
];

/// The test catalogue plus FORTIAAR, a source with no catalogued variables.
fn catalogue_with_fortiaar() -> CatalogueFacts {
    let mut c = catalogue();
    c.sources.insert(
        "FORTIAAR".into(),
        source("FORTIAAR", &ALL_PURPOSES, &ALL_KINDS, &[]),
    );
    c
}

fn problems_with(app: &Application, attachments: &Attachments) -> Vec<(String, &'static str)> {
    check(app, &catalogue_with_fortiaar(), attachments)
        .into_iter()
        .map(|p| (p.pointer, p.code))
        .collect()
}

fn problems(app: &Application) -> Vec<(String, &'static str)> {
    problems_with(app, &all_attachments())
}

/// One identifiable source: FORTIAAR.
fn fortiaar_only() -> Application {
    let mut app = base();
    app.data_sources = vec![RequestedSource {
        code: "FORTIAAR".into(),
        period_from: Some(2010),
        period_to: Some(2020),
        ..Default::default()
    }];
    app.linkage_plan = LinkagePlan::default();
    app.linkage_description = None;
    app
}

#[test]
fn a_source_without_catalogued_variables_asks_for_a_description_instead() {
    let mut app = fortiaar_only();
    let p = check(&app, &catalogue_with_fortiaar(), &all_attachments());
    assert_eq!(
        p.iter()
            .map(|p| (p.pointer.as_str(), p.code))
            .collect::<Vec<_>>(),
        vec![(
            "/dataSources/0/dataDescription",
            codes::DATA_DESCRIPTION_MISSING
        )]
    );
    assert!(p[0].message_nb.contains("beskriv med egne ord"));
    assert!(p[0].message_en.contains("describe in your own words"));
    assert!(!p[0].refuses_saving(), "an unfinished draft can be saved");
    // Blank does not count.
    app.data_sources[0].data_description = Some("  ".into());
    assert_eq!(
        problems(&app),
        vec![(
            "/dataSources/0/dataDescription".to_owned(),
            codes::DATA_DESCRIPTION_MISSING
        )]
    );
    app.data_sources[0].data_description =
        Some("Dødsårsak og dødsår for personer født 1950–1960.".into());
    assert_eq!(problems(&app), vec![]);
    // A variable name cannot be chosen from a source with no list; the
    // message says to describe the data instead.
    app.data_sources[0].variables = vec!["DODSAARSAK".into()];
    let p = check(&app, &catalogue_with_fortiaar(), &all_attachments());
    assert_eq!(p.len(), 1);
    assert_eq!(
        (p[0].pointer.as_str(), p[0].code),
        ("/dataSources/0/variables/0", codes::UNKNOWN_VARIABLE)
    );
    assert!(p[0].message_en.contains("dataDescription"));
}

#[test]
fn a_catalogued_source_still_needs_variables_and_a_description_is_optional() {
    let mut app = base();
    app.data_sources[0].variables.clear();
    assert!(problems(&app).contains(&("/dataSources/0/variables".to_owned(), codes::REQUIRED)));
    app.data_sources[0].variables = vec!["VEKT".into()];
    app.data_sources[0].data_description = Some("Fødselsvekt i gram.".into());
    assert_eq!(problems(&app), vec![]);
}

#[test]
fn the_data_description_is_scanned_for_national_identity_numbers() {
    let mut app = fortiaar_only();
    app.data_sources[0].data_description = Some("Personen 15058550040 og andre.".into());
    assert_eq!(
        problems(&app),
        vec![(
            "/dataSources/0/dataDescription".to_owned(),
            codes::NATIONAL_ID_IN_TEXT
        )]
    );
    assert!(free_text_fields(&app)
        .iter()
        .any(|(p, _)| p == "/dataSources/0/dataDescription"));
}

#[test]
fn tables_from_a_source_without_catalogued_variables_name_their_own_variables() {
    let mut app = anonymous();
    app.data_sources[0].code = "FORTIAAR".into();
    app.table_specifications[0].data_source = "FORTIAAR".into();
    app.table_specifications[0].variables[0].name = "Dødsårsak (ICD-10 kapittel)".into();
    let attachments = Attachments::new([AttachmentKind::ProjectDescription]);
    assert_eq!(problems_with(&app, &attachments), vec![]);
    // A catalogued source still checks the names.
    let mut mfr = anonymous();
    mfr.table_specifications[0].variables[0].name = "Dødsårsak".into();
    assert!(problems_with(&mfr, &attachments).contains(&(
        "/tableSpecifications/0/variables/0/name".to_owned(),
        codes::TABLE_VARIABLE_NOT_IN_SOURCE
    )));
}

fn private_person() -> Application {
    let mut app = anonymous();
    app.responsibility.institution_orgnr = None;
    app.responsibility.institution_name = None;
    app.responsibility.research_responsibility = None;
    app
}

#[test]
fn a_private_person_may_apply_for_anonymous_data_without_an_institution() {
    let attachments = Attachments::new([AttachmentKind::ProjectDescription]);
    let app = private_person();
    assert!(private_person_applies(&app));
    assert_eq!(problems_with(&app, &attachments), vec![]);
    // Research with anonymous data: no research responsibility without an institution.
    let mut research = private_person();
    research.purpose = Some(Purpose::OtherResearch);
    assert_eq!(problems_with(&research, &attachments), vec![]);
    // The project leader is still named.
    let mut nameless = private_person();
    nameless.responsibility.project_leader.name = None;
    assert_eq!(
        problems_with(&nameless, &attachments),
        vec![(
            "/responsibility/projectLeader/name".to_owned(),
            codes::REQUIRED
        )]
    );
}

#[test]
fn an_institution_named_halfway_or_identifiable_data_still_need_the_institution() {
    let attachments = Attachments::new([AttachmentKind::ProjectDescription]);
    // A name without its organisation number is not a private person.
    let mut half = private_person();
    half.responsibility.institution_name = Some("Universitetet i Oslo".into());
    assert!(!private_person_applies(&half));
    assert_eq!(
        problems_with(&half, &attachments),
        vec![(
            "/responsibility/institutionOrgnr".to_owned(),
            codes::REQUIRED
        )]
    );
    // Identifiable data: the institution is required as before.
    let mut identifiable = base();
    identifiable.responsibility.institution_orgnr = None;
    identifiable.responsibility.institution_name = None;
    let p = problems(&identifiable);
    for pointer in [
        "/responsibility/institutionOrgnr",
        "/responsibility/institutionName",
    ] {
        assert!(p.contains(&(pointer.to_owned(), codes::REQUIRED)), "{p:?}");
    }
    // An anonymous application from an institution still names its research
    // responsibility for research.
    let mut institution = anonymous();
    institution.purpose = Some(Purpose::OtherResearch);
    institution.responsibility.research_responsibility = None;
    assert_eq!(
        problems_with(&institution, &attachments),
        vec![(
            "/responsibility/researchResponsibility".to_owned(),
            codes::REQUIRED
        )]
    );
}

#[test]
fn the_linkage_plan_names_requested_sources_and_at_least_two_registers() {
    let mut app = base();
    app.linkage_plan.linked_sources = vec!["MFR".into(), "KREFT".into(), " ".into()];
    app.linkage_plan.other_registers = vec![String::new()];
    assert_eq!(
        problems(&app),
        vec![
            (
                "/linkage/linkedSources/1".to_owned(),
                codes::LINKED_SOURCE_NOT_REQUESTED
            ),
            ("/linkage/linkedSources/2".to_owned(), codes::REQUIRED),
            ("/linkage/otherRegisters/0".to_owned(), codes::REQUIRED),
        ]
    );
    // Only one register named: nothing to link it with.
    app.linkage_plan = LinkagePlan {
        linked_sources: vec!["MFR".into()],
        other_registers: vec![],
    };
    let p = check(&app, &catalogue_with_fortiaar(), &all_attachments());
    assert_eq!(
        p.iter()
            .map(|p| (p.pointer.as_str(), p.code))
            .collect::<Vec<_>>(),
        vec![("/linkage/linkedSources", codes::LINKAGE_NEEDS_TWO_REGISTERS)]
    );
    assert!(p[0].message_nb.contains("minst to registre"));
    // The same register twice is one register.
    app.linkage_plan.linked_sources = vec!["MFR".into(), " MFR".into()];
    assert_eq!(linked_registers(&app), 1);
    assert!(problems(&app).contains(&(
        "/linkage/linkedSources".to_owned(),
        codes::LINKAGE_NEEDS_TWO_REGISTERS
    )));
    // Other registers' names are scanned like any free text.
    app.linkage_plan = LinkagePlan {
        linked_sources: vec!["MFR".into()],
        other_registers: vec!["Kohort med 15058550040".into()],
    };
    assert_eq!(
        problems(&app),
        vec![(
            "/linkage/otherRegisters/0".to_owned(),
            codes::NATIONAL_ID_IN_TEXT
        )]
    );
}

/// Helseregisterloven § 19 f by the linkage plan: every combination the
/// issue names.
#[test]
fn thirty_or_sixty_by_the_linkage_plan_not_by_counting_sources() {
    // One source.
    let mut one = fortiaar_only();
    one.data_sources[0].data_description = Some("Dødsårsaker.".into());
    assert_eq!(statutory_linkage(&one), DataLinkage::SingleSource);

    // Two identifiable sources delivered separately: 30.
    let mut separate = base();
    separate.linkage_plan = LinkagePlan::default();
    separate.linkage_description = Some("Dataene sammenstilles ikke.".into());
    assert_eq!(problems(&separate), vec![]);
    assert_eq!(statutory_linkage(&separate), DataLinkage::SingleSource);

    // Two identifiable sources linked: 60.
    let linked = base();
    assert_eq!(problems(&linked), vec![]);
    assert_eq!(
        statutory_linkage(&linked),
        DataLinkage::IdentifiableDataFromSeveralRegisters
    );

    // One register linked with another register's data: 60.
    let mut with_other = base();
    with_other.data_sources.truncate(1);
    with_other.linkage_plan = LinkagePlan {
        linked_sources: vec!["MFR".into()],
        other_registers: vec!["Kreftregisteret (data prosjektet har fra før)".into()],
    };
    with_other.linkage_description = Some("MFR kobles med prosjektets kreftdata hos FHI.".into());
    assert_eq!(problems(&with_other), vec![]);
    assert_eq!(
        statutory_linkage(&with_other),
        DataLinkage::IdentifiableDataFromSeveralRegisters
    );

    // Anonymous statistics from one source: 30 (seed 004).
    let stats_one = anonymous();
    assert_eq!(statutory_linkage(&stats_one), DataLinkage::SingleSource);

    // Anonymous tables from two sources, each table from one source: 30.
    let mut stats_separate = anonymous();
    stats_separate.data_sources.push(RequestedSource {
        code: "NPR".into(),
        ..Default::default()
    });
    let mut npr_table = stats_separate.table_specifications[0].clone();
    npr_table.data_source = "NPR".into();
    npr_table.variables = vec![TableVariable {
        name: "HOVEDTILSTAND1".into(),
        categories: vec!["kreft".into(), "annet".into()],
    }];
    stats_separate.table_specifications.push(npr_table);
    let attachments = Attachments::new([AttachmentKind::ProjectDescription]);
    assert_eq!(problems_with(&stats_separate, &attachments), vec![]);
    assert_eq!(
        statutory_linkage(&stats_separate),
        DataLinkage::SingleSource
    );

    // Statistics compiled (sammenstilt) from both sources: 60 (seed 004).
    let mut stats_linked = stats_separate.clone();
    stats_linked.linkage_plan.linked_sources = vec!["MFR".into(), "NPR".into()];
    stats_linked.linkage_description = Some("Tabellene lages av koblede data.".into());
    assert_eq!(problems_with(&stats_linked, &attachments), vec![]);
    assert_eq!(
        statutory_linkage(&stats_linked),
        DataLinkage::StatisticsFromSeveralSources
    );
}

#[test]
fn an_exemption_from_confidentiality_is_needed_for_identifiable_data_without_consent() {
    let mut app = base(); // art. 6 e, art. 9 j
    assert!(needs_confidentiality_exemption(&app));
    app.legal_basis.gdpr_article6 = vec![Art6Letter::new('a').unwrap()];
    assert!(
        needs_confidentiality_exemption(&app),
        "consent under art. 6 only"
    );
    app.legal_basis.gdpr_article9 = vec![Art9Letter::new('a').unwrap()];
    assert!(consent_based(&app));
    assert!(!needs_confidentiality_exemption(&app));
    assert!(!needs_confidentiality_exemption(&anonymous()));
}
