//! Is this token a Vietnamese syllable? Used to pick a legacy encoding (the
//! right decoding turns almost every word into a syllable, a wrong one turns
//! them into mojibake) and to score the text quality of every document.
//!
//! A syllable is an onset (`b`, `ch`, `ngh`, `qu`, `gi`…, or none), a rhyme
//! from the list below (`a`, `oai`, `uyên`, `ương`…), and at most one tone,
//! on a vowel that may carry it: on the last vowel with a modifier when there
//! is one (`người`, `tiếng`, `cửa`), on either vowel of an open `oa`/`oe`/`uy`
//! (`hòa` and `hoà`, `thủy` and `thuỷ`), on the second when a consonant follows
//! (`hoàn`), else on the first (`mía`, `túi`). A syllable ending in `c`, `ch`,
//! `p` or `t` takes only the acute or the dot below (`các`, `một`). Case is
//! ignored.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use super::letters::{self, Tone};
use crate::fnv::FnvBuild;

/// Rhymes without tone, sorted (binary search).
const RHYMES: [&str; 162] = [
    "a", "ac", "ach", "ai", "am", "an", "ang", "anh", "ao", "ap", "at", "au", "ay", "e", "ec",
    "em", "en", "eng", "eo", "ep", "et", "i", "ia", "ich", "im", "in", "inh", "ip", "it", "iu",
    "iêc", "iêm", "iên", "iêng", "iêp", "iêt", "iêu", "o", "oa", "oac", "oach", "oai", "oam",
    "oan", "oang", "oanh", "oao", "oap", "oat", "oay", "oc", "oe", "oen", "oeo", "oet", "oi", "om",
    "on", "ong", "ooc", "oong", "op", "ot", "oăc", "oăm", "oăn", "oăng", "oăt", "u", "ua", "uc",
    "ui", "um", "un", "ung", "up", "ut", "uy", "uya", "uych", "uyn", "uynh", "uyp", "uyt", "uyu",
    "uyên", "uyêt", "uâc", "uân", "uâng", "uât", "uây", "uê", "uêch", "uênh", "uôc", "uôi", "uôm",
    "uôn", "uông", "uôt", "uơ", "y", "yêm", "yên", "yêng", "yêt", "yêu", "âc", "âm", "ân", "âng",
    "âp", "ât", "âu", "ây", "ê", "êch", "êm", "ên", "ênh", "êp", "êt", "êu", "ô", "ôc", "ôi", "ôm",
    "ôn", "ông", "ôp", "ôt", "ăc", "ăm", "ăn", "ăng", "ăp", "ăt", "ơ", "ơi", "ơm", "ơn", "ơp",
    "ơt", "ơu", "ư", "ưa", "ưc", "ưi", "ưm", "ưn", "ưng", "ưt", "ưu", "ươc", "ươi", "ươm", "ươn",
    "ương", "ươp", "ươt", "ươu",
];

/// Longest token worth checking; longer ones are not syllables (`nghiêng` is 7).
const MAX: usize = 8;

fn is_vowel_base(c: char) -> bool {
    matches!(
        c,
        'a' | 'ă' | 'â' | 'e' | 'ê' | 'i' | 'o' | 'ô' | 'ơ' | 'u' | 'ư' | 'y'
    )
}

fn is_modified(c: char) -> bool {
    matches!(c, 'ă' | 'â' | 'ê' | 'ô' | 'ơ' | 'ư')
}

/// Whether `token` is one Vietnamese syllable (any case, NFC).
pub fn is_vietnamese_syllable(token: &str) -> bool {
    let mut base = ['\0'; MAX];
    let mut len = 0;
    let mut tone = Tone::Level;
    let mut tone_at = None;
    for c in token.chars() {
        if len == MAX {
            return false;
        }
        let b = if c.is_ascii_alphabetic() {
            c.to_ascii_lowercase()
        } else if c == 'đ' || c == 'Đ' {
            'đ'
        } else if let Some(v) = letters::vowel(c) {
            if v.tone != Tone::Level {
                if tone_at.is_some() {
                    return false;
                }
                tone = v.tone;
                tone_at = Some(len);
            }
            v.base
        } else {
            return false;
        };
        base[len] = b;
        len += 1;
    }
    let word = &base[..len];
    if word.is_empty() {
        return false;
    }
    let Some(onset) = onset_of(word) else {
        return false;
    };
    let n = onset.len_chars();
    let at = |n: usize| tone_at.map(|t| t.wrapping_sub(n));
    if spelling_ok(onset.0, &word[n..]) && rhyme_ok(onset.0, &word[n..], tone, at(n)) {
        return true;
    }
    // `gi` may also be `g` + a rhyme starting with `i`: `gìn`, `gì`.
    onset.0 == "gi" && rhyme_ok("g", &word[1..], tone, at(1))
}

