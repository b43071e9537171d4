//! The batch driver: find input files, process each one in isolation (a bad
//! file or a panic becomes that file's error record), in parallel, and hand
//! the records to a sink in input order.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Once};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::document::Format;
use crate::error::{DocError, PatternError};
use crate::extract::Extractor;
use crate::ingest::{self, Decoding, ForcedEncoding};
use crate::normalize::syllable::quality;
use crate::normalize::{normalize, Normalized};
use crate::patterns::Patterns;
use crate::record::{Record, Source, Status, TextInfo, Warning, SCHEMA_VERSION};
use crate::sink::db::{DbError, FileSeen, FileStamp, Item, Known, Store};

/// Files larger than this are refused unless `--max-bytes` says otherwise.
pub const DEFAULT_MAX_BYTES: u64 = 256 * 1024 * 1024;

/// How far workers may run ahead of the writer, in files: their records wait
/// in memory until every file before them is written, so this bounds memory
/// on a huge backlog (a slow file holds the others back, not the workers).
const WINDOW: usize = 512;

/// A worker sends its records to the writer this many at a time.
const SEND_EVERY: usize = 8;

/// Progress is reported after every this many records.
const CHUNK: usize = 256;

/// Word tokens sampled for `text.non_vietnamese_share`: enough for a stable
/// share, few enough to cost nothing next to extraction.
const QUALITY_SAMPLE: usize = 600;

/// Above this share of non-Vietnamese words a document gets a
/// `poor_text_quality` warning. The five corpus reports are under 0.2%;
/// legacy bytes read with the wrong table are around 50%, and VIQR read as
/// plain text about 20%.
pub const POOR_QUALITY_SHARE: f64 = 0.1;

/// Reads, normalizes and extracts single documents. Shared by all workers.
pub struct Pipeline {
    extractor: Extractor,
    pub max_bytes: u64,
    /// Decode text files with this encoding instead of detecting it.
    pub encoding: Option<ForcedEncoding>,
}

/// A document's normalized text and what is known about it.
#[derive(Debug, Clone)]
pub struct TextOf {
    pub text: String,
    pub info: TextInfo,
}

impl Pipeline {
    pub fn new(patterns: &Patterns) -> Result<Pipeline, PatternError> {
        Self::with_jobs(patterns, 1)
    }

    /// A pipeline for a run on `jobs` threads: with more than one, its
    /// regexes are compiled on two ([`Extractor::with_threads`]).
    pub fn with_jobs(patterns: &Patterns, jobs: usize) -> Result<Pipeline, PatternError> {
        Ok(Pipeline {
            extractor: Extractor::with_threads(patterns, jobs)?,
            max_bytes: DEFAULT_MAX_BYTES,
            encoding: None,
        })
    }

