//! Command-line interface: parses flags and calls the library. Every flag is
//! documented where it is defined; `vanban help COMMAND` shows it.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};

use crate::batch::{self, Pipeline};
use crate::eval;
use crate::ingest::ForcedEncoding;
use crate::patterns::Patterns;
use crate::record::Record;
use crate::sink::db::{self, DbUrl};
use crate::sink::JsonLines;
use crate::watch;

/// Exit code when every file was processed.
pub const EXIT_OK: u8 = 0;
/// Exit code when the run finished but some files failed (their error records were written).
pub const EXIT_SOME_FAILED: u8 = 1;
/// Exit code for usage errors and for failures that stop the run (output not writable, bad patterns).
pub const EXIT_FATAL: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "vanban",
    version,
    about = "Turn Vietnamese administrative reports (TXT, DOCX, PDF) into structured JSON and a database",
    long_about = "Turn Vietnamese administrative reports into structured JSON: every number, date, \
percentage and legal reference (Nghị định số 06/2013/NĐ-CP, Chỉ thị số 07/CT-BCA-V28, \
Nghị quyết số 22-NQ/TW, Thông tư 23...), what each quantity measures, and the document's own \
metadata; one JSON object per document, loaded into SQLite or PostgreSQL by `vanban ingest`.",
    after_help = "Examples:
  vanban ingest corpus/                       every report under corpus/ into ./vanban.db, once
  vanban ingest backlog/ --db postgres://vanban@db/archive
  vanban watch /srv/baocao                    a daemon for a shared folder
  vanban check corpus/                        citations with wrong or missing years, replaced acts
  vanban extract corpus/ -o corpus.jsonl      the same records as JSON Lines
  vanban extract report.txt | jq .dates       one report to stdout
  vanban text report.txt                      the normalized text the offsets point into
  vanban eval corpus/gold corpus/             precision, recall and F1 against gold annotations
  vanban schema > record.schema.json          the JSON Schema of one output record

Exit codes: 0 all files processed; 1 some files failed (their error records are in the output \
or the database; `vanban check`: some citation error found); 2 usage error or the run could not \
go on."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,

    /// Folder of vocabulary files (doc_types.tsv, issuers.tsv, units.tsv, scales.tsv,
    /// number_context.tsv, relations.tsv, registry.tsv…) replacing the built-in ones, file by file.
    #[arg(long, global = true, value_name = "DIR")]
    patterns: Option<PathBuf>,

    /// Regulation registry rows (TSV or CSV with the columns of patterns/registry.tsv: id,
    /// type, issuer, issued, title, status, replaced_by, amended_by, source) added to the
    /// built-in registry; a row with a known id replaces it.
    #[arg(long, global = true, value_name = "FILE")]
    registry: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Extract entities from files and folders, one JSON line per file.
    #[command(after_help = "Examples:
  vanban extract corpus/                      all .txt/.pdf/.docx files under corpus/, to stdout
  vanban extract -j 1 -o out.jsonl a.txt b.txt
  vanban extract backlog/ -o backlog.jsonl 2> progress.log

Every input file yields exactly one record, failed files included (status \"error\", with
error.kind and error.message). Records are written in sorted path order.")]
    Extract(ExtractArgs),
    /// Print a document's normalized text: the text entity offsets point into.
    #[command(after_help = "Examples:
  vanban text corpus/000_845d2233afef5d90.txt | less
  vanban text --show-encoding old/baocao_1998.txt > baocao.txt
      stderr: vanban: old/baocao_1998.txt: encoding tcvn3 (detected, confidence 0.98); non-Vietnamese words 0.4%
  vanban text --encoding vni --show-encoding old/vni.txt

