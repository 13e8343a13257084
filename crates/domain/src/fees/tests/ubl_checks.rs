//! Checks of EHF XML against UBL 2.1's element order and the BIS 3.0 rules
//! that apply to what we write.

use roxmltree::{Document, Node};

use crate::fees::*;

/// The order of the children UBL 2.1 allows (the subset we write and a few
/// neighbours), by element name. A child not listed is an error.
const SCHEMA_ORDER: &[(&str, &[&str])] = &[
    (
        "Invoice",
        &[
            "CustomizationID",
            "ProfileID",
            "ID",
            "IssueDate",
            "DueDate",
            "InvoiceTypeCode",
            "Note",
            "TaxPointDate",
            "DocumentCurrencyCode",
            "AccountingCost",
            "BuyerReference",
            "InvoicePeriod",
            "OrderReference",
            "BillingReference",
            "AccountingSupplierParty",
            "AccountingCustomerParty",
            "PaymentMeans",
            "PaymentTerms",
            "AllowanceCharge",
            "TaxTotal",
            "LegalMonetaryTotal",
            "InvoiceLine",
        ],
    ),
    (
        "CreditNote",
        &[
            "CustomizationID",
            "ProfileID",
            "ID",
            "IssueDate",
            "TaxPointDate",
            "CreditNoteTypeCode",
            "Note",
            "DocumentCurrencyCode",
            "AccountingCost",
            "BuyerReference",
            "InvoicePeriod",
            "OrderReference",
            "BillingReference",
            "AccountingSupplierParty",
            "AccountingCustomerParty",
            "PaymentMeans",
            "PaymentTerms",
            "AllowanceCharge",
            "TaxTotal",
            "LegalMonetaryTotal",
            "CreditNoteLine",
        ],
    ),
    ("BillingReference", &["InvoiceDocumentReference"]),
    ("InvoiceDocumentReference", &["ID", "IssueDate"]),
    ("AccountingSupplierParty", &["Party"]),
    ("AccountingCustomerParty", &["Party"]),
    (
        "Party",
        &[
            "EndpointID",
            "PartyIdentification",
            "PartyName",
            "PostalAddress",
            "PartyTaxScheme",
            "PartyLegalEntity",
            "Contact",
        ],
    ),
    ("PartyName", &["Name"]),
    (
        "PostalAddress",
        &[
            "StreetName",
            "AdditionalStreetName",
            "CityName",
            "PostalZone",
            "CountrySubentity",
            "AddressLine",
            "Country",
        ],
    ),
    ("Country", &["IdentificationCode"]),
    ("PartyTaxScheme", &["CompanyID", "TaxScheme"]),
    (
        "PartyLegalEntity",
        &["RegistrationName", "CompanyID", "CompanyLegalForm"],
    ),
    (
        "PaymentMeans",
        &[
            "PaymentMeansCode",
            "PaymentDueDate",
            "PaymentID",
            "PayeeFinancialAccount",
        ],
    ),
    ("PayeeFinancialAccount", &["ID", "Name"]),
    ("TaxScheme", &["ID", "Name"]),
    ("PaymentTerms", &["Note"]),
    ("TaxTotal", &["TaxAmount", "TaxSubtotal"]),
    (
        "TaxSubtotal",
        &["TaxableAmount", "TaxAmount", "TaxCategory"],
    ),
    (
        "TaxCategory",
        &[
            "ID",
            "Percent",
            "TaxExemptionReasonCode",
            "TaxExemptionReason",
            "TaxScheme",
        ],
    ),
    (
        "ClassifiedTaxCategory",
        &[
            "ID",
            "Percent",
            "TaxExemptionReasonCode",
            "TaxExemptionReason",
            "TaxScheme",
        ],
    ),
    (
        "LegalMonetaryTotal",
        &[
            "LineExtensionAmount",
            "TaxExclusiveAmount",
            "TaxInclusiveAmount",
            "AllowanceTotalAmount",
            "ChargeTotalAmount",
            "PrepaidAmount",
            "PayableRoundingAmount",
            "PayableAmount",
        ],
    ),
    (
        "InvoiceLine",
        &[
            "ID",
            "Note",
            "InvoicedQuantity",
            "LineExtensionAmount",
            "AccountingCost",
            "InvoicePeriod",
            "OrderLineReference",
            "Item",
            "Price",
        ],
    ),
    (
        "CreditNoteLine",
        &[
            "ID",
            "Note",
            "CreditedQuantity",
            "LineExtensionAmount",
            "AccountingCost",
            "InvoicePeriod",
            "OrderLineReference",
            "Item",
            "Price",
        ],
    ),
    ("InvoicePeriod", &["StartDate", "EndDate"]),
    (
        "Item",
        &[
            "Description",
            "Name",
            "SellersItemIdentification",
            "ClassifiedTaxCategory",
        ],
    ),
    ("Price", &["PriceAmount", "BaseQuantity"]),
];

