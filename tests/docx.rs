//! DOCX end to end: the Word twins in corpus/docx/ against their TXT
//! originals, footnote and table provenance on real corpus sentences, and
//! damaged or hostile files built here with the zip writer.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;
use common::*;

#[test]
fn each_docx_twin_yields_the_entities_of_its_txt_original() {
    let mut failures = Vec::new();
    for stem in STEMS {
        let txt = one_record(&format!("corpus/{stem}.txt"));
        let docx = one_record(&format!("corpus/docx/{stem}.docx"));
        assert_eq!(docx["source"]["format"], "docx");
        let mut row = format!("{stem}:");
        for kind in ["legal_references", "dates", "percentages", "numbers"] {
            let (t, d) = (keys(&txt, kind), keys(&docx, kind));
            assert!(
                !t.is_empty() || kind == "percentages",
                "{stem}: no {kind} in the TXT"
            );
            let (f1, only_txt, only_docx) = agreement(&t, &d);
            row.push_str(&format!(" {kind} {f1:.4} ({}/{})", d.len(), t.len()));
            if f1 < 0.99 {
                failures.push(format!(
                    "{stem} {kind}: agreement {f1:.4} < 0.99\n  only in TXT: {only_txt:?}\n  only in DOCX: {only_docx:?}"
                ));
            }
        }
        // Shown with --nocapture: the figures per kind (DOCX count / TXT count).
        eprintln!("{row}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The entity of `kind` whose text is `text`, or a failure naming what there is.
fn entity<'a>(rec: &'a Value, kind: &str, text: &str) -> &'a Value {
    let all = rec[kind].as_array().unwrap();
    all.iter().find(|e| e["text"] == text).unwrap_or_else(|| {
        let texts: Vec<&str> = all.iter().filter_map(|e| e["text"].as_str()).collect();
        panic!("no {kind} {text:?}; found {texts:?}")
    })
}

#[test]
fn entities_in_footnotes_carry_the_footnote_number_and_body_ones_do_not() {
    let rec = one_record("corpus/docx/001_f29798a23b287fe6.docx");
    // ¹ Kế hoạch số 90/KH-CAT-PV28, ngày 20/4/2017 về đẩy mạnh, …
    let kh90 = entity(&rec, "legal_references", "Kế hoạch số 90/KH-CAT-PV28");
    assert_eq!(kh90["footnote"], 1, "{kh90}");
    let date = entity(&rec, "dates", "20/4/2017");
    assert_eq!(date["footnote"], 1, "{date}");
    // ² Sở Thông tin và Truyền thông ban hành Công văn số 247/STTTT-TTBCXB, …
    let cv247 = entity(&rec, "legal_references", "Công văn số 247/STTTT-TTBCXB");
    assert_eq!(cv247["footnote"], 2, "{cv247}");
    // ⁵ Tổ chức tập huấn 16 lớp … cho 1.360 người tham dự
    let n = entity(&rec, "numbers", "1.360");
    assert_eq!(n["footnote"], 5, "{n}");
    // The body sentence that cites footnote 1 is not in a footnote.
    let body = entity(&rec, "legal_references", "Kế hoạch số 102/KH-CAT-PA04");
    assert!(body.get("footnote").is_none(), "{body}");
    // The mark sits in the text as Word prints it, glued to nothing.
    let text =
        String::from_utf8_lossy(&vanban(&["text", "corpus/docx/001_f29798a23b287fe6.docx"]).stdout)
            .into_owned();
    assert!(
        text.contains("trong các CQDNNT¹."),
        "the mark of footnote 1 is in the body"
    );
    assert!(
        text.contains("\n\n¹ Kế hoạch số 90/KH-CAT-PV28"),
        "footnote 1 is its own paragraph"
    );
}

#[test]
fn entities_in_a_table_know_their_cell_and_its_row_and_column_headers() {
    let rec = one_record("corpus/docx/004_39a5dd2fc3cf2d4a.docx");
    let find = |kind: &str, text: &str, row_header: &str| -> Value {
        rec[kind]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["text"] == text && e["cell"]["row_header"] == row_header)
            .cloned()
            .unwrap_or_else(|| panic!("no {kind} {text:?} in row {row_header:?}"))
    };
    // Năm 2013: 1.212/1.273 khu dân cư (95,2%)
    for (kind, text) in [
        ("numbers", "1.212"),
        ("numbers", "1.273"),
        ("percentages", "95,2%"),
    ] {
        let e = find(kind, text, "Năm 2013");
        let cell = &e["cell"];
        assert_eq!(
            (&cell["row"], &cell["column"], &cell["column_header"]),
            (&Value::from(1), &Value::from(1), &Value::from("khu dân cư")),
            "{kind} {text}: {cell}"
        );
    }
    // Năm 2016: … 472/521 (90,6%) cơ quan, doanh nghiệp
    let e = find("numbers", "472", "Năm 2016");
    assert_eq!(e["cell"]["column_header"], "cơ quan, doanh nghiệp", "{e}");
    assert_eq!(e["cell"]["column"], 3, "{e}");
    // The data table is the document's first table (004 has no header table).
    assert_eq!(e["cell"]["table"], 0, "{e}");
    // Body text has no cell.
    let body = entity(&rec, "numbers", "304");
    assert!(body.get("cell").is_none(), "{body}");
}

