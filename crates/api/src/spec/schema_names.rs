//! One component schema per name.
//!
//! utoipa keys `components.schemas` by the type's name alone: two Rust types
//! with the same name (`tasks::SourceRef` and `catalogue::SourceRef`) become
//! one schema, the last one collected wins, and nothing says so. utoipa 5
//! keeps no type identity with a collected schema (`ToSchema::schemas`
//! yields `(name, schema)` pairs, merged into a map), so the spec alone
//! cannot tell two types apart. This reads the workspace's sources instead:
//!
//! 1. every `#[derive(.., ToSchema, ..)]` struct or enum, and every type a
//!    `macro_rules!` declares with such a derive, at each invocation of the
//!    macro; no name may be declared twice (whether or not both are used);
//! 2. every component schema of the generated spec must come from exactly
//!    one of those declarations (`Page_Task` from the generic `Page<T>`), so
//!    a schema the scan cannot see (another crate, a hand-written
//!    `impl ToSchema`) fails the test instead of slipping past it;
//! 3. what the scan does not understand (`#[schema(as = ..)]`, a
//!    hand-written `impl ToSchema`) fails it too: extend the scan first.
//!
//! What it does not catch: a type from outside the workspace (a dependency's
//! `ToSchema`) that shares a name with one of ours collapses into ours
//! before the spec exists; none of our schemas comes from a dependency.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A type that becomes a component schema: its name and where it is.
#[derive(Debug, Clone)]
struct Declared {
    name: String,
    generic: bool,
    place: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The sources of every crate of the workspace (`crates/*/src`).
fn sources() -> Vec<(String, String)> {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for krate in std::fs::read_dir(&crates).unwrap().flatten() {
        rust_files(&krate.path().join("src"), &mut files);
    }
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f).unwrap();
            let shown = f.strip_prefix(&crates).unwrap_or(&f).display().to_string();
            (shown, text)
        })
        .collect()
}

fn line_of(text: &str, at: usize) -> usize {
    text[..at].matches('\n').count() + 1
}

fn ident(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The struct or enum the attributes at `text` belong to: `(name, generic,
/// offset of the name)`, skipping comments and further attributes.
fn item_after(text: &str) -> Option<(String, bool, usize)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let code = line.trim_start();
        if !code.starts_with("//") {
            for keyword in ["struct ", "enum "] {
                if let Some(at) = code.find(keyword) {
                    let before_ok = at == 0 || code[..at].ends_with(' ');
                    if before_ok {
                        let rest = code[at + keyword.len()..].trim_start();
                        let name = ident(rest);
                        if !name.is_empty() {
                            let generic = rest[name.len()..].starts_with('<');
                            let pos = offset + (line.len() - code.len()) + at;
                            return Some((name.to_owned(), generic, pos));
                        }
                    }
                }
            }
        }
        offset += line.len();
    }
    None
}

/// Is this the text of a derive list with `ToSchema` in it?
fn derives_to_schema(list: &str) -> bool {
    list.split(',')
        .map(|d| d.trim().rsplit("::").next().unwrap_or_default())
        .any(|d| d == "ToSchema")
}

/// Every derive of `ToSchema` in `text`: `(name, generic, offset)`; a name
/// starting with `$` is a macro's parameter.
fn derived(place: &str, text: &str) -> Vec<(String, bool, usize)> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("#[derive(") {
        let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        if text[line_start..at].trim_start().starts_with("//") {
            continue;
        }
        let open = at + "#[derive(".len();
        let Some(close) = text[open..].find(")]") else {
            continue;
        };
        if !derives_to_schema(&text[open..open + close]) {
            continue;
        }
        let after = &text[open + close..];
        let (name, generic, pos) = item_after(after)
            .unwrap_or_else(|| panic!("{place}:{}: no type after the derive", line_of(text, at)));
        assert!(
            !renames(&after[..pos]),
            "{place}:{}: `#[schema(as = ..)]` renames the schema; teach spec::schema_names the rule",
            line_of(text, at)
        );
        out.push((name, generic, open + close + pos));
    }
    out
}

/// Does an attribute say `as = ..` (a schema renamed)?
fn renames(attributes: &str) -> bool {
    attributes.match_indices("as").any(|(at, _)| {
        let before = attributes[..at].chars().next_back();
        let word_start = !before.is_some_and(|c| c.is_alphanumeric() || c == '_');
        word_start && attributes[at + 2..].trim_start().starts_with('=')
    })
}

