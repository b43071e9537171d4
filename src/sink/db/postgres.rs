//! PostgreSQL back end, for an institution's central database and for many
//! workers ingesting one backlog at once (`--shard`).
//!
//! A batch is one transaction. Entities go in with one `INSERT … SELECT FROM
//! unnest(…)` per table and batch (typed arrays, one round trip) rather than
//! a statement per row. Workers never wait on each other's files (shards split
//! the paths); two workers can meet only on the same content under two paths,
//! which the unique `sha256` settles: the second finds the document stored. Rows are
//! written in content-hash order so two such batches cannot deadlock; if the
//! server still reports a deadlock or a serialization failure, the batch is
//! retried.

use std::error::Error as StdError;

use ::postgres::error::SqlState;
use ::postgres::types::{to_sql_checked, IsNull, ToSql, Type};
use ::postgres::{Client, NoTls, Transaction};
use bytes::BytesMut;

use super::{
    document_column_list, document_values, pending, status_from_db, Col, DbError, Failure,
    FileSeen, FileStamp, Item, Known, Store, Value, Written, DOCUMENT_COLUMNS, TABLES,
};
use crate::record::Record;

const MIGRATIONS: [(i64, &str); 2] = [
    (1, include_str!("postgres_v1.sql")),
    (2, include_str!("postgres_v2.sql")),
];

/// How often a batch is tried when the server aborts it for a conflict with
/// another worker.
const ATTEMPTS: usize = 5;

pub struct Postgres {
    client: Client,
}

impl ToSql for Value<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        match *self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) if *ty == Type::INT4 => i32::try_from(i)?.to_sql(ty, out),
            Value::Int(i) if *ty == Type::INT2 => i16::try_from(i)?.to_sql(ty, out),
            Value::Int(i) => i.to_sql(ty, out),
            Value::Real(f) => f.to_sql(ty, out),
            Value::Text(s) => s.to_sql(ty, out),
            Value::Json(v) => v.to_string().to_sql(ty, out),
        }
    }

    fn accepts(ty: &Type) -> bool {
        [
            Type::INT2,
            Type::INT4,
            Type::INT8,
            Type::FLOAT8,
            Type::TEXT,
            Type::VARCHAR,
        ]
        .contains(ty)
    }

    to_sql_checked!();
}

impl Postgres {
    pub fn open(conn: &str) -> Result<Postgres, DbError> {
        let mut client = Client::connect(conn, NoTls)?;
        migrate(&mut client)?;
        Ok(Postgres { client })
    }
}

fn migrate(client: &mut Client) -> Result<(), DbError> {
    let mut tx = client.transaction()?;
    // Several workers may start at once on an empty database: one applies
    // the migrations, the others wait for it and find them applied.
    tx.execute("SELECT pg_advisory_xact_lock(74742013)", &[])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version BIGINT PRIMARY KEY,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    )?;
    let current: i64 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_migrations",
            &[],
        )?
        .get(0);
    for (version, sql) in pending(&MIGRATIONS, current)? {
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version) VALUES ($1)",
            &[version],
        )?;
    }
    tx.commit()?;
    Ok(())
}

impl Store for Postgres {
    fn known(&mut self) -> Result<Known, DbError> {
        let mut known = Known::default();
        for r in self.client.query(
            "SELECT path, size, mtime_ns, sha256 FROM files ORDER BY last_seen",
            &[],
        )? {
            known.files.insert(
                r.get(0),
                FileStamp {
                    size: r.get::<_, i64>(1) as u64,
                    mtime_ns: r.get(2),
                    sha256: r.get(3),
                },
            );
        }
        for r in self
            .client
            .query("SELECT sha256, status FROM documents", &[])?
        {
            let status = status_from_db(r.get::<_, &str>(1));
            known.documents.insert(r.get(0), status);
        }
        Ok(known)
    }

