//! Legal references: documents cited by number and symbol.
//!
//! Split like eyecite: *tokenize* the symbols (`06/2013/NĐ-CP`, `22-NQ/TW`,
//! `3246/HD-BCĐ(PV11-PV28)`) with one regex, *extract* the context around each
//! (the type word and `số` before it, `ngày …` and `của …` after it), then
//! *resolve* short citations (`Thông tư 23`) against the full ones of the same
//! document. The type words and issuer names come from `patterns/`.

use std::collections::HashMap;
use std::ops::Range;

use regex::Regex;

use super::text::{
    after, alternation, before, capitalized_alternation, captures_at_starts, char_at, compile,
    group_index, next_digit, Before, Names, Split, WORD_END,
};
use super::{Claims, Entities};
use crate::error::PatternError;
use crate::fnv::FnvBuild;
use crate::normalize::syllable::{place_tones, TonePlacement};
use crate::normalize::OffsetMap;
use crate::patterns::Patterns;
use crate::record::{LegalRef, Warning};

/// A code segment: starts with a capital, may mix case (`QyĐ`, `CTr`) and digits (`V28`).
/// (Its end is checked once, after the whole symbol: a segment cut inside a
/// word, like the `C` of `Công`, is followed by a letter and fails there.)
const SEG: &str = r"[A-ZĐ][A-Za-zĐđ0-9&]*";
/// A bracketed qualifier glued to a code: `(PV11-PV28)`.
const BRACKET: &str = r"\([A-Za-zĐđ0-9]+(?:-[A-Za-zĐđ0-9]+)*\)";
const YEAR: &str = r"(?:19|20)[0-9]{2}";

const ISSUER_MAX_WORDS: usize = 12;

/// Where an unquoted subject ends: the sentence going on past the title.
const SUBJECT_STOPS: &[&str] = &[
    " như sau",
    " đến các ",
    " và cần ",
    ", đồng thời",
    " đồng thời ",
    " ngày ",
    " theo ",
    " thì ",
    " nhằm ",
];

/// [`SUBJECT_STOPS`], each set up once for searching: `str::find` set up
/// its searcher on every call, nine times for each cited act's subject.
fn subject_stops() -> &'static [memchr::memmem::Finder<'static>] {
    static STOPS: std::sync::OnceLock<Vec<memchr::memmem::Finder<'static>>> =
        std::sync::OnceLock::new();
    STOPS.get_or_init(|| {
        SUBJECT_STOPS
            .iter()
            .map(|s| memchr::memmem::Finder::new(s.as_bytes()))
            .collect()
    })
}

pub(crate) struct LegalExtractor {
    /// The symbol regex behind `^`, tried where [`symbol_starts`] says.
    symbol: Regex,
    symbol_groups: SymbolGroups,
    type_before: Regex,
    /// Whether every type word ends in a letter other than the `ố` of
    /// `số`, so `type_before`'s match shows where the word ends.
    type_words_end_in_letters: bool,
    /// `Luật Giá số`, `Bộ luật Lao động số`: an act's name between type word and number.
    law_before: Regex,
    /// A unit or time word after a number: `hướng dẫn 25 xã`, `Báo cáo 6 tháng`.
    unit_after: Regex,
    issuer_stops: Vec<String>,
    so_before: Regex,
    tail_date: Regex,
    tail_groups: TailGroups,
    tail_of: Regex,
    short: Split,
    list_gap: Regex,
    /// type phrase (by its key) → canonical type name
    type_names: Names,
    /// symbol code → canonical type name (`NĐ` → `Nghị định`)
    code_types: HashMap<String, String, FnvBuild>,
    issuer_name: Regex,
    /// issuer name or variant (by its key) → canonical issuer name
    issuer_names: Names,
    /// (lower-cased phrase, relation, position), longest phrase first.
    relations: Vec<(String, String, String)>,
    /// The length of the longest relation phrase, in characters.
    relation_chars: usize,
    /// `khoản 3, điều 6,` right before a citation.
    pinpoint: Regex,
}

/// The symbol regex's groups, by index (see [`group_index`]): the number,
/// year and code of each of its three forms, and the whole symbol.
struct SymbolGroups {
    sym: usize,
    n1: usize,
    y1: usize,
    c1: usize,
    n2: usize,
    y2: usize,
    c2: usize,
    c3: usize,
    n3: usize,
    y3: usize,
}

impl SymbolGroups {
    fn of(re: &Regex) -> SymbolGroups {
        let g = |name| group_index(re, name);
        SymbolGroups {
            sym: g("sym"),
            n1: g("n1"),
            y1: g("y1"),
            c1: g("c1"),
            n2: g("n2"),
            y2: g("y2"),
            c2: g("c2"),
            c3: g("c3"),
            n3: g("n3"),
            y3: g("y3"),
        }
    }
}

/// The citation-date regex's groups, by index: day, month and year in
/// either of its two forms, and the whole tail.
struct TailGroups {
    all: usize,
    d: [usize; 2],
    m: [usize; 2],
    y: [usize; 2],
}

impl TailGroups {
    fn of(re: &Regex) -> TailGroups {
        let g = |name| group_index(re, name);
        TailGroups {
            all: g("all"),
            d: [g("d1"), g("d2")],
            m: [g("m1"), g("m2")],
            y: [g("y1"), g("y2")],
        }
    }
}

/// Where a citation's number may start: every match of the symbol regex
/// begins with a run of one to five digits (which `Before::Symbol` takes
/// whole, refusing a digit before it) and then, after blanks, a slash or
/// a dash. A byte scan finds these; most digit runs are followed by
/// something else.
fn symbol_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while let Some(start) = next_digit(b, i) {
            i = start;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i - start > 5 {
                continue;
            }
            let mut j = i;
            while matches!(b.get(j), Some(b' ' | b'\t')) {
                j += 1;
            }
            // `/`, `-`, and `–` (E2 80 93) or `‑` (E2 80 91).
            let separator = match b.get(j) {
                Some(b'/' | b'-') => true,
                Some(0xE2) => matches!(
                    (b.get(j + 1), b.get(j + 2)),
                    (Some(0x80), Some(0x91 | 0x93))
                ),
                _ => false,
            };
            if separator {
                return Some(start);
            }
        }
        None
    })
}

/// Words right after a citation's tail that say what it is about, in the
/// order they are tried.
const SUBJECT_CUES: &[&str] = &[
    "quy định chi tiết",
    "hướng dẫn thi hành",
    "quy định về",
    "hướng dẫn về",
    "quy định",
    "về",
    "V/v",
];

/// The title after a subject cue at the start of `window`, and whether it
/// was quoted: what `^[ \t]*,?[ \t]*(?:CUES)[ \t]+(?:“(?P<q1>[^”\n]+)”|
/// "(?P<q2>[^"\n]+)"|(?P<plain>[^.;:\n()]+))` captures, written out because
/// its capture engine, walking a title of a few hundred bytes, cost more
/// than the rest of the citation. (A test compares the two.)
fn subject_title(window: &str) -> Option<(&str, bool)> {
    let blank = |c: char| c == ' ' || c == '\t';
    let s = window.trim_start_matches(blank);
    let s = s.strip_prefix(',').unwrap_or(s).trim_start_matches(blank);
    for cue in SUBJECT_CUES {
        let Some(rest) = s.strip_prefix(cue) else {
            continue;
        };
        let blanks = rest.len() - rest.trim_start_matches(blank).len();
        if blanks == 0 {
            continue;
        }
        let body = &rest[blanks..];
        if let Some(title) = quoted(body, '“', '”').or_else(|| quoted(body, '"', '"')) {
            return Some((title, true));
        }
        let end = body
            .find(['.', ';', ':', '\n', '(', ')'])
            .unwrap_or(body.len());
        if end > 0 {
            return Some((&body[..end], false));
        }
        if blanks > 1 {
            // Punctuation right after the blanks: the regex gives the last
            // blank back, and it is the whole title.
            return Some((&rest[blanks - 1..blanks], false));
        }
    }
    None
}

