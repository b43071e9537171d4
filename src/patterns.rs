//! The extraction vocabulary, as data: `patterns/*.tsv`, embedded at build time
//! and overridable file by file with `--patterns DIR`.
//!
//! Every entry is NFC-normalized on load, so a file saved with decomposed
//! accents still matches.

use std::path::Path;

use crate::check::registry::Registry;
use crate::error::PatternError;
use crate::normalize::normalize_str;

/// A document type word and its official abbreviation (`Nghị định` / `NĐ`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocType {
    pub name: String,
    pub code: String,
    /// Numbers of this type normally carry their year (`06/2013/NĐ-CP`).
    pub year_in_number: bool,
    /// A word for any document (`Văn bản`): its symbol's code says nothing about it.
    pub generic: bool,
}

/// A phrase that says how a citation relates to the citing document
/// (`căn cứ` → `pursuant_to`), and where it sits relative to the citation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationCue {
    pub phrase: String,
    pub relation: String,
    /// `clause`, `before` or `after`.
    pub position: String,
}

/// An issuing body: its canonical name and the variants that mean it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    pub name: String,
    pub variants: Vec<String>,
}

/// All vocabulary the extractors use.
#[derive(Debug, Clone)]
pub struct Patterns {
    pub doc_types: Vec<DocType>,
    pub issuers: Vec<Issuer>,
    /// Words that mark the number before them as a quantity (both kinds).
    pub units: Vec<String>,
    /// Of `units`, the measure and counting words (kind `unit`: `ha`, `người`, `lượt`).
    pub unit_words: Vec<String>,
    /// Of `units`, the count nouns (kind `noun`: `cơ quan`, `xã`, `khu dân cư`).
    pub count_nouns: Vec<String>,
    /// Bounding words before a number (`trên`, `gần`, `tối đa`).
    pub qualifiers_before: Vec<String>,
    /// Bounding words after a number's unit (`trở lên`).
    pub qualifiers_after: Vec<String>,
    /// Words that end the noun phrase a number counts.
    pub counted_stops: Vec<String>,
    /// Scale words and their multipliers.
    pub scales: Vec<(String, u64)>,
    /// Phrases after which a number is an identifier or ordinal.
    pub number_context: Vec<String>,
    /// Words that end an issuer's name after `của`.
    pub issuer_stops: Vec<String>,
    /// Words before a day/month without a year that make it a date.
    pub date_cues: Vec<String>,
    /// Phrases that give a citation its `relation`.
    pub relations: Vec<RelationCue>,
    /// The regulation registry (`registry.tsv`) `vanban check` compares citations with.
    pub registry: Registry,
    /// Known names of acts cited without a number (`Thi đua, khen thưởng`).
    pub law_titles: Vec<String>,
    /// Words that end a law's name the list does not know.
    pub law_stops: Vec<String>,
    /// First words that make `Luật X` a common noun (`Luật sư`).
    pub law_not: Vec<String>,
}

const FILES: [(&str, &str); 12] = [
    ("named_laws.tsv", include_str!("../patterns/named_laws.tsv")),
    ("relations.tsv", include_str!("../patterns/relations.tsv")),
    ("registry.tsv", crate::check::registry::EMBEDDED),
    ("doc_types.tsv", include_str!("../patterns/doc_types.tsv")),
    ("issuers.tsv", include_str!("../patterns/issuers.tsv")),
    ("units.tsv", include_str!("../patterns/units.tsv")),
    ("scales.tsv", include_str!("../patterns/scales.tsv")),
    (
        "number_context.tsv",
        include_str!("../patterns/number_context.tsv"),
    ),
    (
        "issuer_stops.tsv",
        include_str!("../patterns/issuer_stops.tsv"),
    ),
    ("date_cues.tsv", include_str!("../patterns/date_cues.tsv")),
    ("qualifiers.tsv", include_str!("../patterns/qualifiers.tsv")),
    (
        "counted_stops.tsv",
        include_str!("../patterns/counted_stops.tsv"),
    ),
];

impl Patterns {
    /// The vocabulary built into the binary.
    pub fn embedded() -> Result<Patterns, PatternError> {
        Patterns::load(None)
    }