    /// One file → one record, failures included. Never panics: a panic
    /// while reading or extracting is caught in [`Pipeline::process_bytes`].
    pub fn process_file(&self, path: &Path) -> Record {
        let display = path.display().to_string();
        let io_failure = |e: io::Error| {
            let err = DocError::Io {
                path: path.to_path_buf(),
                source: e,
            };
            Record::failed(
                source(display.clone(), "", Format::Unknown, 0, None),
                err.kind(),
                err.to_string(),
            )
        };
        let size = match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                // A folder that could not be walked: report why (permissions…).
                return io_failure(match std::fs::read_dir(path) {
                    Err(e) => e,
                    Ok(_) => io::Error::other("is a folder, not a document"),
                });
            }
            Ok(m) => m.len(),
            Err(e) => return io_failure(e),
        };
        if size > self.max_bytes {
            let err = DocError::TooLarge {
                path: path.to_path_buf(),
                bytes: size,
                limit: self.max_bytes,
            };
            return Record::failed(
                source(display, "", Format::Unknown, size, None),
                err.kind(),
                err.to_string(),
            );
        }
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => return io_failure(e),
        };
        let ext = path.extension().and_then(|e| e.to_str());
        self.process_bytes(display, &bytes, ext).0
    }

    /// Processes a file already in memory; also returns the normalized text.
    pub fn process_bytes(
        &self,
        path: String,
        bytes: &[u8],
        ext: Option<&str>,
    ) -> (Record, Option<Normalized>) {
        self.process_hashed(path, &hex_sha256(bytes), bytes, ext)
    }

    /// [`Pipeline::process_bytes`] for bytes whose SHA-256 is already known.
    fn process_hashed(
        &self,
        path: String,
        sha: &str,
        bytes: &[u8],
        ext: Option<&str>,
    ) -> (Record, Option<Normalized>) {
        let format = ingest::detect_format(bytes, ext);
        let size = bytes.len() as u64;
        // Source facts are known before any parsing, so even a document that
        // panics keeps its hash, format and size in its error record.
        let on_panic = |message| {
            let err = DocError::Panic { message };
            let src = source(path.clone(), sha, format, size, None);
            (Record::failed(src, err.kind(), err.to_string()), None)
        };
        guard_panics(
            || self.extract_bytes(path.clone(), sha, bytes, format),
            on_panic,
        )
    }

    fn extract_bytes(
        &self,
        path: String,
        sha: &str,
        bytes: &[u8],
        format: Format,
    ) -> (Record, Option<Normalized>) {
        let size = bytes.len() as u64;
        let (doc, decoding) = match ingest::read_as(bytes, format, self.encoding) {
            Ok(read) => read,
            Err(e) => {
                let src = source(path, sha, format, size, None);
                return (Record::failed(src, e.kind(), e.to_string()), None);
            }
        };
        let norm = normalize(&doc);
        let mut entities = self.extractor.extract(&norm);
        if norm.text.trim().is_empty() {
            entities.warnings.push(Warning {
                kind: "empty_document".into(),
                message: "the file holds no text".into(),
                span: None,
            });
        }
        let info = text_info(&norm.text, &decoding);
        entities.warnings.extend(text_warnings(&info));
        entities
            .warnings
            .extend(doc.warnings.iter().map(|w| Warning {
                kind: w.kind.into(),
                message: w.message.clone(),
                span: None,
            }));
        let record = Record {
            schema_version: SCHEMA_VERSION,
            source: source(path, sha, format, size, doc.pages),
            status: Status::Ok,
            error: None,
            text: Some(info),
            legal_references: entities.legal_references,
            named_laws: entities.named_laws,
            dates: entities.dates,
            percentages: entities.percentages,
            numbers: entities.numbers,
            metadata: entities.metadata,
            warnings: entities.warnings,
            findings: entities.findings,
        };
        (record, Some(norm))
    }

    /// The normalized text of one file, as the extractors see it, and its
    /// `text` facts (same size limit, encoding and panic guard as
    /// [`Pipeline::process_file`]).
    pub fn text_of(&self, path: &Path) -> Result<TextOf, DocError> {
        let io = |source| DocError::Io {
            path: path.to_path_buf(),
            source,
        };
        let size = std::fs::metadata(path).map_err(io)?.len();
        if size > self.max_bytes {
            return Err(DocError::TooLarge {
                path: path.to_path_buf(),
                bytes: size,
                limit: self.max_bytes,
            });
        }
        let bytes = std::fs::read(path).map_err(io)?;
        guard_panics(
            || {
                let format =
                    ingest::detect_format(&bytes, path.extension().and_then(|e| e.to_str()));
                let (doc, decoding) = ingest::read_as(&bytes, format, self.encoding)?;
                let text = normalize(&doc).text;
                let info = text_info(&text, &decoding);
                Ok(TextOf { text, info })
            },
            |message| Err(DocError::Panic { message }),
        )
    }
}

fn text_info(text: &str, decoding: &Decoding) -> TextInfo {
    TextInfo {
        encoding: decoding.encoding.to_string(),
        encoding_confidence: round4(decoding.confidence),
        encoding_forced: decoding.forced,
        non_vietnamese_share: round4(quality(text, QUALITY_SAMPLE).non_vietnamese_share()),
        chars: text.chars().count(),
    }
}

/// Four decimals: the JSON says what the figure means, not float noise.
fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// A guessed encoding and unreadable text are said, not left to be noticed.
fn text_warnings(info: &TextInfo) -> Vec<Warning> {
    let mut out = Vec::new();
    let legacy = !info.encoding.starts_with("utf-");
    if legacy && !info.encoding_forced {
        out.push(Warning {
            kind: "legacy_encoding".into(),
            message: format!(
                "not UTF-8: read as {} ({:.0}% of its non-ASCII words decode to Vietnamese); \
                 if the text looks wrong, name the encoding with --encoding",
                info.encoding,
                info.encoding_confidence * 100.0
            ),
            span: None,
        });
    }
    if info.non_vietnamese_share > POOR_QUALITY_SHARE {
        out.push(Warning {
            kind: "poor_text_quality".into(),
            message: format!(
                "{:.0}% of sampled words are not Vietnamese: the text may be mojibake \
                 (decoded with the wrong encoding; try --encoding) or not Vietnamese",
                info.non_vietnamese_share * 100.0
            ),
            span: None,
        });
    }
    out
}