/// The text between `open` and the first `close` at the start of `s`, if
/// there is some and no line break comes first.
fn quoted(s: &str, open: char, close: char) -> Option<&str> {
    let inner = s.strip_prefix(open)?;
    let end = inner.find([close, '\n'])?;
    (end > 0 && inner[end..].starts_with(close)).then(|| &inner[..end])
}

/// `s` without a final `số` in any case (as `(?i)số` matches it: `ſ` is an `s`).
fn strip_so(s: &str) -> Option<&str> {
    let mut chars = s.chars();
    let o = chars.next_back()?;
    let first = chars.next_back()?;
    (matches!(o, 'ố' | 'Ố') && matches!(first, 's' | 'S' | 'ſ')).then_some(chars.as_str())
}

/// The first `n` characters of `s`, lower-cased into a new string (sized
/// once: grown a character at a time, it was reallocated several times).
fn lower(s: &str, n: usize) -> String {
    let mut out = String::with_capacity(s.len().min(n.saturating_mul(4)));
    for c in s.chars().take(n) {
        crate::normalize::letters::push_lowercase(&mut out, c);
    }
    out
}

/// A reference while it is being built (byte offsets).
struct Found {
    range: Range<usize>,
    /// End of the citation's tail (`ngày …`, `của …`): where a list may continue.
    tail_end: usize,
    reference: LegalRef,
    /// Whether a type word was written before it (as opposed to inherited).
    typed: bool,
}

impl LegalExtractor {
    pub(crate) fn new(p: &Patterns) -> Result<Self, PatternError> {
        // Spaces may surround a separator, and a line may break right after
        // one (`NĐ-\nCP`), but never before one: `NĐ-CP\n- UBND` is a list.
        // Word turns ` - ` into an en dash; a non-breaking hyphen is a hyphen too.
        let dash = r"[ \t]*[-–‑][ \t]*(?:\n[ \t]*)?";
        let slash = r"[ \t]*/[ \t]*(?:\n[ \t]*)?";
        let code = format!(r"{SEG}(?:{dash}{SEG})*(?:{BRACKET})?");
        let state = format!(
            r"(?P<n1>[0-9]{{1,5}}){slash}(?:(?P<y1>{YEAR}){slash})?(?P<c1>{code}(?:{slash}{code})*)"
        );
        let party = format!(
            r"(?P<n2>[0-9]{{1,5}}){dash}(?:(?P<y2>{YEAR}){slash}(?P<c2>{code})|(?P<c3>{SEG}{slash}{code}))"
        );
        let num_year = format!(r"(?P<n3>[0-9]{{1,5}})/(?P<y3>{YEAR})");
        // What may stand before the number (`số06/2013/NĐ-CP`: a glued `số` is
        // the only letter allowed) is checked by `Before::Symbol`, outside the
        // regex, so the regex's automaton stays small.
        let symbol = format!(r"(?P<sym>{state}|{party}|{num_year}){WORD_END}");

        let types = alternation(p.doc_types.iter().map(|t| t.name.as_str()));
        let type_before =
            format!(r"(?i)(?:^|[^\p{{L}}])(?P<type>{types})[\s:]*(?:(?P<so>số)[\s:]*)?$");
        // Only a capitalized type word cites (`đã hướng dẫn 25 xã` is a verb
        // and a count, `Hướng dẫn 25` a document), so only those are sought.
        let (short, short_split) = short_patterns(p.doc_types.iter().map(|t| t.name.as_str()));
        let date = r"ngày\s+(?:(?P<d1>[0-9]{1,2})\s*[/.-]\s*(?P<m1>[0-9]{1,2})\s*[/.-]\s*(?P<y1>[0-9]{4}|[0-9]{2})|(?P<d2>[0-9]{1,2})\s+tháng\s+(?P<m2>[0-9]{1,2})\s+năm\s+(?P<y2>[0-9]{4}))";

        let mut issuer_phrases: Vec<&str> = Vec::new();
        let mut issuer_pairs: Vec<(&str, &str)> = Vec::new();
        for i in &p.issuers {
            issuer_phrases.push(&i.name);
            issuer_pairs.push((&i.name, &i.name));
            for v in &i.variants {
                issuer_phrases.push(v);
                issuer_pairs.push((v, &i.name));
            }
        }
        let issuer_names = Names::new(issuer_pairs);
        // `(?:$|\W)` is `\b` after a name (they all end in a letter) but keeps the
        // regex on the fast engines, which give up on a Unicode `\b`.
        let issuer_name = format!(r"(?i)^(?P<name>{})(?:$|\W)", alternation(issuer_phrases));

        let symbol = compile("legal symbol", &format!("^(?:{symbol})"))?;
        let tail_date = compile(
            "legal date",
            // `(?:$|\W)` is `\b` after the year's digits, on the fast engines.
            &format!(r"^(?P<all>[ \t]*,?\s*(?:ban hành\s+)?{date})(?:$|\W)"),
        )?;
        Ok(LegalExtractor {
            symbol_groups: SymbolGroups::of(&symbol),
            symbol,
            tail_groups: TailGroups::of(&tail_date),
            tail_date,
            type_before: compile("doc_types.tsv", &type_before)?,
            type_words_end_in_letters: p
                .doc_types
                .iter()
                .all(|t| t.name.ends_with(char::is_alphabetic) && strip_so(&t.name).is_none()),
            law_before: compile(
                "legal law name",
                r"(?:^|[^\p{L}])(?P<type>Bộ luật|Luật|Pháp lệnh)[ \t]+[^\n;:.()“”\x22/0-9]+?[ \t]+số[\s:]*$",
            )?,
            unit_after: compile(
                "units.tsv",
                &format!(
                    r"(?i)^[ \t]*(?:{}){WORD_END}",
                    alternation(p.units.iter().map(String::as_str))
                ),
            )?,
            // Case matters here (`Ban` starts a name, `ban hành` ends one), but
            // tone placement does not: `khoá` stops like `khóa`.
            issuer_stops: p
                .issuer_stops
                .iter()
                .map(|w| place_tones(w, TonePlacement::First).into_owned())
                .collect(),
            so_before: compile("legal list item", r"(?i)(?:^|[^\p{L}])(?P<so>số)[\s:]*$")?,
            tail_of: compile("legal issuer", r"^[ \t]*,?\s*của\s+")?,
            short: Split::new("doc_types.tsv", &short, &short_split)?,
            list_gap: compile("legal list", r"^[\s,;:]*(?:và\s*)?$")?,
            type_names: Names::new(
                p.doc_types
                    .iter()
                    .map(|t| (t.name.as_str(), t.name.as_str())),
            ),
            code_types: p
                .doc_types
                .iter()
                .rev() // first listed wins
                .map(|t| (t.code.clone(), t.name.clone()))
                .collect(),
            issuer_name: compile("issuers.tsv", &issuer_name)?,
            issuer_names,
            relation_chars: p
                .relations
                .iter()
                .map(|c| c.phrase.chars().count())
                .max()
                .unwrap_or(0),
            relations: {
                let mut r: Vec<_> = p
                    .relations
                    .iter()
                    .map(|c| (c.phrase.clone(), c.relation.clone(), c.position.clone()))
                    .collect();
                r.sort_by_key(|(phrase, _, _)| std::cmp::Reverse(phrase.len()));
                r
            },
            pinpoint: compile(
                "legal pinpoint",
                r"(?:(?:^|[^\p{L}])[Kk]hoản\s+(?P<clause>[0-9]{1,3})\s*,?\s*)?(?:^|[^\p{L}])[Đđ]iều\s+(?P<article>[0-9]{1,3})\s*,?\s*(?:(?:của|tại)\s+)?$",
            )?,
        })
    }

