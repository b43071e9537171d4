//! The output contract: one [`Record`] per input file, written as one JSON line.
//!
//! The central database reads these names; keep them stable, add fields rather
//! than rename them, and bump [`SCHEMA_VERSION`] on any incompatible change.
//! `vanban schema` prints the JSON Schema generated from these types, so the
//! doc comments below are the field documentation users see.

use std::sync::Arc;

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
    /// Laws, codes and ordinances cited by name without a number (`Luật An ninh mạng`).
    pub named_laws: Vec<NamedLaw>,
    /// Calendar dates (day, month or year precision).
    pub dates: Vec<DateValue>,
    pub percentages: Vec<Percentage>,
    /// Quantities written with digits in running text.
    pub numbers: Vec<NumberValue>,
    /// What the document is: issuer, number, type, title, place, date, signer,
    /// recipients, arrival stamp and outline. Parts the document lacks are null.
    pub metadata: Metadata,
    /// Things a reader should know about this document (invalid dates, ambiguous citations...).
    pub warnings: Vec<Warning>,
    /// Problems found in what the document says, as opposed to how it was read:
    /// `percentage_mismatch` (a stated percentage disagrees with the ratio it
    /// follows). Absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
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
    /// Stable code: `io`, `too_large`, `unsupported_format`, `invalid_encoding`, `invalid_utf16`,
    /// `invalid_docx`, `invalid_pdf` (damaged beyond repair), `encrypted` (a PDF that needs a
    /// password), `panic`.
    pub kind: String,
    /// A sentence for people, saying what went wrong and what to do.
    pub message: String,
}

/// The normalized text that entity offsets point into (`vanban text FILE` prints it).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TextInfo {
    /// Encoding the file was decoded from: `utf-8`, `utf-16le`, `utf-16be`,
    /// `tcvn3`, `vni`, `viqr` or `windows-1258`.
    pub encoding: String,
    /// How sure the reader is of `encoding`, 0 to 1: 1 for a byte-order mark
    /// or valid UTF-8; for a legacy encoding, the share of the words holding
    /// non-ASCII letters that it decodes to Vietnamese syllables.
    pub encoding_confidence: f64,
    /// True when `encoding` was named with `--encoding` rather than detected.
    pub encoding_forced: bool,
    /// Share (0 to 1) of sampled word tokens that are neither Vietnamese
    /// syllables nor abbreviations, codes or single letters. Near 0 for a clean
    /// report; high for mojibake (a wrong encoding) or a foreign-language text.
    pub non_vietnamese_share: f64,
    /// Length of the normalized text in Unicode scalar values.
    pub chars: usize,
}

/// Where an entity sits: offsets in Unicode scalar values into the normalized
/// text, end exclusive, and the 1-based page when the format has pages. The
/// optional fields say where in a DOCX it was found: a footnote, an endnote
/// or a table cell; they are absent for plain body text and for TXT input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Span {
    /// Offset of the first character, in Unicode scalar values into the normalized text.
    pub start: usize,
    /// Offset just past the last character (exclusive).
    pub end: usize,
    /// 1-based page, for formats that have pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Index into `metadata.outline` of the innermost heading the entity sits
    /// under; absent before the first heading and on metadata fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<usize>,
    /// The number of the footnote the entity is in, as printed in the document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub footnote: Option<u32>,
    /// The number of the endnote the entity is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endnote: Option<u32>,
    /// The table cell the entity is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<Arc<TableCell>>,
}

