//! The accuracy harness: precision, recall and F1 against hand-written gold
//! annotations (ANNOTATION.md).
//!
//! Per document, the multiset of predicted keys is matched against the
//! multiset of gold keys, and counts are summed over documents (micro
//! average). Keys: legal references by canonical `id`; dates by `value`, only
//! those at month or day precision with a year; percentages and numbers by
//! value. Short citations are scored too (type, number, resolution), as an
//! extra line.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::EvalError;
use crate::extract::number_key;
use crate::record::{Precision, Record, Status};

/// One gold file (`corpus/gold/<name>.gold.json`).
#[derive(Debug, Clone, Deserialize)]
pub struct Gold {
    pub doc: String,
    #[serde(default)]
    pub legal_references: Vec<GoldId>,
    #[serde(default)]
    pub short_references: Vec<GoldShort>,
    #[serde(default)]
    pub named_laws: Vec<GoldName>,
    #[serde(default)]
    pub dates: Vec<GoldValue<String>>,
    #[serde(default)]
    pub percentages: Vec<GoldValue<f64>>,
    #[serde(default)]
    pub numbers: Vec<GoldValue<f64>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldId {
    pub id: String,
    #[serde(default)]
    pub text: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldName {
    pub name: String,
    #[serde(default)]
    pub text: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldShort {
    #[serde(rename = "type")]
    pub doc_type: String,
    pub number: String,
    pub resolves_to: Option<String>,
    #[serde(default)]
    pub text: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldValue<T> {
    pub value: T,
    #[serde(default)]
    pub text: String,
}

/// The entity kinds scored, in report order.
pub const KINDS: [&str; 6] = [
    "legal_references",
    "dates",
    "percentages",
    "numbers",
    "short_references",
    "named_laws",
];

/// Counts for one kind.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct Score {
    pub gold: usize,
    pub predicted: usize,
    pub tp: usize,
}

impl Score {
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.predicted)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.gold)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn add(&mut self, o: Score) {
        self.gold += o.gold;
        self.predicted += o.predicted;
        self.tp += o.tp;
    }
}

/// Empty against empty is perfect, not undefined.
fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// A key that one side has and the other lacks.
#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    pub kind: &'static str,
    /// `missed` (in gold, not predicted) or `spurious` (predicted, not in gold).
    pub side: &'static str,
    pub key: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocReport {
    pub doc: String,
    pub scores: BTreeMap<&'static str, Score>,
    pub misses: Vec<Miss>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub totals: BTreeMap<&'static str, Score>,
    pub docs: Vec<DocReport>,
    /// Documents given with no gold file (not scored).
    pub without_gold: Vec<String>,
    /// Gold files whose document was not among the inputs.
    pub without_document: Vec<String>,
    /// The meaning fields, when a meaning gold was given (`--meaning`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meaning: Option<MeaningReport>,
}

/// Reads every `*.gold.json` in `dir`, keyed by the `doc` file name.
pub fn load_gold(dir: &Path) -> Result<HashMap<String, Gold>, EvalError> {
    let entries = std::fs::read_dir(dir).map_err(|source| EvalError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut out = HashMap::new();
    for entry in entries {
        let path = entry
            .map_err(|source| EvalError::Io {
                path: dir.to_path_buf(),
                source,
            })?
            .path();
        if !path.to_string_lossy().ends_with(".gold.json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|source| EvalError::Io {
            path: path.clone(),
            source,
        })?;
        let gold: Gold = serde_json::from_str(&text).map_err(|source| EvalError::Json {
            path: path.clone(),
            source,
        })?;
        out.insert(gold.doc.clone(), gold);
    }
    if out.is_empty() {
        return Err(EvalError::NoGold(dir.to_path_buf()));
    }
    Ok(out)
}

/// Scores records against gold; records are matched to gold by file name,
/// else by file stem, so `corpus/docx/000_x.docx` is scored against the gold
/// of its TXT twin `000_x.txt`.
pub fn evaluate(gold: &HashMap<String, Gold>, records: &[Record]) -> Report {
    let mut totals: BTreeMap<&'static str, Score> =
        KINDS.iter().map(|k| (*k, Score::default())).collect();
    let by_stem: HashMap<&str, &String> = gold.keys().map(|k| (stem(k), k)).collect();
    let mut docs = Vec::new();
    let mut without_gold = Vec::new();
    let mut seen = Vec::new();
    for rec in records {
        let name = file_name(&rec.source.path);
        let key = gold
            .get_key_value(&name)
            .map(|(k, _)| k)
            .or_else(|| by_stem.get(stem(&name)).copied());
        let Some((key, g)) = key.and_then(|k| gold.get_key_value(k)) else {
            without_gold.push(rec.source.path.clone());
            continue;
        };
        seen.push(key.clone());
        let report = score_doc(name, g, rec);
        for (k, s) in &report.scores {
            if let Some(t) = totals.get_mut(k) {
                t.add(*s);
            }
        }
        docs.push(report);
    }
    let mut without_document: Vec<String> =
        gold.keys().filter(|k| !seen.contains(k)).cloned().collect();
    without_document.sort();
    Report {
        totals,
        docs,
        without_gold,
        without_document,
        meaning: None,
    }
}

/// A file name without its extension.
fn stem(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(s, _)| s)
}

