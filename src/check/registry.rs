//! The regulation registry: what is known of each cited act (issue date,
//! status, what replaced it), as data. `patterns/registry.tsv` is embedded at
//! build time; `--registry FILE` (the same columns, tab- or comma-separated)
//! adds or overrides rows by id, so a national database export can be loaded.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::fnv::FnvBuild;
use crate::normalize::normalize_str;

/// The built-in registry.
pub const EMBEDDED: &str = include_str!("../../patterns/registry.tsv");

/// The columns, in the order the built-in file writes them. A file may order
/// them differently; `id` is the only one required.
pub const COLUMNS: [&str; 9] = [
    "id",
    "type",
    "issuer",
    "issued",
    "title",
    "status",
    "replaced_by",
    "amended_by",
    "source",
];

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("cannot read registry file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}:{line}: {message}")]
    Syntax {
        file: String,
        line: usize,
        message: String,
    },
}

/// What the registry says of an act's validity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActStatus {
    InForce,
    Expired,
    Replaced,
    Amended,
    /// Not checked: the row is kept for its issue date.
    Unverified,
}

impl ActStatus {
    fn parse(s: &str) -> Option<ActStatus> {
        Some(match s {
            "in_force" => ActStatus::InForce,
            "expired" => ActStatus::Expired,
            "replaced" => ActStatus::Replaced,
            "amended" => ActStatus::Amended,
            "unverified" | "" => ActStatus::Unverified,
            _ => return None,
        })
    }
}

/// One act of the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Act {
    pub id: String,
    pub doc_type: Option<String>,
    pub issuer: Option<String>,
    /// ISO 8601 issue date.
    pub issued: Option<String>,
    pub title: Option<String>,
    pub status: ActStatus,
    pub replaced_by: Option<String>,
    pub amended_by: Vec<String>,
    pub source: Option<String>,
}

/// Acts by canonical id.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    acts: Vec<Act>,
    by_id: HashMap<String, usize, FnvBuild>,
}

impl Registry {
    /// The registry built into the binary.
    pub fn embedded() -> Result<Registry, RegistryError> {
        Registry::parse("registry.tsv", EMBEDDED)
    }

    /// Reads a registry file: tab-separated, or comma-separated (RFC 4180
    /// quotes) when its header has no tab.
    pub fn load_file(path: &Path) -> Result<Registry, RegistryError> {
        let text = std::fs::read_to_string(path).map_err(|source| RegistryError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Registry::parse(&path.display().to_string(), &text)
    }

    /// Parses a registry: `#` comment lines and blank lines are skipped; the
    /// first other line is the header naming the columns.
    pub fn parse(file: &str, text: &str) -> Result<Registry, RegistryError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let err = |line: usize, message: String| RegistryError::Syntax {
            file: file.to_string(),
            line,
            message,
        };
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
        let Some((hline, header)) = lines.next() else {
            return Ok(Registry::default());
        };
        let tab = header.contains('\t');
        let names: Vec<String> = split(header, tab)
            .into_iter()
            .map(|h| h.trim().to_lowercase())
            .collect();
        if let Some(unknown) = names.iter().find(|n| !COLUMNS.contains(&n.as_str())) {
            return Err(err(
                hline + 1,
                format!(
                    "unknown column `{unknown}`; the columns are {}",
                    COLUMNS.join(", ")
                ),
            ));
        }
        let col = |name: &str| names.iter().position(|n| n == name);
        let Some(id_col) = col("id") else {
            return Err(err(hline + 1, "the header has no `id` column".into()));
        };
        let mut reg = Registry::default();
        for (i, line) in lines {
            let cells: Vec<String> = split(line, tab)
                .into_iter()
                .map(|c| normalize_str(c.trim()))
                .collect();
            let get = |name: &str| {
                col(name)
                    .and_then(|c| cells.get(c))
                    .filter(|c| !c.is_empty())
                    .cloned()
            };
            let id = cells.get(id_col).map(|s| canonical(s)).unwrap_or_default();
            if id.is_empty() {
                return Err(err(i + 1, "a row without an id".into()));
            }
            let status_text = get("status").unwrap_or_default();
            let Some(status) = ActStatus::parse(&status_text) else {
                return Err(err(
                    i + 1,
                    format!("status `{status_text}` is not one of in_force, expired, replaced, amended, unverified"),
                ));
            };
            let issued = get("issued");
            if let Some(d) = &issued {
                if !is_iso_day(d) {
                    return Err(err(i + 1, format!("issued `{d}` is not a date YYYY-MM-DD")));
                }
            }
            reg.insert(Act {
                id,
                doc_type: get("type"),
                issuer: get("issuer"),
                issued,
                title: get("title"),
                status,
                replaced_by: get("replaced_by").map(|s| canonical(&s)),
                amended_by: get("amended_by")
                    .map(|s| {
                        s.split(';')
                            .map(canonical)
                            .filter(|s| !s.is_empty())
                            .collect()
                    })
                    .unwrap_or_default(),
                source: get("source"),
            });
        }
        Ok(reg)
    }

