//! The measurement behind not using docx-rs (README, "DOCX"): time
//! `docx_rs::read_docx` on DOCX files, next to opening the zip and inflating
//! word/document.xml, which every reader must do.
//!
//! Not part of vanban's build. Run from this folder:
//! `cargo run --release -- ../../corpus/docx/*.docx`
//! To see how much of docx-rs's time is styles.xml, run it again on copies
//! whose word/styles.xml is replaced by an empty `<w:styles/>`.

use std::io::Read;
use std::time::Instant;

fn main() {
    let files: Vec<Vec<u8>> = std::env::args()
        .skip(1)
        .map(|p| std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}")))
        .collect();
    assert!(!files.is_empty(), "usage: docx_rs_probe FILE.docx...");
    let rounds = 40;
    let per_file = |secs: f64| secs * 1000.0 / (rounds * files.len()) as f64;

    let t = Instant::now();
    for _ in 0..rounds {
        for f in &files {
            std::hint::black_box(docx_rs::read_docx(f).expect("docx-rs reads the file"));
        }
    }
    println!("docx-rs read_docx: {:.3} ms/file", per_file(t.elapsed().as_secs_f64()));

    let t = Instant::now();
    for _ in 0..rounds {
        for f in &files {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&f[..])).expect("a zip");
            let mut xml = Vec::new();
            zip.by_name("word/document.xml")
                .expect("a main document")
                .read_to_end(&mut xml)
                .expect("inflates");
            std::hint::black_box(xml);
        }
    }
    println!(
        "zip open + inflate document.xml: {:.3} ms/file",
        per_file(t.elapsed().as_secs_f64())
    );
}
