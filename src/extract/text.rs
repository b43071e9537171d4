//! Small text helpers shared by the extractors (byte offsets, char boundaries).
//!
//! No regex run over a whole document uses `\b`: the regex crate's fast DFA
//! gives up on a Unicode word boundary at the first non-ASCII byte, which in
//! Vietnamese is every other word, and the fallback engine was 80% of the run
//! time. [`WORD_END`] spells the boundary out instead; it consumes one
//! character, so the entity's own range comes from a named group. A boundary
//! *before* a match is not written into a whole-document regex at all: a
//! leading `(?:^|[^\p{L}\p{N}])` hides the literal that follows (`năm`,
//! `tháng`, a type word) from the regex crate's prefilter, and the search then
//! crawls through every byte, 20 times slower on the corpus. [`captures_after`]
//! checks the character before each match instead.

/// Compiles one extractor regex; a failure names where the pattern came from
/// (a `patterns/` file, since vocabulary is spliced into these regexes).
pub(crate) fn compile(origin: &str, re: &str) -> Result<regex::Regex, crate::error::PatternError> {
    regex::Regex::new(re).map_err(|e| crate::error::PatternError::Regex {
        file: origin.to_string(),
        message: e.to_string(),
    })
}

/// The first ASCII digit of `b` at or after `from`. Most of a text has no
/// digit for a while, so 16 bytes are looked at at once (the compiler makes
/// that one vector compare); a byte at a time cost ~7 instructions a byte.
pub(crate) fn next_digit(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(chunk) = b.get(i..i + 16) {
        if chunk.iter().fold(false, |d, c| d | c.is_ascii_digit()) {
            break;
        }
        i += 16;
    }
    Some(i + b.get(i..)?.iter().position(u8::is_ascii_digit)?)
}

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
    alternation_of(phrases, phrase_pattern)
}

/// Like [`alternation`], but each phrase matches only with its first letter
/// a capital, the rest in any case (`Thông tư`, `THÔNG TƯ`, `Thông Tư`, not
/// `thông tư`): for a regex that would throw the lower-case matches away.
/// It is four times faster over a document than `(?i)` on the whole
/// alternation, whose case variants are too many for the regex crate's
/// prefilter.
pub(crate) fn capitalized_alternation<'a>(phrases: impl IntoIterator<Item = &'a str>) -> String {
    alternation_of(phrases, |p| {
        let mut chars = p.chars();
        match chars.next() {
            Some(first) if first.is_lowercase() || first.is_uppercase() => {
                let capital: String = first.to_uppercase().collect();
                format!(
                    "{}(?i:{})",
                    regex::escape(&capital),
                    phrase_pattern(chars.as_str())
                )
            }
            _ => phrase_pattern(p),
        }
    })
}

/// Like [`alternation`] followed by `\b`, for a regex that is only asked
/// *whether* it matches, written so it stays on the fast engines, which give
/// up on a Unicode `\b`: a phrase ending in a word character (`người`) must
/// be followed by a non-word character or the end, one ending otherwise
/// (`m²`) by a word character. The phrases are grouped by their ending so
/// the large `\W` class appears once.
pub(crate) fn word_bounded_alternation<'a>(phrases: impl IntoIterator<Item = &'a str>) -> String {
    // Compiled once: a Unicode `\w` is large.
    let word = regex::Regex::new(r"\w$").ok();
    let (words, others): (Vec<&str>, Vec<&str>) = phrases
        .into_iter()
        .partition(|p| word.as_ref().is_some_and(|w| w.is_match(p)));
    format!(
        r"(?:{})(?:$|\W)|(?:{})\w",
        alternation(words),
        alternation(others)
    )
}

/// One phrase as a regex: escaped, any whitespace run between its words.
fn phrase_pattern(p: &str) -> String {
    p.split_whitespace()
        .map(regex::escape)
        .collect::<Vec<_>>()
        .join(r"\s+")
}

