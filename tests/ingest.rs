//! `vanban ingest` into SQLite and into a real PostgreSQL server: every file
//! stored exactly once, through re-runs, a worker killed mid-run, and four
//! shards writing at the same time.
//!
//! The PostgreSQL tests need the server that `scripts/test` (the README's
//! test command) starts; its URL comes in `VANBAN_TEST_POSTGRES`. Each test
//! works in a database of its own.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_vanban");
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");

/// A scratch folder removed at the end of the test.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("vanban-ingest-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Which database a test runs against.
#[derive(Clone)]
enum Db {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Db {
    fn sqlite(scratch: &Scratch) -> Db {
        Db::Sqlite(scratch.0.join("archive.db"))
    }

    /// A fresh database on the test server.
    fn postgres(name: &str) -> Db {
        let admin = std::env::var("VANBAN_TEST_POSTGRES").unwrap_or_else(|_| {
            panic!(
                "the PostgreSQL tests need a server: run `scripts/test` (the README's test \
                 command), which starts one, or set VANBAN_TEST_POSTGRES=postgresql://USER@/postgres?host=SOCKET_DIR"
            )
        });
        let db = format!("vt_{name}_{}", std::process::id());
        let mut client = postgres::Client::connect(&admin, postgres::NoTls)
            .unwrap_or_else(|e| panic!("cannot reach the test server at {admin}: {e}"));
        // One statement per call: a multi-statement string runs as one
        // transaction, which CREATE DATABASE refuses.
        client
            .batch_execute(&format!("DROP DATABASE IF EXISTS {db}"))
            .unwrap();
        client
            .batch_execute(&format!("CREATE DATABASE {db}"))
            .unwrap();
        Db::Postgres(with_database(&admin, &db))
    }

    fn url(&self) -> String {
        match self {
            Db::Sqlite(p) => format!("sqlite:{}", p.display()),
            Db::Postgres(u) => u.clone(),
        }
    }

    /// Rows of a query whose columns are all read as text (NULL as "").
    fn rows(&self, sql: &str) -> Vec<Vec<String>> {
        match self {
            Db::Sqlite(p) => {
                let conn = rusqlite::Connection::open(p).unwrap();
                let mut stmt = conn.prepare(sql).unwrap();
                let n = stmt.column_count();
                stmt.query_map([], |r| {
                    (0..n)
                        .map(|i| {
                            Ok(match r.get_ref(i)? {
                                rusqlite::types::ValueRef::Null => String::new(),
                                rusqlite::types::ValueRef::Integer(v) => v.to_string(),
                                rusqlite::types::ValueRef::Real(v) => v.to_string(),
                                rusqlite::types::ValueRef::Text(t) => {
                                    String::from_utf8_lossy(t).into_owned()
                                }
                                rusqlite::types::ValueRef::Blob(_) => "<blob>".into(),
                            })
                        })
                        .collect()
                })
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
            }
            Db::Postgres(u) => {
                let mut client = postgres::Client::connect(u, postgres::NoTls).unwrap();
                // The simple protocol returns every column as text, like the SQLite side.
                client
                    .simple_query(sql)
                    .unwrap()
                    .iter()
                    .filter_map(|m| match m {
                        postgres::SimpleQueryMessage::Row(r) => Some(
                            (0..r.len())
                                .map(|i| r.get(i).unwrap_or_default().to_string())
                                .collect(),
                        ),
                        _ => None,
                    })
                    .collect()
            }
        }
    }