    fn write(&mut self, items: &[Item]) -> Result<Written, DbError> {
        let mut order: Vec<&Item> = items.iter().collect();
        order.sort_by(|a, b| sort_key(a).cmp(sort_key(b)));
        let mut attempt = 1;
        loop {
            match write_batch(&mut self.client, &order) {
                Err(DbError::Postgres(e)) if attempt < ATTEMPTS && is_transient(&e) => {
                    attempt += 1;
                    std::thread::sleep(std::time::Duration::from_millis(20 * attempt as u64));
                }
                other => return other,
            }
        }
    }

    fn failures(&mut self) -> Result<Vec<Failure>, DbError> {
        let rows = self.client.query(
            "SELECT f.path, d.sha256, d.error_kind, d.error_message
               FROM documents d JOIN files f ON f.document_id = d.id
              WHERE d.status = 'error'
             UNION ALL
             SELECT path, NULL, error_kind, message FROM file_errors
             ORDER BY 1",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|r| Failure {
                path: r.get(0),
                sha256: r.get(1),
                kind: r.get::<_, Option<String>>(2).unwrap_or_default(),
                message: r.get::<_, Option<String>>(3).unwrap_or_default(),
            })
            .collect())
    }

    fn export(
        &mut self,
        each: &mut dyn FnMut(&str) -> std::io::Result<()>,
    ) -> Result<usize, DbError> {
        // A portal streams the rows, so a large archive is not held in memory.
        let mut tx = self.client.transaction()?;
        // Byte order of paths, as `vanban extract` writes them, whatever the locale.
        let portal = tx.bind(
            "SELECT record::text FROM documents ORDER BY path COLLATE \"C\", id",
            &[],
        )?;
        let mut n = 0;
        loop {
            let rows = tx.query_portal(&portal, 1000)?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                each(r.get(0))?;
                n += 1;
            }
        }
        tx.commit()?;
        Ok(n)
    }
}

fn sort_key(item: &Item) -> &str {
    match item {
        Item::Seen(f) | Item::Extracted { file: f, .. } => &f.stamp.sha256,
        Item::Unreadable { path, .. } => path,
    }
}

fn is_transient(e: &::postgres::Error) -> bool {
    matches!(
        e.code(),
        Some(c) if *c == SqlState::T_R_DEADLOCK_DETECTED || *c == SqlState::T_R_SERIALIZATION_FAILURE
    )
}

/// One transaction for the batch, in a handful of set-based statements
/// whatever its size: new documents, then entities, then file rows.
fn write_batch(client: &mut Client, items: &[&Item]) -> Result<Written, DbError> {
    let mut tx = client.transaction()?;
    let mut written = Written::default();
    let mut new_docs: Vec<&Record> = Vec::new();
    let mut jsons: Vec<&str> = Vec::new();
    let mut replaced: Vec<(i64, &Record)> = Vec::new();
    for item in items {
        match item {
            Item::Extracted {
                record,
                json,
                replace: true,
                ..
            } => {
                let metadata = serde_json::to_string(&record.metadata)?;
                let values = document_values(record, &metadata);
                let (id, inserted) = upsert_document(&mut tx, &values, json)?;
                if inserted {
                    written.inserted += 1;
                } else {
                    for t in &TABLES {
                        tx.execute(
                            &format!("DELETE FROM {} WHERE document_id = $1", t.name),
                            &[&id],
                        )?;
                    }
                    written.replaced += 1;
                }
                replaced.push((id, record));
            }
            Item::Extracted { record, json, .. } => {
                new_docs.push(record);
                jsons.push(json);
            }
            Item::Unreadable {
                path,
                kind,
                message,
            } => {
                tx.execute(
                    "INSERT INTO file_errors (path, error_kind, message) VALUES ($1, $2, $3)
                     ON CONFLICT (path) DO UPDATE SET error_kind = EXCLUDED.error_kind,
                         message = EXCLUDED.message, seen_at = now()",
                    &[path, kind, message],
                )?;
            }
            Item::Seen(_) => {}
        }
    }
    let mut entities = insert_documents(&mut tx, &new_docs, &jsons)?;
    written.inserted += entities.len();
    // Documents another worker stored first: those given no id.
    let stored: std::collections::HashSet<&str> = entities
        .iter()
        .map(|(_, r)| r.source.sha256.as_str())
        .collect();
    written.already.extend(
        new_docs
            .iter()
            .map(|r| r.source.sha256.as_str())
            .filter(|sha| !stored.contains(sha))
            .map(str::to_string),
    );
    entities.extend(replaced);
    insert_entities(&mut tx, &entities)?;
    upsert_files(&mut tx, items)?;
    tx.commit()?;
    Ok(written)
}