fn alternation_of<'a>(
    phrases: impl IntoIterator<Item = &'a str>,
    pattern: impl Fn(&str) -> String,
) -> String {
    let v = spellings_longest_first(phrases);
    if v.is_empty() {
        return r"[^\s\S]".to_string();
    }
    v.iter().map(|p| pattern(p)).collect::<Vec<_>>().join("|")
}

/// The phrases and their other tone placements, once each, longest first:
/// the order in which an [`alternation`] tries them.
pub(crate) fn spellings_longest_first<'a>(
    phrases: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let mut v: Vec<String> = phrases
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(crate::normalize::spellings)
        .collect();
    let mut seen = std::collections::HashSet::new();
    v.retain(|p| seen.insert(p.clone()));
    v.sort_by_key(|p| std::cmp::Reverse(p.chars().count()));
    v
}

/// The lookup key of a vocabulary phrase: [`crate::normalize::canonical_key`]
/// (lower case, collapsed whitespace, one tone placement).
pub(crate) fn key(s: &str) -> String {
    crate::normalize::canonical_key(s)
}

/// Canonical names by the [`key`] of a phrase, for phrases found in the
/// text (type words, issuers). Keying costs about 1,700 instructions and
/// runs at every citation, so the spellings documents mostly use (as
/// listed, all small, all capitals, first letter capital) are also looked
/// up as written; each gives what its key gives.
pub(crate) struct Names {
    by_key: std::collections::HashMap<String, String, crate::fnv::FnvBuild>,
    as_written: std::collections::HashMap<String, String, crate::fnv::FnvBuild>,
}

impl Names {
    /// `(phrase, canonical name)` pairs; a later pair with the same key wins.
    pub(crate) fn new<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Names {
        let pairs: Vec<(&str, &str)> = pairs.into_iter().collect();
        let by_key: std::collections::HashMap<String, String, crate::fnv::FnvBuild> = pairs
            .iter()
            .map(|(phrase, name)| (key(phrase), name.to_string()))
            .collect();
        let mut as_written = std::collections::HashMap::default();
        for (phrase, _) in &pairs {
            let mut first_up = String::with_capacity(phrase.len());
            let mut chars = phrase.chars();
            first_up.extend(chars.next().into_iter().flat_map(char::to_uppercase));
            first_up.push_str(chars.as_str());
            for spelling in [
                phrase.to_string(),
                phrase.to_lowercase(),
                phrase.to_uppercase(),
                first_up,
            ] {
                if let Some(name) = by_key.get(&key(&spelling)) {
                    as_written.insert(spelling, name.clone());
                }
            }
        }
        Names { by_key, as_written }
    }

    /// The canonical name of `phrase`.
    pub(crate) fn get(&self, phrase: &str) -> Option<&String> {
        self.as_written
            .get(phrase)
            .or_else(|| self.by_key.get(&key(phrase)))
    }
}

/// What may stand right before a match of a whole-document regex, checked by
/// [`captures_after`] in place of a leading `(?:^|[^…])` in the regex.
#[derive(Clone, Copy)]
pub(crate) enum Before {
    /// Start of text or not a letter or digit: `(?:^|[^\p{L}\p{N}])`.
    NotWord,
    /// Start of text or not a letter: `(?:^|[^\p{L}])`.
    NotLetter,
    /// A citation's number: start of text, not a letter, digit, `/`, `.` or
    /// `,`, or a glued `số` (`số06/2013/NĐ-CP`):
    /// `(?:^|[^\p{L}\p{N}/.,]|[Ss]ố)`.
    Symbol,
}

impl Before {
    /// Whether a match may start at byte `at` of `text`.
    fn allows(self, text: &str, at: usize) -> bool {
        let Some(c) = char_before(text, at) else {
            return true;
        };
        match self {
            Before::NotWord => !(c.is_alphabetic() || c.is_numeric()),
            Before::NotLetter => !c.is_alphabetic(),
            Before::Symbol => {
                !(c.is_alphabetic() || c.is_numeric() || matches!(c, '/' | '.' | ','))
                    || text[..at].ends_with("số")
                    || text[..at].ends_with("Số")
            }
        }
    }
}

