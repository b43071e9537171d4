//! Decoders for the legacy Vietnamese encodings of old backlogs: TCVN3 (ABC,
//! the `.Vn*` fonts), VNI (`VNI-*` fonts), VIQR (ASCII mnemonics) and
//! Windows-1258. Output is NFC Unicode.
//!
//! The tables are data below, one entry per letter, and are checked against
//! files made by other people's converters (`tests/fixtures/legacy/`, made by
//! `scripts/make_legacy_fixtures.py`).
//!
//! Bytes an encoding does not assign decode as Windows-1252 (which is what a
//! Windows editor wrote for quotes and dashes next to legacy-font text) so
//! nothing is dropped; a wrong guess then shows up as non-Vietnamese words in
//! the text-quality score.
//!
//! Two TCVN3 habits are undone:
//! - capitals with a tone do not exist in TCVN3; converters following the
//!   vietunicode.sourceforge.net table write the capital base then the small
//!   toned letter (`Á` → `A¸`), which decodes back to the capital;
//! - headings set in an uppercase `.VnTimeH` font keep the small codes (the
//!   font draws them as capitals), so `NGHÞ §ÞNH` reads `NGHị ĐịNH`. A word
//!   with no small ASCII letter and at least two capital ones, or one whose
//!   neighbours on the line are all capitals, is put in capitals. A lone
//!   toned capital at the start of a sentence (`ñy ban` for `Ủy ban`) cannot
//!   be told from a small letter and stays small.

use unicode_normalization::UnicodeNormalization;

use super::letters::{self, Tone};

/// A legacy Vietnamese encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Legacy {
    Tcvn3,
    Vni,
    Viqr,
    Windows1258,
}

impl Legacy {
    pub const ALL: [Legacy; 4] = [
        Legacy::Tcvn3,
        Legacy::Vni,
        Legacy::Viqr,
        Legacy::Windows1258,
    ];

    /// The name in `text.encoding` and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Legacy::Tcvn3 => "tcvn3",
            Legacy::Vni => "vni",
            Legacy::Viqr => "viqr",
            Legacy::Windows1258 => "windows-1258",
        }
    }

    /// Parses a name, ignoring case; accepts the common aliases.
    pub fn from_name(name: &str) -> Option<Legacy> {
        match name.to_ascii_lowercase().as_str() {
            "tcvn3" | "tcvn" | "abc" | "vn3" | "tcvn5712" => Some(Legacy::Tcvn3),
            "vni" | "vni-windows" => Some(Legacy::Vni),
            "viqr" => Some(Legacy::Viqr),
            "windows-1258" | "cp1258" | "windows1258" => Some(Legacy::Windows1258),
            _ => None,
        }
    }
}

/// Strips a PDF subset prefix ("ABCDEF+.VnTime"), matches .Vn*/.VnTimeH/VNI-*/… font names.
pub fn encoding_for_font(font_name: &str) -> Option<Legacy> {
    let name = strip_subset(font_name.trim());
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("vni-") || lower.starts_with("vni ") || lower.starts_with("vni_") {
        return Some(Legacy::Vni);
    }
    if lower.starts_with(".vn") {
        return Some(Legacy::Tcvn3);
    }
    // PDF writers sometimes drop the dot: `VnTimeH`, `VnArial`. Require the
    // capital after `Vn` so an ordinary name like `Vnexpress` is not taken.
    let mut chars = name.chars();
    if let (Some('V'), Some('n'), Some(c)) = (chars.next(), chars.next(), chars.next()) {
        if c.is_ascii_uppercase() {
            return Some(Legacy::Tcvn3);
        }
    }
    None
}

/// Whether a TCVN3 font draws every letter as a capital (`.VnTimeH`,
/// `.VnArialH`…): text decoded from a run in such a font should be upper-cased
/// (`decode_font_text(Legacy::Tcvn3, text).to_uppercase()`), since its bytes
/// hold small letters.
pub fn font_is_all_capitals(font_name: &str) -> bool {
    if encoding_for_font(font_name) != Some(Legacy::Tcvn3) {
        return false;
    }
    let name = strip_subset(font_name.trim());
    // Style suffixes: `.VnTimeH-Bold`, `.VnTimeH,Italic`, `.VnTimeH Bold`.
    let family = name.split([',', '-']).next().unwrap_or(name);
    let family = family
        .trim_end_matches(" Bold")
        .trim_end_matches(" Italic")
        .trim_end();
    family.ends_with('H')
}

