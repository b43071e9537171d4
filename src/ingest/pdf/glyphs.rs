//! Simple-font encodings (WinAnsi, MacRoman, Standard) and glyph names.
//!
//! The glyph-name table holds the names Word, LibreOffice and the usual
//! Type1/TrueType subsets put in `/Differences` for Latin and Vietnamese text;
//! `uniXXXX`, `uXXXX[XX]` and suffixed (`a.sc`) or ligature (`f_i`) names are
//! decoded by rule, so the table need not list every letter.

/// The base encoding of a simple font.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseEncoding {
    WinAnsi,
    MacRoman,
    Standard,
}

const MAC_ROMAN_HIGH: &str = "ÄÅÇÉÑÖÜáàâäãåçéèêëíìîïñóòôöõúùûü†°¢£§•¶ß®©™´¨≠ÆØ∞±≤≥¥µ∂∑∏π∫ªºΩæø¿¡¬√ƒ≈∆«»…\u{A0}ÀÃÕŒœ–—“”‘’÷◊ÿŸ⁄€‹›ﬁﬂ‡·‚„‰ÂÊÁËÈÍÎÏÌÓÔ\u{F8FF}ÒÚÛÙıˆ˜¯˘˙˚¸˝˛ˇ";

const WIN_ANSI_80: [char; 32] = [
    '€', '\0', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\0', 'Ž', '\0', '\0', '‘',
    '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\0', 'ž', 'Ÿ',
];

impl BaseEncoding {
    pub fn from_name(name: &[u8]) -> Option<BaseEncoding> {
        match name {
            b"WinAnsiEncoding" => Some(BaseEncoding::WinAnsi),
            b"MacRomanEncoding" => Some(BaseEncoding::MacRoman),
            b"StandardEncoding" => Some(BaseEncoding::Standard),
            _ => None,
        }
    }

    /// The character of a code, `'\0'` for none.
    pub fn char(self, code: u8) -> char {
        match (self, code) {
            (_, 0..=0x1F) => '\0',
            (BaseEncoding::Standard, b'\'') => '’',
            (BaseEncoding::Standard, b'`') => '‘',
            (_, 0x20..=0x7E) => char::from(code),
            (BaseEncoding::WinAnsi, 0x80..=0x9F) => WIN_ANSI_80[usize::from(code - 0x80)],
            (BaseEncoding::WinAnsi, 0xA0..=0xFF) => char::from(code),
            (BaseEncoding::MacRoman, 0x80..=0xFF) => MAC_ROMAN_HIGH
                .chars()
                .nth(usize::from(code - 0x80))
                .unwrap_or('\0'),
            // Standard's upper half is rare in practice: the punctuation that
            // modern subsets still use.
            (BaseEncoding::Standard, 0xA1) => '¡',
            (BaseEncoding::Standard, 0xAE) => 'ﬁ',
            (BaseEncoding::Standard, 0xAF) => 'ﬂ',
            (BaseEncoding::Standard, 0xB1) => '–',
            (BaseEncoding::Standard, 0xB7) => '•',
            (BaseEncoding::Standard, 0xBA) => '”',
            (BaseEncoding::Standard, 0xAA) => '“',
            (BaseEncoding::Standard, 0xBC) => '…',
            (BaseEncoding::Standard, 0xD0) => '—',
            _ => '\0',
        }
    }
}

