//! `vanban watch`: a daemon that ingests each report dropped into a folder,
//! exactly once.
//!
//! Two sources feed one set of candidate files: file-system events (the
//! `notify` crate: inotify on Linux) and a periodic scan (`--poll`), because
//! SMB and NFS mounts deliver no events. A candidate is taken only once its
//! size and modification time have not changed for the settle time, so a
//! scanner writing slowly is never read half-way. The database is the ledger:
//! on start the daemon loads what is stored and scans the folders, so files
//! that arrived while it was down are taken, and files already stored are
//! not taken again. A failed file is recorded with its error and tried again
//! only when it changes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;

use crate::batch::{self, IngestOptions, Outcome, Pipeline};
use crate::record::Status;
use crate::sink::db::{DbError, Item, Known, Store};

/// File names never taken: Office lock and temporary files, partial
/// downloads, and the litter of file managers. Hidden files (a leading dot)
/// are skipped as well.
pub const DEFAULT_IGNORE: &[&str] = &[
    "~$*",
    "*.tmp",
    "*.part",
    "*.crdownload",
    ".~lock*",
    "Thumbs.db",
    "desktop.ini",
    ".DS_Store",
];

/// Files stored per transaction.
const BATCH: usize = 128;

/// How the daemon runs.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// Folders watched, recursively.
    pub roots: Vec<PathBuf>,
    /// Scan the folders this often (always available; the only source on
    /// network file systems).
    pub poll: Option<Duration>,
    /// Listen to file-system events.
    pub events: bool,
    /// How long a file's size and modification time must stay the same.
    pub settle: Duration,
    /// File-name patterns (`*`, `?`) never taken, besides hidden files.
    pub ignore: Vec<String>,
    /// Move each stored file here (failed ones to `move_failed`).
    pub move_done: Option<PathBuf>,
    pub move_failed: Option<PathBuf>,
    /// One JSON object per log line instead of text.
    pub json_logs: bool,
    /// A health line this often.
    pub health_every: Duration,
    pub jobs: usize,
}

/// Why the daemon stopped other than by a signal.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("cannot watch {path}: {message}")]
    Folder { path: PathBuf, message: String },
}

/// Counts for the health line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WatchStats {
    /// Distinct candidate files seen.
    pub seen: usize,
    /// Documents stored (new content), and files whose content was stored already.
    pub ingested: usize,
    pub known: usize,
    pub failed: usize,
}

/// A candidate waiting for its size and time to settle.
struct Pending {
    size: u64,
    mtime_ns: i64,
    since: Instant,
}