fn source(path: String, sha: &str, format: Format, bytes: u64, pages: Option<u32>) -> Source {
    Source {
        path,
        sha256: sha.to_string(),
        format,
        bytes,
        pages,
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        let _ = write!(s, "{b:02x}");
    }
    s
}

thread_local! {
    static IN_DOCUMENT: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `work`; if it panics, returns `on_panic(message)` instead. While a
/// document is being processed the panic hook records the message and its
/// location for the error record instead of printing it; panics anywhere
/// else still go to the previous hook.
pub fn guard_panics<T>(work: impl FnOnce() -> T, on_panic: impl FnOnce(String) -> T) -> T {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if IN_DOCUMENT.with(Cell::get) {
                let payload = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".to_string());
                let at = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{payload}{at}")));
            } else {
                previous(info);
            }
        }));
    });
    let was = IN_DOCUMENT.with(|f| f.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(work));
    IN_DOCUMENT.with(|f| f.set(was));
    match result {
        Ok(v) => v,
        Err(_) => {
            let msg = LAST_PANIC
                .with(|p| p.borrow_mut().take())
                .unwrap_or_else(|| "unknown panic".into());
            on_panic(msg)
        }
    }
}

/// An input path that yielded no file to process.
#[derive(Debug)]
pub struct InputProblem {
    pub path: PathBuf,
    pub error: io::Error,
}

/// Expands the command-line paths: files are taken as given, folders are
/// walked recursively for `.txt`, `.pdf` and `.docx` files (hidden files and
/// folders skipped). The result is sorted so runs are reproducible.
pub fn collect_inputs(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<InputProblem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => {
                let walker = walkdir::WalkDir::new(p)
                    .follow_links(true)
                    .into_iter()
                    .filter_entry(|e| {
                        e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                    });
                for entry in walker {
                    match entry {
                        Ok(e) if e.file_type().is_file() && has_known_extension(e.path()) => {
                            files.push(e.into_path())
                        }
                        Ok(_) => {}
                        Err(err) => problems.push(InputProblem {
                            path: err.path().map_or_else(|| p.clone(), Path::to_path_buf),
                            error: err.into(),
                        }),
                    }
                }
            }
            Ok(_) => files.push(p.clone()),
            Err(error) => problems.push(InputProblem {
                path: p.clone(),
                error,
            }),
        }
    }
    files.sort();
    files.dedup();
    (files, problems)
}

pub(crate) fn has_known_extension(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ingest::KNOWN_EXTENSIONS
            .iter()
            .any(|k| e.eq_ignore_ascii_case(k))
    })
}

fn per_second(n: usize, elapsed: Duration) -> f64 {
    let s = elapsed.as_secs_f64();
    if s > 0.0 {
        n as f64 / s
    } else {
        0.0
    }
}

/// Counts for the end-of-run summary and progress lines.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub total: usize,
    pub done: usize,
    pub ok: usize,
    pub failed: usize,
    pub elapsed: Duration,
}

impl Summary {
    pub fn files_per_second(&self) -> f64 {
        per_second(self.done, self.elapsed)
    }
}

