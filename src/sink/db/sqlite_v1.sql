-- vanban database schema, version 1 (SQLite). Applied once, on first use;
-- later versions add files next to this one and never edit it.

-- One row per distinct content (the SHA-256 of the file's bytes): the
-- document key. A copy or a moved file points at the same row; a changed
-- file is a new row.
CREATE TABLE documents (
    id             INTEGER PRIMARY KEY,
    sha256         TEXT    NOT NULL UNIQUE,
    path           TEXT    NOT NULL,  -- where this content was first read from
    format         TEXT    NOT NULL,
    size           INTEGER NOT NULL,
    pages          INTEGER,
    status         TEXT    NOT NULL,  -- ok | error
    error_kind     TEXT,
    error_message  TEXT,
    encoding       TEXT,
    chars          INTEGER,
    doc_type       TEXT,              -- metadata.type.value (Báo cáo, Chỉ thị...)
    doc_number     TEXT,              -- metadata.number.id
    doc_date       TEXT,              -- metadata.date.value, ISO 8601
    doc_year       INTEGER,
    issuer         TEXT,
    title          TEXT,
    schema_version INTEGER NOT NULL,
    vanban_version TEXT    NOT NULL,
    extracted_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    metadata       TEXT    NOT NULL,  -- JSON
    record         TEXT    NOT NULL   -- JSON: the full record, as `vanban extract` writes it
);
CREATE INDEX documents_status ON documents (status);
CREATE INDEX documents_doc_year ON documents (doc_year);
CREATE INDEX documents_doc_number ON documents (doc_number);

-- Every place a content was seen: path and content hash. The size and
-- modification time let a re-run skip an unchanged file without reading it.
CREATE TABLE files (
    path        TEXT    NOT NULL,
    sha256      TEXT    NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    size        INTEGER NOT NULL,
    mtime_ns    INTEGER NOT NULL,
    first_seen  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    last_seen   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (path, sha256)
);
CREATE INDEX files_document ON files (document_id);

-- Files that could not be read at all (permissions, over --max-bytes): they
-- have no content hash. Retried on every run; removed once read.
CREATE TABLE file_errors (
    path       TEXT PRIMARY KEY,
    error_kind TEXT NOT NULL,
    message    TEXT NOT NULL,
    seen_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- The entity tables: one row per entity, keyed by document and position.
-- No foreign key to documents: a per-row check costs as much as the insert
-- itself, and vanban writes (and replaces) a document's entities in the same
-- transaction as the document, deleting them explicitly.
CREATE TABLE legal_references (
    document_id INTEGER NOT NULL,
    ord         INTEGER NOT NULL,  -- position among the document's references
    text        TEXT    NOT NULL,
    ref_id      TEXT,              -- canonical id (06/2013/NĐ-CP)
    type        TEXT,
    number      TEXT    NOT NULL,
    year        INTEGER,
    symbol      TEXT,
    ref_date    TEXT,
    issuer      TEXT,
    resolved_id TEXT,
    start_char  INTEGER NOT NULL,
    end_char    INTEGER NOT NULL,
    page        INTEGER,
    section     INTEGER,
    PRIMARY KEY (document_id, ord)
);
CREATE INDEX legal_references_ref_id ON legal_references (ref_id);
CREATE INDEX legal_references_resolved_id ON legal_references (resolved_id);

CREATE TABLE dates (
    document_id INTEGER NOT NULL,
    ord         INTEGER NOT NULL,
    text        TEXT    NOT NULL,
    value       TEXT    NOT NULL,  -- ISO 8601: YYYY-MM-DD, YYYY-MM, YYYY or --MM-DD
    precision   TEXT    NOT NULL,
    start_char  INTEGER NOT NULL,
    end_char    INTEGER NOT NULL,
    page        INTEGER,
    section     INTEGER,
    PRIMARY KEY (document_id, ord)
);
CREATE INDEX dates_value ON dates (value);

CREATE TABLE numbers (
    document_id INTEGER NOT NULL,
    ord         INTEGER NOT NULL,
    text        TEXT    NOT NULL,
    value       REAL    NOT NULL,
    start_char  INTEGER NOT NULL,
    end_char    INTEGER NOT NULL,
    page        INTEGER,
    section     INTEGER,
    PRIMARY KEY (document_id, ord)
);

CREATE TABLE percentages (
    document_id INTEGER NOT NULL,
    ord         INTEGER NOT NULL,
    text        TEXT    NOT NULL,
    value       REAL    NOT NULL,
    start_char  INTEGER NOT NULL,
    end_char    INTEGER NOT NULL,
    page        INTEGER,
    section     INTEGER,
    PRIMARY KEY (document_id, ord)
);
