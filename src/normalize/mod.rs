//! Normalization v1: the text every extractor reads and every offset points into.
//!
//! - Unicode NFC, so `Nghị` typed with combining marks matches `Nghị` precomposed;
//! - non-breaking and other odd spaces become a plain space (Word and PDF
//!   exports are full of U+00A0 between `số` and the number);
//! - zero-width characters, BOMs and soft hyphens are removed (they split
//!   symbols invisibly: `NĐ-\u{AD}CP`);
//! - CRLF and CR become LF;
//! - `Ð`/`ð` (U+00D0/U+00F0, Icelandic eth, left by old converters and
//!   fonts) become `Đ`/`đ`, so `NÐ-CP` is the same symbol as `NĐ-CP`;
//! - hyphen look-alikes (non-breaking hyphen, minus sign…) become `-`, and
//!   dot leaders (`ngày.....tháng`) as many spaces.
//!
//! Blocks are joined with a blank line, or with a line break or a tab when
//! the reader says so (the lines and cells of a table row). Line breaks inside a paragraph are
//! kept, so `vanban text` shows the document as written; the extractors treat
//! any whitespace run, newlines included, as a gap, which is what keeps
//! `Kế hoạch số\n50/KH-UBND` or `NĐ-\nCP` one entity.

pub mod legacy;
pub mod letters;
pub mod syllable;

use std::borrow::Cow;
use std::sync::Arc;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::document::{BlockKind, Document, Join};
use crate::record::{Span, TableCell};

/// One block's place in the normalized text (byte offsets), and its provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockRange {
    pub start: usize,
    pub end: usize,
    pub kind: BlockKind,
    pub page: Option<u32>,
    pub footnote: Option<u32>,
    pub endnote: Option<u32>,
    /// The block's table cell, its header texts normalized like the text.
    pub cell: Option<Arc<TableCell>>,
}

/// The normalized text of a document, with where each block sits in it.
#[derive(Debug, Clone)]
pub struct Normalized {
    pub text: String,
    pub blocks: Vec<BlockRange>,
}

/// Normalizes a whole document.
pub fn normalize(doc: &Document) -> Normalized {
    let total: usize = doc.blocks.iter().map(|b| b.text.len() + 2).sum();
    let mut text = String::with_capacity(total);
    let mut blocks = Vec::with_capacity(doc.blocks.len());
    let mut scratch = String::new();
    // The blocks of one cell share their cell; normalize its headers once.
    let mut cell_cache: Option<(Arc<TableCell>, Arc<TableCell>)> = None;
    for block in &doc.blocks {
        scratch.clear();
        let plain = clean_into(&block.text, &mut scratch);
        match block.join {
            // A tab keeps its place even at the start: it marks an empty
            // left cell, as indentation does in a flattened TXT header.
            Join::Tab => text.push('\t'),
            Join::Line if !text.is_empty() => text.push('\n'),
            Join::Paragraph if !text.is_empty() => text.push_str("\n\n"),
            Join::Space if !text.is_empty() => text.push(' '),
            _ => {}
        }
        let start = text.len();
        push_nfc(&scratch, plain, &mut text);
        let cell = block.cell.as_ref().map(|raw| match &cell_cache {
            Some((from, to)) if Arc::ptr_eq(from, raw) => to.clone(),
            _ => {
                let norm = Arc::new(TableCell {
                    row_header: raw.row_header.as_deref().map(normalize_header),
                    column_header: raw.column_header.as_deref().map(normalize_header),
                    ..(**raw).clone()
                });
                cell_cache = Some((raw.clone(), norm.clone()));
                norm
            }
        });
        blocks.push(BlockRange {
            start,
            end: text.len(),
            kind: block.kind,
            page: block.page,
            footnote: block.footnote,
            endnote: block.endnote,
            cell,
        });
    }
    Normalized { text, blocks }
}

