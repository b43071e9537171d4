//! What the quantities mean (issue 7): for numbers, their `unit`, the noun
//! phrase `counted`, a `qualifier`, and the `ratio` or `range` they are part
//! of; for percentages, what they are a share `of` and the ratio they restate,
//! checked (`percentage_mismatch` findings); for dates, their `role`, and the
//! year of a year-less day and month.
//!
//! Runs after every extractor has found its entities: it only reads the text
//! around them (by the byte ranges the extractors left in [`Entities`]) and
//! never adds or removes an entity, so the scored values stay as they were.
//! The vocabulary is in `patterns/units.tsv` (kinds `unit` and `noun`),
//! `qualifiers.tsv` and `counted_stops.tsv`.

use std::ops::Range;

use regex::Regex;

use super::num::{parse, PointDecimal};
use super::text::{after, char_at, char_before, compile, key};
use super::{Entities, NumberBytes};
use crate::error::PatternError;
use crate::fnv::FnvBuild;
use crate::normalize::letters::{self, quick_lowercase};
use crate::patterns::Patterns;
use crate::record::{DateRole, Finding, QuantityRange, Ratio, RatioCheck, Severity, Span};

/// Most words in one stretch of a counted phrase (between commas).
const MAX_WORDS: usize = 5;
/// Most comma-joined stretches (`xã, phường, thị trấn` is three).
const MAX_PARTS: usize = 8;

pub(crate) struct MeaningExtractor {
    /// Unit words (`ha`, `người`, `lượt người`).
    units: Phrases,
    /// Count nouns (`cơ quan`, `khu dân cư`).
    nouns: Phrases,
    /// Words that end a counted phrase.
    stops: Phrases,
    /// Bounding words before a number, and after its unit.
    qual_before: Phrases,
    qual_after: Phrases,
    /// A percentage in parentheses right after a ratio (`1250/1250 (100%) khu dân cư`).
    paren_percent: Regex,
    /// From a ratio's end to the `(` of its percentage: the counted phrase,
    /// no digits (`1.212/1.273 khu dân cư (`).
    to_percent: Regex,
}

/// A vocabulary of phrases looked up word by word by their canonical key
/// (lower case, one tone placement). A hash lookup, not a regex: the big
/// case-insensitive alternations cost more to compile than a whole report
/// costs to extract.
struct Phrases {
    keys: KeySet,
    /// Most words in a phrase.
    max_words: usize,
    /// Longest phrase, in bytes.
    max_len: usize,
    /// The first word of every phrase, with the word counts of the phrases
    /// it starts (see [`WordCounts`]): most words start none, and one
    /// lookup says so; for the rest only phrases of those lengths are
    /// looked up.
    first_words: WordCounts,
    /// The last word of every phrase, likewise.
    last_words: WordCounts,
}

/// A set of short vocabulary keys, hashed with FNV-1a (every number in a
/// report looks up the words around it).
type KeySet = std::collections::HashSet<String, FnvBuild>;

/// A word → the word counts of the phrases it starts (or ends), as bits:
/// bit `n - 1` for `n` words. A phrase of more than 64 words sets them all.
type WordCounts = std::collections::HashMap<String, u64, FnvBuild>;

/// The bit of [`WordCounts`] for a phrase of `n` words.
fn count_bit(n: usize) -> u64 {
    match n {
        1..=64 => 1 << (n - 1),
        _ => u64::MAX,
    }
}

impl Phrases {
    fn new(phrases: &[String]) -> Phrases {
        let keys: KeySet = phrases
            .iter()
            .map(|p| key(p))
            .filter(|k| !k.is_empty())
            .collect();
        let max_words = keys.iter().map(|k| k.split(' ').count()).max().unwrap_or(0);
        let max_len = keys.iter().map(String::len).max().unwrap_or(0);
        let (mut first_words, mut last_words) = (WordCounts::default(), WordCounts::default());
        for k in &keys {
            let bit = count_bit(k.split(' ').count());
            let (first, last) = (k.split(' ').next(), k.split(' ').next_back());
            if let (Some(first), Some(last)) = (first, last) {
                *first_words.entry(first.to_string()).or_default() |= bit;
                *last_words.entry(last.to_string()).or_default() |= bit;
            }
        }
        Phrases {
            keys,
            max_words,
            max_len,
            first_words,
            last_words,
        }
    }

    /// Whether `s` is one of the phrases. Lower-casing is enough unless a
    /// vowel pair whose tone may sit on either vowel (`oa`, `oe`, `uy`) is
    /// there; only then is the full canonical key worth its cost.
    fn contains(&self, s: &str) -> bool {
        self.find(s, |k| self.keys.contains(k).then_some(()))
            .is_some()
    }

