//! The decision letter (vedtaksbrev): what the applicant, the co-applicants,
//! HDS and the custodians concerned read, as text. Rendering it (PDF) is the
//! caller's; the words are here, in bokmål or English.
//!
//! It holds what forvaltningsloven §§ 24, 25 and 27 ask of an individual
//! decision, and what issue 12 names: the case number; the parties (the
//! applicant and the institution, who decided, the custodians who make the
//! data available); for each source its outcome and legal basis
//! (hjemmel), the decision text, what a partial grant grants, the
//! conditions (vilkår), the period the access is valid for, the date by
//! which the data must be deleted or returned, the decision on exemption
//! from confidentiality, the outcome per table; the right to appeal within
//! 3 weeks (forvaltningsloven § 29), by which date and to whom; and when the
//! data are due (helseregisterloven § 19 f).

use time::Date;

use super::{DecisionOutcome, DecisionTerms, Disposal};

/// The letter's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Bokmål (the default).
    #[default]
    Nb,
    /// English, on request.
    En,
}

impl Lang {
    /// `nb` or `en`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Nb => "nb",
            Self::En => "en",
        }
    }
}

/// A body that decides or delivers: HDS or a custodian.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    pub name: String,
    /// Where to write (e.g. to appeal).
    pub email: Option<String>,
}

/// One data source's decision, as the letter states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterSource {
    pub code: String,
    pub name_nb: String,
    pub name_en: String,
    /// The custodian that makes the data available.
    pub custodian: Body,
    /// Who decided: `None` for HDS, else the custodian.
    pub decided_by_custodian: Option<Body>,
    pub outcome: DecisionOutcome,
    pub legal_basis: Vec<String>,
    pub conditions: Vec<String>,
    /// The decision text (vedtakstekst).
    pub text: String,
    pub granted_variables: Option<Vec<String>>,
    pub granted_period: Option<(Option<i32>, Option<i32>)>,
    pub terms: DecisionTerms,
    /// The titles of the tables asked for, by index (for per-table outcomes).
    pub table_titles: Vec<(usize, String)>,
}

/// What the letter is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterFacts {
    pub case_number: String,
    pub decided_on: Date,
    /// The project leader (prosjektleder), who is the applicant's contact.
    pub project_leader: Option<String>,
    /// The responsible institution; `None` for a private person.
    pub institution: Option<String>,
    pub project_title: Option<String>,
    /// Helsedataservice, with its address.
    pub hds: Body,
    pub sources: Vec<LetterSource>,
    /// The last day to appeal; `None` when everything was granted.
    pub appeal_deadline: Option<Date>,
    /// The date the data are due (statutory deadline or postponed date).
    pub due_on: Option<Date>,
}

/// A line of the letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// The letter's title.
    Title(String),
    /// A section heading.
    Heading(String),
    /// A paragraph or a labelled line.
    Text(String),
    /// An item of a list, indented.
    Item(String),
    /// Space between blocks.
    Blank,
}

/// The letter as lines, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub lang: Lang,
    pub lines: Vec<Line>,
}

impl Letter {
    /// The letter's words, one line each (for tests and plain-text copies).
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            match line {
                Line::Title(t) | Line::Heading(t) | Line::Text(t) => out.push_str(t),
                Line::Item(t) => {
                    out.push_str("- ");
                    out.push_str(t);
                }
                Line::Blank => {}
            }
            out.push('\n');
        }
        out
    }
}

/// A date as the letter writes it: `01.12.2026` (nb), `1 December 2026` (en).
pub fn letter_date(d: Date, lang: Lang) -> String {
    match lang {
        Lang::Nb => format!("{:02}.{:02}.{}", d.day(), u8::from(d.month()), d.year()),
        Lang::En => format!("{} {} {}", d.day(), d.month(), d.year()),
    }
}

struct Words {
    lang: Lang,
}

impl Words {
    fn pick<'a>(&self, nb: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Nb => nb,
            Lang::En => en,
        }
    }

    fn date(&self, d: Date) -> String {
        letter_date(d, self.lang)
    }

    fn outcome(&self, o: DecisionOutcome) -> &'static str {
        match (o, self.lang) {
            (DecisionOutcome::Granted, Lang::Nb) => "Innvilget",
            (DecisionOutcome::PartlyGranted, Lang::Nb) => "Delvis innvilget",
            (DecisionOutcome::Refused, Lang::Nb) => "Avslått",
            (DecisionOutcome::Granted, Lang::En) => "Granted",
            (DecisionOutcome::PartlyGranted, Lang::En) => "Partly granted",
            (DecisionOutcome::Refused, Lang::En) => "Refused",
        }
    }
}

