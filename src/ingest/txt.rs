//! Plain-text reader: UTF-8 (with or without BOM) and UTF-16 LE/BE with BOM.
//!
//! Paragraphs are runs of lines separated by blank lines; each becomes a block
//! that remembers its first line. Line ends (CRLF, CR, LF) are unified later by
//! normalization so that offsets are the same whatever the file used. Legacy
//! 8-bit Vietnamese encodings are refused with a clear error for now.

use std::borrow::Cow;

use crate::document::{Block, BlockKind, Document, Format};
use crate::error::DocError;

/// Decodes a text file and splits it into paragraph blocks.
pub fn read_txt(bytes: &[u8]) -> Result<Document, DocError> {
    let (text, encoding) = decode(bytes)?;
    Ok(Document {
        format: Format::Txt,
        encoding,
        blocks: paragraphs(&text),
        pages: None,
    })
}

/// Valid UTF-8 is borrowed, not copied: the paragraphs are built from it anyway.
fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, &'static str), DocError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return utf8(rest, 3).map(|s| (s, "utf-8"));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes).map(|s| (Cow::Owned(s), "utf-16le"));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes).map(|s| (Cow::Owned(s), "utf-16be"));
    }
    utf8(bytes, 0).map(|s| (s, "utf-8"))
}

fn utf8(bytes: &[u8], skipped: usize) -> Result<Cow<'_, str>, DocError> {
    std::str::from_utf8(bytes)
        .map(Cow::Borrowed)
        .map_err(|e| DocError::InvalidEncoding {
            offset: skipped + e.valid_up_to(),
        })
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, DocError> {
    if bytes.len() % 2 != 0 {
        return Err(DocError::InvalidUtf16 {
            offset: bytes.len() + 1,
        });
    }
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    let mut out = String::with_capacity(bytes.len() / 2);
    for (i, ch) in char::decode_utf16(units).enumerate() {
        match ch {
            Ok(c) => out.push(c),
            Err(_) => return Err(DocError::InvalidUtf16 { offset: 2 + i * 2 }),
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
        match s.find(['\r', '\n']) {
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
    fn legacy_8bit_text_is_a_clear_error_with_its_offset() {
        // "Vi\xd6t" is TCVN3-style bytes: not UTF-8.
        let err = read_txt(b"Bao cao Vi\xd6t Nam").unwrap_err();
        assert_eq!(err.kind(), "invalid_encoding");
        assert!(err.to_string().contains("byte 10"), "{err}");
    }

    #[test]
    fn odd_length_utf16_is_an_error_not_a_panic() {
        assert_eq!(
            read_txt(&[0xFF, 0xFE, b'A']).unwrap_err().kind(),
            "invalid_utf16"
        );
    }
}