    /// The word counts of the phrases `word` starts or ends (0 for none).
    fn counts(&self, map: &WordCounts, word: &str) -> u64 {
        self.find(word, |k| map.get(k).copied()).unwrap_or(0)
    }

    /// What `get` gives for the key of `s`.
    fn find<T>(&self, s: &str, get: impl Fn(&str) -> Option<T>) -> Option<T> {
        if s.len() > self.max_len * 2 {
            return None;
        }
        // Lower-cased on the stack: this runs for the words around every number.
        let mut buf = [0u8; 256];
        let mut n = 0;
        for c in s.chars() {
            // A character without a quick lower case, or no room left: the
            // general lower-casing.
            let lowered =
                quick_lowercase(c).and_then(|c| Some((c, buf.get_mut(n..n + c.len_utf8())?)));
            let Some((c, slot)) = lowered else {
                return Self::find_lower(s, &s.to_lowercase(), get);
            };
            n += c.encode_utf8(slot).len();
        }
        match std::str::from_utf8(&buf[..n]) {
            Ok(lower) => Self::find_lower(s, lower, get),
            Err(_) => get(&key(s)),
        }
    }

    /// What `get` gives for the key of `s`, lower-cased as `lower`.
    fn find_lower<T>(s: &str, lower: &str, get: impl Fn(&str) -> Option<T>) -> Option<T> {
        // Single spaces between words are already the key's spacing. (A
        // byte scan: `str::contains` sets up a substring search per call.)
        let b = lower.as_bytes();
        let spacing =
            b.iter().any(|&c| c == b'\t' || c == b'\n') || b.windows(2).any(|w| w == b"  ");
        let simple = !spacing && !has_tone_pair(lower);
        if simple {
            get(lower)
        } else {
            get(&key(s))
        }
    }

    /// The longest phrase starting at byte `pos` of `text` (no blanks
    /// skipped): its end.
    fn at(&self, text: &str, pos: usize) -> Option<usize> {
        // Most words start no phrase: one lookup of the first says so.
        let first = word_end(text, pos);
        if first == pos {
            return None;
        }
        let counts = self.counts(&self.first_words, &text[pos..first]);
        if counts == 0 {
            return None;
        }
        let words = words_from(text, pos, self.max_words);
        (1..=words.len())
            .rev()
            .filter(|&n| counts & count_bit(n) != 0)
            .find_map(|n| {
                let end = words[n - 1];
                self.contains(&text[pos..end]).then_some(end)
            })
    }

    /// The longest phrase ending at byte `end` of `text` (no blanks
    /// skipped) and starting at a word start: its start.
    fn ending_at(&self, text: &str, end: usize) -> Option<usize> {
        let mut starts = Vec::with_capacity(self.max_words);
        let mut i = end;
        while starts.len() < self.max_words {
            let s = back_over(text, i, is_word_char);
            if s == i {
                break;
            }
            starts.push(s);
            let b = back_over(text, s, |c| matches!(c, ' ' | '\t'));
            if b == s {
                break;
            }
            i = b;
        }
        let counts = match starts.first() {
            Some(&last) => self.counts(&self.last_words, &text[last..end]),
            None => 0,
        };
        // The farthest start first: the longest phrase wins.
        (1..=starts.len())
            .rev()
            .filter(|&n| counts & count_bit(n) != 0)
            .map(|n| starts[n - 1])
            .find(|&s| self.contains(&text[s..end]))
    }
}

/// An `o`/`u` (toneless or toned) followed by a vowel it pairs with.
/// (A `match`, not a search of a string of vowels: this runs for every
/// word looked up.)
#[rustfmt::skip]
fn has_tone_pair(lower: &str) -> bool {
    let mut prev_ou = false;
    for c in lower.chars() {
        if prev_ou && matches!(c, 'a' | 'á' | 'à' | 'ả' | 'ã' | 'ạ' | 'e' | 'é' | 'è' | 'ẻ' | 'ẽ' | 'ẹ'
            | 'y' | 'ý' | 'ỳ' | 'ỷ' | 'ỹ' | 'ỵ')
        {
            return true;
        }
        prev_ou = matches!(c, 'o' | 'ó' | 'ò' | 'ỏ' | 'õ' | 'ọ' | 'u' | 'ú' | 'ù' | 'ủ' | 'ũ' | 'ụ');
    }
    false
}