/// Glyph names whose text is not a rule away (sorted for binary search).
const NAMES: &[(&str, &str)] = &[
    ("AE", "Æ"),
    ("Aacute", "Á"),
    ("Abreve", "Ă"),
    ("Acircumflex", "Â"),
    ("Adieresis", "Ä"),
    ("Agrave", "À"),
    ("Aring", "Å"),
    ("Atilde", "Ã"),
    ("Ccedilla", "Ç"),
    ("Dcroat", "Đ"),
    ("Eacute", "É"),
    ("Ecircumflex", "Ê"),
    ("Edieresis", "Ë"),
    ("Egrave", "È"),
    ("Eth", "Ð"),
    ("Euro", "€"),
    ("Iacute", "Í"),
    ("Icircumflex", "Î"),
    ("Idieresis", "Ï"),
    ("Igrave", "Ì"),
    ("Itilde", "Ĩ"),
    ("Ntilde", "Ñ"),
    ("OE", "Œ"),
    ("Oacute", "Ó"),
    ("Ocircumflex", "Ô"),
    ("Odieresis", "Ö"),
    ("Ograve", "Ò"),
    ("Ohorn", "Ơ"),
    ("Oslash", "Ø"),
    ("Otilde", "Õ"),
    ("Scaron", "Š"),
    ("Thorn", "Þ"),
    ("Uacute", "Ú"),
    ("Ucircumflex", "Û"),
    ("Udieresis", "Ü"),
    ("Ugrave", "Ù"),
    ("Uhorn", "Ư"),
    ("Utilde", "Ũ"),
    ("Yacute", "Ý"),
    ("Ydieresis", "Ÿ"),
    ("Ygrave", "Ỳ"),
    ("Zcaron", "Ž"),
    ("aacute", "á"),
    ("abreve", "ă"),
    ("acircumflex", "â"),
    ("acute", "´"),
    ("acutecomb", "\u{301}"),
    ("adieresis", "ä"),
    ("ae", "æ"),
    ("agrave", "à"),
    ("ampersand", "&"),
    ("aring", "å"),
    ("asciicircum", "^"),
    ("asciitilde", "~"),
    ("asterisk", "*"),
    ("at", "@"),
    ("atilde", "ã"),
    ("backslash", "\\"),
    ("bar", "|"),
    ("braceleft", "{"),
    ("braceright", "}"),
    ("bracketleft", "["),
    ("bracketright", "]"),
    ("brokenbar", "¦"),
    ("bullet", "•"),
    ("ccedilla", "ç"),
    ("cent", "¢"),
    ("circumflex", "ˆ"),
    ("colon", ":"),
    ("comma", ","),
    ("copyright", "©"),
    ("currency", "¤"),
    ("dagger", "†"),
    ("daggerdbl", "‡"),
    ("dcroat", "đ"),
    ("degree", "°"),
    ("dieresis", "¨"),
    ("divide", "÷"),
    ("dollar", "$"),
    ("dotbelowcomb", "\u{323}"),
    ("dotlessi", "ı"),
    ("eacute", "é"),
    ("ecircumflex", "ê"),
    ("edieresis", "ë"),
    ("egrave", "è"),
    ("eight", "8"),
    ("ellipsis", "…"),
    ("emdash", "—"),
    ("endash", "–"),
    ("equal", "="),
    ("eth", "ð"),
    ("exclam", "!"),
    ("exclamdown", "¡"),
    ("fi", "fi"),
    ("five", "5"),
    ("fl", "fl"),
    ("florin", "ƒ"),
    ("four", "4"),
    ("germandbls", "ß"),
    ("grave", "`"),
    ("gravecomb", "\u{300}"),
    ("greater", ">"),
    ("guillemotleft", "«"),
    ("guillemotright", "»"),
    ("guilsinglleft", "‹"),
    ("guilsinglright", "›"),
    ("hookabovecomb", "\u{309}"),
    ("hyphen", "-"),
    ("iacute", "í"),
    ("icircumflex", "î"),
    ("idieresis", "ï"),
    ("igrave", "ì"),
    ("itilde", "ĩ"),
    ("less", "<"),
    ("logicalnot", "¬"),
    ("macron", "¯"),
    ("minus", "−"),
    ("mu", "µ"),
    ("multiply", "×"),
    ("nbspace", "\u{A0}"),
    ("nine", "9"),
    ("ntilde", "ñ"),
    ("numbersign", "#"),
    ("oacute", "ó"),
    ("ocircumflex", "ô"),
    ("odieresis", "ö"),
    ("oe", "œ"),
    ("ograve", "ò"),
    ("ohorn", "ơ"),
    ("one", "1"),
    ("onehalf", "½"),
    ("onequarter", "¼"),
    ("onesuperior", "¹"),
    ("ordfeminine", "ª"),
    ("ordmasculine", "º"),
    ("oslash", "ø"),
    ("otilde", "õ"),
    ("paragraph", "¶"),
    ("parenleft", "("),
    ("parenright", ")"),
    ("percent", "%"),
    ("period", "."),
    ("periodcentered", "·"),
    ("perthousand", "‰"),
    ("plus", "+"),
    ("plusminus", "±"),
    ("question", "?"),
    ("questiondown", "¿"),
    ("quotedbl", "\""),
    ("quotedblbase", "„"),
    ("quotedblleft", "“"),
    ("quotedblright", "”"),
    ("quoteleft", "‘"),
    ("quoteright", "’"),
    ("quotesinglbase", "‚"),
    ("quotesingle", "'"),
    ("registered", "®"),
    ("scaron", "š"),
    ("section", "§"),
    ("semicolon", ";"),
    ("seven", "7"),
    ("six", "6"),
    ("slash", "/"),
    ("space", " "),
    ("sterling", "£"),
    ("thorn", "þ"),
    ("three", "3"),
    ("threequarters", "¾"),
    ("threesuperior", "³"),
    ("tilde", "˜"),
    ("tildecomb", "\u{303}"),
    ("trademark", "™"),
    ("two", "2"),
    ("twosuperior", "²"),
    ("uacute", "ú"),
    ("ucircumflex", "û"),
    ("udieresis", "ü"),
    ("ugrave", "ù"),
    ("uhorn", "ư"),
    ("underscore", "_"),
    ("utilde", "ũ"),
    ("yacute", "ý"),
    ("ydieresis", "ÿ"),
    ("yen", "¥"),
    ("ygrave", "ỳ"),
    ("zcaron", "ž"),
    ("zero", "0"),
];

