//! The output contract: one [`Record`] per input file, written as one JSON line.
//!
//! The central database reads these names; keep them stable, add fields rather
//! than rename them, and bump [`SCHEMA_VERSION`] on any incompatible change.
//! `vanban schema` prints the JSON Schema generated from these types, so the
//! doc comments below are the field documentation users see.

use schemars::JsonSchema;
use serde::{Serialize, Serializer};

use crate::document::Format;

/// Version of the record layout.
pub const SCHEMA_VERSION: u32 = 1;

/// Everything extracted from one input file.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Record {
    /// Version of this record layout (see `vanban schema`).
    pub schema_version: u32,
    pub source: Source,
    /// `ok` when the document was read and extracted, `error` when it could not be.
    pub status: Status,
    /// Present only when `status` is `error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorInfo>,
    /// Facts about the text the entity offsets refer to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<TextInfo>,
    /// Citations of documents by number and symbol, and short citations (type word + bare number).
    pub legal_references: Vec<LegalRef>,
    /// Calendar dates (day, month or year precision).
    pub dates: Vec<DateValue>,
    pub percentages: Vec<Percentage>,
    /// Quantities written with digits in running text.
    pub numbers: Vec<NumberValue>,
    /// Things a reader should know about this document (invalid dates, ambiguous citations...).
    pub warnings: Vec<Warning>,
}

/// Where the record came from.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Source {
    /// The path as given on the command line or found by walking a folder.
    pub path: String,
    /// SHA-256 of the file's bytes, lowercase hex; empty when the file could not be read.
    pub sha256: String,
    pub format: Format,
    /// Size of the file in bytes.
    pub bytes: u64,
    /// Number of pages, for formats that have pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Error,
}

/// Why a document failed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ErrorInfo {
    /// Stable code: `io`, `too_large`, `unsupported_format`, `invalid_encoding`, `invalid_utf16`, `panic`.
    pub kind: String,
    /// A sentence for people, saying what went wrong and what to do.
    pub message: String,
}

/// The normalized text that entity offsets point into (`vanban text FILE` prints it).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TextInfo {
    /// Encoding the file was decoded from.
    pub encoding: String,
    /// Length of the normalized text in Unicode scalar values.
    pub chars: usize,
}

/// Where an entity sits: offsets in Unicode scalar values into the normalized
/// text, end exclusive, and the 1-based page when the format has pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Span {
    /// Offset of the first character, in Unicode scalar values into the normalized text.
    pub start: usize,
    /// Offset just past the last character (exclusive).
    pub end: usize,
    /// 1-based page, for formats that have pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

/// A cited document.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct LegalRef {
    /// Exact surface text, from the type word (when present) through the symbol.
    pub text: String,
    #[serde(flatten)]
    pub span: Span,
    /// Canonical id (ANNOTATION.md): whitespace removed, leading number zero-padded
    /// to two digits, letters as written. Null for a short citation (`Thông tư 23`).
    pub id: Option<String>,
    /// Document type from the type word (`Nghị định`, `Thông tư`...); null when absent.
    #[serde(rename = "type")]
    pub doc_type: Option<String>,
    /// The document number as in the id (`06`, `1010`, `22`).
    pub number: String,
    /// The year inside the number (`06/2013/NĐ-CP` → 2013); null when the symbol has none.
    pub year: Option<u16>,
    /// The symbol after the number and year (`NĐ-CP`, `CT-BCA-V28`, `NQ/TW`); null when absent.
    pub symbol: Option<String>,
    /// The issue date given right after the citation (`ngày 09/01/2013`), ISO 8601.
    pub date: Option<String>,
    /// The issuing body named after `của` (`Chính phủ`, `Bộ Công an`); null when absent.
    pub issuer: Option<String>,
    /// For a short citation: the id of the full citation of the same type and
    /// number in the same document, when exactly one exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved_id: Option<String>,
}

/// How much of a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    Day,
    Month,
    Year,
}

/// A calendar date.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DateValue {
    pub text: String,
    #[serde(flatten)]
    pub span: Span,
    /// ISO 8601: `YYYY-MM-DD`, `YYYY-MM` or `YYYY`; `--MM-DD` for a day and month
    /// written without a year (`ngày 26/6`).
    pub value: String,
    pub precision: Precision,
}

/// A percentage (`14,66%` → 14.66).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Percentage {
    pub text: String,
    #[serde(flatten)]
    pub span: Span,
    #[serde(serialize_with = "serialize_quantity")]
    #[schemars(with = "f64")]
    pub value: f64,
}

/// A number (`18.054` → 18054, `1,8 triệu` → 1800000).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct NumberValue {
    /// Surface text, including a scale word (`1,8 triệu`).
    pub text: String,
    #[serde(flatten)]
    pub span: Span,
    #[serde(serialize_with = "serialize_quantity")]
    #[schemars(with = "f64")]
    pub value: f64,
}

/// Something about the document worth a reader's attention; not an error.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Warning {
    /// Stable code: `invalid_date`, `ambiguous_short_reference`, `empty_document`...
    pub kind: String,
    pub message: String,
    #[serde(flatten)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

/// Integral values are written as JSON integers (`18054`, not `18054.0`) so the
/// database and people see what the document wrote.
fn serialize_quantity<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if v.fract() == 0.0 && v.abs() < EXACT {
        s.serialize_i64(*v as i64)
    } else {
        s.serialize_f64(*v)
    }
}

impl Record {
    /// A record for a file that failed before or during extraction.
    pub fn failed(source: Source, kind: &str, message: String) -> Record {
        Record {
            schema_version: SCHEMA_VERSION,
            source,
            status: Status::Error,
            error: Some(ErrorInfo {
                kind: kind.to_string(),
                message,
            }),
            text: None,
            legal_references: Vec::new(),
            dates: Vec::new(),
            percentages: Vec::new(),
            numbers: Vec::new(),
            warnings: Vec::new(),
        }
    }
}