/// Where a run of `f` characters ending at byte `i` starts.
fn back_over(text: &str, mut i: usize, f: impl Fn(char) -> bool) -> usize {
    while let Some(c) = char_before(text, i).filter(|c| f(*c)) {
        i -= c.len_utf8();
    }
    i
}

/// Letters, digits and the marks inside unit words (`km²`, `đ/c`).
fn is_word_char(c: char) -> bool {
    letters::is_alphanumeric(c) || c == '/'
}

/// Ends of up to `max` words from `pos`, each separated from the next by
/// spaces or tabs only.
fn words_from(text: &str, pos: usize, max: usize) -> Vec<usize> {
    let mut ends = Vec::with_capacity(max);
    let mut i = pos;
    while ends.len() < max {
        let end = word_end(text, i);
        if end == i {
            break;
        }
        ends.push(end);
        let next = skip_blanks(text, end);
        if next == end {
            break;
        }
        i = next;
    }
    ends
}

/// The end of the run of word characters starting at byte `i`.
fn word_end(text: &str, i: usize) -> usize {
    text[i..]
        .char_indices()
        .find(|(_, c)| !is_word_char(*c))
        .map_or(text.len(), |(k, _)| i + k)
}

impl MeaningExtractor {
    pub(crate) fn new(p: &Patterns) -> Result<Self, PatternError> {
        Ok(MeaningExtractor {
            units: Phrases::new(&p.unit_words),
            nouns: Phrases::new(&p.count_nouns),
            stops: Phrases::new(&p.counted_stops),
            qual_before: Phrases::new(&p.qualifiers_before),
            qual_after: Phrases::new(&p.qualifiers_after),
            paren_percent: compile("meaning", r"^[ \t]*\([ \t]*-?[0-9][0-9.,]*[ \t]*%[ \t]*\)")?,
            to_percent: compile("meaning", r"^[^0-9\n()%;:/]{0,80}?\([ \t]*")?,
        })
    }

    /// The qualifier before byte `start` (and a blank), lower case.
    fn qualifier_before(&self, text: &str, start: usize) -> Option<String> {
        let end = back_over(text, start, |c| matches!(c, ' ' | '\t'));
        if end == start {
            return None;
        }
        let s = self.qual_before.ending_at(text, end)?;
        Some(text[s..end].to_lowercase())
    }

    pub(crate) fn extract(&self, text: &str, out: &mut Entities) {
        let n = out.numbers.len().min(out.number_bytes.len());
        let nb = out.number_bytes[..n].to_vec();
        // Groups of numbers read together: a ratio `a/b` or a range `a – b`.
        let mut i = 0;
        while i < n {
            let next = nb.get(i + 1);
            if let Some(b) = next.filter(|b| is_ratio(text, &nb[i], b)) {
                let (num, den) = (out.numbers[i].value, out.numbers[i + 1].value);
                for (k, side) in [(i, "numerator"), (i + 1, "denominator")] {
                    out.numbers[k].ratio = Some(Ratio {
                        numerator: num,
                        denominator: den,
                        side: side.to_string(),
                    });
                }
                self.describe(text, out, i..i + 2, b.end);
                i += 2;
            } else if let Some(b) = next.filter(|b| self.is_range(text, &nb[i], b)) {
                // The scale word of the end applies to the start (`từ 4 đến 6 triệu`).
                let mut from = out.numbers[i].value;
                if nb[i].mult == 1 && b.mult > 1 {
                    if let Some(d) =
                        parse(&text[nb[i].start..nb[i].digits_end], PointDecimal::Reject)
                    {
                        from = d.times(b.mult);
                    }
                }
                let to = out.numbers[i + 1].value;
                // A range runs upwards; anything else is two separate numbers.
                if from < to {
                    out.numbers[i].value = from;
                    for k in [i, i + 1] {
                        out.numbers[k].range = Some(QuantityRange { from, to });
                    }
                    self.describe(text, out, i..i + 2, b.end);
                    i += 2;
                } else {
                    self.describe(text, out, i..i + 1, nb[i].end);
                    i += 1;
                }
            } else {
                self.describe(text, out, i..i + 1, nb[i].end);
                i += 1;
            }
        }
        self.percentages(text, out, &nb);
    }