/// An onset and its length; `None` for a letter no syllable starts with.
#[derive(Clone, Copy)]
struct Onset(&'static str);

impl Onset {
    fn len_chars(self) -> usize {
        // Every onset letter but `đ` is ASCII; `đ` is an onset on its own.
        if self.0 == "đ" {
            1
        } else {
            self.0.len()
        }
    }
}

/// The longest onset `w` starts with (`ngh` before `ng` before `n`).
fn onset_of(w: &[char]) -> Option<Onset> {
    let (c1, c2) = (w.get(1).copied(), w.get(2).copied());
    let o = match w.first()? {
        'n' => match (c1, c2) {
            (Some('g'), Some('h')) => "ngh",
            (Some('g'), _) => "ng",
            (Some('h'), _) => "nh",
            _ => "n",
        },
        'c' if c1 == Some('h') => "ch",
        'c' => "c",
        'g' => match c1 {
            Some('h') => "gh",
            Some('i') => "gi",
            _ => "g",
        },
        'k' if c1 == Some('h') => "kh",
        'k' => "k",
        'p' if c1 == Some('h') => "ph",
        'p' => "p",
        'q' if c1 == Some('u') => "qu",
        't' => match c1 {
            Some('h') => "th",
            Some('r') => "tr",
            _ => "t",
        },
        'b' => "b",
        'd' => "d",
        'đ' => "đ",
        'h' => "h",
        'l' => "l",
        'm' => "m",
        'r' => "r",
        's' => "s",
        'v' => "v",
        'x' => "x",
        c if is_vowel_base(*c) => "",
        _ => return None,
    };
    Some(Onset(o))
}

/// The toneless letters of Vietnamese as small numbers, five bits each, so a
/// rhyme of up to five letters is one `u32` (rhymes are looked up per word).
#[inline]
fn letter_code(c: char) -> Option<u32> {
    Some(match c {
        // No Vietnamese rhyme holds these; their codes go to `ơ` and `ư`.
        'f' | 'j' | 'w' | 'z' => return None,
        'a'..='z' => c as u32 - 'a' as u32 + 1,
        'ă' => 27,
        'â' => 28,
        'đ' => 29,
        'ê' => 30,
        'ô' => 31,
        'ơ' => 'f' as u32 - 'a' as u32 + 1,
        'ư' => 'j' as u32 - 'a' as u32 + 1,
        _ => return None,
    })
}

fn rhyme_key(r: impl IntoIterator<Item = char>) -> Option<u32> {
    let mut key = 0u32;
    for (i, c) in r.into_iter().enumerate() {
        if i == 5 {
            return None;
        }
        key = key << 5 | letter_code(c)?;
    }
    Some(key)
}

fn rhyme_keys() -> &'static [u32] {
    static KEYS: OnceLock<Vec<u32>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut v: Vec<u32> = RHYMES.iter().filter_map(|r| rhyme_key(r.chars())).collect();
        v.sort_unstable();
        v
    })
}

/// Spelling rules: `k`, `gh`, `ngh` only before `e ê i y`; `c`, `g`, `ng`
/// never there (`gì` is `gi` + `ì`, so `g` + `i` stays allowed).
fn spelling_ok(onset: &str, r: &[char]) -> bool {
    let front = r
        .first()
        .is_some_and(|c| matches!(c, 'e' | 'ê' | 'i' | 'y'));
    match onset {
        "k" | "gh" | "ngh" => front,
        "c" | "ng" => !front,
        "g" => !front || r.first() == Some(&'i'),
        _ => true,
    }
}

