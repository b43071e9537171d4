//! Readers: bytes of one file → a [`Document`] of text blocks with provenance.
//!
//! The format is detected from the content first (a PDF starts with `%PDF-`, a
//! DOCX is a zip), then from the extension, so a mis-named file goes to the
//! right reader. One module per format.

mod docx;
mod inflate;
mod pdf;
mod txt;

use crate::document::{Document, Format};
use crate::error::DocError;

pub use docx::read_docx;
pub use pdf::read_pdf;
pub use txt::{read_txt, read_txt_as, Decoding, ForcedEncoding};

/// Extensions picked up when walking a folder (files named explicitly are always read).
pub const KNOWN_EXTENSIONS: &[&str] = &["txt", "pdf", "docx"];

/// `bytes` as UTF-8, checked with SIMD. A text file or a DOCX part is
/// checked whole, and std's check goes byte by byte wherever a non-ASCII
/// letter comes every few bytes, as in Vietnamese: it was 3–4% of the time
/// of a DOCX report.
pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, simdutf8::compat::Utf8Error> {
    simdutf8::compat::from_utf8(bytes)
}

/// Detects the format of a file from its leading bytes and its extension.
pub fn detect_format(bytes: &[u8], extension: Option<&str>) -> Format {
    let ext = extension.map(|e| e.to_ascii_lowercase());
    if bytes.starts_with(b"%PDF-") {
        return Format::Pdf;
    }
    if bytes.starts_with(b"PK\x03\x04") {
        // Every OOXML package carries this part name near the start of the zip.
        let head = &bytes[..bytes.len().min(4096)];
        let is_ooxml = head
            .windows(b"[Content_Types].xml".len())
            .any(|w| w == b"[Content_Types].xml");
        return if is_ooxml || ext.as_deref() == Some("docx") {
            Format::Docx
        } else {
            Format::Unknown
        };
    }
    match ext.as_deref() {
        Some("pdf") => Format::Pdf,
        Some("docx") => Format::Docx,
        _ if looks_like_text(bytes) => Format::Txt,
        _ => Format::Unknown,
    }
}

/// Text, as opposed to an image or an executable: a BOM, or no NUL bytes in
/// the first few kilobytes. Legacy 8-bit encodings pass this test on purpose.
fn looks_like_text(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    !bytes[..bytes.len().min(8192)].contains(&0)
}

/// Reads a document of the given format from its bytes.
pub fn read(bytes: &[u8], format: Format) -> Result<Document, DocError> {
    match format {
        Format::Txt => read_txt(bytes),
        Format::Pdf => read_pdf(bytes),
        Format::Docx => read_docx(bytes),
        Format::Unknown => Err(DocError::NotADocument),
    }
}

/// Like [`read`], with an encoding to force on text files, and how the text
/// was decoded. Other formats say their own encoding (a legacy font inside a
/// DOCX or PDF is the reader's business: `normalize::legacy::encoding_for_font`).
pub fn read_as(
    bytes: &[u8],
    format: Format,
    forced: Option<ForcedEncoding>,
) -> Result<(Document, Decoding), DocError> {
    match format {
        Format::Txt => read_txt_as(bytes, forced),
        _ => read(bytes, format).map(|doc| {
            let decoding = Decoding {
                encoding: doc.encoding,
                confidence: 1.0,
                forced: false,
            };
            (doc, decoding)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_is_detected_by_magic_bytes_even_when_misnamed() {
        assert_eq!(detect_format(b"%PDF-1.7\n...", Some("txt")), Format::Pdf);
    }

    #[test]
    fn zip_with_content_types_is_docx_whatever_its_name() {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend_from_slice(b"....[Content_Types].xml....");
        assert_eq!(detect_format(&bytes, Some("bin")), Format::Docx);
    }

    #[test]
    fn plain_zip_is_unknown_not_docx() {
        assert_eq!(
            detect_format(b"PK\x03\x04....data", Some("zip")),
            Format::Unknown
        );
    }

    #[test]
    fn text_with_nul_bytes_and_no_bom_is_unknown() {
        assert_eq!(detect_format(b"\x00\x01\x02binary", None), Format::Unknown);
    }

    #[test]
    fn utf16_with_bom_is_text() {
        assert_eq!(detect_format(&[0xFF, 0xFE, b'A', 0], None), Format::Txt);
    }

    #[test]
    fn utf8_check_agrees_with_std_on_where_text_breaks() {
        // Long enough for the SIMD blocks, with a break in each place.
        let line = "Căn cứ Nghị định số 06/2013/NĐ-CP ngày 09/01/2013 của Chính phủ;\n";
        let good = line.repeat(8).into_bytes();
        let mut cases = vec![good.clone()];
        for at in [0, 1, 63, 64, 65, good.len() / 2, good.len() - 1] {
            for bad in [&[0xFF][..], &[0xC3], &[0xE1, 0xBB], &[0xED, 0xA0, 0x80]] {
                let mut b = good.clone();
                b.splice(at..at, bad.iter().copied());
                cases.push(b);
            }
        }
        let mut cut = good.clone();
        cut.truncate(good.len() - 3); // ends inside the last `ủ`
        cases.push(cut);
        for (i, bytes) in cases.iter().enumerate() {
            let ours = utf8(bytes).map_err(|e| e.valid_up_to());
            let std = std::str::from_utf8(bytes).map_err(|e| e.valid_up_to());
            assert_eq!(ours, std, "case {i}");
        }
    }
}
