//! The floor under the PDF reader: lopdf loading each file and inflating
//! every stream, nothing else, on one thread. The PDF issue's target
//! (300 files/s per core) was set against lopdf running at about 1,000
//! files/s per core. `bench/throughput.sh` builds this program twice, as an
//! example of vanban (vanban's zlib-rs inflater and LTO) and as
//! `bench/lopdf_stock` (lopdf as it comes), times both in turns with vanban
//! on the same files and prints vanban's rate as a share of each.
//!
//! Usage: cargo run --release --example lopdf_floor -- DIR [RUNS]
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: lopdf_floor DIR [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("a readable folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    files.sort();
    let mut times = Vec::new();
    let mut inflated = 0usize;
    for _ in 0..runs {
        let t0 = Instant::now();
        inflated = 0;
        for f in &files {
            let bytes = std::fs::read(f).expect("a readable file");
            let Ok(doc) = lopdf::Document::load_mem(&bytes) else {
                continue;
            };
            for obj in doc.objects.values() {
                if let Ok(s) = obj.as_stream() {
                    inflated += s.decompressed_content().map_or(0, |c| c.len());
                }
            }
        }
        times.push(t0.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "{:.1} files/s ({} files, median of {} runs, {:.3} s; {} bytes inflated a run)",
        files.len() as f64 / median,
        files.len(),
        runs,
        median,
        inflated
    );
}