/// The rhyme `r` (toneless) with the tone at index `at` of it (if any).
fn rhyme_ok(onset: &str, r: &[char], tone: Tone, at: Option<usize>) -> bool {
    if r.is_empty() || !is_vowel_base(r[0]) {
        return false;
    }
    if let Some(at) = at {
        if at >= r.len() {
            return false; // the tone sits on the onset (`qúa`)
        }
    }
    let keys = rhyme_keys();
    let known = rhyme_key(r.iter().copied()).is_some_and(|k| keys.binary_search(&k).is_ok())
        // After `qu` the `u` is the glide: `quýt` = qu + `uyt`'s `yt`.
        || (onset == "qu"
            && rhyme_key(std::iter::once('u').chain(r.iter().copied()))
                .is_some_and(|k| keys.binary_search(&k).is_ok()));
    if !known {
        return false;
    }
    let vowels = r.iter().take_while(|c| is_vowel_base(**c)).count();
    let coda = &r[vowels..];
    let checked = matches!(coda, ['c'] | ['c', 'h'] | ['p'] | ['t']);
    if checked && !matches!(tone, Tone::Acute | Tone::Dot) {
        return false;
    }
    let Some(at) = at else {
        return true;
    };
    if at >= vowels {
        return false;
    }
    let cluster = &r[..vowels];
    if let Some(last_mod) = cluster.iter().rposition(|c| is_modified(*c)) {
        return at == last_mod;
    }
    match (cluster, coda.is_empty()) {
        ([_], _) => at == 0,
        (['o', 'a'] | ['o', 'e'] | ['u', 'y'] | ['o', 'o'], true) => at <= 1,
        (['o', 'a'] | ['o', 'e'] | ['u', 'y'] | ['o', 'o'], false) => at == 1,
        ([_, _, _], _) => at == 1,
        _ => at == 0,
    }
}

/// Where the tone goes in an open `oa`, `oe`, `uy` syllable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TonePlacement {
    /// On the first vowel: `hòa`, `thủy`, `Ủy ban` (what the corpus and
    /// `patterns/` mostly write).
    First,
    /// On the second vowel: `hoà`, `thuỷ`, `Uỷ ban`.
    Second,
}

/// Rewrites the tone of every open `oa`/`oe`/`uy` word in `s` to `style`,
/// keeping case and everything else (`Hoà bình` → `Hòa bình`). Not after `q`:
/// in `quý`, `quà` the `u` is part of the onset and the tone is where it must be.
pub fn place_tones(s: &str, style: TonePlacement) -> Cow<'_, str> {
    // Most words hold no `oa`/`oe`/`uy` pair with a tone: no copy for them.
    let mut prev: Option<letters::Vowel> = None;
    let mut candidate = false;
    for c in s.chars() {
        let v = letters::vowel(c);
        if let (Some(a), Some(b)) = (prev, v) {
            if matches!((a.base, b.base), ('o', 'a') | ('o', 'e') | ('u', 'y'))
                && (a.tone != Tone::Level || b.tone != Tone::Level)
            {
                candidate = true;
                break;
            }
        }
        prev = v;
    }
    if !candidate {
        return Cow::Borrowed(s);
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out: Vec<char> = chars.clone();
    let mut i = 0;
    while i < chars.len() {
        if !letters::is_alphabetic(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && letters::is_alphabetic(chars[i]) {
            i += 1;
        }
        let end = i;
        if end - start < 2 {
            continue;
        }
        let (a, b) = (chars[end - 2], chars[end - 1]);
        let (Some(va), Some(vb)) = (letters::vowel(a), letters::vowel(b)) else {
            continue;
        };
        if !matches!((va.base, vb.base), ('o', 'a') | ('o', 'e') | ('u', 'y')) {
            continue;
        }
        if let Some(&before) = chars.get(end.wrapping_sub(3)).filter(|_| end - start >= 3) {
            if before == 'q' || before == 'Q' || letters::vowel(before).is_some() {
                continue;
            }
        }
        let (tone, from_first) = match (va.tone, vb.tone) {
            (t, Tone::Level) if t != Tone::Level => (t, true),
            (Tone::Level, t) if t != Tone::Level => (t, false),
            _ => continue,
        };
        let to_first = style == TonePlacement::First;
        if from_first == to_first {
            continue;
        }
        let (ta, tb) = if to_first {
            (tone, Tone::Level)
        } else {
            (Tone::Level, tone)
        };
        if let (Some(na), Some(nb)) = (
            letters::with_tone(va.base, ta, va.upper),
            letters::with_tone(vb.base, tb, vb.upper),
        ) {
            out[end - 2] = na;
            out[end - 1] = nb;
        }
    }
    Cow::Owned(out.into_iter().collect())
}

/// How a document's words read: the share of word tokens that are neither
/// Vietnamese syllables nor abbreviations, codes or single letters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quality {
    /// Word tokens looked at.
    pub words: usize,
    /// Of those, how many are not Vietnamese.
    pub foreign: usize,
}

