//! Dates: `09/01/2013`, `ngày 08 tháng 5 năm 2017`, `tháng 4 năm 2024`,
//! `tháng 5/2014`, `13/11/17`, the blank template `ngày   tháng 4 năm 2024`,
//! `ngày 26/6` (no year: `--06-26`), and `năm 2017` (year precision).
//!
//! An invalid calendar date as written (`31/02/2017`, `13/6/20205`) is never
//! given a value: it becomes a warning, and its digits are claimed so they do
//! not turn into numbers either.

use std::ops::Range;

use regex::{Captures, Regex};

use super::text::{
    alternation, before, captures_after, char_at, char_before, compile, find_after, group_indices,
    Before, WORD_END,
};
use super::{Claims, Entities};
use crate::error::PatternError;
use crate::normalize::OffsetMap;
use crate::patterns::Patterns;
use crate::record::{DateRange, DateValue, Precision, Warning};

/// Blank space in a template date: spaces, dots or underscores.
const BLANK: &str = r"[\s._…]*";

pub(crate) struct DateExtractor {
    /// `ngày D tháng M năm Y`, any of D and M left blank.
    words: Regex,
    /// `tháng M năm Y`, `tháng M/Y`.
    month: Regex,
    /// `D/M/Y`, `D-M-YYYY`, `D.M.YYYY`.
    numeric: Regex,
    /// `M/YYYY` standing alone (`tính đến 10/2021`).
    month_year: Regex,
    /// `ngày 26/6`, `Lễ 30/4`: a day and month with no year, after a cue
    /// word from `patterns/date_cues.tsv`.
    day_month: Regex,
    /// `(26/6)`: a day and month alone in parentheses.
    bare_day_month: Regex,
    /// `15-20/6/2023`: two days of one month.
    day_range: Regex,
    /// `tháng 10-12/2023`: two months of one year.
    month_range: Regex,
    /// `tỷ lệ 1/2000` is a map scale, not January 2000.
    scale_before: Regex,
    /// `năm 2017`.
    year: Regex,
    /// `2013 - 2023`, `2015-2020`: a span of years.
    year_span: Regex,
}

/// A candidate before overlap resolution.
struct Candidate {
    range: Range<usize>,
    parsed: Result<(String, Precision), String>,
    /// Both ends of a span of years.
    years: Option<DateRange>,
}

impl DateExtractor {
    pub(crate) fn new(p: &Patterns) -> Result<Self, PatternError> {
        let cues = alternation(p.date_cues.iter().map(String::as_str));
        let c = |re: &str| compile("dates", re);
        Ok(DateExtractor {
            words: c(&format!(
                r"(?i)(?P<all>ngày{BLANK}(?P<d>[0-9]{{1,2}})?{BLANK}tháng{BLANK}(?P<m>[0-9]{{1,2}})?{BLANK}năm\s*(?P<y>[0-9]{{4}})){WORD_END}"
            ))?,
            month: c(&format!(
                r"(?i)(?P<all>tháng\s+(?P<m>[0-9]{{1,2}})\s*(?:năm\s+|/|-)\s*(?P<y>[0-9]{{4}})){WORD_END}"
            ))?,
            numeric: c(
                r"(?P<d>[0-9]{1,2})[ \t]?(?P<s>[/.-])[ \t]?(?P<m>[0-9]{1,2})[ \t]?(?P<s2>[/.-])[ \t]?(?P<y>[0-9]+)",
            )?,
            month_year: c(r"(?P<m>[0-9]{1,2})/(?P<y>(?:19|20)[0-9]{2})")?,
            day_month: compile(
                "date_cues.tsv",
                &format!(r"(?i)(?:{cues})[ \t]+(?P<d>[0-9]{{1,2}})/(?P<m>[0-9]{{1,2}})"),
            )?,
            bare_day_month: c(r"\((?P<d>[0-9]{1,2})/(?P<m>[0-9]{1,2})\)")?,
            day_range: c(
                r"(?P<d1>[0-9]{1,2})[ \t]*[-–][ \t]*(?P<d2>[0-9]{1,2})/(?P<m>[0-9]{1,2})/(?P<y>[0-9]{4})",
            )?,
            month_range: c(&format!(
                r"(?i)(?P<all>(?P<first>tháng\s+(?P<m1>[0-9]{{1,2}}))[ \t]*[-–][ \t]*(?P<second>(?P<m2>[0-9]{{1,2}})\s*(?:/|năm\s+)\s*(?P<y>[0-9]{{4}}))){WORD_END}"
            ))?,
            scale_before: c(r"(?i)tỷ[ \t]+lệ[ \t:]*$")?,
            year: c(&format!(
                r"(?i)(?P<all>năm\s+(?P<y>(?:19|20)[0-9]{{2}})){WORD_END}"
            ))?,
            year_span: c(r"(?P<y1>(?:19|20)[0-9]{2})[ \t]*[-–][ \t]*(?P<y2>(?:19|20)[0-9]{2})")?,
        })
    }