    /// Fills unit, counted and qualifiers of the numbers in `group`, whose
    /// last member ends at byte `end`.
    fn describe(&self, text: &str, out: &mut Entities, group: Range<usize>, end: usize) {
        let Some(first) = out.number_bytes.get(group.start).copied() else {
            return;
        };
        if let Some(q) = self.qualifier_before(text, first.start) {
            out.numbers[group.start].qualifier = Some(q);
        }
        // A slogan (`“4 giữ”`) names no unit and counts nothing.
        if matches!(char_before(text, first.start), Some('“' | '"')) {
            return;
        }
        let mut pos = end;
        // `1250/1250 (100%) khu dân cư`: the percentage sits before the phrase.
        if group.len() == 2 {
            if let Some(m) = self.paren_percent.find(after(text, pos, 40)) {
                pos += m.end();
            }
        }
        let unit = self.unit_at(text, pos);
        if let Some((u, upto)) = &unit {
            pos = *upto;
            for k in group.clone() {
                out.numbers[k].unit = Some(u.clone());
            }
        }
        let q_at = skip_blanks(text, pos);
        if let Some(q_end) = self.qual_after.at(text, q_at) {
            let q = text[q_at..q_end].to_lowercase();
            out.numbers[group.end - 1].qualifier.get_or_insert(q);
            return;
        }
        // In a table cell (`1.212/1.273 (95,2%)` under `khu dân cư`), the
        // column header names what the cell counts when the cell does not.
        let phrase = self.counted(text, pos).or_else(|| {
            let cell = out.numbers[group.start].span.cell.as_ref()?;
            let header = cell.column_header.as_deref()?.trim();
            let plain = !header.is_empty()
                && !header.contains(|c: char| c.is_ascii_digit())
                && header.split_whitespace().count() <= MAX_WORDS;
            plain.then(|| header.to_string())
        });
        if let Some(phrase) = phrase {
            for k in group {
                out.numbers[k].counted = Some(phrase.clone());
            }
        }
    }

    /// The unit word at `pos` (after blanks) and where it ends, unless a
    /// longer count noun starts there (`người dân` is counted, `người` is a unit).
    fn unit_at(&self, text: &str, pos: usize) -> Option<(String, usize)> {
        let at = skip_blanks(text, pos);
        let end = self.units.at(text, at)?;
        if self.nouns.at(text, at).is_some_and(|n| n > end) {
            return None;
        }
        Some((text[at..end].to_string(), end))
    }

    /// The noun phrase starting at `pos` (after spaces), or `None` when there
    /// is none or it runs on without an end.
    fn counted(&self, text: &str, pos: usize) -> Option<String> {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = &text[..line_end];
        let mut i = skip_blanks(line, pos);
        let start = i;
        let (mut words, mut parts, mut last_end) = (0, 1, None);
        loop {
            if self.stops.at(line, i).is_some() {
                break;
            }
            let w_end = line[i..]
                .char_indices()
                .find(|(_, c)| !letters::is_alphabetic(*c))
                .map_or(line.len(), |(k, _)| i + k);
            if w_end == i {
                break;
            }
            // A word glued to digits (`V05`) or a slash (`đ/c`) is a code.
            if matches!(char_at(line, w_end), Some('/' | '0'..='9')) {
                break;
            }
            words += 1;
            if words > MAX_WORDS {
                return None;
            }
            last_end = Some(w_end);
            let next = skip_blanks(line, w_end);
            if next > w_end && char_at(line, next).is_some_and(letters::is_alphabetic) {
                i = next;
                continue;
            }
            // `cơ quan, doanh nghiệp`: a comma goes on only into a count noun.
            if char_at(line, w_end) == Some(',') {
                let after_comma = skip_blanks(line, w_end + 1);
                if parts < MAX_PARTS && self.nouns.at(line, after_comma).is_some() {
                    parts += 1;
                    words = 0;
                    i = after_comma;
                    continue;
                }
            }
            break;
        }
        last_end.map(|e| text[start..e].to_string())
    }

    /// `a – b`, `a đến b`, `a tuổi đến b`: between the two, at most the first
    /// end's unit, then a dash or `đến`/`tới`; with a word, `từ` before `a`.
    fn is_range(&self, text: &str, a: &NumberBytes, b: &NumberBytes) -> bool {
        if b.start <= a.end || b.start - a.end > 32 {
            return false;
        }
        let mut i = skip_blanks(text, a.end);
        if let Some(u) = self.units.at(text, i) {
            i = skip_blanks(text, u);
        }
        let rest = text[i..b.start].trim_end_matches([' ', '\t']);
        let dash = matches!(rest, "-" | "–");
        let word = matches!(rest, "đến" | "tới") && b.start > i + rest.len();
        let blank = back_over(text, a.start, |c| matches!(c, ' ' | '\t'));
        let tu = back_over(text, blank, letters::is_alphabetic);
        let after_tu = blank < a.start && key(&text[tu..blank]) == "từ";
        dash || (word && after_tu)
    }