/// The first identifier of a macro invocation's body, after doc comments
/// and attributes (`db_enum! { /// doc  Name { .. } }`).
fn invoked_name(body: &str) -> Option<String> {
    let mut rest = body;
    loop {
        rest = rest.trim_start();
        if rest.starts_with("//") {
            rest = rest.split_once('\n').map_or("", |(_, r)| r);
        } else if rest.starts_with("#[") {
            rest = rest.split_once(']').map_or("", |(_, r)| r);
        } else {
            let name = ident(rest);
            return (!name.is_empty()).then(|| name.to_owned());
        }
    }
}

fn declarations() -> Vec<Declared> {
    let sources = sources();
    let mut declared = Vec::new();
    let mut macros = Vec::new();
    for (place, text) in &sources {
        // spelled in two parts, so that this file does not find itself
        for needle in [
            concat!("ToSchema", " for "),
            concat!("PartialSchema", " for "),
        ] {
            if let Some(at) = text.find(needle) {
                let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
                assert!(
                    text[line_start..at].trim_start().starts_with("//"),
                    "{place}:{}: a hand-written `impl ToSchema`: teach spec::schema_names its name",
                    line_of(text, at)
                );
            }
        }
        for (name, generic, pos) in derived(place, text) {
            if name.starts_with('$') {
                let Some(start) = text[..pos].rfind("macro_rules!") else {
                    panic!("{place}:{}: `{name}` outside a macro", line_of(text, pos));
                };
                let after = text[start + "macro_rules!".len()..].trim_start();
                macros.push(ident(after).to_owned());
            } else {
                declared.push(Declared {
                    name,
                    generic,
                    place: format!("{place}:{}", line_of(text, pos)),
                });
            }
        }
    }
    macros.sort();
    macros.dedup();
    for name in macros {
        for (place, text) in &sources {
            for (at, _) in text.match_indices(&format!("{name}!")) {
                let body = text[at + name.len() + 1..].trim_start();
                let Some(body) = body.strip_prefix(['{', '(', '[']) else {
                    continue;
                };
                if let Some(declared_name) = invoked_name(body) {
                    declared.push(Declared {
                        name: declared_name,
                        generic: false,
                        place: format!("{place}:{} ({name}!)", line_of(text, at)),
                    });
                }
            }
        }
    }
    declared
}

#[test]
fn no_two_rust_types_share_a_schema_name() {
    let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let declared = declarations();
    for d in &declared {
        by_name.entry(&d.name).or_default().push(&d.place);
    }
    let twice: Vec<_> = by_name
        .iter()
        .filter(|(_, places)| places.len() > 1)
        .collect();
    assert!(
        twice.is_empty(),
        "types deriving ToSchema with the same name become one component schema: {twice:#?}"
    );
}

#[test]
fn every_component_schema_comes_from_exactly_one_declared_type() {
    let declared = declarations();
    let spec = crate::app::openapi();
    let schemas = spec.components.map(|c| c.schemas).unwrap_or_default();
    assert!(schemas.len() > 100, "the spec's schemas were read");
    let mut unaccounted = Vec::new();
    for name in schemas.keys() {
        let sources: Vec<_> = declared
            .iter()
            .filter(|d| {
                d.name == *name
                    || d.generic
                        && name
                            .strip_prefix(d.name.as_str())
                            .is_some_and(|rest| rest.starts_with('_'))
            })
            .map(|d| d.place.as_str())
            .collect();
        if sources.len() != 1 {
            unaccounted.push(format!("{name}: {sources:?}"));
        }
    }
    assert!(
        unaccounted.is_empty(),
        "component schemas not from exactly one type the scan found: {unaccounted:#?}"
    );
}

/// The scan itself: it sees a derive across lines, a type made by a macro,
/// and reports a second type of the same name.
#[test]
fn the_scan_finds_derives_macros_and_generics() {
    // DERIVE, so that the scan of this file does not find the example
    let text = "#[DERIVE(\n    Debug, utoipa::ToSchema,\n)]\n#[serde(rename_all = \"camelCase\")]\n/// doc with enum words\npub struct Page<T> { items: Vec<T> }\n// #[DERIVE(ToSchema)] struct Commented;\n#[DERIVE(Debug)]\nstruct Plain;\n#[DERIVE(ToSchema)]\npub(crate) enum Kind { A }\n"
        .replace("DERIVE", "derive");
    let found: Vec<_> = derived("x.rs", &text)
        .into_iter()
        .map(|(n, g, _)| (n, g))
        .collect();
    assert_eq!(
        found,
        vec![("Page".to_owned(), true), ("Kind".to_owned(), false)]
    );
    assert_eq!(
        invoked_name(
            " /// Kind of data source (kildetype).\n #[allow(x)]\n SourceKind { A = \"A\" }"
        ),
        Some("SourceKind".to_owned())
    );
    assert!(renames("#[schema(as = api::Other)]"));
    assert!(!renames("#[serde(alias = \"x\")]"));
}
