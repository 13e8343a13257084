#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;

use super::*;

fn base() -> Value {
    json!({
        "project": {"title": "Svangerskap", "startDate": "2026-01-01", "endDate": "2028-12-31"},
        "purpose": "MEDICAL_AND_HEALTH_RESEARCH",
        "dataSources": [
            {"code": "MFR", "variables": ["FODSELSAR", "VEKT"], "periodFrom": 2000, "periodTo": 2020},
            {"code": "NPR", "variables": ["DIAGNOSE"], "periodFrom": 2010, "periodTo": 2020}
        ],
        "linkage": {"description": "Koblet på løpenummer"},
        "responsibility": {"institutionOrgnr": "974760673", "dataProcessor": null}
    })
}

fn codes(problems: &[Problem]) -> Vec<(&str, &str)> {
    problems
        .iter()
        .map(|p| (p.pointer.as_str(), p.code))
        .collect()
}

#[test]
fn equal_versions_have_no_difference_and_are_refused_as_nothing_changed() {
    let changes = diff(&base(), &base());
    assert!(changes.is_empty());
    assert_eq!(
        codes(&check_changes("/content", &changes)),
        [("/content", codes::NOTHING_CHANGED)]
    );
}

#[test]
fn a_changed_period_and_a_new_variable_are_pointers_with_old_and_new_values() {
    let mut new = base();
    new["dataSources"][0]["periodTo"] = json!(2024);
    new["dataSources"][0]["variables"] = json!(["FODSELSAR", "VEKT", "LENGDE"]);
    let changes = diff(&base(), &new);
    assert_eq!(
        changes,
        [
            Change {
                pointer: "/dataSources/0/periodTo".into(),
                old: Some(json!(2020)),
                new: Some(json!(2024)),
            },
            Change {
                pointer: "/dataSources/0/variables/2".into(),
                old: None,
                new: Some(json!("LENGDE")),
            },
        ]
    );
    assert!(check_changes("/content", &changes).is_empty());
}

#[test]
fn sources_are_matched_by_code_so_removing_the_first_shows_only_the_removal() {
    let mut new = base();
    new["dataSources"] = json!([base()["dataSources"][1].clone()]);
    let changes = diff(&base(), &new);
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].pointer, "/dataSources/0");
    assert_eq!(changes[0].old.as_ref().unwrap()["code"], "MFR");
    assert_eq!(changes[0].new, None);
}

#[test]
fn an_added_source_is_one_change_at_its_new_index() {
    let mut new = base();
    new["dataSources"]
        .as_array_mut()
        .unwrap()
        .insert(0, json!({"code": "KREFT", "variables": ["DIAGNOSE"]}));
    let changes = diff(&base(), &new);
    assert_eq!(
        changes,
        [Change {
            pointer: "/dataSources/0".into(),
            old: None,
            new: Some(json!({"code": "KREFT", "variables": ["DIAGNOSE"]})),
        }]
    );
}

#[test]
fn a_null_and_an_absent_field_are_the_same_and_keys_are_escaped() {
    let mut new = base();
    new["responsibility"]
        .as_object_mut()
        .unwrap()
        .remove("dataProcessor");
    assert!(diff(&base(), &new).is_empty());
    let changes = diff(&json!({"a/b": 1}), &json!({"a/b": 2}));
    assert_eq!(changes[0].pointer, "/a~1b");
    new["responsibility"]["dataProcessor"] = json!({"name": "Sky AS"});
    let changes = diff(&base(), &new);
    assert_eq!(changes[0].pointer, "/responsibility/dataProcessor");
    assert_eq!(changes[0].old, None);
}

#[test]
fn what_makes_another_project_needs_a_new_application() {
    let mut new = base();
    new["purpose"] = json!("HEALTH_ANALYSIS");
    new["project"]["title"] = json!("Noe annet");
    new["project"]["endDate"] = json!("2029-12-31");
    new["responsibility"]["institutionOrgnr"] = json!("983974724");
    let problems = check_changes("/content", &diff(&base(), &new));
    assert_eq!(
        codes(&problems),
        [
            ("/content/project/title", codes::NEEDS_NEW_APPLICATION),
            ("/content/purpose", codes::NEEDS_NEW_APPLICATION),
            (
                "/content/responsibility/institutionOrgnr",
                codes::NEEDS_NEW_APPLICATION
            ),
        ]
    );
}