/// The decision letter for `facts`, in `lang`.
pub fn decision_letter(facts: &LetterFacts, lang: Lang) -> Letter {
    let w = Words { lang };
    let mut lines = vec![
        Line::Text(facts.hds.name.clone()),
        Line::Title(
            w.pick(
                "Vedtak om tilgjengeliggjøring av helseopplysninger",
                "Decision on access to health data",
            )
            .to_owned(),
        ),
        Line::Text(format!(
            "{}: {}",
            w.pick("Saksnummer", "Case number"),
            facts.case_number
        )),
        Line::Text(format!(
            "{}: {}",
            w.pick("Vedtaksdato", "Date of decision"),
            w.date(facts.decided_on)
        )),
        Line::Blank,
    ];
    parties(&w, facts, &mut lines);
    lines.push(Line::Heading(
        w.pick("Vedtak per datakilde", "Decision per data source")
            .to_owned(),
    ));
    for s in &facts.sources {
        source(&w, s, &mut lines);
    }
    delivery(&w, facts, &mut lines);
    appeal(&w, facts, &mut lines);
    Letter { lang, lines }
}

fn parties(w: &Words, facts: &LetterFacts, lines: &mut Vec<Line>) {
    lines.push(Line::Heading(w.pick("Parter", "Parties").to_owned()));
    let leader = facts
        .project_leader
        .clone()
        .unwrap_or_else(|| w.pick("(ikke oppgitt)", "(not given)").to_owned());
    let institution = facts.institution.clone().unwrap_or_else(|| {
        w.pick(
            "privatperson (ingen institusjon)",
            "private person (no institution)",
        )
        .to_owned()
    });
    lines.push(Line::Text(format!(
        "{}: {leader}, {institution}",
        w.pick("Søker (prosjektleder)", "Applicant (project leader)")
    )));
    if let Some(title) = &facts.project_title {
        lines.push(Line::Text(format!(
            "{}: {title}",
            w.pick("Prosjekt", "Project")
        )));
    }
    let mut deciders: Vec<&str> = Vec::new();
    for s in &facts.sources {
        let name = s
            .decided_by_custodian
            .as_ref()
            .map_or(facts.hds.name.as_str(), |b| b.name.as_str());
        if !deciders.contains(&name) {
            deciders.push(name);
        }
    }
    lines.push(Line::Text(format!(
        "{}: {}",
        w.pick("Vedtaket er fattet av", "Decided by"),
        deciders.join(", ")
    )));
    let mut custodians: Vec<&str> = Vec::new();
    for s in &facts.sources {
        if !custodians.contains(&s.custodian.name.as_str()) {
            custodians.push(&s.custodian.name);
        }
    }
    lines.push(Line::Text(format!(
        "{}: {}",
        w.pick("Registerforvaltere", "Register custodians"),
        custodians.join(", ")
    )));
    lines.push(Line::Blank);
}

fn source(w: &Words, s: &LetterSource, lines: &mut Vec<Line>) {
    let name = w.pick(&s.name_nb, &s.name_en);
    lines.push(Line::Heading(format!("{name} ({})", s.code)));
    lines.push(Line::Text(format!(
        "{}: {}",
        w.pick("Utfall", "Outcome"),
        w.outcome(s.outcome)
    )));
    lines.push(Line::Text(format!(
        "{}: {}",
        w.pick("Hjemmel", "Legal basis"),
        s.legal_basis.join("; ")
    )));
    lines.push(Line::Text(format!(
        "{}: {}",
        w.pick("Registerforvalter", "Register custodian"),
        s.custodian.name
    )));
    if !s.text.trim().is_empty() {
        lines.push(Line::Text(s.text.trim().to_owned()));
    }
    if let Some(vars) = s.granted_variables.as_ref().filter(|v| !v.is_empty()) {
        lines.push(Line::Text(format!(
            "{}: {}",
            w.pick("Innvilgede variabler", "Variables granted"),
            vars.join(", ")
        )));
    }
    if let Some((from, to)) = s.granted_period.filter(|(f, t)| f.is_some() || t.is_some()) {
        let year = |y: Option<i32>| y.map_or_else(|| "…".to_owned(), |y| y.to_string());
        lines.push(Line::Text(format!(
            "{}: {}–{}",
            w.pick("Innvilget periode", "Period granted"),
            year(from),
            year(to)
        )));
    }
    if !s.conditions.is_empty() {
        lines.push(Line::Text(w.pick("Vilkår:", "Conditions:").to_owned()));
        for (i, c) in s.conditions.iter().enumerate() {
            lines.push(Line::Item(format!("{}. {}", i + 1, c.trim())));
        }
    }
    terms(w, &s.terms, lines);
    tables(w, s, lines);
    lines.push(Line::Blank);
}

