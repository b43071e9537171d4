//! Percentages: `14,66%`, `100 %`, `5 phần trăm`; a range `5-7%` gives two.

use regex::Regex;

use super::num::{parse, PointDecimal};
use super::text::{char_before, compile};
use super::{Claims, Entities};
use crate::error::PatternError;
use crate::normalize::OffsetMap;
use crate::record::Percentage;

pub(crate) struct PercentExtractor {
    re: Regex,
}

impl PercentExtractor {
    pub(crate) fn new() -> Result<Self, PatternError> {
        let num = r"\d+(?:[.,]\d+)*";
        let re =
            format!(r"(?i)(?:(?P<a>{num})[ \t]*[-–][ \t]*)?(?P<b>{num})[ \t]*(?:%|phần[ \t]+trăm)");
        Ok(PercentExtractor {
            re: compile("percentages", &re)?,
        })
    }

    pub(crate) fn extract(
        &self,
        text: &str,
        map: &mut OffsetMap,
        claims: &mut Claims,
        out: &mut Entities,
    ) {
        for c in self.re.captures_iter(text) {
            let (Some(whole), Some(b)) = (c.get(0), c.name("b")) else {
                continue;
            };
            let glued = char_before(text, whole.start()).is_some_and(|ch| ch.is_alphanumeric());
            if glued || claims.overlaps(&whole.range()) {
                continue;
            }
            // The lower end of a range is a percentage without its own sign.
            if let Some(a) = c.name("a") {
                if let Some(v) = parse(a.as_str(), PointDecimal::Allow) {
                    claims.add(a.range());
                    out.percentages.push(Percentage {
                        text: a.as_str().to_string(),
                        span: map.span(a.start(), a.end()),
                        value: v.value(),
                    });
                }
            }
            let Some(v) = parse(b.as_str(), PointDecimal::Allow) else {
                continue;
            };
            claims.add(b.start()..whole.end());
            out.percentages.push(Percentage {
                text: text[b.start()..whole.end()].to_string(),
                span: map.span(b.start(), whole.end()),
                value: v.value(),
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
    fn words_phan_tram() {
        assert_eq!(values("giảm 12 phần trăm"), [12.0]);
    }
}