    /// The article and clause a citation is pinned to (`khoản 3, điều 6,
    /// Thông tư 23` → (Some(6), Some(3))), read right before it.
    fn pinpoint(&self, text: &str, start: usize) -> (Option<u16>, Option<u16>) {
        let Some(c) = self.pinpoint.captures(before(text, start, 48)) else {
            return (None, None);
        };
        let num = |g: &str| c.name(g).and_then(|m| m.as_str().parse().ok());
        (num("article"), num("clause"))
    }

    /// What the cited act is about, when the sentence says so right after
    /// its number, date and issuer (`… của Chính phủ quy định về bảo vệ cơ
    /// quan, doanh nghiệp`): a quoted title whole, else up to the next
    /// sentence punctuation or bracket.
    fn subject(text: &str, tail_end: usize) -> Option<String> {
        // The window bounds the subject (a title runs to a few hundred bytes
        // at most); the pattern itself uses `+`, since a counted repetition
        // would copy its class hundreds of times into the automaton.
        let (title, quoted) = subject_title(after(text, tail_end, 400))?;
        let words: Vec<&str> = title.split_whitespace().collect();
        let mut s = words.join(" ");
        if !quoted {
            // An unquoted subject has no end mark: it stops where the
            // sentence goes on (a comma before a capital, `như sau`, a date,
            // `đồng thời`…), and after 14 words, past which it is a clause.
            let mut cut = s.len();
            for stop in subject_stops() {
                if let Some(i) = stop.find(s.as_bytes()) {
                    cut = cut.min(i);
                }
            }
            if let Some(i) = s.char_indices().find_map(|(i, ch)| {
                (ch == ',' && s[i + 1..].trim_start().starts_with(char::is_uppercase)).then_some(i)
            }) {
                cut = cut.min(i);
            }
            s.truncate(cut);
            let kept: Vec<&str> = s.split_whitespace().take(14).collect();
            s = kept.join(" ");
        }
        let s = s.trim_end_matches([',', ' ']).to_string();
        (s.chars().count() >= 3).then_some(s)
    }

    /// How the document relates to the act cited at `start..end` whose tail
    /// ends at `tail_end`: the first cue of `relations.tsv` that fits.
    fn relation(&self, text: &str, start: usize, tail_end: usize) -> String {
        let window = before(text, start, 160);
        // The clause: back to the last sentence or list boundary.
        let clause_start = window.rfind(['.', ';', '\n', ':']).map_or(0, |i| i + 1);
        // Only as many characters as the longest cue, and one more for the
        // word boundary, are compared, so only those are lower-cased.
        let n = self.relation_chars + 1;
        let clause = lower(window[clause_start..].trim_start(), n);
        let right_before = window.trim_end();
        let tail_start = right_before
            .char_indices()
            .rev()
            .nth(n - 1)
            .map_or(0, |(i, _)| i);
        let right_before = lower(&right_before[tail_start..], n);
        let after_tail = after(text, tail_end, 64).trim_start_matches([' ', '\t', ',']);
        let after_tail = lower(after_tail, n);
        for (phrase, relation, position) in &self.relations {
            let fits = match position.as_str() {
                "clause" => clause.starts_with(phrase.as_str()),
                "before" => right_before
                    .strip_suffix(phrase.as_str())
                    .is_some_and(|rest| !rest.ends_with(char::is_alphanumeric)),
                _ => after_tail
                    .strip_prefix(phrase.as_str())
                    .is_some_and(|rest| !rest.starts_with(char::is_alphanumeric)),
            };
            if fits {
                return relation.clone();
            }
        }
        "refers".to_string()
    }

    pub(crate) fn extract(
        &self,
        text: &str,
        map: &OffsetMap,
        claims: &mut Claims,
        out: &mut Entities,
    ) {
        let mut found: Vec<Found> = Vec::new();
        let mut last_end = 0;
        let starts = symbol_starts(text);
        let g = &self.symbol_groups;
        for caps in captures_at_starts(&self.symbol, text, Before::Symbol, g.sym, starts) {
            let Some(sym) = caps.get(g.sym) else {
                continue;
            };
            let window = before(text, sym.start(), 160);
            let typed = self.type_word_before(window);
            let number_year_only = caps.get(g.n3).is_some();
            if number_year_only && typed.is_none() {
                continue; // `4/2016` without a type word is a month, not a citation
            }
            let (number, year, code) = if let Some(n) = caps.get(g.n1) {
                (n.as_str(), caps.get(g.y1), caps.get(g.c1))
            } else if let Some(n) = caps.get(g.n2) {
                (
                    n.as_str(),
                    caps.get(g.y2),
                    caps.get(g.c2).or(caps.get(g.c3)),
                )
            } else {
                (
                    caps.get(g.n3).map_or("", |m| m.as_str()),
                    caps.get(g.y3),
                    None,
                )
            };
            let (start, doc_type) = match typed {
                Some((at, ty)) => (sym.start() - window.len() + at, ty),
                None => match self.so_before.captures(window).and_then(|c| c.name("so")) {
                    Some(so) => (sym.start() - window.len() + so.start(), None),
                    None => (sym.start(), None),
                },
            };
            // A type word is never shared with the previous citation
            // (`Bộ luật … số 45/2019/QH14 và Luật … số 83/2015/QH13`).
            let start = start.max(last_end);
            last_end = sym.end();
            let id = canonical_id(sym.as_str());
            let (date, issuer, tail_end) = self.tail(text, sym.end());
            found.push(Found {
                range: start..sym.end(),
                tail_end,
                typed: doc_type.is_some(),
                reference: LegalRef {
                    text: text[start..sym.end()].to_string(),
                    span: map.span(start, sym.end()),
                    number: pad_number(number),
                    year: year.and_then(|y| y.as_str().parse().ok()),
                    symbol: code.map(|c| strip_ws(c.as_str())),
                    id: Some(id),
                    doc_type,
                    date,
                    issuer,
                    resolved_id: None,
                    relation: None,
                    article: None,
                    clause: None,
                    subject: None,
                },
            });
        }
        self.inherit_list_types(text, &mut found);
        for f in &found {
            claims.add(f.range.clone());
        }
        claims.seal();

        let shorts = self.short_references(text, map, claims);
        let mut all: Vec<Found> = found.into_iter().chain(shorts).collect();
        all.sort_by_key(|f| f.range.start);
        self.resolve_short(&mut all, &mut out.warnings);
        for f in &mut all {
            f.reference.relation = Some(self.relation(text, f.range.start, f.tail_end));
            let (article, clause) = self.pinpoint(text, f.range.start);
            f.reference.article = article;
            f.reference.clause = clause;
            f.reference.subject = Self::subject(text, f.tail_end);
        }
        for f in all {
            if f.reference.id.is_none() {
                claims.add(f.range.clone());
            }
            out.legal_tails
                .push(f.range.end..f.tail_end.max(f.range.end));
            out.legal_references.push(f.reference);
        }
    }

