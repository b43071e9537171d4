//! Checks: the stage after extract. Compares each document's legal citations
//! with themselves (`year_mismatch`, `missing_year`, `type_code_mismatch`),
//! with the regulation registry (`date_mismatch`, `superseded`, `unknown`) and,
//! over many documents, with each other (`inconsistent`); surfaces invalid
//! dates as `invalid_date`. Per-document findings go into each record's
//! `findings`; `vanban check` prints them, plus the corpus-wide ones.
//!
//! The checks read a [`Doc`], which both a fresh extraction and a stored
//! record's JSON give, so `vanban check --db` re-checks stored documents
//! against the current registry without re-reading the files.

pub mod registry;

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::patterns::Patterns;
use crate::record::{Finding, LegalRef, Severity, Span, Warning};
pub use registry::{Act, ActStatus, Registry, RegistryError};

/// A citation as the checks see it (the fields of a record's `legal_references[]`).
#[derive(Debug, Clone, Deserialize)]
pub struct Citation {
    pub text: String,
    pub start: usize,
    pub end: usize,
    #[serde(default)]
    pub page: Option<u32>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(rename = "type", default)]
    pub doc_type: Option<String>,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub year: Option<u16>,
    #[serde(default)]
    pub symbol: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub relation: Option<String>,
}

/// A warning of the record (only `invalid_date` is read).
#[derive(Debug, Clone, Deserialize)]
pub struct DocWarning {
    pub kind: String,
    pub message: String,
    #[serde(default)]
    pub start: Option<usize>,
    #[serde(default)]
    pub end: Option<usize>,
    #[serde(default)]
    pub page: Option<u32>,
}

/// One document, as the checks need it.
#[derive(Debug, Clone)]
pub struct Doc {
    pub path: String,
    /// The document's own date (`metadata.date.value`), ISO, any precision.
    pub date: Option<String>,
    pub citations: Vec<Citation>,
    pub warnings: Vec<DocWarning>,
}

impl Doc {
    /// From a fresh extraction.
    pub fn new(path: &str, date: Option<&str>, refs: &[LegalRef], warnings: &[Warning]) -> Doc {
        Doc {
            path: path.to_string(),
            date: date.map(str::to_string),
            citations: refs
                .iter()
                .map(|r| Citation {
                    text: r.text.clone(),
                    start: r.span.start,
                    end: r.span.end,
                    page: r.span.page,
                    id: r.id.clone(),
                    doc_type: r.doc_type.clone(),
                    number: r.number.clone(),
                    year: r.year,
                    symbol: r.symbol.clone(),
                    date: r.date.clone(),
                    relation: r.relation.clone(),
                })
                .collect(),
            warnings: warnings
                .iter()
                .map(|w| DocWarning {
                    kind: w.kind.clone(),
                    message: w.message.clone(),
                    start: w.span.as_ref().map(|s| s.start),
                    end: w.span.as_ref().map(|s| s.end),
                    page: w.span.as_ref().and_then(|s| s.page),
                })
                .collect(),
        }
    }

    /// From a stored record's JSON (`vanban export`). None when it is not a
    /// record (a row this program did not write).
    pub fn from_json(json: &str) -> Option<Doc> {
        let v: serde_json::Value = serde_json::from_str(json).ok()?;
        let path = v["source"]["path"].as_str()?.to_string();
        let citations = serde_json::from_value(v["legal_references"].clone()).unwrap_or_default();
        let warnings = serde_json::from_value(v["warnings"].clone()).unwrap_or_default();
        Some(Doc {
            path,
            date: v["metadata"]["date"]["value"].as_str().map(str::to_string),
            citations,
            warnings,
        })
    }
}

/// The checks, with the registry and type vocabulary they use.
#[derive(Debug, Clone)]
pub struct Checker {
    registry: Registry,
    /// Symbol code → the type names that use it, in `doc_types.tsv` order.
    code_types: HashMap<String, Vec<String>>,
    /// Type name → its code (generic words such as `Văn bản` left out).
    type_code: HashMap<String, String>,
    /// Codes whose numbers normally carry their year.
    year_codes: HashSet<String>,
}

/// What to check beyond the per-document findings stored in records.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Also report citations the registry does not know (`unknown`, a notice).
    pub unknown: bool,
}