    /// The built-in vocabulary, with each file that exists in `dir` replacing
    /// its built-in counterpart.
    pub fn load(dir: Option<&Path>) -> Result<Patterns, PatternError> {
        if let Some(d) = dir.filter(|d| !d.is_dir()) {
            return Err(PatternError::Io {
                path: d.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such folder"),
            });
        }
        let mut texts: Vec<(&str, String)> = Vec::with_capacity(FILES.len());
        for (name, builtin) in FILES {
            let text = match dir.map(|d| d.join(name)) {
                Some(path) if path.exists() => std::fs::read_to_string(&path)
                    .map_err(|source| PatternError::Io { path, source })?,
                _ => builtin.to_string(),
            };
            texts.push((name, text));
        }
        let file = |n: &'static str| -> (&'static str, &str) {
            texts
                .iter()
                .find(|(name, _)| *name == n)
                .map_or((n, ""), |(name, text)| (*name, text.as_str()))
        };

        let doc_types = rows(file("doc_types.tsv"))
            .map(|(line, f, fields)| match fields.as_slice() {
                [name, code] => Ok(DocType {
                    name: name.clone(),
                    code: code.clone(),
                    year_in_number: false,
                    generic: false,
                }),
                [name, code, flag] if flag == "year" || flag == "generic" => Ok(DocType {
                    name: name.clone(),
                    code: code.clone(),
                    year_in_number: flag == "year",
                    generic: flag == "generic",
                }),
                _ => Err(syntax(
                    f,
                    line,
                    "expected `name<TAB>code[<TAB>year|generic]`",
                )),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let issuers = rows(file("issuers.tsv"))
            .map(|(_, _, mut fields)| {
                let name = fields.remove(0);
                Issuer {
                    name,
                    variants: fields,
                }
            })
            .collect();
        let phrases = |name| {
            rows(file(name))
                .map(|(_, _, f)| f.join(" "))
                .collect::<Vec<_>>()
        };
        let mut units = Vec::new();
        let (mut unit_words, mut count_nouns) = (Vec::new(), Vec::new());
        for (line, f, fields) in rows(file("units.tsv")) {
            let (phrase, kind) = match fields.as_slice() {
                [phrase] => (phrase, "unit"),
                [phrase, kind] => (phrase, kind.as_str()),
                _ => return Err(syntax(f, line, "expected `phrase<TAB>unit|noun`")),
            };
            match kind {
                "unit" => unit_words.push(phrase.clone()),
                "noun" => count_nouns.push(phrase.clone()),
                _ => return Err(syntax(f, line, "kind must be `unit` or `noun`")),
            }
            units.push(phrase.clone());
        }
        let (mut qualifiers_before, mut qualifiers_after) = (Vec::new(), Vec::new());
        for (line, f, fields) in rows(file("qualifiers.tsv")) {
            match fields.as_slice() {
                [q, pos] if pos == "before" => qualifiers_before.push(q.clone()),
                [q, pos] if pos == "after" => qualifiers_after.push(q.clone()),
                _ => return Err(syntax(f, line, "expected `phrase<TAB>before|after`")),
            }
        }
        let counted_stops = phrases("counted_stops.tsv");
        let (mut law_titles, mut law_stops, mut law_not) = (Vec::new(), Vec::new(), Vec::new());
        for (line, f, fields) in rows(file("named_laws.tsv")) {
            match fields.as_slice() {
                [w, kind] if kind == "title" => law_titles.push(w.clone()),
                [w, kind] if kind == "stop" => law_stops.push(w.clone()),
                [w, kind] if kind == "not" => law_not.push(w.clone()),
                _ => return Err(syntax(f, line, "expected `words<TAB>title|stop|not`")),
            }
        }
        let scales = rows(file("scales.tsv"))
            .map(|(line, f, fields)| match fields.as_slice() {
                [word, mult] => mult
                    .parse::<u64>()
                    .map(|m| (word.clone(), m))
                    .map_err(|_| syntax(f, line, "multiplier must be a whole number")),
                _ => Err(syntax(f, line, "expected `word<TAB>multiplier`")),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let number_context = phrases("number_context.tsv");
        let issuer_stops = phrases("issuer_stops.tsv");
        let date_cues = phrases("date_cues.tsv");
        let relations = rows(file("relations.tsv"))
            .map(|(line, f, fields)| match fields.as_slice() {
                [phrase, relation, pos]
                    if ["clause", "before", "after"].contains(&pos.as_str()) =>
                {
                    Ok(RelationCue {
                        phrase: phrase.to_lowercase(),
                        relation: relation.clone(),
                        position: pos.clone(),
                    })
                }
                _ => Err(syntax(
                    f,
                    line,
                    "expected `phrase<TAB>relation<TAB>clause|before|after`",
                )),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let (name, text) = file("registry.tsv");
        let registry = Registry::parse(name, text)?;
        Ok(Patterns {
            doc_types,
            issuers,
            units,
            unit_words,
            count_nouns,
            qualifiers_before,
            qualifiers_after,
            counted_stops,
            law_titles,
            law_stops,
            law_not,
            scales,
            number_context,
            issuer_stops,
            date_cues,
            relations,
            registry,
        })
    }

    /// The canonical type name for a symbol code (`NĐ` → `Nghị định`), first listed wins.
    pub fn type_for_code(&self, code: &str) -> Option<&str> {
        self.doc_types
            .iter()
            .find(|t| t.code == code)
            .map(|t| t.name.as_str())
    }
}

fn syntax(file: &str, line: usize, message: &str) -> PatternError {
    PatternError::Syntax {
        file: file.to_string(),
        line,
        message: message.to_string(),
    }
}

/// Non-comment, non-blank lines of a TSV file: (1-based line, file name, NFC fields).
fn rows<'a>(
    (file, text): (&'a str, &'a str),
) -> impl Iterator<Item = (usize, &'a str, Vec<String>)> + 'a {
    text.lines().enumerate().filter_map(move |(i, line)| {
        let line = line.trim_end();
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            return None;
        }
        let fields = line
            .split('\t')
            .map(|f| normalize_str(f.trim()))
            .filter(|f| !f.is_empty())
            .collect();
        Some((i + 1, file, fields))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_vocabulary_parses_and_knows_the_official_codes() {
        let p = Patterns::embedded().unwrap();
        for (name, code) in [
            ("Nghị định", "NĐ"),
            ("Thông tư", "TT"),
            ("Quy định", "QyĐ"),
            ("Chương trình", "CTr"),
        ] {
            assert!(
                p.doc_types.iter().any(|t| t.name == name && t.code == code),
                "missing {name} / {code}"
            );
        }
        assert_eq!(p.type_for_code("NĐ"), Some("Nghị định"));
        assert!(p.scales.contains(&("triệu".to_string(), 1_000_000)));
    }

    #[test]
    fn a_patterns_dir_overrides_only_the_files_it_holds() {
        let dir = std::env::temp_dir().join(format!("vanban-patterns-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("scales.tsv"), "# test\nvạn\t10000\n").unwrap();
        let p = Patterns::load(Some(&dir)).unwrap();
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(p.scales, vec![("vạn".to_string(), 10_000)]);
        assert!(!p.doc_types.is_empty(), "doc_types must stay built-in");
    }

    #[test]
    fn units_are_split_into_unit_words_and_count_nouns_and_an_old_one_column_file_still_loads() {
        let p = Patterns::embedded().unwrap();
        assert!(p.unit_words.contains(&"ha".to_string()));
        assert!(p.count_nouns.contains(&"khu dân cư".to_string()));
        assert!(p.units.contains(&"ha".to_string()) && p.units.contains(&"khu dân cư".to_string()));
        assert!(p.qualifiers_after.contains(&"trở lên".to_string()));
        let dir = std::env::temp_dir().join(format!("vanban-units-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("units.tsv"), "người\nha\n").unwrap();
        let old = Patterns::load(Some(&dir));
        std::fs::write(dir.join("units.tsv"), "người\tthing\n").unwrap();
        let bad = Patterns::load(Some(&dir))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(old.unwrap().unit_words, ["người", "ha"]);
        assert_eq!(bad, "units.tsv:1: kind must be `unit` or `noun`");
    }

    #[test]
    fn a_malformed_row_names_its_file_and_line() {
        let dir = std::env::temp_dir().join(format!("vanban-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("scales.tsv"), "triệu\tmany\n").unwrap();
        let err = Patterns::load(Some(&dir)).unwrap_err().to_string();
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(err, "scales.tsv:1: multiplier must be a whole number");
    }
}