    /// The type word that ends `window`, maybe with `số` and colons after
    /// it (`Nghị định số `, `Luật Giá số `): where it starts in `window`, and
    /// its canonical name.
    fn type_word_before(&self, window: &str) -> Option<(usize, Option<String>)> {
        let name = |t: &str| self.type_names.get(t).cloned();
        if let Some(t) = self.type_word_range(window) {
            return Some((t.start, name(&window[t])));
        }
        let t = self.law_before.captures(window)?.name("type")?;
        Some((t.start(), name(t.as_str())))
    }

    /// The range of `type_before`'s `type` group in `window`. The match
    /// alone gives it: one boundary character, the type word, then only
    /// blanks, colons and `số` to the end. The capture engine, which for
    /// this large case-insensitive alternation costs more than the search,
    /// is left for a match at the window's start, where the boundary may be
    /// the start itself, and for type words that end in a blank or `số`.
    fn type_word_range(&self, window: &str) -> Option<Range<usize>> {
        let m = self.type_before.find(window)?;
        if m.start() == 0 || !self.type_words_end_in_letters {
            return Some(self.type_before.captures(window)?.name("type")?.range());
        }
        let start = m.start() + char_at(window, m.start())?.len_utf8();
        let blank = |c: char| c.is_whitespace() || c == ':';
        let rest = window[start..].trim_end_matches(blank);
        let rest = strip_so(rest).map_or(rest, |r| r.trim_end_matches(blank));
        Some(start..start + rest.len())
    }

    /// The `ngày …` and `của …` after a citation: (ISO date, issuer, end of tail).
    fn tail(&self, text: &str, mut pos: usize) -> (Option<String>, Option<String>, usize) {
        let mut date = None;
        if let Some(c) = self.tail_date.captures(after(text, pos, 64)) {
            let g = &self.tail_groups;
            let part = |[a, b]: [usize; 2]| c.get(a).or(c.get(b)).map(|m| m.as_str());
            if let (Some(d), Some(m), Some(y)) = (part(g.d), part(g.m), part(g.y)) {
                date = super::dates::iso_day(d, m, y);
                if date.is_some() {
                    pos += c.get(g.all).map_or(0, |m| m.end());
                }
            }
        }
        let mut issuer = None;
        if let Some(m) = self.tail_of.find(after(text, pos, 32)) {
            let name_start = pos + m.end();
            if let Some((name, len)) = self.issuer(after(text, name_start, 240)) {
                issuer = Some(name);
                pos = name_start + len;
            }
        }
        (date, issuer, pos)
    }

    /// The issuing body named at the start of `s`, and the bytes it spans.
    fn issuer(&self, s: &str) -> Option<(String, usize)> {
        // A known name (`Ủy ban nhân dân`, `Bộ Kế hoạch và Đầu tư`) is taken
        // whole; the words after it (`huyện Gia Lâm`) run to the first stop
        // word or punctuation.
        let known = self.known_issuer(s).map_or(0, str::len);
        let mut end = known;
        let mut at = known;
        let pieces = s[known..].split_inclusive(char::is_whitespace);
        for piece in pieces
            .filter(|p| !p.trim().is_empty())
            .take(ISSUER_MAX_WORDS)
        {
            let start = at + (s[at..].len() - s[at..].trim_start().len());
            at = start + piece.len();
            let word = piece.trim_end();
            let core = word.trim_end_matches([',', ';', '.', ':', ')', '”', '"']);
            let placed = place_tones(core, TonePlacement::First);
            if core.is_empty()
                || self.issuer_stops.iter().any(|w| *w == placed)
                || core.starts_with(['(', '“', '"', '-', '–'])
            {
                break;
            }
            end = start + core.len();
            if core.len() != word.len() || piece.contains('\n') {
                break; // punctuation or a line break ends the name
            }
        }
        if end == 0 {
            return None;
        }
        let phrase = s[..end].split_whitespace().collect::<Vec<_>>().join(" ");
        // Expand a leading abbreviation: `UBND tỉnh` → `Ủy ban nhân dân tỉnh`.
        let name = match self.known_issuer(&phrase) {
            Some(m) => match self.issuer_names.get(m) {
                Some(canon) => format!("{canon}{}", &phrase[m.len()..]),
                None => phrase,
            },
            None => phrase,
        };
        Some((name, end))
    }

