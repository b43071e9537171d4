//! Library errors. Each variant of [`DocError`] is one `error.kind` in the output
//! contract, so a database can group failures without parsing messages.

use std::path::PathBuf;

/// Why one document could not be turned into a record. The batch goes on.
#[derive(Debug, thiserror::Error)]
pub enum DocError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is {bytes} bytes, over the {limit}-byte limit; raise it with --max-bytes if this file is genuine")]
    TooLarge {
        path: PathBuf,
        bytes: u64,
        limit: u64,
    },
    #[error(
        "{format} files are not supported yet; convert the file to .txt (UTF-8) to extract it now"
    )]
    UnsupportedFormat { format: &'static str },
    #[error("not a text, PDF or DOCX file: it holds binary data (UTF-16 text needs a byte-order mark; save it as UTF-8)")]
    NotADocument,
    #[error("not valid UTF-8 at byte {offset}, and no legacy Vietnamese encoding (TCVN3, VNI, Windows-1258) reads it clearly as Vietnamese; name the encoding with --encoding, or convert the file to UTF-8")]
    InvalidEncoding { offset: usize },
    #[error("UTF-16 text with an odd number of bytes or an unpaired surrogate near byte {offset}")]
    InvalidUtf16 { offset: usize },
    #[error("not a readable Word document: {reason}")]
    InvalidDocx { reason: String },
    #[error("{part} inside this DOCX expands past the {limit}-byte limit per part: a zip bomb or a damaged file")]
    PartTooLarge { part: String, limit: u64 },
    #[error("not a readable PDF: {reason}")]
    InvalidPdf { reason: String },
    #[error("this PDF is encrypted and needs a password to open; remove the protection (e.g. print it to a new PDF) and run again")]
    Encrypted,
    #[error("{part} inside this PDF expands past the {limit}-byte limit: a decompression bomb or a damaged file")]
    PdfStreamTooLarge { part: String, limit: u64 },
    #[error("internal error while processing this document (please report it): {message}")]
    Panic { message: String },
}

impl DocError {
    /// The stable machine-readable `error.kind` of the output contract.
    pub fn kind(&self) -> &'static str {
        match self {
            DocError::Io { .. } => "io",
            DocError::TooLarge { .. }
            | DocError::PartTooLarge { .. }
            | DocError::PdfStreamTooLarge { .. } => "too_large",
            DocError::InvalidPdf { .. } => "invalid_pdf",
            DocError::Encrypted => "encrypted",
            DocError::InvalidDocx { .. } => "invalid_docx",
            DocError::UnsupportedFormat { .. } | DocError::NotADocument => "unsupported_format",
            DocError::InvalidEncoding { .. } => "invalid_encoding",
            DocError::InvalidUtf16 { .. } => "invalid_utf16",
            DocError::Panic { .. } => "panic",
        }
    }
}

/// Errors in the vocabulary files of `patterns/` (embedded or given with `--patterns`).
#[derive(Debug, thiserror::Error)]
pub enum PatternError {
    #[error("cannot read pattern file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}:{line}: {message}")]
    Syntax {
        file: String,
        line: usize,
        message: String,
    },
    #[error("pattern {file}: {message}")]
    Regex { file: String, message: String },
    #[error(transparent)]
    Registry(#[from] crate::check::registry::RegistryError),
}

/// Errors of the accuracy harness (`vanban eval`).
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("cannot read gold file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("gold file {path} is not valid: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("no gold files (*.gold.json) in {0}")]
    NoGold(PathBuf),
}