impl Checker {
    pub fn new(p: &Patterns) -> Checker {
        let mut code_types: HashMap<String, Vec<String>> = HashMap::new();
        for t in &p.doc_types {
            code_types
                .entry(t.code.clone())
                .or_default()
                .push(t.name.clone());
        }
        Checker {
            registry: p.registry.clone(),
            code_types,
            type_code: p
                .doc_types
                .iter()
                .filter(|t| !t.generic)
                .map(|t| (t.name.clone(), t.code.clone()))
                .collect(),
            year_codes: p
                .doc_types
                .iter()
                .filter(|t| t.year_in_number)
                .map(|t| t.code.clone())
                .collect(),
        }
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Every per-document finding of `doc`, in document order.
    pub fn document(&self, doc: &Doc, opts: Options) -> Vec<Finding> {
        let mut out = Vec::new();
        for c in &doc.citations {
            self.citation(doc, c, opts, &mut out);
        }
        for w in doc.warnings.iter().filter(|w| w.kind == "invalid_date") {
            let (Some(start), Some(end)) = (w.start, w.end) else {
                continue;
            };
            out.push(Finding {
                kind: "invalid_date".into(),
                severity: Severity::Error,
                message: w.message.clone(),
                message_vi: Some("Ngày viết sai, không có trên lịch".into()),
                spans: vec![span(start, end, w.page)],
                details: None,
            });
        }
        out.sort_by_key(|f| f.spans.first().map_or(0, |s| s.start));
        out
    }

    fn citation(&self, doc: &Doc, c: &Citation, opts: Options, out: &mut Vec<Finding>) {
        let Some(id) = c.id.as_deref() else {
            return; // a short citation (`Thông tư 23`) has no symbol to check
        };
        let mut push = |kind: &str, severity, en: String, vi: String, extra: serde_json::Value| {
            let mut details = json!({"id": id, "text": c.text});
            if let (Some(d), Some(e)) = (details.as_object_mut(), extra.as_object()) {
                d.extend(e.clone());
            }
            out.push(Finding {
                kind: kind.into(),
                severity,
                message: en,
                message_vi: Some(vi),
                spans: vec![span(c.start, c.end, c.page)],
                details: Some(details),
            });
        };
        let date_year = c.date.as_deref().and_then(year_of);
        let code = first_code(c.symbol.as_deref());
        let known = self.registry.get(id);

        // The symbol's year against the date written after it.
        let mut year_mismatch = false;
        if let (Some(y), Some(dy)) = (c.year, date_year) {
            if y != dy {
                year_mismatch = true;
                let suggested = self.with_year(c, dy).filter(|s| {
                    self.registry.get(s).and_then(|a| a.issued.as_deref()) == c.date.as_deref()
                });
                let cited = c.date.as_deref().unwrap_or_default();
                push(
                    "year_mismatch",
                    Severity::Error,
                    format!(
                        "`{}`: the number says {y} but the date says {cited}{}",
                        c.text,
                        suggested.as_ref().map_or(String::new(), |s| format!(
                            "; the registry knows {s} of that date"
                        ))
                    ),
                    format!(
                        "`{}`: năm trong số hiệu ({y}) khác năm ban hành ({cited}){}",
                        c.text,
                        suggested
                            .as_ref()
                            .map_or(String::new(), |s| format!("; đúng ra là {s}"))
                    ),
                    json!({"symbol_year": y, "cited_date": cited, "suggested_id": suggested}),
                );
            }
        }

        // A year-carrying type written without its year.
        let mut resolved = known;
        if c.year.is_none() && code.is_some_and(|k| self.year_codes.contains(k)) {
            let from_date = date_year.and_then(|y| self.with_year(c, y));
            // Without a date, the registry may know exactly one act of that
            // number and symbol.
            let from_registry = || {
                let mut hits = self.registry.acts().iter().filter(|a| {
                    Some(a.id.as_str()) != c.id.as_deref()
                        && c.symbol.as_deref().is_some_and(|s| {
                            a.id == format!(
                                "{}/{}/{s}",
                                c.number,
                                a.issued.as_deref().and_then(year_of).unwrap_or(0)
                            )
                        })
                });
                match (hits.next(), hits.next()) {
                    (Some(a), None) => Some(a.id.clone()),
                    _ => None,
                }
            };
            let suggested = from_date.or_else(from_registry);
            let act = suggested.as_deref().and_then(|s| self.registry.get(s));
            let confirmed =
                act.is_some_and(|a| c.date.is_none() || a.issued.is_none() || a.issued == c.date);
            if confirmed {
                resolved = act;
            }
            push(
                "missing_year",
                Severity::Warning,
                format!(
                    "`{}`: a {} number carries its year{}",
                    c.text,
                    c.doc_type.as_deref().unwrap_or("legal act"),
                    suggested.as_ref().map_or(String::new(), |s| format!(
                        "; probably {s}{}",
                        if confirmed { " (in the registry)" } else { "" }
                    ))
                ),
                format!(
                    "`{}`: số hiệu thiếu năm ban hành{}",
                    c.text,
                    suggested
                        .as_ref()
                        .map_or(String::new(), |s| format!("; có lẽ là {s}"))
                ),
                json!({"suggested_id": suggested, "confirmed": confirmed}),
            );
        }

        // The type word against the code in the symbol.
        if let (Some(ty), Some(code)) = (c.doc_type.as_deref(), code) {
            // Only a type word written at the citation, capitalized as a
            // title is: an inherited list type or `theo văn bản số …` is not
            // a claim about the document's type.
            let written = c.text.starts_with(char::is_uppercase)
                && crate::normalize::canonical_key(&c.text)
                    .starts_with(&crate::normalize::canonical_key(ty));
            let expected = self.type_code.get(ty);
            if let (true, Some(names), Some(expected)) =
                (written, self.code_types.get(code), expected)
            {
                if expected != code && !names.iter().any(|n| ty.starts_with(n.as_str())) {
                    // `Kết luận số 89-TB/TU`: a Party "thông báo kết luận" is
                    // both; worth a look, not an error.
                    let lower = ty.to_lowercase();
                    let related = names.iter().any(|n| n.to_lowercase().contains(&lower));
                    let sev = if related {
                        Severity::Notice
                    } else {
                        Severity::Warning
                    };
                    let code_name = names.first().map_or("?", String::as_str);
                    push(
                        "type_code_mismatch",
                        sev,
                        format!(
                            "`{}`: cited as a {ty} (code {expected}), but its symbol has {code} ({code_name})",
                            c.text
                        ),
                        format!(
                            "`{}`: loại văn bản là {ty} (ký hiệu {expected}) nhưng số hiệu mang {code} ({code_name})",
                            c.text
                        ),
                        json!({"type": ty, "code": code, "code_type": code_name}),
                    );
                }
            }
        }

        let Some(act) = resolved else {
            if opts.unknown {
                push(
                    "unknown",
                    Severity::Notice,
                    format!("`{}`: not in the registry", c.text),
                    format!("`{}`: không có trong danh mục văn bản", c.text),
                    json!({}),
                );
            }
            return;
        };

        // The cited date against the registry's (a year mismatch already
        // said the date and number disagree).
        if let (Some(cited), Some(issued)) = (c.date.as_deref(), act.issued.as_deref()) {
            if cited != issued && !year_mismatch {
                push(
                    "date_mismatch",
                    Severity::Error,
                    format!(
                        "`{}`: dated {cited}, but {} was issued on {issued}",
                        c.text, act.id
                    ),
                    format!(
                        "`{}`: ghi ngày {cited}, nhưng {} ban hành ngày {issued}",
                        c.text, act.id
                    ),
                    json!({"cited_date": cited, "registry_date": issued, "registry_id": act.id}),
                );
            }
        }

        // Cited as current after it was replaced.
        if let (ActStatus::Replaced, Some(by)) = (act.status, act.replaced_by.as_deref()) {
            let since = self.registry.get(by).and_then(|b| b.issued.as_deref());
            let current = matches!(
                c.relation.as_deref(),
                None | Some("refers" | "pursuant_to" | "guides")
            );
            // Compared at the document date's precision: `2024-04` is after
            // `2021-12-28`, `2021-12` is not.
            let after = match (doc.date.as_deref(), since) {
                (Some(d), Some(s)) => {
                    let n = d.len().min(s.len());
                    matches!((d.get(..n), s.get(..n)), (Some(a), Some(b)) if a > b)
                }
                _ => false,
            };
            if current && after {
                let since = since.unwrap_or_default();
                push(
                    "superseded",
                    Severity::Warning,
                    format!(
                        "`{}`: {} was replaced by {by} ({since}), before this document's date",
                        c.text, act.id
                    ),
                    format!(
                        "`{}`: {} đã được thay thế bằng {by} ({since}) trước ngày của văn bản này",
                        c.text, act.id
                    ),
                    json!({"replaced_by": by, "replaced_on": since, "registry_id": act.id}),
                );
            }
        }
    }

    /// `number/year/symbol` for a citation written without its year.
    fn with_year(&self, c: &Citation, year: u16) -> Option<String> {
        let symbol = c.symbol.as_deref()?;
        Some(format!("{}/{year}/{symbol}", c.number))
    }

    /// Corpus-wide: the same id cited with different dates. One finding for
    /// each citation whose date differs from the date most citations give.
    pub fn corpus(&self, docs: &[Doc]) -> Vec<(String, Finding)> {
        let mut by_id: BTreeMap<&str, Vec<(&Doc, &Citation, &str)>> = BTreeMap::new();
        for d in docs {
            for c in &d.citations {
                if let (Some(id), Some(date)) = (c.id.as_deref(), c.date.as_deref()) {
                    by_id.entry(id).or_default().push((d, c, date));
                }
            }
        }
        let mut out = Vec::new();
        for (id, cites) in by_id {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for (_, _, date) in &cites {
                *counts.entry(date).or_default() += 1;
            }
            if counts.len() < 2 {
                continue;
            }
            // The registry's date when it has one, else the most cited.
            let registry_date = self.registry.get(id).and_then(|a| a.issued.as_deref());
            let usual = registry_date
                .filter(|r| counts.contains_key(r))
                .or_else(|| counts.iter().max_by_key(|(_, n)| **n).map(|(d, _)| *d))
                .unwrap_or_default();
            let variants: Vec<&str> = counts.keys().copied().collect();
            for (d, c, date) in cites.into_iter().filter(|(_, _, date)| *date != usual) {
                out.push((
                    d.path.clone(),
                    Finding {
                        kind: "inconsistent".into(),
                        severity: Severity::Warning,
                        message: format!(
                            "`{}`: dated {date} here, {usual} in most citations of {id}",
                            c.text
                        ),
                        message_vi: Some(format!(
                            "`{}`: ở đây ghi ngày {date}, nơi khác ghi {usual}",
                            c.text
                        )),
                        spans: vec![span(c.start, c.end, c.page)],
                        details: Some(json!({"id": id, "text": c.text, "cited_date": date,
                            "usual_date": usual, "dates": variants})),
                    },
                ));
            }
        }
        out
    }
}

/// The legal kinds of finding this module makes (others, such as
/// `percentage_mismatch`, are left alone by `vanban check`).
pub const KINDS: [&str; 8] = [
    "year_mismatch",
    "date_mismatch",
    "missing_year",
    "type_code_mismatch",
    "superseded",
    "unknown",
    "inconsistent",
    "invalid_date",
];

/// One line of `vanban check` output.
#[derive(Debug, Serialize)]
pub struct Line<'a> {
    pub kind: &'a str,
    pub severity: &'a str,
    pub id: Option<&'a str>,
    pub text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggested_id: Option<&'a str>,
    pub source: LineSource<'a>,
    pub start: Option<usize>,
    pub page: Option<u32>,
    pub message: &'a str,
    pub message_vi: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<&'a serde_json::Value>,
}

