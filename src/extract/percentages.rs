//! Percentages: `14,66%`, `100 %`, `5 phần trăm`, a sign glued to the
//! digits (`(-8,6%)`); a range `5-7%` gives two, each carrying both ends.

use regex::Regex;

use super::num::{parse, PointDecimal};
use super::text::{char_before, compile, Captured};
use super::{Claims, Entities};
use crate::error::PatternError;
use crate::normalize::OffsetMap;
use crate::record::{Percentage, QuantityRange};

pub(crate) struct PercentExtractor {
    /// A number and `%` or `phần trăm`.
    re: Captured,
    /// The same with `%` only. A regex ending in one literal is searched for
    /// that literal first, backwards from each `%`; the two-way ending sends
    /// the search through every digit of the text instead, 50 times slower.
    sign_only: Captured,
    /// Whether the words can occur at all: only then is `re` needed.
    words: Regex,
}

impl PercentExtractor {
    pub(crate) fn new() -> Result<Self, PatternError> {
        let num = r"[0-9]+(?:[.,][0-9]+)*";
        let number = format!(r"(?:(?P<a>{num})[ \t]*[-–][ \t]*)?(?P<sign>[-−])?(?P<b>{num})[ \t]*");
        Ok(PercentExtractor {
            re: Captured::new(
                "percentages",
                &format!(r"{number}(?:%|(?i:phần[ \t]+trăm))"),
            )?,
            sign_only: Captured::new("percentages", &format!(r"{number}%"))?,
            words: compile("percentages", r"(?i)phần[ \t]+trăm")?,
        })
    }

    pub(crate) fn extract(
        &self,
        text: &str,
        map: &OffsetMap,
        claims: &mut Claims,
        out: &mut Entities,
    ) {
        // Without the words in the text, `re` can only match what
        // `sign_only` matches.
        let re = if self.words.is_match(text) {
            &self.re
        } else {
            &self.sign_only
        };
        for c in re.captures_iter(text) {
            let whole = c.whole();
            let Some(b) = c.name("b") else {
                continue;
            };
            let glued = char_before(text, whole.start()).is_some_and(|ch| ch.is_alphanumeric());
            if glued || claims.overlaps(&whole.range()) {
                continue;
            }
            let Some(v) = parse(b.as_str(), PointDecimal::Allow) else {
                continue;
            };
            // A minus glued to the digits and not glued to a word before it
            // (`(-8,6%)`, `giảm -2%`): `5-7%` is a range, read as `a` above.
            let sign = c.name("sign").filter(|s| {
                c.name("a").is_none()
                    && char_before(text, s.start()).is_none_or(|ch| !ch.is_alphanumeric())
            });
            let start = sign.map_or(b.start(), |s| s.start());
            let value = if sign.is_some() {
                -v.value()
            } else {
                v.value()
            };
            // The lower end of a range is a percentage without its own sign.
            let lower = c
                .name("a")
                .and_then(|a| Some((a, parse(a.as_str(), PointDecimal::Allow)?.value())));
            let range = lower.map(|(_, from)| QuantityRange { from, to: value });
            if let Some((a, from)) = lower {
                claims.add(a.range());
                out.percent_bytes.push(a.range());
                out.percentages.push(Percentage {
                    text: a.as_str().to_string(),
                    span: map.span(a.start(), a.end()),
                    value: from,
                    range: range.clone(),
                    qualifier: None,
                    of: None,
                    of_ratio: None,
                });
            }
            claims.add(start..whole.end());
            out.percent_bytes.push(start..whole.end());
            out.percentages.push(Percentage {
                text: text[start..whole.end()].to_string(),
                span: map.span(start, whole.end()),
                value,
                range,
                qualifier: None,
                of: None,
                of_ratio: None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::extract::tests::extract;

    fn values(text: &str) -> Vec<f64> {
        extract(text).percentages.iter().map(|p| p.value).collect()
    }

    #[test]
    fn decimal_comma_and_spaced_sign() {
        assert_eq!(values("đạt 14,66%, 100 % và 0,5%"), [14.66, 100.0, 0.5]);
    }

    #[test]
    fn percentage_after_a_ratio_is_separate_from_the_ratio() {
        let e = extract("Năm 2013: 1.212/1.273 khu dân cư (95,2%)");
        assert_eq!(
            e.percentages
                .iter()
                .map(|p| p.text.as_str())
                .collect::<Vec<_>>(),
            ["95,2%"]
        );
        assert_eq!(
            e.numbers.iter().map(|n| n.value).collect::<Vec<_>>(),
            [1212.0, 1273.0]
        );
    }

    #[test]
    fn a_range_gives_both_ends() {
        assert_eq!(values("tăng 5-7% so với"), [5.0, 7.0]);
    }

    #[test]
    fn a_minus_glued_to_the_digits_is_kept() {
        let e = extract("tội phạm về trật tự xã hội giảm 12 vụ (-8,6%) so với cùng kỳ");
        let got: Vec<_> = e
            .percentages
            .iter()
            .map(|p| (p.text.as_str(), p.value))
            .collect();
        assert_eq!(got, [("-8,6%", -8.6)]);
    }

    #[test]
    fn both_ends_of_a_range_carry_the_range() {
        let e = extract("tăng 5-7% so với");
        let ranges: Vec<_> = e
            .percentages
            .iter()
            .map(|p| p.range.as_ref().map(|r| (r.from, r.to)))
            .collect();
        assert_eq!(ranges, [Some((5.0, 7.0)), Some((5.0, 7.0))]);
    }

    #[test]
    fn words_phan_tram() {
        assert_eq!(values("giảm 12 phần trăm"), [12.0]);
    }

    #[test]
    fn signs_and_words_in_one_text_are_all_found_in_order() {
        assert_eq!(
            values("đạt 14,66%, giảm 12 PHẦN TRĂM, tăng 5-7% và 3 phần\ttrăm"),
            [14.66, 12.0, 5.0, 7.0, 3.0]
        );
    }
}