    pub(crate) fn extract(
        &self,
        text: &str,
        map: &OffsetMap,
        claims: &mut Claims,
        out: &mut Entities,
    ) {
        let mut cands: Vec<Candidate> = Vec::new();
        // Groups are read by index, looked up once per document rather than
        // by name at every match (see `group_index`).
        let [all, d, m, y] = group_indices(&self.words, ["all", "d", "m", "y"]);
        for c in captures_after(&self.words, text, Before::NotWord, "all") {
            let (d, m, y) = (c.get(d), c.get(m), &c[y]);
            let parsed = match (d, m) {
                (Some(d), Some(m)) => day(d.as_str(), m.as_str(), y),
                (None, Some(m)) => month(m.as_str(), y),
                (None, None) => Ok((y.to_string(), Precision::Year)),
                (Some(_), None) => continue, // `ngày 5 tháng năm 2020`: not a form anyone writes
            };
            cands.push(Candidate {
                range: whole(&c, all),
                parsed,
                years: None,
            });
        }
        let [all, m, y] = group_indices(&self.month, ["all", "m", "y"]);
        for c in captures_after(&self.month, text, Before::NotWord, "all") {
            cands.push(Candidate {
                range: whole(&c, all),
                parsed: month(&c[m], &c[y]),
                years: None,
            });
        }
        let [all, d, m, y, s, s2] = group_indices(&self.numeric, ["all", "d", "m", "y", "s", "s2"]);
        for c in self.numeric.captures_iter(text) {
            let r = whole(&c, all);
            if !standalone(text, &r) || c[s] != c[s2] {
                continue;
            }
            let y = &c[y];
            // Two-digit years only with slashes (`13/11/17`): with dots or
            // hyphens, and with 1 or 3 digits, it is a section number (`3.2.1`)
            // or a range, not a date at all. Five digits (`13/6/20205`) is a
            // date with a typo: an invalid date.
            let slash = &c[s] == "/";
            if matches!(y.len(), 1 | 3) || (!slash && y.len() != 4) {
                continue;
            }
            cands.push(Candidate {
                range: r,
                parsed: day(&c[d], &c[m], y),
                years: None,
            });
        }
        let [all, m, y] = group_indices(&self.month_year, ["all", "m", "y"]);
        for c in self.month_year.captures_iter(text) {
            let r = whole(&c, all);
            if standalone(text, &r) && !self.scale_before.is_match(before(text, r.start, 24)) {
                if let Ok(p) = month(&c[m], &c[y]) {
                    cands.push(Candidate {
                        range: r,
                        parsed: Ok(p),
                        years: None,
                    });
                }
            }
        }
        let [all, d1, d2, m, y] = group_indices(&self.day_range, ["all", "d1", "d2", "m", "y"]);
        for c in self.day_range.captures_iter(text) {
            let r = whole(&c, all);
            if !standalone(text, &r) {
                continue;
            }
            let (Some(d1), Some(d2)) = (c.get(d1), c.get(d2)) else {
                continue;
            };
            let (m, y) = (&c[m], &c[y]);
            cands.push(Candidate {
                range: d1.range(),
                parsed: day(d1.as_str(), m, y),
                years: None,
            });
            cands.push(Candidate {
                range: d2.start()..r.end,
                parsed: day(d2.as_str(), m, y),
                years: None,
            });
        }
        let [first, second, m1, m2, y] =
            group_indices(&self.month_range, ["first", "second", "m1", "m2", "y"]);
        for c in captures_after(&self.month_range, text, Before::NotWord, "all") {
            let (Some(first), Some(second)) = (c.get(first), c.get(second)) else {
                continue;
            };
            let y = &c[y];
            cands.push(Candidate {
                range: first.range(),
                parsed: month(&c[m1], y),
                years: None,
            });
            cands.push(Candidate {
                range: second.range(),
                parsed: month(&c[m2], y),
                years: None,
            });
        }
        // A day and month after a cue word, or alone in parentheses. Without
        // either it is a ratio (`17/30 xã`, `đạt 8/10.`), left to numbers.
        // (The day and month are the end of the match, after the cue's
        // blanks or inside the parentheses: read off it, not captured.)
        let after_cue = find_after(&self.day_month, text, Before::NotWord).filter_map(|m| {
            let digits = m.as_str().rfind([' ', '\t'])? + 1;
            Some(m.start() + digits..m.end())
        });
        let in_parentheses = self
            .bare_day_month
            .find_iter(text)
            .map(|m| m.start() + 1..m.end() - 1);
        let day_months = after_cue.chain(in_parentheses);
        for r in day_months {
            if !standalone(text, &r) {
                continue;
            }
            let (d, m) = text[r.clone()].split_once('/').unwrap_or(("", ""));
            let (dn, mn) = (d.parse().unwrap_or(0), m.parse().unwrap_or(0));
            // Any year: 2000 is a leap year, so 29/2 passes.
            if (1..=12).contains(&mn) && dn >= 1 && dn <= days_in_month(2000, mn) {
                cands.push(Candidate {
                    range: r,
                    parsed: Ok((format!("--{mn:02}-{dn:02}"), Precision::Day)),
                    years: None,
                });
            }
        }
        // `năm YYYY`, kept for the spans below too.
        let [year_all, y] = group_indices(&self.year, ["all", "y"]);
        let years: Vec<Captures> =
            captures_after(&self.year, text, Before::NotWord, "all").collect();
        for c in &years {
            cands.push(Candidate {
                range: whole(c, year_all),
                parsed: Ok((c[y].to_string(), Precision::Year)),
                years: None,
            });
        }

        // Spans of years: `2013 - 2023` (standing alone, the second year
        // later than the first) and `năm 2012 đến 2018`.
        let [all, y1, y2] = group_indices(&self.year_span, ["all", "y1", "y2"]);
        let mut spans: Vec<(Range<usize>, &str, &str)> = self
            .year_span
            .captures_iter(text)
            .filter(|c| standalone(text, &whole(c, all)))
            .filter_map(|c| Some((whole(&c, all), c.get(y1)?.as_str(), c.get(y2)?.as_str())))
            .collect();
        // `năm 2012 đến 2018`: read on from each `năm YYYY` found above
        // rather than with one more pass of a regex over the whole text.
        for c in &years {
            let r = whole(c, year_all);
            if let Some((end, y2)) = year_after_den(text, r.end) {
                spans.push((r.start..end, &text[r.end - 4..r.end], y2));
            }
        }
        for (range, y1, y2) in spans {
            if y2 <= y1 {
                continue;
            }
            cands.push(Candidate {
                range,
                parsed: Ok((y1.to_string(), Precision::Year)),
                years: Some(DateRange {
                    from: y1.to_string(),
                    to: y2.to_string(),
                }),
            });
        }

        // Earliest start wins; on a tie the longest (the most specific form).
        cands.sort_by_key(|c| (c.range.start, std::cmp::Reverse(c.range.end)));
        let mut last_end = 0;
        for c in cands {
            if c.range.start < last_end || claims.overlaps(&c.range) {
                continue;
            }
            last_end = c.range.end;
            claims.add(c.range.clone());
            let span = map.span(c.range.start, c.range.end);
            let surface = text[c.range.clone()].to_string();
            match c.parsed {
                Ok((value, precision)) => {
                    out.date_bytes.push(c.range.clone());
                    out.dates.push(DateValue {
                        text: surface,
                        span,
                        value,
                        precision,
                        role: None,
                        range: c.years,
                        inferred_value: None,
                        year_inferred: false,
                    })
                }
                Err(why) => out.warnings.push(Warning {
                    kind: "invalid_date".into(),
                    message: format!("`{surface}` is not a calendar date ({why}); no value given"),
                    span: Some(span),
                }),
            }
        }
    }
}