    /// A known issuer's name or abbreviation at the start of `s`.
    fn known_issuer<'s>(&self, s: &'s str) -> Option<&'s str> {
        // The match is the name and the boundary character after it, if
        // any. Finding it needs no capture engine, which for this large
        // alternation costs more than the search; the name's end follows
        // from the match unless the text ends in a non-word character.
        let m = self.issuer_name.find(s)?;
        let last = m.as_str().chars().next_back()?;
        if regex_syntax::is_word_character(last) {
            Some(m.as_str())
        } else if m.end() < s.len() {
            Some(&m.as_str()[..m.len() - last.len_utf8()])
        } else {
            Some(self.issuer_name.captures(s)?.name("name")?.as_str())
        }
    }

    /// Items of a list share the list's type word: in `Công văn: số 517/BCĐ
    /// ngày 17/5/2017, số 1120/BCĐ …` the second item is a Công văn too.
    fn inherit_list_types(&self, text: &str, found: &mut [Found]) {
        for i in 1..found.len() {
            if found[i].typed {
                continue;
            }
            let (prev, cur) = found.split_at_mut(i);
            let prev = &prev[i - 1];
            let cur = &mut cur[0];
            let gap_start = prev.tail_end.max(prev.range.end);
            if gap_start <= cur.range.start
                && self.list_gap.is_match(&text[gap_start..cur.range.start])
            {
                cur.reference.doc_type = prev.reference.doc_type.clone();
            }
        }
    }

    /// `Thông tư 23`, `Chỉ thị số 07`: a type word and a bare number.
    fn short_references(&self, text: &str, map: &OffsetMap, claims: &Claims) -> Vec<Found> {
        let mut out = Vec::new();
        let (type_group, num_group) = (self.short.group("type"), self.short.group("num"));
        for caps in self.short.captures_after(text, Before::NotLetter, "num") {
            let (Some(ty), Some(num)) = (caps.get(type_group), caps.get(num_group)) else {
                continue;
            };
            let range = ty.start()..num.end();
            if claims.overlaps(&range) {
                continue;
            }
            let rest = after(text, num.end(), 48);
            if self.unit_after.is_match(rest) || is_not_short_reference(num.as_str(), rest) {
                continue;
            }
            let (date, issuer, tail_end) = self.tail(text, num.end());
            out.push(Found {
                tail_end,
                typed: true,
                reference: LegalRef {
                    text: text[range.clone()].to_string(),
                    span: map.span(range.start, range.end),
                    id: None,
                    doc_type: self.type_names.get(ty.as_str()).cloned(),
                    number: pad_number(num.as_str()),
                    year: None,
                    symbol: None,
                    date,
                    issuer,
                    resolved_id: None,
                    relation: None,
                    article: None,
                    clause: None,
                    subject: None,
                },
                range,
            });
        }
        out
    }

    /// Gives each short citation the id of the one full citation of the same
    /// type and number in the document; warns when there are several.
    fn resolve_short(&self, all: &mut [Found], warnings: &mut Vec<Warning>) {
        let full: Vec<(String, String, String)> = all
            .iter()
            .filter_map(|f| {
                let r = &f.reference;
                let ty = r
                    .doc_type
                    .clone()
                    .or_else(|| self.type_of_symbol(r.symbol.as_deref()))?;
                Some((ty, number_key(&r.number).to_string(), r.id.clone()?))
            })
            .collect();
        for f in all.iter_mut().filter(|f| f.reference.id.is_none()) {
            let r = &mut f.reference;
            let Some(ty) = r.doc_type.as_deref() else {
                continue;
            };
            let n = number_key(&r.number);
            let mut ids: Vec<&str> = full
                .iter()
                .filter(|(t, num, _)| t == ty && *num == n)
                .map(|(_, _, id)| id.as_str())
                .collect();
            ids.sort_unstable();
            ids.dedup();
            match ids.as_slice() {
                [one] => r.resolved_id = Some(one.to_string()),
                [] => {}
                many => warnings.push(Warning {
                    kind: "ambiguous_short_reference".into(),
                    message: format!(
                        "`{}` could mean any of {}; left unresolved",
                        r.text,
                        many.join(", ")
                    ),
                    span: Some(r.span.clone()),
                }),
            }
        }
    }

    /// The type a symbol's first code implies (`TT-BCA` → Thông tư).
    fn type_of_symbol(&self, symbol: Option<&str>) -> Option<String> {
        let first = symbol?.split(['-', '/', '(']).next()?;
        self.code_types.get(first).cloned()
    }
}

/// `Thông tư 23`, `Chỉ thị số 07`: the regex that finds a short citation
/// (a capitalized type word, then a number), and the one that reads its
/// groups off a match. When no type word holds a digit or ends in `số`
/// (none of the built-in ones do), the shortest text before the blanks,
/// `số` and the number is the type; a vocabulary where that fails is read
/// with the finding regex itself.
fn short_patterns<'a>(types: impl IntoIterator<Item = &'a str>) -> (String, String) {
    let types: Vec<&str> = types.into_iter().collect();
    let capitalized = capitalized_alternation(types.iter().copied());
    let rest = r"[ \t]+(?:(?i:số)[ \t]*:?[ \t]*)?(?P<num>[0-9]{1,4})";
    let find = format!(r"(?P<type>{capitalized}){rest}{WORD_END}");
    let plain = types.iter().all(|t| {
        let last = t.split_whitespace().last().unwrap_or("");
        !t.contains(|c: char| c.is_numeric()) && !last.to_lowercase().ends_with("số")
    });
    let split = if plain {
        format!(r"(?P<type>(?s:.+?)){rest}{WORD_END}")
    } else {
        find.clone()
    };
    (find, split)
}

/// `Luật 2013` is a year and `Thông tư 23/…` part of a symbol. (A unit
/// after the number, `Báo cáo 6 tháng`, is checked against `units.tsv`; `ngày`
/// is deliberately not a unit there: `Thông tư 23 ngày 27/4/2012` is dated.)
fn is_not_short_reference(num: &str, rest: &str) -> bool {
    let year = num.len() == 4 && (num.starts_with("19") || num.starts_with("20"));
    let continues = rest.starts_with(['/', '-', '.', ',', '%'])
        && rest[1..].starts_with(|c: char| c.is_ascii_digit() || c.is_uppercase());
    year || continues
}

/// The canonical id: whitespace removed, leading number padded to two digits.
pub(crate) fn canonical_id(symbol: &str) -> String {
    let s = strip_ws(symbol);
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 1 {
        format!("0{s}")
    } else {
        s
    }
}

fn pad_number(n: &str) -> String {
    if n.len() == 1 {
        format!("0{n}")
    } else {
        n.to_string()
    }
}

/// A document number without leading zeros, for comparing `07` with `7`.
pub fn number_key(n: &str) -> &str {
    let t = n.trim_start_matches('0');
    if t.is_empty() {
        "0"
    } else {
        t
    }
}

