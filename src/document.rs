//! The common shape every reader produces: a [`Document`] of text blocks, each
//! with its provenance, before any normalization.

use std::sync::Arc;

use serde::Serialize;

use crate::record::TableCell;

/// The detected format of an input file (by content first, extension second).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Txt,
    Pdf,
    Docx,
    /// A file that is none of the above (e.g. a zip that is not a DOCX, an image).
    Unknown,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Txt => "txt",
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Unknown => "unknown",
        }
    }
}

/// Where a block of text sits in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    #[default]
    Body,
    Header,
    Footer,
    Footnote,
    Table,
}

/// How a block is joined to the text before it in the normalized text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Join {
    /// A blank line: a new paragraph.
    #[default]
    Paragraph,
    /// A line break: the next line of a table row.
    Line,
    /// A tab: the next cell on the same line of a table row, so a header
    /// table reads like a two-column header flattened into a TXT file.
    Tab,
    /// A space: the paragraph before goes on (a PDF paragraph continued on
    /// the next page).
    Space,
    /// Nothing: the block continues the word before (a PDF symbol split by
    /// a hyphen at a page end, `NĐ-` | `CP`).
    Glue,
}

/// One run of text as the reader found it (a paragraph of a TXT file, a PDF
/// text line group, a DOCX paragraph or one paragraph of a table cell...).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Block {
    pub text: String,
    pub kind: BlockKind,
    /// 1-based page, for formats that have pages.
    pub page: Option<u32>,
    /// 1-based line of the source file where the block starts, for text formats.
    pub line: Option<u32>,
    pub join: Join,
    /// The number of the footnote this block belongs to.
    pub footnote: Option<u32>,
    /// The number of the endnote this block belongs to.
    pub endnote: Option<u32>,
    /// The table cell this block sits in (shared by the blocks of one cell).
    pub cell: Option<Arc<TableCell>>,
}

/// A document as read, before normalization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub format: Format,
    /// The character encoding the text was decoded from (`utf-8`, `utf-16le`...).
    pub encoding: &'static str,
    pub blocks: Vec<Block>,
    /// Number of pages, for formats that have pages.
    pub pages: Option<u32>,
    /// What the reader noticed and the record should say (pages without a
    /// text layer...).
    pub warnings: Vec<DocWarning>,
}

/// A reader's note for the record's `warnings`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocWarning {
    /// Stable code (`no_text_layer`...).
    pub kind: &'static str,
    pub message: String,
}
