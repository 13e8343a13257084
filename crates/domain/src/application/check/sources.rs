//! The completeness check's rules for the data sources asked for (known,
//! open, offered for the purpose and kind of data; variables, or a
//! description where the catalogue lists none) and for the linkage plan.

use super::{blank, codes, required};
use crate::application::{
    links_several_registers, requests_identifiable_data, several_identifiable_sources, Application,
    CatalogueFacts, Channel, Problem, RequestedSource, SourceFacts,
};

fn source_problems(i: usize, source: &SourceFacts, app: &Application, out: &mut Vec<Problem>) {
    let at = format!("/dataSources/{i}/code");
    if source.retired {
        out.push(Problem::new(
            at.clone(),
            codes::DATA_SOURCE_RETIRED,
            format!("{} er ikke lenger åpen for søknad.", source.name_nb),
            format!("{} is no longer open for application.", source.name_en),
        ));
    }
    if let Channel::ExternalForm { url } = &source.channel {
        out.push(Problem::new(
            at.clone(),
            codes::SOURCE_EXTERNAL_FORM,
            format!(
                "Det søkes ikke om data fra {} gjennom fellesskjemaet. Søk på dataforvalterens eget skjema: {url}",
                source.name_nb
            ),
            format!(
                "Data from {} is not applied for on the common form. Apply on the custodian's own form: {url}",
                source.name_en
            ),
        ));
    }
    if let Some(purpose) = app.purpose {
        if !source.purposes.contains(&purpose) {
            out.push(Problem::new(
                at.clone(),
                codes::SOURCE_PURPOSE_NOT_OFFERED,
                format!(
                    "{} kan ikke brukes til {}.",
                    source.name_nb,
                    purpose.name_nb()
                ),
                format!(
                    "{} may not be used for {}.",
                    source.name_en,
                    purpose.name_en()
                ),
            ));
        }
    }
    if let Some(kind) = app.data_kind {
        if !source.data_kinds.contains(&kind) {
            out.push(Problem::new(
                at,
                codes::SOURCE_DATA_KIND_NOT_OFFERED,
                format!("{} utleverer ikke {}.", source.name_nb, kind.name_nb()),
                format!("{} does not deliver {}.", source.name_en, kind.name_en()),
            ));
        }
    }
}

pub(super) fn unknown_source(pointer: String, code: &str) -> Problem {
    Problem::new(
        pointer,
        codes::UNKNOWN_DATA_SOURCE,
        format!("Datakilden «{code}» finnes ikke i katalogen."),
        format!("The data source \"{code}\" is not in the catalogue."),
    )
}

pub(super) fn data_sources(app: &Application, catalogue: &CatalogueFacts, out: &mut Vec<Problem>) {
    if app.data_sources.is_empty() {
        out.push(Problem::new(
            "/dataSources",
            codes::REQUIRED,
            "Velg minst én datakilde.",
            "Choose at least one data source.",
        ));
    }
    for (i, requested) in app.data_sources.iter().enumerate() {
        if requested.code.trim().is_empty() {
            required(
                out,
                &format!("/dataSources/{i}/code"),
                "Datakilden",
                "The data source",
            );
            continue;
        }
        if app.data_sources[..i]
            .iter()
            .any(|s| s.code == requested.code)
        {
            out.push(Problem::new(
                format!("/dataSources/{i}/code"),
                codes::DUPLICATE_DATA_SOURCE,
                format!("Datakilden {} er valgt mer enn én gang.", requested.code),
                format!(
                    "The data source {} is chosen more than once.",
                    requested.code
                ),
            ));
        }
        if let (Some(from), Some(to)) = (requested.period_from, requested.period_to) {
            if from > to {
                out.push(Problem::new(
                    format!("/dataSources/{i}/periodTo"),
                    codes::DATES_OUT_OF_ORDER,
                    format!("Perioden slutter ({to}) før den begynner ({from})."),
                    format!("The period ends ({to}) before it begins ({from})."),
                ));
            }
        }
        let Some(source) = catalogue.sources.get(&requested.code) else {
            out.push(unknown_source(
                format!("/dataSources/{i}/code"),
                &requested.code,
            ));
            continue;
        };
        source_problems(i, source, app, out);
        if source.variables.is_empty() {
            uncatalogued_source(i, source, requested, app, out);
            continue;
        }
        if requests_identifiable_data(app) && requested.variables.is_empty() {
            out.push(Problem::new(
                format!("/dataSources/{i}/variables"),
                codes::REQUIRED,
                format!("Velg variablene du trenger fra {}.", source.name_nb),
                format!("Choose the variables you need from {}.", source.name_en),
            ));
        }
        for (j, name) in requested.variables.iter().enumerate() {
            if source.variables.get(name).is_none_or(|v| v.retired) {
                out.push(Problem::new(
                    format!("/dataSources/{i}/variables/{j}"),
                    codes::UNKNOWN_VARIABLE,
                    format!("{} har ingen variabel «{name}».", source.name_nb),
                    format!("{} has no variable \"{name}\".", source.name_en),
                ));
            }
        }
    }
}