    fn count(&self, table: &str) -> usize {
        self.rows(&format!("SELECT COUNT(*) AS n FROM {table}"))[0][0]
            .parse()
            .unwrap()
    }
}

/// The admin URL with another database name in its path.
fn with_database(url: &str, db: &str) -> String {
    let scheme = url.find("://").expect("a URL") + 3;
    let path_start = url[scheme..].find('/').map_or(url.len(), |i| scheme + i);
    let path_end = url[path_start..]
        .find('?')
        .map_or(url.len(), |i| path_start + i);
    format!("{}/{db}{}", &url[..path_start], &url[path_end..])
}

fn ingest(db: &Db, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("ingest")
        .args(args)
        .args(["--db", &db.url()])
        .output()
        .unwrap()
}

fn spawn_ingest(db: &Db, args: &[&str]) -> Child {
    Command::new(BIN)
        .arg("ingest")
        .args(args)
        .args(["--db", &db.url()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A backlog of `n` distinct reports: the corpus texts, each copy made
/// different by a closing line, in a few sub-folders.
fn backlog(dir: &Path, n: usize) -> Vec<PathBuf> {
    let texts: Vec<String> = corpus_files()
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    (0..n)
        .map(|i| {
            let sub = dir.join(format!("{}", 2015 + i % 4));
            std::fs::create_dir_all(&sub).unwrap();
            let path = sub.join(format!("bao-cao-{i:05}.txt"));
            let text = format!("{}\n\nBản lưu trữ {i}.\n", texts[i % texts.len()]);
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect()
}

fn corpus_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    v.sort();
    v
}

/// The database's own consistency: every document's entity rows are exactly
/// the entities of its stored record (none lost, none twice), and every
/// file row points at a document.
fn assert_consistent(db: &Db) {
    let kinds = [
        "legal_references",
        "dates",
        "numbers",
        "percentages",
        "findings",
    ];
    let mut stored: BTreeMap<(String, &str), usize> = BTreeMap::new();
    for kind in kinds {
        for row in db.rows(&format!(
            "SELECT document_id, COUNT(*) AS n FROM {kind} GROUP BY document_id"
        )) {
            stored.insert((row[0].clone(), kind), row[1].parse().unwrap());
        }
    }
    for row in db.rows("SELECT id, record, path FROM documents") {
        let rec: serde_json::Value = serde_json::from_str(&row[1]).unwrap();
        for kind in kinds {
            let want = rec[kind].as_array().map_or(0, Vec::len);
            let got = stored.get(&(row[0].clone(), kind)).copied().unwrap_or(0);
            assert_eq!(
                got, want,
                "{}: {kind} rows in the table differ from the stored record",
                row[2]
            );
        }
    }
    let orphans = db.rows(
        "SELECT f.path FROM files f LEFT JOIN documents d ON d.id = f.document_id WHERE d.id IS NULL",
    );
    assert!(
        orphans.is_empty(),
        "file rows without a document: {orphans:?}"
    );
}

// ---------------------------------------------------------------- scenarios

fn stores_the_corpus_once_and_a_rerun_adds_nothing(db: Db, scratch: &Scratch) {
    let input = scratch.0.join("in");
    std::fs::create_dir_all(&input).unwrap();
    for p in corpus_files() {
        std::fs::copy(&p, input.join(p.file_name().unwrap())).unwrap();
    }
    std::fs::write(input.join("scan.pdf"), b"%PDF-1.4 not really").unwrap();
    let inp = input.to_str().unwrap();

    let first = ingest(&db, &[inp]);
    assert_eq!(
        first.status.code(),
        Some(1),
        "a failed file gives exit 1: {}",
        stderr(&first)
    );
    assert!(stderr(&first).contains("5 stored"), "{}", stderr(&first));
    assert_eq!(db.count("documents"), 6);
    assert_eq!(db.count("files"), 6);
    let refs = db.count("legal_references");
    let numbers = db.count("numbers");
    assert!(
        refs > 150 && numbers > 300,
        "refs {refs}, numbers {numbers}"
    );
    assert_consistent(&db);

    // What a quantity measures, and the arithmetic findings, are columns too.
    let mismatches = db.rows(
        "SELECT COUNT(*) FROM findings f JOIN documents d ON d.id = f.document_id
          WHERE f.kind = 'percentage_mismatch' AND d.path LIKE '%004_39a5dd2fc3cf2d4a.txt'",
    );
    assert_eq!(
        mismatches[0][0], "3",
        "report 004 states 3 percentages off their ratios"
    );
    let hectares = db.rows("SELECT COUNT(*) FROM numbers WHERE unit = 'ha'");
    assert_ne!(hectares[0][0], "0", "no number measured in ha");

    // The query the issue names: every report citing 06/2013/NĐ-CP.
    let citing = db.rows(
        "SELECT DISTINCT d.path FROM legal_references r JOIN documents d ON d.id = r.document_id
          WHERE r.ref_id = '06/2013/NĐ-CP' ORDER BY 1",
    );
    assert!(
        citing
            .iter()
            .any(|r| r[0].ends_with("000_845d2233afef5d90.txt")),
        "{citing:?}"
    );

    let again = ingest(&db, &[inp]);
    assert_eq!(
        again.status.code(),
        Some(1),
        "the stored failure still counts"
    );
    assert!(
        stderr(&again).contains("0 stored") && stderr(&again).contains("6 unchanged"),
        "{}",
        stderr(&again)
    );
    assert_eq!(db.count("documents"), 6);
    assert_eq!(
        db.count("legal_references"),
        refs,
        "re-run stored references twice"
    );
    assert_eq!(db.count("numbers"), numbers);

    // --force re-extracts and overwrites, still once.
    let forced = ingest(&db, &[inp, "--force"]);
    assert!(
        stderr(&forced).contains("5 stored, 1 failed"),
        "{}",
        stderr(&forced)
    );
    assert_eq!(db.count("documents"), 6);
    assert_eq!(db.count("legal_references"), refs);
    assert_consistent(&db);

    // The failure is listed, with what to do.
    let failures = Command::new(BIN)
        .args(["failures", "--db", &db.url()])
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&failures.stdout);
    assert!(listed.contains("scan.pdf\tinvalid_pdf\t"), "{listed}");
}

fn copies_moves_and_changes(db: Db, scratch: &Scratch) {
    let input = scratch.0.join("in");
    std::fs::create_dir_all(&input).unwrap();
    let report = corpus_files()[2].clone();
    let a = input.join("a.txt");
    std::fs::copy(&report, &a).unwrap();
    let inp = input.to_str().unwrap();
    assert_eq!(ingest(&db, &[inp]).status.code(), Some(0));

    // A copy and a move: the same content, so no new document.
    std::fs::copy(&a, input.join("copy.txt")).unwrap();
    std::fs::rename(&a, input.join("moved.txt")).unwrap();
    let out = ingest(&db, &[inp]);
    assert!(
        stderr(&out).contains("0 stored") && stderr(&out).contains("2 already stored"),
        "{}",
        stderr(&out)
    );
    assert_eq!(db.count("documents"), 1);
    assert_eq!(
        db.count("files"),
        3,
        "old path, copy and moved file are all recorded"
    );

    // A changed file is a new version; the old one stays.
    let mut text = std::fs::read_to_string(input.join("moved.txt")).unwrap();
    text.push_str("\nNgày 20/11/2024 bổ sung 3 trang.\n");
    std::fs::write(input.join("moved.txt"), text).unwrap();
    let out = ingest(&db, &[inp]);
    assert!(stderr(&out).contains("1 stored"), "{}", stderr(&out));
    assert_eq!(db.count("documents"), 2);
    let versions = db.rows("SELECT COUNT(DISTINCT sha256) FROM files WHERE path LIKE '%moved.txt'");
    assert_eq!(versions[0][0], "2");
    assert_consistent(&db);
}

fn a_killed_worker_is_completed_by_a_rerun(db: Db, scratch: &Scratch) {
    let input = scratch.0.join("in");
    let files = backlog(&input, 400);
    let inp = input.to_str().unwrap();
    let mut child = spawn_ingest(&db, &[inp, "-j", "2", "--batch", "16"]);
    // Kill it once some batches are in: SIGKILL, no chance to clean up.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let n = db_count_or_zero(&db);
        if n >= 48 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no document stored within 2 minutes"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "ingest ended before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let after_kill = db.count("documents");
    assert!(
        after_kill < files.len(),
        "the worker finished ({after_kill} documents) before the kill; the test proves nothing"
    );
    assert_consistent(&db);

    let rerun = ingest(&db, &[inp]);
    assert_eq!(rerun.status.code(), Some(0), "{}", stderr(&rerun));
    assert_eq!(db.count("documents"), files.len(), "{}", stderr(&rerun));
    assert_eq!(db.count("files"), files.len());
    assert_consistent(&db);
}

/// Documents so far, or 0 while the database or its tables do not exist yet.
fn db_count_or_zero(db: &Db) -> usize {
    match db {
        Db::Sqlite(p) => rusqlite::Connection::open(p)
            .and_then(|c| c.query_row("SELECT COUNT(*) FROM documents", [], |r| r.get::<_, i64>(0)))
            .map_or(0, |n| n as usize),
        Db::Postgres(u) => postgres::Client::connect(u, postgres::NoTls)
            .and_then(|mut c| c.query_one("SELECT COUNT(*) FROM documents", &[]))
            .map_or(0, |r| r.get::<_, i64>(0) as usize),
    }
}

fn four_shards_at_once_store_each_document_once(db: Db, scratch: &Scratch) {
    let input = scratch.0.join("in");
    let files = backlog(&input, 200);
    // The same content under two paths, which may fall in two shards: both
    // paths are recorded, the document once.
    let dups = input.join("dups");
    std::fs::create_dir_all(&dups).unwrap();
    for (i, f) in files.iter().take(20).enumerate() {
        std::fs::copy(f, dups.join(format!("ban-sao-{i}.txt"))).unwrap();
    }
    let inp = input.to_str().unwrap();
    let mut stored = 0;
    let shards: Vec<Child> = (0..4)
        .map(|k| {
            spawn_ingest(
                &db,
                &[inp, "--shard", &format!("{k}/4"), "-j", "1", "--batch", "8"],
            )
        })
        .collect();
    for mut c in shards {
        let status = c.wait().unwrap();
        let mut err = String::new();
        use std::io::Read;
        c.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        assert!(status.success(), "a shard failed: {err}");
        stored += stored_count(&err);
    }
    // A content met by two shards is stored by one and counted by that one.
    assert_eq!(
        stored,
        files.len(),
        "the shards' summaries count documents twice or miss some"
    );
    assert_eq!(
        db.count("documents"),
        files.len(),
        "each distinct content once"
    );
    assert_eq!(db.count("files"), files.len() + 20, "every path recorded");
    assert_consistent(&db);
    // And a shard re-run finds nothing to do.
    let again = ingest(&db, &[inp, "--shard", "1/4"]);
    assert!(stderr(&again).contains("0 stored"), "{}", stderr(&again));
}

fn export_gives_back_what_extract_writes(db: Db) {
    let corpus = CORPUS;
    assert_eq!(ingest(&db, &[corpus, "-q"]).status.code(), Some(0));
    let exported = Command::new(BIN)
        .args(["export", "--db", &db.url()])
        .output()
        .unwrap();
    let extracted = Command::new(BIN)
        .args(["extract", corpus, "-q"])
        .output()
        .unwrap();
    let a = String::from_utf8(exported.stdout).unwrap();
    let b = String::from_utf8(extracted.stdout).unwrap();
    assert_eq!(a.lines().count(), b.lines().count(), "documents exported");
    for (x, y) in a.lines().zip(b.lines()) {
        assert_eq!(x, y, "an exported record differs from the extracted one");
    }
    let csv = Command::new(BIN)
        .args(["export", "--db", &db.url(), "--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(csv.starts_with("path,sha256,kind,text,value,start,end,page\n"));
    assert!(
        csv.contains(",legal_references,Nghị định số 06/2013/NĐ-CP,06/2013/NĐ-CP,95,121,"),
        "{}",
        &csv[..csv.len().min(600)]
    );
}

// ---------------------------------------------------------------- SQLite

#[test]
fn sqlite_stores_the_corpus_once_and_a_rerun_adds_nothing() {
    let s = Scratch::new("sqlite-once");
    stores_the_corpus_once_and_a_rerun_adds_nothing(Db::sqlite(&s), &s);
}

#[test]
fn sqlite_records_copies_and_moves_and_versions_changed_files() {
    let s = Scratch::new("sqlite-moves");
    copies_moves_and_changes(Db::sqlite(&s), &s);
}

#[test]
fn sqlite_worker_killed_mid_run_is_completed_by_a_rerun() {
    let s = Scratch::new("sqlite-kill");
    a_killed_worker_is_completed_by_a_rerun(Db::sqlite(&s), &s);
}

#[test]
fn sqlite_four_shards_at_once_store_each_document_once() {
    let s = Scratch::new("sqlite-shards");
    four_shards_at_once_store_each_document_once(Db::sqlite(&s), &s);
}

#[test]
fn sqlite_export_gives_back_what_extract_writes() {
    let s = Scratch::new("sqlite-export");
    export_gives_back_what_extract_writes(Db::sqlite(&s));
}

/// A database made by the first release (schema 1) is brought up to date
/// on first use, and the old rows stay.
#[test]
fn a_version_1_database_is_migrated_and_keeps_its_rows() {
    let s = Scratch::new("sqlite-v1");
    let db = Db::sqlite(&s);
    let Db::Sqlite(p) = &db else { unreachable!() };
    let conn = rusqlite::Connection::open(p).unwrap();
    conn.execute_batch(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT '');
         INSERT INTO schema_migrations (version) VALUES (1);",
    )
    .unwrap();
    conn.execute_batch(include_str!("../src/sink/db/sqlite_v1.sql"))
        .unwrap();
    conn.execute(
        "INSERT INTO documents (sha256, path, format, size, status, schema_version, vanban_version, metadata, record)
         VALUES ('old', 'old.txt', 'txt', 1, 'ok', 1, '0.0.1', '{}', '{}')",
        [],
    )
    .unwrap();
    drop(conn);
    let out = ingest(&db, &[CORPUS, "-q"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        db.rows("SELECT MAX(version) FROM schema_migrations")[0][0],
        "2"
    );
    assert_eq!(
        db.rows("SELECT path FROM documents WHERE sha256 = 'old'")[0][0],
        "old.txt"
    );
    assert!(db.count("findings") > 0);
}

#[test]
fn a_database_from_a_newer_vanban_is_refused_with_what_to_do() {
    let s = Scratch::new("sqlite-newer");
    let db = Db::sqlite(&s);
    assert_eq!(ingest(&db, &[CORPUS, "-q"]).status.code(), Some(0));
    let Db::Sqlite(p) = &db else { unreachable!() };
    rusqlite::Connection::open(p)
        .unwrap()
        .execute("INSERT INTO schema_migrations (version) VALUES (99)", [])
        .unwrap();
    let out = ingest(&db, &[CORPUS]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("upgrade vanban"), "{}", stderr(&out));
}

// ---------------------------------------------------------------- PostgreSQL

#[test]
fn postgres_stores_the_corpus_once_and_a_rerun_adds_nothing() {
    let s = Scratch::new("pg-once");
    stores_the_corpus_once_and_a_rerun_adds_nothing(Db::postgres("once"), &s);
}

#[test]
fn postgres_records_copies_and_moves_and_versions_changed_files() {
    let s = Scratch::new("pg-moves");
    copies_moves_and_changes(Db::postgres("moves"), &s);
}

#[test]
fn postgres_worker_killed_mid_run_is_completed_by_a_rerun() {
    let s = Scratch::new("pg-kill");
    a_killed_worker_is_completed_by_a_rerun(Db::postgres("kill"), &s);
}

#[test]
fn postgres_four_shards_at_once_store_each_document_once() {
    let s = Scratch::new("pg-shards");
    four_shards_at_once_store_each_document_once(Db::postgres("shards"), &s);
}

#[test]
fn postgres_export_gives_back_what_extract_writes() {
    export_gives_back_what_extract_writes(Db::postgres("export"));
}

/// What deploy/slurm-array.sh and deploy/kubernetes-indexed-job.yaml rely on:
/// `--shard auto/N` takes its index from the scheduler, and the N slices
/// together are the whole backlog, each file in one slice only.
#[test]
fn auto_shards_from_slurm_and_kubernetes_cover_the_backlog_once() {
    let s = Scratch::new("auto-shards");
    let input = s.0.join("in");
    let files = backlog(&input, 30);
    let db = Db::sqlite(&s);
    let inp = input.to_str().unwrap();
    let mut stored = 0;
    for (var, index) in [("SLURM_ARRAY_TASK_ID", "0"), ("JOB_COMPLETION_INDEX", "1")] {
        let out = Command::new(BIN)
            .args(["ingest", inp, "--shard", "auto/2", "--db", &db.url()])
            .env_remove("SLURM_ARRAY_TASK_ID")
            .env_remove("JOB_COMPLETION_INDEX")
            .env(var, index)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("(shard {index}/2)")),
            "{}",
            stderr(&out)
        );
        stored += stored_count(&stderr(&out));
    }
    assert_eq!(stored, files.len(), "the two slices overlap or miss files");
    assert_eq!(db.count("documents"), files.len());
    let without = Command::new(BIN)
        .args(["ingest", inp, "--shard", "auto/2", "--db", &db.url()])
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .output()
        .unwrap();
    assert_eq!(without.status.code(), Some(2));
    assert!(
        stderr(&without).contains("JOB_COMPLETION_INDEX"),
        "{}",
        stderr(&without)
    );
}

/// The `N stored` of an ingest summary.
fn stored_count(summary: &str) -> usize {
    let at = summary.find(" stored,").expect("a summary line");
    let start = summary[..at].rfind(' ').map_or(0, |i| i + 1);
    summary[start..at].parse().expect("a count")
}
