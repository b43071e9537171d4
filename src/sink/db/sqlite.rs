//! Embedded SQLite back end (bundled SQLite: nothing to install).
//!
//! WAL journal: readers (`vanban export`, a user's `sqlite3`) do not block the
//! ingest, and a killed process leaves the last committed batch intact.

use std::path::Path;
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{params, Connection, OptionalExtension, ToSql, Transaction};

use super::{
    document_column_list, document_values, pending, status_from_db, DbError, Failure, FileSeen,
    FileStamp, Item, Known, Store, Value, Written, DOCUMENT_COLUMNS, TABLES,
};

const MIGRATIONS: [(i64, &str); 2] = [
    (1, include_str!("sqlite_v1.sql")),
    (2, include_str!("sqlite_v2.sql")),
];

pub struct Sqlite {
    conn: Connection,
}

impl ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match *self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(i),
            Value::Real(f) => ValueRef::Real(f),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Json(v) => {
                return Ok(ToSqlOutput::Owned(rusqlite::types::Value::Text(
                    v.to_string(),
                )))
            }
        }))
    }
}

impl Sqlite {
    pub fn open(path: &Path) -> Result<Sqlite, DbError> {
        let mut conn = Connection::open(path)?;
        // Another process (a second ingest, an export) may hold the write
        // lock for a batch; wait for it rather than fail.
        conn.busy_timeout(Duration::from_secs(60))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // NORMAL in WAL mode: a power cut may lose the last batches but never
        // corrupts the file; the next run redoes them.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrate(&mut conn)?;
        Ok(Sqlite { conn })
    }
}

fn migrate(conn: &mut Connection) -> Result<(), DbError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version INTEGER PRIMARY KEY,
             applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))",
    )?;
    let current: i64 = tx.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?;
    for (version, sql) in pending(&MIGRATIONS, current)? {
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version) VALUES (?1)",
            [version],
        )?;
    }
    tx.commit()?;
    Ok(())
}

impl Store for Sqlite {
    fn known(&mut self) -> Result<Known, DbError> {
        let mut known = Known::default();
        let mut stmt = self
            .conn
            .prepare("SELECT path, size, mtime_ns, sha256 FROM files ORDER BY last_seen, rowid")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            // Later rows win: a path's newest content is the one to compare.
            known.files.insert(
                r.get(0)?,
                FileStamp {
                    size: r.get::<_, i64>(1)? as u64,
                    mtime_ns: r.get(2)?,
                    sha256: r.get(3)?,
                },
            );
        }
        let mut stmt = self.conn.prepare("SELECT sha256, status FROM documents")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let status = status_from_db(&r.get::<_, String>(1)?);
            known.documents.insert(r.get(0)?, status);
        }
        Ok(known)
    }

    fn write(&mut self, items: &[Item]) -> Result<Written, DbError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut written = Written::default();
        for item in items {
            match item {
                Item::Seen(file) => {
                    let id: Option<i64> = tx
                        .prepare_cached("SELECT id FROM documents WHERE sha256 = ?1")?
                        .query_row([&file.stamp.sha256], |r| r.get(0))
                        .optional()?;
                    // The content was stored when the run began; it can only
                    // be gone if someone deleted it meanwhile. Then the file
                    // is simply read again on the next run.
                    if let Some(id) = id {
                        upsert_file(&tx, file, id)?;
                    }
                }
                Item::Extracted {
                    file,
                    record,
                    json,
                    replace,
                } => {
                    let metadata = serde_json::to_string(&record.metadata)?;
                    let values = document_values(record, &metadata);
                    let existing: Option<i64> = tx
                        .prepare_cached("SELECT id FROM documents WHERE sha256 = ?1")?
                        .query_row([&record.source.sha256], |r| r.get(0))
                        .optional()?;
                    let id = match existing {
                        None => {
                            insert_document(&tx, &values, json)?;
                            written.inserted += 1;
                            tx.last_insert_rowid()
                        }
                        Some(id) if *replace => {
                            update_document(&tx, id, &values, json)?;
                            for t in &TABLES {
                                tx.prepare_cached(&format!(
                                    "DELETE FROM {} WHERE document_id = ?1",
                                    t.name
                                ))?
                                .execute([id])?;
                            }
                            written.replaced += 1;
                            id
                        }
                        Some(id) => {
                            written.already.push(record.source.sha256.clone());
                            upsert_file(&tx, file, id)?;
                            continue;
                        }
                    };
                    insert_entities(&tx, id, record)?;
                    upsert_file(&tx, file, id)?;
                }
                Item::Unreadable {
                    path,
                    kind,
                    message,
                } => {
                    tx.prepare_cached(
                        "INSERT INTO file_errors (path, error_kind, message) VALUES (?1, ?2, ?3)
                         ON CONFLICT (path) DO UPDATE SET error_kind = excluded.error_kind,
                             message = excluded.message, seen_at = excluded.seen_at",
                    )?
                    .execute(params![path, kind, message])?;
                }
            }
        }
        tx.commit()?;
        Ok(written)
    }

    fn failures(&mut self) -> Result<Vec<Failure>, DbError> {
        let mut stmt = self.conn.prepare(
            "SELECT f.path, d.sha256, d.error_kind, d.error_message
               FROM documents d JOIN files f ON f.document_id = d.id
              WHERE d.status = 'error'
             UNION ALL
             SELECT path, NULL, error_kind, message FROM file_errors
             ORDER BY 1",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Failure {
                path: r.get(0)?,
                sha256: r.get(1)?,
                kind: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                message: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn export(
        &mut self,
        each: &mut dyn FnMut(&str) -> std::io::Result<()>,
    ) -> Result<usize, DbError> {
        let mut stmt = self
            .conn
            .prepare("SELECT record FROM documents ORDER BY path, id")?;
        let mut rows = stmt.query([])?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            let json = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            each(json)?;
            n += 1;
        }
        Ok(n)
    }
}

