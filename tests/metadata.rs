//! Per-report expectations for every metadata field of the five corpus
//! reports (issue 8): what a reader sees in each header and footer, and
//! nulls where the text shows nothing (the issuer block was lost when these
//! reports were converted to text, so `issuer` must stay null, not be guessed).

use std::process::Command;

use serde_json::{json, Value};

fn metadata(file: &str) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_vanban"))
        .args(["extract", "-q", &format!("corpus/{file}")])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("vanban runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rec: Value = serde_json::from_slice(&out.stdout).expect("one JSON record");
    rec["metadata"].clone()
}

/// Drops offsets so expectations state only what the fields say; offsets are
/// checked separately against the text.
fn without_offsets(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !matches!(k.as_str(), "start" | "end" | "page" | "section"))
                .map(|(k, v)| (k.clone(), without_offsets(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_offsets).collect()),
        other => other.clone(),
    }
}

#[track_caller]
fn expect_field(file: &str, m: &Value, field: &str, want: Value) {
    let got = without_offsets(&m[field]);
    assert_eq!(got, want, "{file}: metadata.{field}");
}

fn recipients(m: &Value) -> Vec<String> {
    m["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["text"].as_str().unwrap().to_string())
        .collect()
}

fn outline(m: &Value) -> Vec<(String, u64)> {
    m["outline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["marker"].as_str().unwrap().to_string(),
                h["level"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[track_caller]
fn expect_title_starting(file: &str, m: &Value, prefix: &str) {
    let title = m["title"]["text"]
        .as_str()
        .unwrap_or_else(|| panic!("{file}: no title"));
    assert!(
        title.starts_with(prefix),
        "{file}: title {title:?} should start with {prefix:?}"
    );
}

#[test]
fn report_000_vinh_bao() {
    let f = "000_845d2233afef5d90.txt";
    let m = metadata(f);
    expect_field(f, &m, "issuer", Value::Null);
    expect_field(
        f,
        &m,
        "number",
        json!({"text": "/BC-UBND", "number": null, "id": null}),
    );
    expect_field(
        f,
        &m,
        "type",
        json!({"text": "BÁO CÁO", "value": "Báo cáo"}),
    );
    expect_title_starting(
        f,
        &m,
        "Kết quả 10 năm (2013 - 2023) thực hiện Nghị định số 06/2013/",
    );
    expect_field(f, &m, "place", json!({"text": "Vĩnh Bảo"}));
    expect_field(
        f,
        &m,
        "date",
        json!({"text": "ngày tháng 4 năm 2024", "value": "2024-04", "precision": "month"}),
    );
    expect_field(
        f,
        &m,
        "signer",
        json!({"authority": ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"], "title": "PHÓ CHỦ TỊCH", "name": "Lê Ngọc Lân"}),
    );
    expect_field(f, &m, "arrival", Value::Null);
    assert_eq!(
        recipients(&m),
        [
            "UBND thành phố (để báo cáo)",
            "Công an thành phố (để báo cáo)",
            "CT, Các PCT UBND huyện",
            "Các phòng, ban, ngành, đơn vị",
            "UBND các xã, thị trấn",
            "Lưu: VT, CAVB"
        ]
    );
    let o = outline(&m);
    assert_eq!(o.first(), Some(&("I.".to_string(), 2)));
    assert_eq!(o.last(), Some(&("IV.".to_string(), 2)));
    assert_eq!(o.iter().filter(|(_, l)| *l == 2).count(), 5, "{o:?}");
}

#[test]
fn report_001_bac_giang() {
    let f = "001_f29798a23b287fe6.txt";
    let m = metadata(f);
    expect_field(f, &m, "issuer", Value::Null);
    expect_field(
        f,
        &m,
        "number",
        json!({"text": "/BC-BCĐ", "number": null, "id": null}),
    );
    expect_field(
        f,
        &m,
        "type",
        json!({"text": "BÁO CÁO", "value": "Báo cáo"}),
    );
    expect_title_starting(
        f,
        &m,
        "Sơ kết 05 năm triển khai thực hiện Chỉ thị số 07/CT-BCA-V28 n",
    );
    expect_field(f, &m, "place", json!({"text": "Bắc Giang"}));
    expect_field(
        f,
        &m,
        "date",
        json!({"text": "ngày tháng 9 năm 2019", "value": "2019-09", "precision": "month"}),
    );
    expect_field(
        f,
        &m,
        "signer",
        json!({"authority": [], "title": "TRƯỞNG BAN / PHÓ CHỦ TỊCH UBND TỈNH", "name": "Lê Ánh Dương"}),
    );
    expect_field(f, &m, "arrival", Value::Null);
    assert_eq!(
        recipients(&m),
        [
            "Bộ Công an",
            "Cục XDPTBVANTQ, Bộ Công an",
            "TT Tỉnh ủy, TT HĐND tỉnh",
            "Công an tỉnh (05b)",
            "Lưu: VT, NC"
        ]
    );
    let o = outline(&m);
    assert_eq!(o.first(), Some(&("Phần thứ nhất".to_string(), 1)));
    assert_eq!(o.last(), Some(&("Phần thứ hai".to_string(), 1)));
    assert!(o.contains(&("2.7.".to_string(), 4)), "{o:?}");
}

#[test]
fn report_002_quang_ngai_with_arrival_stamp() {
    let f = "002_eb8113f2a36168c7.txt";
    let m = metadata(f);
    expect_field(f, &m, "issuer", Value::Null);
    // The stamp's `Số:.....2.094.....` is the arrival number, not the document's.
    expect_field(f, &m, "number", Value::Null);
    expect_field(
        f,
        &m,
        "type",
        json!({"text": "BÁO CÁO", "value": "Báo cáo"}),
    );
    expect_field(
        f,
        &m,
        "title",
        json!({"text": "Công tác xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc năm 2017"}),
    );
    expect_field(f, &m, "place", Value::Null);
    expect_field(f, &m, "date", Value::Null);
    expect_field(f, &m, "signer", Value::Null);
    expect_field(
        f,
        &m,
        "arrival",
        json!({"number": "2094", "date": "2017-11-13"}),
    );
    let r = recipients(&m);
    assert_eq!(r.len(), 6, "{r:?}");
    assert_eq!(
        (r[0].as_str(), r[5].as_str()),
        ("Như trên", "Lưu: VT, QTTV(3b)")
    );
    assert_eq!(
        outline(&m),
        [
            ("I.".to_string(), 2),
            ("II.".to_string(), 2),
            ("II.".to_string(), 2),
            ("III.".to_string(), 2)
        ],
        "the report numbers two sections II.; both are kept as written"
    );
}

#[test]
fn report_003_lao_cai_directive() {
    let f = "003_aa8df71f85683636.txt";
    let m = metadata(f);
    expect_field(f, &m, "issuer", Value::Null);
    expect_field(
        f,
        &m,
        "number",
        json!({"text": "/CT-UBND", "number": null, "id": null}),
    );
    expect_field(
        f,
        &m,
        "type",
        json!({"text": "CHỈ THỊ", "value": "Chỉ thị"}),
    );
    expect_title_starting(
        f,
        &m,
        "Về tiếp tục “Đẩy mạnh phong trào toàn dân bảo vệ an ninh Tổ q",
    );
    expect_field(f, &m, "place", json!({"text": "Lào Cai"}));
    expect_field(
        f,
        &m,
        "date",
        json!({"text": "ngày tháng năm 2020", "value": "2020", "precision": "year"}),
    );
    expect_field(
        f,
        &m,
        "signer",
        json!({"authority": ["KT.CHỦ TỊCH"], "title": "PHÓ CHỦ TỊCH", "name": "Hoàng Quốc Khánh"}),
    );
    expect_field(f, &m, "arrival", Value::Null);
    let r = recipients(&m);
    assert_eq!(r.len(), 13, "{r:?}");
    assert_eq!(
        (r[0].as_str(), r[12].as_str()),
        ("Cục V05 - Bộ Công an", "Lưu VT, TH2, NC1")
    );
    // Its numbered paragraphs are long directives, not headings.
    assert_eq!(outline(&m), []);
}

#[test]
fn report_004_quang_binh_without_header_or_footer() {
    let f = "004_39a5dd2fc3cf2d4a.txt";
    let m = metadata(f);
    for field in ["issuer", "number", "place", "date", "signer", "arrival"] {
        expect_field(f, &m, field, Value::Null);
    }
    expect_field(
        f,
        &m,
        "type",
        json!({"text": "BÁO CÁO", "value": "Báo cáo"}),
    );
    expect_title_starting(
        f,
        &m,
        "Kết quả sơ kết 5 năm thực hiện Thông tư số 23/TT-BCA ngày 27/",
    );
    assert_eq!(recipients(&m), Vec::<String>::new());
    let o = outline(&m);
    assert_eq!(
        o.iter().filter(|(_, l)| *l == 2).count(),
        5,
        "I. to V.: {o:?}"
    );
}

#[test]
fn every_metadata_offset_points_at_its_text_and_entities_know_their_section() {
    for f in [
        "000_845d2233afef5d90.txt",
        "001_f29798a23b287fe6.txt",
        "002_eb8113f2a36168c7.txt",
        "003_aa8df71f85683636.txt",
        "004_39a5dd2fc3cf2d4a.txt",
    ] {
        let text = Command::new(env!("CARGO_BIN_EXE_vanban"))
            .args(["text", &format!("corpus/{f}")])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap()
            .stdout;
        let chars: Vec<char> = String::from_utf8(text).unwrap().chars().collect();
        let m = metadata(f);
        let mut fields: Vec<&Value> = ["number", "type", "place", "date"]
            .iter()
            .map(|k| &m[*k])
            .collect();
        fields.extend(m["recipients"].as_array().unwrap());
        for v in fields.into_iter().filter(|v| !v.is_null()) {
            let (a, b) = (
                v["start"].as_u64().unwrap() as usize,
                v["end"].as_u64().unwrap() as usize,
            );
            let slice: String = chars[a..b].iter().collect();
            assert_eq!(slice, v["text"].as_str().unwrap(), "{f}: offsets of {v}");
        }
        for h in m["outline"].as_array().unwrap() {
            let (a, b) = (
                h["start"].as_u64().unwrap() as usize,
                h["end"].as_u64().unwrap() as usize,
            );
            let slice: String = chars[a..b].iter().collect();
            assert!(
                slice.contains(h["text"].as_str().unwrap()),
                "{f}: heading {h} vs {slice:?}"
            );
        }
    }
    // A reference in section "II." of report 004 says so.
    let out = Command::new(env!("CARGO_BIN_EXE_vanban"))
        .args(["extract", "-q", "corpus/004_39a5dd2fc3cf2d4a.txt"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let rec: Value = serde_json::from_slice(&out.stdout).unwrap();
    let outline = rec["metadata"]["outline"].as_array().unwrap();
    let pct = &rec["percentages"][0];
    let section = pct["section"]
        .as_u64()
        .expect("a percentage in the body has a section") as usize;
    let heading = &outline[section];
    assert!(heading["start"].as_u64() <= pct["start"].as_u64());
    assert_eq!(
        heading["marker"], "1.",
        "first percentage sits under II.1: {heading}"
    );
}

/// Reports of the same layout that are not in the corpus, with expectations
/// written by hand before the tool was run (tests/fixtures/metadata/README.md).
#[test]
fn reports_outside_the_corpus_match_their_hand_written_metadata() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/metadata");
    let mut checked = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("txt") {
            continue;
        }
        let want: Value = serde_json::from_str(
            &std::fs::read_to_string(path.with_extension("expected.json")).unwrap(),
        )
        .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_vanban"))
            .args(["extract", "-q"])
            .arg(&path)
            .output()
            .unwrap();
        let rec: Value = serde_json::from_slice(&out.stdout).unwrap();
        let got = without_offsets(&rec["metadata"]);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for (field, expected) in want.as_object().unwrap() {
            // Compare what the expectation states: dates by value, lists by text or marker.
            let actual = match field.as_str() {
                "date" => got["date"]
                    .get("value")
                    .map_or(Value::Null, |v| json!({"value": v})),
                "title" => got["title"]
                    .get("text")
                    .map_or(Value::Null, |v| json!({"text": v})),
                "recipients" => json!(got["recipients"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| &r["text"])
                    .collect::<Vec<_>>()),
                "outline" => json!(got["outline"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|h| &h["marker"])
                    .collect::<Vec<_>>()),
                _ => got[field].clone(),
            };
            if &actual != expected {
                failures.push(format!(
                    "{name}: {field}\n  expected {expected}\n  got      {actual}"
                ));
            }
        }
        checked += 1;
    }
    assert_eq!(checked, 6, "all six fixtures are read");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
