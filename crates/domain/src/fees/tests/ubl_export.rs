//! The EHF (PEPPOL BIS Billing 3.0, UBL 2.1) export.

use roxmltree::{Document, Node};
use time::macros::date;

use super::fixtures::*;
use super::issued::*;
use super::ubl_checks::*;
use crate::fees::export::ubl::{
    credit_note_xml, invoice_xml, UblError, CUSTOMIZATION_ID, PROFILE_ID,
};
use crate::fees::*;

#[test]
fn an_ehf_invoice_has_every_element_bis_3_requires_in_schema_order() {
    let b = kreft_issued();
    let xml = invoice_xml(&b, &seller(true)).unwrap();
    let doc = Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "Invoice");
    assert_eq!(
        root.tag_name().namespace(),
        Some("urn:oasis:names:specification:ubl:schema:xsd:Invoice-2")
    );
    check_structure(&doc);
    assert_eq!(text(root, "CustomizationID"), CUSTOMIZATION_ID);
    assert_eq!(
        CUSTOMIZATION_ID,
        "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
    );
    assert_eq!(text(root, "ProfileID"), PROFILE_ID);
    assert_eq!(text(root, "ID"), "KRG-2025-17");
    assert_eq!(text(root, "IssueDate"), "2025-08-01");
    assert_eq!(text(root, "DueDate"), "2025-08-31");
    assert_eq!(text(root, "InvoiceTypeCode"), "380");
    assert_eq!(text(root, "DocumentCurrencyCode"), "NOK");
    assert_eq!(text(root, "BuyerReference"), "PRJ-4711");
    assert_eq!(text(root, "Note"), "Saksnummer HDS-2025-000123");

    let seller_party = path(root, "AccountingSupplierParty/Party");
    assert_eq!(text(seller_party, "EndpointID"), "983744516");
    assert_eq!(
        path(seller_party, "EndpointID").attribute("schemeID"),
        Some("0192")
    );
    assert_eq!(
        text(seller_party, "PartyLegalEntity/RegistrationName"),
        "Folkehelseinstituttet"
    );
    assert_eq!(
        text(seller_party, "PartyLegalEntity/CompanyID"),
        "983744516"
    );
    assert_eq!(
        text(seller_party, "PostalAddress/Country/IdentificationCode"),
        "NO"
    );
    // NO-R-001: NO + organisation number + MVA
    assert_eq!(
        text(seller_party, "PartyTaxScheme/CompanyID"),
        "NO983744516MVA"
    );
    assert_eq!(text(seller_party, "PartyTaxScheme/TaxScheme/ID"), "VAT");

    let buyer = path(root, "AccountingCustomerParty/Party");
    assert_eq!(text(buyer, "EndpointID"), "971035854");
    assert_eq!(
        path(buyer, "EndpointID").attribute("schemeID"),
        Some("0192")
    );
    assert_eq!(
        text(buyer, "PartyLegalEntity/RegistrationName"),
        "Universitetet i Oslo"
    );
    assert_eq!(
        text(buyer, "PostalAddress/Country/IdentificationCode"),
        "NO"
    );

    assert_eq!(text(root, "PaymentMeans/PaymentMeansCode"), "30");
    assert_eq!(
        text(root, "PaymentMeans/PayeeFinancialAccount/ID"),
        "76940512345"
    );

    let sub = path(root, "TaxTotal/TaxSubtotal");
    assert_eq!(text(sub, "TaxableAmount"), "3900.00");
    assert_eq!(text(sub, "TaxAmount"), "975.00");
    assert_eq!(text(sub, "TaxCategory/ID"), "S");
    assert_eq!(text(sub, "TaxCategory/Percent"), "25");
    assert_eq!(text(sub, "TaxCategory/TaxScheme/ID"), "VAT");
    assert!(!has(sub, "TaxCategory/TaxExemptionReason"), "BR-S-10");
    assert_eq!(text(root, "LegalMonetaryTotal/PayableAmount"), "4875.00");

    let lines: Vec<Node> = all(root, "InvoiceLine").collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(text(lines[0], "ID"), "1");
    assert_eq!(
        path(lines[0], "InvoicedQuantity").attribute("unitCode"),
        Some("HUR")
    );
    assert_eq!(text(lines[1], "InvoicedQuantity"), "-2.00");
    assert_eq!(text(lines[1], "LineExtensionAmount"), "-2310.00");
    assert_eq!(text(lines[2], "InvoicePeriod/StartDate"), "2025-07-01");
    assert_eq!(text(lines[2], "InvoicePeriod/EndDate"), "2025-07-02");
    assert!(text(lines[2], "Item/Name").starts_with("Tilrettelegging av data"));
    assert_eq!(text(lines[2], "Item/ClassifiedTaxCategory/ID"), "S");
    assert_eq!(text(lines[2], "Item/ClassifiedTaxCategory/Percent"), "25");
    assert_eq!(text(lines[2], "Price/PriceAmount"), "1300.00");
    check_arithmetic(root, "InvoiceLine", "InvoicedQuantity");
}