/// Processes `files` on `jobs` threads. Each record is turned into a `T` by
/// `prepare` on the worker (serializing there keeps the single writer from
/// becoming the bottleneck), then handed to `emit` in input order.
/// `progress` is called after every [`CHUNK`] records and at the end.
///
/// Each worker takes the next file as soon as it is free, and this thread
/// writes records as soon as those before them are written, so no worker
/// waits for the others or for the writer. Processing in chunks, with each
/// chunk written before the next began, left a worker idle at every chunk's
/// end: 10 to 75 ms of a -j 2 run over 500 files in scheduler traces.
pub fn run<T: Send>(
    pipeline: &Pipeline,
    files: &[PathBuf],
    jobs: usize,
    prepare: impl Fn(Record) -> T + Sync,
    mut emit: impl FnMut(Status, T) -> io::Result<()>,
    mut progress: impl FnMut(&Summary),
) -> io::Result<Summary> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()
        .map_err(io::Error::other)?;
    let started = Instant::now();
    let mut summary = Summary {
        total: files.len(),
        ..Summary::default()
    };
    let window = Window::new(files.len(), WINDOW);
    let (window, prepare) = (&window, &prepare);
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<Vec<(usize, Status, T)>>();
        scope.spawn(move || {
            pool.broadcast(|_| {
                let _stop = StopOnPanic(window);
                // Records go to the writer a few at a time: waking it for
                // each one had it take a worker's core 400 times a run.
                let mut held = Vec::with_capacity(SEND_EVERY);
                let send = |held: &mut Vec<_>| {
                    // The writer has stopped on an error.
                    if !held.is_empty() && tx.send(std::mem::take(held)).is_err() {
                        window.stop();
                    }
                };
                while let Some(i) = window.claim(|| send(&mut held)) {
                    let r = pipeline.process_file(&files[i]);
                    held.push((i, r.status, prepare(r)));
                    if held.len() >= SEND_EVERY {
                        send(&mut held);
                    }
                }
                send(&mut held);
            });
        });
        // Records that came before an earlier one is written, by index.
        let mut waiting: HashMap<usize, (Status, T)> = HashMap::new();
        let written: io::Result<()> = (|| {
            for (i, status, item) in rx.iter().flatten() {
                waiting.insert(i, (status, item));
                while let Some((status, item)) = waiting.remove(&summary.done) {
                    emit(status, item)?;
                    summary.done += 1;
                    match status {
                        Status::Ok => summary.ok += 1,
                        Status::Error => summary.failed += 1,
                    }
                    window.written(summary.done);
                    if summary.done % CHUNK == 0 || summary.done == files.len() {
                        summary.elapsed = started.elapsed();
                        progress(&summary);
                    }
                }
            }
            Ok(())
        })();
        if written.is_err() {
            window.stop();
        }
        written
    })?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Hands out file indices to workers, at most `ahead` past the last record
/// written.
struct Window {
    state: std::sync::Mutex<WindowState>,
    moved: std::sync::Condvar,
    len: usize,
    ahead: usize,
}

struct WindowState {
    claimed: usize,
    written: usize,
    stopped: bool,
}

impl Window {
    fn new(len: usize, ahead: usize) -> Window {
        Window {
            state: std::sync::Mutex::new(WindowState {
                claimed: 0,
                written: 0,
                stopped: false,
            }),
            moved: std::sync::Condvar::new(),
            len,
            ahead: ahead.max(1),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, WindowState> {
        // The state is three plain counters, valid whatever panicked.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The next file to process; `None` when all are claimed or the run
    /// has stopped. While the window is full it waits, after calling
    /// `before_waiting` once: a worker hands over the records it holds
    /// there, since they may be what keeps the window full.
    fn claim(&self, mut before_waiting: impl FnMut()) -> Option<usize> {
        let mut s = self.lock();
        let mut handed_over = false;
        loop {
            match self.next(&mut s) {
                Claim::Next(i) => return Some(i),
                Claim::Done => return None,
                Claim::Full if !handed_over => {
                    drop(s);
                    before_waiting();
                    handed_over = true;
                    s = self.lock();
                }
                Claim::Full => s = self.moved.wait(s).unwrap_or_else(|p| p.into_inner()),
            }
        }
    }

    fn next(&self, s: &mut WindowState) -> Claim {
        if s.stopped || s.claimed >= self.len {
            Claim::Done
        } else if s.claimed < s.written + self.ahead {
            s.claimed += 1;
            Claim::Next(s.claimed - 1)
        } else {
            Claim::Full
        }
    }

    fn written(&self, n: usize) {
        let mut s = self.lock();
        s.written = n;
        // Only a worker waiting on a full window needs waking.
        if s.claimed >= n + self.ahead - 1 {
            self.moved.notify_all();
        }
    }

    fn stop(&self) {
        self.lock().stopped = true;
        self.moved.notify_all();
    }
}

enum Claim {
    Next(usize),
    Full,
    Done,
}

/// Stops the run when a worker unwinds, so no other waits on a window that
/// the lost record will never move.
struct StopOnPanic<'w>(&'w Window);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.stop();
        }
    }
}

/// What `vanban ingest` decides for each file.
#[derive(Debug, Clone, Copy, Default)]
pub struct IngestOptions {
    /// Documents processed in parallel.
    pub jobs: usize,
    /// Documents per database transaction.
    pub batch: usize,
    /// Re-extract every file, stored or not, and overwrite what is stored.
    pub force: bool,
    /// Re-extract files whose stored extraction failed (after an upgrade
    /// that reads more formats, say).
    pub retry_failed: bool,
}