--show-encoding prints one line on stderr (stdout stays the text alone): the encoding, whether
it was detected or forced, its confidence (0 to 1: the share of non-ASCII words that decode to
Vietnamese; 1 for UTF-8), and the share of sampled words that are not Vietnamese (high means
mojibake). The same figures are text.encoding, text.encoding_confidence and
text.non_vietnamese_share in `vanban extract` records.")]
    Text {
        /// The document to read.
        file: PathBuf,
        /// Decode the file with this encoding instead of detecting it.
        #[arg(long, value_name = "NAME", value_parser = parse_encoding)]
        encoding: Option<ForcedEncoding>,
        /// Also print the encoding, its confidence and the text quality on stderr.
        #[arg(long)]
        show_encoding: bool,
    },
    /// Print the JSON Schema of one output record.
    #[command(after_help = "Example:
  vanban schema > record.schema.json          every field of a record, with its meaning")]
    Schema,
    /// Score extraction against gold annotations: precision, recall and F1 per entity kind.
    #[command(after_help = "Examples:
  vanban eval corpus/gold corpus/             the table of figures
  vanban eval corpus/gold corpus/ --details   also every missed and spurious entity, per document
  vanban eval corpus/gold corpus/ --json      machine-readable report
  vanban eval corpus/gold corpus/*.txt --meaning corpus/gold/meaning/fields.json
                                              also unit, counted, ratio… against the meaning gold

Gold files are named <name>.gold.json and follow ANNOTATION.md; a document is matched to its
gold file by the file name in the gold's \"doc\" field.")]
    Eval(EvalArgs),
    /// Load files and folders into a database (SQLite by default), exactly once.
    #[command(after_help = "Examples:
  vanban ingest corpus/                       into ./vanban.db (embedded SQLite)
  vanban ingest /srv/backlog --db sqlite:/srv/archive.db
  vanban ingest /srv/backlog --db postgres://vanban@db.local/archive
  vanban ingest /mnt/backlog --db postgres://… --shard 2/8     one of 8 machines
  vanban ingest /mnt/backlog --db postgres://… --shard auto/8  index from Kubernetes or Slurm

Run it again after a crash or a power cut: files already stored are skipped (an unchanged file
is not even read), the rest is done, and nothing is stored twice. A document's rows are written
in one transaction. A copy or a moved file is recognised by its content (SHA-256) and only its
new path is recorded; a changed file is stored as a new version.

Exit codes: 0 every file stored; 1 some files failed (`vanban failures` lists them);
2 usage error or the database could not be used.")]
    Ingest(IngestArgs),
    /// List the files whose extraction failed, with their error, from a database.
    #[command(after_help = "Examples:
  vanban failures                             from ./vanban.db
  vanban failures --db postgres://vanban@db.local/archive --json")]
    Failures(FailuresArgs),
    /// Write back what a database holds: one record per document (JSON Lines) or one row per entity (CSV).
    #[command(after_help = "Examples:
  vanban export -o archive.jsonl              every stored record, as `vanban extract` wrote it
  vanban export --format csv -o entities.csv  path, sha256, kind, text, value, offsets, page")]
    Export(ExportArgs),
    /// Watch folders and ingest each report dropped into them, exactly once (a daemon).
    #[command(after_help = "Examples:
  vanban watch /srv/incoming                          into ./vanban.db, events + a start-up scan
  vanban watch /mnt/smb/baocao --db postgres://vanban@db/archive --poll 15
  vanban watch /srv/incoming --move-done /srv/done --move-failed /srv/failed --log-format json

A file is taken once its size and modification time have not changed for --settle seconds, so
files written slowly (scanners, copies over the network) are read whole. Temporary and system
files are skipped (~$*, *.tmp, *.part, .~lock*, Thumbs.db, desktop.ini, .DS_Store, hidden
files); --ignore adds patterns. On a network file system (NFS, SMB/CIFS, FUSE) no events
arrive, so polling is on by default there. On start the folders are scanned, so files that
arrived while the daemon was down are taken; what is already stored is not taken again. A
failed file is recorded with its error and tried again only when it changes. SIGTERM or
SIGINT stops it after the batch in hand is committed. deploy/vanban-watch.service runs it
under systemd.")]
    Watch(WatchArgs),
    /// Check the legal citations of files, folders or a database: wrong years, missing years,
    /// dates that disagree with the registry, replaced acts, type words that contradict the symbol.
    #[command(after_help = "Examples:
  vanban check corpus/*.txt                   a table on a terminal, JSON Lines when piped
  vanban check corpus/ --format json | jq 'select(.severity == \"error\")'
  vanban check --db sqlite:vanban.db          the stored documents, against today's registry
  vanban check corpus/ --unknown              also each citation the registry does not know
  vanban check corpus/ --registry national.csv

Kinds: year_mismatch (error: the number's year is not the date's), date_mismatch (error: the
date is not the registry's), invalid_date (error: 31/02/2017, 13/6/20205), missing_year
(warning: 06/NĐ-CP for a type whose numbers carry a year; suggested_id from the date or the
registry), type_code_mismatch (warning; notice for a Kết luận with code TB), superseded
(warning: cited as current after the registry's replacing act was issued), inconsistent
(warning: one id cited with different dates across the documents checked), unknown (notice,
only with --unknown).

Exit codes: 0 no finding of severity error; 1 some error findings; 2 usage error or the
inputs could not be read.")]
    Check(CheckArgs),
}

#[derive(Args, Debug)]
struct CheckArgs {
    /// Files and folders to check (walked like `extract`). Not with --db.
    #[arg(
        value_name = "PATH",
        conflicts_with = "db",
        required_unless_present = "db"
    )]
    paths: Vec<PathBuf>,
    /// Check the documents stored in this database instead of files.
    #[arg(long, value_name = "URL")]
    db: Option<String>,
    /// Output: `table` for people, `json` (one finding per line); `auto` is a table on a
    /// terminal and JSON otherwise.
    #[arg(long, value_enum, default_value = "auto")]
    format: CheckFormat,
    /// Also report citations the registry does not know (severity notice; most are).
    #[arg(long)]
    unknown: bool,
    /// Number of documents processed in parallel [default: all cores].
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum CheckFormat {
    Auto,
    Table,
    Json,
}

#[derive(Args, Debug)]
struct WatchArgs {
    /// Folders to watch, recursively.
    #[arg(required = true, value_name = "DIR")]
    dirs: Vec<PathBuf>,
    #[command(flatten)]
    db: DbArg,
    /// Also scan the folders every SECS seconds [default: 15 on a network file system, else off].
    #[arg(long, value_name = "SECS")]
    poll: Option<f64>,
    /// Do not listen to file-system events; find files by polling only.
    #[arg(long)]
    no_events: bool,
    /// Seconds a file's size and modification time must stay the same before it is taken.
    #[arg(long, value_name = "SECS", default_value_t = 5.0)]
    settle: f64,
    /// File-name pattern never taken (`*`, `?`; case-insensitive); repeatable.
    #[arg(long, value_name = "GLOB")]
    ignore: Vec<String>,
    /// Move each stored file into DIR (renamed ` (1)`… when the name is taken).
    #[arg(long, value_name = "DIR")]
    move_done: Option<PathBuf>,
    /// Move each failed file into DIR.
    #[arg(long, value_name = "DIR")]
    move_failed: Option<PathBuf>,
    /// Log format on stderr: one line per event.
    #[arg(long, value_enum, default_value = "text")]
    log_format: LogFormat,
    /// Seconds between health lines (files seen, ingested, failed, queue length).
    #[arg(long, value_name = "SECS", default_value_t = 60.0)]
    health_every: f64,
    /// Number of documents extracted in parallel [default: all cores].
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
    /// Refuse files larger than this many bytes (recorded as failures of kind "too_large").
    #[arg(long, value_name = "BYTES", default_value_t = batch::DEFAULT_MAX_BYTES)]
    max_bytes: u64,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

/// The database flag, shared by the commands that use one.
#[derive(Args, Debug)]
struct DbArg {
    /// Database: `sqlite:PATH` (embedded, created when missing) or `postgres://USER@HOST/DB`
    /// (`postgresql:///DB?host=/run/postgresql` for a local socket).
    #[arg(
        long,
        value_name = "URL",
        env = "VANBAN_DB",
        default_value = "sqlite:vanban.db"
    )]
    db: String,
}

#[derive(Args, Debug)]
struct IngestArgs {
    /// Files and folders to load. Folders are walked recursively for .txt, .pdf and .docx files.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    db: DbArg,
    /// Number of documents extracted in parallel [default: all cores].
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
    /// Re-extract every file, even unchanged ones, and overwrite what is stored.
    #[arg(long)]
    force: bool,
    /// Re-extract files whose stored extraction failed (e.g. after an upgrade).
    #[arg(long)]
    retry_failed: bool,
    /// Take only slice K of N (0-based) of the files, chosen by a hash of each file's path
    /// below the folder given; `auto/N` reads K from JOB_COMPLETION_INDEX (Kubernetes
    /// Indexed Job) or SLURM_ARRAY_TASK_ID. Every worker must be given the same folders.
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Documents per database transaction.
    #[arg(long, value_name = "N", default_value_t = 256)]
    batch: usize,
    /// Refuse files larger than this many bytes (recorded as failures of kind "too_large").
    #[arg(long, value_name = "BYTES", default_value_t = batch::DEFAULT_MAX_BYTES)]
    max_bytes: u64,
    /// Print no progress and no summary on stderr.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Args, Debug)]
struct FailuresArgs {
    #[command(flatten)]
    db: DbArg,
    /// One JSON object per failure instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct ExportArgs {
    #[command(flatten)]
    db: DbArg,
    /// Output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    format: ExportFormat,
    /// Write to FILE instead of stdout (written to FILE.part, renamed when complete).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum ExportFormat {
    /// One stored record per line, as `vanban extract` writes it.
    Jsonl,
    /// One row per entity: path, sha256, kind, text, value, start, end, page.
    Csv,
}

#[derive(Args, Debug)]
struct ExtractArgs {
    /// Files and folders to read. Folders are walked recursively for .txt, .pdf and .docx files.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Write JSON Lines to FILE instead of stdout (written to FILE.part, renamed when complete).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Number of documents processed in parallel [default: all cores].
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
    /// Refuse files larger than this many bytes (error kind "too_large").
    #[arg(long, value_name = "BYTES", default_value_t = batch::DEFAULT_MAX_BYTES)]
    max_bytes: u64,
    /// Print no progress and no summary on stderr.
    #[arg(short, long)]
    quiet: bool,
    /// Decode every text file with this encoding instead of detecting it:
    /// utf-8, utf-16, windows-1258, tcvn3, vni or viqr. Without it, valid UTF-8
    /// is UTF-8 and other files are read as the legacy encoding that clearly
    /// reads best (text.encoding and text.encoding_confidence say which).
    #[arg(long, value_name = "NAME", value_parser = parse_encoding)]
    encoding: Option<ForcedEncoding>,
}

fn parse_encoding(name: &str) -> Result<ForcedEncoding, String> {
    ForcedEncoding::from_name(name).ok_or_else(|| {
        format!(
            "unknown encoding {name:?}; expected one of {}",
            ForcedEncoding::NAMES
        )
    })
}

#[derive(Args, Debug)]
struct EvalArgs {
    /// Folder of gold annotation files (*.gold.json).
    gold: PathBuf,
    /// Documents (files or folders) to extract and score.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// List every missed and spurious entity, per document.
    #[arg(long)]
    details: bool,
    /// Also score the meaning fields (unit, counted, qualifier, ratio, range,
    /// percentage `of`, date `role`) against this file
    /// (corpus/gold/meaning/fields.json; format in its README).
    #[arg(long, value_name = "FILE")]
    meaning: Option<PathBuf>,
    /// Number of documents processed in parallel [default: all cores].
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
}

/// Parses the command line, runs the command, and turns its outcome into an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::from(EXIT_OK); // `vanban extract … | head` is not an error
            }
            eprintln!("vanban: error: {e:#}");
            ExitCode::from(EXIT_FATAL)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

fn run(cli: Cli) -> Result<u8> {
    let mut patterns =
        Patterns::load(cli.patterns.as_deref()).context("loading the vocabulary (--patterns)")?;
    if let Some(path) = &cli.registry {
        let extra = crate::check::Registry::load_file(path).context("loading --registry")?;
        patterns.registry.merge(extra);
    }
    match cli.command {
        Command::Extract(args) => extract(&patterns, args),
        Command::Text {
            file,
            encoding,
            show_encoding,
        } => {
            let mut pipeline = Pipeline::new(&patterns)?;
            pipeline.encoding = encoding;
            // The message already names the cause; the chain would repeat it.
            let got = pipeline
                .text_of(&file)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if show_encoding {
                let i = &got.info;
                eprintln!(
                    "vanban: {}: encoding {} ({}, confidence {:.2}); non-Vietnamese words {:.1}%",
                    file.display(),
                    i.encoding,
                    if i.encoding_forced {
                        "forced"
                    } else {
                        "detected"
                    },
                    i.encoding_confidence,
                    i.non_vietnamese_share * 100.0
                );
            }
            let mut out = std::io::stdout().lock();
            out.write_all(got.text.as_bytes())?;
            out.write_all(b"\n")?;
            Ok(EXIT_OK)
        }
        Command::Schema => {
            let schema = schemars::schema_for!(Record);
            println!("{}", serde_json::to_string_pretty(&schema)?);
            Ok(EXIT_OK)
        }
        Command::Eval(args) => evaluate(&patterns, args),
        Command::Ingest(args) => ingest(&patterns, args),
        Command::Failures(args) => failures(args),
        Command::Export(args) => export(args),
        Command::Watch(args) => watch(&patterns, args),
        Command::Check(args) => check(&patterns, args),
    }
}

fn check(patterns: &Patterns, args: CheckArgs) -> Result<u8> {
    use crate::check::{Checker, Doc, Line, Options};
    let checker = Checker::new(patterns);
    let mut docs: Vec<Doc> = Vec::new();
    if let Some(spec) = &args.db {
        let (url, mut store) = open_db(spec)?;
        store
            .export(&mut |json| {
                docs.extend(Doc::from_json(json));
                Ok(())
            })
            .with_context(|| format!("reading records from {}", url.display()))?;
    } else {
        let pipeline = Pipeline::with_jobs(patterns, default_jobs(args.jobs))?;
        let (files, problems) = inputs(&args.paths)?;
        for p in &problems {
            eprintln!("vanban: warning: {}: {}", p.path.display(), p.error);
        }
        batch::run(
            &pipeline,
            &files,
            default_jobs(args.jobs),
            |r| r,
            |_, r| {
                if let Some(e) = &r.error {
                    eprintln!(
                        "vanban: warning: {}: not checked: {}",
                        r.source.path, e.message
                    );
                }
                docs.push(Doc::new(
                    &r.source.path,
                    r.metadata.date.as_ref().map(|d| d.value.as_str()),
                    &r.legal_references,
                    &r.warnings,
                ));
                Ok(())
            },
            |_| {},
        )?;
    }
    docs.sort_by(|a, b| a.path.cmp(&b.path));
    let opts = Options {
        unknown: args.unknown,
    };
    let mut found: Vec<(String, crate::record::Finding)> = Vec::new();
    for d in &docs {
        found.extend(
            checker
                .document(d, opts)
                .into_iter()
                .map(|f| (d.path.clone(), f)),
        );
    }
    found.extend(checker.corpus(&docs));
    found.sort_by_key(|(p, f)| (p.clone(), f.spans.first().map_or(0, |s| s.start)));
    let errors = found
        .iter()
        .filter(|(_, f)| f.severity == crate::record::Severity::Error)
        .count();
    let json = match args.format {
        CheckFormat::Json => true,
        CheckFormat::Table => false,
        CheckFormat::Auto => !std::io::stdout().is_terminal(),
    };
    let mut out = std::io::stdout().lock();
    for (path, f) in &found {
        let line = Line::new(path, f);
        if json {
            serde_json::to_writer(&mut out, &line)?;
            writeln!(out)?;
        } else {
            writeln!(
                out,
                "{:<8} {:<18} {}:{}  {}",
                line.severity,
                line.kind,
                path,
                line.start.map_or(String::new(), |s| s.to_string()),
                line.message
            )?;
            if let Some(vi) = line.message_vi {
                writeln!(out, "{:<28}{vi}", "")?;
            }
        }
    }
    out.flush()?;
    eprintln!(
        "vanban: {} documents checked, {} findings ({} errors)",
        docs.len(),
        found.len(),
        errors
    );
    Ok(if errors > 0 {
        EXIT_SOME_FAILED
    } else {
        EXIT_OK
    })
}

fn default_jobs(jobs: Option<usize>) -> usize {
    jobs.filter(|&j| j > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Expands paths, reporting unreadable ones; fails when nothing is left to do.
fn inputs(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<batch::InputProblem>)> {
    let (files, problems) = batch::collect_inputs(paths);
    if files.is_empty() && problems.is_empty() {
        bail!("no .txt, .pdf or .docx files found in the given paths; name files directly to read other extensions");
    }
    Ok((files, problems))
}

fn extract(patterns: &Patterns, args: ExtractArgs) -> Result<u8> {
    let jobs = default_jobs(args.jobs);
    let mut pipeline = Pipeline::with_jobs(patterns, jobs)?;
    pipeline.max_bytes = args.max_bytes;
    pipeline.encoding = args.encoding;
    let (mut files, problems) = inputs(&args.paths)?;
    // Paths that could not be listed get their error record in path order
    // with the rest: processing them again surfaces the error.
    files.extend(problems.into_iter().map(|p| p.path));
    files.sort();
    files.dedup();
    let mut sink = match &args.output {
        Some(path) => {
            JsonLines::create(path).with_context(|| format!("cannot create {}", path.display()))?
        }
        None => JsonLines::stdout(),
    };
    let mut progress = Progress::new(args.quiet, files.len());
    let summary = batch::run(
        &pipeline,
        &files,
        jobs,
        |r| JsonLines::line(&r),
        |_, line| sink.write_line(&line?),
        |s| progress.update(s.done, s.failed, s.elapsed),
    )
    .context("writing records")?;
    sink.finish().context("finishing the output file")?;
    let failed = summary.failed;
    progress.finish();
    if !args.quiet {
        eprintln!(
            "vanban: {} files: {} ok, {} failed in {:.2}s ({:.1} files/s, {} jobs){}",
            summary.done,
            summary.ok,
            failed,
            summary.elapsed.as_secs_f64(),
            summary.files_per_second(),
            jobs,
            if failed > 0 {
                "; failed files have status \"error\" in the output"
            } else {
                ""
            }
        );
    }
    Ok(if failed > 0 {
        EXIT_SOME_FAILED
    } else {
        EXIT_OK
    })
}

fn evaluate(patterns: &Patterns, args: EvalArgs) -> Result<u8> {
    let gold = eval::load_gold(&args.gold)?;
    let pipeline = Pipeline::with_jobs(patterns, default_jobs(args.jobs))?;
    let (files, problems) = inputs(&args.paths)?;
    for p in &problems {
        eprintln!("vanban: warning: {}: {}", p.path.display(), p.error);
    }
    let mut records = Vec::with_capacity(files.len());
    batch::run(
        &pipeline,
        &files,
        default_jobs(args.jobs),
        |r| r,
        |_, r| {
            records.push(r);
            Ok(())
        },
        |_| {},
    )?;
    let mut report = eval::evaluate(&gold, &records);
    if let Some(path) = &args.meaning {
        let meaning = eval::load_meaning(path)?;
        let mut texts = Vec::new();
        for r in &records {
            let wanted = meaning.docs.iter().any(|d| {
                Path::new(&r.source.path)
                    .file_stem()
                    .is_some_and(|s| Path::new(&d.doc).file_stem() == Some(s))
            });
            if wanted {
                let text = pipeline.text_of(Path::new(&r.source.path))?.text;
                texts.push((r, text));
            }
        }
        let pairs: Vec<(&Record, &str)> = texts.iter().map(|(r, t)| (*r, t.as_str())).collect();
        report.meaning = Some(eval::evaluate_meaning(&meaning, &pairs));
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(EXIT_OK);
    }
    if args.details {
        for d in &report.docs {
            if d.misses.is_empty() {
                continue;
            }
            println!("== {}", d.doc);
            for m in &d.misses {
                println!("  {:<16} {:<8} {:<28} {:?}", m.kind, m.side, m.key, m.text);
            }
        }
        println!();
    }
    print!("{}", report.table());
    println!("({} documents scored)", report.docs.len());
    if let Some(m) = &report.meaning {
        if args.details {
            println!();
            for x in &m.misses {
                println!(
                    "  {:<22} {:<12} gold {:<28} got {:<28} in {:?}",
                    x.field,
                    x.text,
                    format!("{:?}", x.gold),
                    format!("{:?}", x.predicted),
                    x.at
                );
            }
        }
        println!();
        print!("{}", m.table());
        println!("({} meaning entries scored)", m.entries);
        for u in &m.unlocated {
            eprintln!("vanban: warning: meaning gold snippet not found: {u}");
        }
    }
    for p in &report.without_gold {
        eprintln!("vanban: warning: no gold annotation for {p}; not scored");
    }
    for d in &report.without_document {
        eprintln!("vanban: warning: gold file for {d} but no such document among the inputs");
    }
    Ok(EXIT_OK)
}

fn open_db(spec: &str) -> Result<(DbUrl, Box<dyn db::Store>)> {
    let url = DbUrl::parse(spec)?;
    let store = db::open(&url).with_context(|| {
        format!(
            "cannot open the database {}; check the --db URL{}",
            url.display(),
            match url {
                DbUrl::Sqlite(_) => " and that its folder exists and is writable",
                DbUrl::Postgres(_) => ", that the server is running and that the user may connect",
            }
        )
    })?;
    Ok((url, store))
}

fn ingest(patterns: &Patterns, args: IngestArgs) -> Result<u8> {
    let jobs = default_jobs(args.jobs);
    let mut pipeline = Pipeline::with_jobs(patterns, jobs)?;
    pipeline.max_bytes = args.max_bytes;
    let shard = args
        .shard
        .as_deref()
        .map(|s| batch::Shard::parse(s, |v| std::env::var(v).ok()))
        .transpose()?;
    let (mut files, problems) = inputs(&args.paths)?;
    // Unlistable paths are recorded as failures, like unreadable files.
    files.extend(problems.into_iter().map(|p| p.path));
    files.sort();
    files.dedup();
    if let Some(shard) = shard {
        files.retain(|f| shard.owns(f, &args.paths));
    }
    let (url, mut store) = open_db(&args.db.db)?;
    let mut progress = Progress::new(args.quiet, files.len());
    let opts = batch::IngestOptions {
        jobs,
        batch: args.batch,
        force: args.force,
        retry_failed: args.retry_failed,
    };
    let s = batch::ingest(&pipeline, &files, store.as_mut(), opts, |s| {
        progress.update(s.done, s.failed, s.elapsed)
    })
    .with_context(|| format!("writing to {}", url.display()))?;
    progress.finish();
    if !args.quiet {
        let shard = shard.map_or(String::new(), |s| {
            format!(" (shard {}/{})", s.index, s.count)
        });
        eprintln!(
            "vanban: {} files{shard} into {}: {} stored, {} failed, {} unchanged, {} already stored \
             (copies, moves) in {:.2}s ({:.1} files/s, {} jobs)",
            s.done,
            url.display(),
            s.stored,
            s.failed,
            s.unchanged,
            s.known + s.already,
            s.elapsed.as_secs_f64(),
            s.files_per_second(),
            jobs,
        );
        eprintln!(
            "vanban: entities stored: {} legal references, {} dates, {} numbers, {} percentages",
            s.entities[0], s.entities[1], s.entities[2], s.entities[3]
        );
        if s.failed > 0 {
            eprintln!(
                "vanban: {} files failed; list them with: vanban failures --db {}",
                s.failed,
                url.display()
            );
        }
    }
    Ok(if s.failed > 0 {
        EXIT_SOME_FAILED
    } else {
        EXIT_OK
    })
}

fn failures(args: FailuresArgs) -> Result<u8> {
    let (_, mut store) = open_db(&args.db.db)?;
    let list = store.failures()?;
    let mut out = std::io::stdout().lock();
    for f in &list {
        if args.json {
            serde_json::to_writer(&mut out, f)?;
            writeln!(out)?;
        } else {
            writeln!(out, "{}\t{}\t{}", f.path, f.kind, f.message)?;
        }
    }
    if !args.json {
        eprintln!("vanban: {} failed files", list.len());
    }
    Ok(EXIT_OK)
}

fn export(args: ExportArgs) -> Result<u8> {
    let (url, mut store) = open_db(&args.db.db)?;
    let mut sink = match &args.output {
        Some(path) => {
            JsonLines::create(path).with_context(|| format!("cannot create {}", path.display()))?
        }
        None => JsonLines::stdout(),
    };
    let n = match args.format {
        ExportFormat::Jsonl => db::export::jsonl(store.as_mut(), sink.writer()),
        ExportFormat::Csv => db::export::csv(store.as_mut(), sink.writer()),
    }
    .with_context(|| format!("exporting from {}", url.display()))?;
    sink.finish().context("finishing the output file")?;
    eprintln!("vanban: {n} documents exported from {}", url.display());
    Ok(EXIT_OK)
}

fn seconds(flag: &str, s: f64) -> Result<Duration> {
    Duration::try_from_secs_f64(s).with_context(|| format!("{flag} takes a number of seconds >= 0"))
}

fn watch(patterns: &Patterns, args: WatchArgs) -> Result<u8> {
    let mut pipeline = Pipeline::with_jobs(patterns, default_jobs(args.jobs))?;
    pipeline.max_bytes = args.max_bytes;
    let poll = match args.poll {
        Some(s) if s > 0.0 => Some(seconds("--poll", s)?),
        Some(_) => bail!("--poll takes a number of seconds > 0"),
        None if args.no_events || args.dirs.iter().any(|d| watch::on_network_fs(d)) => {
            Some(Duration::from_secs(15))
        }
        None => None,
    };
    let opts = watch::WatchOptions {
        roots: args.dirs,
        poll,
        events: !args.no_events,
        settle: seconds("--settle", args.settle)?,
        ignore: args.ignore,
        move_done: args.move_done,
        move_failed: args.move_failed,
        json_logs: matches!(args.log_format, LogFormat::Json),
        health_every: seconds("--health-every", args.health_every)?,
        jobs: default_jobs(args.jobs),
    };
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(sig, std::sync::Arc::clone(&stop))
            .context("installing the signal handlers")?;
    }
    let (url, mut store) = open_db(&args.db.db)?;
    watch::watch(&pipeline, store.as_mut(), &opts, &stop)
        .with_context(|| format!("watching into {}", url.display()))?;
    Ok(EXIT_OK)
}

/// Progress on stderr: a bar on a terminal (files, rate, ETA), a plain line
/// every 30 s otherwise (logs of a long unattended run).
struct Progress {
    quiet: bool,
    total: usize,
    bar: Option<indicatif::ProgressBar>,
    last: Instant,
}

impl Progress {
    fn new(quiet: bool, total: usize) -> Progress {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:30} {pos}/{len} files, {per_sec}, ETA {eta} {msg}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        Progress {
            quiet,
            total,
            bar,
            last: Instant::now(),
        }
    }

    fn update(&mut self, done: usize, failed: usize, elapsed: Duration) {
        if self.quiet {
            return;
        }
        if let Some(bar) = &self.bar {
            bar.set_position(done as u64);
            if failed > 0 {
                bar.set_message(format!("({failed} failed)"));
            }
            return;
        }
        if self.last.elapsed() < Duration::from_secs(30) || done == self.total {
            return;
        }
        self.last = Instant::now();
        let secs = elapsed.as_secs_f64();
        let rate = if secs > 0.0 { done as f64 / secs } else { 0.0 };
        let eta = if rate > 0.0 {
            (self.total - done) as f64 / rate
        } else {
            0.0
        };
        eprintln!(
            "vanban: {done}/{} files, {failed} failed, {rate:.1} files/s, ETA {eta:.0}s",
            self.total
        );
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