fn terms(w: &Words, t: &DecisionTerms, lines: &mut Vec<Line>) {
    match (t.access_from, t.access_to) {
        (Some(from), Some(to)) => lines.push(Line::Text(format!(
            "{} {} {} {}.",
            w.pick("Tilgangen gjelder fra", "The access is valid from"),
            w.date(from),
            w.pick("til og med", "up to and including"),
            w.date(to)
        ))),
        (Some(from), None) => lines.push(Line::Text(format!(
            "{} {}.",
            w.pick("Tilgangen gjelder fra", "The access is valid from"),
            w.date(from)
        ))),
        (None, Some(to)) => lines.push(Line::Text(format!(
            "{} {}.",
            w.pick(
                "Tilgangen gjelder til og med",
                "The access is valid up to and including"
            ),
            w.date(to)
        ))),
        (None, None) => {}
    }
    if let Some(by) = t.dispose_by {
        let what = match t.disposal {
            Some(Disposal::Return) => w.pick(
                "Opplysningene skal leveres tilbake til registerforvalteren innen",
                "The data must be returned to the register custodian by",
            ),
            _ => w.pick(
                "Opplysningene skal slettes innen",
                "The data must be deleted by",
            ),
        };
        lines.push(Line::Text(format!("{what} {}.", w.date(by))));
    }
    if let Some(e) = &t.exemption {
        let outcome = if e.granted {
            w.pick("innvilget", "granted")
        } else {
            w.pick("avslått", "refused")
        };
        lines.push(Line::Text(format!(
            "{}: {outcome}. {}: {}",
            w.pick(
                "Dispensasjon fra taushetsplikt",
                "Exemption from confidentiality (dispensasjon fra taushetsplikt)"
            ),
            w.pick("Hjemmel", "Legal basis"),
            e.legal_basis.join("; ")
        )));
        for (i, c) in e.conditions.iter().enumerate() {
            lines.push(Line::Item(format!("{}. {}", i + 1, c.trim())));
        }
    }
}

fn tables(w: &Words, s: &LetterSource, lines: &mut Vec<Line>) {
    for t in &s.terms.tables {
        let title = s
            .table_titles
            .iter()
            .find(|(i, _)| *i == t.table)
            .map(|(_, title)| format!(" «{title}»"))
            .unwrap_or_default();
        let reason = t
            .reason
            .as_deref()
            .map(|r| format!(" ({})", r.trim()))
            .unwrap_or_default();
        lines.push(Line::Item(format!(
            "{} {}{title}: {}{reason}",
            w.pick("Tabell", "Table"),
            t.table + 1,
            w.outcome(t.outcome).to_lowercase()
        )));
    }
}

fn delivery(w: &Words, facts: &LetterFacts, lines: &mut Vec<Line>) {
    let granted = facts
        .sources
        .iter()
        .any(|s| s.outcome != DecisionOutcome::Refused);
    if !granted {
        return;
    }
    lines.push(Line::Heading(
        w.pick("Tilgjengeliggjøring", "Making the data available")
            .to_owned(),
    ));
    lines.push(Line::Text(
        w.pick(
            "Registerforvalterne tilgjengeliggjør opplysningene direkte til deg.",
            "The register custodians make the data available directly to you.",
        )
        .to_owned(),
    ));
    if let Some(due) = facts.due_on {
        lines.push(Line::Text(format!(
            "{} {} (helseregisterloven § 19 f).",
            w.pick("Fristen for tilgjengeliggjøring er", "The data are due by"),
            w.date(due)
        )));
    }
    lines.push(Line::Blank);
}

