//! `vanban export`: what a database holds, written back out.

use std::io::Write;

use serde_json::Value as Json;

use super::{DbError, Store};

/// Writes every stored record, one JSON line each, in path order. Returns
/// how many were written.
pub fn jsonl(store: &mut dyn Store, out: &mut dyn Write) -> Result<usize, DbError> {
    store.export(&mut |json| {
        out.write_all(json.as_bytes())?;
        out.write_all(b"\n")
    })
}

/// The CSV header of [`csv`].
pub const CSV_HEADER: &str = "path,sha256,kind,text,value,start,end,page\n";

/// Writes one CSV row per stored entity (RFC 4180 quoting). `value` is the
/// canonical id for a legal reference, the ISO value for a date, the number
/// otherwise. Returns how many documents were read.
pub fn csv(store: &mut dyn Store, out: &mut dyn Write) -> Result<usize, DbError> {
    out.write_all(CSV_HEADER.as_bytes())?;
    store.export(&mut |json| {
        // Stored by this program, so it parses; a row that does not is
        // skipped rather than stopping the export.
        let Ok(rec) = serde_json::from_str::<Json>(json) else {
            return Ok(());
        };
        let path = rec["source"]["path"].as_str().unwrap_or("");
        let sha = rec["source"]["sha256"].as_str().unwrap_or("");
        for (kind, value_key) in [
            ("legal_references", "id"),
            ("dates", "value"),
            ("percentages", "value"),
            ("numbers", "value"),
        ] {
            let Some(items) = rec[kind].as_array() else {
                continue;
            };
            for e in items {
                let value = match &e[value_key] {
                    Json::Null => String::new(),
                    Json::String(s) => s.clone(),
                    v => v.to_string(),
                };
                let field = |k: &str| match &e[k] {
                    Json::Null => String::new(),
                    v => v.to_string(),
                };
                let row = [
                    quote(path),
                    quote(sha),
                    kind.to_string(),
                    quote(e["text"].as_str().unwrap_or("")),
                    quote(&value),
                    field("start"),
                    field("end"),
                    field("page"),
                ];
                writeln!(out, "{}", row.join(","))?;
            }
        }
        Ok(())
    })
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn csv_fields_with_commas_quotes_or_newlines_are_quoted() {
        assert_eq!(quote("06/2013/NĐ-CP"), "06/2013/NĐ-CP");
        assert_eq!(
            quote("Quyết định số 12, ngày 3"),
            "\"Quyết định số 12, ngày 3\""
        );
        assert_eq!(quote("gọi là \"bảo vệ\""), "\"gọi là \"\"bảo vệ\"\"\"");
        assert_eq!(quote("Kế hoạch số\n50"), "\"Kế hoạch số\n50\"");
    }
}