/// After `năm 2012`: ` đến 2018` or ` tới năm 2018`, a year standing
/// alone. Its end and the year.
fn year_after_den(text: &str, end: usize) -> Option<(usize, &str)> {
    let rest = text[end..].trim_start_matches([' ', '\t']);
    let rest = rest
        .strip_prefix("đến")
        .or_else(|| rest.strip_prefix("tới"))?;
    let trimmed = rest.trim_start_matches([' ', '\t']);
    if trimmed.len() == rest.len() {
        return None;
    }
    let rest = trimmed;
    let rest = match rest.strip_prefix("năm") {
        Some(r) if r.starts_with([' ', '\t']) => r.trim_start_matches([' ', '\t']),
        _ => rest,
    };
    let y = rest.get(..4)?;
    let standalone_year = y.bytes().all(|b| b.is_ascii_digit())
        && (y.starts_with("19") || y.starts_with("20"))
        && !rest[4..].starts_with(|c: char| c.is_alphanumeric() || c == '/');
    let at = text.len() - rest.len();
    standalone_year.then(|| (at + 4, &text[at..at + 4]))
}

/// The date's own range: the `all` group (index `all`) when the regex
/// spells out word boundaries around it, else the whole match.
fn whole(c: &Captures, all: usize) -> Range<usize> {
    c.get(all).or_else(|| c.get(0)).map_or(0..0, |m| m.range())
}

