//! The corpus reports in legacy encodings and other spellings
//! (`tests/fixtures/legacy/<variant>/`, made by converters we did not write,
//! see `scripts/make_legacy_fixtures.py`) must read like the UTF-8 originals:
//! the same entities against the gold, and nearly the same text.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use vanban::batch::Pipeline;
use vanban::eval::{self, KINDS};
use vanban::patterns::Patterns;
use vanban::record::Record;

/// Each variant, the encoding the reader must report for it, and its files' extension.
const VARIANTS: [(&str, &str, &str); 10] = [
    ("tcvn3", "tcvn3", "txt"),
    ("tcvn3h", "tcvn3", "txt"),
    ("vni", "vni", "txt"),
    ("cp1258", "windows-1258", "txt"),
    ("viqr", "viqr", "txt"),
    ("nfd", "utf-8", "txt"),
    ("utf16", "utf-16le", "txt"),
    ("oldtone", "utf-8", "txt"),
    // Word files whose runs are set in .VnTime / VNI-Times and hold those
    // fonts' bytes (scripts/make_legacy_docx.py): the XML is UTF-8, the
    // decoding is by font name.
    ("docx-tcvn3", "utf-8", "docx"),
    ("docx-vni", "utf-8", "docx"),
];

struct Doc {
    name: String,
    record: Record,
    text: String,
}

struct Run {
    original: Vec<Doc>,
    variants: Vec<(&'static str, &'static str, Vec<Doc>)>,
}

fn read_dir(pipeline: &Pipeline, dir: &Path, ext: &str) -> Vec<Doc> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(&format!(".{ext}")))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let bytes = std::fs::read(dir.join(&name)).expect("fixture readable");
            let (record, norm) = pipeline.process_bytes(name.clone(), &bytes, Some(ext));
            let text = norm.map(|n| n.text).unwrap_or_default();
            Doc { name, record, text }
        })
        .collect()
}

/// Extraction of the corpus and of every variant, once for all tests.
fn run() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let patterns = Patterns::embedded().expect("built-in patterns");
        let pipeline = Pipeline::new(&patterns).expect("pipeline");
        let original = read_dir(&pipeline, &root.join("corpus"), "txt");
        assert_eq!(original.len(), 5, "the five corpus reports");
        let variants = VARIANTS
            .iter()
            .map(|&(v, enc, ext)| {
                let docs = read_dir(&pipeline, &root.join("tests/fixtures/legacy").join(v), ext);
                let stem =
                    |n: &String| n.rsplit_once('.').map_or(n.clone(), |(s, _)| s.to_string());
                assert_eq!(
                    docs.iter().map(|d| stem(&d.name)).collect::<Vec<_>>(),
                    original.iter().map(|d| stem(&d.name)).collect::<Vec<_>>(),
                    "variant {v} has a file for each corpus report"
                );
                (v, enc, docs)
            })
            .collect();
        Run { original, variants }
    })
}

fn f1s(docs: &[Doc]) -> BTreeMap<&'static str, f64> {
    let gold = eval::load_gold(&Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/gold"))
        .expect("gold loads");
    let records: Vec<Record> = docs.iter().map(|d| d.record.clone()).collect();
    let report = eval::evaluate(&gold, &records);
    assert_eq!(report.docs.len(), 5, "every document is scored");
    KINDS
        .iter()
        .map(|k| (*k, report.totals.get(k).map_or(0.0, |s| s.f1())))
        .collect()
}

