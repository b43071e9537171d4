//! The database sink: records into an embedded SQLite file (the default) or
//! PostgreSQL, exactly once.
//!
//! The key of a document is the SHA-256 of its bytes. A document's rows (the
//! `documents` row, its entities, the `files` row that says where it was seen)
//! are written inside one transaction together with the rest of their batch,
//! so a crash leaves either all of them or none; the next run sees what is
//! there and does the rest. A copy or a moved file adds only a `files` row; a
//! changed file is a new document. The schema is in `sqlite_v1.sql` and
//! `postgres_v1.sql`, applied on first use and recorded in `schema_migrations`.
//!
//! Both back ends share [`TABLES`]: the entity columns and how each is read
//! from a [`Record`], so SQLite and PostgreSQL cannot drift apart.

pub mod export;
mod postgres;
mod sqlite;

use std::collections::HashMap;
use std::path::PathBuf;

use crate::record::{Record, Status};

/// Where to write: parsed from `--db`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbUrl {
    /// An embedded SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection string (`postgres://user@host/db`, or
    /// `postgresql:///db?host=/run/postgresql` for a local socket).
    Postgres(String),
}

impl DbUrl {
    /// `sqlite:PATH`, `postgres://…`/`postgresql://…`, or a bare path (SQLite).
    pub fn parse(s: &str) -> Result<DbUrl, DbError> {
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return Ok(DbUrl::Postgres(s.to_string()));
        }
        let path = s
            .strip_prefix("sqlite://")
            .or_else(|| s.strip_prefix("sqlite:"))
            .unwrap_or(s);
        if path.is_empty() || path.contains("://") {
            return Err(DbError::BadUrl(s.to_string()));
        }
        Ok(DbUrl::Sqlite(PathBuf::from(path)))
    }

    /// The URL for messages, without a password.
    pub fn display(&self) -> String {
        match self {
            DbUrl::Sqlite(p) => format!("sqlite:{}", p.display()),
            DbUrl::Postgres(s) => redact_password(s),
        }
    }
}

fn redact_password(url: &str) -> String {
    // postgres://user:secret@host → postgres://user:***@host
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => match rest[..at].find(':') {
            Some(colon) => format!(
                "{}{}:***{}",
                &url[..scheme_end + 3],
                &rest[..colon],
                &rest[at..]
            ),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// Database failures. They stop an ingest (unlike a bad document), because
/// nothing more can be stored.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("`{0}` is not a database URL; use sqlite:PATH or postgres://USER@HOST/DB")]
    BadUrl(String),
    // The cause is printed by the error chain (`{:#}`), not repeated here.
    #[error("SQLite")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL")]
    Postgres(#[from] ::postgres::Error),
    #[error("the database has schema version {found}, newer than this vanban knows ({known}); upgrade vanban")]
    NewerSchema { found: i64, known: i64 },
    #[error("writing the export: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot encode a record as JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// What the database already holds, loaded once at the start of a run so
/// that deciding what to skip costs no query per file.
#[derive(Debug, Default)]
pub struct Known {
    /// Last size, modification time and content hash seen at each path.
    pub files: HashMap<String, FileStamp>,
    /// Content hashes of stored documents, and whether their extraction failed.
    pub documents: HashMap<String, Status>,
}

/// How a file looked when it was last read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStamp {
    pub size: u64,
    pub mtime_ns: i64,
    pub sha256: String,
}

/// A file as read in this run.
#[derive(Debug, Clone)]
pub struct FileSeen {
    pub path: String,
    pub stamp: FileStamp,
}

/// One unit of work for the writer.
#[derive(Debug)]
pub enum Item {
    /// Content already stored: only record that it is (also) at this path.
    Seen(FileSeen),
    /// A document extracted in this run. `replace` re-writes a stored
    /// document of the same content (`--force`, `--retry-failed`); without it
    /// a document stored meanwhile by another worker is left alone.
    Extracted {
        file: FileSeen,
        record: Box<Record>,
        /// The record as JSON, serialized on the worker.
        json: String,
        replace: bool,
    },
    /// A file that could not be read at all, so it has no content hash.
    Unreadable {
        path: String,
        kind: String,
        message: String,
    },
}

/// What a batch write did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Written {
    /// New documents.
    pub inserted: usize,
    /// Stored documents written again (`--force`, `--retry-failed`).
    pub replaced: usize,
    /// Documents another worker stored first (their content hashes): nothing
    /// written but the file's path.
    pub already: Vec<String>,
}

/// A failed file, for `vanban failures`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Failure {
    pub path: String,
    pub sha256: Option<String>,
    pub kind: String,
    pub message: String,
}

