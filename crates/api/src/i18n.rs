//! The languages of what the API says to a person: problem `title`s,
//! `detail`s and field messages, in bokmål (`nb`, the default) and English
//! (`en`), chosen by `Accept-Language`.
//!
//! - Every text a handler writes is a [`Text`], which cannot be made without
//!   both languages (`Text::new(nb, en)`).
//! - Problem titles are keyed by the problem's `type` slug ([`title`]).
//! - Field problems from the domain whose rule has no bokmål text of its own
//!   get one keyed by their stable code ([`field_message_nb`]); a unit test
//!   fails when a code the API can produce has none.

use std::borrow::Cow;

/// A language the API answers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Norsk bokmål: the default, and what `nn` and `no` fall back to.
    #[default]
    Nb,
    English,
}

impl Lang {
    /// The tag sent in `Content-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Self::Nb => "nb",
            Self::English => "en",
        }
    }

    /// The language an `Accept-Language` header asks for (RFC 9110 12.5.4):
    /// the languages by descending q-value (equal q: in the order given),
    /// the first we speak wins; `nb`, `nn`, `no` (and `*`) are bokmål, `en`
    /// (any region) is English; q=0 refuses a language; bokmål when nothing
    /// fits or the header is absent or malformed.
    pub fn from_accept_language(header: Option<&str>) -> Self {
        let Some(header) = header else {
            return Self::Nb;
        };
        let mut ranges: Vec<(u16, usize, &str)> = header
            .split(',')
            .enumerate()
            .filter_map(|(i, item)| {
                let mut parts = item.split(';');
                let range = parts.next()?.trim();
                let q = parts
                    .find_map(|p| {
                        let (name, value) = p.split_once('=')?;
                        (name.trim().eq_ignore_ascii_case("q")).then(|| parse_q(value.trim()))
                    })
                    .unwrap_or(Some(1000))?;
                (!range.is_empty()).then_some((q, i, range))
            })
            .collect();
        ranges.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        ranges
            .into_iter()
            .filter(|(q, _, _)| *q > 0)
            .find_map(|(_, _, range)| {
                let primary = range.split('-').next().unwrap_or_default();
                match primary.to_ascii_lowercase().as_str() {
                    "nb" | "nn" | "no" | "nob" | "nno" | "*" => Some(Self::Nb),
                    "en" | "eng" => Some(Self::English),
                    _ => None,
                }
            })
            .unwrap_or_default()
    }
}

