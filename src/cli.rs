//! Command-line interface: parses flags and calls the library. Every flag is
//! documented where it is defined; `vanban help COMMAND` shows it.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};

use crate::batch::{self, Pipeline, Summary};
use crate::eval;
use crate::patterns::Patterns;
use crate::record::Record;
use crate::sink::JsonLines;

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
    about = "Turn Vietnamese administrative reports (TXT and DOCX; PDF coming) into structured JSON",
    long_about = "Turn Vietnamese administrative reports into structured JSON: every number, date, \
percentage and legal reference (Nghị định số 06/2013/NĐ-CP, Chỉ thị số 07/CT-BCA-V28, \
Nghị quyết số 22-NQ/TW, Thông tư 23...), one JSON object per document.",
    after_help = "Examples:
  vanban extract corpus/ -o corpus.jsonl      extract every report under corpus/
  vanban extract report.txt | jq .dates       one report to stdout
  vanban text report.txt                      the normalized text the offsets point into
  vanban eval corpus/gold corpus/             precision, recall and F1 against gold annotations
  vanban schema > record.schema.json          the JSON Schema of one output record

Exit codes: 0 all files processed; 1 some files failed (their error records are in the output); \
2 usage error or the run could not go on."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,

    /// Folder of vocabulary files (doc_types.tsv, issuers.tsv, units.tsv, scales.tsv,
    /// number_context.tsv) replacing the built-in ones, file by file.
    #[arg(long, global = true, value_name = "DIR")]
    patterns: Option<PathBuf>,
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
    #[command(after_help = "Example:
  vanban text corpus/000_845d2233afef5d90.txt | less")]
    Text {
        /// The document to read.
        file: PathBuf,
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

Gold files are named <name>.gold.json and follow ANNOTATION.md; a document is matched to its
gold file by the file name in the gold's \"doc\" field.")]
    Eval(EvalArgs),
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
    let patterns =
        Patterns::load(cli.patterns.as_deref()).context("loading the vocabulary (--patterns)")?;
    match cli.command {
        Command::Extract(args) => extract(&patterns, args),
        Command::Text { file } => {
            let pipeline = Pipeline::new(&patterns)?;
            let text = pipeline.text_of(&file)?;
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.write_all(b"\n")?;
            Ok(EXIT_OK)
        }
        Command::Schema => {
            let schema = schemars::schema_for!(Record);
            println!("{}", serde_json::to_string_pretty(&schema)?);
            Ok(EXIT_OK)
        }
        Command::Eval(args) => evaluate(&patterns, args),
    }
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
    let mut pipeline = Pipeline::new(patterns)?;
    pipeline.max_bytes = args.max_bytes;
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
    let jobs = default_jobs(args.jobs);
    let mut progress = Progress::new(args.quiet);
    let summary = batch::run(
        &pipeline,
        &files,
        jobs,
        |r| JsonLines::line(&r),
        |_, line| sink.write_line(&line?),
        |s| progress.update(s),
    )
    .context("writing records")?;
    sink.finish().context("finishing the output file")?;
    let failed = summary.failed;
    if !args.quiet {
        progress.clear();
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
    let pipeline = Pipeline::new(patterns)?;
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
    let report = eval::evaluate(&gold, &records);
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
    for p in &report.without_gold {
        eprintln!("vanban: warning: no gold annotation for {p}; not scored");
    }
    for d in &report.without_document {
        eprintln!("vanban: warning: gold file for {d} but no such document among the inputs");
    }
    Ok(EXIT_OK)
}

/// Progress on stderr: a live line on a terminal, a plain line every 30 s otherwise.
struct Progress {
    quiet: bool,
    tty: bool,
    last: Instant,
    drawn: bool,
}

impl Progress {
    fn new(quiet: bool) -> Progress {
        Progress {
            quiet,
            tty: std::io::stderr().is_terminal(),
            last: Instant::now(),
            drawn: false,
        }
    }

    fn update(&mut self, s: &Summary) {
        let every = if self.tty {
            Duration::from_millis(200)
        } else {
            Duration::from_secs(30)
        };
        if self.quiet || self.last.elapsed() < every || s.done == s.total {
            return;
        }
        self.last = Instant::now();
        let rate = s.files_per_second();
        let eta = if rate > 0.0 {
            (s.total - s.done) as f64 / rate
        } else {
            0.0
        };
        let line = format!(
            "vanban: {}/{} files, {} failed, {:.1} files/s, ETA {:.0}s",
            s.done, s.total, s.failed, rate, eta
        );
        if self.tty {
            eprint!("\r{line}\x1b[K");
            self.drawn = true;
        } else {
            eprintln!("{line}");
        }
    }

    fn clear(&mut self) {
        if self.drawn {
            eprint!("\r\x1b[K");
        }
    }
}
