//! EHF / PEPPOL BIS Billing 3.0 invoices (type 380) and credit notes (type
//! 381) as UBL 2.1 XML, the format Norwegian public bodies exchange invoices
//! in.
//!
//! The elements written, in the order the UBL 2.1 schema requires:
//! `CustomizationID`, `ProfileID` (billing process 01), `ID`, `IssueDate`,
//! `DueDate` (invoice), `InvoiceTypeCode` 380 / `CreditNoteTypeCode` 381,
//! one `Note` (the case number; for a credit note also its reason),
//! `DocumentCurrencyCode` NOK, `BuyerReference` (the payer's reference, or the
//! case number when the payer gave none: PEPPOL rule R003 needs one),
//! `BillingReference` (credit note: the invoice credited),
//! `AccountingSupplierParty` and `AccountingCustomerParty` (electronic
//! address and legal entity by organisation number, scheme `0192`; postal
//! address with country), `PaymentMeans` (credit transfer, when the seller
//! gives an account), `PaymentTerms`, `TaxTotal` with one `TaxSubtotal` per
//! VAT category, `LegalMonetaryTotal`, and the lines (`InvoiceLine` /
//! `CreditNoteLine`: `ID`, `Note` (an exemption's reason),
//! `InvoicedQuantity`/`CreditedQuantity` with `unitCode` (`HUR`, `EA`),
//! `LineExtensionAmount`, `InvoicePeriod` (hours), `Item` with `Name` and
//! `ClassifiedTaxCategory`, `Price`/`PriceAmount`).
//!
//! VAT categories: `S` (standard, with its percent), `E` (exempt, 0 %, with
//! the reason), `O` (not subject to VAT: no percent, reason code
//! `VATEX-EU-O` and the reason; and no seller VAT number, rule BR-O-02).
//!
//! **Signs.** In UBL the document type carries the sign: a credit note shows
//! the amounts of the invoice it credits (positive), as in the BIS 3.0
//! examples, although the domain's [`CreditNote`] holds them negated.
//!
//! Refused ([`UblError`]): a draft (no number), a payer who is a private
//! person (no PEPPOL address: use the CSV), no lines, category `O` mixed with
//! other categories (rules BR-O-11/12), and `S` or `E` from a seller that is
//! not VAT-registered (BR-S-02, BR-E-02).

use time::Date;

use super::xml::XmlWriter;
use super::{Document, DocumentKind};
use crate::fees::invoice::{Address, InvoiceBasis, Payer};
use crate::fees::money::{Money, Quantity};
use crate::fees::price_list::VatTreatment;
use crate::fees::state::CreditNote;
use crate::identity::Orgnr;

/// PEPPOL BIS Billing 3.0's specification identifier.
pub const CUSTOMIZATION_ID: &str =
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
/// Billing process 01 (invoicing of deliveries against purchase orders or
/// contracts; the process for ordinary invoices).
pub const PROFILE_ID: &str = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";
/// ISO 6523 ICD of the Norwegian organisation number.
pub const SCHEME_ORGNR: &str = "0192";

const NS_INVOICE: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
const NS_CREDIT_NOTE: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
const NS_CAC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
const NS_CBC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

/// The invoicing party as seller on the invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seller {
    /// The legal name (e.g. Folkehelseinstituttet).
    pub name: String,
    pub orgnr: Orgnr,
    pub address: Address,
    /// In the VAT register (Merverdiavgiftsregisteret): VAT number `NO<orgnr>MVA`.
    pub vat_registered: bool,
    /// In Foretaksregisteret (the word is then printed, rule NO-R-002).
    pub in_foretaksregisteret: bool,
    /// The account (kontonummer) to pay to.
    pub bank_account: Option<String>,
}

/// Why an invoice or credit note cannot be written as EHF.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UblError {
    #[error("a draft has no invoice number: issue it first")]
    NotIssued,
    #[error(
        "the payer is a private person, who has no PEPPOL address: send the invoice another way"
    )]
    PayerIsAPerson,
    #[error("an EHF invoice has at least one line")]
    NoLines,
    #[error(
        "lines not subject to VAT (category O) cannot share an invoice with other VAT categories"
    )]
    MixedNotSubject,
    #[error("VAT category {0} needs a seller in the VAT register")]
    SellerNotVatRegistered(&'static str),
}

/// The invoice as EHF (PEPPOL BIS Billing 3.0 UBL 2.1 `Invoice`).
pub fn invoice_xml(basis: &InvoiceBasis, seller: &Seller) -> Result<String, UblError> {
    write(&Document::from(basis), seller)
}

/// The credit note as EHF (PEPPOL BIS Billing 3.0 UBL 2.1 `CreditNote`).
pub fn credit_note_xml(note: &CreditNote, seller: &Seller) -> Result<String, UblError> {
    write(&Document::from(note), seller)
}

fn nok(w: &mut XmlWriter, name: &str, amount: Money) {
    w.leaf_with(name, &[("currencyID", "NOK")], &amount.to_decimal());
}