/// Whitespace removed; en dashes and non-breaking hyphens become `-`, so the
/// same symbol typed in Word and in a plain editor gets the same id.
fn strip_ws(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if matches!(c, '–' | '‑') { '-' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::extract::tests::extract;

    fn ids(text: &str) -> Vec<Option<String>> {
        extract(text)
            .legal_references
            .into_iter()
            .map(|r| r.id)
            .collect()
    }

    /// Asserts each citation's surface text and type, in order.
    #[track_caller]
    fn assert_texts_and_types(text: &str, want: &[(&str, Option<&str>)]) {
        let refs = extract(text).legal_references;
        let got: Vec<_> = refs
            .iter()
            .map(|r| (r.text.as_str(), r.doc_type.as_deref()))
            .collect();
        assert_eq!(got, want, "citations in {text:?}");
    }

    /// Asserts that `text` holds exactly these citation ids, in order.
    #[track_caller]
    fn assert_ids(text: &str, want: &[&str]) {
        let want: Vec<Option<String>> = want.iter().map(|w| Some(w.to_string())).collect();
        assert_eq!(ids(text), want, "citations in {text:?}");
    }

    /// The legal extractor over the built-in vocabulary.
    fn legal_extractor() -> super::LegalExtractor {
        let p = crate::patterns::Patterns::embedded().expect("built-in patterns parse");
        super::LegalExtractor::new(&p).expect("legal extractor builds")
    }

    /// (type, num) of each short citation found, as byte ranges.
    type ShortGroups = Vec<(std::ops::Range<usize>, std::ops::Range<usize>)>;

    #[test]
    fn short_citation_groups_read_off_the_match_are_the_full_regexs_groups() {
        let legal = legal_extractor();
        let full = legal.short.find();
        let mut seen = 0;
        for text in crate::extract::tests::corpus_texts() {
            let want: ShortGroups = crate::extract::text::captures_after(
                full,
                &text,
                crate::extract::text::Before::NotLetter,
                "num",
            )
            .filter_map(|c| Some((c.name("type")?.range(), c.name("num")?.range())))
            .collect();
            let got: ShortGroups = legal
                .short
                .captures_after(&text, crate::extract::text::Before::NotLetter, "num")
                .filter_map(|c| Some((c.name("type")?.range(), c.name("num")?.range())))
                .collect();
            assert_eq!(got, want, "short citations of a corpus report");
            seen += want.len();
        }
        assert!(seen > 10, "the corpus has short citations ({seen})");
    }

    #[test]
    fn a_type_word_ending_in_so_is_read_with_the_finding_regex() {
        let (find, split) = super::short_patterns(["Thông tư", "Văn bản số"]);
        assert_eq!(split, find);
        let (find, split) = super::short_patterns(["Thông tư", "Chỉ thị"]);
        assert_ne!(split, find);
    }

    #[test]
    fn symbols_tried_at_digit_runs_are_the_symbols_a_whole_text_search_finds() {
        let legal = legal_extractor();
        let pattern = legal.symbol.as_str();
        let unanchored = pattern
            .strip_prefix("^(?:")
            .and_then(|p| p.strip_suffix(')'))
            .expect("the symbol regex is anchored");
        let whole = regex::Regex::new(unanchored).expect("symbol regex");
        let mut texts: Vec<String> = [
            "số06/2013/NĐ-CP và 1234567/2013/NĐ-CP, 12 / 2013, 09/01/2013",
            "5 – 7/2013/TT-BCA; 22-NQ/TW 07/CT-BCA-V28 3246/HD-BCĐ(PV11-PV28)",
            "Số: 123\n/QĐ, 45‑NQ/TW, 06/2013/NĐ-\nCP, x12/2013/QĐ, 1.212/1.273",
            "4/2016 và 123456/KH",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        texts.extend(crate::extract::tests::corpus_texts());
        let mut found = 0;
        for text in &texts {
            let want: Vec<_> = crate::extract::text::captures_after(
                &whole,
                text,
                crate::extract::text::Before::Symbol,
                "sym",
            )
            .filter_map(|c| c.name("sym").map(|m| m.range()))
            .collect();
            let got: Vec<_> = super::captures_at_starts(
                &legal.symbol,
                text,
                crate::extract::text::Before::Symbol,
                legal.symbol_groups.sym,
                super::symbol_starts(text),
            )
            .filter_map(|c| c.name("sym").map(|m| m.start()..m.end()))
            .collect();
            assert_eq!(got, want, "in {:?}", &text[..text.len().min(80)]);
            found += want.len();
        }
        assert!(found > 60, "the corpus has citations, found {found}");
    }

    #[test]
    fn a_subject_title_is_what_the_subject_regex_would_capture() {
        let re = regex::Regex::new(
            r#"^[ \t]*,?[ \t]*(?:quy định chi tiết|hướng dẫn thi hành|quy định về|hướng dẫn về|quy định|về|V/v)[ \t]+(?:“(?P<q1>[^”\n]+)”|"(?P<q2>[^"\n]+)"|(?P<plain>[^.;:\n()]+))"#,
        )
        .expect("test regex");
        fn by_regex<'w>(re: &regex::Regex, w: &'w str) -> Option<(&'w str, bool)> {
            let c = re.captures(w)?;
            let quoted = c.name("q1").or(c.name("q2"));
            Some((quoted.or(c.name("plain"))?.as_str(), quoted.is_some()))
        }
        let mut windows: Vec<String> = [
            " về “Quy chế”, tiếp",
            ", quy định về bảo vệ cơ quan.",
            " quy định chi tiết.",
            " quy định chi tiết  .",
            " quy định về.",
            " về  (",
            " về “không đóng\ntiếp",
            " về “”",
            " về \"a\" b",
            " về \"\n",
            "\tV/v\t“x” y",
            " về",
            " về ",
            "về về",
            " ,về x",
            " , , về x",
            " hướng dẫn thi hành Luật",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // And every place in the corpus a cue follows.
        for text in crate::extract::tests::corpus_texts() {
            for cue in super::SUBJECT_CUES {
                for (i, _) in text.match_indices(cue) {
                    let from = super::before(&text, i, 3).len();
                    windows.push(super::after(&text, i - from, 400).to_string());
                }
            }
        }
        assert!(windows.len() > 100, "the corpus was read");
        for w in &windows {
            assert_eq!(super::subject_title(w), by_regex(&re, w), "{w:?}");
        }
    }

    #[test]
    fn a_type_word_before_a_number_is_where_the_regex_group_would_be() {
        let legal = legal_extractor();
        assert!(legal.type_words_end_in_letters);
        for window in [
            "thực hiện Nghị định số ",
            "thực hiện Nghị định số: ",
            "(Thông tư ",
            "Thông tư ",
            "theo THÔNG TƯ SỐ\n",
            "theo Thông tưsố",
            "theo Thông tư ſố ",
            "Căn cứ Kế hoạch: ",
            "Căn cứ Kế hoạch liên tịch số ",
            "không có gì ",
        ] {
            let by_group = legal
                .type_before
                .captures(window)
                .and_then(|c| c.name("type"))
                .map(|m| m.range());
            assert_eq!(legal.type_word_range(window), by_group, "{window:?}");
        }
    }

    #[test]
    fn a_known_issuer_ends_where_the_regex_group_would_end() {
        let legal = legal_extractor();
        for s in [
            "Chính phủ quy định",
            "Chính phủ, Bộ Công an",
            "Chính phủ",
            "UBND tỉnh Lâm Đồng",
            "Bộ Công an.",
            "Chính phủx",
            "Chính phủ²",
            "Chính phủ_",
            "ngày 5",
        ] {
            let by_group = legal
                .issuer_name
                .captures(s)
                .and_then(|c| c.name("name"))
                .map(|m| m.as_str());
            assert_eq!(legal.known_issuer(s), by_group, "{s:?}");
        }
    }

    fn one(text: &str) -> crate::record::LegalRef {
        let refs = extract(text).legal_references;
        assert_eq!(
            refs.len(),
            1,
            "expected one reference in {text:?}, got {refs:#?}"
        );
        refs.into_iter().next().unwrap()
    }

    #[test]
    fn an_article_and_clause_before_a_citation_pin_it() {
        // Report 004.
        let refs = extract(
            "2. Đề xuất sửa đổi quy định tại khoản 3, điều 6, Thông tư 23 “Hàng năm, Công an xã”",
        )
        .legal_references;
        let r = &refs[0];
        assert_eq!(
            (r.text.as_str(), r.article, r.clause),
            ("Thông tư 23", Some(6), Some(3))
        );
        let r = one("căn cứ Điều 5 Nghị định số 06/2013/NĐ-CP ngày 09/01/2013 của Chính phủ");
        assert_eq!((r.article, r.clause), (Some(5), None));
        let r = one("thực hiện Nghị định số 06/2013/NĐ-CP ngày 09/01/2013 của Chính phủ");
        assert_eq!((r.article, r.clause), (None, None));
    }

    #[test]
    fn the_subject_after_a_citation_is_its_quoted_title_or_a_bounded_phrase() {
        // Report 000.
        let r = one("thực hiện Nghị định số 06/2013/NĐ-CP ngày 09/01/2013 của Chính phủ quy định về bảo vệ cơ quan, doanh nghiệp như sau:");
        assert_eq!(r.subject.as_deref(), Some("bảo vệ cơ quan, doanh nghiệp"));
        let refs = extract("Thực hiện Nghị quyết số 22-NQ/TW ngày 15/3/2018 của Bộ Chính trị về “Sắp xếp tổ chức bộ máy Bộ Công an tinh gọn, hoạt động hiệu lực, hiệu quả”").legal_references;
        assert_eq!(
            refs[0].subject.as_deref(),
            Some("Sắp xếp tổ chức bộ máy Bộ Công an tinh gọn, hoạt động hiệu lực, hiệu quả")
        );
        let r = one("theo Nghị định số 06/2013/NĐ-CP, UBND huyện đã triển khai");
        assert_eq!(r.subject, None);
    }

    #[test]
    fn decree_with_date_and_issuer() {
        let r = one("thực hiện Nghị định số 06/2013/NĐ-CP ngày 09/01/2013 của Chính phủ quy định về bảo vệ cơ quan");
        assert_eq!(r.id.as_deref(), Some("06/2013/NĐ-CP"));
        assert_eq!(r.text, "Nghị định số 06/2013/NĐ-CP");
        assert_eq!(r.doc_type.as_deref(), Some("Nghị định"));
        assert_eq!(
            (r.number.as_str(), r.year, r.symbol.as_deref()),
            ("06", Some(2013), Some("NĐ-CP"))
        );
        assert_eq!(r.date.as_deref(), Some("2013-01-09"));
        assert_eq!(r.issuer.as_deref(), Some("Chính phủ"));
    }

    #[test]
    fn directive_without_year_keeps_its_compound_symbol() {
        let r = one("Chỉ thị số 07/CT-BCA-V28 ngày 15/8/2014 của Bộ Công an về “Đẩy mạnh”");
        assert_eq!(r.id.as_deref(), Some("07/CT-BCA-V28"));
        assert_eq!(r.year, None);
        assert_eq!(r.issuer.as_deref(), Some("Bộ Công an"));
    }

    #[test]
    fn party_form_and_spaced_hyphens_are_canonicalized() {
        assert_ids("theo Nghị quyết số 22-NQ/TW ngày 15/3/2018", &["22-NQ/TW"]);
        assert_ids(
            "khai thực hiện có hiệu quả của Chỉ thị Chỉ thị 46 - CT/TW, ngày 22/6/2015",
            &["46-CT/TW"],
        );
        assert_ids("Kế hoạch 3858/KH - UBND của Thành ủy", &["3858/KH-UBND"]);
        assert_ids("Nghị quyết 19-2017/NQ-CP", &["19-2017/NQ-CP"]);
    }

    #[test]
    fn bracketed_and_joint_symbols_are_kept_whole() {
        assert_ids(
            "Thực hiện Hướng dẫn số 3246/HD-BCĐ(PV11-PV28) ngày 01/11/2017 của Ban chỉ đạo",
            &["3246/HD-BCĐ(PV11-PV28)"],
        );
        assert_ids(
            "Thông tư liên tịch số 06/2015/TTLT/BCA-BGDĐT",
            &["06/2015/TTLT/BCA-BGDĐT"],
        );
        assert_ids("Nghị quyết liên tịch số 03/2010/NQLT", &["03/2010/NQLT"]);
    }

    #[test]
    fn a_line_break_inside_the_symbol_is_joined_without_space() {
        let r = one("Nghị định số 06/2013/NĐ-\nCP của Chính phủ");
        assert_eq!(r.id.as_deref(), Some("06/2013/NĐ-CP"));
        assert_eq!(r.text, "Nghị định số 06/2013/NĐ-\nCP");
    }

    #[test]
    fn a_line_break_after_so_does_not_break_the_reference() {
        let r = one("Kế hoạch số\n50/KH-UBND ngày 08 tháng 5 năm\n2017");
        assert_eq!(r.id.as_deref(), Some("50/KH-UBND"));
        assert_eq!(r.date.as_deref(), Some("2017-05-08"));
    }

    #[test]
    fn symbols_separated_by_one_space_are_each_found() {
        assert_ids(
            "các văn bản 06/2013/NĐ-CP 07/CT-BCA-V28 22-NQ/TW",
            &["06/2013/NĐ-CP", "07/CT-BCA-V28", "22-NQ/TW"],
        );
    }

    #[test]
    fn single_digit_number_is_zero_padded() {
        assert_ids("Nghị định 6/2013/NĐ-CP", &["06/2013/NĐ-CP"]);
    }

    #[test]
    fn list_items_inherit_the_list_type_word() {
        assert_texts_and_types(
            "Công văn: số 517/BCĐ ngày 17/5/2017, số 1120/BCĐ ngày 25/10/2018",
            &[
                ("Công văn: số 517/BCĐ", Some("Công văn")),
                ("số 1120/BCĐ", Some("Công văn")),
            ],
        );
    }

    #[test]
    fn number_and_year_without_symbol_needs_a_type_word() {
        assert_ids(
            "theo đúng quy định tại Thông tư 08/2016 của Bộ Công an",
            &["08/2016"],
        );
        assert_eq!(ids("từ tháng 4/2016 đến nay"), Vec::<Option<String>>::new());
    }

    #[test]
    fn short_reference_resolves_to_the_full_citation_of_the_same_document() {
        let refs = extract("Thông tư số 23/2012/TT-BCA ngày 27/4/2012 quy định. Sau 5 năm thực hiện Thông tư 23, kết quả").legal_references;
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[1].id, None);
        assert_eq!(
            (refs[1].doc_type.as_deref(), refs[1].number.as_str()),
            (Some("Thông tư"), "23")
        );
        assert_eq!(refs[1].resolved_id.as_deref(), Some("23/2012/TT-BCA"));
    }

    #[test]
    fn short_reference_without_full_citation_stays_unresolved() {
        let r = one("Trung ương Đảng (khóa XI), Chỉ thị 11, Kế hoạch của Thành ủy");
        assert_eq!((r.id, r.resolved_id, r.number.as_str()), (None, None, "11"));
    }

    #[test]
    fn short_reference_before_ngay_cang_is_still_a_reference() {
        let r = one("việc triển khai thực hiện Thông tư 23 ngày càng gắn chặt với việc thực hiện");
        assert_eq!(
            (r.doc_type.as_deref(), r.number.as_str()),
            (Some("Thông tư"), "23")
        );
    }

    #[test]
    fn a_list_dash_on_the_next_paragraph_is_not_part_of_the_symbol() {
        assert_ids(
            "Nghị định số 06/2013/NĐ-CP\n\n- UBND các xã",
            &["06/2013/NĐ-CP"],
        );
        assert_ids("Thông tư số 46/2014/TT-BCA;\n- UBND", &["46/2014/TT-BCA"]);
    }

    #[test]
    fn lowercase_verbs_with_a_count_are_not_short_references() {
        for text in [
            "đã hướng dẫn 25 xã triển khai",
            "đã báo cáo 12 vụ việc",
            "theo quy định 3 bước",
            "ký hợp đồng 25 lao động",
        ] {
            let e = extract(text);
            assert!(
                e.legal_references.is_empty(),
                "{text}: {:?}",
                e.legal_references
            );
            assert_eq!(e.numbers.len(), 1, "{text}: the count is a number");
        }
    }

    #[test]
    fn a_law_cited_with_its_name_and_number_is_typed_from_the_name() {
        let r = one("Căn cứ Luật Giá số 11/2012/QH13 ngày 20/6/2012");
        assert_eq!(
            (r.text.as_str(), r.doc_type.as_deref()),
            ("Luật Giá số 11/2012/QH13", Some("Luật"))
        );
        let r = one("Bộ luật Lao động số 45/2019/QH14");
        assert_eq!(r.doc_type.as_deref(), Some("Bộ luật"));
        let r = one("Luật Phòng, chống ma túy số 73/2021/QH14");
        assert_eq!(r.id.as_deref(), Some("73/2021/QH14"));
        assert_eq!(r.doc_type.as_deref(), Some("Luật"));
    }

    #[test]
    fn two_laws_in_one_sentence_are_two_references() {
        assert_texts_and_types(
            "Căn cứ Bộ luật Lao động số 45/2019/QH14 và Luật Ngân sách nhà nước số 83/2015/QH13;",
            &[
                ("Bộ luật Lao động số 45/2019/QH14", Some("Bộ luật")),
                ("Luật Ngân sách nhà nước số 83/2015/QH13", Some("Luật")),
            ],
        );
    }

    #[test]
    fn en_dashes_in_symbols_give_the_hyphenated_id() {
        assert_ids("Chỉ thị số 46 – CT/TW ngày 22/6/2015", &["46-CT/TW"]);
        assert_ids("Kế hoạch số 3858/KH – UBND", &["3858/KH-UBND"]);
    }

    #[test]
    fn so_glued_to_the_number_still_cites() {
        assert_ids("Nghị định số06/2013/NĐ-CP", &["06/2013/NĐ-CP"]);
    }

    #[test]
    fn eth_lookalike_in_the_symbol_is_read_as_d_with_stroke() {
        assert_ids("Nghị định số 06/2013/NÐ-CP", &["06/2013/NĐ-CP"]);
    }

    #[test]
    fn issuer_keeps_the_place_after_a_known_body() {
        let r = one("Quyết định số 12/QĐ-UBND của Ủy ban nhân dân huyện Gia Lâm về việc");
        assert_eq!(r.issuer.as_deref(), Some("Ủy ban nhân dân huyện Gia Lâm"));
        let r = one("Thông tư số 05/2020/TT-BKHĐT của Bộ Kế hoạch và Đầu tư hướng dẫn");
        assert_eq!(r.issuer.as_deref(), Some("Bộ Kế hoạch và Đầu tư"));
        let r = one("Nghị quyết số 12/2017/NQ-HĐND của Hội đồng nhân dân tỉnh khóa XVII");
        assert_eq!(r.issuer.as_deref(), Some("Hội đồng nhân dân tỉnh"));
    }

    #[test]
    fn citation_date_with_a_two_digit_year() {
        assert_eq!(
            one("Quyết định số 123/QĐ-UBND ngày 5/3/19").date.as_deref(),
            Some("2019-03-05")
        );
    }

    #[test]
    fn report_for_six_months_is_not_a_short_reference() {
        assert!(extract("Báo cáo 6 tháng đầu năm")
            .legal_references
            .is_empty());
    }

    #[test]
    fn dates_ratios_and_road_codes_are_not_references() {
        assert!(
            extract("ngày 09/01/2013, đạt 17/30 xã, 1.212/1.273 khu dân cư, tuyến QL10")
                .legal_references
                .is_empty()
        );
    }

    #[test]
    fn blank_own_number_is_not_a_reference() {
        assert!(extract("Số: /BC-UBND").legal_references.is_empty());
    }

    #[test]
    fn issuer_abbreviation_is_expanded() {
        let r =
            one("Kế hoạch số 99/KH-UBND ngày 17/4/2024 của UBND thành phố Hải Phòng về tổng kết");
        assert_eq!(
            r.issuer.as_deref(),
            Some("Ủy ban nhân dân thành phố Hải Phòng")
        );
    }

    #[test]
    fn issuer_stops_before_the_description_that_follows() {
        let r = one("Chỉ thị số 07/CT-BCA-V28 của Bộ Công an kết hợp với sơ kết");
        assert_eq!(r.issuer.as_deref(), Some("Bộ Công an"));
        let r = one("Thông tư số 46/2014/TT-BCA của Bộ Công an Quy định chi tiết");
        assert_eq!(r.issuer.as_deref(), Some("Bộ Công an"));
    }

    #[test]
    fn vocabulary_matches_whatever_the_tone_placement_case_or_composition() {
        // Not in patterns/ as written: `Văn hoá` (tone on the second vowel).
        let r = one("Thông tư số 05/2020/TT-BVHTTDL của Bộ Văn hoá, Thể thao và Du lịch");
        assert_eq!(
            r.issuer.as_deref(),
            Some("Bộ Văn hóa, Thể thao và Du lịch"),
            "{r:?}"
        );
        let r = one("Bản thoả thuận số 12/BTT-UBND");
        assert_eq!(r.doc_type.as_deref(), Some("Bản thỏa thuận"), "{r:?}");
        // Decomposed and upper case.
        let r = one("NGHI\u{323} ĐI\u{323}NH số 06/2013/NĐ-CP");
        assert_eq!(r.doc_type.as_deref(), Some("Nghị định"), "{r:?}");
        // A stop word with the other tone placement still ends the issuer.
        let r = one("Nghị quyết số 12/2017/NQ-HĐND của Hội đồng nhân dân tỉnh khoá XVII");
        assert_eq!(r.issuer.as_deref(), Some("Hội đồng nhân dân tỉnh"), "{r:?}");
    }

    #[test]
    fn irregular_symbols_keep_their_ids_whole() {
        assert_texts_and_types(
            "Số: 01    /2025/QĐ-UBND",
            &[("Số: 01    /2025/QĐ-UBND", None)],
        );
        assert_ids("Số: 01    /2025/QĐ-UBND", &["01/2025/QĐ-UBND"]);
        assert_ids(
            "Theo Công văn số 2877/TT-SXD(KTXD) ngày 3/5/2023",
            &["2877/TT-SXD(KTXD)"],
        );
        assert_ids(
            "Thông tư liên tịch số 08/2014/TTLT-BGDĐT-BTC-BLĐTBXH ngày 5/3/2014",
            &["08/2014/TTLT-BGDĐT-BTC-BLĐTBXH"],
        );
        assert_ids("Quyết định số 141/QĐ-QLTA-THA", &["141/QĐ-QLTA-THA"]);
    }

    #[test]
    fn mixed_case_official_codes_are_kept_and_typed() {
        assert_texts_and_types(
            "Quy định số 05/QyĐ-TU, Chương trình số 12/CTr-UBND, Tờ trình số 45/TTr-UBND.",
            &[
                ("Quy định số 05/QyĐ-TU", Some("Quy định")),
                ("Chương trình số 12/CTr-UBND", Some("Chương trình")),
                ("Tờ trình số 45/TTr-UBND", Some("Tờ trình")),
            ],
        );
        assert_eq!(
            ids("Quy định số 05/QyĐ-TU, Chương trình số 12/CTr-UBND, Tờ trình số 45/TTr-UBND."),
            vec![
                Some("05/QyĐ-TU".to_string()),
                Some("12/CTr-UBND".to_string()),
                Some("45/TTr-UBND".to_string())
            ]
        );
    }

    #[test]
    fn uppercase_heading_citation_is_typed() {
        let r = one("I. CÔNG TÁC QUÁN TRIỆT, TRIỂN KHAI THỰC HIỆN NGHỊ ĐỊNH SỐ 06/2013/NĐ-CP");
        assert_eq!(r.doc_type.as_deref(), Some("Nghị định"));
        assert_eq!(r.text, "NGHỊ ĐỊNH SỐ 06/2013/NĐ-CP");
    }
}