/// A table cell: where it is, and the header cells that name its row and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TableCell {
    /// 0-based index of the table in the document, in reading order.
    pub table: u32,
    /// 0-based row.
    pub row: u32,
    /// 0-based column on the table grid (a cell spanning columns counts them all).
    pub column: u32,
    /// Text of the first cell of the row (`Năm 2013`); absent in the first column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row_header: Option<String>,
    /// Text of the first row's cell above (`khu dân cư`); absent in the first row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column_header: Option<String>,
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
    /// How the citing document relates to the cited act, from the words
    /// around it (`patterns/relations.tsv`): `pursuant_to` (`Căn cứ …`),
    /// `replaces` (`thay thế …`), `amends` (`sửa đổi, bổ sung …`), `guides`
    /// (`hướng dẫn …`, `quy định chi tiết …`), `replaced` (the sentence says
    /// the cited act was replaced: `… được thay thế bằng …`), else `refers`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
    /// The article the sentence pins the citation to (`điều 6, Thông tư 23` → 6).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article: Option<u16>,
    /// The clause within that article (`khoản 3, điều 6, …` → 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clause: Option<u16>,
    /// What the act is about, when the sentence says so right after the
    /// citation (`… quy định về bảo vệ cơ quan, doanh nghiệp`, `về “…”`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

/// An act cited by its name, without a number (`Bộ luật Lao động`).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct NamedLaw {
    /// Exact surface text, type word included.
    pub text: String,
    #[serde(flatten)]
    pub span: Span,
    /// `Luật`, `Bộ luật` or `Pháp lệnh`.
    #[serde(rename = "type")]
    pub law_type: String,
    /// The name after the type word (`Lao động`), as written.
    pub title: String,
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
    /// `reference` (the issue date of a cited document: `Nghị định số
    /// 06/2013/NĐ-CP ngày 09/01/2013`), `document` (the document's own date, the
    /// one `metadata.date` repeats) or `event` (any other date). Absent on
    /// `metadata.date` itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<DateRole>,
    /// A span of years (`2013 - 2023`, `từ năm 2012 đến 2018`, `nhiệm kỳ
    /// 2015-2020`): both ends; `value` is then the first year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<DateRange>,
    /// For a day and month written without a year (`value` `--06-26`): the full
    /// date in the year of the document's own date (`2024-06-26`). Absent
    /// when the document's date gives no year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inferred_value: Option<String>,
    /// True when `inferred_value` is set: its year is not written at the date.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub year_inferred: bool,
}

/// What a date is in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DateRole {
    /// The issue date of a cited document, right after its citation.
    Reference,
    /// The document's own date (the place-and-date line).
    Document,
    /// Any other date.
    Event,
}

/// Both ends of a span of years, ISO 8601 (`2013`, `2023`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DateRange {
    pub from: String,
    pub to: String,
}

/// A percentage (`14,66%` → 14.66, `(-8,6%)` → -8.6).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Percentage {
    pub text: String,
    #[serde(flatten)]
    pub span: Span,
    #[serde(serialize_with = "serialize_quantity")]
    #[schemars(with = "f64")]
    pub value: f64,
    /// Both ends of a range (`5-7%`), on each of its two percentages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<QuantityRange>,
    /// A bounding or approximating word before it (`tối đa 80%` → `tối đa`),
    /// from `patterns/qualifiers.tsv`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
    /// What it is a share of, when the text names it: the noun phrase right
    /// after it (`80% đơn vị tiên tiến`), or the `counted` of the ratio it
    /// follows (`1.212/1.273 khu dân cư (95,2%)` → `khu dân cư`). Null when
    /// unclear.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub of: Option<String>,
    /// The ratio this percentage restates (`359/438 cơ quan, doanh nghiệp
    /// (81,96%)`), and whether the two agree.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub of_ratio: Option<RatioCheck>,
}

/// A percentage checked against the ratio it follows.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RatioCheck {
    /// Index into `numbers` of the ratio's numerator (the denominator is the next one).
    pub number: usize,
    #[serde(serialize_with = "serialize_quantity")]
    #[schemars(with = "f64")]
    pub numerator: f64,
    #[serde(serialize_with = "serialize_quantity")]
    #[schemars(with = "f64")]
    pub denominator: f64,
    /// numerator / denominator × 100, unrounded.
    pub computed: f64,
    /// `rounded` (the stated value is the computed one rounded to the decimals
    /// written), `truncated` (cut to them; checked when rounding fails), or
    /// `mismatch` (neither: a `percentage_mismatch` finding says so).
    pub check: String,
}