#[test]
fn outside_vat_is_category_o_with_a_reason_and_no_seller_vat_number() {
    let b = hds_issued();
    let xml = invoice_xml(&b, &seller(true)).unwrap();
    let doc = Document::parse(&xml).unwrap();
    let root = doc.root_element();
    check_structure(&doc);
    check_arithmetic(root, "InvoiceLine", "InvoicedQuantity");
    let sub = path(root, "TaxTotal/TaxSubtotal");
    assert_eq!(text(sub, "TaxCategory/ID"), "O");
    assert!(
        !has(sub, "TaxCategory/Percent"),
        "BR-48: no rate when not subject"
    );
    assert_eq!(
        text(sub, "TaxCategory/TaxExemptionReasonCode"),
        "VATEX-EU-O"
    );
    assert!(text(sub, "TaxCategory/TaxExemptionReason").starts_with("Gebyr for offentlig"));
    assert!(
        !has(root, "AccountingSupplierParty/Party/PartyTaxScheme"),
        "BR-O-02"
    );
    for l in all(root, "InvoiceLine") {
        assert_eq!(text(l, "Item/ClassifiedTaxCategory/ID"), "O");
        assert!(!has(l, "Item/ClassifiedTaxCategory/Percent"), "BR-O-05");
    }
    // the waiver line: negative quantity, positive price, the reason as a line note
    let last = all(root, "InvoiceLine").last().unwrap();
    assert_eq!(text(last, "InvoicedQuantity"), "-1.00");
    assert_eq!(
        path(last, "InvoicedQuantity").attribute("unitCode"),
        Some("EA")
    );
    assert_eq!(text(last, "Price/PriceAmount"), "3000.00");
    assert_eq!(text(last, "LineExtensionAmount"), "-3000.00");
    assert_eq!(
        text(last, "Note"),
        "Fritak innvilget av saksbehandler: Feil i veiledningen; grunngebyr frafalles"
    );
}

#[test]
fn an_exempt_seller_writes_category_e_at_zero_percent() {
    let mut list = fhi();
    for v in &mut list.versions {
        v.vat = VatTreatment::Exempt {
            reason: "Unntatt etter merverdiavgiftsloven".into(),
        };
    }
    let b = draft_for(
        &list,
        RECEIVED,
        &[source("MFR", "FHI")],
        &ledger(),
        &identifiable(),
    )
    .issue("F-1", date!(2025 - 08 - 01), 30)
    .unwrap();
    let xml = invoice_xml(&b, &seller(true)).unwrap();
    let doc = Document::parse(&xml).unwrap();
    check_structure(&doc);
    let root = doc.root_element();
    let sub = path(root, "TaxTotal/TaxSubtotal");
    assert_eq!(text(sub, "TaxCategory/ID"), "E");
    assert_eq!(text(sub, "TaxCategory/Percent"), "0");
    assert_eq!(
        text(sub, "TaxCategory/TaxExemptionReason"),
        "Unntatt etter merverdiavgiftsloven"
    );
    assert_eq!(text(sub, "TaxAmount"), "0.00");
    assert!(
        has(root, "AccountingSupplierParty/Party/PartyTaxScheme"),
        "BR-E-02"
    );
    check_arithmetic(root, "InvoiceLine", "InvoicedQuantity");
}