/// The INSERT statements, built once from the shared column lists: the
/// documents row, then one per entity table in [`TABLES`] order.
fn insert_sql() -> &'static [String] {
    static SQL: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let mut v = vec![format!(
            "INSERT INTO documents ({}, record) VALUES ({})",
            document_column_list(),
            placeholders(DOCUMENT_COLUMNS.len() + 1)
        )];
        v.extend(TABLES.iter().map(|t| {
            let names: Vec<&str> = t.columns.iter().map(|(n, _)| *n).collect();
            format!(
                "INSERT INTO {} (document_id, ord, {}) VALUES ({})",
                t.name,
                names.join(", "),
                placeholders(names.len() + 2)
            )
        }));
        v
    })
}

fn insert_document(tx: &Transaction, values: &[Value; 19], json: &str) -> Result<(), DbError> {
    let mut stmt = tx.prepare_cached(&insert_sql()[0])?;
    let mut params: Vec<&dyn ToSql> = values.iter().map(|v| v as &dyn ToSql).collect();
    params.push(&json);
    stmt.execute(params.as_slice())?;
    Ok(())
}

fn update_document(
    tx: &Transaction,
    id: i64,
    values: &[Value; 19],
    json: &str,
) -> Result<(), DbError> {
    let sets: Vec<String> = DOCUMENT_COLUMNS
        .iter()
        .map(|(n, _)| *n)
        .chain(["record"])
        .enumerate()
        .map(|(i, c)| format!("{c} = ?{}", i + 1))
        .collect();
    let sql = format!(
        "UPDATE documents SET {}, extracted_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?{}",
        sets.join(", "),
        DOCUMENT_COLUMNS.len() + 2
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    let mut params: Vec<&dyn ToSql> = values.iter().map(|v| v as &dyn ToSql).collect();
    params.push(&json);
    params.push(&id);
    stmt.execute(params.as_slice())?;
    Ok(())
}

fn insert_entities(
    tx: &Transaction,
    id: i64,
    record: &crate::record::Record,
) -> Result<(), DbError> {
    for (t, sql) in TABLES.iter().zip(&insert_sql()[1..]) {
        let mut stmt = tx.prepare_cached(sql)?;
        let mut ord: i64 = 0;
        let mut failed = None;
        (t.rows)(record, &mut |row| {
            if failed.is_some() {
                return;
            }
            let mut params: Vec<&dyn ToSql> = Vec::with_capacity(row.len() + 2);
            params.push(&id);
            params.push(&ord);
            params.extend(row.iter().map(|v| v as &dyn ToSql));
            if let Err(e) = stmt.execute(params.as_slice()) {
                failed = Some(e);
            }
            ord += 1;
        });
        if let Some(e) = failed {
            return Err(e.into());
        }
    }
    Ok(())
}

fn upsert_file(tx: &Transaction, file: &FileSeen, id: i64) -> Result<(), DbError> {
    tx.prepare_cached(
        "INSERT INTO files (path, sha256, document_id, size, mtime_ns) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (path, sha256) DO UPDATE SET document_id = excluded.document_id,
             size = excluded.size, mtime_ns = excluded.mtime_ns, last_seen = excluded.last_seen",
    )?
    .execute(params![
        file.path,
        file.stamp.sha256,
        id,
        file.stamp.size as i64,
        file.stamp.mtime_ns
    ])?;
    // The file is readable now, whatever it was last time.
    tx.prepare_cached("DELETE FROM file_errors WHERE path = ?1")?
        .execute([&file.path])?;
    Ok(())
}

fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}
