//! The texts of the messages, in bokmål and English. Each says what
//! happened, names the case number and where to log in to read the rest;
//! nothing from the application itself.

use std::fmt::Write as _;

use super::{Language, Notice};

/// What a text may mention.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// The case number (saksnummer), once there is a case.
    pub case_number: Option<&'a str>,
    /// Where to log in (`HDS_PORTAL_URL`).
    pub login_url: &'a str,
    /// The verification code, for [`Notice::VerifyAddress`] only.
    pub code: Option<&'a str>,
}

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub subject: String,
    pub body: String,
}

/// (subject, what happened) in bokmål and English.
fn lines(notice: Notice) -> [(&'static str, &'static str); 2] {
    match notice {
        Notice::Received => [
            ("Søknaden er mottatt", "Vi har mottatt søknaden din om tilgang til helsedata. Saksnummeret står nedenfor; oppgi det når du kontakter oss."),
            ("Your application has been received", "We have received your application for access to health data. The case number is below; quote it when you contact us."),
        ],
        Notice::QuestionAsked => [
            ("Spørsmål om søknaden", "Helsedataservice har et spørsmål om søknaden din. Logg inn for å lese og svare på det innen fristen; uten svar kan søknaden bli avvist."),
            ("A question about your application", "Helsedataservice has a question about your application. Log in to read and answer it by the deadline; without an answer the application may be rejected."),
        ],
        Notice::Reminder => [
            ("Påminnelse: ubesvart spørsmål", "Et spørsmål om søknaden din er ennå ikke besvart. Logg inn for å svare innen fristen; uten svar blir søknaden avvist."),
            ("Reminder: an unanswered question", "A question about your application has not been answered yet. Log in to answer it by the deadline; without an answer the application will be rejected."),
        ],
        Notice::PreliminaryReply => [
            ("Foreløpig svar: saken tar lengre tid", "Behandlingen av søknaden din tar lengre tid enn fristen. Logg inn for å se hvorfor og når du kan vente svar."),
            ("Preliminary reply: your case takes longer", "Handling your application takes longer than the deadline. Log in to see why and when to expect an answer."),
        ],
        Notice::Decided => [
            ("Vedtak i saken din", "Det er fattet vedtak i saken din. Logg inn for å lese vedtaket og klagefristen."),
            ("A decision in your case", "A decision has been made in your case. Log in to read the decision and the deadline for an appeal."),
        ],
        Notice::RejectedNoReply => [
            ("Søknaden er avvist", "Søknaden din er avvist fordi spørsmålet til deg ikke ble besvart innen fristen. Logg inn for å se begrunnelsen og klagefristen."),
            ("Your application has been rejected", "Your application has been rejected because the question to you was not answered by the deadline. Log in to see the reasons and the deadline for an appeal."),
        ],
        Notice::DataDelivered => [
            ("Data er levert", "Registerforvalteren har levert eller gjort tilgjengelig data i saken din. Logg inn for å se hvordan du får tilgang."),
            ("Data has been delivered", "The register custodian has delivered or made available data in your case. Log in to see how to access it."),
        ],
        Notice::AppealReceived => [
            ("Klagen er mottatt", "Vi har mottatt klagen din. Logg inn for å følge behandlingen."),
            ("Your appeal has been received", "We have received your appeal. Log in to follow its handling."),
        ],
        Notice::AppealDecided => [
            ("Klagen er behandlet", "Helsedataservice har behandlet klagen din. Logg inn for å lese resultatet."),
            ("Your appeal has been handled", "Helsedataservice has handled your appeal. Log in to read the outcome."),
        ],
        Notice::AppealForwarded => [
            ("Klagen er sendt til klageinstansen", "Klagen din er sendt til klageinstansen (Helseklage) for endelig avgjørelse. Logg inn for å følge saken."),
            ("Your appeal has been sent to the appeals body", "Your appeal has been sent to the appeals body (Helseklage) for a final decision. Log in to follow the case."),
        ],
        Notice::ChangeRequestReceived => [
            ("Endringssøknaden er mottatt", "Vi har mottatt endringssøknaden din. Logg inn for å følge behandlingen."),
            ("Your change request has been received", "We have received your change request. Log in to follow its handling."),
        ],
        Notice::ChangeRequestDecided => [
            ("Vedtak om endring", "Det er fattet vedtak om endringssøknaden din. Logg inn for å lese vedtaket."),
            ("A decision on your change request", "A decision has been made on your change request. Log in to read it."),
        ],
        Notice::AddedAsCoApplicant => [
            ("Du er lagt til som medsøker", "Du er lagt til som medsøker på en søknad om tilgang til helsedata. Logg inn for å lese søknaden."),
            ("You have been added as a co-applicant", "You have been added as a co-applicant to an application for access to health data. Log in to read the application."),
        ],
        Notice::TaskAssigned => [
            ("Ny oppgave fra Helsedataservice", "Dere har fått en ny oppgave i en sak. Hent den i systemet deres eller logg inn."),
            ("A new task from Helsedataservice", "You have a new task in a case. Fetch it in your system or log in."),
        ],
        Notice::VerifyAddress => [
            ("Bekreft e-postadressen din", "Skriv inn koden nedenfor på helsedata.no for å bekrefte at varsler skal sendes til denne adressen. Koden gjelder i 30 minutter. Ba du ikke om dette, kan du se bort fra e-posten."),
            ("Confirm your e-mail address", "Enter the code below at helsedata.no to confirm that notifications are to be sent to this address. The code is valid for 30 minutes. If you did not ask for this, ignore this e-mail."),
        ],
    }
}

