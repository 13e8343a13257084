//! Exemptions from fees (fritak), each with the reason printed on the invoice
//! line (helsedata.no/priser; domain.md "Fees"):
//!
//! | ground | when | what it covers |
//! |---|---|---|
//! | [`Ground::Student`] | the applicant is a student up to master's level **and** asks for anonymous (aggregated) data only | everything |
//! | [`Ground::ChangeRequest`] | the case is a change (update) of an application that already has its original decision | everything |
//! | [`Ground::Appeal`] | the case is an appeal; or, on any case, the hours of appeal handling | everything; or the appeal hours |
//! | [`Ground::Waiver`] | a case handler waived the fee, with a recorded reason | what the waiver says |
//!
//! The first three are statutory; a party applies those its price list
//! version lists in [`PriceVersion::exemptions`](super::PriceVersion)
//! (HDS: all three). Whether custodians apply them is not stated in the
//! sources, so it is a setting per custodian. A waiver applies to the party
//! it names.
//!
//! [`assess`] returns the exemptions that apply, in the order above (a line
//! is taken off once, by the first exemption that covers it), and, for
//! transparency, those the facts suggest but that do not apply, with why.

use time::Date;

use crate::application::DataKind;
use crate::catalogue::{check_code, check_text, Problem};

use super::price_list::InvoicingParty;

/// Why a fee is not charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ground {
    /// Student up to master's level asking for anonymous aggregated data.
    Student,
    /// A change (endring) after an original decision.
    ChangeRequest,
    /// An appeal (klage).
    Appeal,
    /// Waived by a case handler (fritak etter søknad), with a reason.
    Waiver,
}

impl Ground {
    pub const ALL: [Ground; 4] = [
        Self::Student,
        Self::ChangeRequest,
        Self::Appeal,
        Self::Waiver,
    ];

    /// The statutory grounds a price list may list.
    pub const STATUTORY: [Ground; 3] = [Self::Student, Self::ChangeRequest, Self::Appeal];

    /// `STUDENT`, `CHANGE_REQUEST`, `APPEAL` or `WAIVER`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Student => "STUDENT",
            Self::ChangeRequest => "CHANGE_REQUEST",
            Self::Appeal => "APPEAL",
            Self::Waiver => "WAIVER",
        }
    }
}

/// What an exemption takes off a party's invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Covers {
    /// Every line: the basic fee and all hours.
    Everything,
    /// The basic fee only.
    BasicFee,
    /// All hours (and their free hours), not the basic fee.
    Hours,
    /// The hours of appeal handling only.
    AppealHours,
}

impl Covers {
    /// `EVERYTHING`, `BASIC_FEE`, `HOURS` or `APPEAL_HOURS`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Everything => "EVERYTHING",
            Self::BasicFee => "BASIC_FEE",
            Self::Hours => "HOURS",
            Self::AppealHours => "APPEAL_HOURS",
        }
    }
}

/// What the case is, for the fee rules.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RequestKind {
    /// A new application.
    #[default]
    New,
    /// A change to an earlier application (endringssøknad).
    ChangeRequest {
        /// The case number of the original application.
        original_case: String,
        /// The date of the original decision; `None` if it has none yet.
        original_decided_on: Option<Date>,
    },
    /// An appeal handled as a case of its own.
    Appeal {
        /// The case number of the decision appealed.
        appealed_case: String,
    },
}

/// A case handler's waiver of one party's fee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    pub party: InvoicingParty,
    pub covers: Covers,
    /// Why, in words printed on the invoice line.
    pub reason: String,
    /// Who granted it (kept for the audit trail, not printed).
    pub granted_by: String,
    pub granted_on: Date,
}

/// The longest waiver reason.
pub const MAX_WAIVER_REASON_LEN: usize = 500;

/// Every problem with a waiver: a reason is required, and it covers the
/// whole fee, the basic fee or the hours. Pointers into the waiver.
pub fn check_waiver(w: &Waiver) -> Vec<Problem> {
    let mut out = Vec::new();
    check_text("/reason", &w.reason, MAX_WAIVER_REASON_LEN, &mut out);
    if let InvoicingParty::Custodian(code) = &w.party {
        check_code("/party", code, &mut out);
    }
    if w.covers == Covers::AppealHours {
        out.push(Problem::new(
            "/covers",
            "NOT_ALLOWED",
            "appeal hours are free by the appeal exemption; a waiver covers EVERYTHING, BASIC_FEE or HOURS",
        ));
    }
    out
}

/// The plain facts of a case the exemptions depend on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeeFacts {
    /// The kind of data applied for (`None` if not stated).
    pub data_kind: Option<DataKind>,
    /// The application's student flag (up to master's level).
    pub student_up_to_masters: bool,
    pub request: RequestKind,
    /// Waivers recorded on the case, for any party.
    pub waivers: Vec<Waiver>,
}