impl Quality {
    /// `foreign / words`; 0 for a text with no words.
    pub fn non_vietnamese_share(&self) -> f64 {
        if self.words == 0 {
            0.0
        } else {
            self.foreign as f64 / self.words as f64
        }
    }
}

/// Whether a word token counts as Vietnamese text (a syllable), or as a
/// symbol that any Vietnamese document holds: digits inside (`V28`),
/// capitals (`UBND`, `NĐ`, `II`), mixed-case codes (`QyĐ`, `CTr`), one letter.
pub fn is_vietnamese_or_symbol(token: &str) -> bool {
    let mut chars = token.chars();
    let Some(first) = chars.next() else {
        return true;
    };
    let mut single = true;
    let mut later_upper = false;
    let mut any_lower = case_of(first) == Case::Lower;
    for c in chars {
        single = false;
        if c.is_ascii_digit() {
            return true;
        }
        match case_of(c) {
            Case::Upper => later_upper = true,
            Case::Lower => any_lower = true,
            Case::None => {}
        }
    }
    if single || first.is_ascii_digit() {
        return true;
    }
    // Mixed-case codes are ASCII (and Đ): a capital `Þ` or `Ư` inside a
    // small word is mojibake (`ViÖt`, TCVN3 read as VNI: `ViƯt`), not a code.
    // All-capital words may hold any Vietnamese letter (`NGHỊ`, `HĐND`).
    if later_upper
        && any_lower
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == 'Đ' || c == 'đ')
    {
        return true;
    }
    if !any_lower
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == 'Đ' || letters::vowel(c).is_some())
    {
        return true;
    }
    is_vietnamese_syllable(token)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Case {
    Upper,
    Lower,
    None,
}

/// The case of a character, without Unicode table look-ups for ASCII and
/// Vietnamese letters (this runs on every sampled character).
#[inline]
fn case_of(c: char) -> Case {
    if c.is_ascii() {
        return if c.is_ascii_uppercase() {
            Case::Upper
        } else if c.is_ascii_lowercase() {
            Case::Lower
        } else {
            Case::None
        };
    }
    if let Some(v) = letters::vowel(c) {
        return if v.upper { Case::Upper } else { Case::Lower };
    }
    match c {
        'đ' => Case::Lower,
        'Đ' => Case::Upper,
        _ if c.is_uppercase() => Case::Upper,
        _ if c.is_lowercase() => Case::Lower,
        _ => Case::None,
    }
}

