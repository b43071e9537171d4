//! `vanban watch` as an office would run it: files dropped into a folder,
//! one written slowly, one corrupt, temporary files beside them, the daemon
//! killed and restarted. The database must hold each good file exactly once,
//! the corrupt one as a failure, and nothing of the temporary files. Run in
//! event mode and in polling mode; the time from a file's last byte to its
//! row is printed (the figures issue 10 asks for), and bounded only loosely,
//! since CI machines are shared.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_vanban");
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");

struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("vanban-watch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("in")).unwrap();
    Scratch(dir)
}

fn corpus(n: usize) -> PathBuf {
    let mut v: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    v.sort();
    v[n].clone()
}

/// The daemon, its stderr going to a log file read by the test.
struct Daemon {
    child: Child,
    log: PathBuf,
}

impl Daemon {
    fn start(dir: &Path, mode: &[&str], run: usize) -> Daemon {
        let log = dir.join(format!("daemon-{run}.log"));
        let child = Command::new(BIN)
            .arg("watch")
            .arg(dir.join("in"))
            .args(["--db", &db_url(dir), "--settle", "1", "--health-every", "2"])
            .args(mode)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let d = Daemon { child, log };
        wait_for("the daemon to start", Duration::from_secs(30), || {
            d.log().contains(" started ")
        });
        d
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn db_url(dir: &Path) -> String {
    format!("sqlite:{}", dir.join("archive.db").display())
}

fn query(dir: &Path, sql: &str) -> Vec<Vec<String>> {
    let Ok(conn) = rusqlite::Connection::open(dir.join("archive.db")) else {
        return Vec::new();
    };
    let Ok(mut stmt) = conn.prepare(sql) else {
        return Vec::new(); // tables not created yet
    };
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        (0..n)
            .map(|i| {
                Ok(match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    rusqlite::types::ValueRef::Integer(v) => v.to_string(),
                    _ => String::new(),
                })
            })
            .collect()
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// Stored documents by file name: (status, error kind, sha256).
fn stored(dir: &Path) -> Vec<(String, String, String, String)> {
    query(
        dir,
        "SELECT f.path, d.status, COALESCE(d.error_kind, ''), d.sha256
           FROM files f JOIN documents d ON d.id = f.document_id ORDER BY f.path",
    )
    .into_iter()
    .map(|r| {
        let name = Path::new(&r[0])
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        (name, r[1].clone(), r[2].clone(), r[3].clone())
    })
    .collect()
}

fn has(dir: &Path, name: &str) -> bool {
    stored(dir).iter().any(|(n, ..)| n == name)
}

fn wait_for(what: &str, limit: Duration, mut cond: impl FnMut() -> bool) -> Duration {
    let t0 = Instant::now();
    while !cond() {
        assert!(
            t0.elapsed() < limit,
            "gave up waiting for {what} after {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    t0.elapsed()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The whole scenario; returns the drop-to-row latency of a plain file.
fn scenario(name: &str, mode: &[&str]) -> Duration {
    let s = scratch(name);
    let dir = &s.0;
    let inbox = dir.join("in");
    let daemon = Daemon::start(dir, mode, 1);

    // A plain drop: timed from the moment the file is complete.
    std::fs::copy(corpus(0), inbox.join("a.txt")).unwrap();
    let latency = wait_for("a.txt in the database", Duration::from_secs(60), || {
        has(dir, "a.txt")
    });

    // Temporary and system files, a corrupt file, and one written slowly:
    // six chunks half a second apart, each shorter than the settle time.
    std::fs::write(inbox.join("~$a.docx"), b"owner lock").unwrap();
    std::fs::write(inbox.join("scan.tmp"), b"partial").unwrap();
    std::fs::write(inbox.join("bad.docx"), b"PK\x03\x04 this zip is cut short").unwrap();
    let slow_text = std::fs::read(corpus(1)).unwrap();
    {
        let mut f = std::fs::File::create(inbox.join("slow.txt")).unwrap();
        for chunk in slow_text.chunks(slow_text.len() / 6 + 1) {
            f.write_all(chunk).unwrap();
            f.flush().unwrap();
            std::thread::sleep(Duration::from_millis(500));
        }
    }
    std::fs::copy(corpus(2), inbox.join("b.txt")).unwrap();
    wait_for(
        "slow.txt, bad.docx and b.txt",
        Duration::from_secs(60),
        || {
            ["slow.txt", "bad.docx", "b.txt"]
                .iter()
                .all(|n| has(dir, n))
        },
    );

    // SIGKILL: no chance to clean up. Files arrive while it is down.
    drop(daemon);
    std::fs::copy(corpus(3), inbox.join("c.txt")).unwrap();
    std::fs::copy(inbox.join("a.txt"), inbox.join("a-copy.txt")).unwrap();
    let mut daemon = Daemon::start(dir, mode, 2);
    wait_for(
        "c.txt and a-copy.txt after the restart",
        Duration::from_secs(60),
        || has(dir, "c.txt") && has(dir, "a-copy.txt"),
    );

    let rows = stored(dir);
    let names: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "a-copy.txt",
            "a.txt",
            "b.txt",
            "bad.docx",
            "c.txt",
            "slow.txt"
        ],
        "each file once, nothing for the temporary files"
    );
    let slow = rows.iter().find(|r| r.0 == "slow.txt").unwrap();
    assert_eq!(
        slow.3,
        sha256_hex(&slow_text),
        "slow.txt was read before it was whole"
    );
    let bad = rows.iter().find(|r| r.0 == "bad.docx").unwrap();
    assert_eq!((bad.1.as_str(), bad.2.as_str()), ("error", "invalid_docx"));
    let docs = query(dir, "SELECT COUNT(*) FROM documents")[0][0].clone();
    assert_eq!(docs, "5", "a copy is not a new document");
    assert!(
        !daemon.log().contains("bad.docx"),
        "the failed file was tried again unchanged:\n{}",
        daemon.log()
    );

    // A failed file that changes is tried again.
    std::fs::copy(
        Path::new(CORPUS).join("docx/004_39a5dd2fc3cf2d4a.docx"),
        inbox.join("bad.docx"),
    )
    .unwrap();
    wait_for("the repaired bad.docx", Duration::from_secs(60), || {
        stored(dir).iter().any(|r| r.0 == "bad.docx" && r.1 == "ok")
    });

    // SIGTERM: a clean stop.
    let pid = daemon.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let status = daemon.child.wait().unwrap();
    assert!(
        status.success(),
        "SIGTERM gave {status:?}:\n{}",
        daemon.log()
    );
    assert!(
        daemon.log().contains(" stopped reason=signal"),
        "{}",
        daemon.log()
    );
    assert!(daemon.log().contains(" health seen="), "{}", daemon.log());
    latency
}

#[test]
fn event_mode_ingests_each_good_file_once_across_a_kill_and_skips_temporary_files() {
    let latency = scenario("events", &[]);
    println!("event mode: file complete → row in {latency:?} (settle 1 s)");
    // The target is settle + 2 s; a loose bound keeps a shared CI machine green.
    assert!(latency < Duration::from_secs(20), "{latency:?}");
}

#[test]
fn polling_mode_ingests_each_good_file_once_across_a_kill_and_skips_temporary_files() {
    let latency = scenario("polling", &["--no-events", "--poll", "1"]);
    println!("polling mode: file complete → row in {latency:?} (poll 1 s, settle 1 s)");
    assert!(latency < Duration::from_secs(20), "{latency:?}");
}