/// Counts for the progress line and the end-of-ingest summary.
#[derive(Debug, Default, Clone)]
pub struct IngestSummary {
    /// Input files.
    pub total: usize,
    /// Files dealt with so far (any outcome).
    pub done: usize,
    /// Documents extracted and stored in this run (new or replaced), failures aside.
    pub stored: usize,
    /// Files whose extraction failed, in this run or, unchanged, before it.
    pub failed: usize,
    /// Files unchanged since the last run (same path, size and time): not read.
    pub unchanged: usize,
    /// Files read whose content was already stored (a copy, a moved or
    /// touched file): only their path was recorded.
    pub known: usize,
    /// Documents another worker stored first while this one extracted them.
    pub already: usize,
    /// Entities stored in this run: legal references, dates, numbers, percentages.
    pub entities: [usize; 4],
    pub elapsed: Duration,
}

impl IngestSummary {
    /// Files dealt with per second, whatever their outcome.
    pub fn files_per_second(&self) -> f64 {
        per_second(self.done, self.elapsed)
    }
}

/// A worker's verdict on one file.
pub(crate) enum Outcome {
    /// Same path, size and modification time as a stored file.
    Unchanged {
        failed: bool,
    },
    Write(Item),
}

/// Extracts `files` into `store`, exactly once: files the store already
/// holds are skipped, every document is written in a transaction with its
/// batch, and a run that stops half-way is completed by running it again.
/// Workers extract in parallel while this thread writes; the channel between
/// them is bounded, so memory stays flat however many files there are.
pub fn ingest(
    pipeline: &Pipeline,
    files: &[PathBuf],
    store: &mut dyn Store,
    opts: IngestOptions,
    mut progress: impl FnMut(&IngestSummary),
) -> Result<IngestSummary, DbError> {
    let known = store.known()?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .build()
        .map_err(|e| DbError::Io(io::Error::other(e)))?;
    let batch_size = opts.batch.max(1);
    let started = Instant::now();
    let mut summary = IngestSummary {
        total: files.len(),
        ..IngestSummary::default()
    };
    // Set when the writer fails, so workers stop extracting what cannot be stored.
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::sync_channel::<Outcome>(2 * batch_size);
    std::thread::scope(|scope| {
        let known = &known;
        let stop = &stop;
        scope.spawn(move || {
            pool.install(|| {
                files
                    .par_iter()
                    .with_max_len(1)
                    .for_each_with(tx, |tx, path| {
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        let outcome = pipeline.ingest_one(path, known, opts);
                        if tx.send(outcome).is_err() {
                            stop.store(true, Ordering::Relaxed);
                        }
                    });
            });
        });
        let result = write_all(&rx, store, batch_size, &mut summary, started, &mut progress);
        if result.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        drop(rx);
        result
    })?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// The writer: batches outcomes into transactions until the workers are done.
fn write_all(
    rx: &mpsc::Receiver<Outcome>,
    store: &mut dyn Store,
    batch_size: usize,
    summary: &mut IngestSummary,
    started: Instant,
    progress: &mut impl FnMut(&IngestSummary),
) -> Result<(), DbError> {
    let mut batch: Vec<Item> = Vec::with_capacity(batch_size);
    let mut oldest = Instant::now();
    let mut open = true;
    while open {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(Outcome::Unchanged { failed }) => {
                summary.done += 1;
                summary.unchanged += 1;
                summary.failed += usize::from(failed);
            }
            Ok(Outcome::Write(item)) => {
                if batch.is_empty() {
                    oldest = Instant::now();
                }
                batch.push(item);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => open = false,
        }
        // A full batch goes at once; a short one within a second, so files
        // that trickle in (slow disks, the watch daemon) are not held back.
        let due = batch.len() >= batch_size || !open || oldest.elapsed() >= Duration::from_secs(1);
        if !batch.is_empty() && due {
            flush(store, &mut batch, summary)?;
        }
        summary.elapsed = started.elapsed();
        progress(summary);
    }
    Ok(())
}

fn flush(
    store: &mut dyn Store,
    batch: &mut Vec<Item>,
    summary: &mut IngestSummary,
) -> Result<(), DbError> {
    let written = store.write(batch)?;
    for item in batch.drain(..) {
        summary.done += 1;
        match item {
            Item::Seen(_) => summary.known += 1,
            Item::Unreadable { .. } => summary.failed += 1,
            Item::Extracted { record, .. } => {
                // A file is failed whoever stored it; its entities are
                // counted by the worker that stored them.
                if record.status == Status::Error {
                    summary.failed += 1;
                }
                if written.already.contains(&record.source.sha256) {
                    summary.already += 1;
                    continue;
                }
                if record.status == Status::Ok {
                    summary.stored += 1;
                }
                summary.entities[0] += record.legal_references.len();
                summary.entities[1] += record.dates.len();
                summary.entities[2] += record.numbers.len();
                summary.entities[3] += record.percentages.len();
            }
        }
    }
    Ok(())
}

impl Pipeline {
    /// One file of an ingest: skip it, record where known content is, or extract it.
    pub(crate) fn ingest_one(&self, path: &Path, known: &Known, opts: IngestOptions) -> Outcome {
        let key = path.display().to_string();
        let unreadable = |e: DocError| {
            Outcome::Write(Item::Unreadable {
                path: key.clone(),
                kind: e.kind().to_string(),
                message: e.to_string(),
            })
        };
        let io_error = |source| DocError::Io {
            path: path.to_path_buf(),
            source,
        };
        let meta = match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                return unreadable(io_error(io::Error::other("is a folder, not a document")))
            }
            Ok(m) => m,
            Err(e) => return unreadable(io_error(e)),
        };
        let size = meta.len();
        if size > self.max_bytes {
            return unreadable(DocError::TooLarge {
                path: path.to_path_buf(),
                bytes: size,
                limit: self.max_bytes,
            });
        }
        let mtime_ns = mtime_ns(&meta);
        let stored = |sha: &str| known.documents.get(sha).copied();
        let redo = |status: Option<Status>| {
            opts.force || (opts.retry_failed && status == Some(Status::Error))
        };
        if let Some(stamp) = known.files.get(&key) {
            let status = stored(&stamp.sha256);
            if stamp.size == size && stamp.mtime_ns == mtime_ns && status.is_some() && !redo(status)
            {
                return Outcome::Unchanged {
                    failed: status == Some(Status::Error),
                };
            }
        }
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => return unreadable(io_error(e)),
        };
        let sha = hex_sha256(&bytes);
        let file = FileSeen {
            path: key.clone(),
            stamp: FileStamp {
                size: bytes.len() as u64,
                mtime_ns,
                sha256: sha.clone(),
            },
        };
        let status = stored(&sha);
        if status.is_some() && !redo(status) {
            return Outcome::Write(Item::Seen(file));
        }
        let ext = path.extension().and_then(|e| e.to_str());
        let (record, _) = self.process_hashed(file.path.clone(), &sha, &bytes, ext);
        // Serializing here, on the worker, keeps the writer thread free.
        match serde_json::to_string(&record) {
            Ok(json) => Outcome::Write(Item::Extracted {
                file,
                record: Box::new(record),
                json,
                replace: status.is_some(),
            }),
            Err(e) => unreadable(DocError::Panic {
                message: format!("cannot encode the record as JSON: {e}"),
            }),
        }
    }
}