/// The text a glyph name stands for; empty when unknown.
pub fn name_to_text(name: &str) -> String {
    let mut out = String::new();
    push_name(name, &mut out);
    out
}

/// Appends the text of a glyph name (`uni1EA1`, `Abreve`, `f_i`, `a.sc`).
pub fn push_name(name: &str, out: &mut String) {
    // `a.sc`, `one.oldstyle`: the part before the dot names the character.
    let base = name.split('.').next().unwrap_or(name);
    if base.contains('_') {
        for part in base.split('_') {
            push_component(part, out);
        }
    } else {
        push_component(base, out);
    }
}

fn push_component(name: &str, out: &mut String) {
    if name.len() == 1 && name.as_bytes()[0].is_ascii_alphabetic() {
        out.push_str(name);
        return;
    }
    if let Ok(i) = NAMES.binary_search_by(|(n, _)| (*n).cmp(name)) {
        out.push_str(NAMES[i].1);
        return;
    }
    if let Some(hex) = name.strip_prefix("uni") {
        // `uniXXXX` may chain several code units: `uni00410042`.
        if hex.len() % 4 == 0 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            let units = (0..hex.len() / 4)
                .filter_map(|i| u16::from_str_radix(&hex[i * 4..i * 4 + 4], 16).ok());
            for c in char::decode_utf16(units) {
                out.push(c.unwrap_or('\u{FFFD}'));
            }
            return;
        }
    }
    if let Some(hex) = name.strip_prefix('u') {
        if (4..=6).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            if let Some(c) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                out.push(c);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_table_is_sorted_for_binary_search() {
        assert!(NAMES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn glyph_names_decode_by_table_and_by_rule() {
        assert_eq!(name_to_text("Dcroat"), "Đ");
        assert_eq!(name_to_text("uni1EA1"), "ạ");
        assert_eq!(name_to_text("u1EF9"), "ỹ");
        assert_eq!(name_to_text("f_i"), "fi");
        assert_eq!(name_to_text("a.sc"), "a");
        assert_eq!(name_to_text("ohorn"), "ơ");
        assert_eq!(name_to_text("notaname"), "");
    }

    #[test]
    fn base_encodings_differ_where_they_should() {
        assert_eq!(BaseEncoding::WinAnsi.char(0x93), '“');
        assert_eq!(BaseEncoding::MacRoman.char(0xD2), '“');
        assert_eq!(BaseEncoding::MacRoman.char(0x80), 'Ä');
        assert_eq!(BaseEncoding::Standard.char(b'\''), '’');
        assert_eq!(BaseEncoding::WinAnsi.char(b'A'), 'A');
    }
}