#[test]
fn every_variant_is_read_with_the_right_encoding_and_no_error() {
    let mut wrong = Vec::new();
    for (v, enc, docs) in &run().variants {
        for d in docs {
            let got = d.record.text.as_ref().map(|t| t.encoding.as_str());
            if d.record.error.is_some() || got != Some(*enc) {
                wrong.push(format!(
                    "{v}/{}: encoding {got:?} (want {enc}), error {:?}",
                    d.name, d.record.error
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_variant_scores_within_0_01_f1_of_the_utf8_original() {
    let run = run();
    let base = f1s(&run.original);
    let mut table = format!("{:<10}", "variant");
    for k in KINDS {
        table.push_str(&format!(" {k:>17}"));
    }
    table.push_str(&format!("\n{:<10}", "utf-8"));
    for k in KINDS {
        table.push_str(&format!(" {:>17.4}", base[k]));
    }
    let mut failures = Vec::new();
    for (v, _, docs) in &run.variants {
        let got = f1s(docs);
        table.push_str(&format!("\n{v:<10}"));
        for k in KINDS {
            table.push_str(&format!(" {:>17.4}", got[k]));
            // The VIQR fixture itself is ambiguous: the converter writes `Đ`
            // as `DD` without escaping the ASCII `DD` already in codes like
            // `SGDDT`, so no reader can get those ids back. Its figures are
            // printed, not gated.
            if *v != "viqr" && (got[k] - base[k]).abs() > 0.01 {
                failures.push(format!(
                    "{v} {k}: F1 {:.4} vs {:.4} for UTF-8",
                    got[k], base[k]
                ));
            }
        }
    }
    println!("{table}");
    assert!(failures.is_empty(), "{}\n\n{table}", failures.join("\n"));
}

/// Edits (Levenshtein, per line) turning `a` into `b`, and the lines that differ.
fn line_edits(a: &str, b: &str) -> (usize, Vec<String>) {
    let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    if la.len() != lb.len() {
        return (
            a.chars().count().max(b.chars().count()),
            vec![format!("line counts differ: {} vs {}", la.len(), lb.len())],
        );
    }
    let mut total = 0;
    let mut shown = Vec::new();
    for (x, y) in la.iter().zip(&lb) {
        if x == y {
            continue;
        }
        let d = levenshtein(x, y);
        total += d;
        if shown.len() < 6 {
            shown.push(format!("  - {x}\n  + {y}"));
        }
    }
    (total, shown)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[test]
fn every_variant_decodes_to_the_original_text_within_half_a_percent() {
    let run = run();
    let total: usize = run.original.iter().map(|d| d.text.chars().count()).sum();
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for (v, _, docs) in &run.variants {
        let (mut edits, mut caseless) = (0, 0);
        let mut examples = Vec::new();
        for (o, d) in run.original.iter().zip(docs) {
            let (e, shown) = line_edits(&o.text, &d.text);
            edits += e;
            caseless += line_edits(&o.text.to_lowercase(), &d.text.to_lowercase()).0;
            examples.extend(
                shown
                    .into_iter()
                    .take(3)
                    .map(|s| format!("{}:\n{s}", d.name)),
            );
        }
        let share = edits as f64 / total as f64;
        let caseless_share = caseless as f64 / total as f64;
        report.push(format!(
            "{v:<8} {edits:>5} edits = {:.3}% ({caseless} = {:.3}% ignoring case) of {total} chars",
            share * 100.0,
            caseless_share * 100.0
        ));
        // An uppercase .VnTimeH font leaves small letters in the bytes; only
        // the case is lost there, so that variant is held to the caseless
        // figure (the cased one is reported above).
        let judged = if *v == "tcvn3h" {
            caseless_share
        } else {
            share
        };
        if judged >= 0.005 {
            failures.push(format!(
                "{v}: {:.3}% of characters differ\n{}",
                judged * 100.0,
                examples.join("\n")
            ));
        }
    }
    println!("{}", report.join("\n"));
    assert!(
        failures.is_empty(),
        "{}\n\n{}",
        failures.join("\n\n"),
        report.join("\n")
    );
}

#[test]
fn the_corpus_reads_as_clean_vietnamese_without_warnings() {
    for d in &run().original {
        let t = d.record.text.as_ref().expect("text info");
        assert!(
            t.non_vietnamese_share < 0.01,
            "{}: {:.2}% non-Vietnamese words",
            d.name,
            t.non_vietnamese_share * 100.0
        );
        let text_warnings: Vec<_> = d
            .record
            .warnings
            .iter()
            .filter(|w| matches!(w.kind.as_str(), "poor_text_quality" | "legacy_encoding"))
            .collect();
        assert!(text_warnings.is_empty(), "{}: {text_warnings:?}", d.name);
    }
}

#[test]
fn legacy_variants_warn_that_the_encoding_was_guessed() {
    for (v, enc, docs) in &run().variants {
        if enc.starts_with("utf-") {
            continue;
        }
        for d in docs {
            assert!(
                d.record
                    .warnings
                    .iter()
                    .any(|w| w.kind == "legacy_encoding"),
                "{v}/{}: no legacy_encoding warning in {:?}",
                d.name,
                d.record.warnings
            );
        }
    }
}