/// An exemption that applies, with the reason for the invoice line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exemption {
    pub ground: Ground,
    pub covers: Covers,
    /// Printed on the invoice line (bokmål).
    pub reason: String,
}

/// An exemption the facts point to that does not apply, and why (bokmål).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotApplied {
    pub ground: Ground,
    pub why: String,
}

/// The exemptions for one party on one case.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Assessment {
    /// In order of precedence.
    pub applied: Vec<Exemption>,
    pub not_applied: Vec<NotApplied>,
}

impl Assessment {
    /// Is the party's whole fee exempt?
    pub fn everything_exempt(&self) -> bool {
        self.applied.iter().any(|e| e.covers == Covers::Everything)
            || (self.covers(Covers::BasicFee) && self.covers(Covers::Hours))
    }

    /// Does an applied exemption cover this part (directly or by covering everything)?
    pub fn covers(&self, part: Covers) -> bool {
        self.applied
            .iter()
            .any(|e| e.covers == part || e.covers == Covers::Everything)
    }
}

fn data_kind_nb(kind: Option<DataKind>) -> &'static str {
    match kind {
        Some(DataKind::Anonymous) => "anonyme opplysninger",
        Some(DataKind::IndirectlyIdentifiable) => "indirekte identifiserbare opplysninger",
        Some(DataKind::DirectlyIdentifiable) => "direkte identifiserbare opplysninger",
        None => "opplysninger uten oppgitt type",
    }
}

/// The exemptions that apply to `party`'s fee on a case with `facts`, given
/// the statutory grounds the party honours (`honoured`, from its price list
/// version in force when the application was received).
pub fn assess(facts: &FeeFacts, party: &InvoicingParty, honoured: &[Ground]) -> Assessment {
    let mut out = Assessment::default();
    let honours = |g: Ground| honoured.contains(&g);
    let not_honoured = |g: Ground, what: &str| NotApplied {
        ground: g,
        why: format!("{party} gir ikke fritak for {what}"),
    };

    if facts.student_up_to_masters {
        if facts.data_kind != Some(DataKind::Anonymous) {
            out.not_applied.push(NotApplied {
                ground: Ground::Student,
                why: format!(
                    "studentfritaket gjelder bare anonyme, aggregerte opplysninger; søknaden gjelder {}",
                    data_kind_nb(facts.data_kind)
                ),
            });
        } else if honours(Ground::Student) {
            out.applied.push(Exemption {
                ground: Ground::Student,
                covers: Covers::Everything,
                reason: "Fritak: student til og med masternivå som søker om anonyme, aggregerte opplysninger".into(),
            });
        } else {
            out.not_applied
                .push(not_honoured(Ground::Student, "studenter"));
        }
    }

    match &facts.request {
        RequestKind::New => {}
        RequestKind::ChangeRequest {
            original_case,
            original_decided_on,
        } => match original_decided_on {
            None => out.not_applied.push(NotApplied {
                ground: Ground::ChangeRequest,
                why: format!(
                    "en endring er gratis etter et opprinnelig vedtak; sak {original_case} har ikke vedtak ennå"
                ),
            }),
            Some(_) if !honours(Ground::ChangeRequest) => out
                .not_applied
                .push(not_honoured(Ground::ChangeRequest, "endringer")),
            Some(decided_on) => out.applied.push(Exemption {
                ground: Ground::ChangeRequest,
                covers: Covers::Everything,
                reason: format!(
                    "Fritak: endring etter opprinnelig vedtak {decided_on} i sak {original_case}"
                ),
            }),
        },
        RequestKind::Appeal { appealed_case } => {
            if honours(Ground::Appeal) {
                out.applied.push(Exemption {
                    ground: Ground::Appeal,
                    covers: Covers::Everything,
                    reason: format!("Fritak: klage på vedtak i sak {appealed_case}"),
                });
            } else {
                out.not_applied
                    .push(not_honoured(Ground::Appeal, "klagebehandling"));
            }
        }
    }

    if honours(Ground::Appeal) && !matches!(facts.request, RequestKind::Appeal { .. }) {
        out.applied.push(Exemption {
            ground: Ground::Appeal,
            covers: Covers::AppealHours,
            reason: "Fritak: klagebehandling".into(),
        });
    }

    for w in facts.waivers.iter().filter(|w| &w.party == party) {
        out.applied.push(Exemption {
            ground: Ground::Waiver,
            covers: w.covers,
            reason: format!("Fritak innvilget av saksbehandler: {}", w.reason.trim()),
        });
    }
    out
}