/// Not glued to other digits, letters or separators (`1.212/1.273`, `QL10/2`).
fn standalone(text: &str, r: &Range<usize>) -> bool {
    let ok_before = char_before(text, r.start)
        .is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '/' | '.' | ',' | '-')));
    let ok_after = match char_at(text, r.end) {
        None => true,
        Some(c) if c.is_alphanumeric() => false,
        Some('/' | '-' | '.' | ',') => !text[r.end + 1..].starts_with(|c: char| c.is_ascii_digit()),
        Some(_) => true,
    };
    ok_before && ok_after
}

fn year_of(y: &str) -> Result<i32, String> {
    match y.len() {
        4 => y.parse().map_err(|_| format!("year {y}")),
        // `13/11/17` → 2017: arrival stamps and letters use two-digit years.
        2 => y
            .parse::<i32>()
            .map(|v| if v < 50 { 2000 + v } else { 1900 + v })
            .map_err(|_| format!("year {y}")),
        _ => Err(format!("year `{y}` has {} digits", y.len())),
    }
}

fn month(m: &str, y: &str) -> Result<(String, Precision), String> {
    let year = year_of(y)?;
    let mn: u32 = m.parse().map_err(|_| format!("month {m}"))?;
    if !(1..=12).contains(&mn) {
        return Err(format!("month {mn}"));
    }
    Ok((format!("{year:04}-{mn:02}"), Precision::Month))
}

fn day(d: &str, m: &str, y: &str) -> Result<(String, Precision), String> {
    let year = year_of(y)?;
    let mn: u32 = m.parse().map_err(|_| format!("month {m}"))?;
    let dn: u32 = d.parse().map_err(|_| format!("day {d}"))?;
    if !(1..=12).contains(&mn) {
        return Err(format!("month {mn}"));
    }
    if dn == 0 || dn > days_in_month(year, mn) {
        return Err(format!("day {dn} of month {mn}"));
    }
    Ok((format!("{year:04}-{mn:02}-{dn:02}"), Precision::Day))
}