#[test]
fn the_header_table_gives_the_same_number_place_and_date_as_the_txt() {
    for stem in [
        "000_845d2233afef5d90",
        "001_f29798a23b287fe6",
        "003_aa8df71f85683636",
    ] {
        let txt = one_record(&format!("corpus/{stem}.txt"));
        let docx = one_record(&format!("corpus/docx/{stem}.docx"));
        for field in ["number", "place", "date", "type"] {
            let (t, d) = (&txt["metadata"][field], &docx["metadata"][field]);
            assert!(!t.is_null(), "{stem}: the TXT has a {field}");
            for key in ["text", "value", "id"] {
                assert_eq!(d.get(key), t.get(key), "{stem} metadata.{field}.{key}");
            }
        }
    }
}

// ---- damaged and hostile files ------------------------------------------

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vanban-docx-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A zip of the given parts, deflated.
fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in parts {
        zip.start_file(*name, opts).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#;

fn word_doc(document_xml: &str) -> Vec<u8> {
    zip_of(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("word/document.xml", document_xml.as_bytes()),
    ])
}

const GOOD: &str = r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Nghị định số 06/2013/NĐ-CP</w:t></w:r></w:p></w:body></w:document>"#;

/// Sets the declared uncompressed size of every entry named `name`, in the
/// local and the central header, as a zip bomb's forger would.
fn declare_size(bytes: &mut [u8], name: &str, size: u32) {
    let mut at = 0;
    while let Some(i) = bytes[at..]
        .windows(name.len())
        .position(|w| w == name.as_bytes())
    {
        let name_at = at + i;
        for (sig, name_off, size_off) in [(b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)] {
            if let Some(h) = name_at.checked_sub(name_off) {
                if &bytes[h..h + 4] == sig {
                    bytes[h + size_off..h + size_off + 4].copy_from_slice(&size.to_le_bytes());
                }
            }
        }
        at = name_at + name.len();
    }
}