/// The matches of `re` that `before` allows, found as if the regex began
/// with that boundary: a match refused for the character before it does not
/// hide one starting inside it, since the search goes on one character
/// later. Each search resumes where group `group` (else the match) ended
/// rather than where the match ended, so the boundary character that
/// [`WORD_END`] consumed after one entity can be the boundary before the next
/// (`06/2013/NĐ-CP 07/CT-BCA-V28`).
pub(crate) fn captures_after<'r, 't>(
    re: &'r regex::Regex,
    text: &'t str,
    before: Before,
    group: &'static str,
) -> impl Iterator<Item = regex::Captures<'t>> + 'r
where
    't: 'r,
{
    let group = group_index(re, group);
    allowed(text, before, move |pos| {
        let c = re.captures_at(text, pos)?;
        let whole = c.get(0)?.range();
        let end = c.get(group).map_or(whole.end, |m| m.end());
        Some((whole.start, end, c))
    })
}

/// [`captures_after`] without groups, resuming at each match's end: for a
/// regex whose groups the caller can read off the match, which spares the
/// capture engine.
pub(crate) fn find_after<'r, 't>(
    re: &'r regex::Regex,
    text: &'t str,
    before: Before,
) -> impl Iterator<Item = regex::Match<'t>> + 'r
where
    't: 'r,
{
    allowed(text, before, move |pos| {
        let m = re.find_at(text, pos)?;
        Some((m.start(), m.end(), m))
    })
}

/// The items `search` finds from a position on (with the match's start and
/// where the next search resumes) whose start `before` allows.
fn allowed<'r, 't, T>(
    text: &'t str,
    before: Before,
    mut search: impl FnMut(usize) -> Option<(usize, usize, T)> + 'r,
) -> impl Iterator<Item = T> + 'r
where
    't: 'r,
{
    let mut pos = 0;
    std::iter::from_fn(move || loop {
        if pos > text.len() {
            return None;
        }
        let (start, end, item) = search(pos)?;
        if !before.allows(text, start) {
            pos = start + char_at(text, start).map_or(1, char::len_utf8);
            continue;
        }
        pos = if end > pos {
            end
        } else {
            pos + char_at(text, pos).map_or(1, char::len_utf8)
        };
        return Some(item);
    })
}

/// A capture group with offsets into the whole text (see [`captures_at_starts`]).
#[derive(Clone, Copy)]
pub(crate) struct Group<'t> {
    start: usize,
    text: &'t str,
}

impl<'t> Group<'t> {
    pub(crate) fn start(&self) -> usize {
        self.start
    }

    pub(crate) fn end(&self) -> usize {
        self.start + self.text.len()
    }

    pub(crate) fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end()
    }

    pub(crate) fn as_str(&self) -> &'t str {
        self.text
    }
}

/// The groups of a match found at a given start (see [`captures_at_starts`]).
pub(crate) struct Groups<'t> {
    caps: regex::Captures<'t>,
    /// Where the searched slice starts in the text.
    at: usize,
}

impl<'t> Groups<'t> {
    /// The whole match.
    pub(crate) fn whole(&self) -> Group<'t> {
        let m = self.caps.get(0).map_or("", |m| m.as_str());
        Group {
            start: self.at,
            text: m,
        }
    }

    pub(crate) fn name(&self, name: &str) -> Option<Group<'t>> {
        let m = self.caps.name(name)?;
        Some(Group {
            start: self.at + m.start(),
            text: m.as_str(),
        })
    }

    /// Group `i` (see [`group_index`]).
    pub(crate) fn get(&self, i: usize) -> Option<Group<'t>> {
        let m = self.caps.get(i)?;
        Some(Group {
            start: self.at + m.start(),
            text: m.as_str(),
        })
    }
}