#[test]
fn an_ehf_credit_note_references_the_invoice_and_mirrors_its_amounts() {
    let b = kreft_issued();
    let (_, note) = b
        .credit("KRG-K-1", date!(2025 - 08 - 20), "Feil sats")
        .unwrap();
    let xml = credit_note_xml(&note, &seller(true)).unwrap();
    let doc = Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "CreditNote");
    assert_eq!(
        root.tag_name().namespace(),
        Some("urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2")
    );
    check_structure(&doc);
    check_arithmetic(root, "CreditNoteLine", "CreditedQuantity");
    assert_eq!(text(root, "CustomizationID"), CUSTOMIZATION_ID);
    assert_eq!(text(root, "ID"), "KRG-K-1");
    assert_eq!(text(root, "CreditNoteTypeCode"), "381");
    assert!(!has(root, "DueDate"), "UBL 2.1 CreditNote has no DueDate");
    assert_eq!(
        text(root, "BillingReference/InvoiceDocumentReference/ID"),
        "KRG-2025-17"
    );
    assert_eq!(
        text(root, "BillingReference/InvoiceDocumentReference/IssueDate"),
        "2025-08-01"
    );
    assert_eq!(
        text(root, "Note"),
        "Kreditnota for faktura KRG-2025-17 i sak HDS-2025-000123: Feil sats"
    );
    // BR-CO-25: a positive amount due needs payment terms
    assert_eq!(
        text(root, "PaymentTerms/Note"),
        "Krediterer faktura KRG-2025-17"
    );
    // the same amounts as the invoice, positive: the type code carries the sign
    assert_eq!(text(root, "LegalMonetaryTotal/PayableAmount"), "4875.00");
    assert_eq!(text(root, "TaxTotal/TaxAmount"), "975.00");
    let inv_xml = invoice_xml(&b, &seller(true)).unwrap();
    let inv = Document::parse(&inv_xml).unwrap();
    let amounts = |r: Node, line: &str| -> Vec<String> {
        all(r, line)
            .map(|l| text(l, "LineExtensionAmount").to_owned())
            .collect()
    };
    assert_eq!(
        amounts(root, "CreditNoteLine"),
        amounts(inv.root_element(), "InvoiceLine")
    );
}

#[test]
fn text_is_escaped_and_reads_back_unchanged() {
    let mut b = hds_issued();
    let tricky = "Forskning & Utvikling <AS> \"Øst\" 'Vest'";
    if let Payer::Organisation { name, .. } = &mut b.payer {
        *name = tricky.into();
    }
    b.payer_reference = Some("ref <1> & \u{1}2".into());
    let xml = invoice_xml(&b, &seller(false)).unwrap();
    let doc = Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert_eq!(
        text(
            root,
            "AccountingCustomerParty/Party/PartyLegalEntity/RegistrationName"
        ),
        tricky
    );
    assert_eq!(text(root, "BuyerReference"), "ref <1> & 2");
}

#[test]
fn without_a_payers_reference_the_case_number_is_the_buyer_reference() {
    let mut b = hds_issued();
    b.payer_reference = None;
    let xml = invoice_xml(&b, &seller(false)).unwrap();
    let doc = Document::parse(&xml).unwrap();
    assert_eq!(
        text(doc.root_element(), "BuyerReference"),
        "HDS-2025-000123"
    );
}

#[test]
fn what_ehf_cannot_carry_is_refused() {
    let draft = draft_for(
        &hds_2023(),
        RECEIVED,
        &[source("MFR", "FHI")],
        &[],
        &identifiable(),
    );
    assert_eq!(invoice_xml(&draft, &seller(true)), Err(UblError::NotIssued));

    let mut person = hds_issued();
    person.payer = super::fixtures::person();
    assert_eq!(
        invoice_xml(&person, &seller(true)),
        Err(UblError::PayerIsAPerson)
    );

    let mut mixed_list = fhi();
    mixed_list.versions[1].vat = vat_25();
    let mixed = draft_for(
        &mixed_list,
        RECEIVED,
        &[source("MFR", "FHI")],
        &ledger(),
        &identifiable(),
    )
    .issue("F-1", date!(2025 - 08 - 01), 30)
    .unwrap();
    assert_eq!(
        invoice_xml(&mixed, &seller(true)),
        Err(UblError::MixedNotSubject)
    );

    assert_eq!(
        invoice_xml(&kreft_issued(), &seller(false)),
        Err(UblError::SellerNotVatRegistered("S"))
    );
    let mut no_lines = kreft_issued();
    no_lines.lines.clear();
    assert_eq!(
        invoice_xml(&no_lines, &seller(true)),
        Err(UblError::NoLines)
    );
}