/// A header cell's text on one line, as a label.
fn normalize_header(s: &str) -> String {
    normalize_str(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Normalizes one string (used for vocabulary and tests).
pub fn normalize_str(s: &str) -> String {
    let mut scratch = String::with_capacity(s.len());
    let plain = clean_into(s, &mut scratch);
    let mut out = String::with_capacity(scratch.len());
    push_nfc(&scratch, plain, &mut out);
    out
}

/// The matching form of a word or phrase: NFC, lower case, whitespace runs
/// as one space, and the tone of open `oa`/`oe`/`uy` on the first vowel
/// (`Hoà` → `hòa`, `Uỷ ban` → `ủy ban`). Vocabulary lookups compare these, so
/// `Nghị định`, decomposed `Nghi\u{323} đi\u{323}nh`, `NGHỊ ĐỊNH` and both
/// tone placements meet; the text itself is never rewritten.
///
/// The first-vowel placement is the one the corpus and `patterns/` mostly use
/// (`hòa`, `Ủy ban`: 48 `ủy` against 0 `uỷ` in the five reports), so a
/// canonical name looks like what people type today.
pub fn canonical_key(s: &str) -> String {
    let nfc: Cow<str> = if is_nfc_quick(s.chars()) == IsNormalized::Yes {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfc().collect())
    };
    let mut key = String::with_capacity(nfc.len());
    for word in nfc.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        for c in word.chars() {
            letters::push_lowercase(&mut key, c);
        }
    }
    match syllable::place_tones(&key, syllable::TonePlacement::First) {
        Cow::Borrowed(_) => key,
        Cow::Owned(placed) => placed,
    }
}

/// The spellings of a vocabulary phrase that text may hold: as written, and
/// with the tone of open `oa`/`oe`/`uy` on either vowel (`Ủy ban`, `Uỷ ban`).
/// Case is left to the matcher (the extractors' regexes ignore case).
pub fn spellings(phrase: &str) -> Vec<String> {
    let mut v = vec![phrase.to_string()];
    for style in [
        syllable::TonePlacement::First,
        syllable::TonePlacement::Second,
    ] {
        let s = syllable::place_tones(phrase, style).into_owned();
        if !v.contains(&s) {
            v.push(s);
        }
    }
    v
}

/// Appends the NFC form of `s`; `plain` says [`clean_into`] found only
/// characters that are NFC in any order. Almost all text arrives composed
/// already, and the quick check is several times cheaper than recomposing.
fn push_nfc(s: &str, plain: bool, out: &mut String) {
    if plain || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        out.push_str(s);
    } else {
        out.extend(s.nfc());
    }
}

/// General punctuation, superscripts and subscripts: NFC in any order, like
/// the characters of [`BYTE_CLASS`]'s plain rows (a test checks each).
const PLAIN_PUNCTUATION: std::ops::RangeInclusive<char> = '\u{2010}'..='\u{209F}';

/// How [`clean_into`] treats a byte.
const PLAIN: u8 = 0;
/// Starts a two-byte character that is plain (U+0100–U+02FF: `đ`, `ơ`, `ư`…).
const PLAIN2: u8 = 4;
/// May start a character that cleaning maps.
const MAPPED: u8 = 1;
/// `E1`: a precomposed Vietnamese letter (U+1EA0–U+1EF9) or something else.
const E1: u8 = 2;
/// Starts a character that may take part in composition.
const OTHER: u8 = 3;

/// Each byte's class. Plain are ASCII, continuation bytes and the leads of
/// U+0080–U+02FF: none of these characters composes with what precedes it,
/// so text made of them (and of the precomposed Vietnamese letters) is NFC
/// whatever the order; that is nearly every Vietnamese text.
const BYTE_CLASS: [u8; 256] = {
    let mut t = [PLAIN; 256];
    let mut b = 0xC4;
    while b <= 0xFF {
        t[b] = if b < 0xCC { PLAIN2 } else { OTHER };
        b += 1;
    }
    t[b'\r' as usize] = MAPPED;
    t[b'.' as usize] = MAPPED;
    t[0xC2] = MAPPED;
    t[0xC3] = MAPPED;
    t[0xE1] = E1;
    t[0xE2] = MAPPED;
    t[0xE3] = MAPPED;
    t[0xEF] = MAPPED;
    t
};

/// Maps characters before composition: drops invisible ones, unifies spaces
/// and line ends. Runs of ordinary text are copied whole; only the bytes
/// that can start a mapped character are looked at more closely. Returns
/// whether every character kept is plainly NFC (see [`BYTE_CLASS`]), so
/// composition can be skipped without a second look at the text.
fn clean_into(s: &str, out: &mut String) -> bool {
    clean_into_with::<true>(s, out)
}

