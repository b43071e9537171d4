//! Numbers: quantities written with digits in running text.
//!
//! Everything already claimed (references, dates, percentages) is skipped;
//! of the rest, what is an identifier, an ordinal, a year, a section marker or
//! a document number is not a quantity (ANNOTATION.md, "NOT numbers"). The
//! words that make a number an identifier come from `patterns/number_context.tsv`.

use std::collections::HashMap;

use regex::Regex;

use super::num::{parse, PointDecimal};
use super::text::{
    after, alternation, before, char_before, compile, key, next_digit, spellings_longest_first,
    word_bounded_alternation,
};
use super::{Claims, Entities, NumberBytes};
use crate::error::PatternError;
use crate::normalize::OffsetMap;
use crate::patterns::Patterns;
use crate::record::NumberValue;

pub(crate) struct NumberExtractor {
    /// The scale words (`triệu`, `tỷ`) and their other spellings, longest first.
    scale_spellings: Vec<String>,
    /// An identifier or ordinal context right before the number.
    context: Regex,
    /// A quantity word right after the number (`1975 người` is not a year).
    unit_after: Regex,
    /// A scale word right after the number (`2000 triệu` is not a year).
    scale_after: Regex,
    /// `tháng` or `ngày` right before the number.
    month_day_before: Regex,
    /// A list or section marker at the start of a line: `1.`, `2.1.`, `(3)`, `- 4)`.
    marker_before: Regex,
    /// `Số:.....` before an arrival number or a document number.
    doc_number_before: Regex,
    /// A proper name (two capitalized words or more), then `số`:
    /// `Trường THPT Sơn Động số 3` names a school; `Dân số 225.944` is a count.
    name_number_before: Regex,
    scales: HashMap<String, u64>,
}

/// A number as found, before it is checked: its digits, and the end of the
/// scale words after it (`num.end` when there are none).
struct Token {
    num: std::ops::Range<usize>,
    scales_end: usize,
}

impl NumberExtractor {
    pub(crate) fn new(p: &Patterns) -> Result<Self, PatternError> {
        let scales: HashMap<String, u64> = p.scales.iter().map(|(w, m)| (key(w), *m)).collect();
        let scale_words = alternation(p.scales.iter().map(|(w, _)| w.as_str()));
        let context = format!(
            r"(?i)(?:^|[^\p{{L}}])(?:{})[ \t]*(?:số[ \t]*)?$",
            alternation(p.number_context.iter().map(String::as_str))
        );
        let unit_after = format!(
            r"(?i)^[ \t]*(?:{})",
            word_bounded_alternation(p.units.iter().map(String::as_str))
        );
        let c = compile;
        Ok(NumberExtractor {
            scale_spellings: spellings_longest_first(p.scales.iter().map(|(w, _)| w.as_str())),
            context: c("number_context.tsv", &context)?,
            unit_after: c("units.tsv", &unit_after)?,
            scale_after: c("scales.tsv", &format!(r"(?i)^[ \t]+(?:{scale_words})"))?,
            month_day_before: c("numbers", r"(?i)(?:(?P<month>tháng)|ngày)[ \t]*$")?,
            marker_before: c("numbers", r"(?:^|\n)[ \t]*[-+*•]*[ \t]*\**[ \t]*\(?$")?,
            doc_number_before: c("numbers", r"(?i)(?:^|\W)số[ \t]*:[ \t.…]*$")?,
            // `Tổng số 30`, `Trong số 30` begin a count, so they are not names.
            name_number_before: c(
                "numbers",
                r"\p{Lu}\p{L}*[ \t]+(?P<w>\p{Lu}\p{L}*)[ \t]+số[ \t]*$",
            )?,
            scales,
        })
    }

    pub(crate) fn extract(&self, text: &str, map: &OffsetMap, claims: &Claims, out: &mut Entities) {
        for token in self.tokens(text) {
            let num = token.num.clone();
            if claims.overlaps(&num) || self.is_not_quantity(text, num.start, num.end) {
                continue;
            }
            let Some(dec) = parse(&text[num.clone()], PointDecimal::Reject) else {
                continue;
            };
            let (mult, end) = if token.scales_end > num.end {
                self.scale(text, num.end, token.scales_end)
            } else {
                (1, num.end)
            };
            let end = end.max(num.end);
            out.number_bytes.push(NumberBytes {
                start: num.start,
                digits_end: num.end,
                end,
                mult,
            });
            out.numbers.push(NumberValue {
                text: text[num.start..end].to_string(),
                span: map.span(num.start, end),
                value: dec.times(mult),
                unit: None,
                counted: None,
                qualifier: None,
                ratio: None,
                range: None,
            });
        }
    }