/// A q-value (`0`, `0.8`, `1.000`) in thousandths; `None` when malformed.
fn parse_q(value: &str) -> Option<u16> {
    let (int, frac) = value.split_once('.').unwrap_or((value, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac_value: u16 = format!("{frac:0<3}").parse().ok()?;
    match int {
        "0" => Some(frac_value),
        "1" if frac_value == 0 => Some(1000),
        _ => None,
    }
}

/// A text for a person, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    nb: Cow<'static, str>,
    en: Cow<'static, str>,
}

impl Text {
    /// Bokmål first, then English.
    pub fn new(nb: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> Self {
        Self {
            nb: nb.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nb => &self.nb,
            Lang::English => &self.en,
        }
    }

    pub fn nb(&self) -> &str {
        &self.nb
    }

    pub fn en(&self) -> &str {
        &self.en
    }

    /// Both texts through one function (e.g. to mask a national id).
    #[must_use]
    pub fn map(&self, f: impl Fn(&str) -> String) -> Self {
        Self::new(f(&self.nb), f(&self.en))
    }
}

/// The title of a problem, by the last segment of its `type`.
pub fn title(slug: &str) -> Text {
    let (nb, en) = match slug {
        "validation-failed" => ("Ugyldig innhold", "Validation failed"),
        "bad-request" => ("Ugyldig forespørsel", "Bad request"),
        "not-found" => ("Finnes ikke", "Not found"),
        "unauthorized" => ("Ikke autentisert", "Unauthorized"),
        "forbidden" => ("Ingen tilgang", "Forbidden"),
        "conflict" => ("Konflikt", "Conflict"),
        "precondition-failed" => ("Ressursen er endret", "Precondition failed"),
        "precondition-required" => ("If-Match mangler", "Precondition required"),
        "payload-too-large" => ("For stor forespørsel", "Payload too large"),
        "unsupported-media-type" => ("Innholdstypen støttes ikke", "Unsupported media type"),
        "method-not-allowed" => ("Metoden er ikke tillatt", "Method not allowed"),
        "idempotency-key-reused" => ("Idempotency-Key er brukt før", "Idempotency key reused"),
        "service-unavailable" => (
            "Tjenesten er midlertidig utilgjengelig",
            "Service unavailable",
        ),
        "internal-error" => ("Intern feil", "Internal error"),
        "request-header-fields-too-large" => (
            "Forespørselshodet er for stort",
            "Request header fields too large",
        ),
        "request-timeout" => ("Forespørselen kom ikke i tide", "Request timeout"),
        "cors-refused" => (
            "Forespørsel fra annet opphav avvist",
            "Cross-origin request refused",
        ),
        _ => ("Forespørselen feilet", "Request failed"),
    };
    Text::new(nb, en)
}

/// Bokmål for a field problem the domain reports in English only, by its
/// stable code. The English message (with its specifics) stays in `en`.
pub fn field_message_nb(code: &str) -> Option<&'static str> {
    Some(match code {
        "REQUIRED" => "må fylles ut",
        "TOO_LONG" => "er for lang",
        "TOO_MANY" => "har for mange elementer",
        "INVALID_CODE" => {
            "en kode er 1 til 32 tegn A-Z, 0-9 og _, og begynner med en bokstav (f.eks. NPR)"
        }
        "INVALID_NAME" => "ugyldig navn: bruk A-Z, 0-9 og _, og begynn med en bokstav",
        "RESERVED_NAME" => "navnet er reservert og kan ikke brukes",
        "INVALID_ORGNR" => "ikke et gyldig organisasjonsnummer (9 siffer, kontrollsiffer)",
        "INVALID_EMAIL" => "må være en e-postadresse",
        "INVALID_URL" => "må være en absolutt https://-adresse",
        "INVALID_COUNTRY" => "en landkode etter ISO 3166-1 med to store bokstaver, f.eks. NO",
        "NOT_ALLOWED" => "er ikke tillatt her",
        "YEAR_OUT_OF_RANGE" => "året er utenfor det tillatte intervallet",
        "OUT_OF_RANGE" => "verdien er utenfor det tillatte intervallet",
        "PERIOD_ORDER" => "perioden slutter før den begynner",
        "NOT_ASCENDING" => "grensene må være strengt stigende, f.eks. 30,60,120",
        "DUPLICATE" => "er oppgitt to ganger",
        "DUPLICATE_ID" => "en annen oppføring har denne id-en",
        "UNKNOWN_ENTRY" => "finnes ikke",
        "UNKNOWN_REFERENCE" => "noe dette viser til, finnes ikke",
        "INVALID_TABLE" => "tabellen er ugyldig her",
        "INVALID_TYPE" => "har feil type",
        "MISSING_COLUMN" => "overskriftsraden mangler en påkrevd kolonne",
        "UNKNOWN_FIELD" => "feltet er ukjent",
        "INVALID_DATE" => "forventet en dato ÅÅÅÅ-MM-DD",
        "IN_THE_FUTURE" => "datoen er fram i tid",
        "NEGATIVE" => "kan ikke være negativ",
        "CONTAINS_NATIONAL_ID" => "fjern fødselsnummeret eller D-nummeret fra teksten",
        "INVALID_HOURS" => "timer må være mer enn 0 og høyst 24, med høyst to desimaler",
        "INVALID_CSV" => "CSV-filen kan ikke leses",
        "WRONG_FIELD_COUNT" => "raden har feil antall felt",
        "HOLDS_DATA_SOURCES" => "registerforvalteren har fortsatt datakilder",
        "RETIRED_CUSTODIAN" => "registerforvalteren er avviklet",
        "UNKNOWN_CUSTODIAN" => "registerforvalteren finnes ikke",
        "UNKNOWN_PURPOSE" => "formålet finnes ikke",
        "BEFORE_FROM" | "END_BEFORE_START" | "WINDOW_ORDER" => "slutten kommer før starten",
        "INVALID_PERIOD" => "perioden er ugyldig",
        // case decisions (hds_domain::case::decision, persistence cases)
        "ALREADY_DECIDED" => "datakilden har allerede et vedtak",
        "MISSING_SOURCE" => "et nytt vedtak trenger et utfall for denne datakilden",
        "NOT_IN_CASE" => "søknaden ber ikke om denne datakilden",
        "DECIDED_BY_CUSTODIAN" => "denne datakilden avgjøres av registerforvalteren",
        "NOT_YOUR_DECISION" => "denne datakilden avgjøres ikke av deg",
        "ONLY_FOR_PARTLY_GRANTED" => {
            "innvilgede variabler og periode hører til et delvis innvilget vedtak"
        }
        "NOT_REQUESTED" => "søknaden ber ikke om dette",
        "OUTSIDE_REQUESTED_PERIOD" => "utenfor perioden søknaden ber om",
        // the terms of a complete decision (hds_domain::case::terms)
        "ONLY_FOR_GRANT" => {
            "et avslag gir ingen tilgang: ingen tilgangsperiode, sletting eller tilbakelevering"
        }
        "BEFORE_DECISION" => "tilgangen kan ikke begynne før vedtaket",
        "BEFORE_ACCESS_ENDS" => {
            "opplysningene kan ikke slettes eller leveres tilbake før tilgangen slutter"
        }
        "EXEMPTION_REQUIRED" => {
            "identifiserbare opplysninger uten samtykke krever vedtak om dispensasjon fra taushetsplikt"
        }
        "EXEMPTION_NOT_APPLICABLE" => {
            "anonyme opplysninger trenger ikke dispensasjon fra taushetsplikt"
        }
        "EXEMPTION_REFUSED" => {
            "uten dispensasjon fra taushetsplikt kan de identifiserbare opplysningene ikke innvilges: \
             innvilg dispensasjonen eller avslå datakilden"
        }
        "UNKNOWN_TABLE" => "søknaden har ingen slik tabell",
        "NOT_FROM_SOURCE" => "tabellen lages fra en annen datakilde",
        "CONTRADICTS_OUTCOME" => "tabellenes utfall stemmer ikke med datakildens utfall",
        "TABLE_UNDECIDED" => "hver tabell fra datakilden trenger et utfall",
        // fees (hds_domain::fees, persistence fees)
        "ACTIVITY_MISMATCH" => "en justering har samme aktivitet som arbeidet den justerer",
        "AMOUNT_TOO_LARGE" => "beløpene er for store til å regnes ut",
        "BEFORE_START" => "datoen er før starten",
        "BELOW_LOW" => "det høye anslaget må være minst like stort som det lave",
        "DATE_MISMATCH" => "datoen stemmer ikke med oppføringen den retter",
        "NEGATIVE_TOTAL" => "summen kan ikke bli negativ",
        "NOT_CURRENT" => "retter en oppføring som allerede er erstattet; rett den gjeldende",
        "NOT_LATER" => "må være senere",
        "NO_PRICE" => "ingen pris for dette",
        "NO_PRICE_LIST" => "ingen prisliste gjelder på denne datoen",
        "OVERLAP" => "overlapper med en annen periode",
        "RETROACTIVE" => "en ny versjon kan ikke gjelde bakover i tid",
        "NOT_A_PARTY" => "fakturerer ikke i denne saken",
        _ => return None,
    })
}

/// A field message from the domain in English, with its bokmål by code (or
/// the English when no bokmål is known: the unit test keeps that from
/// happening for the codes the API produces).
pub fn from_domain(code: &str, en: impl Into<Cow<'static, str>>) -> Text {
    let en = en.into();
    match field_message_nb(code) {
        Some(nb) => Text::new(nb, en),
        None => Text::new(en.clone(), en),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bokmal_by_default_english_on_request() {
        let lang = |h: Option<&str>| Lang::from_accept_language(h);
        assert_eq!(lang(None), Lang::Nb);
        assert_eq!(lang(Some("")), Lang::Nb);
        assert_eq!(lang(Some("en")), Lang::English);
        assert_eq!(lang(Some("en-GB")), Lang::English);
        assert_eq!(lang(Some("nb-NO,nb;q=0.9,en;q=0.8")), Lang::Nb);
        assert_eq!(lang(Some("nn")), Lang::Nb);
        assert_eq!(lang(Some("no")), Lang::Nb);
        assert_eq!(lang(Some("sv, da")), Lang::Nb);
        assert_eq!(lang(Some("*")), Lang::Nb);
    }

    #[test]
    fn q_values_decide_not_the_order() {
        let lang = |h: &str| Lang::from_accept_language(Some(h));
        assert_eq!(lang("nb;q=0.5, en;q=0.9"), Lang::English);
        assert_eq!(lang("en;q=0.4, nb"), Lang::Nb);
        assert_eq!(lang("de, en;q=0.7, nb;q=0.6"), Lang::English);
        // equal weight: the first given
        assert_eq!(lang("en;q=0.8, nb;q=0.8"), Lang::English);
        // q=0 refuses
        assert_eq!(lang("en, nb;q=0"), Lang::English);
        assert_eq!(lang("nb;q=0, en;q=0.1"), Lang::English);
        // a malformed q drops that range only
        assert_eq!(lang("nb;q=2, en"), Lang::English);
        assert_eq!(lang("en;q=0.1234, nb;q=0.1"), Lang::Nb);
        assert_eq!(lang("EN-us;Q=1.0"), Lang::English);
    }

    /// Every code a field problem of the API or the domain can carry has a
    /// bokmål text (codes found in the sources, so a new code without one
    /// fails here).
    #[test]
    fn every_field_code_has_bokmal() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut missing = Vec::new();
        for dir in ["domain/src", "persistence/src", "api/src/routes/catalogue"] {
            for file in rust_files(&root.join(dir)) {
                let text = std::fs::read_to_string(&file).unwrap_or_default();
                for code in codes_in(&text) {
                    if field_message_nb(&code).is_none() && !missing.contains(&code) {
                        missing.push(code);
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "codes without bokmål in i18n::field_message_nb: {missing:?}"
        );
    }

    fn rust_files(path: &std::path::Path) -> Vec<std::path::PathBuf> {
        if path.is_file() {
            return vec![path.to_owned()];
        }
        let mut out = Vec::new();
        for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
            out.extend(rust_files(&entry.path()));
        }
        out.retain(|p| p.extension().is_some_and(|e| e == "rs"));
        out
    }

    /// The `"CODE"` arguments of the domain's and persistence's problem
    /// constructors: the codes whose message comes through [`from_domain`].
    fn codes_in(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let starts = ["Problem::new(", "Invalid::new(", "problem("]
            .iter()
            .flat_map(|needle| text.match_indices(needle).map(|(i, _)| i))
            .collect::<Vec<_>>();
        for i in starts {
            let rest = &text[i..text.len().min(i + 400)];
            if let Some(code) = rest
                .split('"')
                .skip(1)
                .step_by(2)
                .find(|s| s.len() > 2 && s.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'))
            {
                out.push(code.to_owned());
            }
        }
        out
    }
}