/// A database that stores records.
pub trait Store {
    /// What is stored already (see [`Known`]).
    fn known(&mut self) -> Result<Known, DbError>;
    /// Writes a batch in one transaction: all of it or, on error, none.
    fn write(&mut self, items: &[Item]) -> Result<Written, DbError>;
    /// Failed documents and unreadable files, by path.
    fn failures(&mut self) -> Result<Vec<Failure>, DbError>;
    /// Every stored record's JSON, by the path it was first read from.
    fn export(
        &mut self,
        each: &mut dyn FnMut(&str) -> std::io::Result<()>,
    ) -> Result<usize, DbError>;
}

/// Opens (creating when needed) the database and brings its schema up to date.
pub fn open(url: &DbUrl) -> Result<Box<dyn Store>, DbError> {
    Ok(match url {
        DbUrl::Sqlite(path) => Box::new(sqlite::Sqlite::open(path)?),
        DbUrl::Postgres(conn) => Box::new(postgres::Postgres::open(conn)?),
    })
}

/// The schema versions this build knows; a migration is applied once.
const SCHEMA_VERSION: i64 = 2;

/// The migrations a database at version `current` still needs; an error
/// when it comes from a newer vanban.
fn pending<'a>(
    all: &'a [(i64, &'a str)],
    current: i64,
) -> Result<impl Iterator<Item = &'a (i64, &'a str)>, DbError> {
    if current > SCHEMA_VERSION {
        return Err(DbError::NewerSchema {
            found: current,
            known: SCHEMA_VERSION,
        });
    }
    Ok(all.iter().filter(move |(v, _)| *v > current))
}

/// A stored `documents.status`.
fn status_from_db(s: &str) -> Status {
    if s == "ok" {
        Status::Ok
    } else {
        Status::Error
    }
}

/// The vanban version written beside each document, so a later release can
/// tell which rows an older extractor produced.
const VANBAN_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A value bound to a column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Value<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    /// Stored as JSON text (JSONB in PostgreSQL).
    Json(&'a serde_json::Value),
}

impl<'a> From<Option<&'a str>> for Value<'a> {
    fn from(v: Option<&'a str>) -> Self {
        v.map_or(Value::Null, Value::Text)
    }
}

impl From<Option<u32>> for Value<'_> {
    fn from(v: Option<u32>) -> Self {
        v.map_or(Value::Null, |n| Value::Int(n.into()))
    }
}

/// The SQL type of a column, for PostgreSQL's typed arrays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Col {
    Text,
    Int,
    Real,
    Json,
}

/// Calls its second argument once per entity row of a record.
pub(crate) type RowsFn = for<'r> fn(&'r Record, &mut dyn FnMut(&[Value<'r>]));

/// An entity table: its columns after `document_id, ord`, and how to read a
/// record's entities into rows.
pub(crate) struct Table {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Col)],
    pub rows: RowsFn,
}

const SPAN_COLUMNS: [(&str, Col); 4] = [
    ("start_char", Col::Int),
    ("end_char", Col::Int),
    ("page", Col::Int),
    ("section", Col::Int),
];

fn span_values(s: &crate::record::Span) -> [Value<'static>; 4] {
    [
        Value::Int(s.start as i64),
        Value::Int(s.end as i64),
        s.page.into(),
        s.section.map_or(Value::Null, |n| Value::Int(n as i64)),
    ]
}