    /// The number tokens of `text`: digits with `.` or `,` between digit
    /// groups (`1.212`, `95,2`), then any scale words after spaces (`1,2
    /// nghìn tỷ`). A hand-written scan rather than a regex: numbers are the
    /// most frequent entity, and a regex search restarted at each of them
    /// cost more than all the rest of their reading. Only ASCII digits count,
    /// the only ones [`parse`] reads.
    fn tokens<'t>(&'t self, text: &'t str) -> impl Iterator<Item = Token> + 't {
        let b = text.as_bytes();
        let digits_from = |mut i: usize| {
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            i
        };
        let mut i = 0;
        std::iter::from_fn(move || {
            let start = next_digit(b, i)?;
            let mut end = digits_from(start);
            while matches!(b.get(end), Some(b'.' | b','))
                && b.get(end + 1).is_some_and(u8::is_ascii_digit)
            {
                end = digits_from(end + 1);
            }
            // Scale words may chain: `1,2 nghìn tỷ` is 1.2 × 10^12.
            let mut scales_end = end;
            loop {
                let gap = text[scales_end..].len()
                    - text[scales_end..].trim_start_matches([' ', '\t']).len();
                let rest = &text[scales_end + gap..];
                match self
                    .scale_spellings
                    .iter()
                    .find(|w| rest.starts_with(w.as_str()))
                {
                    Some(w) if gap > 0 => scales_end += gap + w.len(),
                    _ => break,
                }
            }
            i = scales_end;
            Some(Token {
                num: start..end,
                scales_end,
            })
        })
    }

    /// The product of the scale words in `start..end` and where they end; a
    /// word that turns out not to be a scale (`tỷ lệ`) ends the chain.
    fn scale(&self, text: &str, start: usize, end: usize) -> (u64, usize) {
        let (mut mult, mut upto) = (1u64, start);
        let mut at = start;
        for word in text[start..end].split_whitespace() {
            let word_end = at + text[at..end].find(word).map_or(0, |i| i + word.len());
            at = word_end;
            let Some(m) = self.scales.get(&key(word)) else {
                break;
            };
            if !is_scale_word(text, word_end) {
                break;
            }
            mult = mult.saturating_mul(*m);
            upto = word_end;
        }
        (mult, upto)
    }

    /// `Trường THPT Hiệp Hòa số 1`: a proper name before `số` makes the
    /// number part of the name. `Tổng số 30`, `Trong số 30` start a count.
    fn is_named_number(&self, head: &str) -> bool {
        self.name_number_before
            .captures(head)
            .and_then(|c| c.name("w"))
            .is_some_and(|w| !matches!(w.as_str(), "Tổng" | "Trong" | "Với" | "Có"))
    }

    fn is_not_quantity(&self, text: &str, start: usize, end: usize) -> bool {
        let digits = &text[start..end];
        let prev = char_before(text, start);
        // Glued to letters: `QL10`, `PV28`, `K44S`, `V05`; `Covid-19`.
        if prev.is_some_and(char::is_alphabetic) {
            return true;
        }
        if prev == Some('-') {
            let before_dash = char_before(text, start - 1);
            if before_dash.is_some_and(char::is_alphabetic) {
                return true;
            }
        }
        let rest = after(text, end, 48);
        let head = before(text, start, 64);
        // Section and list markers: `1.` or `2)` at a line start, `(1)`.
        if self.marker_before.is_match(head)
            && (rest.starts_with(". ")
                || rest.starts_with(".\n")
                || rest.starts_with(')')
                || rest.starts_with(".)")
                || rest == "."
                || (rest.starts_with('.') && rest[1..].starts_with(char::is_whitespace)))
        {
            return true;
        }
        if head.ends_with('(') && rest.starts_with(')') {
            return true;
        }
        // A year standing as a year: `năm 2017`, `2013 - 2023`, `nhiệm kỳ 2015-2020`.
        let is_year_like = digits.len() == 4
            && (digits.starts_with("19") || digits.starts_with("20"))
            && !self.unit_after.is_match(rest)
            && !self.scale_after.is_match(rest);
        if is_year_like {
            return true;
        }
        // Month or day names: `tháng 6` is June, `ngày 15` the fifteenth.
        if let Some(c) = self.month_day_before.captures(head) {
            let v: u32 = digits.parse().unwrap_or(0);
            let is_month = c.name("month").is_some();
            if (is_month && (1..=12).contains(&v)) || (!is_month && (1..=31).contains(&v)) {
                return true;
            }
        }
        self.context.is_match(head)
            || self.doc_number_before.is_match(head)
            || self.is_named_number(head)
    }
}

/// A scale word ends at a word end and is not the start of `tỷ lệ` (a rate).
fn is_scale_word(text: &str, end: usize) -> bool {
    let rest = &text[end..];
    !rest.starts_with(char::is_alphanumeric) && !rest.starts_with(" lệ")
}

