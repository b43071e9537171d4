//! The Vietnamese letters as data: twelve vowels, each with its six tones,
//! in both cases, plus `đ`. Every other module asks this one what a letter is
//! made of (base vowel, tone, case) instead of keeping its own list.
//!
//! Lookups are a direct index into two small arrays built once (Latin-1 and
//! Latin Extended-A/B letters, and the Latin Extended Additional block where
//! most toned vowels live), because the syllable check runs on every word of
//! every document.

use std::sync::OnceLock;

/// The tones, in the order of [`VOWELS`] columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tone {
    /// ngang: no mark.
    Level,
    /// huyền: `à`.
    Grave,
    /// sắc: `á`.
    Acute,
    /// hỏi: `ả`.
    Hook,
    /// ngã: `ã`.
    Tilde,
    /// nặng: `ạ`.
    Dot,
}

pub const TONES: [Tone; 6] = [
    Tone::Level,
    Tone::Grave,
    Tone::Acute,
    Tone::Hook,
    Tone::Tilde,
    Tone::Dot,
];

/// Each vowel with its tones: level, grave, acute, hook, tilde, dot below.
pub const VOWELS: [&str; 12] = [
    "aàáảãạ",
    "ăằắẳẵặ",
    "âầấẩẫậ",
    "eèéẻẽẹ",
    "êềếểễệ",
    "iìíỉĩị",
    "oòóỏõọ",
    "ôồốổỗộ",
    "ơờớởỡợ",
    "uùúủũụ",
    "ưừứửữự",
    "yỳýỷỹỵ",
];
pub const VOWELS_UPPER: [&str; 12] = [
    "AÀÁẢÃẠ",
    "ĂẰẮẲẴẶ",
    "ÂẦẤẨẪẬ",
    "EÈÉẺẼẸ",
    "ÊỀẾỂỄỆ",
    "IÌÍỈĨỊ",
    "OÒÓỎÕỌ",
    "ÔỒỐỔỖỘ",
    "ƠỜỚỞỠỢ",
    "UÙÚỦŨỤ",
    "ƯỪỨỬỮỰ",
    "YỲÝỶỸỴ",
];

/// What a Vietnamese vowel letter is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vowel {
    /// The lower-case vowel without its tone (`ệ` → `ê`).
    pub base: char,
    pub tone: Tone,
    pub upper: bool,
}

/// A code point's vowel, its base letter kept decoded: `vowel` runs for
/// most characters of every word looked up.
#[derive(Clone, Copy)]
struct Entry {
    base: char, // '\0' for none
    tone: u8,
    upper: bool,
}

const NONE: Entry = Entry {
    base: '\0',
    tone: 0,
    upper: false,
};

/// U+0000..U+01B0 and U+1EA0..U+1EF9.
struct Tables {
    low: [Entry; 0x1B1],
    high: [Entry; 0x5A],
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let mut t = Tables {
            low: [NONE; 0x1B1],
            high: [NONE; 0x5A],
        };
        for (upper, rows) in [(false, &VOWELS), (true, &VOWELS_UPPER)] {
            for (v, row) in rows.iter().enumerate() {
                let base = VOWELS[v].chars().next().unwrap_or('\0');
                for (tone, c) in row.chars().enumerate() {
                    let e = Entry {
                        base,
                        tone: tone as u8,
                        upper,
                    };
                    let cp = c as usize;
                    if cp < 0x1B1 {
                        t.low[cp] = e;
                    } else if (0x1EA0..0x1EFA).contains(&cp) {
                        t.high[cp - 0x1EA0] = e;
                    }
                }
            }
        }
        t
    })
}

/// The base, tone and case of a Vietnamese vowel letter; `None` for anything else.
#[inline]
pub fn vowel(c: char) -> Option<Vowel> {
    let cp = c as usize;
    let t = tables();
    let e = if cp < 0x1B1 {
        t.low[cp]
    } else if (0x1EA0..0x1EFA).contains(&cp) {
        t.high[cp - 0x1EA0]
    } else {
        return None;
    };
    if e.base == '\0' {
        return None;
    }
    Some(Vowel {
        base: e.base,
        tone: TONES[e.tone as usize],
        upper: e.upper,
    })
}