macro_rules! columns {
    ($($name:literal: $col:ident),* $(,)?) => {
        &[$(($name, Col::$col),)* SPAN_COLUMNS[0], SPAN_COLUMNS[1], SPAN_COLUMNS[2], SPAN_COLUMNS[3]]
    };
}

/// The entity tables, in the order they are written.
pub(crate) const TABLES: [Table; 5] = [
    Table {
        name: "legal_references",
        columns: columns!(
            "text": Text, "ref_id": Text, "type": Text, "number": Text, "year": Int,
            "symbol": Text, "ref_date": Text, "issuer": Text, "resolved_id": Text,
        ),
        rows: |rec, push| {
            for r in &rec.legal_references {
                let [a, b, c, d] = span_values(&r.span);
                push(&[
                    Value::Text(&r.text),
                    r.id.as_deref().into(),
                    r.doc_type.as_deref().into(),
                    Value::Text(&r.number),
                    r.year.map_or(Value::Null, |y| Value::Int(y.into())),
                    r.symbol.as_deref().into(),
                    r.date.as_deref().into(),
                    r.issuer.as_deref().into(),
                    r.resolved_id.as_deref().into(),
                    a,
                    b,
                    c,
                    d,
                ]);
            }
        },
    },
    Table {
        name: "dates",
        columns: columns!("text": Text, "value": Text, "precision": Text, "role": Text),
        rows: |rec, push| {
            for r in &rec.dates {
                let [a, b, c, d] = span_values(&r.span);
                push(&[
                    Value::Text(&r.text),
                    Value::Text(&r.value),
                    Value::Text(precision_name(r.precision)),
                    r.role.map(role_name).into(),
                    a,
                    b,
                    c,
                    d,
                ]);
            }
        },
    },
    Table {
        name: "numbers",
        columns: columns!(
            "text": Text, "value": Real, "unit": Text, "counted": Text, "qualifier": Text,
        ),
        rows: |rec, push| {
            for r in &rec.numbers {
                let [a, b, c, d] = span_values(&r.span);
                push(&[
                    Value::Text(&r.text),
                    Value::Real(r.value),
                    r.unit.as_deref().into(),
                    r.counted.as_deref().into(),
                    r.qualifier.as_deref().into(),
                    a,
                    b,
                    c,
                    d,
                ]);
            }
        },
    },
    Table {
        name: "percentages",
        columns: columns!("text": Text, "value": Real, "share_of": Text),
        rows: |rec, push| {
            for r in &rec.percentages {
                let [a, b, c, d] = span_values(&r.span);
                push(&[
                    Value::Text(&r.text),
                    Value::Real(r.value),
                    r.of.as_deref().into(),
                    a,
                    b,
                    c,
                    d,
                ]);
            }
        },
    },
    Table {
        name: "findings",
        columns: columns!("kind": Text, "severity": Text, "message": Text, "details": Json),
        rows: |rec, push| {
            for f in &rec.findings {
                // A finding is filed at its first entity.
                let [a, b, c, d] = f.spans.first().map_or([Value::Null; 4], span_values);
                push(&[
                    Value::Text(&f.kind),
                    Value::Text(f.severity.as_str()),
                    Value::Text(&f.message),
                    f.details.as_ref().map_or(Value::Null, Value::Json),
                    a,
                    b,
                    c,
                    d,
                ]);
            }
        },
    },
];

fn role_name(r: crate::record::DateRole) -> &'static str {
    use crate::record::DateRole;
    match r {
        DateRole::Reference => "reference",
        DateRole::Document => "document",
        DateRole::Event => "event",
    }
}

fn precision_name(p: crate::record::Precision) -> &'static str {
    use crate::record::Precision;
    match p {
        Precision::Day => "day",
        Precision::Month => "month",
        Precision::Year => "year",
    }
}