fn file_name(path: &str) -> String {
    PathBuf::from(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

/// Canonical text of a numeric value: equal numbers give equal keys.
fn value_key(v: f64) -> String {
    let rounded = (v * 1e6).round() / 1e6;
    format!("{rounded}")
}

fn score_doc(doc: String, g: &Gold, rec: &Record) -> DocReport {
    type Keyed = Vec<(String, String)>; // (key, text)
    let mut pairs: Vec<(&'static str, Keyed, Keyed)> = Vec::new();
    let ok = rec.status == Status::Ok;

    pairs.push((
        "legal_references",
        g.legal_references
            .iter()
            .map(|r| (r.id.clone(), r.text.clone()))
            .collect(),
        rec.legal_references
            .iter()
            .filter_map(|r| Some((r.id.clone()?, r.text.clone())))
            .collect(),
    ));
    pairs.push((
        "short_references",
        g.short_references
            .iter()
            .map(|s| {
                let key = format!(
                    "{} {} → {}",
                    s.doc_type,
                    number_key(&s.number),
                    s.resolves_to.as_deref().unwrap_or("null")
                );
                (key, s.text.clone())
            })
            .collect(),
        rec.legal_references
            .iter()
            .filter(|r| r.id.is_none())
            .map(|r| {
                let key = format!(
                    "{} {} → {}",
                    r.doc_type.as_deref().unwrap_or("?"),
                    number_key(&r.number),
                    r.resolved_id.as_deref().unwrap_or("null")
                );
                (key, r.text.clone())
            })
            .collect(),
    ));
    pairs.push((
        "dates",
        g.dates
            .iter()
            .map(|d| (d.value.clone(), d.text.clone()))
            .collect(),
        rec.dates
            .iter()
            .filter(|d| {
                matches!(d.precision, Precision::Day | Precision::Month)
                    && d.value.starts_with(|c: char| c.is_ascii_digit())
            })
            .map(|d| (d.value.clone(), d.text.clone()))
            .collect(),
    ));
    pairs.push((
        "percentages",
        g.percentages
            .iter()
            .map(|p| (value_key(p.value), p.text.clone()))
            .collect(),
        rec.percentages
            .iter()
            .map(|p| (value_key(p.value), p.text.clone()))
            .collect(),
    ));
    pairs.push((
        "named_laws",
        // By name, case and tone placement aside: `Luật Hình sự` and
        // `Luật hình sự` are the same act.
        g.named_laws
            .iter()
            .map(|n| (crate::normalize::canonical_key(&n.name), n.name.clone()))
            .collect(),
        rec.named_laws
            .iter()
            .map(|n| (crate::normalize::canonical_key(&n.text), n.text.clone()))
            .collect(),
    ));
    pairs.push((
        "numbers",
        g.numbers
            .iter()
            .map(|p| (value_key(p.value), p.text.clone()))
            .collect(),
        rec.numbers
            .iter()
            .map(|p| (value_key(p.value), p.text.clone()))
            .collect(),
    ));

    let mut scores = BTreeMap::new();
    let mut misses = Vec::new();
    for (kind, gold, mut pred) in pairs {
        if !ok {
            pred.clear();
        }
        let mut left: HashMap<&str, Vec<&str>> = HashMap::new();
        for (k, t) in &gold {
            left.entry(k.as_str()).or_default().push(t.as_str());
        }
        let mut tp = 0;
        for (k, t) in &pred {
            match left.get_mut(k.as_str()).and_then(Vec::pop) {
                Some(_) => tp += 1,
                None => misses.push(Miss {
                    kind,
                    side: "spurious",
                    key: k.clone(),
                    text: t.clone(),
                }),
            }
        }
        for (k, texts) in left {
            for t in texts {
                misses.push(Miss {
                    kind,
                    side: "missed",
                    key: k.to_string(),
                    text: t.to_string(),
                });
            }
        }
        scores.insert(
            kind,
            Score {
                gold: gold.len(),
                predicted: pred.len(),
                tp,
            },
        );
    }
    misses.sort_by(|a, b| (a.kind, a.side, &a.key).cmp(&(b.kind, b.side, &b.key)));
    DocReport {
        doc,
        scores,
        misses,
    }
}

impl Report {
    /// The human-readable table `vanban eval` prints.
    pub fn table(&self) -> String {
        let mut s = format!(
            "{:<18} {:>6} {:>6} {:>6} {:>6} {:>6} {:>9} {:>7} {:>7}\n",
            "kind", "gold", "pred", "tp", "fp", "fn", "precision", "recall", "F1"
        );
        for kind in KINDS {
            let t = self.totals.get(kind).copied().unwrap_or_default();
            s.push_str(&format!(
                "{:<18} {:>6} {:>6} {:>6} {:>6} {:>6} {:>9.4} {:>7.4} {:>7.4}\n",
                kind,
                t.gold,
                t.predicted,
                t.tp,
                t.predicted - t.tp,
                t.gold - t.tp,
                t.precision(),
                t.recall(),
                t.f1()
            ));
        }
        s
    }
}

/// The meaning gold (`corpus/gold/meaning/fields.json`, format in its
/// README): what numbers, percentages and dates mean, for a sample of
/// entities named by place.
#[derive(Debug, Clone, Deserialize)]
pub struct MeaningGold {
    pub docs: Vec<MeaningDoc>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MeaningDoc {
    pub doc: String,
    #[serde(default)]
    pub numbers: Vec<MeaningEntry>,
    #[serde(default)]
    pub percentages: Vec<MeaningEntry>,
    #[serde(default)]
    pub dates: Vec<MeaningEntry>,
}

/// One entity of the meaning gold: where it is, and its expected fields
/// (absent and null both mean "no value").
#[derive(Debug, Clone, Deserialize)]
pub struct MeaningEntry {
    /// A snippet of the text holding the entity.
    pub at: String,
    /// The entity's text, inside `at`.
    pub text: String,
    /// Which occurrence of `at` (1-based).
    #[serde(default)]
    pub occurrence: Option<usize>,
    #[serde(flatten)]
    pub fields: BTreeMap<String, serde_json::Value>,
}

/// The fields scored, per entity kind.
pub const MEANING_FIELDS: [(&str, &str); 8] = [
    ("numbers", "unit"),
    ("numbers", "counted"),
    ("numbers", "qualifier"),
    ("numbers", "ratio"),
    ("numbers", "range"),
    ("percentages", "of"),
    ("percentages", "ratio"),
    ("dates", "role"),
];

/// Counts for one field: a wrong value is both a false positive and a false negative.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct FieldScore {
    pub tp: usize,
    pub fp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
}

impl FieldScore {
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
}

/// A field that disagrees with the meaning gold.
#[derive(Debug, Clone, Serialize)]
pub struct MeaningMiss {
    pub doc: String,
    pub field: String,
    pub text: String,
    pub at: String,
    pub gold: Option<String>,
    pub predicted: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct MeaningReport {
    /// `numbers.unit`, `percentages.of`… → counts.
    pub fields: BTreeMap<String, FieldScore>,
    /// Gold entries scored (entities located in the text).
    pub entries: usize,
    /// Gold entries whose snippet is not in the text: a broken gold file.
    pub unlocated: Vec<String>,
    pub misses: Vec<MeaningMiss>,
}

/// Reads the meaning gold file.
pub fn load_meaning(path: &Path) -> Result<MeaningGold, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| EvalError::Json {
        path: path.to_path_buf(),
        source,
    })
}

/// A field's value as a comparable string: text as is, numbers by
/// [`value_key`], a ratio as `a/b`, a range as `a-b`.
fn field_key(v: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    let num = |v: &Value| v.as_f64().map(value_key);
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(_) => num(v),
        Value::Object(o) => match (o.get("numerator"), o.get("denominator")) {
            (Some(a), Some(b)) => Some(format!("{}/{}", num(a)?, num(b)?)),
            _ => Some(format!("{}-{}", num(o.get("from")?)?, num(o.get("to")?)?)),
        },
        other => Some(other.to_string()),
    }
}

/// The predicted value of `field` on the entity of `kind` starting at char `start`.
fn predicted(rec: &Record, kind: &str, field: &str, start: usize) -> Option<Option<String>> {
    let v = match kind {
        "numbers" => serde_json::to_value(rec.numbers.iter().find(|n| n.span.start == start)?),
        "percentages" => {
            let p = rec.percentages.iter().find(|p| p.span.start == start)?;
            if field == "ratio" {
                return Some(p.of_ratio.as_ref().and_then(|c| {
                    field_key(&serde_json::json!({"numerator": c.numerator, "denominator": c.denominator}))
                }));
            }
            serde_json::to_value(p)
        }
        _ => serde_json::to_value(rec.dates.iter().find(|d| d.span.start == start)?),
    }
    .ok()?;
    Some(v.get(field).and_then(field_key))
}

/// Scores the meaning fields of `records` (each with the normalized text its
/// offsets point into) against the meaning gold, matching documents by file
/// name, else by stem (so DOCX twins are scored too).
pub fn evaluate_meaning(gold: &MeaningGold, records: &[(&Record, &str)]) -> MeaningReport {
    let mut report = MeaningReport::default();
    for (kind, field) in MEANING_FIELDS {
        report
            .fields
            .insert(format!("{kind}.{field}"), FieldScore::default());
    }
    for (rec, text) in records {
        let name = file_name(&rec.source.path);
        let Some(doc) = gold
            .docs
            .iter()
            .find(|d| d.doc == name || stem(&d.doc) == stem(&name))
        else {
            continue;
        };
        let kinds = [
            ("numbers", &doc.numbers),
            ("percentages", &doc.percentages),
            ("dates", &doc.dates),
        ];
        for (kind, entries) in kinds {
            for e in entries {
                let nth = e.occurrence.unwrap_or(1).max(1);
                let at = text
                    .match_indices(e.at.as_str())
                    .nth(nth - 1)
                    .map(|(i, _)| i);
                let inner = e.at.find(e.text.as_str());
                let (Some(at), Some(inner)) = (at, inner) else {
                    report.unlocated.push(format!("{name}: {:?}", e.at));
                    continue;
                };
                report.entries += 1;
                let start = text[..at + inner].chars().count();
                for (k, field) in MEANING_FIELDS.iter().filter(|(k, _)| *k == kind) {
                    let want = e.fields.get(*field).and_then(field_key);
                    let got = predicted(rec, k, field, start).flatten();
                    let Some(score) = report.fields.get_mut(&format!("{k}.{field}")) else {
                        continue;
                    };
                    match (&want, &got) {
                        (None, None) => continue,
                        (Some(w), Some(g)) if w == g => {
                            score.tp += 1;
                            continue;
                        }
                        (Some(_), Some(_)) => {
                            score.fp += 1;
                            score.fn_ += 1;
                        }
                        (None, Some(_)) => score.fp += 1,
                        (Some(_), None) => score.fn_ += 1,
                    }
                    report.misses.push(MeaningMiss {
                        doc: name.clone(),
                        field: format!("{k}.{field}"),
                        text: e.text.clone(),
                        at: e.at.clone(),
                        gold: want,
                        predicted: got,
                    });
                }
            }
        }
    }
    report
}

impl MeaningReport {
    /// The table `vanban eval --meaning` prints.
    pub fn table(&self) -> String {
        let mut s = format!(
            "{:<22} {:>5} {:>5} {:>5} {:>9} {:>7}\n",
            "field", "tp", "fp", "fn", "precision", "recall"
        );
        for (k, f) in &self.fields {
            s.push_str(&format!(
                "{:<22} {:>5} {:>5} {:>5} {:>9.4} {:>7.4}\n",
                k,
                f.tp,
                f.fp,
                f.fn_,
                f.precision(),
                f.recall()
            ));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f1_is_the_harmonic_mean_and_empty_is_perfect() {
        let s = Score {
            gold: 10,
            predicted: 8,
            tp: 6,
        };
        assert!((s.precision() - 0.75).abs() < 1e-12);
        assert!((s.recall() - 0.6).abs() < 1e-12);
        assert!((s.f1() - 2.0 * 0.75 * 0.6 / 1.35).abs() < 1e-12);
        assert_eq!(Score::default().f1(), 1.0);
    }

    #[test]
    fn equal_values_written_differently_share_a_key() {
        assert_eq!(value_key(99.0), value_key(99.000_000_000_1));
        assert_eq!(value_key(18054.0), "18054");
        assert_ne!(value_key(14.66), value_key(14.6));
    }
}
