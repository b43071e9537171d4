//! Plain-text reader: UTF-8 (with or without BOM), UTF-16 LE/BE with BOM, and
//! the legacy Vietnamese encodings TCVN3, VNI and Windows-1258.
//!
//! Paragraphs are runs of lines separated by blank lines; each becomes a block
//! that remembers its first line. Line ends (CRLF, CR, LF) are unified later by
//! normalization so that offsets are the same whatever the file used.
//!
//! Valid UTF-8 is taken as UTF-8 without looking further (and without a copy).
//! Otherwise each legacy candidate decodes the file, and the one that turns
//! clearly more of its non-ASCII words into Vietnamese syllables wins; when
//! none wins clearly the file is refused (`invalid_encoding`) rather than
//! guessed. VIQR is plain ASCII, valid UTF-8, so it is only read when forced.

use std::borrow::Cow;

use crate::document::{Block, BlockKind, Document, Format};
use crate::error::DocError;
use crate::normalize::legacy::{decode_bytes, Legacy};
use crate::normalize::syllable::{is_vietnamese_or_symbol, is_vietnamese_syllable, quality};

/// An encoding named with `--encoding`, overriding detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForcedEncoding {
    Utf8,
    /// UTF-16 in the byte order of its BOM, little-endian without one.
    Utf16,
    Legacy(Legacy),
}

impl ForcedEncoding {
    /// The names `--encoding` accepts.
    pub const NAMES: &'static str = "utf-8, utf-16, windows-1258, tcvn3, vni, viqr";

    pub fn from_name(name: &str) -> Option<ForcedEncoding> {
        match name.to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Some(ForcedEncoding::Utf8),
            "utf-16" | "utf16" | "utf-16le" | "utf-16be" => Some(ForcedEncoding::Utf16),
            other => Legacy::from_name(other).map(ForcedEncoding::Legacy),
        }
    }
}

/// How the bytes were turned into text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decoding {
    /// `utf-8`, `utf-16le`, `tcvn3`…
    pub encoding: &'static str,
    /// 1 for a BOM or valid UTF-8; for a legacy encoding, the share of the
    /// words with non-ASCII letters that decode to Vietnamese.
    pub confidence: f64,
    /// Named with `--encoding` rather than detected.
    pub forced: bool,
}

/// A legacy candidate wins only with at least this share of good words…
const MIN_SHARE: f64 = 0.6;
/// …and this much more than the runner-up.
const MIN_LEAD: f64 = 0.2;

/// Decodes a text file and splits it into paragraph blocks.
pub fn read_txt(bytes: &[u8]) -> Result<Document, DocError> {
    read_txt_as(bytes, None).map(|(doc, _)| doc)
}

/// Like [`read_txt`], with an encoding to force, and says how it decoded.
pub fn read_txt_as(
    bytes: &[u8],
    forced: Option<ForcedEncoding>,
) -> Result<(Document, Decoding), DocError> {
    let (text, decoding) = decode(bytes, forced)?;
    let doc = Document {
        format: Format::Txt,
        encoding: decoding.encoding,
        blocks: paragraphs(&text),
        pages: None,
        warnings: Vec::new(),
    };
    Ok((doc, decoding))
}

fn sure(encoding: &'static str, forced: bool) -> Decoding {
    Decoding {
        encoding,
        confidence: 1.0,
        forced,
    }
}