/// The `documents` columns (after `id`, before the defaulted `extracted_at`),
/// in the order [`document_values`] gives them.
pub(crate) const DOCUMENT_COLUMNS: [(&str, Col); 19] = [
    ("sha256", Col::Text),
    ("path", Col::Text),
    ("format", Col::Text),
    ("size", Col::Int),
    ("pages", Col::Int),
    ("status", Col::Text),
    ("error_kind", Col::Text),
    ("error_message", Col::Text),
    ("encoding", Col::Text),
    ("chars", Col::Int),
    ("doc_type", Col::Text),
    ("doc_number", Col::Text),
    ("doc_date", Col::Text),
    ("doc_year", Col::Int),
    ("issuer", Col::Text),
    ("title", Col::Text),
    ("schema_version", Col::Int),
    ("vanban_version", Col::Text),
    ("metadata", Col::Text),
];

/// The names of [`DOCUMENT_COLUMNS`], comma-separated.
pub(crate) fn document_column_list() -> String {
    DOCUMENT_COLUMNS
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

/// One `documents` row from a record; `record` (the JSON) is bound after these.
pub(crate) fn document_values<'a>(rec: &'a Record, metadata_json: &'a str) -> [Value<'a>; 19] {
    let m = &rec.metadata;
    let date = m.date.as_ref();
    let year = date
        .and_then(|d| d.value.get(..4))
        .and_then(|y| y.parse::<i64>().ok());
    [
        Value::Text(&rec.source.sha256),
        Value::Text(&rec.source.path),
        Value::Text(rec.source.format.as_str()),
        Value::Int(rec.source.bytes as i64),
        rec.source.pages.into(),
        Value::Text(match rec.status {
            Status::Ok => "ok",
            Status::Error => "error",
        }),
        rec.error.as_ref().map(|e| e.kind.as_str()).into(),
        rec.error.as_ref().map(|e| e.message.as_str()).into(),
        rec.text.as_ref().map(|t| t.encoding.as_str()).into(),
        rec.text
            .as_ref()
            .map_or(Value::Null, |t| Value::Int(t.chars as i64)),
        m.doc_type.as_ref().map(|t| t.value.as_str()).into(),
        m.number.as_ref().and_then(|n| n.id.as_deref()).into(),
        date.map(|d| d.value.as_str()).into(),
        year.map_or(Value::Null, Value::Int),
        m.issuer.as_ref().map(|i| i.text.as_str()).into(),
        m.title.as_ref().map(|t| t.text.as_str()).into(),
        Value::Int(rec.schema_version.into()),
        Value::Text(VANBAN_VERSION),
        Value::Text(metadata_json),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_name_their_back_end() {
        assert_eq!(
            DbUrl::parse("vanban.db").unwrap(),
            DbUrl::Sqlite("vanban.db".into())
        );
        assert_eq!(
            DbUrl::parse("sqlite:/srv/archive.db").unwrap(),
            DbUrl::Sqlite("/srv/archive.db".into())
        );
        assert_eq!(
            DbUrl::parse("postgresql:///archive?host=/run/postgresql").unwrap(),
            DbUrl::Postgres("postgresql:///archive?host=/run/postgresql".into())
        );
        assert!(DbUrl::parse("mysql://x/y").is_err());
        assert!(DbUrl::parse("sqlite:").is_err());
    }

    #[test]
    fn messages_never_show_the_password() {
        let url = DbUrl::parse("postgres://archivist:s3cret@db.local/vanban").unwrap();
        assert_eq!(url.display(), "postgres://archivist:***@db.local/vanban");
        let no_password = DbUrl::parse("postgres://archivist@db.local/vanban").unwrap();
        assert_eq!(
            no_password.display(),
            "postgres://archivist@db.local/vanban"
        );
    }

    #[test]
    fn every_table_row_has_one_value_per_column() {
        let patterns = crate::patterns::Patterns::embedded().unwrap();
        let pipeline = crate::batch::Pipeline::new(&patterns).unwrap();
        // Report 004 has every kind, findings included (three percentage slips).
        let rec = pipeline.process_file(std::path::Path::new("corpus/004_39a5dd2fc3cf2d4a.txt"));
        for t in &TABLES {
            let mut rows = 0;
            (t.rows)(&rec, &mut |row| {
                rows += 1;
                assert_eq!(row.len(), t.columns.len(), "table {}", t.name);
            });
            assert!(rows > 0, "corpus report 004 has rows for {}", t.name);
        }
    }
}