#[derive(Debug, Serialize)]
pub struct LineSource<'a> {
    pub path: &'a str,
}

impl<'a> Line<'a> {
    pub fn new(path: &'a str, f: &'a Finding) -> Line<'a> {
        let detail = |k: &str| f.details.as_ref().and_then(|d| d[k].as_str());
        let first = f.spans.first();
        Line {
            kind: &f.kind,
            severity: f.severity.as_str(),
            id: detail("id"),
            text: detail("text"),
            suggested_id: detail("suggested_id"),
            source: LineSource { path },
            start: first.map(|s| s.start),
            page: first.and_then(|s| s.page),
            message: &f.message,
            message_vi: f.message_vi.as_deref(),
            details: f.details.as_ref(),
        }
    }
}

fn span(start: usize, end: usize, page: Option<u32>) -> Span {
    Span {
        start,
        end,
        page,
        section: None,
        footnote: None,
        endnote: None,
        cell: None,
    }
}

fn year_of(iso: &str) -> Option<u16> {
    iso.get(..4)?.parse().ok()
}

/// The first code of a symbol (`TT-BCA` → `TT`, `NQ/TW` → `NQ`).
fn first_code(symbol: Option<&str>) -> Option<&str> {
    symbol?
        .split(['-', '/', '('])
        .next()
        .filter(|s| !s.is_empty())
}
