//! The catalogue codes a history names (a data source's `NPR`, a
//! custodian's `FHI`): a handful of codes, each named by thousands of
//! histories. A [`Code`] is a shared string, so the histories read through
//! one [`Codes`] hold each code once, however many cases name it.

use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// A code such as `NPR` or `FHI`; clones share one string.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code(Arc<str>);

impl Code {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Code {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Code {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Code {
    fn from(code: &str) -> Self {
        Self(code.into())
    }
}

impl From<String> for Code {
    fn from(code: String) -> Self {
        Self(code.into())
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Code {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The codes seen so far, each held once: [`Codes::code`] gives the one
/// already held for a text, or holds a new one.
#[derive(Debug, Clone, Default)]
pub struct Codes(HashSet<Code>);

impl Codes {
    /// The code `text`, shared with every earlier call for the same text.
    pub fn code(&mut self, text: &str) -> Code {
        if let Some(code) = self.0.get(text) {
            return code.clone();
        }
        let code = Code::from(text);
        self.0.insert(code.clone());
        code
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_text_gives_one_shared_code() {
        let mut codes = Codes::default();
        let npr = codes.code("NPR");
        let fhi = codes.code("FHI");
        let again = codes.code(&String::from("NPR"));
        assert_eq!(npr, again);
        assert!(Arc::ptr_eq(&npr.0, &again.0), "one string for NPR");
        assert!(!Arc::ptr_eq(&npr.0, &fhi.0));
        assert_eq!(npr, "NPR");
        assert_eq!(fhi.as_str(), "FHI");
        assert_eq!(codes.0.len(), 2);
    }

    #[test]
    fn a_code_compares_and_prints_as_its_text() {
        let code = Code::from("MOBA");
        assert_eq!(code, *"MOBA");
        assert_eq!(code, String::from("MOBA"));
        assert_ne!(code, "MFR");
        assert_eq!(format!("{code} {code:?}"), "MOBA \"MOBA\"");
        let (kreft, npr) = (Code::from("KREFT"), Code::from("NPR"));
        assert!(kreft < npr);
    }
}