fn postal_address(w: &mut XmlWriter, a: &Address) {
    w.open("cac:PostalAddress", &[])
        .leaf_opt("cbc:StreetName", a.street.as_deref())
        .leaf_opt("cbc:CityName", a.city.as_deref())
        .leaf_opt("cbc:PostalZone", a.postal_code.as_deref());
    w.open("cac:Country", &[])
        .leaf("cbc:IdentificationCode", &a.country)
        .close();
    w.close();
}

fn tax_category(w: &mut XmlWriter, element: &'static str, vat: &VatTreatment, with_reason: bool) {
    w.open(element, &[]).leaf("cbc:ID", vat.category_code());
    match vat {
        VatTreatment::Standard(rate) => {
            w.leaf("cbc:Percent", &rate.percent_text());
        }
        VatTreatment::Exempt { reason } => {
            w.leaf("cbc:Percent", "0");
            if with_reason {
                w.leaf("cbc:TaxExemptionReason", reason);
            }
        }
        VatTreatment::NotSubject { reason } => {
            if with_reason {
                w.leaf("cbc:TaxExemptionReasonCode", "VATEX-EU-O")
                    .leaf("cbc:TaxExemptionReason", reason);
            }
        }
    }
    w.open("cac:TaxScheme", &[]).leaf("cbc:ID", "VAT").close();
    w.close();
}

fn check(doc: &Document<'_>, seller: &Seller) -> Result<(), UblError> {
    if doc.number.is_none() || doc.issued_on.is_none() {
        return Err(UblError::NotIssued);
    }
    if matches!(doc.payer, Payer::Person { .. }) {
        return Err(UblError::PayerIsAPerson);
    }
    if doc.lines.is_empty() {
        return Err(UblError::NoLines);
    }
    let not_subject = doc
        .lines
        .iter()
        .filter(|l| matches!(l.vat, VatTreatment::NotSubject { .. }))
        .count();
    if not_subject > 0 && not_subject < doc.lines.len() {
        return Err(UblError::MixedNotSubject);
    }
    if !seller.vat_registered {
        if let Some(l) = doc
            .lines
            .iter()
            .find(|l| !matches!(l.vat, VatTreatment::NotSubject { .. }))
        {
            return Err(UblError::SellerNotVatRegistered(l.vat.category_code()));
        }
    }
    Ok(())
}

