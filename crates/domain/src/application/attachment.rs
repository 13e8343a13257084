//! Attachment content and names: the type is sniffed from the bytes, never
//! trusted from the client, and file names are made safe to store and send.

/// A content type the service accepts for attachments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DetectedType {
    Pdf,
    /// Office Open XML (docx, xlsx, pptx): a zip with `[Content_Types].xml`.
    OfficeOpenXml,
    /// `OpenDocument` (odt, ods): a zip starting with a `mimetype` entry.
    OpenDocument,
    /// Legacy Office (doc, xls): OLE compound file.
    LegacyOffice,
    /// Valid UTF-8 without NUL bytes; CSV when the name ends in `.csv`.
    Csv,
    PlainText,
}

impl DetectedType {
    /// The media type sent on download.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::OfficeOpenXml => "application/vnd.openxmlformats-officedocument",
            Self::OpenDocument => "application/vnd.oasis.opendocument",
            Self::LegacyOffice => "application/x-ole-storage",
            Self::Csv => "text/csv; charset=utf-8",
            Self::PlainText => "text/plain; charset=utf-8",
        }
    }
}

/// Every media type [`sniff`] gives (without its parameters, such as
/// `charset`): the types an attachment is stored and downloaded as, listed
/// once for the API's description of every download.
pub const MEDIA_TYPES: [&str; 12] = [
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "text/csv",
    "text/plain",
];