/// `ABCDEF+Name` → `Name` (six capitals and a plus: a PDF font subset).
fn strip_subset(name: &str) -> &str {
    match name.split_once('+') {
        Some((tag, rest)) if tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()) => rest,
        _ => name,
    }
}

/// Text of a run set in a legacy font, as it comes out of DOCX XML / a PDF simple font:
/// chars U+0000..U+00FF (or their Windows-1252 mapping for 0x80..0x9F) standing for the legacy bytes.
pub fn decode_font_text(enc: Legacy, text: &str) -> String {
    if enc == Legacy::Viqr {
        return decode_viqr(text);
    }
    // Characters that stand for no byte (already real Unicode) pass through;
    // the runs between them are decoded as bytes.
    let mut out = String::with_capacity(text.len());
    let mut run: Vec<u8> = Vec::new();
    for c in text.chars() {
        match byte_of_char(c) {
            Some(b) => run.push(b),
            None => {
                if !run.is_empty() {
                    out.push_str(&decode_bytes(enc, &run));
                    run.clear();
                }
                out.push(c);
            }
        }
    }
    if !run.is_empty() {
        out.push_str(&decode_bytes(enc, &run));
    }
    out
}

/// Decodes raw bytes.
pub fn decode_bytes(enc: Legacy, bytes: &[u8]) -> String {
    match enc {
        Legacy::Tcvn3 => decode_tcvn3(bytes),
        Legacy::Vni => decode_vni(bytes),
        Legacy::Viqr => decode_viqr(&String::from_utf8_lossy(bytes)),
        Legacy::Windows1258 => decode_windows1258(bytes),
    }
}

/// Windows-1252 for 0x80..0x9F; U+FFFD where it assigns nothing.
const CP1252_HIGH: [char; 32] = [
    '€', '\u{FFFD}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{FFFD}', 'Ž',
    '\u{FFFD}', '\u{FFFD}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{FFFD}',
    'ž', 'Ÿ',
];

/// The byte a character stands for in legacy-font text (Latin-1, or the
/// Windows-1252 character of 0x80..0x9F).
fn byte_of_char(c: char) -> Option<u8> {
    let cp = c as u32;
    if cp < 0x80 || (0xA0..=0xFF).contains(&cp) {
        return u8::try_from(cp).ok();
    }
    if (0x80..0xA0).contains(&cp) {
        return u8::try_from(cp).ok();
    }
    CP1252_HIGH
        .iter()
        .position(|&h| h == c && h != '\u{FFFD}')
        .and_then(|i| u8::try_from(0x80 + i).ok())
}