/// Scores up to `budget` word tokens of `text`, taken in eight evenly spaced
/// stretches so a long document costs the same as a short one and a bad
/// stretch anywhere is seen. Tokens are runs of letters, marks and digits;
/// runs without a letter (numbers) are not words.
pub fn quality(text: &str, budget: usize) -> Quality {
    const STRETCHES: usize = 8;
    let mut q = Quality {
        words: 0,
        foreign: 0,
    };
    let per = budget.div_ceil(STRETCHES).max(1);
    // A report repeats its words (about 250 distinct in 600 sampled):
    // each distinct token is judged once.
    let mut verdicts: HashMap<&str, bool, FnvBuild> =
        HashMap::with_capacity_and_hasher(budget.min(1024), FnvBuild::default());
    let step = text.len() / STRETCHES;
    let mut from = 0;
    for k in 0..STRETCHES {
        let mut start = (k * step).max(from);
        while start < text.len() && !text.is_char_boundary(start) {
            start += 1;
        }
        // Start at a word boundary: skip the rest of a word cut in half.
        let rest = &text[start..];
        let skip = if start == 0 {
            0
        } else {
            rest.find(|c: char| !letters::is_alphanumeric(c))
                .unwrap_or(rest.len())
        };
        let mut seen = 0;
        let mut pos = start + skip;
        for tok in text[pos..]
            // Superscript digits are footnote markers glued to a word (`hội³`).
            .split(|c: char| !(letters::is_alphabetic(c) || c.is_ascii_digit() || is_mark(c)))
            .filter(|t| !t.is_empty())
        {
            if seen == per {
                break;
            }
            pos = tok.as_ptr() as usize - text.as_ptr() as usize + tok.len();
            if !tok.chars().any(letters::is_alphabetic) {
                continue;
            }
            seen += 1;
            q.words += 1;
            if !*verdicts
                .entry(tok)
                .or_insert_with(|| is_vietnamese_or_symbol(tok))
            {
                q.foreign += 1;
            }
        }
        from = pos;
        if seen < per && pos >= text.len() {
            break;
        }
    }
    q
}

fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rhyme_has_a_distinct_key() {
        assert_eq!(rhyme_keys().len(), RHYMES.len());
        assert!(rhyme_keys().windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn common_syllables_are_syllables() {
        for w in [
            "Nghị", "định", "số", "của", "Chính", "phủ", "người", "được", "Việt", "một", "cộng",
            "quý", "quyết", "Quốc", "giữ", "gì", "gìn", "giếng", "khuỷu", "ngoài", "hòa", "hoà",
            "thủy", "thuỷ", "Ủy", "Uỷ", "hoàn", "tiếng", "cửa", "mưa", "oan", "yêu", "NGHỊ",
            "ĐỊNH", "xoong", "thuở", "huấn", "tuyên", "truyền", "khuyến", "a", "ở", "ý",
        ] {
            assert!(is_vietnamese_syllable(w), "{w} should be a syllable");
        }
    }

    #[test]
    fn mojibake_and_foreign_words_are_not_syllables() {
        for w in [
            "ViÖt", "NghÞ", "Vieät", "Internet", "Viet", "cac", "hoàǹ", "qúa", "tiéng", "ngừoi",
            "hòan", "Nghò", "ñònh", "xyz", "strength", "tièng", "thuf",
        ] {
            assert!(!is_vietnamese_syllable(w), "{w} should not be a syllable");
        }
    }

    #[test]
    fn symbols_and_abbreviations_are_not_counted_as_foreign() {
        for w in [
            "UBND", "NĐ", "CP", "BCA", "HĐND", "V28", "QyĐ", "CTr", "b", "II",
        ] {
            assert!(is_vietnamese_or_symbol(w), "{w}");
        }
        assert!(!is_vietnamese_or_symbol("Vieät"));
        assert!(!is_vietnamese_or_symbol("ViƯt"));
    }

    #[test]
    fn tone_placement_moves_only_open_oa_oe_uy_and_keeps_case() {
        let old = "Hoà bình, thuỷ lợi, Uỷ ban, khoẻ, hoàn thành, quý, ngoài";
        let new = place_tones(old, TonePlacement::First);
        assert_eq!(
            new,
            "Hòa bình, thủy lợi, Ủy ban, khỏe, hoàn thành, quý, ngoài"
        );
        assert_eq!(place_tones(&new, TonePlacement::Second), old);
        assert_eq!(place_tones("HOÀ THUỶ", TonePlacement::First), "HÒA THỦY");
    }

    #[test]
    fn quality_counts_foreign_words_and_skips_numbers() {
        let q = quality("Nghị định số 06/2013/NĐ-CP của Chính phủ", 1000);
        assert_eq!((q.words, q.foreign), (8, 0), "{q:?}");
        let bad = quality("NghÞ ®Þnh sè 06/2013/N§-CP cña ChÝnh phñ", 1000);
        assert!(bad.non_vietnamese_share() >= 0.5, "{bad:?}");
    }

    #[test]
    fn quality_looks_at_no_more_than_its_budget() {
        let text = "một hai ba ".repeat(10_000);
        let q = quality(&text, 800);
        assert!(q.words <= 800 && q.words >= 700, "{q:?}");
    }
}