/// [`clean_into`]; `CHUNKS` switches the 16-byte fast path, so a test can
/// check that it changes nothing.
fn clean_into_with<const CHUNKS: bool>(s: &str, out: &mut String) -> bool {
    let bytes = s.as_bytes();
    let mut plain = true;
    let mut copied = 0; // `s[copied..i]` is still to be copied as it is
    let mut i = 0;
    // Where the next 16 bytes are tried at once.
    let mut next_chunk = 0;
    while i < bytes.len() {
        if CHUNKS && i >= next_chunk {
            while bytes.get(i..i + 18).is_some_and(chunk_is_plain) {
                i += 16;
            }
            // The last character may end past the chunk: on to the next start.
            while bytes.get(i).is_some_and(|&b| b & 0xC0 == 0x80) {
                i += 1;
            }
            next_chunk = i + 16;
            if i >= bytes.len() {
                break;
            }
        }
        match BYTE_CLASS[bytes[i] as usize] {
            // Whole characters are stepped over: fewer turns of a loop
            // whose branches the mix of letters defeats.
            PLAIN => {
                i += 1;
                continue;
            }
            PLAIN2 => {
                i += 2;
                continue;
            }
            E1 => {
                // U+1EA0..=U+1EF9 is E1 BA A0 ..= E1 BB B9.
                let vietnamese = matches!(
                    (bytes.get(i + 1), bytes.get(i + 2)),
                    (Some(0xBA), Some(0xA0..=0xBF)) | (Some(0xBB), Some(0x80..=0xB9))
                );
                plain &= vietnamese;
                i += 3;
                continue;
            }
            OTHER => {
                plain = false;
                i += 1;
                continue;
            }
            _ => {}
        }
        // Of the Latin-1 characters only these four are mapped; the rest
        // (`à`, `é`, `ô`…) are letters, and common.
        if matches!(bytes[i], 0xC2 | 0xC3)
            && !matches!(
                (bytes[i], bytes.get(i + 1)),
                (0xC2, Some(0xA0 | 0xAD)) | (0xC3, Some(0x90 | 0xB0))
            )
        {
            i += 2;
            continue;
        }
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        let len = c.len_utf8();
        let replacement: Option<&str> = match c {
            '\r' => Some(if bytes.get(i + 1) == Some(&b'\n') {
                ""
            } else {
                "\n"
            }),
            // Zero-width space/joiners, word joiner, BOM, soft hyphen.
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => Some(""),
            // Hyphen, non-breaking hyphen (Word's Ctrl+Shift+-), figure dash and
            // minus sign look like `-` and stand for it inside symbols
            // (`NĐ‑CP`) and numbers (`−8,6%`). En and em dashes stay: they
            // separate ranges and clauses, and the extractors read them so.
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2212}' => Some("-"),
            // Dot leaders of a form (`ngày.....tháng.....năm`, `Số:.....2.094.....`):
            // three or more dots, or ellipses, are blanks to fill, not
            // punctuation; as spaces they read like the blanks of a typed
            // template (`ngày   tháng 4 năm 2024`).
            '.' | '…' => {
                let (n, run) = leader(&s[i..]);
                if c == '…' || n >= 3 {
                    out.push_str(&s[copied..i]);
                    out.extend(std::iter::repeat_n(' ', n));
                    i += run;
                    copied = i;
                } else {
                    i += len; // one or two dots: punctuation, copied as it is
                }
                continue;
            }
            'Ð' => Some("Đ"),
            'ð' => Some("đ"),
            // No-break, en/em/thin/hair and other typographic spaces.
            '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => {
                Some(" ")
            }
            _ => None,
        };
        match replacement {
            Some(r) => {
                out.push_str(&s[copied..i]);
                out.push_str(r);
                copied = i + len;
            }
            // Kept: from the E2, E3 and EF rows. Punctuation (`“”–`) and
            // super- and subscripts compose with nothing; the rest may.
            None => plain &= PLAIN_PUNCTUATION.contains(&c),
        }
        i += len;
    }
    out.push_str(&s[copied..]);
    plain
}