    /// Links each ratio to the percentage that restates it, checks them, and
    /// reads what unlinked percentages are a share of.
    fn percentages(&self, text: &str, out: &mut Entities, nb: &[NumberBytes]) {
        let starts: Vec<usize> = out.percent_bytes.iter().map(|r| r.start).collect();
        let mut linked = vec![false; out.percentages.len()];
        for i in 0..nb.len().saturating_sub(1) {
            let is_numerator = out.numbers[i]
                .ratio
                .as_ref()
                .is_some_and(|r| r.side == "numerator");
            if !is_numerator {
                continue;
            }
            let den_end = nb[i + 1].end;
            let rest = after(text, den_end, 120);
            let Some(m) = self.to_percent.find(rest) else {
                continue;
            };
            let at = den_end + m.end();
            let Ok(k) = starts.binary_search(&at) else {
                continue;
            };
            let (num, den) = (out.numbers[i].value, out.numbers[i + 1].value);
            if den == 0.0 || out.percentages[k].range.is_some() {
                continue;
            }
            let decimals = decimals_of(&out.percentages[k].text);
            let stated = out.percentages[k].value;
            let check = check(num, den, stated, decimals);
            let computed = num / den * 100.0;
            if check == "mismatch" {
                let ratio_text = format!("{}/{}", out.numbers[i].text, out.numbers[i + 1].text);
                // Off by less than a point is likely a slip in rounding; more,
                // a wrong figure.
                let severity = if (stated - computed).abs() < 1.0 {
                    Severity::Notice
                } else {
                    Severity::Warning
                };
                out.findings.push(Finding {
                    kind: "percentage_mismatch".into(),
                    severity,
                    message_vi: None,
                    message: format!(
                        "`{ratio_text}` is {computed:.4}%, but the text gives {}: neither rounded nor truncated to {decimals} decimal(s)",
                        out.percentages[k].text
                    ),
                    spans: vec![
                        join(&out.numbers[i].span, &out.numbers[i + 1].span),
                        out.percentages[k].span.clone(),
                    ],
                    details: Some(serde_json::json!({
                        "numerator": whole_json(num),
                        "denominator": whole_json(den),
                        "stated": stated,
                        "computed": computed,
                        "decimals": decimals,
                    })),
                });
            }
            out.percentages[k].of = out.numbers[i].counted.clone();
            out.percentages[k].of_ratio = Some(RatioCheck {
                number: i,
                numerator: num,
                denominator: den,
                computed,
                check: check.to_string(),
            });
            linked[k] = true;
        }
        for (k, r) in out.percent_bytes.iter().enumerate() {
            let Some(p) = out.percentages.get_mut(k) else {
                break;
            };
            p.qualifier = self.qualifier_before(text, r.start);
            // The share's whole: the phrase right after the sign (`80% đơn vị
            // tiên tiến`); a percentage closing a clause names none.
            if !linked[k] && matches!(char_at(text, r.end), Some(' ' | '\t')) {
                p.of = self.counted(text, r.end);
            }
        }
    }
}

/// `a/b` with nothing between, neither side scaled.
fn is_ratio(text: &str, a: &NumberBytes, b: &NumberBytes) -> bool {
    a.mult == 1 && b.mult == 1 && b.start == a.end + 1 && text[a.end..].starts_with('/')
}

fn skip_blanks(text: &str, mut i: usize) -> usize {
    while matches!(char_at(text, i), Some(' ' | '\t')) {
        i += 1;
    }
    i
}

/// Digits after the decimal mark of a percentage as written (`81,96%` → 2).
fn decimals_of(text: &str) -> u32 {
    let digits: String = text
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '-'))
        .collect();
    digits
        .rsplit_once([',', '.'])
        .filter(|(_, f)| f.len() != 3 || digits.contains(','))
        .map_or(0, |(_, f)| f.len() as u32)
}

/// Whether `stated` is `num/den × 100` rounded (`rounded`) or cut
/// (`truncated`) to `decimals` places, else `mismatch`. Whole sides are
/// compared in integers, so 95.65 is never 95.6499999.
fn check(num: f64, den: f64, stated: f64, decimals: u32) -> &'static str {
    let scale = 10f64.powi(decimals as i32);
    let stated_i = (stated * scale).round();
    let whole = |v: f64| v.fract() == 0.0 && (0.0..1e15).contains(&v);
    let (rounded, truncated) = if whole(num) && whole(den) && den > 0.0 && decimals < 10 {
        let q = num as u128 * 100 * 10u128.pow(decimals);
        let d = den as u128;
        let t = q / d;
        let r = if 2 * (q % d) >= d { t + 1 } else { t };
        (r as f64, t as f64)
    } else {
        let v = num / den * 100.0 * scale;
        (v.round(), v.floor())
    };
    if stated_i == rounded {
        "rounded"
    } else if stated_i == truncated {
        "truncated"
    } else {
        "mismatch"
    }
}