/// The index of `re`'s group `name` (past the last group when it has none,
/// so getting it gives `None`), looked up once, when an extractor is built
/// or once per document, rather than at every match: by name, the regex
/// crate hashes the name on every call, and 87,000 such lookups were 2.5%
/// of the instructions of 100 DOCX reports.
pub(crate) fn group_index(re: &regex::Regex, name: &str) -> usize {
    re.capture_names()
        .position(|n| n == Some(name))
        .unwrap_or(usize::MAX)
}

/// [`group_index`] of each of `names`.
pub(crate) fn group_indices<const N: usize>(re: &regex::Regex, names: [&str; N]) -> [usize; N] {
    names.map(|n| group_index(re, n))
}

/// What [`captures_after`] finds with a regex, for a regex whose matches
/// can only start at `starts` (ascending byte offsets): `anchored` is that
/// regex behind a `^`, tried at each start `before` allows that the last
/// match has not passed. A regex with no literal to look for (a citation
/// number starts with any digit) otherwise steps its automaton through
/// every byte of the document, where a byte scan finds the few places it
/// can match.
pub(crate) fn captures_at_starts<'r, 't>(
    anchored: &'r regex::Regex,
    text: &'t str,
    before: Before,
    group: usize,
    starts: impl Iterator<Item = usize> + 'r,
) -> impl Iterator<Item = Groups<'t>> + 'r
where
    't: 'r,
{
    let mut pos = 0;
    starts.filter_map(move |at| {
        if at < pos || !before.allows(text, at) {
            return None;
        }
        // (A start inside a character is no start.)
        let caps = anchored.captures(text.get(at..)?)?;
        let groups = Groups { caps, at };
        pos = groups.get(group).map_or(at + 1, |g| g.end().max(at + 1));
        Some(groups)
    })
}

/// A regex whose groups are read match by match: the DFA finds each match,
/// and the regex behind a `^` captures the groups within the match's own
/// text. The regex crate finds a match of a regex ending in a literal
/// (`%`) from that literal, but then runs its capture engine from the
/// match's start to the end of the text: about 85,000 instructions a match
/// on a report, where finding it took a few hundred.
pub(crate) struct Captured {
    find: regex::Regex,
    capture: regex::Regex,
}

impl Captured {
    /// Refuses a regex with an assertion (`^`, `$`, `\b`): it could look
    /// outside the match, and the match's own text would answer otherwise.
    pub(crate) fn new(origin: &str, re: &str) -> Result<Self, crate::error::PatternError> {
        let looks = regex_syntax::parse(re).map(|hir| hir.properties().look_set().is_empty());
        if let Ok(false) = looks {
            return Err(crate::error::PatternError::Regex {
                file: origin.to_string(),
                message: format!("{re}: an assertion could look outside the match"),
            });
        }
        Ok(Captured {
            find: compile(origin, re)?,
            capture: compile(origin, &format!("^(?:{re})"))?,
        })
    }

    /// The groups of each match in `text`, as `captures_iter` gives them.
    pub(crate) fn captures_iter<'r, 't>(
        &'r self,
        text: &'t str,
    ) -> impl Iterator<Item = Groups<'t>> + 'r
    where
        't: 'r,
    {
        self.find.find_iter(text).filter_map(move |m| {
            let caps = self.capture.captures(m.as_str())?;
            Some(Groups {
                caps,
                at: m.start(),
            })
        })
    }
}

/// A regex whose matches the DFA finds, and whose groups a second, smaller
/// regex reads off each match's own text. The capture engine re-run over a
/// long alternation (every document type, each in any case) tries it
/// alternative by alternative; knowing the text is a match, the splitter
/// only needs its shape (`(?s:.+?)` for the alternation). For short
/// citations this took legal extraction on 100 DOCX reports from 237.9M to
/// 218.9M instructions. A test over the corpus pins that both regexes give
/// the same groups.
pub(crate) struct Split {
    find: regex::Regex,
    split: regex::Regex,
}

impl Split {
    pub(crate) fn new(
        origin: &str,
        find: &str,
        split: &str,
    ) -> Result<Self, crate::error::PatternError> {
        Ok(Split {
            find: compile(origin, find)?,
            split: compile(origin, &format!("^(?:{split})$"))?,
        })
    }