/// A number (`18.054` → 18054, `1,8 triệu` → 1800000).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct NumberValue {
    /// Surface text, including a scale word (`1,8 triệu`).
    pub text: String,
    #[serde(flatten)]
    pub span: Span,
    /// The value, scale words applied; the start of a range takes the scale
    /// word of its end (`từ 4 đến 6 triệu` → 4000000 and 6000000).
    #[serde(serialize_with = "serialize_quantity")]
    #[schemars(with = "f64")]
    pub value: f64,
    /// The unit or counting word right after the number (after a ratio's
    /// denominator, or a range's end): `ha`, `km²`, `người`, `lượt`, `vụ`,
    /// `đồng` (`147 triệu đồng`: the scale is already in `value`). Entries
    /// marked `unit` in `patterns/units.tsv`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The noun phrase counted (`135 nhân viên bảo vệ`, `359/438 cơ quan,
    /// doanh nghiệp`), after the unit if any. It ends at punctuation, at a
    /// word of `patterns/counted_stops.tsv` (verbs, prepositions), at a digit
    /// or after five words; a comma continues it only into another count noun
    /// of `units.tsv`. Null when nothing is named, or when the phrase runs
    /// past five words without an end (precision over recall).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counted: Option<String>,
    /// A bounding or approximating word (`trên`, `hơn`, `gần`, `khoảng`,
    /// `tối đa`, `dưới`…, before the number; `trở lên` after its unit),
    /// lower case, from `patterns/qualifiers.tsv`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
    /// `a/b` (`17/30 xã`, `1.212/1.273`): both sides carry the same ratio,
    /// `side` telling which one this is. Each side stays a number of its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ratio: Option<Ratio>,
    /// `từ a đến b`, `a – b`: both ends carry the same range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<QuantityRange>,
}

/// The two sides of a written ratio or fraction.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Ratio {
    #[serde(serialize_with = "serialize_quantity")]
    #[schemars(with = "f64")]
    pub numerator: f64,
    #[serde(serialize_with = "serialize_quantity")]
    #[schemars(with = "f64")]
    pub denominator: f64,
    /// `numerator` or `denominator`: which side this number is.
    pub side: String,
}

/// Both ends of a range of quantities, scale words applied.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct QuantityRange {
    #[serde(serialize_with = "serialize_quantity")]
    #[schemars(with = "f64")]
    pub from: f64,
    #[serde(serialize_with = "serialize_quantity")]
    #[schemars(with = "f64")]
    pub to: f64,
}

/// Something the document itself says that does not add up. General on
/// purpose: any extractor may add a kind.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Finding {
    /// Stable code: `percentage_mismatch`; for legal references (`vanban
    /// check`): `year_mismatch`, `date_mismatch`, `missing_year`,
    /// `type_code_mismatch`, `superseded`, `invalid_date`.
    pub kind: String,
    /// `notice` (worth a look), `warning` (likely an error in the document)
    /// or `error` (certainly wrong as written).
    pub severity: Severity,
    /// A sentence for people, in English.
    pub message: String,
    /// The same sentence in Vietnamese, when the finding has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_vi: Option<String>,
    /// Where: the entities involved, in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spans: Vec<Span>,
    /// Kind-specific facts (for `percentage_mismatch`: `numerator`,
    /// `denominator`, `stated`, `computed`; for a legal reference: its `id`
    /// and `text`, and `suggested_id`, `cited_date`, `registry_date`,
    /// `replaced_by` when they apply).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Notice,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Notice => "notice",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Something about the document worth a reader's attention; not an error.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Warning {
    /// Stable code: `invalid_date`, `ambiguous_short_reference`, `empty_document`,
    /// `legacy_encoding` (the text was decoded from a detected legacy encoding),
    /// `poor_text_quality` (many words are not Vietnamese: likely mojibake),
    /// `no_text_layer` (PDF pages with no text, named in the message: scans),
    /// `damaged_pdf` (a PDF whose cross-reference table was rebuilt),
    /// `angled_text` (PDF pages with text at an angle to the rest, left out),
    /// `unmapped_glyphs` (PDF pages whose font maps much of the text to no
    /// characters)...
    pub kind: String,
    pub message: String,
    #[serde(flatten)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