    /// Adds an act, replacing any with the same id.
    pub fn insert(&mut self, act: Act) {
        match self.by_id.get(&act.id) {
            Some(&i) => self.acts[i] = act,
            None => {
                self.by_id.insert(act.id.clone(), self.acts.len());
                self.acts.push(act);
            }
        }
    }

    /// Adds or overrides every act of `other`.
    pub fn merge(&mut self, other: Registry) {
        for act in other.acts {
            self.insert(act);
        }
    }

    pub fn get(&self, id: &str) -> Option<&Act> {
        self.by_id.get(&canonical(id)).map(|&i| &self.acts[i])
    }

    pub fn acts(&self) -> &[Act] {
        &self.acts
    }

    pub fn len(&self) -> usize {
        self.acts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.acts.is_empty()
    }
}

/// The id as `vanban` writes it: NFC, no whitespace, leading number padded.
fn canonical(s: &str) -> String {
    let s: String = normalize_str(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 1 {
        format!("0{s}")
    } else {
        s
    }
}

fn is_iso_day(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Splits one line into cells: on tabs, or on commas outside double quotes
/// (a doubled quote inside quotes is one quote).
fn split(line: &str, tab: bool) -> Vec<String> {
    if tab {
        return line.split('\t').map(str::to_string).collect();
    }
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        let cell = cells.last_mut().expect("cells starts non-empty");
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => cells.push(String::new()),
            _ => cell.push(c),
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_registry_parses_and_knows_the_replacement_of_thong_tu_23() {
        let r = Registry::embedded().unwrap();
        let act = r.get("23/2012/TT-BCA").expect("23/2012/TT-BCA is seeded");
        assert_eq!(act.issued.as_deref(), Some("2012-04-27"));
        assert_eq!(act.status, ActStatus::Replaced);
        assert_eq!(act.replaced_by.as_deref(), Some("124/2021/TT-BCA"));
        assert_eq!(
            r.get("124/2021/TT-BCA").and_then(|a| a.issued.as_deref()),
            Some("2021-12-28")
        );
        assert!(
            r.acts().iter().all(|a| a.source.is_some()),
            "every row names its source"
        );
    }

    #[test]
    fn a_csv_with_quotes_and_other_column_order_overrides_by_id() {
        let csv = "source,id,issued,title,status\n\
                   national db,23/2012/TT-BCA,2012-04-28,\"Quy định về khu dân cư, xã, \"\"An toàn\"\"\",expired\n\
                   national db,1/2020/NĐ-CP,2020-01-01,,in_force\n";
        let mut r = Registry::embedded().unwrap();
        let before = r.len();
        r.merge(Registry::parse("x.csv", csv).unwrap());
        assert_eq!(r.len(), before + 1, "one new act, one overridden");
        let act = r.get("23/2012/TT-BCA").unwrap();
        assert_eq!(
            (act.issued.as_deref(), act.status, act.title.as_deref()),
            (
                Some("2012-04-28"),
                ActStatus::Expired,
                Some("Quy định về khu dân cư, xã, \"An toàn\"")
            )
        );
        assert!(
            r.get("01/2020/NĐ-CP").is_some(),
            "ids are padded like extracted ones"
        );
    }

    #[test]
    fn a_bad_row_names_its_file_line_and_problem() {
        let e = Registry::parse("r.tsv", "id\tstatus\n06/2013/NĐ-CP\tvalid\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "r.tsv:2: status `valid` is not one of in_force, expired, replaced, amended, unverified"
        );
        let e = Registry::parse("r.csv", "id,when\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("r.csv:1: unknown column `when`"), "{e}");
        let e = Registry::parse("r.csv", "id,issued\nx,9/1/2013\n")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "r.csv:2: issued `9/1/2013` is not a date YYYY-MM-DD");
    }
}