#[cfg(test)]
mod tests {
    use crate::extract::tests::extract;

    fn values(text: &str) -> Vec<f64> {
        extract(text).numbers.iter().map(|n| n.value).collect()
    }

    #[test]
    fn thousands_dots_and_leading_zeros() {
        assert_eq!(
            values(
                "Diện tích 18.054 ha, Dân số 225.944 nhân khẩu. Địa bàn có 29 xã và 01 thị trấn"
            ),
            [18054.0, 225944.0, 29.0, 1.0]
        );
    }

    #[test]
    fn ratio_sides_are_two_numbers() {
        assert_eq!(values("trong đó có 17/30 xã, thị trấn"), [17.0, 30.0]);
        assert_eq!(values("trực 24/24 giờ"), [24.0, 24.0]);
    }

    #[test]
    fn scale_words_multiply_and_belong_to_the_text() {
        let e = extract("Dân số trên 1,8 triệu người, kinh phí 30,3 triệu đồng");
        let got: Vec<_> = e
            .numbers
            .iter()
            .map(|n| (n.text.as_str(), n.value))
            .collect();
        assert_eq!(
            got,
            [("1,8 triệu", 1_800_000.0), ("30,3 triệu", 30_300_000.0)]
        );
    }

    #[test]
    fn ty_le_is_a_rate_not_a_scale_word() {
        let e = extract("có 3 tỷ lệ khác nhau");
        let got: Vec<_> = e
            .numbers
            .iter()
            .map(|n| (n.text.as_str(), n.value))
            .collect();
        assert_eq!(got, [("3", 3.0)]);
    }

    #[test]
    fn chained_scale_words_multiply_together() {
        let e = extract("tổng vốn 1,2 nghìn tỷ đồng");
        let got: Vec<_> = e
            .numbers
            .iter()
            .map(|n| (n.text.as_str(), n.value))
            .collect();
        assert_eq!(got, [("1,2 nghìn tỷ", 1_200_000_000_000.0)]);
    }

    #[test]
    fn a_year_like_amount_with_a_scale_word_is_an_amount() {
        assert_eq!(values("kinh phí 2000 triệu đồng"), [2_000_000_000.0]);
    }

    #[test]
    fn capitalized_labels_are_identifiers_too() {
        assert!(values("theo Khoản 2 Điều 5, Mục 2, Phụ lục 02, Biểu số 2").is_empty());
    }

    #[test]
    fn units_glued_to_numbers_still_count() {
        assert_eq!(values("cách trung tâm thành phố Hải Phòng 40km"), [40.0]);
        assert_eq!(values("Lưu: VT, QTTV(3b)."), [3.0]);
    }

    #[test]
    fn identifiers_and_codes_are_not_numbers() {
        assert!(values(
            "có tuyến đường QL10 và QL 37 chạy qua, Ban Chỉ đạo 799 huyện, dịch bệnh Covid-19"
        )
        .is_empty());
        assert!(
            values("Ban Chỉ đạo 138 tỉnh, Tiêu chí 19, Cục V05, Phòng PK 20, học viên K44S")
                .is_empty()
        );
    }

    #[test]
    fn years_standing_as_years_are_not_numbers() {
        assert_eq!(
            values("Kết quả 10 năm (2013 - 2023) thực hiện, nhiệm kỳ 2015-2020"),
            [10.0]
        );
    }

    #[test]
    fn section_markers_are_not_numbers() {
        assert!(values("1. Đánh giá khái quát\n2.1. Kết quả\n(3) nội dung").is_empty());
    }

    #[test]
    fn ordinals_in_names_are_not_numbers() {
        assert!(values("kỳ họp thứ 4, khóa 2, Trường số 1, khoản 3, điều 6").is_empty());
    }

    #[test]
    fn a_school_named_by_number_is_not_a_quantity() {
        assert!(values("tại Trường THPT Sơn Động số 3; Trường THPT Việt Yên số 2").is_empty());
        assert_eq!(values("Tổng số 135 nhân viên bảo vệ"), [135.0]);
    }

    #[test]
    fn arrival_number_in_a_stamp_is_not_a_number() {
        assert!(values("CV ĐẾN\tSố:.....2.094.....").is_empty());
    }

    #[test]
    fn digits_inside_references_dates_and_percentages_are_not_numbers() {
        assert!(values("Nghị định số 06/2013/NĐ-CP ngày 09/01/2013 đạt 95,2%").is_empty());
    }

    #[test]
    fn a_number_of_people_in_the_year_range_is_a_count() {
        assert_eq!(values("có 1975 người tham gia"), [1975.0]);
    }

    #[test]
    fn version_numbers_are_not_numbers() {
        assert!(values("cách mạng công nghiệp 4.0").is_empty());
    }
}