/// Runs until `stop` is set (SIGTERM, SIGINT): the batch in hand is
/// finished and committed first.
pub fn watch(
    pipeline: &Pipeline,
    store: &mut dyn Store,
    opts: &WatchOptions,
    stop: &AtomicBool,
) -> Result<WatchStats, WatchError> {
    // Absolute roots, so events and scans name a file the same way and the
    // ledger has one path per file.
    let mut roots = Vec::with_capacity(opts.roots.len());
    for root in &opts.roots {
        match root.canonicalize() {
            Ok(r) if r.is_dir() => roots.push(r),
            Ok(_) => {
                return Err(WatchError::Folder {
                    path: root.clone(),
                    message: "not a folder".into(),
                })
            }
            Err(e) => {
                return Err(WatchError::Folder {
                    path: root.clone(),
                    message: e.to_string(),
                })
            }
        }
    }
    let opts = &WatchOptions {
        roots,
        ..opts.clone()
    };
    let log = Log {
        json: opts.json_logs,
    };
    let mut known = store.known()?;
    // Files that could not be read (no content hash): tried again when they change.
    let mut unreadable: HashMap<PathBuf, (u64, i64)> = HashMap::new();
    let (tx, rx) = mpsc::channel::<Notice>();
    let mut poll = opts.poll;
    let _watcher = if opts.events {
        match start_events(&opts.roots, tx) {
            Ok(w) => Some(w),
            Err(e) => {
                let every = poll.unwrap_or(Duration::from_secs(10));
                log.event(
                    "warning",
                    &[(
                        "message",
                        format!(
                            "no file-system events ({e}); polling every {}s instead",
                            every.as_secs()
                        ),
                    )],
                );
                poll = Some(every);
                None
            }
        }
    } else {
        None
    };
    log.event(
        "started",
        &[
            ("folders", join_paths(&opts.roots)),
            ("events", (opts.events && _watcher.is_some()).to_string()),
            (
                "poll_seconds",
                poll.map_or("off".into(), |p| p.as_secs_f64().to_string()),
            ),
            ("settle_seconds", opts.settle.as_secs_f64().to_string()),
            ("stored_files", known.files.len().to_string()),
        ],
    );
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .build()
        .map_err(|e| DbError::Io(std::io::Error::other(e)))?;
    let mut pending: HashMap<PathBuf, Pending> = HashMap::new();
    let mut stats = WatchStats::default();
    // The first scan takes what arrived while the daemon was down.
    let mut next_scan = Some(Instant::now());
    let mut next_health = Instant::now() + opts.health_every;
    let tick = Duration::from_millis(200);
    while !stop.load(Ordering::Relaxed) {
        // Events: wait at most one tick, then take everything queued.
        let mut arrived: Vec<Notice> = rx.recv_timeout(tick).into_iter().collect();
        arrived.extend(rx.try_iter());
        for notice in arrived {
            let path = match notice {
                Notice::Path(p) => p,
                Notice::Rescan => {
                    next_scan = Some(Instant::now());
                    continue;
                }
                Notice::Error(message) => {
                    // E.g. the inotify watch limit, hit by a new folder:
                    // events may now be missed, so scanning takes over.
                    if poll.is_none() {
                        let every = Duration::from_secs(10);
                        log.event(
                            "warning",
                            &[(
                                "message",
                                format!(
                                    "{message}; polling every {}s from now on",
                                    every.as_secs()
                                ),
                            )],
                        );
                        poll = Some(every);
                        next_scan = Some(Instant::now());
                    }
                    continue;
                }
            };
            if path.is_dir() {
                // A folder moved or copied in: its files may predate the watch on it.
                for f in scan(std::slice::from_ref(&path)) {
                    consider(&f, opts, &known, &unreadable, &mut pending, &mut stats);
                }
            } else {
                consider(&path, opts, &known, &unreadable, &mut pending, &mut stats);
            }
        }
        if next_scan.is_some_and(|t| t <= Instant::now()) {
            for f in scan(&opts.roots) {
                consider(&f, opts, &known, &unreadable, &mut pending, &mut stats);
            }
            next_scan = poll.map(|p| Instant::now() + p);
        }
        // A burst of thousands of files is taken a batch at a time, so memory
        // holds one batch of records, not the burst.
        for batch in settled(&mut pending, opts.settle).chunks(BATCH) {
            ingest_ready(
                pipeline,
                store,
                &pool,
                opts,
                &log,
                batch,
                &mut known,
                &mut unreadable,
                &mut stats,
            )?;
        }
        if next_health <= Instant::now() {
            next_health = Instant::now() + opts.health_every;
            log.health(&stats, pending.len());
        }
    }
    log.event("stopped", &[("reason", "signal".into())]);
    log.health(&stats, pending.len());
    Ok(stats)
}

/// What the event thread tells the daemon.
enum Notice {
    /// Something was created or changed here.
    Path(PathBuf),
    /// Events were dropped (the kernel's queue overflowed): scan once.
    Rescan,
    /// The watcher failed (the watch limit, hit by a new folder).
    Error(String),
}

/// Listens to file-system events on every root; only paths are kept.
fn start_events(
    roots: &[PathBuf],
    tx: mpsc::Sender<Notice>,
) -> Result<notify::RecommendedWatcher, notify::Error> {
    use notify::Watcher;
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        // The receiver is gone only when the daemon stops.
        match res {
            Ok(event)
                if matches!(
                    event.kind,
                    notify::EventKind::Create(_) | notify::EventKind::Modify(_)
                ) =>
            {
                for p in event.paths {
                    let _ = tx.send(Notice::Path(p));
                }
            }
            Ok(event) if event.need_rescan() => {
                let _ = tx.send(Notice::Rescan);
            }
            Ok(_) => {}
            Err(e) => {
                let _ = tx.send(Notice::Error(format!("file-system events failed: {e}")));
            }
        }
    })?;
    for root in roots {
        watcher.watch(root, notify::RecursiveMode::Recursive)?;
    }
    Ok(watcher)
}

