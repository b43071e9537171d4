//! Laws, codes and ordinances cited by name without a number (ANNOTATION.md,
//! `named_laws`): `Luật An ninh mạng`, `Bộ luật Lao động`, `Pháp lệnh Công
//! an xã`.
//!
//! A name has no end mark, so it is bounded in two ways: a name listed in
//! `patterns/named_laws.tsv` is taken whole (the names with a comma in them,
//! `Luật Thi đua, khen thưởng`, need this); any other name runs word by word
//! until punctuation, a stop word of that file, or a comma not followed by a
//! capitalized word (`… Vân Đồn, Bắc Vân Phong, Phú Quốc` goes on; `Luật Bảo
//! hiểm Y tế, Luật Công đoàn` is two names). A law cited with a number
//! (`Luật Giá số 11/2012/QH13`) is a legal reference, claimed before this runs.

use std::collections::HashSet;

use regex::Regex;

use super::text::{captures_after, compile, key, Before};
use super::{Claims, Entities};
use crate::error::PatternError;
use crate::normalize::OffsetMap;
use crate::patterns::Patterns;
use crate::record::NamedLaw;

/// Words a name may have at most; a longer run is a sentence, not a title.
const MAX_WORDS: usize = 20;

pub(crate) struct NamedLawExtractor {
    head: Regex,
    /// (canonical key, number of chars) of the known names, longest first.
    titles: Vec<(String, usize)>,
    stops: HashSet<String>,
    not: HashSet<String>,
}

impl NamedLawExtractor {
    pub(crate) fn new(p: &Patterns) -> Result<Self, PatternError> {
        let mut titles: Vec<(String, usize)> = p
            .law_titles
            .iter()
            .map(|t| (key(t), t.chars().count()))
            .collect();
        titles.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        Ok(NamedLawExtractor {
            // Capital letter only: `luật pháp` is the common noun.
            head: compile("named_laws.tsv", r"(?P<type>Bộ luật|Luật|Pháp lệnh)[ \t]+")?,
            titles,
            stops: p.law_stops.iter().map(|w| key(w)).collect(),
            not: p.law_not.iter().map(|w| key(w)).collect(),
        })
    }

    pub(crate) fn extract(&self, text: &str, map: &OffsetMap, claims: &Claims, out: &mut Entities) {
        for c in captures_after(&self.head, text, Before::NotWord, "") {
            let (Some(ty), Some(all)) = (c.name("type"), c.get(0)) else {
                continue;
            };
            if claims.overlaps(&(ty.start()..ty.end())) {
                continue;
            }
            let rest = &text[all.end()..];
            let Some(len) = self.name_len(rest) else {
                continue;
            };
            let end = all.end() + len;
            out.named_laws.push(NamedLaw {
                text: text[ty.start()..end].to_string(),
                law_type: ty.as_str().to_string(),
                title: rest[..len].to_string(),
                span: map.span(ty.start(), end),
            });
        }
    }

    /// The byte length of the name at the start of `rest`, if there is one.
    fn name_len(&self, rest: &str) -> Option<usize> {
        let first = rest.split_whitespace().next()?;
        if self
            .not
            .contains(&key(first.trim_end_matches([',', '.', ';', ':'])))
        {
            return None;
        }
        for (title, chars) in &self.titles {
            let end = rest
                .char_indices()
                .nth(*chars)
                .map_or(rest.len(), |(i, _)| i);
            let after_ok = !rest[end..].starts_with(char::is_alphanumeric);
            if after_ok && key(&rest[..end]) == *title {
                return Some(end);
            }
        }
        let mut end = 0;
        let mut at = 0;
        for (n, word) in rest.split_inclusive([' ', '\t', '\n']).enumerate() {
            let start = at;
            at += word.len();
            let w = word.trim_end();
            let core = w.trim_end_matches([',', '.', ';', ':', ')', '”', '"']);
            if n == MAX_WORDS
                || core.is_empty()
                // A dash standing alone joins two parts of one name
                // (`hành chính - kinh tế`); glued to a word it starts a list item.
                || (core.starts_with(['(', '“', '"', '-', '–']) && core != "-" && core != "–")
                || self.stops.contains(&key(core))
                || core.chars().any(|c| c.is_ascii_digit())
            {
                break;
            }
            end = start + core.len();
            if word.ends_with('\n') || core.len() != w.len() {
                // Punctuation or a line break ends the name, except a comma
                // before a capitalized word that is not the next act's type.
                let next = rest[at..].split_whitespace().next().unwrap_or("");
                let goes_on = w.ends_with(',')
                    && !word.ends_with('\n')
                    && next.starts_with(char::is_uppercase)
                    && !["Luật", "Bộ", "Pháp", "Dự", "Nghị", "Thông"].contains(&next);
                if !goes_on {
                    break;
                }
            }
        }
        (end > 0).then_some(end)
    }
}

#[cfg(test)]
mod tests {
    use crate::extract::tests::extract;

    fn names(text: &str) -> Vec<String> {
        extract(text)
            .named_laws
            .into_iter()
            .map(|l| l.text)
            .collect()
    }

    #[test]
    fn a_list_of_laws_gives_each_name_once() {
        assert_eq!(
            names("tuyên truyền về Luật Bảo hiểm Y tế, Luật Công đoàn, Bộ luật Lao động nhằm nâng cao hiểu biết"),
            ["Luật Bảo hiểm Y tế", "Luật Công đoàn", "Bộ luật Lao động"]
        );
    }

    #[test]
    fn a_name_with_a_comma_is_taken_whole_when_known_and_place_names_run_on() {
        assert_eq!(
            names("do quy định của Luật thi đua, khen thưởng giới hạn số lượng"),
            ["Luật thi đua, khen thưởng"]
        );
        assert_eq!(
            names("thông qua Luật An ninh mạng, Dự án Luật đơn vị hành chính - kinh tế đặc biệt Vân Đồn, Bắc Vân Phong, Phú Quốc vào tháng 6/2018"),
            [
                "Luật An ninh mạng",
                "Luật đơn vị hành chính - kinh tế đặc biệt Vân Đồn, Bắc Vân Phong, Phú Quốc"
            ]
        );
    }

    #[test]
    fn a_numbered_law_is_a_reference_and_lawyers_and_the_common_noun_are_not_laws() {
        assert!(names("theo Luật Giá số 11/2012/QH13 ngày 20/6/2012").is_empty());
        assert!(names("Luật sư Nguyễn Văn A và luật pháp của Nhà nước").is_empty());
        assert_eq!(
            names("thực hiện Pháp lệnh Công an xã và triển khai"),
            ["Pháp lệnh Công an xã"]
        );
    }
}