/// Whether the characters starting in the first 16 of these 18 bytes are all
/// ones [`clean_into`] steps over without a change: ASCII but `\r` and `.`,
/// the plain two-byte rows, Latin-1 but the four it maps, the precomposed
/// Vietnamese letters. Written as compares on every byte, which the compiler
/// turns into vector instructions: the byte-by-byte loop mispredicted a
/// branch at nearly every character of Vietnamese text.
fn chunk_is_plain(w: &[u8]) -> bool {
    let Some(w) = w.get(..18).and_then(|w| <&[u8; 18]>::try_from(w).ok()) else {
        return false;
    };
    let mut bad = false;
    for j in 0..16 {
        let (c, n1, n2) = (w[j], w[j + 1], w[j + 2]);
        let vietnamese = (n1 == 0xBA) & (n2 >= 0xA0) | (n1 == 0xBB) & (n2 <= 0xB9);
        bad |= (c == b'\r')
            | (c == b'.')
            | (c >= 0xCC) & (c != 0xE1)
            | (c == 0xE1) & !vietnamese
            | (c == 0xC2) & ((n1 == 0xA0) | (n1 == 0xAD))
            | (c == 0xC3) & ((n1 == 0x90) | (n1 == 0xB0));
    }
    !bad
}

/// The number of characters in the run of `.` and `…` that starts `s`, and
/// its length in bytes.
fn leader(s: &str) -> (usize, usize) {
    let mut n = 0;
    let mut len = 0;
    for c in s.chars().take_while(|c| matches!(c, '.' | '…')) {
        n += 1;
        len += c.len_utf8();
    }
    (n, len)
}

/// Converts byte offsets in the normalized text to the output's character
/// offsets. Each extractor asks from the start of the text again, so a
/// cursor walked back and forth over the whole text once per extractor;
/// counts kept every [`STRIDE`] bytes leave at most that many to count.
pub struct OffsetMap<'a> {
    text: &'a str,
    blocks: &'a [BlockRange],
    /// Characters before each multiple of `STRIDE` bytes.
    marks: Vec<usize>,
}

const STRIDE: usize = 64;

/// Characters that start in `bytes`: every byte but UTF-8 continuations
/// (`10xxxxxx`), counted eight bytes at a time.
fn char_starts(bytes: &[u8]) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let words = bytes.chunks_exact(8);
    let rest = words.remainder();
    // One per continuation byte, in that byte's lowest bit. The eight lanes
    // are summed into one byte, so they are summed every 31 words.
    let mut lanes = 0u64;
    let mut continuations = 0;
    for (i, w) in words.enumerate() {
        let mut a = [0u8; 8];
        a.copy_from_slice(w);
        let x = u64::from_le_bytes(a);
        lanes += ((x & !(x << 1)) & HIGH) >> 7;
        if i % 31 == 30 {
            continuations += (lanes.wrapping_mul(0x0101_0101_0101_0101) >> 56) as usize;
            lanes = 0;
        }
    }
    continuations += (lanes.wrapping_mul(0x0101_0101_0101_0101) >> 56) as usize;
    continuations += rest.iter().filter(|&&b| b & 0xC0 == 0x80).count();
    bytes.len() - continuations
}

impl<'a> OffsetMap<'a> {
    pub fn new(norm: &'a Normalized) -> Self {
        let mut marks = Vec::with_capacity(norm.text.len() / STRIDE + 1);
        let mut chars = 0;
        marks.push(0);
        for chunk in norm.text.as_bytes().chunks_exact(STRIDE) {
            chars += char_starts(chunk);
            marks.push(chars);
        }
        OffsetMap {
            text: &norm.text,
            blocks: &norm.blocks,
            marks,
        }
    }

    fn char_index(&self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        let k = byte / STRIDE;
        // (A byte inside a character counts that character as before it.)
        self.marks[k] + char_starts(&self.text.as_bytes()[k * STRIDE..byte])
    }