/// Every wanted file below the roots.
fn scan(roots: &[PathBuf]) -> Vec<PathBuf> {
    let (files, _) = batch::collect_inputs(roots);
    files
}

/// Adds `path` to the candidates unless it is unwanted or stored as it is.
fn consider(
    path: &Path,
    opts: &WatchOptions,
    known: &Known,
    unreadable: &HashMap<PathBuf, (u64, i64)>,
    pending: &mut HashMap<PathBuf, Pending>,
    stats: &mut WatchStats,
) {
    if pending.contains_key(path) || !wanted(path, opts) {
        return;
    }
    let Ok(meta) = std::fs::metadata(path) else {
        return; // gone again: a temporary file renamed away
    };
    if !meta.is_file() {
        return;
    }
    let (size, mtime_ns) = (meta.len(), batch::mtime_ns(&meta));
    let key = path.display().to_string();
    if let Some(stamp) = known.files.get(&key) {
        if stamp.size == size && stamp.mtime_ns == mtime_ns {
            return;
        }
    }
    if unreadable.get(path) == Some(&(size, mtime_ns)) {
        return;
    }
    stats.seen += 1;
    pending.insert(
        path.to_path_buf(),
        Pending {
            size,
            mtime_ns,
            since: Instant::now(),
        },
    );
}

/// Whether a path is a document to take: a known extension, not hidden,
/// not in a move-to folder, not matching an ignore pattern.
fn wanted(path: &Path, opts: &WatchOptions) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if name.starts_with('.') || !batch::has_known_extension(path) {
        return false;
    }
    let moved_out = [&opts.move_done, &opts.move_failed]
        .into_iter()
        .flatten()
        .any(|d| path.starts_with(d));
    if moved_out {
        return false;
    }
    !DEFAULT_IGNORE
        .iter()
        .copied()
        .chain(opts.ignore.iter().map(String::as_str))
        .any(|g| glob_match(g, name))
}

/// `*` any run of characters, `?` one character; case-insensitive, as
/// Windows file servers name files.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let n: Vec<char> = name.to_lowercase().chars().collect();
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Takes the candidates whose size and time have held for `settle`.
fn settled(pending: &mut HashMap<PathBuf, Pending>, settle: Duration) -> Vec<PathBuf> {
    let mut ready = Vec::new();
    pending.retain(|path, p| {
        let Ok(meta) = std::fs::metadata(path) else {
            return false; // deleted or renamed before it settled
        };
        let (size, mtime_ns) = (meta.len(), batch::mtime_ns(&meta));
        if size != p.size || mtime_ns != p.mtime_ns {
            *p = Pending {
                size,
                mtime_ns,
                since: Instant::now(),
            };
            return true;
        }
        if p.since.elapsed() >= settle {
            ready.push(path.clone());
            return false;
        }
        true
    });
    ready.sort();
    ready
}

