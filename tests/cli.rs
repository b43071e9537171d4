//! End-to-end tests: the `vanban` binary on the corpus and on bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn vanban(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vanban"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the vanban binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn records(o: &Output) -> Vec<Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vanban-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The accuracy gate of the foundation issue: F1 on the hand-written corpus
/// gold, for the TXT reports and, separately, for their DOCX twins in
/// `corpus/docx/` and their PDF twins in `corpus/pdf/` (scored against the
/// same gold by file stem).
#[test]
fn corpus_f1_stays_at_or_above_the_thresholds() {
    let out = vanban(&["eval", "--json", "corpus/gold", "corpus"]);
    assert!(
        out.status.success(),
        "eval failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let docs = report["docs"].as_array().expect("scored documents");
    let thresholds = [
        ("legal_references", 0.98),
        ("dates", 0.98),
        ("percentages", 0.99),
        ("numbers", 0.90),
    ];
    let mut failures = Vec::new();
    for ext in ["txt", "docx", "pdf"] {
        let of_format: Vec<&Value> = docs
            .iter()
            .filter(|d| {
                d["doc"]
                    .as_str()
                    .is_some_and(|n| n.ends_with(&format!(".{ext}")))
            })
            .collect();
        assert_eq!(
            of_format.len(),
            5,
            "all five corpus documents are scored as {ext}"
        );
        for (kind, min) in thresholds {
            let sum = |field: &str| -> f64 {
                of_format
                    .iter()
                    .map(|d| d["scores"][kind][field].as_f64().unwrap())
                    .sum()
            };
            let (gold, pred, tp) = (sum("gold"), sum("predicted"), sum("tp"));
            assert!(
                gold > 0.0,
                "no gold {kind}: the harness would pass on nothing"
            );
            let f1 = 2.0 * tp / (gold + pred);
            if f1 < min {
                failures.push(format!(
                    "{ext} {kind}: F1 {f1:.4} < {min} (gold {gold}, predicted {pred}, matched {tp})"
                ));
            }
        }
    }
    if !failures.is_empty() {
        let details = stdout(&vanban(&["eval", "--details", "corpus/gold", "corpus"]));
        panic!("{}\n\n{details}", failures.join("\n"));
    }
}

#[test]
fn one_unreadable_file_gets_an_error_record_and_the_others_still_come_out() {
    let dir = scratch("bad-input");
    std::fs::write(
        dir.join("a_good.txt"),
        "Thực hiện Nghị định số 06/2013/NĐ-CP ngày 09/01/2013 của Chính phủ",
    )
    .unwrap();
    // Not UTF-8, and no legacy table makes Vietnamese of it either.
    std::fs::write(dir.join("b_legacy.txt"), b"Bao cao \xd6\xd6\xd6 Nam").unwrap();
    std::fs::write(dir.join("c_scan.pdf"), b"%PDF-1.4\n%...").unwrap();
    std::fs::write(dir.join("d_good.txt"), "Đạt 95,2% với 1.212 khu dân cư").unwrap();
    let missing = dir.join("z_missing.txt");

    let out = vanban(&["extract", "-q", s(&missing), s(&dir)]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "exit code 1 says some files failed"
    );
    let recs = records(&out);
    let got: Vec<(String, &str, Option<&str>)> = recs
        .iter()
        .map(|r| {
            let path = r["source"]["path"].as_str().unwrap();
            let name = Path::new(path)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (
                name,
                r["status"].as_str().unwrap(),
                r["error"]["kind"].as_str(),
            )
        })
        .collect();
    // In path order, the missing file too, whatever order the paths were given in.
    let want = [
        ("a_good.txt".to_string(), "ok", None),
        (
            "b_legacy.txt".to_string(),
            "error",
            Some("invalid_encoding"),
        ),
        ("c_scan.pdf".to_string(), "error", Some("invalid_pdf")),
        ("d_good.txt".to_string(), "ok", None),
        ("z_missing.txt".to_string(), "error", Some("io")),
    ];
    assert_eq!(got, want);
    assert_eq!(recs[0]["legal_references"][0]["id"], "06/2013/NĐ-CP");
    assert_eq!(recs[3]["percentages"][0]["value"], 95.2);
    let message = recs[1]["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("--encoding"),
        "the message says what to do: {message}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn every_offset_points_into_the_text_that_vanban_text_prints() {
    let out = vanban(&["extract", "-q", "corpus"]);
    assert!(out.status.success());
    for rec in records(&out) {
        let path = rec["source"]["path"].as_str().unwrap();
        let text: Vec<char> = stdout(&vanban(&["text", path])).chars().collect();
        for kind in ["legal_references", "dates", "percentages", "numbers"] {
            for e in rec[kind].as_array().unwrap() {
                let (a, b) = (
                    e["start"].as_u64().unwrap() as usize,
                    e["end"].as_u64().unwrap() as usize,
                );
                let slice: String = text[a..b].iter().collect();
                assert_eq!(
                    slice,
                    e["text"].as_str().unwrap(),
                    "{path} {kind} at {a}..{b}"
                );
            }
        }
    }
}

#[test]
fn output_is_the_same_with_one_job_and_many_and_written_to_a_file() {
    let dir = scratch("jobs");
    let file = dir.join("out.jsonl");
    let one = vanban(&["extract", "-q", "-j", "1", "corpus"]);
    let many = vanban(&["extract", "-q", "-j", "4", "-o", s(&file), "corpus"]);
    assert!(one.status.success() && many.status.success());
    assert!(
        stdout(&many).is_empty(),
        "-o sends records to the file only"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), stdout(&one));
    assert!(
        !dir.join("out.jsonl.part").exists(),
        "the partial file is renamed into place"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn record_carries_the_output_contract_fields() {
    let recs = records(&vanban(&[
        "extract",
        "-q",
        "corpus/004_39a5dd2fc3cf2d4a.txt",
    ]));
    let r = &recs[0];
    assert_eq!(r["schema_version"], 1);
    assert_eq!(r["status"], "ok");
    assert_eq!(r["source"]["format"], "txt");
    assert_eq!(r["source"]["bytes"], 27441);
    assert_eq!(r["source"]["sha256"].as_str().map(str::len), Some(64));
    for key in [
        "legal_references",
        "dates",
        "percentages",
        "numbers",
        "warnings",
    ] {
        assert!(r[key].is_array(), "{key} is a list");
    }
    // A short citation resolved against the document's own full citation.
    let short = r["legal_references"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["text"] == "Thông tư 23")
        .expect("Thông tư 23 is found");
    assert_eq!(short["id"], Value::Null);
    assert_eq!(short["resolved_id"], "23/TT-BCA");
}

#[test]
fn schema_documents_every_field_a_record_has() {
    let schema: Value = serde_json::from_str(&stdout(&vanban(&["schema"]))).unwrap();
    let props = schema["properties"].as_object().expect("record properties");
    let recs = records(&vanban(&[
        "extract",
        "-q",
        "corpus/000_845d2233afef5d90.txt",
    ]));
    for key in recs[0].as_object().unwrap().keys() {
        assert!(
            props.contains_key(key),
            "field {key} is missing from the schema"
        );
    }
    let defs = schema["$defs"].as_object().expect("definitions");
    let legal = defs["LegalRef"]["properties"].as_object().unwrap();
    for key in [
        "id", "type", "number", "year", "symbol", "date", "issuer", "start", "end", "text",
    ] {
        assert!(
            legal.contains_key(key),
            "LegalRef.{key} is missing from the schema"
        );
    }
    // The meaning fields of issue 7, each with its description.
    for (def, keys) in [
        (
            "NumberValue",
            &["unit", "counted", "qualifier", "ratio", "range"][..],
        ),
        ("Percentage", &["range", "qualifier", "of", "of_ratio"][..]),
        (
            "DateValue",
            &["role", "range", "inferred_value", "year_inferred"][..],
        ),
        (
            "Finding",
            &["kind", "severity", "message", "spans", "details"][..],
        ),
    ] {
        let fields = defs[def]["properties"].as_object().unwrap();
        for key in keys {
            let described = fields
                .get(*key)
                .is_some_and(|f| f.to_string().contains("description"));
            assert!(
                described,
                "{def}.{key} is missing or undocumented in the schema"
            );
        }
    }
    assert!(props.contains_key("findings"));
}

/// The hand-written meaning gold (corpus/gold/meaning/fields.json, written
/// before the extractor had these fields) for the TXT reports. The floors are
/// below the figures measured when it was added (README, "Accuracy"): they
/// catch a regression, they do not claim the figures.
#[test]
fn meaning_fields_are_measured_against_the_hand_written_gold() {
    let floors = [
        ("numbers.unit", 0.95),
        ("numbers.counted", 0.90),
        ("numbers.qualifier", 0.95),
        ("numbers.ratio", 0.95),
        ("numbers.range", 0.95),
        ("percentages.of", 0.95),
        ("percentages.ratio", 0.95),
        ("dates.role", 0.95),
    ];
    assert_meaning_floors("corpus/gold/meaning/fields.json", 100, &floors);
}

/// The held-out check: `independent.json` was written by another annotator
/// from the sentences of reports 001–003 and the definitions alone, without
/// seeing the rules or their output, after the rules were done. Its figures
/// are lower (`counted` 0.70 / 0.63 when written); these floors sit just
/// under them, to catch a regression, not to claim a target.
#[test]
fn meaning_fields_hold_on_the_independent_held_out_gold() {
    let floors = [
        ("numbers.unit", 0.90),
        ("numbers.counted", 0.60),
        ("numbers.qualifier", 0.95),
        ("numbers.ratio", 0.95),
        ("percentages.of", 0.60),
        ("dates.role", 0.90),
    ];
    assert_meaning_floors("corpus/gold/meaning/independent.json", 150, &floors);
}

/// Scores the TXT reports against a meaning gold file and checks each
/// field's precision and recall against its floor.
fn assert_meaning_floors(gold: &str, min_entries: u64, floors: &[(&str, f64)]) {
    let mut args = vec![
        "eval".to_string(),
        "--json".into(),
        "--meaning".into(),
        gold.into(),
        "corpus/gold".into(),
    ];
    let mut txt: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"))
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .map(|p| format!("corpus/{}", p.file_name().unwrap().to_string_lossy()))
            .collect();
    txt.sort();
    args.extend(txt);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = vanban(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let m = &report["meaning"];
    assert_eq!(m["unlocated"].as_array().map(Vec::len), Some(0), "{m}");
    assert!(m["entries"].as_u64().unwrap() >= min_entries, "{m}");
    let mut failures = Vec::new();
    for &(field, min) in floors {
        let f = &m["fields"][field];
        let (tp, fp, fn_) = (
            f["tp"].as_f64().unwrap(),
            f["fp"].as_f64().unwrap(),
            f["fn"].as_f64().unwrap(),
        );
        assert!(tp > 0.0, "{gold}: {field}: nothing scored");
        let (p, r) = (tp / (tp + fp), tp / (tp + fn_));
        if p < min || r < min {
            failures.push(format!("{field}: precision {p:.4}, recall {r:.4} < {min}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{gold}:\n{}\nmisses: {:#}",
        failures.join("\n"),
        m["misses"]
    );
}

/// Report 004 restates 18 of its ratios as percentages; checked by hand, 15
/// agree and three do not: 575/616 is 93.34% (twice written 93,4%) and
/// 468/536 is 87.31% (written 87,4%).
#[test]
fn ratio_and_percentage_pairs_of_report_004_are_linked_and_its_slips_found() {
    let recs = records(&vanban(&[
        "extract",
        "-q",
        "corpus/004_39a5dd2fc3cf2d4a.txt",
    ]));
    let r = &recs[0];
    let linked: Vec<&Value> = r["percentages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p.get("of_ratio").is_some())
        .collect();
    assert_eq!(linked.len(), 18);
    let mismatched: Vec<(&str, f64)> = linked
        .iter()
        .filter(|p| p["of_ratio"]["check"] == "mismatch")
        .map(|p| {
            (
                p["text"].as_str().unwrap(),
                p["of_ratio"]["denominator"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        mismatched,
        [("93,4%", 616.0), ("87,4%", 536.0), ("93,4%", 616.0)]
    );
    // The record also holds the legal findings of `vanban check` (its
    // citations of Thông tư 23/TT-BCA lack the year); these are the arithmetic ones.
    let findings: Vec<&Value> = r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["kind"] == "percentage_mismatch")
        .collect();
    assert_eq!(findings.len(), 3);
    assert!(findings
        .iter()
        .all(|f| f["spans"].as_array().unwrap().len() == 2));
}

/// A year-less `ngày 26/6` keeps `--06-26` (what the gold scores) and gets
/// the year of the document's own date beside it.
#[test]
fn a_day_and_month_without_year_gets_the_year_of_the_document_date() {
    let dir = scratch("year-less");
    let f = dir.join("a.txt");
    std::fs::write(
        &f,
        "UBND HUYỆN A\nSố: 12/BC-UBND\tA, ngày 10 tháng 7 năm 2023\n\nBÁO CÁO\nKết quả công tác\n\nHưởng ứng ngày phòng, chống ma túy (26/6), Công an huyện theo Nghị định số 06/2013/NĐ-CP ngày 09/01/2013 của Chính phủ.\n",
    )
    .unwrap();
    let recs = records(&vanban(&["extract", "-q", s(&f)]));
    let dates = recs[0]["dates"].as_array().unwrap();
    let find = |t: &str| {
        dates
            .iter()
            .find(|d| d["text"] == t)
            .unwrap_or_else(|| panic!("{t} in {dates:?}"))
    };
    let d = find("26/6");
    assert_eq!(d["value"], "--06-26");
    assert_eq!(d["inferred_value"], "2023-06-26");
    assert_eq!(d["year_inferred"], true);
    assert_eq!(d["role"], "event");
    assert_eq!(find("09/01/2013")["role"], "reference");
    // metadata.date is the document's date by definition; it carries no role.
    assert!(recs[0]["metadata"]["date"].get("role").is_none());
    let own = dates
        .iter()
        .find(|d| d["value"] == "2023-07-10")
        .expect("the document date");
    assert_eq!(own["role"], "document");
}

#[test]
fn help_of_every_command_has_examples() {
    for cmd in [
        &["--help"][..],
        &["extract", "--help"],
        &["eval", "--help"],
        &["text", "--help"],
        &["schema", "--help"],
        &["ingest", "--help"],
        &["failures", "--help"],
        &["export", "--help"],
        &["watch", "--help"],
    ] {
        let out = stdout(&vanban(cmd));
        assert!(
            out.contains("Example"),
            "`vanban {}` shows no example:\n{out}",
            cmd.join(" ")
        );
    }
}

#[test]
fn no_input_files_is_a_usage_error_that_says_why() {
    let dir = scratch("empty");
    let out = vanban(&["extract", s(&dir)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no .txt, .pdf or .docx files"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_missing_patterns_folder_is_a_usage_error() {
    let out = vanban(&["extract", "--patterns", "no/such/folder", "corpus"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/folder"));
}

#[test]
fn patterns_dir_overrides_the_built_in_vocabulary() {
    let dir = scratch("patterns");
    std::fs::write(dir.join("scales.tsv"), "vạn\t10000\n").unwrap();
    let doc = dir.join("doc.txt");
    std::fs::write(&doc, "có 3 vạn người và 2 triệu đồng").unwrap();
    let recs = records(&vanban(&["extract", "-q", "--patterns", s(&dir), s(&doc)]));
    let values: Vec<f64> = recs[0]["numbers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["value"].as_f64().unwrap())
        .collect();
    assert_eq!(values, [30000.0, 2.0], "vạn scales, triệu no longer does");
    std::fs::remove_dir_all(&dir).ok();
}

/// `-o /dev/null` once replaced the machine's /dev/null with a regular file
/// (FILE.part renamed over it). A FIFO stands in for it here: it must still
/// be a FIFO afterwards, and its reader must get the records.
#[test]
fn output_to_a_device_or_fifo_is_written_in_place_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = scratch("fifo");
    let fifo = dir.join("out.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success(), "mkfifo failed");
    // The reader blocks until a writer opens the FIFO; a channel with a
    // timeout keeps a regression from hanging the test run.
    let (tx, rx) = std::sync::mpsc::channel();
    {
        let fifo = fifo.clone();
        std::thread::spawn(move || tx.send(std::fs::read_to_string(fifo).unwrap()));
    }
    let out = vanban(&["extract", "-q", "corpus", "-o", s(&fifo)]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("nothing was written into the FIFO");
    let expected = stdout(&vanban(&["extract", "-q", "corpus"]));
    assert!(
        got == expected,
        "the FIFO's reader got {} bytes, stdout gets {}",
        got.len(),
        expected.len()
    );
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(kind.is_fifo(), "the FIFO was replaced by {kind:?}");
    assert!(!dir.join("out.fifo.part").exists());
}

#[test]
fn a_tcvn3_file_is_decoded_and_its_record_says_how_and_how_sure() {
    let dir = scratch("tcvn3");
    let file = dir.join("cv.txt");
    // "Thực hiện Nghị định số 06/2013/NĐ-CP của Chính phủ" in TCVN3 bytes.
    std::fs::write(
        &file,
        b"Th\xf9c hi\xd6n Ngh\xde \xae\xdenh s\xe8 06/2013/N\xa7-CP c\xf1a Ch\xddnh ph\xf1",
    )
    .unwrap();
    let out = vanban(&["extract", "-q", s(&file)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rec = &records(&out)[0];
    assert_eq!(rec["text"]["encoding"], "tcvn3");
    assert_eq!(rec["text"]["encoding_forced"], false);
    assert!(
        rec["text"]["encoding_confidence"].as_f64().unwrap() > 0.9,
        "{}",
        rec["text"]
    );
    assert!(
        rec["text"]["non_vietnamese_share"].as_f64().unwrap() < 0.05,
        "{}",
        rec["text"]
    );
    assert_eq!(
        rec["legal_references"][0]["text"],
        "Nghị định số 06/2013/NĐ-CP"
    );
    let kinds: Vec<&str> = rec["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"legacy_encoding"), "{kinds:?}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn text_show_encoding_reports_on_stderr_and_keeps_stdout_the_text() {
    let path = "tests/fixtures/legacy/vni/002_eb8113f2a36168c7.txt";
    let out = vanban(&["text", "--show-encoding", path]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("encoding vni (detected, confidence 1.00)")
            && err.contains("non-Vietnamese words"),
        "{err}"
    );
    let plain = stdout(&vanban(&["text", "corpus/002_eb8113f2a36168c7.txt"]));
    assert_eq!(
        stdout(&out),
        plain,
        "the text alone on stdout, as decoded from VNI"
    );
}

#[test]
fn encoding_flag_forces_a_decoding_and_rejects_unknown_names() {
    let path = "tests/fixtures/legacy/cp1258/003_aa8df71f85683636.txt";
    // Forced to the wrong table: read as told, and the record shows it is bad.
    let out = vanban(&["extract", "-q", "--encoding", "vni", path]);
    let rec = &records(&out)[0];
    assert_eq!(rec["text"]["encoding"], "vni");
    assert_eq!(rec["text"]["encoding_forced"], true);
    assert!(
        rec["text"]["non_vietnamese_share"].as_f64().unwrap() > 0.1,
        "{}",
        rec["text"]
    );
    let kinds: Vec<&str> = rec["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"poor_text_quality"), "{kinds:?}");
    let out = vanban(&[
        "text",
        "--encoding",
        "windows-1258",
        "--show-encoding",
        path,
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("encoding windows-1258 (forced"));
    let out = vanban(&["text", "--encoding", "latin-9", path]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("tcvn3"),
        "lists the names"
    );
}

/// (severity, kind, file name, id) of each `vanban check` JSON line.
fn check_lines(o: &Output) -> Vec<(String, String, String, String)> {
    records(o)
        .iter()
        .map(|l| {
            let file = l["source"]["path"].as_str().unwrap_or("");
            let file = Path::new(file).file_name().map_or(String::new(), |f| {
                f.to_string_lossy().chars().take(3).collect()
            });
            (
                l["severity"].as_str().unwrap_or("").to_string(),
                l["kind"].as_str().unwrap_or("").to_string(),
                file,
                l["suggested_id"]
                    .as_str()
                    .or(l["id"].as_str())
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect()
}

#[test]
fn check_finds_the_citation_slips_of_the_corpus_and_exits_1_on_errors() {
    let files: Vec<String> = std::fs::read_dir("corpus")
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let mut args = vec!["check", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let o = vanban(&args);
    let want = [
        ("error", "year_mismatch", "000", "124/2021/TT-BCA"),
        ("notice", "type_code_mismatch", "001", "89-TB/TU"),
        ("warning", "missing_year", "001", "23/2012/TT-BCA"),
        ("error", "invalid_date", "003", ""),
        ("warning", "missing_year", "004", "23/2012/TT-BCA"),
        ("warning", "missing_year", "004", "23/2012/TT-BCA"),
        ("warning", "missing_year", "004", "23/2012/TT-BCA"),
        ("warning", "missing_year", "004", "38/2006/NĐ-CP"),
        ("warning", "missing_year", "004", "06/2014/NĐ-CP"),
    ];
    let want: Vec<(String, String, String, String)> = want
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect();
    assert_eq!(
        check_lines(&o),
        want,
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.status.code(), Some(1), "error findings make exit code 1");
    for l in records(&o) {
        for field in ["message", "message_vi", "start"] {
            assert!(!l[field].is_null(), "{field} missing in {l}");
        }
    }
}

#[test]
fn check_over_a_database_finds_what_check_over_the_files_finds() {
    let dir = scratch("check-db");
    let db = format!("sqlite:{}", dir.join("v.db").display());
    let i = vanban(&[
        "ingest",
        "-q",
        "corpus/001_f29798a23b287fe6.txt",
        "corpus/004_39a5dd2fc3cf2d4a.txt",
        "--db",
        &db,
    ]);
    assert_eq!(
        i.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&i.stderr)
    );
    let from_db = vanban(&["check", "--format", "json", "--db", &db]);
    let from_files = vanban(&[
        "check",
        "--format",
        "json",
        "corpus/001_f29798a23b287fe6.txt",
        "corpus/004_39a5dd2fc3cf2d4a.txt",
    ]);
    assert!(!check_lines(&from_files).is_empty());
    assert_eq!(check_lines(&from_db), check_lines(&from_files));
    assert_eq!(
        from_db.status.code(),
        Some(0),
        "no error-severity findings in 001 and 004"
    );
    let both = vanban(&["check", "corpus", "--db", &db]);
    assert_eq!(
        both.status.code(),
        Some(2),
        "paths and --db together are a usage error"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_registry_file_overrides_the_built_in_one_and_unknown_is_opt_in() {
    let dir = scratch("registry");
    let csv = dir.join("national.csv");
    std::fs::write(
        &csv,
        "id,type,issued,status,source\n06/2013/NĐ-CP,Nghị định,2013-01-10,in_force,test\n",
    )
    .unwrap();
    let file = "corpus/000_845d2233afef5d90.txt";
    let kinds = |o: &Output| -> Vec<String> { check_lines(o).into_iter().map(|l| l.1).collect() };
    let plain = vanban(&["check", "--format", "json", file]);
    assert!(!kinds(&plain).contains(&"date_mismatch".to_string()));
    assert!(!kinds(&plain).contains(&"unknown".to_string()));
    let o = vanban(&["check", "--format", "json", "--registry", s(&csv), file]);
    assert!(
        kinds(&o).iter().filter(|k| *k == "date_mismatch").count() > 5,
        "every 06/2013/NĐ-CP ngày 09/01/2013 now disagrees: {:?}",
        kinds(&o)
    );
    let o = vanban(&["check", "--format", "json", "--unknown", file]);
    assert!(kinds(&o).contains(&"unknown".to_string()));
    std::fs::write(&csv, "id,when\n").unwrap();
    let o = vanban(&["check", "--registry", s(&csv), file]);
    assert_eq!(o.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}