    /// The output span of the byte range `start..end`, with the provenance
    /// of the block it starts in.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let block = self.block_at(start);
        Span {
            start: self.char_index(start),
            end: self.char_index(end),
            page: block.and_then(|b| b.page),
            section: None,
            footnote: block.and_then(|b| b.footnote),
            endnote: block.and_then(|b| b.endnote),
            cell: block.and_then(|b| b.cell.clone()),
        }
    }

    fn block_at(&self, byte: usize) -> Option<&'a BlockRange> {
        let i = self.blocks.partition_point(|b| b.end <= byte);
        self.blocks.get(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Block, Format};

    fn doc(blocks: &[&str]) -> Document {
        Document {
            format: Format::Txt,
            encoding: "utf-8",
            blocks: blocks
                .iter()
                .map(|t| Block {
                    text: t.to_string(),
                    kind: BlockKind::Body,
                    page: None,
                    line: None,
                    ..Block::default()
                })
                .collect(),
            pages: None,
            warnings: Vec::new(),
        }
    }

    fn plainly_nfc(s: &str) -> bool {
        clean_into(s, &mut String::new())
    }

    #[test]
    fn the_sixteen_byte_fast_path_changes_no_cleaned_text() {
        let both = |s: &str| {
            let (mut fast, mut slow) = (String::new(), String::new());
            let plain = (
                clean_into_with::<true>(s, &mut fast),
                clean_into_with::<false>(s, &mut slow),
            );
            (plain, fast, slow)
        };
        // Every class the chunk test tells apart, at every offset. Mostly
        // characters it steps over (so whole chunks pass), now and then one
        // it stops at: mapped Latin-1 (`Ð` C3 90), other E1 letters (`Ỻ`
        // E1 BB BB, `Ḁ` E1 B8 80), combining marks, dashes, dots, CR.
        let over: Vec<char> = "a1 \nạỹàđơ©Ừ".chars().collect();
        let stop: Vec<char> = ".\rỺỻḀÐð\u{A0}\u{AD}\u{300}–…\u{FEFF}한".chars().collect();
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as usize
        };
        let mut texts = crate::extract::tests::corpus_texts();
        for _ in 0..3000 {
            let len = next() % 90;
            let s: String = (0..len)
                .map(|_| match next() % 24 {
                    0 => stop[next() % stop.len()],
                    _ => over[next() % over.len()],
                })
                .collect();
            texts.push(s);
        }
        for text in &texts {
            let ((fast_plain, slow_plain), fast, slow) = both(text);
            assert_eq!(
                (fast_plain, &fast),
                (slow_plain, &slow),
                "cleaning {text:?}"
            );
        }
    }

    #[test]
    fn text_passed_by_the_byte_scan_is_nfc_in_any_order() {
        use unicode_normalization::char::canonical_combining_class;
        let ranges = [
            ('\0'..='\u{2FF}'),
            ('\u{1EA0}'..='\u{1EF9}'),
            PLAIN_PUNCTUATION,
        ];
        for c in ranges.into_iter().flatten() {
            assert_eq!(
                (
                    is_nfc_quick(std::iter::once(c)),
                    canonical_combining_class(c)
                ),
                (IsNormalized::Yes, 0),
                "{c:?} (U+{:04X}) must be NFC and start no composition",
                c as u32
            );
            assert!(plainly_nfc(c.encode_utf8(&mut [0; 4])), "{c:?}");
        }
        for outside in [
            "Nghi\u{323}",
            "\u{1EFA}",
            "\u{300}",
            "한",
            "→",
            "\u{E1}\u{301}",
        ] {
            assert!(!plainly_nfc(outside), "{outside:?} needs the full check");
        }
        // Mapped characters leave nothing to compose.
        assert!(plainly_nfc("NĐ\u{2011}CP\u{A0}số\u{200B} Ð…"));
        assert!(plainly_nfc("“Thông tư” – m²⁴"));
    }

    #[test]
    fn cleaning_keeps_ordinary_text_and_maps_only_the_odd_characters() {
        assert_eq!(
            normalize_str(
                "Nghị định số\u{A0}06/2013/NĐ\u{2011}CP.. ngày…tháng....năm\r\nx\ry\u{AD}z Ðð"
            ),
            "Nghị định số 06/2013/NĐ-CP.. ngày tháng    năm\nx\nyz Đđ"
        );
        assert_eq!(normalize_str(".…"), ". ");
    }

    #[test]
    fn decomposed_vietnamese_is_composed() {
        // "Nghị định" with combining dot below (U+0323) and acute+circumflex split.
        let decomposed = "Nghi\u{0323} \u{0111}i\u{0323}nh";
        assert_eq!(normalize_str(decomposed), "Nghị định");
    }

    #[test]
    fn odd_spaces_become_plain_spaces_and_invisible_marks_vanish() {
        let s = "Nghị\u{00A0}định số\u{202F}06/2013/NĐ-\u{00AD}CP\u{200B}";
        assert_eq!(normalize_str(s), "Nghị định số 06/2013/NĐ-CP");
    }

    #[test]
    fn eth_lookalikes_become_vietnamese_d_with_stroke() {
        assert_eq!(
            normalize_str("Nghị định số 06/2013/NÐ-CP ðã"),
            "Nghị định số 06/2013/NĐ-CP đã"
        );
    }

    #[test]
    fn hyphen_lookalikes_inside_symbols_become_hyphens_and_range_dashes_stay() {
        assert_eq!(
            normalize_str("Nghị định số 06/2013/NĐ\u{2011}CP, giảm \u{2212}8,6%, 2013 – 2023"),
            "Nghị định số 06/2013/NĐ-CP, giảm -8,6%, 2013 – 2023"
        );
    }

    #[test]
    fn dot_leaders_become_blanks_of_the_same_length_and_sentence_dots_stay() {
        assert_eq!(
            normalize_str("ngày.....tháng 4 năm 2024; Số:.....2.094….. Hết."),
            "ngày     tháng 4 năm 2024; Số:     2.094    Hết."
        );
        assert_eq!(
            normalize_str("v.v.. và 1.212/1.273"),
            "v.v.. và 1.212/1.273"
        );
    }

    #[test]
    fn crlf_and_cr_become_lf() {
        assert_eq!(normalize_str("a\r\nb\rc"), "a\nb\nc");
    }

    #[test]
    fn blocks_are_joined_by_a_blank_line_and_remember_their_range() {
        let n = normalize(&doc(&["BÁO CÁO", "Số: 12"]));
        assert_eq!(n.text, "BÁO CÁO\n\nSố: 12");
        assert_eq!(&n.text[n.blocks[1].start..n.blocks[1].end], "Số: 12");
    }

    #[test]
    fn offsets_are_counted_in_unicode_scalar_values() {
        let n = normalize(&doc(&["Nghị định 06"]));
        let byte = n.text.find("06").unwrap();
        let map = OffsetMap::new(&n);
        let span = map.span(byte, byte + 2);
        assert_eq!((span.start, span.end), (10, 12));
        // Asking again for an earlier offset still answers right.
        assert_eq!(map.span(0, "Nghị".len()).end, 4);
    }

    #[test]
    fn characters_are_counted_eight_bytes_at_a_time_as_one_by_one() {
        let text = "Căn cứ Nghị định số 06/2013/NĐ-CP ngày 09/01/2013 của Chính phủ; 𝔸 ".repeat(60);
        let bytes = text.as_bytes();
        for (start, end) in [
            (0, bytes.len()),
            (1, 9),
            (3, 2100),
            (5, 5),
            (7, bytes.len() - 1),
        ] {
            let want = bytes[start..end]
                .iter()
                .filter(|&&b| b & 0xC0 != 0x80)
                .count();
            assert_eq!(
                char_starts(&bytes[start..end]),
                want,
                "bytes {start}..{end}"
            );
        }
    }

    #[test]
    fn every_character_offset_is_counted_right_in_any_order() {
        // Long enough for several strides, and asked back and forth.
        let line = "Căn cứ Nghị định số 06/2013/NĐ-CP ngày 09/01/2013 của Chính phủ;";
        let n = normalize(&doc(&[&line.repeat(40)]));
        let map = OffsetMap::new(&n);
        let bounds: Vec<usize> = (0..=n.text.len())
            .filter(|&b| n.text.is_char_boundary(b))
            .collect();
        for &b in bounds.iter().rev().chain(bounds.iter().step_by(7)) {
            assert_eq!(map.char_index(b), n.text[..b].chars().count(), "byte {b}");
        }
    }
}
