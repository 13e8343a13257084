//! A small XML writer: elements, attributes and escaped text, indented by
//! two spaces. Enough for UBL; no dependency.
//!
//! Text and attribute values are escaped (`&`, `<`, `>`, `"`, `'`), and
//! characters XML 1.0 does not allow (control characters other than tab,
//! line feed and carriage return; U+FFFE, U+FFFF) are left out. Empty
//! optional values are not written at all (PEPPOL rule R008: no empty
//! elements).

use std::fmt::Write as _;

/// Escapes `text` for element content or a double-quoted attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes a document element by element.
#[derive(Debug, Default)]
pub struct XmlWriter {
    out: String,
    open: Vec<&'static str>,
}

impl XmlWriter {
    /// A document starting with the XML declaration.
    pub fn new() -> Self {
        Self {
            out: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".to_owned(),
            open: Vec::new(),
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.open.len() {
            self.out.push_str("  ");
        }
    }

    fn start_tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            let _ = write!(self.out, " {k}=\"{}\"", escape(v));
        }
        self.out.push('>');
    }

    /// Opens `<name attrs...>`; close it with [`close`](Self::close).
    pub fn open(&mut self, name: &'static str, attrs: &[(&str, &str)]) -> &mut Self {
        self.start_tag(name, attrs);
        self.out.push('\n');
        self.open.push(name);
        self
    }

    /// Closes the element opened last.
    pub fn close(&mut self) -> &mut Self {
        if let Some(name) = self.open.pop() {
            self.indent();
            let _ = writeln!(self.out, "</{name}>");
        }
        self
    }

    /// `<name attrs...>text</name>` on one line.
    pub fn leaf_with(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) -> &mut Self {
        self.start_tag(name, attrs);
        let _ = writeln!(self.out, "{}</{name}>", escape(text));
        self
    }

    /// `<name>text</name>`.
    pub fn leaf(&mut self, name: &str, text: &str) -> &mut Self {
        self.leaf_with(name, &[], text)
    }

    /// `<name>text</name>` if `text` is given and not blank; nothing otherwise.
    pub fn leaf_opt(&mut self, name: &str, text: Option<&str>) -> &mut Self {
        match text.map(str::trim).filter(|t| !escape(t).trim().is_empty()) {
            Some(t) => self.leaf(name, t),
            None => self,
        }
    }

    /// The document, with every element closed.
    pub fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.close();
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped_and_forbidden_characters_dropped() {
        assert_eq!(
            escape("Tom & Jerry <AS> \"x\" 'y'\u{1}\u{FFFF}\t"),
            "Tom &amp; Jerry &lt;AS&gt; &quot;x&quot; &apos;y&apos;\t"
        );
        let mut w = XmlWriter::new();
        w.open("a", &[("k", "v\"<")])
            .leaf("b", "1 < 2")
            .leaf_opt("c", Some("  "))
            .leaf_opt("d", None);
        let xml = w.finish();
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a k=\"v&quot;&lt;\">\n  <b>1 &lt; 2</b>\n</a>\n"
        );
    }
}