/// Valid UTF-8 is borrowed, not copied: the paragraphs are built from it anyway.
fn decode(
    bytes: &[u8],
    forced: Option<ForcedEncoding>,
) -> Result<(Cow<'_, str>, Decoding), DocError> {
    let utf8_bom = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]);
    match forced {
        Some(ForcedEncoding::Utf8) => {
            let (rest, skipped) = utf8_bom.map_or((bytes, 0), |r| (r, 3));
            return utf8(rest, skipped).map(|s| (s, sure("utf-8", true)));
        }
        Some(ForcedEncoding::Utf16) => {
            return if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
                utf16(rest, u16::from_be_bytes, 2).map(|s| (Cow::Owned(s), sure("utf-16be", true)))
            } else {
                let (rest, skipped) = bytes
                    .strip_prefix(&[0xFF, 0xFE])
                    .map_or((bytes, 0), |r| (r, 2));
                utf16(rest, u16::from_le_bytes, skipped)
                    .map(|s| (Cow::Owned(s), sure("utf-16le", true)))
            };
        }
        Some(ForcedEncoding::Legacy(enc)) => {
            let text = decode_bytes(enc, utf8_bom.unwrap_or(bytes));
            let (good, affected) = score(&text);
            let confidence = if affected == 0 {
                1.0
            } else {
                good as f64 / affected as f64
            };
            let decoding = Decoding {
                encoding: enc.name(),
                confidence,
                forced: true,
            };
            return Ok((Cow::Owned(text), decoding));
        }
        None => {}
    }
    if let Some(rest) = utf8_bom {
        return utf8(rest, 3).map(|s| (s, sure("utf-8", false)));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes, 2)
            .map(|s| (Cow::Owned(s), sure("utf-16le", false)));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes, 2)
            .map(|s| (Cow::Owned(s), sure("utf-16be", false)));
    }
    match utf8(bytes, 0) {
        // Pure ASCII may be VIQR; any other valid UTF-8 is UTF-8.
        Ok(s) if s.is_ascii() => match detect_viqr(&s) {
            Some((text, decoding)) => Ok((Cow::Owned(text), decoding)),
            None => Ok((s, sure("utf-8", false))),
        },
        Ok(s) => Ok((s, sure("utf-8", false))),
        Err(err) => match detect_legacy(bytes) {
            Some((text, decoding)) => Ok((Cow::Owned(text), decoding)),
            None => Err(err),
        },
    }
}

/// The legacy encoding that clearly reads best, if one does.
fn detect_legacy(bytes: &[u8]) -> Option<(String, Decoding)> {
    let mut scored: Vec<(f64, Legacy, String)> = [Legacy::Windows1258, Legacy::Tcvn3, Legacy::Vni]
        .into_iter()
        .map(|enc| {
            let text = decode_bytes(enc, bytes);
            let (good, affected) = score(&text);
            let share = if affected == 0 {
                0.0
            } else {
                good as f64 / affected as f64
            };
            (share, enc, text)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let runner_up = scored.get(1).map_or(0.0, |s| s.0);
    let (share, enc, text) = scored.into_iter().next()?;
    (share >= MIN_SHARE && share - runner_up >= MIN_LEAD).then(|| {
        let decoding = Decoding {
            encoding: enc.name(),
            confidence: share,
            forced: false,
        };
        (text, decoding)
    })
}

/// VIQR, when an ASCII text reads as mostly non-Vietnamese words and the
/// VIQR reading of it makes Vietnamese of them. Plain ASCII English or
/// unaccented Vietnamese stays as it is: VIQR must turn at least
/// `MIN_VIQR_WORDS` words into Vietnamese ones, and clearly improve the text.
fn detect_viqr(text: &str) -> Option<(String, Decoding)> {
    const MIN_VIQR_WORDS: usize = 20;
    let before = quality(text, VIQR_SAMPLE).non_vietnamese_share();
    if before < 0.1 {
        return None;
    }
    let decoded = decode_bytes(Legacy::Viqr, text.as_bytes());
    let (good, affected) = score(&decoded);
    let after = quality(&decoded, VIQR_SAMPLE).non_vietnamese_share();
    let share = if affected == 0 {
        0.0
    } else {
        good as f64 / affected as f64
    };
    (good >= MIN_VIQR_WORDS && share >= MIN_SHARE && after < before / 2.0).then(|| {
        let decoding = Decoding {
            encoding: Legacy::Viqr.name(),
            confidence: share,
            forced: false,
        };
        (decoded, decoding)
    })
}

const VIQR_SAMPLE: usize = 4000;

/// Counts whitespace-separated chunks holding a non-ASCII character (the only
/// ones the candidates decode differently), and how many of them are all
/// Vietnamese words or symbols: `(good, affected)`.
fn score(text: &str) -> (usize, usize) {
    let (mut good, mut affected) = (0, 0);
    for chunk in text.split_whitespace().filter(|c| !c.is_ascii()) {
        let mut words = chunk
            .split(|c: char| !(c.is_alphabetic() || c.is_ascii_digit()))
            .filter(|t| t.chars().any(char::is_alphabetic))
            .peekable();
        if words.peek().is_none() {
            continue; // punctuation or symbols only: says nothing
        }
        affected += 1;
        // Capitals count only as syllables or ASCII codes here: a wrong
        // decoding can make all-capital nonsense (`ƯƯƯ`).
        if words.all(|t| {
            is_vietnamese_syllable(t)
                || (t
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == 'Đ' || c == 'đ')
                    && is_vietnamese_or_symbol(t))
        }) {
            good += 1;
        }
    }
    (good, affected)
}

fn utf8(bytes: &[u8], skipped: usize) -> Result<Cow<'_, str>, DocError> {
    super::utf8(bytes)
        .map(Cow::Borrowed)
        .map_err(|e| DocError::InvalidEncoding {
            offset: skipped + e.valid_up_to(),
        })
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16, skipped: usize) -> Result<String, DocError> {
    if bytes.len() % 2 != 0 {
        return Err(DocError::InvalidUtf16 {
            offset: bytes.len() + skipped - 1,
        });
    }
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    let mut out = String::with_capacity(bytes.len() / 2);
    for (i, ch) in char::decode_utf16(units).enumerate() {
        match ch {
            Ok(c) => out.push(c),
            Err(_) => {
                return Err(DocError::InvalidUtf16 {
                    offset: skipped + i * 2,
                })
            }
        }
    }
    Ok(out)
}