/// Inserts new documents in one statement; returns the ids of those that
/// were not stored yet (another worker may have stored some meanwhile).
fn insert_documents<'r>(
    tx: &mut Transaction,
    docs: &[&'r Record],
    jsons: &[&str],
) -> Result<Vec<(i64, &'r Record)>, DbError> {
    if docs.is_empty() {
        return Ok(Vec::new());
    }
    let metadata: Vec<String> = docs
        .iter()
        .map(|r| serde_json::to_string(&r.metadata))
        .collect::<Result<_, _>>()?;
    let mut cols: Vec<Vec<Value>> = vec![Vec::with_capacity(docs.len()); DOCUMENT_COLUMNS.len()];
    for (rec, m) in docs.iter().zip(&metadata) {
        for (col, v) in cols.iter_mut().zip(document_values(rec, m)) {
            col.push(v);
        }
    }
    let arrays: Vec<String> = DOCUMENT_COLUMNS
        .iter()
        .enumerate()
        .map(|(i, (_, c))| format!("${}::{}[]", i + 1, array_type(*c)))
        .collect();
    let selected: Vec<String> = DOCUMENT_COLUMNS
        .iter()
        .map(|(n, _)| match *n {
            "metadata" => "metadata::jsonb".to_string(),
            n => n.to_string(),
        })
        .collect();
    let names = document_column_list();
    let sql = format!(
        "INSERT INTO documents ({names}, record)
         SELECT {}, record::json FROM unnest({}, ${}::text[]) AS t({names}, record)
         ON CONFLICT (sha256) DO NOTHING RETURNING id, sha256",
        selected.join(", "),
        arrays.join(", "),
        DOCUMENT_COLUMNS.len() + 1
    );
    let jsons: Vec<&str> = jsons.to_vec();
    let mut args: Vec<&(dyn ToSql + Sync)> = cols.iter().map(|c| c as _).collect();
    args.push(&jsons);
    let mut ids = std::collections::HashMap::new();
    for r in tx.query(&sql, &args)? {
        ids.insert(r.get::<_, String>(1), r.get::<_, i64>(0));
    }
    // Each id once, even if a content came twice in the batch.
    Ok(docs
        .iter()
        .filter_map(|r| ids.remove(&r.source.sha256).map(|id| (id, *r)))
        .collect())
}

/// Inserts or overwrites one document (`--force`, `--retry-failed`); returns
/// its id and whether it is new.
fn upsert_document(
    tx: &mut Transaction,
    values: &[Value; 19],
    json: &str,
) -> Result<(i64, bool), DbError> {
    let params: Vec<String> = DOCUMENT_COLUMNS
        .iter()
        .enumerate()
        .map(|(i, (n, _))| match *n {
            "metadata" => format!("${}::text::jsonb", i + 1),
            _ => format!("${}", i + 1),
        })
        .collect();
    let sets: Vec<String> = DOCUMENT_COLUMNS
        .iter()
        .map(|(n, _)| *n)
        .chain(["record"])
        .map(|c| format!("{c} = EXCLUDED.{c}"))
        .collect();
    let sql = format!(
        "INSERT INTO documents ({}, record) VALUES ({}, ${}::text::json)
         ON CONFLICT (sha256) DO UPDATE SET {}, extracted_at = now()
         RETURNING id, (xmax = 0) AS inserted",
        document_column_list(),
        params.join(", "),
        DOCUMENT_COLUMNS.len() + 1,
        sets.join(", ")
    );
    let mut args: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v as _).collect();
    args.push(&json);
    let row = tx.query_one(&sql, &args)?;
    Ok((row.get(0), row.get(1)))
}