    /// [`captures_after`], with groups from the splitter.
    pub(crate) fn captures_after<'r, 't>(
        &'r self,
        text: &'t str,
        before: Before,
        group: &'static str,
    ) -> impl Iterator<Item = Groups<'t>> + 'r
    where
        't: 'r,
    {
        let group = self.group(group);
        allowed(text, before, move |pos| {
            // A match the splitter cannot read is skipped, not a stop.
            let mut at = pos;
            loop {
                let m = self.find.find_at(text, at)?;
                if let Some(caps) = self.split.captures(m.as_str()) {
                    let groups = Groups {
                        caps,
                        at: m.start(),
                    };
                    let end = groups.get(group).map_or(m.end(), |g| g.end());
                    return Some((m.start(), end, groups));
                }
                at = m.start() + char_at(text, m.start()).map_or(1, char::len_utf8);
            }
        })
    }

    /// The index of the splitter's group `name`, for [`Groups::get`].
    pub(crate) fn group(&self, name: &str) -> usize {
        group_index(&self.split, name)
    }

    /// The regex that finds the matches.
    #[cfg(test)]
    pub(crate) fn find(&self) -> &regex::Regex {
        &self.find
    }
}

#[cfg(test)]
mod tests {
    use super::{captures_after, Before};

    #[test]
    fn names_found_as_written_are_the_names_their_keys_give() {
        let p = crate::patterns::Patterns::embedded().expect("embedded patterns");
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        for i in &p.issuers {
            pairs.push((&i.name, &i.name));
            pairs.extend(i.variants.iter().map(|v| (v.as_str(), i.name.as_str())));
        }
        pairs.extend(
            p.doc_types
                .iter()
                .map(|t| (t.name.as_str(), t.name.as_str())),
        );
        let names = super::Names::new(pairs.iter().copied());
        let by_key: std::collections::HashMap<String, &str> = pairs
            .iter()
            .map(|(phrase, name)| (super::key(phrase), *name))
            .collect();
        let mut checked = 0;
        for (phrase, _) in &pairs {
            let decomposed: String =
                unicode_normalization::UnicodeNormalization::nfd(*phrase).collect();
            for s in [
                phrase.to_string(),
                phrase.to_uppercase(),
                phrase.to_lowercase(),
                decomposed,
                phrase.replace("Ủy", "Uỷ").replace("hòa", "hoà"),
                format!("{phrase}  x"),
            ] {
                let want = by_key.get(&super::key(&s)).copied();
                assert_eq!(names.get(&s).map(String::as_str), want, "{s:?}");
                checked += 1;
            }
        }
        assert!(checked > 100, "{checked}");
    }

    fn found(re: &str, text: &str, before: Before) -> Vec<String> {
        let re = regex::Regex::new(re).expect("test regex");
        captures_after(&re, text, before, "all")
            .map(|c| c["all"].to_string())
            .collect()
    }

    #[test]
    fn a_match_glued_to_the_word_before_it_is_refused() {
        assert_eq!(
            found(
                r"(?i)(?P<all>năm\s+\d{4})",
                "Năm 2017 tổng kếtnăm 2018, (năm 2019)",
                Before::NotWord
            ),
            ["Năm 2017", "năm 2019"]
        );
    }

    #[test]
    fn a_refused_match_does_not_hide_one_starting_inside_it() {
        // `tháng năm 2017` is refused for the `x` before it; ` năm 2017`
        // inside it still counts, as with a boundary written in the regex.
        assert_eq!(
            found(
                r"(?P<all>(?:tháng )?năm \d{4})",
                "xtháng năm 2017",
                Before::NotWord
            ),
            ["năm 2017"]
        );
    }

