//! Helpers shared by the end-to-end tests of the DOCX and PDF twins: running
//! the binary, comparing entity multisets, and measuring text differences.
#![allow(dead_code)] // each test crate uses its own subset

use std::collections::HashMap;
use std::process::{Command, Output};

use serde_json::Value;

pub const STEMS: [&str; 5] = [
    "000_845d2233afef5d90",
    "001_f29798a23b287fe6",
    "002_eb8113f2a36168c7",
    "003_aa8df71f85683636",
    "004_39a5dd2fc3cf2d4a",
];

pub fn vanban(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vanban"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the vanban binary runs")
}

pub fn records(o: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

pub fn one_record(path: &str) -> Value {
    let recs = records(&vanban(&["extract", "-q", path]));
    assert_eq!(recs.len(), 1, "one record for {path}");
    assert_eq!(recs[0]["status"], "ok", "{path}: {}", recs[0]["error"]);
    recs[0].clone()
}

/// The comparable keys of one entity kind: canonical id (or type + number
/// for a short citation), date value, or numeric value.
pub fn keys(rec: &Value, kind: &str) -> Vec<String> {
    rec[kind]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| match kind {
            "legal_references" => match e["id"].as_str() {
                Some(id) => id.to_string(),
                None => format!("short {} {}", e["type"], e["number"]),
            },
            "dates" => e["value"].as_str().unwrap_or("").to_string(),
            _ => e["value"].to_string(),
        })
        .collect()
}

/// F1 of two multisets, and what each side has that the other lacks.
pub fn agreement(a: &[String], b: &[String]) -> (f64, Vec<String>, Vec<String>) {
    let mut left: HashMap<&str, usize> = HashMap::new();
    for k in a {
        *left.entry(k).or_default() += 1;
    }
    let mut only_b = Vec::new();
    let mut common = 0;
    for k in b {
        match left.get_mut(k.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                common += 1;
            }
            _ => only_b.push(k.clone()),
        }
    }
    let only_a: Vec<String> = left
        .iter()
        .flat_map(|(k, n)| std::iter::repeat_n(k.to_string(), *n))
        .collect();
    let f1 = if a.is_empty() && b.is_empty() {
        1.0
    } else {
        2.0 * common as f64 / (a.len() + b.len()) as f64
    };
    (f1, only_a, only_b)
}

/// Characters inserted or deleted to turn `a` into `b` (Myers' O(ND) diff;
/// a substituted character counts twice), or `None` past `max` edits.
pub fn indel_distance(a: &[char], b: &[char], max: usize) -> Option<usize> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let off = max as isize + 1;
    let mut v = vec![0isize; 2 * off as usize + 2];
    for d in 0..=max as isize {
        let mut k = -d;
        while k <= d {
            let i = (k + off) as usize;
            let mut x = if k == -d || (k != d && v[i - 1] < v[i + 1]) {
                v[i + 1]
            } else {
                v[i - 1] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[i] = x;
            if x >= n && y >= m {
                return Some(d as usize);
            }
            k += 2;
        }
    }
    None
}

/// The text without whitespace, as characters.
pub fn squeezed(text: &str) -> Vec<char> {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}