/// The letter for a (lower-case) base vowel with a tone, in the given case.
pub fn with_tone(base: char, tone: Tone, upper: bool) -> Option<char> {
    let row = VOWELS.iter().position(|r| r.starts_with(base))?;
    let rows = if upper { &VOWELS_UPPER } else { &VOWELS };
    let i = TONES.iter().position(|t| *t == tone)?;
    rows[row].chars().nth(i)
}

/// All 134 Vietnamese letters outside ASCII: every toned vowel, the six
/// vowels with a modifier (`ă â ê ô ơ ư`), and `đ`, in both cases.
pub fn all_vietnamese_letters() -> Vec<char> {
    let mut v = Vec::with_capacity(134);
    for rows in [&VOWELS, &VOWELS_UPPER] {
        for row in rows.iter() {
            v.extend(row.chars().filter(|c| !c.is_ascii()));
        }
    }
    v.push('đ');
    v.push('Đ');
    v
}

/// `char::is_alphabetic`, with ASCII and the Vietnamese letters answered
/// without Unicode's table search, which costs hundreds of instructions a
/// character and ran on every character of the words around each number.
#[inline]
pub fn is_alphabetic(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        vowel(c).is_some() || c == 'đ' || c == 'Đ' || c.is_alphabetic()
    }
}

/// `char::is_alphanumeric` (a letter or a number), with the quick answers
/// of [`is_alphabetic`]; std answers ASCII numbers without a table.
#[inline]
pub fn is_alphanumeric(c: char) -> bool {
    is_alphabetic(c) || c.is_numeric()
}

/// The lower case of `c` when it is one character and quick to tell:
/// ASCII, Latin-1 and the Vietnamese letters, nearly every character of a
/// Vietnamese text. `char::to_lowercase` searches a table for each of them.
#[inline]
pub fn quick_lowercase(c: char) -> Option<char> {
    match c {
        '\0'..='\x7F' => Some(c.to_ascii_lowercase()),
        // Latin-1 capitals sit 0x20 below their small letters; `×` is no letter.
        '\u{C0}'..='\u{DE}' if c != '×' => char::from_u32(c as u32 + 0x20),
        '\u{DF}'..='\u{FF}' => Some(c),
        'Đ' | 'đ' | 'Ă' | 'ă' | 'Ĩ' | 'ĩ' | 'Ũ' | 'ũ' | 'Ơ' | 'ơ' => {
            // Each pair is (capital, small) at (even, odd) code points.
            char::from_u32(c as u32 | 1)
        }
        'Ư' | 'ư' => Some('ư'),
        // The precomposed Vietnamese letters, likewise in pairs.
        '\u{1EA0}'..='\u{1EF9}' => char::from_u32(c as u32 | 1),
        _ => None,
    }
}

/// Appends `c` in lower case.
#[inline]
pub fn push_lowercase(out: &mut String, c: char) {
    match quick_lowercase(c) {
        Some(l) => out.push(l),
        None => out.extend(c.to_lowercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_letter_tests_agree_with_unicode_on_every_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn there_are_134_non_ascii_vietnamese_letters_and_each_is_known() {
        let all = all_vietnamese_letters();
        assert_eq!(all.len(), 134);
        for c in all {
            if c == 'đ' || c == 'Đ' {
                continue;
            }
            let v = vowel(c).unwrap_or_else(|| panic!("{c} is not known as a vowel"));
            assert_eq!(with_tone(v.base, v.tone, v.upper), Some(c), "{c}");
        }
    }

    #[test]
    fn a_toned_vowel_splits_into_base_and_tone() {
        let v = vowel('Ệ').unwrap();
        assert_eq!((v.base, v.tone, v.upper), ('ê', Tone::Dot, true));
        assert_eq!(vowel('b'), None);
        assert_eq!(vowel('đ'), None);
    }

    #[test]
    fn the_quick_lower_case_is_the_unicode_lower_case() {
        for c in ('\0'..='\u{2FF}').chain('\u{1E00}'..='\u{1EFF}') {
            if let Some(l) = super::quick_lowercase(c) {
                assert_eq!(
                    l.to_string(),
                    c.to_lowercase().to_string(),
                    "{c:?} (U+{:04X})",
                    c as u32
                );
            }
        }
        for c in super::all_vietnamese_letters() {
            assert!(
                super::quick_lowercase(c).is_some(),
                "{c:?} takes the slow path"
            );
        }
    }
}