#[test]
fn the_end_date_processor_linkage_tables_and_comments_may_change() {
    let mut new = base();
    new["project"]["endDate"] = json!("2030-06-30");
    new["responsibility"]["dataProcessor"] = json!({"name": "Sky AS", "orgnr": "974760673"});
    new["linkage"]["description"] = json!("Koblet av FHI");
    new["tableSpecifications"] = json!([{"title": "T", "dataSource": "MFR"}]);
    new["comments"] = json!("Forlenget");
    let changes = diff(&base(), &new);
    assert_eq!(changes.len(), 5, "{changes:?}");
    assert!(check_changes("/content", &changes).is_empty());
    // "/projectX" is not under "/project/endDate" nor under "/project"
    assert!(!changeable("/project/endDateX"));
    assert!(changeable("/dataSources/3/variables/0"));
    assert!(changeable("/members/2"));
}

#[test]
fn the_decision_covers_the_changed_sources_only() {
    let all = vec!["MFR".to_owned(), "NPR".to_owned()];
    let mut new = base();
    new["dataSources"][1]["periodTo"] = json!(2024);
    let changes = diff(&base(), &new);
    assert_eq!(sources_concerned(&changes, &base(), &new, &all), ["NPR"]);

    let mut table = base();
    table["tableSpecifications"] = json!([{"title": "T", "dataSource": "MFR"}]);
    let changes = diff(&base(), &table);
    assert_eq!(sources_concerned(&changes, &base(), &table, &all), ["MFR"]);
}

#[test]
fn a_change_that_concerns_no_single_source_concerns_them_all() {
    let all = vec!["MFR".to_owned(), "NPR".to_owned()];
    let mut new = base();
    new["project"]["endDate"] = json!("2030-06-30");
    new["dataSources"][1]["periodTo"] = json!(2024);
    let changes = diff(&base(), &new);
    assert_eq!(sources_concerned(&changes, &base(), &new, &all), all);

    let mut removed = base();
    removed["dataSources"] = json!([base()["dataSources"][1].clone()]);
    let changes = diff(&base(), &removed);
    let left = vec!["NPR".to_owned()];
    assert_eq!(sources_concerned(&changes, &base(), &removed, &left), left);
}

#[test]
fn changes_are_asked_for_on_live_and_decided_cases_only() {
    for state in [
        CaseState::Submitted,
        CaseState::AwaitingApplicant,
        CaseState::UnderReview,
        CaseState::Decided,
        CaseState::Appealed,
        CaseState::ForwardedToAppealsBody,
    ] {
        assert!(may_request_change(state, false).is_ok(), "{state:?}");
    }
    assert!(may_request_change(CaseState::Closed, true).is_ok());
    assert!(may_request_change(CaseState::Closed, false).is_err());
    assert!(may_request_change(CaseState::Withdrawn, false).is_err());
    let (nb, en) = may_request_change(CaseState::RejectedNoReply, false).unwrap_err();
    assert!(nb.contains("ny søknad") && en.contains("new application"));
}

#[test]
fn the_version_in_force_is_the_latest_granted_one() {
    use VersionStanding::{Ended, Granted, Pending, Refused};
    assert_eq!(version_in_force(&[(1, Pending)]), None);
    assert_eq!(version_in_force(&[(1, Granted), (2, Pending)]), Some(1));
    assert_eq!(
        version_in_force(&[(1, Granted), (2, Granted), (3, Refused)]),
        Some(2)
    );
    assert_eq!(version_in_force(&[(1, Granted), (2, Ended)]), Some(1));
}

#[test]
fn a_change_is_measured_against_the_version_in_force_else_the_last_submitted() {
    use VersionStanding::{Ended, Granted, Pending, Refused};
    assert_eq!(base_version(&[(1, Granted), (2, Pending)]), 1);
    assert_eq!(base_version(&[(1, Pending)]), 1);
    assert_eq!(base_version(&[(1, Pending), (2, Pending)]), 2);
    assert_eq!(base_version(&[(1, Pending), (2, Ended), (3, Refused)]), 1);
    assert_eq!(base_version(&[(1, Refused), (2, Granted)]), 2);
}