/// Extracts the settled files in parallel and stores them in one transaction.
#[allow(clippy::too_many_arguments)]
fn ingest_ready(
    pipeline: &Pipeline,
    store: &mut dyn Store,
    pool: &rayon::ThreadPool,
    opts: &WatchOptions,
    log: &Log,
    ready: &[PathBuf],
    known: &mut Known,
    unreadable: &mut HashMap<PathBuf, (u64, i64)>,
    stats: &mut WatchStats,
) -> Result<(), DbError> {
    let ingest_opts = IngestOptions {
        jobs: opts.jobs,
        batch: ready.len(),
        force: false,
        retry_failed: false,
    };
    let started = Instant::now();
    let outcomes: Vec<(PathBuf, Outcome)> = pool.install(|| {
        ready
            .par_iter()
            .map(|p| (p.clone(), pipeline.ingest_one(p, known, ingest_opts)))
            .collect()
    });
    let mut items = Vec::new();
    let mut paths = Vec::new();
    for (path, outcome) in outcomes {
        if let Outcome::Write(item) = outcome {
            items.push(item);
            paths.push(path);
        }
    }
    if items.is_empty() {
        return Ok(());
    }
    store.write(&items)?;
    for (path, item) in paths.iter().zip(&items) {
        let (event, failed, mut fields) = describe(item);
        match item {
            Item::Seen(f) | Item::Extracted { file: f, .. } => {
                known.files.insert(f.path.clone(), f.stamp.clone());
                unreadable.remove(path);
            }
            Item::Unreadable { .. } => {
                if let Ok(meta) = std::fs::metadata(path) {
                    unreadable.insert(path.clone(), (meta.len(), batch::mtime_ns(&meta)));
                }
            }
        }
        if let Item::Extracted { record, .. } = item {
            known
                .documents
                .insert(record.source.sha256.clone(), record.status);
        }
        match (event, failed) {
            (_, true) => stats.failed += 1,
            ("known", _) => stats.known += 1,
            _ => stats.ingested += 1,
        }
        let target = if failed {
            &opts.move_failed
        } else {
            &opts.move_done
        };
        if let Some(dir) = target {
            match move_into(path, dir) {
                Ok(to) => fields.push(("moved_to", to.display().to_string())),
                Err(e) => fields.push(("move_error", e.to_string())),
            }
        }
        fields.insert(0, ("path", path.display().to_string()));
        log.event(event, &fields);
    }
    log.event(
        "batch",
        &[
            ("files", items.len().to_string()),
            ("ms", started.elapsed().as_millis().to_string()),
        ],
    );
    Ok(())
}

/// The log event for a stored item, whether it is a failure, and its fields.
fn describe(item: &Item) -> (&'static str, bool, Vec<(&'static str, String)>) {
    match item {
        Item::Seen(f) => ("known", false, vec![("sha256", f.stamp.sha256.clone())]),
        Item::Unreadable { kind, message, .. } => (
            "failed",
            true,
            vec![("kind", kind.clone()), ("message", message.clone())],
        ),
        Item::Extracted { record, .. } => match (&record.status, &record.error) {
            (Status::Error, Some(e)) => (
                "failed",
                true,
                vec![
                    ("sha256", record.source.sha256.clone()),
                    ("kind", e.kind.clone()),
                    ("message", e.message.clone()),
                ],
            ),
            _ => (
                "ingested",
                false,
                vec![
                    ("sha256", record.source.sha256.clone()),
                    (
                        "entities",
                        (record.legal_references.len()
                            + record.dates.len()
                            + record.numbers.len()
                            + record.percentages.len())
                        .to_string(),
                    ),
                ],
            ),
        },
    }
}

/// Moves `path` into `dir` by renaming (atomic on one file system); a name
/// already there gets ` (1)`, ` (2)`… before its extension.
pub fn move_into(path: &Path, dir: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("no file name"))?;
    let stem = Path::new(name)
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let ext = Path::new(name)
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    for n in 0..10_000 {
        let candidate = if n == 0 {
            dir.join(name)
        } else {
            dir.join(format!("{stem} ({n}){ext}"))
        };
        // Checking first leaves a race with another writer into `dir`;
        // hard-linking would close it but does not work on SMB shares.
        if candidate.exists() {
            continue;
        }
        std::fs::rename(path, &candidate)?;
        return Ok(candidate);
    }
    Err(std::io::Error::other("no free name in the target folder"))
}

/// Whether `path` is on a network file system (NFS, SMB/CIFS, FUSE mounts
/// such as sshfs), where no file-system events arrive: polling is then on
/// by default.
pub fn on_network_fs(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated path and `buf` a zeroed statfs
    // the call fills in; nothing is kept past the call.
    let mut buf: libc::statfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statfs(c.as_ptr(), &mut buf) } != 0 {
        return false;
    }
    const NFS: i64 = 0x6969;
    const SMB: i64 = 0x517B;
    const CIFS: i64 = 0xFF53_4D42;
    const SMB2: i64 = 0xFE53_4D42;
    const FUSE: i64 = 0x6573_5546;
    #[allow(clippy::unnecessary_cast)] // f_type's width differs between targets
    let kind = buf.f_type as i64;
    [NFS, SMB, CIFS, SMB2, FUSE].contains(&kind)
}

