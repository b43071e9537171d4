//! Small text helpers shared by the extractors (byte offsets, char boundaries).
//!
//! No regex run over a whole document uses `\b`: the regex crate's fast DFA
//! gives up on a Unicode word boundary at the first non-ASCII byte, which in
//! Vietnamese is every other word, and the fallback engine was 80% of the run
//! time. [`WORD_START`] and [`WORD_END`] spell the boundary out instead; they
//! consume one character, so the entity's own range comes from a named group.

/// Compiles one extractor regex; a failure names where the pattern came from
/// (a `patterns/` file, since vocabulary is spliced into these regexes).
pub(crate) fn compile(origin: &str, re: &str) -> Result<regex::Regex, crate::error::PatternError> {
    regex::Regex::new(re).map_err(|e| crate::error::PatternError::Regex {
        file: origin.to_string(),
        message: e.to_string(),
    })
}

/// Start of text or a character that is not a letter or digit.
pub(crate) const WORD_START: &str = r"(?:^|[^\p{L}\p{N}])";
/// End of text or a character that is not a letter or digit.
pub(crate) const WORD_END: &str = r"(?:$|[^\p{L}\p{N}])";

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
/// match any whitespace run (line breaks included). Each phrase also matches
/// with its other tone placement (`Ủy ban` / `Uỷ ban`, see
/// [`crate::normalize::spellings`]).
///
/// No phrases gives a pattern that never matches: an emptied vocabulary file
/// must switch its rule off, not make it match everywhere.
pub(crate) fn alternation<'a>(phrases: impl IntoIterator<Item = &'a str>) -> String {
    let mut v: Vec<String> = phrases
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(crate::normalize::spellings)
        .collect();
    if v.is_empty() {
        return r"[^\s\S]".to_string();
    }
    let mut seen = std::collections::HashSet::new();
    v.retain(|p| seen.insert(p.clone()));
    v.sort_by_key(|p| std::cmp::Reverse(p.chars().count()));
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

/// The lookup key of a vocabulary phrase: [`crate::normalize::canonical_key`]
/// (lower case, collapsed whitespace, one tone placement).
pub(crate) fn key(s: &str) -> String {
    crate::normalize::canonical_key(s)
}

/// Like `Regex::captures_iter`, but each search resumes where group `group`
/// ended rather than where the match ended, so the boundary character that
/// [`WORD_END`] consumed after one entity can be the [`WORD_START`] of the next
/// (`06/2013/NĐ-CP 07/CT-BCA-V28`).
pub(crate) fn captures_resuming<'r, 't>(
    re: &'r regex::Regex,
    text: &'t str,
    group: &'static str,
) -> impl Iterator<Item = regex::Captures<'t>> + 'r
where
    't: 'r,
{
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos > text.len() {
            return None;
        }
        let c = re.captures_at(text, pos)?;
        let end = c.name(group).or_else(|| c.get(0)).map_or(pos, |m| m.end());
        pos = if end > pos {
            end
        } else {
            // An empty match: step over one character to make progress.
            pos + text[pos..].chars().next().map_or(1, char::len_utf8)
        };
        Some(c)
    })
}
