//! A letter as a PDF: A4 pages, the built-in Helvetica (one of the PDF
//! standard fonts, so nothing is embedded and nothing is downloaded) with
//! WinAnsiEncoding, which has every letter of bokmål (æ ø å) and §. Lines
//! are wrapped to the page width by Helvetica's character widths (close
//! enough for line breaking) and continue on a new page at the bottom.
//!
//! Each line is its own text object, so text extraction reads the letter
//! line by line.

use hds_domain::case::{Letter, Line};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;
const INDENT: f32 = 14.0;

/// The byte of `c` in WinAnsiEncoding (Windows-1252), or `?` when it has none.
fn win_ansi(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        // Latin-1 supplement: æ ø å Æ Ø Å § « » é ...
        '\u{a0}'..='\u{ff}' => u8::try_from(u32::from(c)).unwrap_or(b'?'),
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => b'?',
    }
}

fn encode(text: &str) -> Vec<u8> {
    text.chars().map(win_ansi).collect()
}

/// Helvetica's advance width of `c` in thousandths of the font size (AFM
/// values, grouped).
fn width(c: char) -> f32 {
    match c {
        'i' | 'j' | 'l' | '\'' | '|' => 222.0,
        ' ' | '.' | ',' | ':' | ';' | 'I' | '!' | 'f' | 't' | '/' | '[' | ']' | '(' | ')' => 278.0,
        'r' | '-' | '"' | '«' | '»' => 333.0,
        'm' | 'M' | 'W' | 'æ' | 'Æ' | '@' | '%' => 889.0,
        'w' => 722.0,
        'A'..='Z' | 'Ø' | 'Å' => 680.0,
        _ => 556.0,
    }
}

fn text_width(text: &str, size: f32) -> f32 {
    text.chars().map(width).sum::<f32>() * size / 1000.0
}

/// `text` broken into lines no wider than `max` points at `size`.
fn wrap(text: &str, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if line.is_empty() || text_width(&candidate, size) <= max {
            line = candidate;
        } else {
            lines.push(std::mem::take(&mut line));
            word.clone_into(&mut line);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// One line placed on a page.
struct Placed {
    x: f32,
    y: f32,
    size: f32,
    bold: bool,
    text: String,
}

/// Lays the letter out on pages.
fn layout(letter: &Letter) -> Vec<Vec<Placed>> {
    let mut pages: Vec<Vec<Placed>> = vec![Vec::new()];
    let mut y = PAGE_HEIGHT - MARGIN;
    let usable = PAGE_WIDTH - 2.0 * MARGIN;
    for line in &letter.lines {
        let (size, bold, indent, text) = match line {
            Line::Title(t) => (15.0, true, 0.0, t.as_str()),
            Line::Heading(t) => (11.5, true, 0.0, t.as_str()),
            Line::Text(t) => (10.0, false, 0.0, t.as_str()),
            Line::Item(t) => (10.0, false, INDENT, t.as_str()),
            Line::Blank => {
                y -= 8.0;
                continue;
            }
        };
        let leading = size * 1.4;
        if matches!(line, Line::Heading(_) | Line::Title(_)) {
            y -= 4.0;
        }
        for piece in wrap(text, size, usable - indent) {
            if y - leading < MARGIN {
                pages.push(Vec::new());
                y = PAGE_HEIGHT - MARGIN;
            }
            y -= leading;
            if let Some(page) = pages.last_mut() {
                page.push(Placed {
                    x: MARGIN + indent,
                    y,
                    size,
                    bold,
                    text: piece,
                });
            }
        }
    }
    pages
}

/// The letter as a PDF document titled `title`.
pub fn render(letter: &Letter, title: &str) -> Vec<u8> {
    let pages = layout(letter);
    let catalog_id = Ref::new(1);
    let tree_id = Ref::new(2);
    let regular_id = Ref::new(3);
    let bold_id = Ref::new(4);
    let info_id = Ref::new(5);
    let page_ids: Vec<Ref> = (0..pages.len())
        .map(|i| Ref::new(6 + 2 * i32::try_from(i).unwrap_or(0)))
        .collect();
    let regular = Name(b"F1");
    let bold = Name(b"F2");

    let mut pdf = Pdf::new();
    pdf.catalog(catalog_id).pages(tree_id);
    pdf.pages(tree_id)
        .kids(page_ids.iter().copied())
        .count(i32::try_from(pages.len()).unwrap_or(i32::MAX));
    pdf.type1_font(regular_id)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold_id)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.document_info(info_id)
        .title(TextStr(title))
        .creator(TextStr("hds (helsedata.no)"));
    for (placed, page_id) in pages.iter().zip(&page_ids) {
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT));
        page.parent(tree_id);
        page.contents(content_id);
        let mut resources = page.resources();
        resources
            .fonts()
            .pair(regular, regular_id)
            .pair(bold, bold_id);
        resources.finish();
        page.finish();
        let mut content = Content::new();
        for p in placed {
            content.begin_text();
            content.set_font(if p.bold { bold } else { regular }, p.size);
            content.next_line(p.x, p.y);
            content.show(Str(&encode(&p.text)));
            content.end_text();
        }
        pdf.stream(content_id, &content.finish());
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norwegian_letters_and_the_section_sign_are_in_win_ansi() {
        assert_eq!(
            encode("æøåÆØÅ§«»–"),
            vec![0xE6, 0xF8, 0xE5, 0xC6, 0xD8, 0xC5, 0xA7, 0xAB, 0xBB, 0x96]
        );
        // the rest of Windows-1252: names such as Šimić or Žaneta
        assert_eq!(
            encode("ŠšŽžŒœŸ™"),
            vec![0x8A, 0x9A, 0x8E, 0x9E, 0x8C, 0x9C, 0x9F, 0x99]
        );
        // what it cannot show is a question mark, never a broken PDF
        assert_eq!(encode("≈ŋ"), b"??");
    }

    #[test]
    fn long_lines_wrap_within_the_width_and_keep_every_word() {
        let text = "Du kan klage på vedtaket innen tre uker etter at du mottok det (forvaltningsloven §§ 28 og 29). Klagefristen er 22.12.2026.";
        let lines = wrap(text, 10.0, 200.0);
        assert!(lines.len() > 2);
        assert!(lines
            .iter()
            .all(|l| text_width(l, 10.0) <= 200.0 || !l.contains(' ')));
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn a_long_letter_continues_on_more_pages() {
        let letter = Letter {
            lang: hds_domain::case::Lang::Nb,
            lines: (0..200).map(|i| Line::Text(format!("Linje {i}"))).collect(),
        };
        let pages = layout(&letter);
        assert!(pages.len() >= 3);
        assert!(pages.iter().flatten().all(|p| p.y >= MARGIN));
        let pdf = render(&letter, "t");
        assert!(pdf.starts_with(b"%PDF-"));
    }
}