    #[test]
    fn a_capitalized_alternation_takes_any_case_after_a_capital_first_letter() {
        let re = regex::Regex::new(&format!(
            "^(?:{})$",
            super::capitalized_alternation(["Thông tư", "Đề án"])
        ))
        .expect("test regex");
        for yes in ["Thông tư", "THÔNG TƯ", "Thông Tư", "Thông\n tư", "ĐỀ ÁN"] {
            assert!(re.is_match(yes), "{yes:?} should match");
        }
        for no in ["thông tư", "đề án", "Thôngtư"] {
            assert!(!re.is_match(no), "{no:?} should not match");
        }
    }

    #[test]
    fn a_word_bounded_alternation_matches_where_a_word_boundary_would() {
        let phrases = ["km²", "km", "người"];
        let ours = regex::Regex::new(&format!(
            "^[ \t]*(?:{})",
            super::word_bounded_alternation(phrases)
        ))
        .expect("test regex");
        let with_b = regex::Regex::new(&format!("^[ \t]*(?:{})\\b", super::alternation(phrases)))
            .expect("test regex");
        for rest in [
            " km² đất",
            " km²",
            " km2",
            " kmx",
            " người dân",
            " người",
            " ngườii",
            " km² x",
        ] {
            assert_eq!(ours.is_match(rest), with_b.is_match(rest), "{rest:?}");
        }
    }

    #[test]
    fn a_digit_before_a_match_is_refused_only_as_a_word_character() {
        let text = "2Luật Luật";
        assert_eq!(found(r"(?P<all>Luật)", text, Before::NotWord), ["Luật"]);
        assert_eq!(
            found(r"(?P<all>Luật)", text, Before::NotLetter),
            ["Luật", "Luật"]
        );
    }
    #[test]
    fn captured_groups_are_those_the_whole_text_capture_search_gives() {
        // The percentage regex, whose literal `%` ending sends the regex
        // crate's capture search to the end of the text.
        let re = r"(?:(?P<a>[0-9]+(?:[.,][0-9]+)*)[ \t]*[-–][ \t]*)?(?P<sign>[-−])?(?P<b>[0-9]+(?:[.,][0-9]+)*)[ \t]*%";
        let captured = super::Captured::new("test", re).expect("test regex");
        let whole = regex::Regex::new(re).expect("test regex");
        let mut texts = crate::extract::tests::corpus_texts();
        texts.push("tăng 5-7% so với 2013, giảm -2%, (-8,6%) và 1.212 - 1.273 %".into());
        let groups = |g: Option<super::Group>| g.map(|g| (g.start(), g.as_str().to_string()));
        let mut seen = 0;
        for text in &texts {
            let want: Vec<_> = whole
                .captures_iter(text)
                .map(|c| {
                    let m = |n: &str| c.name(n).map(|m| (m.start(), m.as_str().to_string()));
                    (c.get(0).map(|m| m.range()), m("a"), m("sign"), m("b"))
                })
                .collect();
            let got: Vec<_> = captured
                .captures_iter(text)
                .map(|c| {
                    let m = |n: &str| groups(c.name(n));
                    (Some(c.whole().range()), m("a"), m("sign"), m("b"))
                })
                .collect();
            assert_eq!(got, want);
            seen += want.len();
        }
        assert!(seen > 20, "only {seen} percentages to compare");
    }

    #[test]
    fn a_regex_with_an_assertion_is_not_captured_within_its_match() {
        assert!(super::Captured::new("test", r"[0-9]+%(?:$|\W)").is_err());
        assert!(super::Captured::new("test", r"\b[0-9]+%").is_err());
    }

    #[test]
    fn next_digit_is_found_across_and_inside_sixteen_byte_chunks() {
        let text = "Căn cứ Nghị định số 06/2013/NĐ-CP của Chính phủ quy định về 3 việc";
        let b = text.as_bytes();
        for from in 0..=b.len() {
            let want = b[from..]
                .iter()
                .position(u8::is_ascii_digit)
                .map(|k| from + k);
            assert_eq!(super::next_digit(b, from), want, "from {from}");
        }
        assert_eq!(super::next_digit(b, b.len() + 3), None);
    }
}