/// One worker's slice of the inputs: `--shard K/N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 0-based index of this worker.
    pub index: u32,
    /// Number of workers.
    pub count: u32,
}

/// A `--shard` value that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ShardError {
    #[error("--shard takes K/N with 0 <= K < N (e.g. 0/4), or auto/N; got `{0}`")]
    Syntax(String),
    #[error("--shard auto/N needs JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID in the environment")]
    NoIndex,
    #[error("shard index {index} from {var} is not below the shard count {count}; Slurm arrays must run 0..{count} (--array=0-{last})", last = count - 1)]
    IndexOutOfRange {
        var: &'static str,
        index: u32,
        count: u32,
    },
}

impl Shard {
    /// Parses `K/N` or `auto/N`, reading the index for `auto` through `env`
    /// (`JOB_COMPLETION_INDEX` first, then `SLURM_ARRAY_TASK_ID`).
    pub fn parse(spec: &str, env: impl Fn(&str) -> Option<String>) -> Result<Shard, ShardError> {
        let syntax = || ShardError::Syntax(spec.to_string());
        let (k, n) = spec.split_once('/').ok_or_else(syntax)?;
        let count: u32 = n.trim().parse().map_err(|_| syntax())?;
        if count == 0 {
            return Err(syntax());
        }
        if k.trim() == "auto" {
            for var in ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"] {
                if let Some(v) = env(var) {
                    let index: u32 = v.trim().parse().map_err(|_| syntax())?;
                    if index >= count {
                        return Err(ShardError::IndexOutOfRange { var, index, count });
                    }
                    return Ok(Shard { index, count });
                }
            }
            return Err(ShardError::NoIndex);
        }
        let index: u32 = k.trim().parse().map_err(|_| syntax())?;
        if index >= count {
            return Err(syntax());
        }
        Ok(Shard { index, count })
    }

    /// Whether `path` (found under one of `roots`) is this worker's.
    pub fn owns(&self, path: &Path, roots: &[PathBuf]) -> bool {
        shard_of(path, roots, self.count) == self.index
    }
}

