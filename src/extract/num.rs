//! Vietnamese number syntax: `.` groups thousands, `,` marks decimals
//! (`18.054` → 18054, `14,66` → 14.66, `1.234,5` → 1234.5).
//!
//! Values are kept exact (digits and decimal places) until the end, so
//! `30,3 triệu` is 30300000 and not 30299999.999999996.

/// An exact decimal as written: `mantissa / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    pub mantissa: u128,
    pub scale: u32,
}

impl Decimal {
    /// The value multiplied by `mult`, exact whenever the result is whole.
    pub fn times(self, mult: u64) -> f64 {
        let Some(product) = self.mantissa.checked_mul(u128::from(mult)) else {
            return self.mantissa as f64 * mult as f64 / 10f64.powi(self.scale as i32);
        };
        let Some(div) = 10u128.checked_pow(self.scale) else {
            return product as f64 / 10f64.powi(self.scale as i32);
        };
        if product % div == 0 {
            (product / div) as f64
        } else {
            product as f64 / div as f64
        }
    }

    pub fn value(self) -> f64 {
        self.times(1)
    }
}

/// How to read a lone `.` followed by other than three digits (`95.2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointDecimal {
    /// As a decimal point (percentages typed English-style: `95.2%`).
    Allow,
    /// As no number at all (`2.1`, `4.0` are section or version numbers).
    Reject,
}

/// Parses digits with Vietnamese separators. `None` when the separators do
/// not form a number (`2.1.3`, `12.34.5`).
pub fn parse(s: &str, point: PointDecimal) -> Option<Decimal> {
    if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return None;
    }
    let (int_part, frac) = match s.split_once(',') {
        Some((i, f)) if !f.contains([',', '.']) && !f.is_empty() => (i, f),
        Some(_) => return None,
        None => match s.split_once('.') {
            Some((i, f)) if point == PointDecimal::Allow && !f.contains('.') && f.len() != 3 => {
                (i, f)
            }
            _ => (s, ""),
        },
    };
    let groups: Vec<&str> = int_part.split('.').collect();
    let grouped_ok = groups.len() == 1
        || (matches!(groups[0].len(), 1..=3) && groups[1..].iter().all(|g| g.len() == 3));
    if !grouped_ok || groups.iter().any(|g| g.is_empty()) {
        return None;
    }
    let mut mantissa: u128 = 0;
    for b in groups.iter().flat_map(|g| g.bytes()).chain(frac.bytes()) {
        mantissa = mantissa
            .checked_mul(10)?
            .checked_add(u128::from(b - b'0'))?;
    }
    Some(Decimal {
        mantissa,
        scale: u32::try_from(frac.len()).ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Option<f64> {
        parse(s, PointDecimal::Reject).map(Decimal::value)
    }

    #[test]
    fn dots_group_thousands() {
        assert_eq!(v("18.054"), Some(18054.0));
        assert_eq!(v("225.944"), Some(225944.0));
        assert_eq!(v("1.212"), Some(1212.0));
    }

    #[test]
    fn comma_is_the_decimal_mark() {
        assert_eq!(v("14,66"), Some(14.66));
        assert_eq!(v("1.234,5"), Some(1234.5));
        assert_eq!(v("0,5"), Some(0.5));
    }

    #[test]
    fn leading_zeros_are_kept_out_of_the_value() {
        assert_eq!(v("01"), Some(1.0));
        assert_eq!(v("08"), Some(8.0));
    }

    #[test]
    fn section_and_version_numbers_are_not_numbers() {
        assert_eq!(v("2.1"), None);
        assert_eq!(v("4.0"), None);
        assert_eq!(v("1.2.3"), None);
        assert_eq!(v("12.34"), None);
    }

    #[test]
    fn english_decimal_point_only_when_allowed() {
        assert_eq!(
            parse("95.2", PointDecimal::Allow).map(Decimal::value),
            Some(95.2)
        );
        assert_eq!(
            parse("1.000", PointDecimal::Allow).map(Decimal::value),
            Some(1000.0)
        );
    }

    #[test]
    fn scale_words_multiply_exactly() {
        let d = parse("30,3", PointDecimal::Reject).unwrap();
        assert_eq!(d.times(1_000_000), 30_300_000.0);
        let d = parse("557,480", PointDecimal::Reject).unwrap();
        assert_eq!(d.times(1_000_000_000), 557_480_000_000.0);
    }
}
