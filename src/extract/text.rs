//! Small text helpers shared by the extractors (byte offsets, char boundaries).

/// The up-to-`max` bytes of `text` ending at `end`, cut at a char boundary.
pub(crate) fn before(text: &str, end: usize, max: usize) -> &str {
    let mut start = end.saturating_sub(max);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..end]
}

/// The up-to-`max` bytes of `text` starting at `start`, cut at a char boundary.
pub(crate) fn after(text: &str, start: usize, max: usize) -> &str {
    let mut end = (start + max).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[start..end]
}

/// The char just before byte `pos`, if any.
pub(crate) fn char_before(text: &str, pos: usize) -> Option<char> {
    text[..pos].chars().next_back()
}

/// The char at byte `pos`, if any.
pub(crate) fn char_at(text: &str, pos: usize) -> Option<char> {
    text[pos..].chars().next()
}

/// Builds a regex alternation of phrases, longest first so that
/// `Chương trình hành động` wins over `Chương trình`; spaces inside a phrase
/// match any whitespace run (line breaks included).
pub(crate) fn alternation<'a>(phrases: impl IntoIterator<Item = &'a str>) -> String {
    let mut v: Vec<&str> = phrases.into_iter().collect();
    v.sort_by_key(|p| std::cmp::Reverse(p.chars().count()));
    v.dedup();
    v.iter()
        .map(|p| {
            p.split_whitespace()
                .map(regex::escape)
                .collect::<Vec<_>>()
                .join(r"\s+")
        })
        .collect::<Vec<_>>()
        .join("|")
}

/// Lower-cases and collapses whitespace: the lookup key of a vocabulary phrase.
pub(crate) fn key(s: &str) -> String {
    s.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}