/// One line per event on stderr: `TIME EVENT key=value…`, or JSON.
struct Log {
    json: bool,
}

impl Log {
    fn event(&self, event: &str, fields: &[(&str, String)]) {
        let ts = utc_now();
        if self.json {
            let mut obj = serde_json::Map::new();
            obj.insert("ts".into(), ts.into());
            obj.insert("event".into(), event.into());
            for (k, v) in fields {
                obj.insert((*k).into(), v.clone().into());
            }
            eprintln!("{}", serde_json::Value::Object(obj));
        } else {
            let mut line = format!("{ts} {event}");
            for (k, v) in fields {
                if v.contains([' ', '"', '=']) || v.is_empty() {
                    line.push_str(&format!(" {k}={v:?}"));
                } else {
                    line.push_str(&format!(" {k}={v}"));
                }
            }
            eprintln!("{line}");
        }
    }

    fn health(&self, s: &WatchStats, queue: usize) {
        self.event(
            "health",
            &[
                ("seen", s.seen.to_string()),
                ("ingested", s.ingested.to_string()),
                ("known", s.known.to_string()),
                ("failed", s.failed.to_string()),
                ("queue", queue.to_string()),
            ],
        );
    }
}

fn join_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// The current time as `YYYY-MM-DDTHH:MM:SSZ` (UTC).
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    utc(secs)
}

/// Seconds since 1970 as `YYYY-MM-DDTHH:MM:SSZ`.
fn utc(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_lock_and_temporary_files_are_ignored_documents_are_not() {
        let opts = WatchOptions {
            roots: vec![],
            poll: None,
            events: false,
            settle: Duration::ZERO,
            ignore: vec!["nhap-*".into()],
            move_done: Some(PathBuf::from("/in/done")),
            move_failed: None,
            json_logs: false,
            health_every: Duration::from_secs(60),
            jobs: 1,
        };
        for skipped in [
            "/in/~$bao-cao.docx",
            "/in/bao-cao.docx.tmp",
            "/in/.~lock.bao-cao.docx#",
            "/in/Thumbs.db",
            "/in/.hidden.txt",
            "/in/nhap-01.txt",
            "/in/done/bao-cao.txt",
            "/in/bao-cao.odt",
        ] {
            assert!(!wanted(Path::new(skipped), &opts), "{skipped} taken");
        }
        for taken in ["/in/bao-cao.docx", "/in/2019/BC-123.PDF", "/in/x.txt"] {
            assert!(wanted(Path::new(taken), &opts), "{taken} skipped");
        }
    }

    #[test]
    fn globs_match_like_a_file_manager() {
        assert!(glob_match("~$*", "~$Báo cáo.docx"));
        assert!(glob_match("*.TMP", "abc.tmp"));
        assert!(glob_match("a?c*", "abcdef"));
        assert!(!glob_match("*.tmp", "abc.tmp.docx"));
        assert!(glob_match("*", ""));
    }

    #[test]
    fn a_name_taken_in_the_target_folder_gets_a_number() {
        let dir = std::env::temp_dir().join(format!("vanban-move-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let done = dir.join("done");
        std::fs::create_dir_all(&done).unwrap();
        std::fs::write(done.join("bc.txt"), "old").unwrap();
        let src = dir.join("bc.txt");
        std::fs::write(&src, "new").unwrap();
        let to = move_into(&src, &done).unwrap();
        assert_eq!(to, done.join("bc (1).txt"));
        assert_eq!(std::fs::read_to_string(&to).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(done.join("bc.txt")).unwrap(), "old");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn log_times_are_utc_iso_8601_leap_days_included() {
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(1_763_884_800), "2025-11-23T08:00:00Z");
        assert_eq!(utc(951_782_400 + 86_399), "2000-02-29T23:59:59Z");
    }
}
