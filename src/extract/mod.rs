//! Extractors: normalized text → entities.
//!
//! The pipeline runs in a fixed order because later kinds must not re-read
//! what earlier kinds own (ANNOTATION.md): legal references first, then dates
//! (a date inside a reference's `ngày …` still counts as a date, but the year
//! in `06/2013/NĐ-CP` does not), then percentages, then numbers, which skip
//! every digit already claimed. Each extractor compiles its regexes once, in
//! [`Extractor::new`].

mod dates;
mod legal;
mod meaning;
mod metadata;
mod named_laws;
mod num;
mod numbers;
mod percentages;
mod text;

use std::ops::Range;

use crate::error::PatternError;
use crate::normalize::{Normalized, OffsetMap};
use crate::patterns::Patterns;
use crate::record::{
    DateValue, Finding, LegalRef, Metadata, NamedLaw, NumberValue, Percentage, Warning,
};

pub use legal::number_key;
pub use num::{parse as parse_number, Decimal, PointDecimal};

/// Everything found in one document, offsets in characters.
#[derive(Debug, Default, Clone)]
pub struct Entities {
    pub legal_references: Vec<LegalRef>,
    pub named_laws: Vec<NamedLaw>,
    pub dates: Vec<DateValue>,
    pub percentages: Vec<Percentage>,
    pub numbers: Vec<NumberValue>,
    pub metadata: Metadata,
    pub warnings: Vec<Warning>,
    pub findings: Vec<Finding>,
    /// Byte ranges behind the entities above, one per entity in the same
    /// order, for the rules that read what surrounds an entity
    /// ([`meaning`]); never written out.
    pub(crate) legal_tails: Vec<Range<usize>>,
    pub(crate) date_bytes: Vec<Range<usize>>,
    pub(crate) percent_bytes: Vec<Range<usize>>,
    pub(crate) number_bytes: Vec<NumberBytes>,
}

/// Where a number sits, in bytes, and its scale.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct NumberBytes {
    pub(crate) start: usize,
    /// End of the digits.
    pub(crate) digits_end: usize,
    /// End of the entity (after its scale words).
    pub(crate) end: usize,
    /// The product of its scale words (1 without).
    pub(crate) mult: u64,
}

/// All extractors, compiled once and shared by every worker thread.
pub struct Extractor {
    legal: legal::LegalExtractor,
    others: Others,
}

/// Every extractor but the legal one, which is built beside them.
struct Others {
    named_laws: named_laws::NamedLawExtractor,
    dates: dates::DateExtractor,
    percentages: percentages::PercentExtractor,
    numbers: numbers::NumberExtractor,
    meaning: meaning::MeaningExtractor,
    metadata: metadata::MetadataExtractor,
    checker: crate::check::Checker,
}

impl Others {
    fn new(patterns: &Patterns) -> Result<Others, PatternError> {
        Ok(Others {
            named_laws: named_laws::NamedLawExtractor::new(patterns)?,
            dates: dates::DateExtractor::new(patterns)?,
            percentages: percentages::PercentExtractor::new()?,
            numbers: numbers::NumberExtractor::new(patterns)?,
            meaning: meaning::MeaningExtractor::new(patterns)?,
            metadata: metadata::MetadataExtractor::new(patterns)?,
            checker: crate::check::Checker::new(patterns),
        })
    }
}

impl Extractor {
    pub fn new(patterns: &Patterns) -> Result<Extractor, PatternError> {
        Self::with_threads(patterns, 1)
    }

    /// Like [`Extractor::new`], on two threads when `threads` allows. Start-up
    /// is almost all regex compilation, ~130M instructions on one thread, and
    /// the legal extractor's regexes are nearly half of it: built beside the
    /// others, start-up takes about half the time, time in which the other
    /// cores of a parallel run would wait.
    pub fn with_threads(patterns: &Patterns, threads: usize) -> Result<Extractor, PatternError> {
        let (legal, others) = if threads < 2 {
            (
                legal::LegalExtractor::new(patterns)?,
                Others::new(patterns)?,
            )
        } else {
            std::thread::scope(|s| {
                let legal = s.spawn(|| legal::LegalExtractor::new(patterns));
                let others = Others::new(patterns);
                // A panic while compiling is a bug; it stays a panic.
                let legal = legal
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p));
                Ok::<_, PatternError>((legal?, others?))
            })?
        };
        Ok(Extractor { legal, others })
    }

    /// Runs every extractor over a normalized document.
    pub fn extract(&self, norm: &Normalized) -> Entities {
        let text = norm.text.as_str();
        let map = OffsetMap::new(norm);
        let mut claims = Claims::default();
        let mut out = Entities::default();

        self.legal.extract(text, &map, &mut claims, &mut out);
        claims.seal();
        // Acts named without a number; a numbered one is claimed above.
        self.others
            .named_laws
            .extract(text, &map, &claims, &mut out);
        self.others.dates.extract(text, &map, &mut claims, &mut out);
        claims.seal();
        self.others
            .percentages
            .extract(text, &map, &mut claims, &mut out);
        claims.seal();
        self.others.numbers.extract(text, &map, &claims, &mut out);
        // What the quantities measure, and whether the document's own
        // arithmetic holds: reads around the entities found above.
        self.others.meaning.extract(text, &mut out);
        // Last: metadata reuses the dates and references found above, and
        // gives every entity its section.
        out.metadata = self.others.metadata.extract(text, &map, &mut out);
        // What the citations get wrong (src/check); `unknown` and the
        // corpus-wide checks are for `vanban check` only.
        let doc = crate::check::Doc::new(
            "",
            out.metadata.date.as_ref().map(|d| d.value.as_str()),
            &out.legal_references,
            &out.warnings,
        );
        let found = self
            .others
            .checker
            .document(&doc, crate::check::Options::default());
        out.findings.extend(found);
        meaning::finish(&mut out);
        out
    }
}