fn error_kinds(dir: &Path) -> Vec<(String, String, String)> {
    let out = vanban(&["extract", "-q", dir.to_str().unwrap()]);
    records(&out)
        .iter()
        .map(|r| {
            let name = Path::new(r["source"]["path"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (
                name,
                r["error"]["kind"].as_str().unwrap_or("ok").to_string(),
                r["error"]["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn damaged_and_hostile_docx_files_get_clear_error_kinds_and_never_a_panic() {
    let dir = scratch("bad");
    let mut bomb = word_doc(GOOD);
    declare_size(&mut bomb, "word/document.xml", 0xFFFF_FFF0);
    let billion_laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol3;</w:t></w:r></w:p></w:body></w:document>"#;
    let good = word_doc(GOOD);
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("a_good.docx", good.clone()),
        ("b_zip_bomb.docx", bomb),
        (
            "c_no_document.docx",
            zip_of(&[("[Content_Types].xml", CONTENT_TYPES), ("hello.txt", b"hi")]),
        ),
        (
            "d_broken_xml.docx",
            word_doc(&GOOD.replace("</w:t></w:r>", "</w:r></w:t>")),
        ),
        ("e_xml_bomb.docx", word_doc(billion_laughs)),
        ("f_truncated.docx", good[..good.len() / 2].to_vec()),
        (
            "g_unclosed.docx",
            word_doc(GOOD.trim_end_matches("</w:body></w:document>")),
        ),
    ];
    for (name, bytes) in &files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let got = error_kinds(&dir);
    let kinds: Vec<(&str, &str)> = got
        .iter()
        .map(|(n, k, _)| (n.as_str(), k.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("a_good.docx", "ok"),
            ("b_zip_bomb.docx", "too_large"),
            ("c_no_document.docx", "invalid_docx"),
            ("d_broken_xml.docx", "invalid_docx"),
            ("e_xml_bomb.docx", "invalid_docx"),
            ("f_truncated.docx", "invalid_docx"),
            ("g_unclosed.docx", "invalid_docx"),
        ],
        "messages: {got:#?}"
    );
    let message = |n: &str| &got.iter().find(|g| g.0 == n).unwrap().2;
    assert!(message("b_zip_bomb.docx").contains("word/document.xml"));
    assert!(message("c_no_document.docx").contains("not a Word document"));
    assert!(message("e_xml_bomb.docx").contains("DTD"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_schema_documents_the_docx_provenance_fields() {
    let schema: Value =
        serde_json::from_slice(&vanban(&["schema"]).stdout).expect("schema is JSON");
    let defs = &schema["$defs"];
    for entity in ["LegalRef", "DateValue", "Percentage", "NumberValue"] {
        for field in ["footnote", "endnote", "cell"] {
            assert!(
                defs[entity]["properties"].get(field).is_some(),
                "{entity}.{field} is missing from the schema"
            );
        }
    }
    for field in ["table", "row", "column", "row_header", "column_header"] {
        assert!(
            defs["TableCell"]["properties"].get(field).is_some(),
            "TableCell.{field} is missing from the schema"
        );
    }
}

#[test]
fn libreoffice_resaved_twins_give_the_txt_entities_and_the_same_provenance() {
    let mut failures = Vec::new();
    for stem in ["001_f29798a23b287fe6", "004_39a5dd2fc3cf2d4a"] {
        let txt = one_record(&format!("corpus/{stem}.txt"));
        let lo = one_record(&format!("tests/fixtures/docx/{stem}.docx"));
        for kind in ["legal_references", "dates", "percentages", "numbers"] {
            let (f1, only_txt, only_lo) = agreement(&keys(&txt, kind), &keys(&lo, kind));
            if f1 < 0.99 {
                failures.push(format!(
                    "{stem} {kind}: agreement {f1:.4} < 0.99\n  only in TXT: {only_txt:?}\n  only in LibreOffice's DOCX: {only_lo:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let notes = one_record("tests/fixtures/docx/001_f29798a23b287fe6.docx");
    let cv247 = entity(&notes, "legal_references", "Công văn số 247/STTTT-TTBCXB");
    assert_eq!(cv247["footnote"], 2, "{cv247}");
    let table = one_record("tests/fixtures/docx/004_39a5dd2fc3cf2d4a.docx");
    let n = table["numbers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["text"] == "1.212" && e.get("cell").is_some())
        .unwrap_or_else(|| panic!("1.212 in a table cell"));
    assert_eq!(
        (&n["cell"]["row_header"], &n["cell"]["column_header"]),
        (&Value::from("Năm 2013"), &Value::from("khu dân cư")),
        "{n}"
    );
}
