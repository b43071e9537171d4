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

use crate::fnv::FnvBuild;
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
    code_types: HashMap<String, Vec<String>, FnvBuild>,
    /// Type name → its code (generic words such as `Văn bản` left out).
    type_code: HashMap<String, String, FnvBuild>,
    /// Type name → its canonical key, keyed once rather than per citation.
    type_keys: HashMap<String, String, FnvBuild>,
    /// Codes whose numbers normally carry their year.
    year_codes: HashSet<String, FnvBuild>,
}

/// What to check beyond the per-document findings stored in records.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Also report citations the registry does not know (`unknown`, a notice).
    pub unknown: bool,
}

impl Checker {
    pub fn new(p: &Patterns) -> Checker {
        let mut code_types: HashMap<String, Vec<String>, FnvBuild> = HashMap::default();
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
            type_keys: p
                .doc_types
                .iter()
                .map(|t| (t.name.clone(), crate::normalize::canonical_key(&t.name)))
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
        // The type word, when written, must agree: the `TT` of a Công văn's
        // `2877/TT-SXD` names a unit, not a Thông tư.
        let agrees = |k: &str| {
            c.doc_type
                .as_deref()
                .is_none_or(|t| self.type_code.get(t).is_some_and(|tc| tc == k))
        };
        if c.year.is_none() && code.is_some_and(|k| self.year_codes.contains(k) && agrees(k)) {
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
            let written = c.text.starts_with(char::is_uppercase) && {
                // Keys go word by word, so the citation's first words are
                // enough: keying the whole citation cost more than the rest
                // of the check.
                let words = ty.split_whitespace().count();
                let head = c
                    .text
                    .split_whitespace()
                    .nth(words.saturating_sub(1))
                    .map_or(c.text.as_str(), |last| {
                        let end = last.as_ptr() as usize - c.text.as_ptr() as usize + last.len();
                        &c.text[..end]
                    });
                let ty_key = match self.type_keys.get(ty) {
                    Some(k) => std::borrow::Cow::Borrowed(k.as_str()),
                    None => std::borrow::Cow::Owned(crate::normalize::canonical_key(ty)),
                };
                crate::normalize::canonical_key(head).starts_with(ty_key.as_ref())
            };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tests::extract;

    /// (kind, severity, suggested_id) of the legal findings the extraction of `text` makes.
    fn findings(text: &str) -> Vec<(String, &'static str, Option<String>)> {
        extract(text)
            .findings
            .into_iter()
            .filter(|f| KINDS.contains(&f.kind.as_str()))
            .map(|f| {
                let suggested = f
                    .details
                    .as_ref()
                    .and_then(|d| d["suggested_id"].as_str().map(str::to_string));
                (f.kind, f.severity.as_str(), suggested)
            })
            .collect()
    }

    fn one(
        kind: &str,
        sev: &'static str,
        suggested: Option<&str>,
    ) -> Vec<(String, &'static str, Option<String>)> {
        vec![(kind.to_string(), sev, suggested.map(str::to_string))]
    }

    #[test]
    fn a_number_year_that_contradicts_its_date_is_an_error_with_the_registry_s_id() {
        // Report 000, line 43.
        let text = "Thông tư số 23/2012/TT-BCA ngày 27/4/2012 của Bộ Công an được thay thế bằng Thông tư 124/2011/TT-BCA ngày 28/12/2021 của Bộ Công an quy định về khu dân cư";
        assert_eq!(
            findings(text),
            one("year_mismatch", "error", Some("124/2021/TT-BCA"))
        );
    }

    #[test]
    fn a_decree_without_its_year_gets_one_suggested_from_the_date_and_confirmed() {
        // Report 004.
        let text = "Nghị định số 06/NĐ-CP ngày 21/1/2014 của Chính phủ về biện pháp quần chúng bảo vệ ANQG";
        assert_eq!(
            findings(text),
            one("missing_year", "warning", Some("06/2014/NĐ-CP"))
        );
        let f = extract(text).findings;
        assert_eq!(
            f[0].details.as_ref().map(|d| d["confirmed"].clone()),
            Some(json!(true))
        );
    }

    #[test]
    fn a_circular_without_year_or_date_is_completed_from_the_registry() {
        // Report 001, line 163: no date, one act of that number and symbol in the registry.
        let text = "Đề nghị Bộ Công an sớm ban hành Thông tư sửa đổi, bổ sung Thông tư số 23/TT-BCA của Bộ Công an Quy định về khu dân cư";
        assert_eq!(
            findings(text),
            one("missing_year", "warning", Some("23/2012/TT-BCA"))
        );
        let r = &extract(text).legal_references[0];
        assert_eq!(r.relation.as_deref(), Some("amends"));
    }

    #[test]
    fn no_year_is_asked_of_types_whose_numbers_carry_none() {
        // Report 001: directives and plans are numbered without a year.
        let text = "Chỉ thị số 07/CT-BCA-V28 ngày 15/8/2014 của Bộ Công an; Kế hoạch số 128/KH-BCA-V05 ngày 12/4/2019 của Bộ Công an";
        assert_eq!(findings(text), vec![]);
    }

    #[test]
    fn a_party_conclusion_coded_tb_is_a_notice_and_a_real_contradiction_a_warning() {
        // Report 001, footnote.
        let text = "Thành ủy Bắc Giang ban hành Kết luận số 89-TB/TU, ngày 25/6/2018 về việc xây dựng mô hình";
        assert_eq!(findings(text), one("type_code_mismatch", "notice", None));
        assert_eq!(
            findings("Thực hiện Chỉ thị số 62/KH-BCA-V28 ngày 27/3/2017 của Bộ Công an"),
            one("type_code_mismatch", "warning", None)
        );
        // The type word is compared by key: blanks and tone placement aside.
        assert_eq!(
            findings("Thực hiện Chỉ  thị số 62/KH-BCA-V28 ngày 27/3/2017 của Bộ Công an"),
            one("type_code_mismatch", "warning", None)
        );
    }

    #[test]
    fn subtypes_generic_words_and_list_items_are_not_type_contradictions() {
        // Report 001 and 002, as written.
        for text in [
            "Quy chế phối hợp số 03/QC-BCA-BYT ngày 26/9/2013",
            "theo văn bản số 765/HD-CAT-PV11 của Công an tỉnh",
            "Công văn: số 517/BCĐ ngày 17/5/2017, số 1120/BCĐ ngày 25/10/2018",
        ] {
            assert_eq!(findings(text), vec![], "{text}");
        }
    }

    #[test]
    fn a_date_that_is_not_the_registry_s_is_an_error() {
        // Report 000's citation with the day changed.
        let text = "Nghị định số 06/2013/NĐ-CP ngày 19/01/2013 của Chính phủ";
        assert_eq!(findings(text), one("date_mismatch", "error", None));
    }

    #[test]
    fn a_cong_van_symbol_names_its_issuer_not_a_type() {
        assert_eq!(
            findings("Theo Công văn số 2877/TT-SXD(KTXD) ngày 3/5/2023 của Sở Xây dựng"),
            vec![]
        );
    }

    #[test]
    fn correct_citations_give_no_finding() {
        for text in [
            "thực hiện Nghị định số 06/2013/NĐ-CP ngày 09/01/2013 của Chính phủ quy định về bảo vệ cơ quan",
            "Thông tư số 46/2014/TT-BCA ngày 16/10/2014 của Bộ Công an",
            // Report 000 line 99: named as replaced, so not cited as current.
            "Báo cáo ngày 10 tháng 4 năm 2024. Kết quả thực hiện Thông tư số 23/2012/TT-BCA ngày 27/4/2012 thay thế bằng thông tư số 124/2021/TT-BCA, ngày 28/12/2021 quy định về khu dân cư",
        ] {
            assert_eq!(findings(text), vec![], "{text}");
        }
    }

    #[test]
    fn an_act_cited_as_current_after_its_replacement_is_superseded() {
        let doc = |date: &str| Doc {
            path: "x.txt".into(),
            date: Some(date.into()),
            citations: vec![Citation {
                text: "Thông tư số 23/2012/TT-BCA".into(),
                start: 0,
                end: 26,
                page: None,
                id: Some("23/2012/TT-BCA".into()),
                doc_type: Some("Thông tư".into()),
                number: "23".into(),
                year: Some(2012),
                symbol: Some("TT-BCA".into()),
                date: Some("2012-04-27".into()),
                relation: Some("refers".into()),
            }],
            warnings: vec![],
        };
        let checker = Checker::new(&Patterns::embedded().unwrap());
        let kinds = |d: &Doc| -> Vec<String> {
            checker
                .document(d, Options::default())
                .into_iter()
                .map(|f| f.kind)
                .collect()
        };
        assert_eq!(kinds(&doc("2024-04")), ["superseded"]);
        assert_eq!(
            kinds(&doc("2017")),
            Vec::<String>::new(),
            "before 2021 it was current"
        );
        assert_eq!(
            kinds(&doc("2021-12")),
            Vec::<String>::new(),
            "same month: not known to be after"
        );
        let mut named = doc("2024-04");
        named.citations[0].relation = Some("replaced".into());
        assert_eq!(kinds(&named), Vec::<String>::new());
    }

    #[test]
    fn an_invalid_date_is_surfaced_as_an_error() {
        // Report 003.
        let text = "Quyết định số 521/QĐ-TTg ngày 13/6/20205 của Thủ tướng Chính phủ về “Ngày hội toàn dân bảo vệ an ninh Tổ quốc”";
        assert_eq!(findings(text), one("invalid_date", "error", None));
    }

    #[test]
    fn unknown_acts_are_reported_only_when_asked() {
        let text = "Công văn số 1010/UBND-NC ngày 04/4/2018";
        assert_eq!(findings(text), vec![], "never stored in records");
        let e = extract(text);
        let doc = Doc::new("x", None, &e.legal_references, &e.warnings);
        let checker = Checker::new(&Patterns::embedded().unwrap());
        let got: Vec<_> = checker
            .document(&doc, Options { unknown: true })
            .into_iter()
            .map(|f| (f.kind, f.severity))
            .collect();
        assert_eq!(got, [("unknown".to_string(), Severity::Notice)]);
    }

    #[test]
    fn the_same_id_with_different_dates_across_documents_is_inconsistent() {
        let doc = |path: &str, text: &str| {
            let e = extract(text);
            Doc::new(path, None, &e.legal_references, &e.warnings)
        };
        let docs = [
            doc(
                "a",
                "Kế hoạch số 62/KH-BCA-V28 ngày 27/3/2017 của Bộ Công an",
            ),
            doc(
                "b",
                "Kế hoạch số 62/KH-BCA-V28 ngày 27/3/2017 của Bộ Công an",
            ),
            doc(
                "c",
                "Kế hoạch số 62/KH-BCA-V28 ngày 29/3/2017 của Bộ Công an",
            ),
        ];
        let checker = Checker::new(&Patterns::embedded().unwrap());
        let got: Vec<_> = checker
            .corpus(&docs)
            .into_iter()
            .map(|(p, f)| (p, f.kind, f.details.map(|d| d["usual_date"].clone())))
            .collect();
        assert_eq!(
            got,
            [(
                "c".to_string(),
                "inconsistent".to_string(),
                Some(json!("2017-03-27"))
            )]
        );
    }

    #[test]
    fn a_stored_record_s_json_gives_the_same_findings_as_the_extraction() {
        let text = "Nghị định số 06/NĐ-CP ngày 21/1/2014 của Chính phủ; ngày 31/02/2017";
        let e = extract(text);
        let json = json!({
            "source": {"path": "x.txt"},
            "legal_references": e.legal_references,
            "warnings": e.warnings,
            "metadata": {"date": null},
        })
        .to_string();
        let checker = Checker::new(&Patterns::embedded().unwrap());
        let kinds = |d: &Doc| -> Vec<String> {
            checker
                .document(d, Options::default())
                .into_iter()
                .map(|f| f.kind)
                .collect()
        };
        let stored = Doc::from_json(&json).expect("a record");
        assert_eq!(kinds(&stored), ["missing_year", "invalid_date"]);
        assert_eq!(
            kinds(&stored),
            kinds(&Doc::new("x.txt", None, &e.legal_references, &e.warnings))
        );
    }

    #[test]
    fn relation_comes_from_the_words_around_the_citation() {
        let rel = |text: &str| extract(text).legal_references[0].relation.clone();
        assert_eq!(
            rel("Căn cứ Luật Giá số 11/2012/QH13 ngày 20/6/2012;").as_deref(),
            Some("pursuant_to")
        );
        assert_eq!(
            rel("Thông tư này thay thế Thông tư số 23/2012/TT-BCA").as_deref(),
            Some("replaces")
        );
        assert_eq!(
            rel("Thông tư số 46/2014/TT-BCA của Bộ Công an quy định chi tiết Nghị định số 06/2013/NĐ-CP")
                .as_deref(),
            Some("refers"),
            "the first citation is not the one detailed"
        );
        assert_eq!(
            rel("quy định chi tiết Nghị định số 06/2013/NĐ-CP").as_deref(),
            Some("guides")
        );
        assert_eq!(
            rel("Thực hiện Kế hoạch số 62/KH-BCA-V28 ngày 27/3/2017").as_deref(),
            Some("refers")
        );
    }
}