/// `YYYY-MM-DD` for a valid day, for the `date` of a legal reference.
pub(crate) fn iso_day(d: &str, m: &str, y: &str) -> Option<String> {
    day(d, m, y).ok().map(|(v, _)| v)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use crate::extract::tests::extract;
    use crate::record::Precision;

    fn dates(text: &str) -> Vec<(String, Precision)> {
        extract(text)
            .dates
            .into_iter()
            .map(|d| (d.value, d.precision))
            .collect()
    }

    fn day(v: &str) -> (String, Precision) {
        (v.to_string(), Precision::Day)
    }

    fn month(v: &str) -> (String, Precision) {
        (v.to_string(), Precision::Month)
    }

    #[test]
    fn slash_dates_with_and_without_leading_zeros() {
        assert_eq!(
            dates("ngày 09/01/2013 và 9/01/2013"),
            [day("2013-01-09"), day("2013-01-09")]
        );
    }

    #[test]
    fn date_in_words_across_a_line_break() {
        let d = extract("Lạng Sơn, ngày 08 tháng 5 năm\n2017").dates;
        assert_eq!(
            (d[0].value.as_str(), d[0].text.as_str()),
            ("2017-05-08", "ngày 08 tháng 5 năm\n2017")
        );
    }

    #[test]
    fn blank_template_day_gives_month_precision() {
        assert_eq!(
            dates("Vĩnh Bảo, ngày   tháng 4 năm 2024"),
            [month("2024-04")]
        );
    }

    #[test]
    fn fully_blank_template_gives_only_a_year() {
        assert_eq!(
            dates("Lào Cai, ngày tháng năm 2020"),
            [("2020".to_string(), Precision::Year)]
        );
    }

    #[test]
    fn month_forms() {
        assert_eq!(
            dates("tháng 4 năm 2024; tháng 5/2014; từ tháng 4/2016; tính đến 10/2021"),
            [
                month("2024-04"),
                month("2014-05"),
                month("2016-04"),
                month("2021-10")
            ]
        );
    }

    #[test]
    fn two_digit_year_in_an_arrival_stamp() {
        assert_eq!(dates("Ngày: 13/11/17....."), [day("2017-11-13")]);
    }

    #[test]
    fn invalid_dates_get_a_warning_and_no_value() {
        let e = extract("Quyết định ngày 13/6/20205 và ngày 31/02/2017");
        assert!(e.dates.is_empty(), "{:?}", e.dates);
        assert_eq!(
            e.warnings
                .iter()
                .filter(|w| w.kind == "invalid_date")
                .count(),
            2
        );
        assert!(
            e.numbers.is_empty(),
            "digits of invalid dates are not numbers: {:?}",
            e.numbers
        );
    }

    #[test]
    fn day_and_month_without_year_is_year_less() {
        assert_eq!(
            dates("nhân dịp Lễ 30/4 và ngày 26/6"),
            [day("--04-30"), day("--06-26")]
        );
    }

    #[test]
    fn day_and_month_closing_a_phrase_is_a_date_not_two_numbers() {
        let e = extract("hưởng ứng ngày phòng, chống ma túy (26/6), Quốc tế Lao động 1/5...");
        let values: Vec<_> = e.dates.iter().map(|d| d.value.as_str()).collect();
        assert_eq!(values, ["--06-26", "--05-01"]);
        assert!(e.numbers.is_empty(), "{:?}", e.numbers);
    }

    #[test]
    fn a_ratio_closing_a_sentence_or_a_table_cell_is_not_a_date() {
        assert!(dates("tỷ lệ xã đạt là 8/10.").is_empty());
        assert!(dates("| 15/18 |\n| 9/12\n").is_empty());
    }

    #[test]
    fn a_map_scale_is_not_a_month() {
        assert!(dates("quy hoạch tỷ lệ 1/2000").is_empty());
    }

    #[test]
    fn day_and_month_ranges_give_both_ends() {
        assert_eq!(
            dates("từ ngày 15-20/6/2023"),
            [day("2023-06-15"), day("2023-06-20")]
        );
        assert_eq!(
            dates("các tháng 10-12/2023"),
            [month("2023-10"), month("2023-12")]
        );
    }

    #[test]
    fn section_numbers_are_neither_dates_nor_invalid_dates() {
        let e = extract("3.2.1. Công tác tuyên truyền");
        assert!(
            e.dates.is_empty() && e.warnings.is_empty(),
            "{:?} {:?}",
            e.dates,
            e.warnings
        );
    }

    #[test]
    fn ratios_and_reference_years_are_not_dates() {
        assert!(dates("17/30 xã, 24/24 giờ, 1.212/1.273").is_empty());
        assert!(dates("Nghị định số 06/2013/NĐ-CP").is_empty());
    }

    #[test]
    fn spans_of_years_give_both_ends() {
        let e = extract("Kết quả 10 năm (2013 - 2023), từ năm 2012 đến 2018, nhiệm kỳ 2015-2020");
        let got: Vec<_> = e
            .dates
            .iter()
            .map(|d| {
                let r = d.range.as_ref().expect("a span of years");
                (
                    d.text.as_str(),
                    d.value.as_str(),
                    r.from.as_str(),
                    r.to.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("2013 - 2023", "2013", "2013", "2023"),
                ("năm 2012 đến 2018", "2012", "2012", "2018"),
                ("2015-2020", "2015", "2015", "2020"),
            ]
        );
        assert_eq!(
            e.numbers.iter().map(|n| n.value).collect::<Vec<_>>(),
            [10.0]
        );
    }

    #[test]
    fn year_only_mentions_have_year_precision() {
        assert_eq!(
            dates("từ năm 2014 đến nay"),
            [("2014".to_string(), Precision::Year)]
        );
    }
}