/// Splits text into paragraphs at blank lines, keeping single line breaks
/// inside a paragraph. Accepts LF, CRLF and lone CR line ends.
fn paragraphs(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current = String::new();
    let mut first_line = 0u32;
    for (i, line) in lines(text).enumerate() {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if line.trim().is_empty() {
            if !current.is_empty() {
                blocks.push(body(std::mem::take(&mut current), first_line));
            }
            continue;
        }
        if current.is_empty() {
            first_line = line_no;
        } else {
            current.push('\n');
        }
        current.push_str(line);
    }
    if !current.is_empty() {
        blocks.push(body(current, first_line));
    }
    blocks
}

fn body(text: String, line: u32) -> Block {
    Block {
        text,
        kind: BlockKind::Body,
        page: None,
        line: Some(line),
        ..Block::default()
    }
}

/// Lines of `text` for any of the three line-end conventions.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let s = rest?;
        // (Searched as bytes: a `char` pattern decodes every character.)
        match memchr::memchr2(b'\r', b'\n', s.as_bytes()) {
            Some(i) => {
                let skip = if s[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&s[i + skip..]);
                Some(&s[..i])
            }
            None => {
                rest = None;
                Some(s)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(doc: &Document) -> Vec<&str> {
        doc.blocks.iter().map(|b| b.text.as_str()).collect()
    }

    #[test]
    fn utf8_bom_is_dropped() {
        let doc = read_txt("\u{FEFF}BÁO CÁO".as_bytes()).unwrap();
        assert_eq!(texts(&doc), ["BÁO CÁO"]);
        assert_eq!(doc.encoding, "utf-8");
    }

    #[test]
    fn utf16_le_and_be_with_bom_decode_to_the_same_text() {
        let s = "Nghị định số 06/2013/NĐ-CP";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in s.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(texts(&read_txt(&le).unwrap()), [s]);
        assert_eq!(texts(&read_txt(&be).unwrap()), [s]);
        assert_eq!(read_txt(&be).unwrap().encoding, "utf-16be");
    }

    #[test]
    fn crlf_cr_and_lf_give_the_same_paragraphs() {
        let lf = read_txt(b"Dong 1\nDong 2\n\nDoan 2").unwrap();
        let crlf = read_txt(b"Dong 1\r\nDong 2\r\n\r\nDoan 2").unwrap();
        let cr = read_txt(b"Dong 1\rDong 2\r\rDoan 2").unwrap();
        assert_eq!(texts(&lf), ["Dong 1\nDong 2", "Doan 2"]);
        assert_eq!(texts(&crlf), texts(&lf));
        assert_eq!(texts(&cr), texts(&lf));
        assert_eq!(lf.blocks[1].line, Some(4));
    }

    #[test]
    fn undecidable_8bit_text_is_a_clear_error_with_its_offset() {
        // No candidate makes a Vietnamese word of these bytes.
        let err = read_txt(b"Bao cao \xd6\xd6\xd6 Nam").unwrap_err();
        assert_eq!(err.kind(), "invalid_encoding");
        assert!(err.to_string().contains("byte 8"), "{err}");
    }

    #[test]
    fn tcvn3_vni_and_windows_1258_are_detected_and_say_so() {
        let cases: [(&[u8], &str, &str); 3] = [
            (
                b"Th\xf9c hi\xd6n Ngh\xde \xae\xdenh s\xe8 06/2013/N\xa7-CP c\xf1a Ch\xddnh ph\xf1",
                "tcvn3",
                "Thực hiện Nghị định số 06/2013/NĐ-CP của Chính phủ",
            ),
            (
                b"Th\xf6\xefc hie\xe4n Ngh\xf2 \xf1\xf2nh so\xe1 06/2013/N\xd1-CP cu\xfba Ch\xednh phu\xfb",
                "vni",
                "Thực hiện Nghị định số 06/2013/NĐ-CP của Chính phủ",
            ),
            (
                b"Th\xfd\xf2c hi\xea\xf2n Nghi\xf2 \xf0i\xf2nh s\xf4\xec 06/2013/N\xd0-CP cu\xd2a Chi\xecnh phu\xd2",
                "windows-1258",
                "Thực hiện Nghị định số 06/2013/NĐ-CP của Chính phủ",
            ),
        ];
        for (bytes, enc, text) in cases {
            let (doc, decoding) = read_txt_as(bytes, None).unwrap();
            assert_eq!(texts(&doc), [text], "{enc}");
            assert_eq!(decoding.encoding, enc);
            assert!(!decoding.forced);
            assert!(decoding.confidence > 0.9, "{enc}: {decoding:?}");
        }
    }

    #[test]
    fn a_forced_encoding_is_used_even_on_valid_utf8() {
        let (doc, d) =
            read_txt_as(b"Vie^.t Nam", Some(ForcedEncoding::Legacy(Legacy::Viqr))).unwrap();
        assert_eq!(texts(&doc), ["Việt Nam"]);
        assert_eq!((d.encoding, d.forced), ("viqr", true));
        let le: Vec<u8> = "Số".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let (doc, d) = read_txt_as(&le, Some(ForcedEncoding::Utf16)).unwrap();
        assert_eq!(texts(&doc), ["Số"]);
        assert_eq!(d.encoding, "utf-16le");
        assert_eq!(
            ForcedEncoding::from_name("CP1258"),
            Some(ForcedEncoding::Legacy(Legacy::Windows1258))
        );
        assert_eq!(ForcedEncoding::from_name("latin-1"), None);
    }

    #[test]
    fn ascii_viqr_is_detected_but_plain_ascii_is_not() {
        let viqr = "Thu+.c hie^.n Nghi. ddi.nh so^' 06/2013/NDD-CP cu?a Chi'nh phu?. ".repeat(5);
        let (doc, d) = read_txt_as(viqr.as_bytes(), None).unwrap();
        assert_eq!(d.encoding, "viqr", "{d:?}");
        assert!(texts(&doc)[0].starts_with("Thực hiện Nghị định số 06/2013/NĐ-CP của Chính phủ."));
        for plain in [
            "Bao cao tong ket cong tac nam 2017. ".repeat(20),
            "The quick brown fox? It's a dog. ".repeat(20),
        ] {
            let (_, d) = read_txt_as(plain.as_bytes(), None).unwrap();
            assert_eq!(d.encoding, "utf-8", "{plain}");
        }
    }

    #[test]
    fn valid_utf8_is_utf8_with_full_confidence() {
        let (_, d) = read_txt_as("Nghị định".as_bytes(), None).unwrap();
        assert_eq!(d, sure("utf-8", false));
    }

    #[test]
    fn odd_length_utf16_is_an_error_not_a_panic() {
        assert_eq!(
            read_txt(&[0xFF, 0xFE, b'A']).unwrap_err().kind(),
            "invalid_utf16"
        );
    }
}
