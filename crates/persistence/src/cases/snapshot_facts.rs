//! What case handling reads from the frozen submitted application (the
//! API's JSON form, kept in `application_snapshots.content`): the parts the
//! domain's rules need, as a domain [`Application`]. The statutory clock
//! (30 or 60 working days by the linkage plan), the complete-decision rules
//! and the decision letter read it.
//!
//! Only what those rules use is read; a field missing or of another shape
//! reads as absent (the snapshot passed the completeness check when it was
//! submitted).

use hds_domain::application::{
    Application, Art6Letter, Art9Letter, Contact, LegalBasis, LinkagePlan, Project,
    RequestedSource, Responsibility, TableSpecification,
};
use serde_json::Value;

fn text(v: &Value, pointer: &str) -> Option<String> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn texts(v: &Value, pointer: &str) -> Vec<String> {
    v.pointer(pointer)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn items<'a>(v: &'a Value, pointer: &str) -> &'a [Value] {
    v.pointer(pointer)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn year(v: &Value, key: &str) -> Option<i32> {
    v.get(key)
        .and_then(Value::as_i64)
        .and_then(|y| i32::try_from(y).ok())
}

fn letters<T>(v: &Value, pointer: &str, new: fn(char) -> Option<T>) -> Vec<T> {
    texts(v, pointer)
        .iter()
        .filter_map(|s| s.chars().next())
        .filter_map(new)
        .collect()
}

/// The submitted application in `snapshot` (the `application_snapshots`
/// document: `{content, attachments, caseNumber, ...}`).
pub fn application_of(snapshot: &Value) -> Application {
    let c = snapshot.get("content").unwrap_or(&Value::Null);
    Application {
        project: Project {
            title: text(c, "/project/title"),
            summary: text(c, "/project/summary"),
            ..Project::default()
        },
        purpose: text(c, "/purpose").and_then(|p| p.parse().ok()),
        data_kind: text(c, "/dataKind/kind").and_then(|k| k.parse().ok()),
        data_sources: items(c, "/dataSources")
            .iter()
            .map(|s| RequestedSource {
                code: text(s, "/code").unwrap_or_default(),
                variables: texts(s, "/variables"),
                period_from: year(s, "periodFrom"),
                period_to: year(s, "periodTo"),
                data_description: text(s, "/dataDescription"),
            })
            .collect(),
        linkage_description: text(c, "/linkage/description"),
        linkage_plan: LinkagePlan {
            linked_sources: texts(c, "/linkage/linkedSources"),
            other_registers: texts(c, "/linkage/otherRegisters"),
        },
        responsibility: Responsibility {
            institution_orgnr: text(c, "/responsibility/institutionOrgnr"),
            institution_name: text(c, "/responsibility/institutionName"),
            project_leader: Contact {
                name: text(c, "/responsibility/projectLeader/name"),
                email: text(c, "/responsibility/projectLeader/email"),
            },
            ..Responsibility::default()
        },
        legal_basis: LegalBasis {
            gdpr_article6: letters(c, "/legalBasis/gdprArticle6", Art6Letter::new),
            gdpr_article9: letters(c, "/legalBasis/gdprArticle9", Art9Letter::new),
            ..LegalBasis::default()
        },
        table_specifications: items(c, "/tableSpecifications")
            .iter()
            .map(|t| TableSpecification {
                title: text(t, "/title"),
                data_source: text(t, "/dataSource").unwrap_or_default(),
                variables: Vec::new(),
            })
            .collect(),
        ..Application::default()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use hds_domain::application::{statutory_linkage, DataKind};
    use hds_domain::calendar::DataLinkage;
    use hds_domain::case::DecisionFacts;
    use serde_json::json;

    use super::*;

    #[test]
    fn the_linkage_plan_and_the_decision_facts_are_read_from_the_snapshot() {
        let snapshot = json!({"content": {
            "dataKind": {"kind": "INDIRECTLY_IDENTIFIABLE"},
            "dataSources": [{"code": "MFR", "variables": ["VEKT"], "periodFrom": 2000},
                            {"code": "FORTIAAR", "dataDescription": "Blodtrykk"}],
            "linkage": {"description": "MFR kobles med DAR", "linkedSources": ["MFR"],
                        "otherRegisters": ["Dødsårsaksregisteret"]},
            "legalBasis": {"gdprArticle6": ["E"], "gdprArticle9": ["J"]},
            "tableSpecifications": [{"title": "T", "dataSource": "MFR"}],
        }});
        let app = application_of(&snapshot);
        assert_eq!(app.data_kind, Some(DataKind::IndirectlyIdentifiable));
        assert_eq!(app.data_sources[0].period_from, Some(2000));
        assert_eq!(
            app.data_sources[1].data_description.as_deref(),
            Some("Blodtrykk")
        );
        assert_eq!(
            statutory_linkage(&app),
            DataLinkage::IdentifiableDataFromSeveralRegisters
        );
        let facts = DecisionFacts::of(&app);
        assert!(facts.identifiable && facts.exemption_needed);
        assert_eq!(facts.table_sources, vec!["MFR".to_owned()]);
    }

    #[test]
    fn two_sources_without_a_linkage_plan_are_thirty_days() {
        let snapshot = json!({"content": {
            "dataKind": {"kind": "INDIRECTLY_IDENTIFIABLE"},
            "dataSources": [{"code": "MFR"}, {"code": "NPR"}],
            "legalBasis": {"gdprArticle6": ["A"], "gdprArticle9": ["A"]},
        }});
        let app = application_of(&snapshot);
        assert_eq!(statutory_linkage(&app), DataLinkage::SingleSource);
        assert!(!DecisionFacts::of(&app).exemption_needed, "consent");
    }
}