/// What the bytes are, from their magic numbers; `None` when not acceptable.
/// `filename` only tells CSV from plain text, and the exact Office type.
pub fn sniff(bytes: &[u8], filename: &str) -> Option<(DetectedType, &'static str)> {
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let ext = ext.as_str();
    if bytes.starts_with(b"%PDF-") {
        return Some((DetectedType::Pdf, "application/pdf"));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        // OpenDocument: the first entry is `mimetype`, stored, with the type as its content.
        if bytes.len() > 38 && &bytes[30..38] == b"mimetype" {
            let rest = &bytes[38..bytes.len().min(38 + 80)];
            let media = if contains(rest, b"opendocument.spreadsheet") {
                "application/vnd.oasis.opendocument.spreadsheet"
            } else if contains(rest, b"opendocument.presentation") {
                "application/vnd.oasis.opendocument.presentation"
            } else {
                "application/vnd.oasis.opendocument.text"
            };
            return Some((DetectedType::OpenDocument, media));
        }
        if contains(bytes, b"[Content_Types].xml") {
            let media = if ext == "xlsx" || contains(bytes, b"xl/") {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            } else if ext == "pptx" || contains(bytes, b"ppt/") {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            } else {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            };
            return Some((DetectedType::OfficeOpenXml, media));
        }
        return None;
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        let media = if ext == "xls" {
            "application/vnd.ms-excel"
        } else if ext == "ppt" {
            "application/vnd.ms-powerpoint"
        } else {
            "application/msword"
        };
        return Some((DetectedType::LegacyOffice, media));
    }
    if !bytes.is_empty() && !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok() {
        return Some(if ext == "csv" {
            (DetectedType::Csv, "text/csv; charset=utf-8")
        } else {
            (DetectedType::PlainText, "text/plain; charset=utf-8")
        });
    }
    None
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The invisible characters that change the direction text is shown in
/// (bidirectional embeddings, overrides, isolates and marks): in a file name
/// they make `invoice\u{202E}fdp.exe` show as `invoiceexe.pdf`.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A file name safe to store and to put in `Content-Disposition`: the last
/// path segment, bidirectional controls removed ([`is_bidi_control`]),
/// control characters and `/ \ : * ? " < > |` replaced by `_`, leading dots
/// removed, at most 200 characters (keeping the extension). `None` when
/// nothing is left.
pub fn sanitize_filename(raw: &str) -> Option<String> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !is_bidi_control(*c))
        .map(|c| {
            if c.is_control() || matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_owned();
    if cleaned.is_empty() || cleaned.chars().all(|c| c == '_') {
        return None;
    }
    if cleaned.chars().count() <= 200 {
        return Some(cleaned);
    }
    let (stem, ext) = match cleaned.rsplit_once('.') {
        Some((s, e)) if e.chars().count() <= 10 => (s.to_owned(), format!(".{e}")),
        _ => (cleaned.clone(), String::new()),
    };
    let keep = 200 - ext.chars().count();
    Some(stem.chars().take(keep).collect::<String>() + &ext)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn bidi_controls_are_removed_from_file_names() {
        assert_eq!(
            sanitize_filename("invoice\u{202E}fdp.exe").as_deref(),
            Some("invoicefdp.exe")
        );
        assert_eq!(
            sanitize_filename("\u{2066}a\u{2069}\u{202A}b\u{202C}\u{200F}.pdf").as_deref(),
            Some("ab.pdf")
        );
        assert_eq!(sanitize_filename("\u{202E}\u{202D}"), None);
        // other right-to-left text stays
        assert_eq!(sanitize_filename("ملف.pdf").as_deref(), Some("ملف.pdf"));
    }

    #[test]
    fn sniffs_accepted_types() {
        assert_eq!(
            sniff(b"%PDF-1.7\n...", "x.pdf").unwrap().0,
            DetectedType::Pdf
        );
        assert_eq!(
            sniff(b"PK\x03\x04....[Content_Types].xml....word/", "a.docx")
                .unwrap()
                .0,
            DetectedType::OfficeOpenXml
        );
        let mut odt = b"PK\x03\x04".to_vec();
        odt.extend_from_slice(&[0; 26]);
        odt.extend_from_slice(b"mimetypeapplication/vnd.oasis.opendocument.text");
        assert_eq!(sniff(&odt, "a.odt").unwrap().0, DetectedType::OpenDocument);
        assert_eq!(
            sniff(
                &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0],
                "a.doc"
            )
            .unwrap()
            .0,
            DetectedType::LegacyOffice
        );
        assert_eq!(
            sniff("år;antall\n2020;3\n".as_bytes(), "t.csv").unwrap().0,
            DetectedType::Csv
        );
        assert_eq!(sniff(b"hello", "t.txt").unwrap().0, DetectedType::PlainText);
    }

    /// [`MEDIA_TYPES`] is exactly what `sniff` gives: one sample of each.
    #[test]
    fn media_types_are_what_sniff_gives() {
        let zip = |entry: &[u8]| {
            let mut bytes = b"PK\x03\x04".to_vec();
            bytes.extend_from_slice(&[0; 26]);
            bytes.extend_from_slice(entry);
            bytes
        };
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0];
        let ooxml = b"PK\x03\x04....[Content_Types].xml....".to_vec();
        let samples: Vec<(Vec<u8>, &str)> = vec![
            (b"%PDF-1.7".to_vec(), "a.pdf"),
            (ooxml.clone(), "a.docx"),
            (ooxml.clone(), "a.xlsx"),
            (ooxml, "a.pptx"),
            (
                zip(b"mimetypeapplication/vnd.oasis.opendocument.text"),
                "a.odt",
            ),
            (
                zip(b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"),
                "a.ods",
            ),
            (
                zip(b"mimetypeapplication/vnd.oasis.opendocument.presentation"),
                "a.odp",
            ),
            (ole.to_vec(), "a.doc"),
            (ole.to_vec(), "a.xls"),
            (ole.to_vec(), "a.ppt"),
            (b"a;b\n1;2\n".to_vec(), "a.csv"),
            (b"hello".to_vec(), "a.txt"),
        ];
        let given: Vec<&str> = samples
            .iter()
            .map(|(bytes, name)| {
                let (_, media) = sniff(bytes, name).unwrap();
                media.split(';').next().unwrap()
            })
            .collect();
        assert_eq!(given, MEDIA_TYPES);
    }

    #[test]
    fn refuses_other_content() {
        assert!(sniff(b"\x89PNG\r\n\x1a\n\0\0", "x.pdf").is_none());
        assert!(sniff(b"MZ\x90\0\x03\0", "x.pdf").is_none());
        assert!(sniff(b"PK\x03\x04 just a zip", "x.docx").is_none());
        assert!(sniff(b"text\0with nul", "x.txt").is_none());
        assert!(sniff(&[0xff, 0xfe, 0x41], "x.txt").is_none());
        assert!(sniff(b"", "x.txt").is_none());
    }

    #[test]
    fn sanitizes_names() {
        assert_eq!(sanitize_filename("../../etc/passwd").unwrap(), "passwd");
        assert_eq!(
            sanitize_filename("C:\\Users\\kari\\Prosjekt.pdf").unwrap(),
            "Prosjekt.pdf"
        );
        assert_eq!(sanitize_filename("a\"b\r\n.pdf").unwrap(), "a_b__.pdf");
        assert_eq!(sanitize_filename(".hidden").unwrap(), "hidden");
        assert!(sanitize_filename("  ").is_none());
        assert!(sanitize_filename("dir/").is_none());
        let long = format!("{}.pdf", "å".repeat(300));
        let s = sanitize_filename(&long).unwrap();
        assert_eq!(s.chars().count(), 200);
        assert!(std::path::Path::new(&s)
            .extension()
            .is_some_and(|e| e == "pdf"));
    }
}