/// A file's modification time in nanoseconds since 1970 (0 when the file
/// system keeps none), as stored in `files.mtime_ns`.
pub(crate) fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// The shard (0-based, of `n`) a file belongs to, from its path below the
/// folder it was found in (or as given, for a file named directly). Every
/// worker computes the same answer on any machine, wherever the backlog is mounted.
pub fn shard_of(path: &Path, roots: &[PathBuf], n: u32) -> u32 {
    let rel = roots
        .iter()
        .find_map(|r| {
            path.strip_prefix(r)
                .ok()
                .filter(|p| !p.as_os_str().is_empty())
        })
        .unwrap_or(path);
    let digest = Sha256::digest(rel.to_string_lossy().as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(first) % u64::from(n.max(1))) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_a_document_becomes_a_value_with_its_message() {
        let got = guard_panics(
            || -> String { panic!("boom in reader") },
            |m| format!("caught: {m}"),
        );
        assert!(
            got.starts_with("caught: boom in reader at src/batch.rs:"),
            "{got}"
        );
    }

    #[test]
    fn shard_index_comes_from_the_flag_or_the_scheduler() {
        let none = |_: &str| None;
        assert_eq!(Shard::parse("2/8", none), Ok(Shard { index: 2, count: 8 }));
        let k8s = |v: &str| (v == "JOB_COMPLETION_INDEX").then(|| "3".to_string());
        assert_eq!(
            Shard::parse("auto/4", k8s),
            Ok(Shard { index: 3, count: 4 })
        );
        let slurm = |v: &str| (v == "SLURM_ARRAY_TASK_ID").then(|| "4".to_string());
        assert!(matches!(
            Shard::parse("auto/4", slurm),
            Err(ShardError::IndexOutOfRange {
                index: 4,
                count: 4,
                ..
            })
        ));
        assert_eq!(Shard::parse("auto/4", none), Err(ShardError::NoIndex));
        for bad in ["4/4", "1", "a/2", "0/0", "-1/3"] {
            assert!(Shard::parse(bad, none).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn shards_split_files_by_their_path_below_the_folder_whatever_the_mount_point() {
        let here = [PathBuf::from("/mnt/a/backlog")];
        let there = [PathBuf::from("/srv/backlog")];
        let mut counts = [0usize; 4];
        for i in 0..400 {
            let rel = format!("2019/bao-cao-{i}.txt");
            let a = shard_of(&here[0].join(&rel), &here, 4);
            let b = shard_of(&there[0].join(&rel), &there, 4);
            assert_eq!(a, b, "{rel} lands in different shards on two machines");
            counts[a as usize] += 1;
        }
        // A fair hash: no shard gets less than half its share of 100.
        assert!(
            counts.iter().all(|&c| c > 50),
            "unbalanced shards: {counts:?}"
        );
    }

    /// More files than the window and three progress chunks, each citing an
    /// act under its own number.
    fn many_reports(name: &str) -> (PathBuf, Vec<PathBuf>) {
        let dir = std::env::temp_dir().join(format!("vanban-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a scratch folder");
        let files: Vec<PathBuf> = (0..(WINDOW + 3).max(3 * CHUNK + 7))
            .map(|i| {
                let path = dir.join(format!("{i:04}.txt"));
                let text = format!(
                    "Thực hiện Kế hoạch số {i}/KH-UBND ngày 17/4/2024 của Ủy ban nhân dân thành phố Hải Phòng.\n"
                );
                std::fs::write(&path, text).expect("a scratch file");
                path
            })
            .collect();
        (dir, files)
    }

    #[test]
    fn records_come_out_in_input_order_past_the_window_on_many_jobs() {
        let (dir, files) = many_reports("order");
        let pipeline = Pipeline::new(&Patterns::embedded().expect("built-in patterns"))
            .expect("built-in patterns compile");
        let mut out = Vec::new();
        let mut progress = Vec::new();
        let summary = run(
            &pipeline,
            &files,
            2,
            |r| {
                (
                    r.source.path.clone(),
                    r.legal_references.first().map(|l| l.text.clone()),
                )
            },
            |_, item| {
                out.push(item);
                Ok(())
            },
            |s| progress.push(s.done),
        )
        .expect("the run completes");
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(summary.done, files.len());
        assert_eq!(summary.ok, files.len());
        assert_eq!(progress, [CHUNK, 2 * CHUNK, 3 * CHUNK, files.len()]);
        for (i, ((path, cited), file)) in out.iter().zip(&files).enumerate() {
            assert_eq!(path, &file.display().to_string(), "record {i} out of order");
            assert_eq!(
                cited.as_deref(),
                Some(format!("Kế hoạch số {i}/KH-UBND").as_str())
            );
        }
    }

    #[test]
    fn a_failed_write_stops_the_run_with_its_error() {
        let (dir, files) = many_reports("write-error");
        let pipeline = Pipeline::new(&Patterns::embedded().expect("built-in patterns"))
            .expect("built-in patterns compile");
        let mut written = 0;
        let mut progress = Vec::new();
        let got = run(
            &pipeline,
            &files,
            2,
            |_| (),
            |_, ()| {
                if written == CHUNK + 10 {
                    return Err(io::Error::other("disk full"));
                }
                written += 1;
                Ok(())
            },
            |s| progress.push(s.done),
        );
        let _ = std::fs::remove_dir_all(&dir);
        let err = got.expect_err("the write error ends the run");
        assert_eq!(err.to_string(), "disk full");
        assert_eq!(written, CHUNK + 10);
        assert_eq!(
            progress,
            [CHUNK],
            "no progress is reported past the failed chunk"
        );
    }

    #[test]
    fn a_worker_panic_ends_the_run_instead_of_leaving_it_waiting() {
        let (dir, files) = many_reports("panic");
        let (tx, rx) = mpsc::channel();
        // On its own thread: a run left waiting fails the test, not hangs it.
        std::thread::spawn(move || {
            let pipeline = Pipeline::new(&Patterns::embedded().expect("built-in patterns"))
                .expect("built-in patterns compile");
            let got = panic::catch_unwind(AssertUnwindSafe(|| {
                run(
                    &pipeline,
                    &files,
                    2,
                    |r| assert!(!r.source.path.ends_with("0005.txt"), "a bug in a sink"),
                    |_, ()| Ok(()),
                    |_| {},
                )
            }));
            let _ = tx.send(got.is_err());
        });
        let got = rx.recv_timeout(Duration::from_secs(60));
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            got,
            Ok(true),
            "the panic reaches the caller within a minute"
        );
    }

    #[test]
    fn workers_wait_while_the_window_is_full_and_go_on_when_a_record_is_written() {
        let window = Window::new(10, 3);
        let handed_over = std::sync::atomic::AtomicUsize::new(0);
        let hand_over = || {
            handed_over.fetch_add(1, Ordering::SeqCst);
        };
        assert_eq!(
            [
                window.claim(hand_over),
                window.claim(hand_over),
                window.claim(hand_over)
            ],
            [Some(0), Some(1), Some(2)]
        );
        assert_eq!(
            handed_over.load(Ordering::SeqCst),
            0,
            "handed over with room left"
        );
        std::thread::scope(|s| {
            let (tx, rx) = mpsc::channel();
            let window = &window;
            s.spawn(move || tx.send(window.claim(hand_over)));
            let wait = Duration::from_millis(200);
            assert!(rx.recv_timeout(wait).is_err(), "claimed past a full window");
            assert_eq!(
                handed_over.load(Ordering::SeqCst),
                1,
                "a worker hands over what it holds once before it waits"
            );
            window.written(1);
            assert_eq!(rx.recv_timeout(10 * wait), Ok(Some(3)));
        });
        window.stop();
        assert_eq!(window.claim(|| {}), None, "claimed after the run stopped");
    }

    #[test]
    fn no_panic_passes_the_value_through() {
        assert_eq!(guard_panics(|| 7, |_| 0), 7);
    }

    #[test]
    fn sha256_is_lowercase_hex_of_the_bytes() {
        assert_eq!(
            hex_sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