/// A whole number as a JSON integer (`575`, not `575.0`), as entity values are.
fn whole_json(v: f64) -> serde_json::Value {
    if v.fract() == 0.0 && v.abs() < 9e15 {
        serde_json::Value::from(v as i64)
    } else {
        serde_json::Value::from(v)
    }
}

/// A span from the start of `a` to the end of `b`.
fn join(a: &Span, b: &Span) -> Span {
    Span {
        end: b.end,
        ..a.clone()
    }
}

/// The year a report is about, from its title: the one year written there,
/// as `năm 2017` (`Công tác … năm 2017`). None when the title names several
/// years (`10 năm (2013 - 2023)`) or none.
fn title_year(title: &str) -> Option<String> {
    let years: Vec<&str> = title
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| w.len() == 4 && (w.starts_with("19") || w.starts_with("20")))
        .collect();
    let y = *years.first()?;
    let named = title.contains(&format!("năm {y}")) || title.contains(&format!("Năm {y}"));
    (years.iter().all(|w| *w == y) && named).then(|| y.to_string())
}

/// What needs metadata: each date's role, the year of a year-less day and
/// month (the year of the document's own date, else the one year its title
/// names), and the sections of finding spans. Runs after metadata.
pub(crate) fn finish(out: &mut Entities) {
    let own = out
        .metadata
        .date
        .as_ref()
        .map(|d| (d.span.start, d.span.end));
    let year = out
        .metadata
        .date
        .as_ref()
        .map(|d| d.value.as_str())
        .filter(|v| v.len() >= 4 && v[..4].bytes().all(|b| b.is_ascii_digit()))
        .map(|v| v[..4].to_string())
        .or_else(|| {
            let title = out.metadata.title.as_ref()?;
            title_year(&title.text)
        });
    let tails = &out.legal_tails;
    for (d, r) in out.dates.iter_mut().zip(&out.date_bytes) {
        let in_tail = {
            let k = tails.partition_point(|t| t.start <= r.start);
            k > 0 && tails[k - 1].end > r.start
        };
        d.role = Some(if own == Some((d.span.start, d.span.end)) {
            DateRole::Document
        } else if in_tail {
            DateRole::Reference
        } else {
            DateRole::Event
        });
        if let (Some(y), Some(md)) = (&year, d.value.strip_prefix("--")) {
            if let Some((m, day)) = md.split_once('-') {
                d.inferred_value = super::dates::iso_day(day, m, y);
                d.year_inferred = d.inferred_value.is_some();
            }
        }
    }
    // Findings were made before metadata gave entities their sections:
    // each finding span takes the place of the entity it starts with.
    let (numbers, percentages) = (&out.numbers, &out.percentages);
    let (refs, warnings) = (&out.legal_references, &out.warnings);
    for span in out.findings.iter_mut().flat_map(|f| f.spans.iter_mut()) {
        let entity = numbers
            .iter()
            .map(|n| &n.span)
            .chain(percentages.iter().map(|p| &p.span))
            .chain(refs.iter().map(|r| &r.span))
            .chain(warnings.iter().filter_map(|w| w.span.as_ref()))
            .find(|e| e.start == span.start);
        if let Some(e) = entity {
            *span = Span {
                start: span.start,
                end: span.end,
                ..e.clone()
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check;
    use crate::extract::tests::extract;
    use crate::record::DateRole;

    type Meaning = (String, Option<String>, Option<String>, Option<String>);

    #[test]
    fn phrases_are_found_at_every_length_their_first_or_last_word_allows() {
        let long: Vec<String> = (0..70).map(|i| format!("từ{i}")).collect();
        let vocab: Vec<String> = [
            "người",
            "người lao động",
            "hộ gia đình",
            "gia đình",
            &format!("dài {}", long.join(" ")),
        ]
        .map(String::from)
        .to_vec();
        let p = super::Phrases::new(&vocab);
        let at = |text: &str| p.at(text, 0).map(|end| text[..end].to_string());
        let some = |s: &str| Some(s.to_string());
        assert_eq!(at("Người lao động được"), some("Người lao động"));
        // Two words after `người` are no phrase: the one-word one is.
        assert_eq!(at("người dân tộc"), some("người"));
        assert_eq!(at("gia đình hộ"), some("gia đình"));
        assert_eq!(at("lao động"), None);
        // A phrase longer than the 64 lengths the bits hold.
        let text = format!("dài {} thêm", long.join(" "));
        assert_eq!(at(&text), some(&text[..text.len() - " thêm".len()]));
        let before = |text: &str| p.ending_at(text, text.len()).map(|s| text[s..].to_string());
        assert_eq!(before("của các hộ gia đình"), some("hộ gia đình"));
        assert_eq!(before("cho người"), some("người"));
        assert_eq!(before("lao động"), None);
    }

    /// (text, unit, counted, qualifier) of each number.
    fn meaning(text: &str) -> Vec<Meaning> {
        extract(text)
            .numbers
            .into_iter()
            .map(|n| (n.text, n.unit, n.counted, n.qualifier))
            .collect()
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn the_noun_phrase_counted_ends_at_a_preposition() {
        assert_eq!(
            meaning("với 135 nhân viên bảo vệ tại các cơ quan, doanh nghiệp"),
            [("135".into(), None, s("nhân viên bảo vệ"), None)]
        );
    }

    #[test]
    fn a_comma_continues_the_phrase_only_into_another_count_noun() {
        let e = extract("tất cả 159/159 xã, phường, thị trấn, 1.236 khu dân cư, 300 cơ quan");
        let counted: Vec<_> = e.numbers.iter().map(|n| n.counted.as_deref()).collect();
        assert_eq!(
            counted,
            [
                Some("xã, phường, thị trấn"),
                Some("xã, phường, thị trấn"),
                Some("khu dân cư"),
                Some("cơ quan")
            ]
        );
    }

    #[test]
    fn units_and_qualifiers() {
        assert_eq!(
            meaning(
                "Diện tích 18.054 ha, với tổng dân số trên 1,8 triệu người, cho gần 150 bảo vệ tại"
            ),
            [
                ("18.054".into(), s("ha"), None, None),
                ("1,8 triệu".into(), s("người"), None, s("trên")),
                ("150".into(), None, s("bảo vệ"), s("gần")),
            ]
        );
        assert_eq!(
            meaning("thu nộp ngân sách Nhà nước trên 147 triệu đồng..."),
            [("147 triệu".into(), s("đồng"), None, s("trên"))]
        );
    }

    #[test]
    fn an_age_range_gives_both_ends_and_trở_lên_is_a_qualifier() {
        let e = extract("Dưới 30 tuổi: 35 người, từ 30 tuổi đến 50 tuổi: 70 người, từ 50 tuổi trở lên: 30 người.");
        let got: Vec<_> = e
            .numbers
            .iter()
            .map(|n| {
                (
                    n.value,
                    n.unit.as_deref(),
                    n.qualifier.as_deref(),
                    n.range.as_ref().map(|r| (r.from, r.to)),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (30.0, Some("tuổi"), Some("dưới"), None),
                (35.0, Some("người"), None, None),
                (30.0, Some("tuổi"), None, Some((30.0, 50.0))),
                (50.0, Some("tuổi"), None, Some((30.0, 50.0))),
                (70.0, Some("người"), None, None),
                (50.0, Some("tuổi"), Some("trở lên"), None),
                (30.0, Some("người"), None, None),
            ]
        );
    }

    #[test]
    fn a_scale_word_after_a_range_applies_to_both_ends() {
        let e = extract("thu nhập từ 4 đến 6 triệu đồng/tháng");
        let got: Vec<_> = e
            .numbers
            .iter()
            .map(|n| (n.value, n.range.clone()))
            .collect();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, 4_000_000.0);
        assert_eq!(got[1].0, 6_000_000.0);
        let r = got[0].1.as_ref().expect("a range");
        assert_eq!((r.from, r.to), (4_000_000.0, 6_000_000.0));
        let e = extract("sản lượng 4000 – 4200 tấn");
        assert!(e
            .numbers
            .iter()
            .all(|n| n.range.is_some() && n.unit.as_deref() == Some("tấn")));
    }

    #[test]
    fn a_ratio_is_linked_to_its_percentage_and_checked() {
        let e = extract(
            "+ Năm 2013: 1.212/1.273 khu dân cư (95,2%), 359/438 cơ quan, doanh nghiệp (81,96%).",
        );
        let r = e.numbers[0].ratio.as_ref().expect("a ratio");
        assert_eq!(
            (r.numerator, r.denominator, r.side.as_str()),
            (1212.0, 1273.0, "numerator")
        );
        assert_eq!(
            e.numbers[1].ratio.as_ref().map(|r| r.side.as_str()),
            Some("denominator")
        );
        let checks: Vec<_> = e
            .percentages
            .iter()
            .map(|p| {
                let c = p.of_ratio.as_ref().expect("linked");
                (c.number, c.check.as_str(), p.of.as_deref())
            })
            .collect();
        assert_eq!(
            checks,
            [
                (0, "rounded", Some("khu dân cư")),
                (2, "rounded", Some("cơ quan, doanh nghiệp"))
            ]
        );
        assert!(e.findings.is_empty());
    }

    #[test]
    fn a_percentage_that_does_not_follow_from_its_ratio_is_a_finding() {
        let e = extract("Năm 2016: 472/521 (92,6%) cơ quan, doanh nghiệp;");
        assert_eq!(e.findings.len(), 1, "{:?}", e.findings);
        let f = &e.findings[0];
        assert_eq!(f.kind, "percentage_mismatch");
        assert_eq!(f.spans.len(), 2);
        assert_eq!(
            e.percentages[0].of.as_deref(),
            Some("cơ quan, doanh nghiệp")
        );
    }

    #[test]
    fn rounding_and_truncation_are_both_accepted() {
        assert_eq!(check(1212.0, 1273.0, 95.2, 1), "rounded"); // 95.208…
        assert_eq!(check(551.0, 576.0, 95.65, 2), "truncated"); // 95.6597…
        assert_eq!(check(1.0, 3.0, 33.33, 2), "rounded");
        assert_eq!(check(472.0, 521.0, 92.6, 1), "mismatch"); // 90.59…
    }

    #[test]
    fn what_a_percentage_is_a_share_of() {
        let e =
            extract("giới hạn số lượng các danh hiệu thi đua (tối đa 80% đơn vị tiên tiến) nên");
        assert_eq!(e.percentages[0].of.as_deref(), Some("đơn vị tiên tiến"));
        assert_eq!(e.percentages[0].qualifier.as_deref(), Some("tối đa"));
        let e = extract("159/159 xã đạt 100%. Tỷ lệ tăng 5% so với năm trước");
        assert!(
            e.percentages.iter().all(|p| p.of.is_none()),
            "{:?}",
            e.percentages
        );
    }

    #[test]
    fn a_qualifier_and_a_phrase_ended_by_a_verb() {
        assert_eq!(
            meaning("01 Cụm Công nghiệp Tân Liên với trên 9.000 công nhân lao động là điều kiện thuận lợi"),
            [
                ("01".into(), None, s("Cụm Công nghiệp Tân Liên"), None),
                ("9.000".into(), None, s("công nhân lao động"), s("trên")),
            ]
        );
        assert_eq!(
            meaning("có trên 9.000 công nhân làm việc tại 45 doanh nghiệp"),
            [
                ("9.000".into(), None, s("công nhân"), s("trên")),
                ("45".into(), None, s("doanh nghiệp"), None),
            ]
        );
    }

    #[test]
    fn a_slogan_counts_nothing() {
        assert_eq!(
            meaning("mô hình “5 giữ” của huyện"),
            [("5".into(), None, None, None)]
        );
    }

    #[test]
    fn a_phrase_that_runs_on_is_left_out() {
        let e = extract("tập huấn cho 18.953 lượt cán bộ trực tiếp hướng dẫn triển khai ở các cấp");
        assert_eq!(e.numbers[0].unit.as_deref(), Some("lượt"));
        assert_eq!(e.numbers[0].counted.as_deref(), Some("cán bộ"));
        let e = extract("có 6 điều kiện cần thiết phải bảo đảm cho hoạt động");
        assert_eq!(e.numbers[0].counted, None);
    }

    #[test]
    fn the_year_of_a_day_and_month_comes_from_the_title_when_the_date_line_lost_it() {
        assert_eq!(
            super::title_year(
                "Công tác xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc năm 2017"
            ),
            Some("2017".to_string())
        );
        assert_eq!(
            super::title_year("Kết quả 10 năm (2013 - 2023) thực hiện"),
            None
        );
        assert_eq!(super::title_year("Báo cáo tổng kết"), None);
    }

    #[test]
    fn a_date_after_a_citation_is_a_reference_and_others_are_events() {
        let e = extract("Thực hiện Kế hoạch số 62/KH-BCA-V28 ngày 27/3/2017 của Bộ Công an, đến 30/11/2012 đã hoàn thành");
        let roles: Vec<_> = e.dates.iter().map(|d| d.role).collect();
        assert_eq!(roles, [Some(DateRole::Reference), Some(DateRole::Event)]);
    }
}
