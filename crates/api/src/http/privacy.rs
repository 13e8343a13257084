//! Nothing we echo or log carries a national identity number the caller
//! sent: not a path, not a deserializer's message quoting a value.

/// `text` with every national identity number in it masked.
pub(crate) fn without_national_ids(text: &str) -> String {
    let mut masked = text.to_owned();
    for range in hds_domain::identity::find_national_ids(text)
        .into_iter()
        .rev()
    {
        masked.replace_range(range, "***********");
    }
    masked
}
