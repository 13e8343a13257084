//! The JSON-LD document of the catalogue written as Turtle: the same
//! triples, for harvesters that read Turtle. Only the shapes the catalogue
//! uses are handled: nodes with `@id` become subjects, nodes without become
//! blank nodes, `{"@value", "@language"}` and `{"@value", "@type"}` become
//! literals, and the properties the context types as `@id` become IRIs.

use std::fmt::Write as _;

use serde_json::{Map, Value};

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn iri(s: &str) -> String {
    format!("<{}>", s.replace('>', "%3E").replace(' ', "%20"))
}

fn is_iri_property(context: &Map<String, Value>, key: &str) -> bool {
    context
        .get(key)
        .and_then(|v| v.get("@type"))
        .is_some_and(|t| t == "@id")
}

struct Writer<'a> {
    context: &'a Map<String, Value>,
    /// Subjects with `@id` met inside another node, written after it.
    pending: Vec<&'a Map<String, Value>>,
}

impl<'a> Writer<'a> {
    fn object(&mut self, key: &str, value: &'a Value, indent: usize) -> String {
        match value {
            Value::String(s) if is_iri_property(self.context, key) => iri(s),
            Value::String(s) => escape(s),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Object(o) => {
                if let Some(v) = o.get("@value").and_then(Value::as_str) {
                    if let Some(l) = o.get("@language").and_then(Value::as_str) {
                        return format!("{}@{l}", escape(v));
                    }
                    if let Some(t) = o.get("@type").and_then(Value::as_str) {
                        return format!("{}^^{t}", escape(v));
                    }
                    return escape(v);
                }
                if let Some(id) = o.get("@id").and_then(Value::as_str) {
                    self.pending.push(o);
                    return iri(id);
                }
                format!(
                    "[\n{}{}]",
                    self.properties(o, indent + 4),
                    " ".repeat(indent)
                )
            }
            Value::Array(items) => items
                .iter()
                .map(|v| self.object(key, v, indent))
                .collect::<Vec<_>>()
                .join(", "),
            Value::Null => "\"\"".to_owned(),
        }
    }

    fn properties(&mut self, node: &'a Map<String, Value>, indent: usize) -> String {
        let pad = " ".repeat(indent);
        let mut out = String::new();
        for (key, value) in node {
            if key == "@id" || key == "@context" {
                continue;
            }
            if matches!(value, Value::Array(a) if a.is_empty()) {
                continue;
            }
            let predicate = if key == "@type" { "a" } else { key.as_str() };
            let object = if key == "@type" {
                value.as_str().unwrap_or_default().to_owned()
            } else {
                self.object(key, value, indent)
            };
            let _ = writeln!(out, "{pad}{predicate} {object} ;");
        }
        out
    }

    fn subject(&mut self, node: &'a Map<String, Value>, out: &mut String) {
        let id = node.get("@id").and_then(Value::as_str).unwrap_or_default();
        let body = self.properties(node, 4);
        let body = body.trim_end().trim_end_matches(';').trim_end();
        let _ = write!(out, "{}\n{body} .\n\n", iri(id));
    }
}

/// The catalogue document as Turtle, with the context's prefixes.
pub fn turtle(doc: &Value) -> String {
    let empty = Map::new();
    let context = doc
        .get("@context")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut out = String::new();
    for (prefix, ns) in context {
        if let Some(ns) = ns.as_str() {
            let _ = writeln!(out, "@prefix {prefix}: <{ns}> .");
        }
    }
    out.push('\n');
    let Some(root) = doc.as_object() else {
        return out;
    };
    let mut writer = Writer {
        context,
        pending: Vec::new(),
    };
    writer.subject(root, &mut out);
    let mut seen = std::collections::BTreeSet::new();
    while let Some(node) = writer.pending.pop() {
        let id = node.get("@id").and_then(Value::as_str).unwrap_or_default();
        if seen.insert(id.to_owned()) {
            writer.subject(node, &mut out);
        }
    }
    out
}