/// The catalogue entry of a document, read from its header and footer
/// (layout of Nghị định 30/2020/NĐ-CP, Phụ lục I). Nothing is guessed: a part
/// the text does not show is null (or an empty list).
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Metadata {
    /// The issuing body from the top-left block (`ỦY BAN NHÂN DÂN HUYỆN VĨNH BẢO`).
    pub issuer: Option<IssuerField>,
    /// The document's own `Số:` line.
    pub number: Option<DocNumber>,
    /// The document type heading (`BÁO CÁO`, `CHỈ THỊ`…).
    #[serde(rename = "type")]
    pub doc_type: Option<DocTypeField>,
    /// The summary line under the type (trích yếu), joined over its lines.
    pub title: Option<TextField>,
    /// The place before the date line (`Vĩnh Bảo`).
    pub place: Option<TextField>,
    /// The date line (`ngày   tháng 4 năm 2024` → `2024-04`, month precision).
    pub date: Option<DateValue>,
    pub signer: Option<Signer>,
    /// The items under `Nơi nhận:`, without their dashes and final punctuation.
    pub recipients: Vec<TextField>,
    /// An incoming-document stamp (`CV ĐẾN Số: 2094 Ngày: 13/11/17`).
    pub arrival: Option<Arrival>,
    /// Headings in document order (`I.`, `1.`, `2.1.`, `Phần thứ nhất`, `Điều 1.`).
    pub outline: Vec<Heading>,
}

/// A piece of text and where it sits.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TextField {
    pub text: String,
    #[serde(flatten)]
    pub span: Span,
}

/// The issuing body, and the body above it when the header gives two
/// (`UBND TỈNH QUẢNG NGÃI` / `VĂN PHÒNG`).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct IssuerField {
    pub text: String,
    pub parent: Option<String>,
    #[serde(flatten)]
    pub span: Span,
}

/// The document's own number line.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DocNumber {
    /// As written after `Số:` (`12/2017/NQ-HĐND`, or `/BC-UBND` in a template).
    pub text: String,
    /// The number (`12`); null in a template whose number is left blank.
    pub number: Option<String>,
    /// The canonical id, as in `legal_references`; null when there is no number.
    pub id: Option<String>,
    #[serde(flatten)]
    pub span: Span,
}

/// The type heading, as written and as its canonical name.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DocTypeField {
    pub text: String,
    /// Canonical name from `patterns/doc_types.tsv` (`Báo cáo`).
    pub value: String,
    #[serde(flatten)]
    pub span: Span,
}

/// The signature block.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Signer {
    /// Lines signing on another's behalf, top to bottom (`TM. ỦY BAN NHÂN DÂN`, `KT. CHỦ TỊCH`).
    pub authority: Vec<String>,
    /// The signer's own title lines, joined with ` / ` (`PHÓ CHỦ TỊCH`).
    pub title: Option<String>,
    /// The signer's name; null on an unsigned template.
    pub name: Option<String>,
    #[serde(flatten)]
    pub span: Span,
}

/// An incoming-document stamp.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Arrival {
    /// The arrival number, digits only (`Số:.....2.094.....` → `2094`).
    pub number: Option<String>,
    /// The arrival date, ISO 8601.
    pub date: Option<String>,
    #[serde(flatten)]
    pub span: Span,
}

/// A heading of the document's outline.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Heading {
    /// The numbering as written (`II.`, `2.1.`, `Phần thứ nhất`, `Điều 1.`).
    pub marker: String,
    /// The heading's words after the marker.
    pub text: String,
    /// Depth: 1 part or chapter, 2 Roman numeral, 3 `Điều` or `1.`, 4 `1.1.`, and so on.
    pub level: u8,
    #[serde(flatten)]
    pub span: Span,
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
            named_laws: Vec::new(),
            dates: Vec::new(),
            percentages: Vec::new(),
            numbers: Vec::new(),
            metadata: Metadata::default(),
            warnings: Vec::new(),
            findings: Vec::new(),
        }
    }
}