/// The message for `notice` in `language`.
pub fn render(notice: Notice, language: Language, facts: &Facts<'_>) -> Mail {
    let [nb, en] = lines(notice);
    let (subject, what) = match language {
        Language::Nb => nb,
        Language::En => en,
    };
    let (case_label, code_label, login, footer) = match language {
        Language::Nb => (
            "Saksnummer",
            "Kode",
            "Logg inn",
            "Dette er en automatisk melding fra Helsedataservice (helsedata.no). Den kan ikke besvares.",
        ),
        Language::En => (
            "Case number",
            "Code",
            "Log in",
            "This is an automatic message from Helsedataservice (helsedata.no). Replies are not read.",
        ),
    };
    let subject = match facts.case_number {
        Some(number) => format!("{subject} ({number})"),
        None => subject.to_owned(),
    };
    let mut body = format!("{what}\n\n");
    if let Some(number) = facts.case_number {
        let _ = writeln!(body, "{case_label}: {number}");
    }
    if let Some(code) = facts.code {
        let _ = writeln!(body, "{code_label}: {code}");
    }
    let _ = write!(body, "{login}: {}\n\n-- \n{footer}\n", facts.login_url);
    Mail { subject, body }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_notice_has_both_languages_with_the_case_number_and_the_link() {
        let facts = Facts {
            case_number: Some("HDS-2026-000042"),
            login_url: "https://helsedata.no/logg-inn",
            code: None,
        };
        for notice in Notice::ALL {
            let nb = render(notice, Language::Nb, &facts);
            let en = render(notice, Language::En, &facts);
            assert_ne!(nb.subject, en.subject, "{notice:?}");
            for mail in [&nb, &en] {
                assert!(mail.subject.contains("HDS-2026-000042"));
                assert!(mail.body.contains("HDS-2026-000042"));
                assert!(mail.body.contains("https://helsedata.no/logg-inn"));
            }
            assert!(nb.body.contains("Saksnummer"));
            assert!(en.body.contains("Case number"));
        }
        let code = render(
            Notice::VerifyAddress,
            Language::En,
            &Facts {
                case_number: None,
                login_url: "x",
                code: Some("123456"),
            },
        );
        assert!(code.body.contains("Code: 123456"));
        assert!(!code.subject.contains('('));
    }
}