pub fn schema_order(name: &str) -> Option<&'static [&'static str]> {
    SCHEMA_ORDER
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, kids)| *kids)
}

pub fn elements<'a, 'i>(n: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    n.children().filter(Node::is_element)
}

/// Every element's children are in schema order, none is empty (PEPPOL R008),
/// and every leaf with `currencyID` says NOK (R051).
pub fn check_structure(doc: &Document<'_>) {
    for n in doc.descendants().filter(Node::is_element) {
        let name = n.tag_name().name();
        let kids: Vec<Node> = elements(n).collect();
        if kids.is_empty() {
            assert!(
                !n.text().unwrap_or_default().trim().is_empty(),
                "empty <{name}>"
            );
        } else {
            let order = schema_order(name).unwrap_or_else(|| panic!("no order known for <{name}>"));
            let mut last = 0;
            for k in kids {
                let kn = k.tag_name().name();
                let i = order
                    .iter()
                    .position(|o| *o == kn)
                    .unwrap_or_else(|| panic!("<{kn}> is not a child of <{name}>"));
                assert!(i >= last, "<{kn}> comes too late in <{name}>");
                last = i;
            }
        }
        if let Some(c) = n.attribute("currencyID") {
            assert_eq!(c, "NOK");
        }
    }
}

pub fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Node<'a, 'i> {
    elements(n)
        .find(|c| c.tag_name().name() == name)
        .unwrap_or_else(|| panic!("<{}> has no <{name}>", n.tag_name().name()))
}

pub fn path<'a, 'i>(n: Node<'a, 'i>, steps: &str) -> Node<'a, 'i> {
    steps.split('/').fold(n, child)
}

pub fn text<'a>(n: Node<'a, '_>, steps: &str) -> &'a str {
    path(n, steps).text().unwrap_or_default()
}

pub fn has(n: Node<'_, '_>, steps: &str) -> bool {
    let mut cur = Some(n);
    for s in steps.split('/') {
        cur = cur.and_then(|c| elements(c).find(|k| k.tag_name().name() == s));
    }
    cur.is_some()
}

pub fn ore(text: &str) -> i64 {
    Money::parse_nok(text).unwrap().ore()
}

pub fn all<'a, 'i>(n: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    elements(n).filter(move |c| c.tag_name().name() == name)
}

/// The BIS 3.0 calculation rules: R120 (line = quantity × price), BR-CO-10,
/// -13, -14, -15, -16, -17 (VAT per category, rounded to 2 decimals).
pub fn check_arithmetic(root: Node<'_, '_>, line: &str, qty: &str) {
    let mut lines_sum = 0;
    for l in all(root, line) {
        let q = Quantity::from_hundredths(ore(text(l, qty)));
        let price = Money::from_ore(ore(text(l, "Price/PriceAmount")));
        assert!(!price.is_negative(), "BR-27");
        let amount = ore(text(l, "LineExtensionAmount"));
        assert_eq!(price.times(q).unwrap().ore(), amount, "R120");
        lines_sum += amount;
    }
    let total = path(root, "LegalMonetaryTotal");
    assert_eq!(
        ore(text(total, "LineExtensionAmount")),
        lines_sum,
        "BR-CO-10"
    );
    assert_eq!(
        ore(text(total, "TaxExclusiveAmount")),
        lines_sum,
        "BR-CO-13"
    );
    let tax = path(root, "TaxTotal");
    let mut vat = 0;
    for s in all(tax, "TaxSubtotal") {
        let taxable = ore(text(s, "TaxableAmount"));
        let amount = ore(text(s, "TaxAmount"));
        let percent = has(s, "TaxCategory/Percent").then(|| text(s, "TaxCategory/Percent"));
        let expected = match percent {
            Some(p) => {
                // "25" or "12.5" percent in hundredths of a percent: basis points
                let bp = i128::from(ore(p));
                i64::try_from(crate::fees::money::div_round_half_away(
                    i128::from(taxable) * bp,
                    10_000,
                ))
                .unwrap()
            }
            None => 0,
        };
        assert_eq!(amount, expected, "BR-CO-17");
        vat += amount;
    }
    assert_eq!(ore(text(tax, "TaxAmount")), vat, "BR-CO-14");
    assert_eq!(
        ore(text(total, "TaxInclusiveAmount")),
        lines_sum + vat,
        "BR-CO-15"
    );
    assert_eq!(
        ore(text(total, "PayableAmount")),
        ore(text(total, "TaxInclusiveAmount")),
        "BR-CO-16"
    );
}