/// Byte ranges of the text already owned by an entity (or by an invalid date,
/// whose digits must not become numbers either). Ranges added during a stage
/// become visible to lookups at the next [`Claims::seal`], so a stage only
/// ever tests against earlier stages.
#[derive(Debug, Default)]
pub(crate) struct Claims {
    sealed: Vec<Range<usize>>,
    pending: Vec<Range<usize>>,
}

impl Claims {
    pub(crate) fn add(&mut self, r: Range<usize>) {
        self.pending.push(r);
    }

    pub(crate) fn seal(&mut self) {
        self.sealed.append(&mut self.pending);
        self.sealed.sort_by_key(|r| (r.start, r.end));
        debug_assert!(
            self.sealed.windows(2).all(|w| w[0].end <= w[1].start),
            "claims overlap: {:?}",
            self.sealed
        );
    }

    /// Whether `r` overlaps a sealed claim. Every stage skips what is already
    /// claimed, so claims are disjoint and only the last one starting before
    /// `r` ends can reach into it.
    pub(crate) fn overlaps(&self, r: &Range<usize>) -> bool {
        let upto = self.sealed.partition_point(|c| c.start < r.end);
        upto > 0 && self.sealed[upto - 1].end > r.start
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::document::{Block, BlockKind, Document, Format};
    use crate::normalize::normalize;

    /// The sample reports of `corpus/`, as text.
    pub(crate) fn corpus_texts() -> Vec<String> {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut texts = Vec::new();
        for entry in std::fs::read_dir(corpus).expect("corpus/ is there") {
            let path = entry.expect("corpus entry").path();
            if path.extension().is_some_and(|e| e == "txt") {
                texts.push(std::fs::read_to_string(&path).expect("corpus text"));
            }
        }
        assert!(!texts.is_empty(), "corpus/ has reports");
        texts
    }

    /// Runs the whole extraction (built-in patterns) on one paragraph.
    pub(crate) fn extract(text: &str) -> Entities {
        // One extractor for the whole test binary: the harness runs every
        // test on a fresh thread, so a thread-local would recompile it per test.
        static EXTRACTOR: std::sync::OnceLock<Extractor> = std::sync::OnceLock::new();
        let extractor = EXTRACTOR.get_or_init(|| {
            let patterns = Patterns::embedded().expect("built-in patterns parse");
            Extractor::new(&patterns).expect("built-in patterns compile")
        });
        let doc = Document {
            format: Format::Txt,
            encoding: "utf-8",
            blocks: vec![Block {
                text: text.to_string(),
                kind: BlockKind::Body,
                page: None,
                line: Some(1),
                ..Block::default()
            }],
            pages: None,
            warnings: Vec::new(),
        };
        extractor.extract(&normalize(&doc))
    }

    #[test]
    fn an_extractor_built_on_two_threads_finds_what_one_built_on_one_finds() {
        let patterns = Patterns::embedded().expect("built-in patterns parse");
        let one = Extractor::with_threads(&patterns, 1).expect("built on one thread");
        let two = Extractor::with_threads(&patterns, 2).expect("built on two threads");
        for text in corpus_texts() {
            let doc = Document {
                format: Format::Txt,
                encoding: "utf-8",
                blocks: vec![Block {
                    text,
                    kind: BlockKind::Body,
                    ..Block::default()
                }],
                pages: None,
                warnings: Vec::new(),
            };
            let norm = normalize(&doc);
            let (a, b) = (one.extract(&norm), two.extract(&norm));
            assert!(!a.legal_references.is_empty(), "a corpus report cites acts");
            assert_eq!(format!("{a:?}"), format!("{b:?}"));
        }
    }

    /// Fragments that sit at the edges of every rule: separators, digits,
    /// scale and type words, multi-byte letters, line breaks.
    const PIECES: &[&str] = &[
        "0",
        "1",
        "9",
        "12",
        "2013",
        "20205",
        "/",
        "-",
        " - ",
        ".",
        ",",
        "%",
        "(",
        ")",
        " ",
        "\n",
        "\n\n",
        "ngày ",
        "tháng ",
        "năm ",
        "số ",
        "Số:",
        "Nghị định ",
        "Thông tư ",
        "NĐ-CP",
        "CT",
        "TW",
        "Đ",
        "ị",
        "triệu",
        " tỷ lệ",
        "Lễ ",
        "của ",
        "Bộ Công an",
        "\u{0323}",
        "\u{00A0}",
        "…",
        "Trường A B số ",
        "QL",
        "Covid-",
        "phần trăm",
        "Luật ",
        "Bộ luật ",
        " và ",
        "–",
        "tháng 10-",
        "Quốc tế Lao động ",
        "tỷ lệ ",
        "nghìn",
        "\t",
        "    ",
        "Nơi nhận:",
        "- ",
        "KT. CHỦ TỊCH",
        "BÁO CÁO",
        "I. ",
        "1. ",
        "2.1. ",
        "CV ĐẾN Số:",
        "Ngày: ",
        "Nguyễn Văn An",
        "Điều 1. ",
        "Phần thứ nhất",
        "**",
        // The meaning rules (issue 7): units, counted nouns, qualifiers,
        // ranges, ratios with their percentages, slogans, spans of years.
        "từ ",
        " đến ",
        "trên ",
        "gần ",
        " tuổi",
        " trở lên",
        " người",
        " lượt người",
        " đ/c ",
        "km²",
        " khu dân cư",
        "cơ quan, doanh nghiệp",
        " các ",
        "1.212",
        "(95,2%)",
        "(-8,6%)",
        "“",
        "”",
        "2013 - 2023",
        "năm 2012 đến ",
    ];

    #[test]
    fn no_input_makes_extraction_panic_or_break_the_offset_contract() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..3000 {
            let mut text = String::new();
            // xorshift: deterministic, so a failure reproduces.
            for _ in 0..(state % 24 + 1) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(PIECES[(state % PIECES.len() as u64) as usize]);
            }
            let e = extract(&text);
            let norm = crate::normalize::normalize_str(&text);
            let chars: Vec<char> = norm.chars().collect();
            let spans = e
                .legal_references
                .iter()
                .map(|r| (&r.span, &r.text))
                .chain(e.dates.iter().map(|d| (&d.span, &d.text)))
                .chain(e.percentages.iter().map(|p| (&p.span, &p.text)))
                .chain(e.numbers.iter().map(|n| (&n.span, &n.text)));
            for (span, surface) in spans {
                let slice: String = chars[span.start..span.end].iter().collect();
                assert_eq!(&slice, surface, "offsets of {surface:?} in {text:?}");
            }
            for f in &e.findings {
                assert!(
                    f.spans
                        .iter()
                        .all(|s| s.start < s.end && s.end <= chars.len()),
                    "finding spans of {text:?}: {f:?}"
                );
            }
            for (i, n) in e.numbers.iter().enumerate() {
                // A ratio's sides are neighbours, numerator first.
                if n.ratio.as_ref().is_some_and(|r| r.side == "numerator") {
                    let den = e.numbers.get(i + 1).and_then(|d| d.ratio.as_ref());
                    assert_eq!(
                        den.map(|d| d.side.as_str()),
                        Some("denominator"),
                        "{text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_entity_text_is_the_slice_its_offsets_point_to() {
        let text =
            "Nghị định số 06/2013/NĐ-CP ngày 09/01/2013, đạt 95,2% với 1.212 khu; Thông tư 23";
        let e = extract(text);
        let chars: Vec<char> = text.chars().collect();
        let slice = |s: usize, t: usize| chars[s..t].iter().collect::<String>();
        for r in &e.legal_references {
            assert_eq!(slice(r.span.start, r.span.end), r.text);
        }
        for d in &e.dates {
            assert_eq!(slice(d.span.start, d.span.end), d.text);
        }
        for p in &e.percentages {
            assert_eq!(slice(p.span.start, p.span.end), p.text);
        }
        for n in &e.numbers {
            assert_eq!(slice(n.span.start, n.span.end), n.text);
        }
        assert_eq!(
            (
                e.legal_references.len(),
                e.dates.len(),
                e.percentages.len(),
                e.numbers.len()
            ),
            (2, 1, 1, 1)
        );
    }
}