/// A source with no catalogued variables: the applicant describes the data
/// wanted in free text instead of choosing variables (identifiable data).
fn uncatalogued_source(
    i: usize,
    source: &SourceFacts,
    requested: &RequestedSource,
    app: &Application,
    out: &mut Vec<Problem>,
) {
    if requests_identifiable_data(app) && blank(requested.data_description.as_ref()) {
        out.push(Problem::new(
            format!("/dataSources/{i}/dataDescription"),
            codes::DATA_DESCRIPTION_MISSING,
            format!(
                "{} har ingen variabelliste i katalogen: beskriv med egne ord hvilke opplysninger du trenger.",
                source.name_nb
            ),
            format!(
                "{} has no variable list in the catalogue: describe in your own words the data you need.",
                source.name_en
            ),
        ));
    }
    for (j, name) in requested.variables.iter().enumerate() {
        out.push(Problem::new(
            format!("/dataSources/{i}/variables/{j}"),
            codes::UNKNOWN_VARIABLE,
            format!(
                "{} har ingen variabelliste i katalogen, så «{name}» kan ikke velges: beskriv opplysningene i dataDescription.",
                source.name_nb
            ),
            format!(
                "{} has no variable list in the catalogue, so \"{name}\" cannot be chosen: describe the data in dataDescription.",
                source.name_en
            ),
        ));
    }
}

pub(super) fn linkage(app: &Application, out: &mut Vec<Problem>) {
    if links_several_registers(app) && blank(app.linkage_description.as_ref()) {
        out.push(Problem::new(
            "/linkage/description",
            codes::LINKAGE_DESCRIPTION_MISSING,
            "Sammenstillingsplanen kobler opplysninger fra flere registre: beskriv sammenstillingen.",
            "The linkage plan links data from several registers: describe the linkage.",
        ));
    } else if several_identifiable_sources(app) && blank(app.linkage_description.as_ref()) {
        out.push(Problem::new(
            "/linkage/description",
            codes::LINKAGE_DESCRIPTION_MISSING,
            "Identifiserbare opplysninger fra flere registre: beskriv hvordan de sammenstilles, eller at de ikke skal sammenstilles.",
            "Identifiable data from several registers: describe how they are linked, or that they are not.",
        ));
    }
    let plan = &app.linkage_plan;
    for (i, code) in plan.linked_sources.iter().enumerate() {
        let at = format!("/linkage/linkedSources/{i}");
        if code.trim().is_empty() {
            required(out, &at, "Datakilden", "The data source");
        } else if !app.data_sources.iter().any(|s| s.code == *code) {
            out.push(Problem::new(
                at,
                codes::LINKED_SOURCE_NOT_REQUESTED,
                format!("Datakilden {code} skal sammenstilles, men er ikke blant de valgte datakildene. Velg den, eller oppgi den under andre registre."),
                format!("The data source {code} is to be linked but is not among the chosen data sources. Choose it, or name it under other registers."),
            ));
        }
    }
    for (i, name) in plan.other_registers.iter().enumerate() {
        if name.trim().is_empty() {
            required(
                out,
                &format!("/linkage/otherRegisters/{i}"),
                "Registerets navn",
                "The register's name",
            );
        }
    }
    let named = plan
        .linked_sources
        .iter()
        .chain(&plan.other_registers)
        .any(|s| !s.trim().is_empty());
    if named && crate::application::linked_registers(app) < 2 {
        out.push(Problem::new(
            "/linkage/linkedSources",
            codes::LINKAGE_NEEDS_TWO_REGISTERS,
            "En sammenstilling kobler opplysninger fra minst to registre: oppgi hva som kobles med hva, eller fjern planen.",
            "A linkage links data from at least two registers: say what is linked with what, or remove the plan.",
        ));
    }
}