#[allow(clippy::too_many_lines)] // one document, top to bottom, in schema order
fn write(doc: &Document<'_>, seller: &Seller) -> Result<String, UblError> {
    check(doc, seller)?;
    let credit = doc.kind == DocumentKind::CreditNote;
    // The domain's credit note is negative; UBL's is positive (see module doc).
    let sign = |m: Money| if credit { Money::from_ore(-m.ore()) } else { m };
    let qty = |q: Quantity| {
        if credit {
            Quantity::from_hundredths(-q.hundredths())
        } else {
            q
        }
    };
    let date = |d: Date| d.to_string();
    let not_subject = doc
        .lines
        .iter()
        .all(|l| matches!(l.vat, VatTreatment::NotSubject { .. }));

    let mut w = XmlWriter::new();
    let (root, ns) = if credit {
        ("CreditNote", NS_CREDIT_NOTE)
    } else {
        ("Invoice", NS_INVOICE)
    };
    w.open(
        root,
        &[("xmlns", ns), ("xmlns:cac", NS_CAC), ("xmlns:cbc", NS_CBC)],
    );
    w.leaf("cbc:CustomizationID", CUSTOMIZATION_ID)
        .leaf("cbc:ProfileID", PROFILE_ID)
        .leaf("cbc:ID", doc.number.unwrap_or_default())
        .leaf(
            "cbc:IssueDate",
            &doc.issued_on.map(date).unwrap_or_default(),
        );
    if credit {
        w.leaf("cbc:CreditNoteTypeCode", "381");
    } else {
        if let Some(due) = doc.due_on {
            w.leaf("cbc:DueDate", &date(due));
        }
        w.leaf("cbc:InvoiceTypeCode", "380");
    }
    let note = match (doc.credits, doc.reason) {
        (Some(invoice), Some(reason)) => format!(
            "Kreditnota for faktura {} i sak {}: {reason}",
            invoice.number, doc.case_number
        ),
        _ => format!("Saksnummer {}", doc.case_number),
    };
    w.leaf("cbc:Note", &note)
        .leaf("cbc:DocumentCurrencyCode", "NOK")
        .leaf(
            "cbc:BuyerReference",
            doc.payer_reference
                .filter(|r| !r.trim().is_empty())
                .unwrap_or(doc.case_number),
        );
    if let Some(invoice) = doc.credits {
        w.open("cac:BillingReference", &[])
            .open("cac:InvoiceDocumentReference", &[])
            .leaf("cbc:ID", &invoice.number)
            .leaf("cbc:IssueDate", &date(invoice.issued_on))
            .close()
            .close();
    }

    // Seller
    w.open("cac:AccountingSupplierParty", &[])
        .open("cac:Party", &[]);
    w.leaf_with(
        "cbc:EndpointID",
        &[("schemeID", SCHEME_ORGNR)],
        seller.orgnr.as_str(),
    );
    w.open("cac:PartyName", &[])
        .leaf("cbc:Name", &seller.name)
        .close();
    postal_address(&mut w, &seller.address);
    if seller.vat_registered && !not_subject {
        w.open("cac:PartyTaxScheme", &[])
            .leaf("cbc:CompanyID", &format!("NO{}MVA", seller.orgnr))
            .open("cac:TaxScheme", &[])
            .leaf("cbc:ID", "VAT")
            .close()
            .close();
    }
    if seller.in_foretaksregisteret {
        w.open("cac:PartyTaxScheme", &[])
            .leaf("cbc:CompanyID", "Foretaksregisteret")
            .open("cac:TaxScheme", &[])
            .leaf("cbc:ID", "TAX")
            .close()
            .close();
    }
    w.open("cac:PartyLegalEntity", &[])
        .leaf("cbc:RegistrationName", &seller.name)
        .leaf_with(
            "cbc:CompanyID",
            &[("schemeID", SCHEME_ORGNR)],
            seller.orgnr.as_str(),
        )
        .close();
    w.close().close();

    // Buyer (check() made sure it is an organisation)
    if let Payer::Organisation {
        name,
        orgnr,
        address,
    } = doc.payer
    {
        w.open("cac:AccountingCustomerParty", &[])
            .open("cac:Party", &[]);
        w.leaf_with(
            "cbc:EndpointID",
            &[("schemeID", SCHEME_ORGNR)],
            orgnr.as_str(),
        );
        w.open("cac:PartyName", &[]).leaf("cbc:Name", name).close();
        postal_address(&mut w, address);
        w.open("cac:PartyLegalEntity", &[])
            .leaf("cbc:RegistrationName", name)
            .leaf_with(
                "cbc:CompanyID",
                &[("schemeID", SCHEME_ORGNR)],
                orgnr.as_str(),
            )
            .close();
        w.close().close();
    }

    if let Some(account) = seller
        .bank_account
        .as_deref()
        .filter(|a| !a.trim().is_empty())
    {
        w.open("cac:PaymentMeans", &[])
            .leaf_with("cbc:PaymentMeansCode", &[("name", "Credit transfer")], "30")
            .open("cac:PayeeFinancialAccount", &[])
            .leaf("cbc:ID", account)
            .close()
            .close();
    }
    let terms = match (doc.credits, doc.due_on) {
        (Some(invoice), _) => format!("Krediterer faktura {}", invoice.number),
        (None, Some(due)) => format!("Forfall {}", date(due)),
        (None, None) => String::new(),
    };
    if !terms.is_empty() {
        w.open("cac:PaymentTerms", &[])
            .leaf("cbc:Note", &terms)
            .close();
    }

    // VAT
    w.open("cac:TaxTotal", &[]);
    nok(&mut w, "cbc:TaxAmount", sign(doc.totals.vat));
    for s in &doc.totals.vat_breakdown {
        w.open("cac:TaxSubtotal", &[]);
        nok(&mut w, "cbc:TaxableAmount", sign(s.taxable));
        nok(&mut w, "cbc:TaxAmount", sign(s.amount));
        tax_category(&mut w, "cac:TaxCategory", &s.vat, true);
        w.close();
    }
    w.close();

    w.open("cac:LegalMonetaryTotal", &[]);
    nok(
        &mut w,
        "cbc:LineExtensionAmount",
        sign(doc.totals.excluding_vat),
    );
    nok(
        &mut w,
        "cbc:TaxExclusiveAmount",
        sign(doc.totals.excluding_vat),
    );
    nok(
        &mut w,
        "cbc:TaxInclusiveAmount",
        sign(doc.totals.including_vat),
    );
    nok(&mut w, "cbc:PayableAmount", sign(doc.totals.including_vat));
    w.close();

    let (line_el, qty_el) = if credit {
        ("cac:CreditNoteLine", "cbc:CreditedQuantity")
    } else {
        ("cac:InvoiceLine", "cbc:InvoicedQuantity")
    };
    for (i, line) in doc.lines.iter().enumerate() {
        w.open(line_el, &[]).leaf("cbc:ID", &(i + 1).to_string());
        w.leaf_opt("cbc:Note", line.reason.as_deref());
        w.leaf_with(
            qty_el,
            &[("unitCode", line.unit.code())],
            &qty(line.quantity).to_decimal(),
        );
        nok(&mut w, "cbc:LineExtensionAmount", sign(line.amount));
        if let Some((from, to)) = line.period {
            w.open("cac:InvoicePeriod", &[])
                .leaf("cbc:StartDate", &date(from))
                .leaf("cbc:EndDate", &date(to))
                .close();
        }
        w.open("cac:Item", &[]).leaf("cbc:Name", &line.description);
        tax_category(&mut w, "cac:ClassifiedTaxCategory", &line.vat, false);
        w.close();
        w.open("cac:Price", &[]);
        nok(&mut w, "cbc:PriceAmount", line.unit_price);
        w.close();
        w.close();
    }
    Ok(w.finish())
}