/// A byte no table assigns: ASCII, Windows-1252 punctuation, else Latin-1.
fn fallback(b: u8) -> char {
    match b {
        0x80..=0x9F => CP1252_HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

// ---------------------------------------------------------------- TCVN3

/// TCVN3 (TCVN 5712:1993 VN3): 67 small letters and 7 capitals above 0x A0.
const TCVN3: [(u8, char); 74] = [
    (0xA1, 'Ă'),
    (0xA2, 'Â'),
    (0xA3, 'Ê'),
    (0xA4, 'Ô'),
    (0xA5, 'Ơ'),
    (0xA6, 'Ư'),
    (0xA7, 'Đ'),
    (0xA8, 'ă'),
    (0xA9, 'â'),
    (0xAA, 'ê'),
    (0xAB, 'ô'),
    (0xAC, 'ơ'),
    (0xAD, 'ư'),
    (0xAE, 'đ'),
    (0xB5, 'à'),
    (0xB6, 'ả'),
    (0xB7, 'ã'),
    (0xB8, 'á'),
    (0xB9, 'ạ'),
    (0xBB, 'ằ'),
    (0xBC, 'ẳ'),
    (0xBD, 'ẵ'),
    (0xBE, 'ắ'),
    (0xC6, 'ặ'),
    (0xC7, 'ầ'),
    (0xC8, 'ẩ'),
    (0xC9, 'ẫ'),
    (0xCA, 'ấ'),
    (0xCB, 'ậ'),
    (0xCC, 'è'),
    (0xCE, 'ẻ'),
    (0xCF, 'ẽ'),
    (0xD0, 'é'),
    (0xD1, 'ẹ'),
    (0xD2, 'ề'),
    (0xD3, 'ể'),
    (0xD4, 'ễ'),
    (0xD5, 'ế'),
    (0xD6, 'ệ'),
    (0xD7, 'ì'),
    (0xD8, 'ỉ'),
    (0xDC, 'ĩ'),
    (0xDD, 'í'),
    (0xDE, 'ị'),
    (0xDF, 'ò'),
    (0xE1, 'ỏ'),
    (0xE2, 'õ'),
    (0xE3, 'ó'),
    (0xE4, 'ọ'),
    (0xE5, 'ồ'),
    (0xE6, 'ổ'),
    (0xE7, 'ỗ'),
    (0xE8, 'ố'),
    (0xE9, 'ộ'),
    (0xEA, 'ờ'),
    (0xEB, 'ở'),
    (0xEC, 'ỡ'),
    (0xED, 'ớ'),
    (0xEE, 'ợ'),
    (0xEF, 'ù'),
    (0xF1, 'ủ'),
    (0xF2, 'ũ'),
    (0xF3, 'ú'),
    (0xF4, 'ụ'),
    (0xF5, 'ừ'),
    (0xF6, 'ử'),
    (0xF7, 'ữ'),
    (0xF8, 'ứ'),
    (0xF9, 'ự'),
    (0xFA, 'ỳ'),
    (0xFB, 'ỷ'),
    (0xFC, 'ỹ'),
    (0xFD, 'ý'),
    (0xFE, 'ỵ'),
];

fn tcvn3_char(b: u8) -> char {
    match TCVN3.binary_search_by_key(&b, |&(k, _)| k) {
        Ok(i) => TCVN3[i].1,
        Err(_) => fallback(b),
    }
}

fn decode_tcvn3(bytes: &[u8]) -> String {
    let chars: Vec<char> = bytes.iter().map(|&b| tcvn3_char(b)).collect();
    let chars = merge_capital_pairs(&chars);
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 2);
    for line in chars.split_inclusive(|&c| c == '\n') {
        restore_capitals(line, &mut out);
    }
    out
}

/// `A` + `á` → `Á`: a capital base followed by the small toned form of the
/// same vowel is one toned capital (no Vietnamese syllable doubles a vowel
/// this way).
fn merge_capital_pairs(chars: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if let (Some(cap), Some(&next)) = (letters::vowel(c), chars.get(i + 1)) {
            if let Some(small) = letters::vowel(next) {
                if cap.upper
                    && cap.tone == Tone::Level
                    && !small.upper
                    && small.tone != Tone::Level
                    && small.base == cap.base
                {
                    if let Some(t) = letters::with_tone(cap.base, small.tone, true) {
                        out.push(t);
                        i += 2;
                        continue;
                    }
                }
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

#[derive(Clone, Copy)]
struct WordCase {
    start: usize,
    end: usize,
    upper_ascii: usize,
    lower_ascii: usize,
    upper: usize,
    lower_other: usize,
}

impl WordCase {
    /// No small letter at all (`UBND`, `NĐ`).
    fn is_capitals(&self) -> bool {
        self.upper > 0 && self.lower_ascii == 0 && self.lower_other == 0
    }
    /// Small letters only where TCVN3 has no capital: an H-font word.
    fn is_candidate(&self) -> bool {
        self.lower_ascii == 0 && self.lower_other > 0
    }
}

/// Puts H-font words of one line in capitals (see the module docs).
fn restore_capitals(line: &[char], out: &mut String) {
    let mut words: Vec<WordCase> = Vec::new();
    let mut i = 0;
    while i < line.len() {
        if !line[i].is_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        let mut w = WordCase {
            start,
            end: start,
            upper_ascii: 0,
            lower_ascii: 0,
            upper: 0,
            lower_other: 0,
        };
        while i < line.len() && line[i].is_alphabetic() {
            let c = line[i];
            match (c.is_ascii(), c.is_uppercase(), c.is_lowercase()) {
                (true, true, _) => w.upper_ascii += 1,
                (true, _, true) => w.lower_ascii += 1,
                (false, _, true) => w.lower_other += 1,
                _ => {}
            }
            if c.is_uppercase() {
                w.upper += 1;
            }
            i += 1;
        }
        w.end = i;
        words.push(w);
    }
    let mut raise = vec![false; words.len()];
    for (k, w) in words.iter().enumerate() {
        raise[k] = w.is_candidate() && w.upper_ascii >= 2;
    }
    let caps_after_a: Vec<bool> = words
        .iter()
        .zip(&raise)
        .map(|(w, &r)| r || w.is_capitals())
        .collect();
    let whole_line_caps = words.len() >= 3;
    for (k, w) in words.iter().enumerate() {
        if raise[k] || !w.is_candidate() {
            continue;
        }
        let prev = k.checked_sub(1).map(|p| caps_after_a[p]);
        let next = caps_after_a.get(k + 1).copied();
        raise[k] = match (prev, next) {
            (Some(p), Some(n)) => p && n,
            // At a line end: only when every other word of the line is in capitals.
            _ => whole_line_caps && caps_after_a.iter().enumerate().all(|(j, &c)| j == k || c),
        };
    }
    let mut next_word = 0;
    let mut j = 0;
    while j < line.len() {
        if let Some(w) = words.get(next_word).filter(|w| w.start == j) {
            if raise[next_word] {
                for c in &line[w.start..w.end] {
                    out.extend(c.to_uppercase());
                }
            } else {
                out.extend(&line[w.start..w.end]);
            }
            j = w.end;
            next_word += 1;
        } else {
            out.push(line[j]);
            j += 1;
        }
    }
}

// ---------------------------------------------------------------- VNI

/// What a VNI mark byte adds to the vowel before it.
#[derive(Clone, Copy)]
enum Mark {
    Tone(Tone),
    /// Circumflex, with a tone or not (`â`, `á` = circumflex + acute).
    Circumflex(Tone),
    /// Breve, with a tone or not.
    Breve(Tone),
}

/// VNI Windows mark bytes, small and capital forms.
const VNI_MARKS: [(u8, Mark); 34] = [
    (0xF9, Mark::Tone(Tone::Acute)),
    (0xF8, Mark::Tone(Tone::Grave)),
    (0xFB, Mark::Tone(Tone::Hook)),
    (0xF5, Mark::Tone(Tone::Tilde)),
    (0xEF, Mark::Tone(Tone::Dot)),
    (0xE2, Mark::Circumflex(Tone::Level)),
    (0xE1, Mark::Circumflex(Tone::Acute)),
    (0xE0, Mark::Circumflex(Tone::Grave)),
    (0xE5, Mark::Circumflex(Tone::Hook)),
    (0xE3, Mark::Circumflex(Tone::Tilde)),
    (0xE4, Mark::Circumflex(Tone::Dot)),
    (0xEA, Mark::Breve(Tone::Level)),
    (0xE9, Mark::Breve(Tone::Acute)),
    (0xE8, Mark::Breve(Tone::Grave)),
    (0xFA, Mark::Breve(Tone::Hook)),
    (0xFC, Mark::Breve(Tone::Tilde)),
    (0xEB, Mark::Breve(Tone::Dot)),
    (0xD9, Mark::Tone(Tone::Acute)),
    (0xD8, Mark::Tone(Tone::Grave)),
    (0xDB, Mark::Tone(Tone::Hook)),
    (0xD5, Mark::Tone(Tone::Tilde)),
    (0xCF, Mark::Tone(Tone::Dot)),
    (0xC2, Mark::Circumflex(Tone::Level)),
    (0xC1, Mark::Circumflex(Tone::Acute)),
    (0xC0, Mark::Circumflex(Tone::Grave)),
    (0xC5, Mark::Circumflex(Tone::Hook)),
    (0xC3, Mark::Circumflex(Tone::Tilde)),
    (0xC4, Mark::Circumflex(Tone::Dot)),
    (0xCA, Mark::Breve(Tone::Level)),
    (0xC9, Mark::Breve(Tone::Acute)),
    (0xC8, Mark::Breve(Tone::Grave)),
    (0xDA, Mark::Breve(Tone::Hook)),
    (0xDC, Mark::Breve(Tone::Tilde)),
    (0xCB, Mark::Breve(Tone::Dot)),
];

/// VNI letters written with one byte.
const VNI_LETTERS: [(u8, char); 18] = [
    (0xEC, 'ì'),
    (0xED, 'í'),
    (0xF3, 'ĩ'),
    (0xE6, 'ỉ'),
    (0xF2, 'ị'),
    (0xEE, 'ỵ'),
    (0xF4, 'ơ'),
    (0xF6, 'ư'),
    (0xF1, 'đ'),
    (0xCC, 'Ì'),
    (0xCD, 'Í'),
    (0xD3, 'Ĩ'),
    (0xC6, 'Ỉ'),
    (0xD2, 'Ị'),
    (0xCE, 'Ỵ'),
    (0xD4, 'Ơ'),
    (0xD6, 'Ư'),
    (0xD1, 'Đ'),
];

fn combining(t: Tone) -> Option<char> {
    match t {
        Tone::Level => None,
        Tone::Grave => Some('\u{0300}'),
        Tone::Acute => Some('\u{0301}'),
        Tone::Hook => Some('\u{0309}'),
        Tone::Tilde => Some('\u{0303}'),
        Tone::Dot => Some('\u{0323}'),
    }
}

/// The vowel a mark may still be added to, as it was written so far.
#[derive(Clone, Copy)]
struct Open {
    base: char,
    toned: bool,
    modified: bool,
}

impl Open {
    fn of(c: char) -> Option<Open> {
        let v = letters::vowel(c)?;
        Some(Open {
            base: v.base,
            toned: v.tone != Tone::Level,
            modified: !matches!(v.base, 'a' | 'e' | 'i' | 'o' | 'u' | 'y'),
        })
    }

    /// The combining marks `mark` adds, or `None` when it cannot go here.
    fn apply(&mut self, mark: Mark) -> Option<(Option<char>, Option<char>)> {
        let (modifier, tone) = match mark {
            Mark::Tone(t) => (None, t),
            Mark::Circumflex(t) if !self.modified && matches!(self.base, 'a' | 'e' | 'o') => {
                (Some('\u{0302}'), t)
            }
            Mark::Breve(t) if !self.modified && self.base == 'a' => (Some('\u{0306}'), t),
            _ => return None,
        };
        if tone != Tone::Level && self.toned {
            return None;
        }
        if modifier.is_some() {
            self.modified = true;
        }
        if tone != Tone::Level {
            self.toned = true;
        }
        Some((modifier, combining(tone)))
    }
}

fn decode_vni(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 2);
    let mut open: Option<Open> = None;
    for &b in bytes {
        if let Some(&(_, c)) = VNI_LETTERS.iter().find(|&&(k, _)| k == b) {
            out.push(c);
            open = Open::of(c);
            continue;
        }
        if let Some(&(_, mark)) = VNI_MARKS.iter().find(|&&(k, _)| k == b) {
            if let Some((m, t)) = open.as_mut().and_then(|o| o.apply(mark)) {
                out.extend(m);
                out.extend(t);
                continue;
            }
        }
        let c = fallback(b);
        out.push(c);
        open = Open::of(c);
    }
    out.nfc().collect()
}

// ---------------------------------------------------------------- VIQR

fn viqr_mark(c: char) -> Option<Mark> {
    Some(match c {
        '\'' => Mark::Tone(Tone::Acute),
        '`' => Mark::Tone(Tone::Grave),
        '?' => Mark::Tone(Tone::Hook),
        '~' => Mark::Tone(Tone::Tilde),
        '.' => Mark::Tone(Tone::Dot),
        '^' => Mark::Circumflex(Tone::Level),
        '(' => Mark::Breve(Tone::Level),
        _ => return None,
    })
}

/// VIQR (RFC 1456): a mark after a vowel adds to it (`a(`, `a^`, `o+`, `u+`,
/// tones `' \` ? ~ .`), `dd` is `đ`, `d-` at a word start is `đ`, and `\`
/// makes the next character literal. A tone mark after a word already
/// carrying a tone is punctuation (`No^.i.`: the last dot ends the sentence).
fn decode_viqr(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut open: Option<Open> = None;
    let mut word_toned = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            if let Some(&n) = chars.get(i + 1) {
                out.push(n);
                open = None;
                i += 2;
                continue;
            }
        }
        if c == 'd' || c == 'D' {
            let next = chars.get(i + 1).copied();
            let word_start = i == 0 || !chars[i - 1].is_alphanumeric();
            let dash_d = next == Some('-')
                && word_start
                && chars.get(i + 2).is_some_and(|c| c.is_alphabetic());
            if matches!(next, Some('d' | 'D')) || dash_d {
                out.push(if c == 'D' { 'Đ' } else { 'đ' });
                open = None;
                i += 2;
                continue;
            }
        }
        if c == '+' {
            // Horn: o+ → ơ, u+ → ư.
            if let Some(o) = open.filter(|o| !o.modified && matches!(o.base, 'o' | 'u')) {
                out.push('\u{031B}');
                open = Some(Open {
                    modified: true,
                    ..o
                });
                i += 1;
                continue;
            }
        }
        if let Some(mark) = viqr_mark(c) {
            let is_tone = matches!(mark, Mark::Tone(_));
            // `I.`, `II.`, `TT-BCA.`: a full stop or question mark after a word
            // in capitals, ending it, is punctuation, not a dot below or hook.
            let ends_word = !chars.get(i + 1).is_some_and(|n| n.is_alphabetic());
            let capitals_word = out
                .chars()
                .rev()
                .take_while(|c| c.is_alphabetic() || is_combining(*c))
                .all(|c| !c.is_lowercase());
            let punctuation = matches!(c, '.' | '?') && ends_word && capitals_word;
            if !(punctuation || is_tone && word_toned) {
                if let Some((m, t)) = open.as_mut().and_then(|o| o.apply(mark)) {
                    out.extend(m);
                    out.extend(t);
                    word_toned |= t.is_some();
                    i += 1;
                    continue;
                }
            }
        }
        if !c.is_alphabetic() {
            word_toned = false;
        }
        out.push(c);
        open = Open::of(c);
        i += 1;
    }
    out.nfc().collect()
}

fn is_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

// ---------------------------------------------------------------- Windows-1258

/// Where Windows-1258 differs from Latin-1 above 0x9F.
const CP1258: [(u8, char); 14] = [
    (0xC3, 'Ă'),
    (0xCC, '\u{0300}'),
    (0xD0, 'Đ'),
    (0xD2, '\u{0309}'),
    (0xD5, 'Ơ'),
    (0xDD, 'Ư'),
    (0xDE, '\u{0303}'),
    (0xE3, 'ă'),
    (0xEC, '\u{0301}'),
    (0xF0, 'đ'),
    (0xF2, '\u{0323}'),
    (0xF5, 'ơ'),
    (0xFD, 'ư'),
    (0xFE, '₫'),
];

fn cp1258_char(b: u8) -> char {
    match b {
        // Windows-1258 leaves these unassigned where Windows-1252 has Š Ž š ž.
        0x8A | 0x8E | 0x9A | 0x9E => '\u{FFFD}',
        _ => match CP1258.binary_search_by_key(&b, |&(k, _)| k) {
            Ok(i) => CP1258[i].1,
            Err(_) => fallback(b),
        },
    }
}

/// Tone marks are separate bytes after the letter; NFC puts them on it
/// (canonical ordering sorts a dot below before a circumflex or breve, so
/// `ê` + dot below composes to `ệ`).
fn decode_windows1258(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| cp1258_char(b)).nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Encodes one letter or ASCII text as each encoding writes it, from the
    /// same tables: the round trip tests the decoders' parsing, and the
    /// fixtures made by other converters test the tables themselves.
    fn encode(enc: Legacy, s: &str) -> Vec<u8> {
        let mut out = Vec::new();
        for c in s.chars() {
            if c.is_ascii() {
                out.push(c as u8);
                continue;
            }
            match enc {
                Legacy::Tcvn3 => {
                    if let Some(&(b, _)) = TCVN3.iter().find(|&&(_, t)| t == c) {
                        out.push(b);
                    } else {
                        let v = letters::vowel(c).expect("a vowel");
                        let cap = letters::with_tone(v.base, Tone::Level, true).expect("base");
                        let small = letters::with_tone(v.base, v.tone, false).expect("small");
                        out.extend(encode(enc, &cap.to_string()));
                        out.extend(encode(enc, &small.to_string()));
                    }
                }
                Legacy::Vni => {
                    if let Some(&(b, _)) = VNI_LETTERS.iter().find(|&&(_, t)| t == c) {
                        out.push(b);
                        continue;
                    }
                    let v = letters::vowel(c).expect("a vowel");
                    let (plain, group) = match v.base {
                        'ă' => ('a', Some(0)),
                        'â' => ('a', Some(1)),
                        'ê' => ('e', Some(1)),
                        'ô' => ('o', Some(1)),
                        'ơ' => ('ơ', None),
                        'ư' => ('ư', None),
                        b => (b, None),
                    };
                    let base = letters::with_tone(plain, Tone::Level, v.upper).expect("base");
                    out.extend(encode(enc, &base.to_string()));
                    let want = match group {
                        Some(0) => Mark::Breve(v.tone),
                        Some(_) => Mark::Circumflex(v.tone),
                        None => Mark::Tone(v.tone),
                    };
                    if matches!(want, Mark::Tone(Tone::Level)) {
                        continue;
                    }
                    let marks = if v.upper {
                        &VNI_MARKS[17..]
                    } else {
                        &VNI_MARKS[..17]
                    };
                    let b = marks
                        .iter()
                        .find(|(_, m)| same_mark(*m, want))
                        .map(|&(b, _)| b)
                        .expect("a mark byte");
                    out.push(b);
                }
                Legacy::Viqr => {
                    if c == 'đ' || c == 'Đ' {
                        out.extend(if c == 'đ' { b"dd" } else { b"DD" });
                        continue;
                    }
                    let v = letters::vowel(c).expect("a vowel");
                    let (plain, m) = match v.base {
                        'ă' => ('a', "("),
                        'â' => ('a', "^"),
                        'ê' => ('e', "^"),
                        'ô' => ('o', "^"),
                        'ơ' => ('o', "+"),
                        'ư' => ('u', "+"),
                        b => (b, ""),
                    };
                    let base = letters::with_tone(plain, Tone::Level, v.upper).expect("base");
                    out.extend(base.to_string().bytes());
                    out.extend(m.bytes());
                    out.extend(
                        match v.tone {
                            Tone::Level => "",
                            Tone::Grave => "`",
                            Tone::Acute => "'",
                            Tone::Hook => "?",
                            Tone::Tilde => "~",
                            Tone::Dot => ".",
                        }
                        .bytes(),
                    );
                }
                Legacy::Windows1258 => {
                    if let Some(&(b, _)) = CP1258.iter().find(|&&(_, t)| t == c) {
                        out.push(b);
                    } else if let Some(b) = byte_of_char(c).filter(|&b| cp1258_char(b) == c) {
                        out.push(b);
                    } else {
                        let v = letters::vowel(c).expect("a vowel");
                        let base = letters::with_tone(v.base, Tone::Level, v.upper).expect("base");
                        out.extend(encode(enc, &base.to_string()));
                        let mark = combining(v.tone).expect("a tone");
                        let b = CP1258.iter().find(|&&(_, t)| t == mark).expect("mark").0;
                        out.push(b);
                    }
                }
            }
        }
        out
    }

    fn same_mark(a: Mark, b: Mark) -> bool {
        match (a, b) {
            (Mark::Tone(x), Mark::Tone(y))
            | (Mark::Circumflex(x), Mark::Circumflex(y))
            | (Mark::Breve(x), Mark::Breve(y)) => x == y,
            _ => false,
        }
    }

    #[test]
    fn every_vietnamese_letter_round_trips_through_every_encoding() {
        let mut failures = Vec::new();
        for enc in Legacy::ALL {
            for c in letters::all_vietnamese_letters() {
                // Alone, and inside a word of the same case.
                let word = if c.is_uppercase() {
                    format!("T{c}N")
                } else {
                    format!("t{c}n")
                };
                // A lone VIQR capital ending in `.` or `?` reads as a
                // sentence end (`A.`, `I.`): the word form covers those letters.
                let lone_is_punctuation = enc == Legacy::Viqr
                    && c.is_uppercase()
                    && letters::vowel(c).is_some_and(|v| matches!(v.tone, Tone::Dot | Tone::Hook));
                let forms = if lone_is_punctuation {
                    vec![word]
                } else {
                    vec![c.to_string(), word]
                };
                for s in forms {
                    let bytes = encode(enc, &s);
                    let back = decode_bytes(enc, &bytes);
                    if back != s {
                        failures.push(format!("{}: {s:?} → {bytes:02X?} → {back:?}", enc.name()));
                    }
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} failures:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn published_examples_decode() {
        // TCVN3 and VNI examples as their converters' documentation shows them.
        assert_eq!(
            decode_font_text(Legacy::Tcvn3, "hép møt tÕt"),
            "hộp mứt tết"
        );
        assert_eq!(
            decode_font_text(Legacy::Vni, "Xin chaøo caùc baïn"),
            "Xin chào các bạn"
        );
        assert_eq!(decode_bytes(Legacy::Viqr, b"Vie^.t Nam"), "Việt Nam");
        // iconv -t CP1258: tone bytes after the letter.
        assert_eq!(
            decode_bytes(
                Legacy::Windows1258,
                b"Vi\xea\xf2t Nam m\xf4\xf2t c\xf4\xf2ng"
            ),
            "Việt Nam một cộng"
        );
    }

    #[test]
    fn windows_1258_dot_below_after_a_circumflex_keeps_both_marks() {
        // Decomposed by hand in the other order: e + dot below + circumflex.
        assert_eq!(decode_bytes(Legacy::Windows1258, b"Vi\xea\xf2t"), "Việt");
        assert_eq!(decode_bytes(Legacy::Windows1258, b"\xd5\xec"), "Ớ");
    }

    #[test]
    fn tcvn3_uppercase_font_headings_are_put_back_in_capitals() {
        // .VnTimeH: capital letters typed as ASCII capitals, toned ones as small codes.
        let bytes: Vec<u8> = "NGHÞ §ÞNH Sè 06/2013/N§-CP"
            .chars()
            .filter_map(byte_of_char)
            .collect();
        assert_eq!(
            decode_bytes(Legacy::Tcvn3, &bytes),
            "NGHỊ ĐỊNH SỐ 06/2013/NĐ-CP"
        );
        // A capital initial followed by small toned letters is an ordinary word.
        assert_eq!(decode_font_text(Legacy::Tcvn3, "Bé C«ng an"), "Bộ Công an");
        assert_eq!(decode_font_text(Legacy::Tcvn3, "Së GTVT"), "Sở GTVT");
    }

    #[test]
    fn viqr_punctuation_after_a_toned_word_stays_punctuation() {
        assert_eq!(decode_bytes(Legacy::Viqr, b"Ha` No^.i."), "Hà Nội.");
        assert_eq!(decode_bytes(Legacy::Viqr, b"Nam. dd D- \\."), "Nam. đ D- .");
        assert_eq!(decode_bytes(Legacy::Viqr, b"ngu+o+`i d-i"), "người đi");
        assert_eq!(
            decode_bytes(Legacy::Viqr, b"II. Tho^ng tu+ 23/2012/TT-BCA. Ba."),
            "II. Thông tư 23/2012/TT-BCA. Bạ"
        );
    }

    #[test]
    fn vni_marks_after_a_consonant_are_left_as_written() {
        // 0xF9 after `n` is no mark: it stays the Windows-1252 character.
        assert_eq!(decode_bytes(Legacy::Vni, b"n\xf9"), "nù");
    }

    #[test]
    fn font_names_name_their_encoding() {
        assert_eq!(encoding_for_font("ABCDEF+.VnTime"), Some(Legacy::Tcvn3));
        assert_eq!(encoding_for_font(".VnTimeH"), Some(Legacy::Tcvn3));
        assert_eq!(encoding_for_font("VnArialH,Bold"), Some(Legacy::Tcvn3));
        assert_eq!(encoding_for_font("VNI-Times"), Some(Legacy::Vni));
        assert_eq!(
            encoding_for_font("QWERTY+VNI-Helve-Bold"),
            Some(Legacy::Vni)
        );
        assert_eq!(encoding_for_font("Times New Roman"), None);
        assert_eq!(encoding_for_font("Vnexpress Sans"), None);
        assert!(font_is_all_capitals("ABCDEF+.VnTimeH-Bold"));
        assert!(font_is_all_capitals(".VnArialH"));
        assert!(!font_is_all_capitals(".VnTime"));
        assert!(!font_is_all_capitals("VNI-TimesH"));
    }

    #[test]
    fn font_text_maps_windows_1252_punctuation_back_to_its_byte() {
        // 0x93/0x94 are quotes in both; real Unicode outside Latin-1 passes through.
        assert_eq!(decode_font_text(Legacy::Tcvn3, "“ViÖt” → x"), "“Việt” → x");
        assert_eq!(byte_of_char('“'), Some(0x93));
        assert_eq!(byte_of_char('→'), None);
    }

    #[test]
    fn names_parse_with_aliases() {
        for enc in Legacy::ALL {
            assert_eq!(Legacy::from_name(enc.name()), Some(enc));
        }
        assert_eq!(Legacy::from_name("CP1258"), Some(Legacy::Windows1258));
        assert_eq!(Legacy::from_name("latin1"), None);
    }
}