fn appeal(w: &Words, facts: &LetterFacts, lines: &mut Vec<Line>) {
    lines.push(Line::Heading(
        w.pick("Klageadgang", "Right to appeal").to_owned(),
    ));
    let hds = &facts.hds;
    let hds_address = hds
        .email
        .as_deref()
        .map(|e| format!(" ({e})"))
        .unwrap_or_default();
    let Some(deadline) = facts.appeal_deadline else {
        lines.push(Line::Text(format!(
            "{} {}{hds_address}.",
            w.pick(
                "Søknaden er innvilget i sin helhet, så vedtaket har ingen klagefrist. Har du spørsmål om vedtaket, kontakt",
                "The application is granted in full, so the decision has no appeal deadline. For questions about the decision, contact",
            ),
            hds.name
        )));
        return;
    };
    lines.push(Line::Text(format!(
        "{} {}.",
        w.pick(
            "Du kan klage på vedtaket innen tre uker etter at du mottok det (forvaltningsloven §§ 28 og 29). Klagefristen er",
            "You may appeal the decision within three weeks of receiving it (the Public Administration Act, forvaltningsloven §§ 28 and 29). The appeal deadline is",
        ),
        w.date(deadline)
    )));
    lines.push(Line::Text(format!(
        "{} {}{hds_address}. {}",
        w.pick("Klagen sendes til", "Send the appeal to"),
        hds.name,
        w.pick(
            "Helsedataservice vurderer saken på nytt. Gir Helsedataservice deg ikke medhold, sendes klagen til Nasjonalt klageorgan for helsetjenesten (Helseklage), som avgjør den endelig.",
            "Helsedataservice reconsiders the case. If it does not find in your favour, the appeal goes to the Norwegian Board of Health Complaints (Nasjonalt klageorgan for helsetjenesten, Helseklage), which decides it finally.",
        )
    )));
    for s in &facts.sources {
        if let Some(body) = &s.decided_by_custodian {
            let address = body
                .email
                .as_deref()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default();
            lines.push(Line::Text(format!(
                "{} {} {} {}{address}.",
                w.pick(
                    "Klage på vedtaket for",
                    "An appeal against the decision for"
                ),
                s.code,
                w.pick("sendes til", "goes to"),
                body.name
            )));
        }
    }
    lines.push(Line::Text(
        w.pick(
            "Klagen skal være skriftlig, nevne vedtaket du klager på og endringen du ønsker, og oppgi saksnummeret.",
            "The appeal must be in writing, name the decision appealed and the change you want, and give the case number.",
        )
        .to_owned(),
    ));
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::case::{ExemptionDecision, TableDecision};

    fn facts() -> LetterFacts {
        LetterFacts {
            case_number: "HDS-2026-000042".into(),
            decided_on: date!(2026 - 12 - 01),
            project_leader: Some("Kari Nordmann".into()),
            institution: Some("Universitetet i Oslo".into()),
            project_title: Some("Fødselsvekt og senere helse".into()),
            hds: Body {
                name: "Helsedataservice".into(),
                email: Some("service@helsedata.no".into()),
            },
            sources: vec![
                LetterSource {
                    code: "MFR".into(),
                    name_nb: "Medisinsk fødselsregister".into(),
                    name_en: "Medical Birth Registry".into(),
                    custodian: Body {
                        name: "Folkehelseinstituttet".into(),
                        email: Some("datatilgang@fhi.no".into()),
                    },
                    decided_by_custodian: None,
                    outcome: DecisionOutcome::PartlyGranted,
                    legal_basis: vec!["helseregisterloven § 19 a".into()],
                    conditions: vec!["Data slettes ved prosjektslutt.".into()],
                    text: "Delvis innvilget.".into(),
                    granted_variables: Some(vec!["VEKT".into()]),
                    granted_period: None,
                    terms: DecisionTerms {
                        access_from: Some(date!(2026 - 12 - 01)),
                        access_to: Some(date!(2029 - 12 - 31)),
                        disposal: Some(Disposal::Delete),
                        dispose_by: Some(date!(2030 - 06 - 30)),
                        exemption: Some(ExemptionDecision {
                            granted: true,
                            legal_basis: vec!["helseregisterloven § 19 e".into()],
                            conditions: vec![],
                        }),
                        tables: vec![],
                    },
                    table_titles: vec![],
                },
                LetterSource {
                    code: "MOBA".into(),
                    name_nb: "Den norske mor, far og barn-undersøkelsen".into(),
                    name_en: "The Norwegian Mother, Father and Child Cohort Study".into(),
                    custodian: Body {
                        name: "Folkehelseinstituttet".into(),
                        email: Some("datatilgang@fhi.no".into()),
                    },
                    decided_by_custodian: Some(Body {
                        name: "Folkehelseinstituttet".into(),
                        email: Some("datatilgang@fhi.no".into()),
                    }),
                    outcome: DecisionOutcome::Refused,
                    legal_basis: vec!["helseregisterloven § 19".into()],
                    conditions: vec![],
                    text: "Avslått.".into(),
                    granted_variables: None,
                    granted_period: None,
                    terms: DecisionTerms {
                        tables: vec![TableDecision {
                            table: 0,
                            outcome: DecisionOutcome::Refused,
                            reason: Some("små tall".into()),
                        }],
                        ..DecisionTerms::default()
                    },
                    table_titles: vec![(0, "Fødsler per år".into())],
                },
            ],
            appeal_deadline: Some(date!(2026 - 12 - 22)),
            due_on: Some(date!(2027 - 01 - 14)),
        }
    }

    #[test]
    fn the_bokmal_letter_holds_every_required_element() {
        let text = decision_letter(&facts(), Lang::Nb).plain_text();
        for needle in [
            "Saksnummer: HDS-2026-000042",
            "Vedtaksdato: 01.12.2026",
            "Søker (prosjektleder): Kari Nordmann, Universitetet i Oslo",
            "Vedtaket er fattet av: Helsedataservice, Folkehelseinstituttet",
            "Medisinsk fødselsregister (MFR)",
            "Utfall: Delvis innvilget",
            "Hjemmel: helseregisterloven § 19 a",
            "Innvilgede variabler: VEKT",
            "- 1. Data slettes ved prosjektslutt.",
            "Tilgangen gjelder fra 01.12.2026 til og med 31.12.2029.",
            "Opplysningene skal slettes innen 30.06.2030.",
            "Dispensasjon fra taushetsplikt: innvilget. Hjemmel: helseregisterloven § 19 e",
            "Utfall: Avslått",
            "Tabell 1 «Fødsler per år»: avslått (små tall)",
            "Fristen for tilgjengeliggjøring er 14.01.2027",
            "innen tre uker",
            "Klagefristen er 22.12.2026.",
            "Klagen sendes til Helsedataservice (service@helsedata.no).",
            "Helseklage",
            "Klage på vedtaket for MOBA sendes til Folkehelseinstituttet (datatilgang@fhi.no).",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
    }

    #[test]
    fn the_english_letter_says_the_same_in_english() {
        let text = decision_letter(&facts(), Lang::En).plain_text();
        for needle in [
            "Case number: HDS-2026-000042",
            "Date of decision: 1 December 2026",
            "Outcome: Partly granted",
            "Legal basis: helseregisterloven § 19 a",
            "The access is valid from 1 December 2026 up to and including 31 December 2029.",
            "The data must be deleted by 30 June 2030.",
            "within three weeks",
            "The appeal deadline is 22 December 2026.",
            "Send the appeal to Helsedataservice (service@helsedata.no).",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
        assert!(!text.contains("Vedtaksdato"));
    }

    #[test]
    fn a_private_person_and_a_grant_in_full_read_as_such() {
        let mut f = facts();
        f.institution = None;
        f.appeal_deadline = None;
        f.sources.truncate(1);
        f.sources[0].outcome = DecisionOutcome::Granted;
        f.sources[0].terms.disposal = Some(Disposal::Return);
        let text = decision_letter(&f, Lang::Nb).plain_text();
        assert!(text.contains("Kari Nordmann, privatperson (ingen institusjon)"));
        assert!(text.contains("leveres tilbake til registerforvalteren innen 30.06.2030"));
        assert!(text.contains("innvilget i sin helhet, så vedtaket har ingen klagefrist"));
        assert!(!text.contains("Klagefristen er"));
    }
}
