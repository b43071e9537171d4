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
    document_values, Col, DbError, Failure, FileSeen, FileStamp, Item, Known, Store, Value,
    Written, DOCUMENT_COLUMNS, SCHEMA_VERSION, TABLES,
};
use crate::record::{Record, Status};

const MIGRATIONS: [(i64, &str); 1] = [(1, include_str!("postgres_v1.sql"))];

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
    if current > SCHEMA_VERSION {
        return Err(DbError::NewerSchema {
            found: current,
            known: SCHEMA_VERSION,
        });
    }
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
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
            let status: &str = r.get(1);
            let status = if status == "ok" {
                Status::Ok
            } else {
                Status::Error
            };
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
        let portal = tx.bind("SELECT record::text FROM documents ORDER BY path, id", &[])?;
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

fn write_batch(client: &mut Client, items: &[&Item]) -> Result<Written, DbError> {
    let mut tx = client.transaction()?;
    let mut written = Written::default();
    let mut entities: Vec<(i64, &Record)> = Vec::new();
    for item in items {
        match item {
            Item::Seen(file) => {
                if let Some(r) = tx.query_opt(
                    "SELECT id FROM documents WHERE sha256 = $1",
                    &[&file.stamp.sha256],
                )? {
                    upsert_file(&mut tx, file, r.get(0))?;
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
                let Some((id, inserted)) = insert_document(&mut tx, &values, json, *replace)?
                else {
                    // Stored meanwhile by another worker: only the path is new.
                    written.already += 1;
                    let r = tx.query_one(
                        "SELECT id FROM documents WHERE sha256 = $1",
                        &[&record.source.sha256],
                    )?;
                    upsert_file(&mut tx, file, r.get(0))?;
                    continue;
                };
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
                entities.push((id, record));
                upsert_file(&mut tx, file, id)?;
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
        }
    }
    insert_entities(&mut tx, &entities)?;
    tx.commit()?;
    Ok(written)
}

/// Inserts (or with `replace`, overwrites) a document; returns its id and
/// whether it is new, or nothing when another worker stored it first.
fn insert_document(
    tx: &mut Transaction,
    values: &[Value; 19],
    json: &str,
    replace: bool,
) -> Result<Option<(i64, bool)>, DbError> {
    let params: Vec<String> = (1..=DOCUMENT_COLUMNS.len())
        .map(|i| match DOCUMENT_COLUMNS[i - 1] {
            "metadata" => format!("${i}::text::jsonb"),
            _ => format!("${i}"),
        })
        .collect();
    let on_conflict = if replace {
        let sets: Vec<String> = DOCUMENT_COLUMNS
            .iter()
            .chain(["record"].iter())
            .map(|c| format!("{c} = EXCLUDED.{c}"))
            .collect();
        format!("DO UPDATE SET {}, extracted_at = now()", sets.join(", "))
    } else {
        "DO NOTHING".to_string()
    };
    let sql = format!(
        "INSERT INTO documents ({}, record) VALUES ({}, ${}::text::json)
         ON CONFLICT (sha256) {on_conflict} RETURNING id, (xmax = 0) AS inserted",
        DOCUMENT_COLUMNS.join(", "),
        params.join(", "),
        DOCUMENT_COLUMNS.len() + 1
    );
    let mut args: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v as _).collect();
    args.push(&json);
    let row = tx.query_opt(&sql, &args)?;
    Ok(row.map(|r| (r.get(0), r.get(1))))
}

/// One `INSERT … SELECT FROM unnest(…)` per entity table for the whole batch.
fn insert_entities(tx: &mut Transaction, docs: &[(i64, &Record)]) -> Result<(), DbError> {
    for t in &TABLES {
        let mut ids: Vec<i64> = Vec::new();
        let mut ords: Vec<i32> = Vec::new();
        let mut cols: Vec<Vec<Value>> = vec![Vec::new(); t.columns.len()];
        for (id, rec) in docs {
            let mut ord = 0i32;
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
            .map(|(i, (_, c))| {
                let ty = match c {
                    Col::Text => "text",
                    Col::Int => "int",
                    Col::Real => "float8",
                };
                format!("${}::{ty}[]", i + 3)
            })
            .collect();
        let sql = format!(
            "INSERT INTO {} (document_id, ord, {}) SELECT * FROM unnest($1::bigint[], $2::int[], {})",
            t.name,
            names.join(", "),
            arrays.join(", ")
        );
        let mut args: Vec<&(dyn ToSql + Sync)> = vec![&ids, &ords];
        args.extend(cols.iter().map(|c| c as &(dyn ToSql + Sync)));
        tx.execute(&sql, &args)?;
    }
    Ok(())
}

fn upsert_file(tx: &mut Transaction, file: &FileSeen, id: i64) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO files (path, sha256, document_id, size, mtime_ns) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (path, sha256) DO UPDATE SET document_id = EXCLUDED.document_id,
             size = EXCLUDED.size, mtime_ns = EXCLUDED.mtime_ns, last_seen = now()",
        &[
            &file.path,
            &file.stamp.sha256,
            &id,
            &(file.stamp.size as i64),
            &file.stamp.mtime_ns,
        ],
    )?;
    // The file is readable now, whatever it was last time.
    tx.execute("DELETE FROM file_errors WHERE path = $1", &[&file.path])?;
    Ok(())
}