fn array_type(c: Col) -> &'static str {
    match c {
        // JSON travels as text and is cast where it is selected.
        Col::Text | Col::Json => "text",
        Col::Int => "int8",
        Col::Real => "float8",
    }
}

/// One `INSERT … SELECT FROM unnest(…)` per entity table for the whole batch.
fn insert_entities(tx: &mut Transaction, docs: &[(i64, &Record)]) -> Result<(), DbError> {
    for t in &TABLES {
        let mut ids: Vec<i64> = Vec::new();
        let mut ords: Vec<i64> = Vec::new();
        let mut cols: Vec<Vec<Value>> = vec![Vec::new(); t.columns.len()];
        for (id, rec) in docs {
            let mut ord = 0;
            (t.rows)(rec, &mut |row| {
                ids.push(*id);
                ords.push(ord);
                ord += 1;
                for (col, v) in cols.iter_mut().zip(row) {
                    col.push(*v);
                }
            });
        }
        if ids.is_empty() {
            continue;
        }
        let names: Vec<&str> = t.columns.iter().map(|(n, _)| *n).collect();
        let arrays: Vec<String> = t
            .columns
            .iter()
            .enumerate()
            .map(|(i, (_, c))| format!("${}::{}[]", i + 3, array_type(*c)))
            .collect();
        // JSON columns arrive as text and are cast on the way in.
        let selected: Vec<String> = t
            .columns
            .iter()
            .map(|(n, c)| match c {
                Col::Json => format!("{n}::jsonb"),
                _ => n.to_string(),
            })
            .collect();
        let sql = format!(
            "INSERT INTO {table} (document_id, ord, {names})
             SELECT document_id, ord, {selected}
               FROM unnest($1::int8[], $2::int8[], {arrays}) AS t(document_id, ord, {names})",
            table = t.name,
            names = names.join(", "),
            selected = selected.join(", "),
            arrays = arrays.join(", ")
        );
        let mut args: Vec<&(dyn ToSql + Sync)> = vec![&ids, &ords];
        args.extend(cols.iter().map(|c| c as &(dyn ToSql + Sync)));
        tx.execute(&sql, &args)?;
    }
    Ok(())
}

/// Records where every file of the batch was seen, in one statement, and
/// clears their earlier read errors.
fn upsert_files(tx: &mut Transaction, items: &[&Item]) -> Result<(), DbError> {
    let files: Vec<&FileSeen> = items
        .iter()
        .filter_map(|i| match i {
            Item::Seen(f) | Item::Extracted { file: f, .. } => Some(f),
            Item::Unreadable { .. } => None,
        })
        .collect();
    if files.is_empty() {
        return Ok(());
    }
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let shas: Vec<&str> = files.iter().map(|f| f.stamp.sha256.as_str()).collect();
    let sizes: Vec<i64> = files.iter().map(|f| f.stamp.size as i64).collect();
    let mtimes: Vec<i64> = files.iter().map(|f| f.stamp.mtime_ns).collect();
    // A content deleted meanwhile has no document: its file is skipped by
    // the join and read again on the next run.
    tx.execute(
        "INSERT INTO files (path, sha256, document_id, size, mtime_ns)
         SELECT f.path, f.sha256, d.id, f.size, f.mtime_ns
           FROM unnest($1::text[], $2::text[], $3::int8[], $4::int8[]) AS f(path, sha256, size, mtime_ns)
           JOIN documents d ON d.sha256 = f.sha256
         ON CONFLICT (path, sha256) DO UPDATE SET document_id = EXCLUDED.document_id,
             size = EXCLUDED.size, mtime_ns = EXCLUDED.mtime_ns, last_seen = now()",
        &[&paths, &shas, &sizes, &mtimes],
    )?;
    tx.execute("DELETE FROM file_errors WHERE path = ANY($1)", &[&paths])?;
    Ok(())
}
