//! Document metadata: what an archivist catalogues, read from the layout every
//! Vietnamese administrative document follows (Nghị định 30/2020/NĐ-CP,
//! Phụ lục I): issuing body top left with `Số: …` under it, place and date top
//! right, the type (`BÁO CÁO`, `CHỈ THỊ`…) and its summary line centred, the
//! body with its numbered headings, `Nơi nhận:` and the signature block.
//!
//! It runs after the other extractors and reuses what they found (the date
//! of the place-date line, the id of the `Số:` line) rather than parsing
//! again. Header lines are split into cells at tabs or runs of spaces, so a
//! two-column header flattened onto one line (`ỦY BAN NHÂN DÂN<TAB>CỘNG HÒA…`)
//! reads the same as one written line by line. Nothing is guessed: a part the
//! text does not show stays null.

use std::collections::HashMap;

use regex::Regex;

use super::text::{compile, key};
use super::Entities;
use crate::error::PatternError;
use crate::normalize::OffsetMap;
use crate::patterns::Patterns;
use crate::record::{
    Arrival, DocNumber, DocTypeField, Heading, IssuerField, Metadata, Signer, Span, TextField,
};

/// How far into the document the header may reach, in lines.
const HEADER_LINES: usize = 40;
/// How far from the end the signature block and `Nơi nhận` may start, in lines.
const FOOTER_LINES: usize = 80;
/// Blank lines a signature block may leave between title and name.
const SIGNATURE_GAP_LINES: usize = 6;
/// A numbered line longer than this is a list item, not a heading.
const HEADING_MAX_CHARS: usize = 160;

/// One cell of a line: a trimmed piece of text and its byte range.
#[derive(Debug, Clone, Copy)]
struct Cell<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    /// Index of the source line.
    line: usize,
    /// Whitespace before the cell on its line, in bytes.
    indent: usize,
}

pub(crate) struct MetadataExtractor {
    type_names: HashMap<String, String>,
    number_line: Regex,
    place_date: Regex,
    arrival: Regex,
    recipients_head: Regex,
    authority: Regex,
    roman: Regex,
    arabic: Regex,
    part: Regex,
    cell_split: Regex,
    place_word: Regex,
}

impl MetadataExtractor {
    pub(crate) fn new(p: &Patterns) -> Result<Self, PatternError> {
        let c = |re: &str| compile("metadata", re);
        Ok(MetadataExtractor {
            type_names: p
                .doc_types
                .iter()
                .map(|t| (key(&t.name), t.name.clone()))
                .collect(),
            number_line: c(r"^(?i:số)\s*:\s*(?P<sym>[^\s/]*/[^\n]*)$")?,
            // Unbounded here and measured in code: a counted repeat of a
            // Unicode class compiles to a very large automaton.
            place_date: c(r"^(?P<place>\p{Lu}[\p{L} .'\-]*?)\s*,\s*(?i:ngày)")?,
            // The stamp's own words, then `Số:` with the number among dots,
            // then (optionally) `Ngày:` with its date.
            arrival: c(
                r"(?s)ĐẾN\s*(?i:số)\s*:[\s.…_]*(?P<num>[0-9][0-9.]*)[.…_]*(?:\s*(?i:ngày)\s*:[\s.…_]*(?P<date>[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}))?",
            )?,
            recipients_head: c(r"^(?i:nơi nhận)\s*:?\s*(?P<rest>.*)$")?,
            authority: c(r"^(?:KT|TM|Q|TL|TUQ)\.\s*\S")?,
            // The heading patterns match the marker and what must follow it;
            // the words are the rest of the line, taken in `heading`, so the
            // capture engine only walks the marker.
            roman: c(r"^(?P<m>[IVX]{1,5}\.)\s+\S")?,
            arabic: c(r"^(?P<m>[0-9]{1,2}(?:\.[0-9]{1,2}){0,3}\.?)\s+\p{Lu}")?,
            part: c(
                r"^(?P<m>(?:Phần|PHẦN)\s+(?:thứ|THỨ)\s+\S+|(?:Phần|PHẦN|Chương|CHƯƠNG)\s+[IVX0-9]+|Điều\s+[0-9]+\.?)",
            )?,
            cell_split: c(r"\t+| {3,}")?,
            place_word: c(r"^(?:TỈNH|HUYỆN|THÀNH PHỐ|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN)(?:$|\W)")?,
        })
    }

    pub(crate) fn extract(&self, text: &str, map: &OffsetMap, out: &mut Entities) -> Metadata {
        let lines = lines(text);
        let header_end = lines.len().min(HEADER_LINES);
        let cells: Vec<Cell> = lines[..header_end]
            .iter()
            .flat_map(|l| self.cells(text, *l))
            .collect();

        let type_cell = cells.iter().position(|c| self.type_of(c.text).is_some());
        let doc_type = type_cell.and_then(|i| {
            let c = cells[i];
            Some(DocTypeField {
                text: c.text.to_string(),
                value: self.type_of(c.text)?.to_string(),
                span: map.span(c.start, c.end),
            })
        });
        let title = type_cell.and_then(|i| self.title(text, &lines, cells[i].line, map));
        let (arrival, stamp) = match self.arrival(text, &lines, map, out) {
            Some((a, r)) => (Some(a), r),
            None => (None, 0..0),
        };
        let in_stamp = |c: &Cell| c.start < stamp.end && c.end > stamp.start;

        let mut number = None;
        let mut place = None;
        let mut date = None;
        let mut issuer_cells = Vec::new();
        for (i, c) in cells.iter().enumerate() {
            if Some(i) == type_cell || in_stamp(c) {
                continue;
            }
            if number.is_none() {
                if let Some(caps) = self.number_line.captures(c.text) {
                    number = caps
                        .name("sym")
                        .map(|s| self.doc_number(text, c, s, map, out));
                    continue;
                }
            }
            if place.is_none() {
                if let Some(p) = self
                    .place_date
                    .captures(c.text)
                    .and_then(|caps| caps.name("place"))
                    .filter(|p| p.as_str().chars().count() <= 40)
                {
                    let span = map.span(c.start + p.start(), c.start + p.end());
                    // The date may run past this cell (`ngày      tháng 6 năm 2023`).
                    let rest = map.span(c.start, lines[c.line].end.max(c.end));
                    date = out
                        .dates
                        .iter()
                        .find(|d| d.span.start >= rest.start && d.span.start < rest.end)
                        .cloned();
                    place = Some(TextField {
                        text: p.as_str().trim().to_string(),
                        span,
                    });
                    continue;
                }
            }
            // The issuer sits above the type heading, in capitals, and is not
            // the national motto.
            let before_type = type_cell.is_none_or(|t| i < t);
            if before_type
                && number.is_none()
                && is_issuer_line(c.text)
                && self.heading(c.text).is_none()
            {
                issuer_cells.push(*c);
            }
        }
        // Capitals at the top are an issuer only above a `Số:` line or a type
        // heading; a body-only text starts with capitalized headings instead.
        if type_cell.is_none() && number.is_none() {
            issuer_cells.clear();
        }
        let issuer = self.issuer(&issuer_cells, map);

        // The footer's two columns start at `Nơi nhận:`; without it there is
        // no left column and the signature block is read from the plain lines.
        let footer_start = lines.len().saturating_sub(FOOTER_LINES);
        // The regex is anchored at the start, so on the whole line it tests
        // the first cell without splitting the line.
        let head = (footer_start..lines.len())
            .rev()
            .find(|&i| self.recipients_head.is_match(lines[i].text));
        let (recipients, recipients_line, signer) = match head {
            Some(h) => {
                let (left, right) = self.footer_columns(text, &lines[h..]);
                let (recipients, line) = self.recipients(&left, map);
                let signer = if right.iter().any(|c| !c.text.is_empty()) {
                    self.signer(&right, map)
                } else {
                    self.signer(&lines, map)
                };
                (recipients, line, signer)
            }
            None => (Vec::new(), None, self.signer(&lines, map)),
        };
        let body_start = title
            .as_ref()
            .map(|t| t.span.end)
            .or(doc_type.as_ref().map(|t| t.span.end))
            .unwrap_or(0);
        let body_end_line = recipients_line.unwrap_or(lines.len());
        let outline = self.outline(&lines[..body_end_line], body_start, map);

        assign_sections(&outline, out);
        Metadata {
            issuer,
            number,
            doc_type,
            title,
            place,
            date,
            signer,
            recipients,
            arrival,
            outline,
        }
    }

    /// The cells of one line: split at tabs and runs of spaces.
    fn cells<'a>(&self, text: &'a str, line: Cell<'a>) -> Vec<Cell<'a>> {
        let mut out = Vec::new();
        let mut at = line.start;
        let mut push = |from: usize, to: usize| {
            if let Some(c) = trimmed(text, from, to, line.line) {
                out.push(c);
            }
        };
        for m in self.cell_split.find_iter(line.text) {
            push(at, line.start + m.start());
            at = line.start + m.end();
        }
        push(at, line.end);
        // A label waiting for its value is not a column boundary: the blanks
        // of `Số:       /KH-SGDĐT` and `ngày      tháng 6` are left to fill in.
        let mut merged: Vec<Cell<'a>> = Vec::with_capacity(out.len());
        for c in out {
            match merged.last_mut() {
                Some(prev) if awaits_value(prev.text) => {
                    prev.end = c.end;
                    prev.text = &text[prev.start..c.end];
                }
                _ => merged.push(c),
            }
        }
        merged
    }

    /// Splits the footer into its two columns: `Nơi nhận` on the left, the
    /// signature block on the right, whether side by side on the same lines
    /// or indented on lines of their own.
    fn footer_columns<'a>(
        &self,
        text: &'a str,
        lines: &[Cell<'a>],
    ) -> (Vec<Cell<'a>>, Vec<Cell<'a>>) {
        let (mut left, mut right) = (Vec::new(), Vec::new());
        for l in lines {
            let blank = Cell {
                text: "",
                start: l.start,
                end: l.start,
                line: l.line,
                indent: 0,
            };
            if l.text.is_empty() {
                left.push(blank);
                right.push(blank);
                continue;
            }
            let cells = self.cells(text, *l);
            let leading = &text[l.start - l.indent..l.start];
            match cells.as_slice() {
                [first, .., last] => {
                    left.push(*first);
                    right.push(*last);
                }
                [only] if self.cell_split.is_match(leading) => {
                    left.push(blank);
                    right.push(*only);
                }
                // Left-column content only: the right column has no line here.
                _ => left.push(*l),
            }
        }
        (left, right)
    }

    /// The canonical type name when the cell is a type heading in capitals.
    fn type_of(&self, cell: &str) -> Option<&str> {
        if cell.chars().any(char::is_lowercase) {
            return None;
        }
        self.type_names.get(&key(cell)).map(String::as_str)
    }

    /// The summary line(s) right under the type heading: the next paragraph,
    /// unless the body starts there.
    fn title(
        &self,
        text: &str,
        lines: &[Cell],
        type_line: usize,
        map: &OffsetMap,
    ) -> Option<TextField> {
        let first = (type_line + 1..lines.len()).find(|&i| !lines[i].text.is_empty())?;
        let mut last = first;
        while last + 1 < lines.len() && !lines[last + 1].text.is_empty() {
            last += 1;
        }
        let (start, end) = (lines[first].start, lines[last].end);
        let joined = text[start..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let opens_body = [
            "Thực hiện",
            "Căn cứ",
            "Kính gửi",
            "Qua ",
            "Theo ",
            "Nơi nhận",
        ]
        .iter()
        .any(|w| joined.starts_with(w));
        if opens_body || joined.chars().count() > 500 || self.number_line.is_match(&joined) {
            return None;
        }
        Some(TextField {
            text: strip_emphasis(&joined).to_string(),
            span: map.span(start, end),
        })
    }

    fn doc_number(
        &self,
        text: &str,
        cell: &Cell,
        sym: regex::Match,
        map: &OffsetMap,
        out: &Entities,
    ) -> DocNumber {
        let (start, end) = (cell.start + sym.start(), cell.start + sym.end());
        let span = map.span(start, end);
        let reference = out
            .legal_references
            .iter()
            .find(|r| r.id.is_some() && r.span.end > span.start && r.span.start < span.end);
        let written = text[start..end].trim();
        let digits: String = written.chars().take_while(char::is_ascii_digit).collect();
        DocNumber {
            text: written.to_string(),
            number: reference
                .map(|r| r.number.clone())
                .or((!digits.is_empty()).then_some(digits)),
            id: reference.and_then(|r| r.id.clone()),
            span,
        }
    }

    /// Consecutive capitalized lines above `Số:`; a line starting with a
    /// place word (`HUYỆN VĨNH BẢO`) continues the name above it, any other
    /// second body (`VĂN PHÒNG` under `UBND TỈNH QUẢNG NGÃI`) is the issuer and
    /// the first its parent.
    fn issuer(&self, cells: &[Cell], map: &OffsetMap) -> Option<IssuerField> {
        let mut units: Vec<(String, usize, usize)> = Vec::new();
        for c in cells {
            let text = c.text.to_string();
            match units.last_mut() {
                Some(last) if self.place_word.is_match(&text) => {
                    last.0 = format!("{} {}", last.0, text);
                    last.2 = c.end;
                }
                _ => units.push((text, c.start, c.end)),
            }
        }
        let (name, start, end) = units.last()?.clone();
        let parent = (units.len() >= 2).then(|| units[units.len() - 2].0.clone());
        Some(IssuerField {
            text: name,
            parent,
            span: map.span(start, end),
        })
    }

    /// The stamp, and the bytes it covers: from the receiving office's line
    /// above `CV ĐẾN` (`TRUNG TÂM CÔNG BÁO & TIN HỌC`) to its last field, so
    /// none of it is read as the document's own issuer or number.
    fn arrival(
        &self,
        text: &str,
        lines: &[Cell],
        map: &OffsetMap,
        out: &Entities,
    ) -> Option<(Arrival, std::ops::Range<usize>)> {
        let head = &text[..floor_boundary(text, 4000)];
        let caps = self.arrival.captures(head)?;
        let whole = caps.get(0)?;
        let line = lines.iter().position(|l| l.end >= whole.start())?;
        let office = line
            .checked_sub(1)
            .map(|i| lines[i])
            .filter(|l| is_issuer_line(l.text))
            .map_or(lines[line].start, |l| l.start);
        let number = caps
            .name("num")
            .map(|m| {
                m.as_str()
                    .chars()
                    .filter(char::is_ascii_digit)
                    .collect::<String>()
            })
            .filter(|n| !n.is_empty());
        let date_span = caps.name("date").map(|d| map.span(d.start(), d.end()));
        let date = date_span.and_then(|s| {
            out.dates
                .iter()
                .find(|d| d.span.start <= s.start && d.span.end >= s.end)
                .map(|d| d.value.clone())
        });
        let arrival = Arrival {
            number,
            date,
            span: map.span(whole.start(), whole.end()),
        };
        Some((arrival, office.min(whole.start())..whole.end()))
    }

    /// The items under `Nơi nhận:` in the footer's left column, and the
    /// line where that list starts.
    fn recipients(&self, lines: &[Cell], map: &OffsetMap) -> (Vec<TextField>, Option<usize>) {
        let Some(head) = lines
            .iter()
            .rposition(|l| self.recipients_head.is_match(l.text))
        else {
            return (Vec::new(), None);
        };
        let mut items = Vec::new();
        for l in &lines[head + 1..] {
            if l.text.is_empty() {
                continue;
            }
            let Some(item) = l.text.strip_prefix(['-', '–', '+', '•']) else {
                break;
            };
            let cleaned = item.trim().trim_end_matches([';', ',', '.']).trim_end();
            if cleaned.is_empty() {
                continue;
            }
            let start =
                l.start + (l.text.len() - item.len()) + (item.len() - item.trim_start().len());
            items.push(TextField {
                text: cleaned.to_string(),
                span: map.span(start, start + cleaned.len()),
            });
        }
        (items, Some(lines[head].line))
    }

    /// The signature block at the very end: a person's name under capitalized
    /// title lines, some of them signing for another (`KT.`, `TM.`, `Q.`,
    /// `TL.`, `TUQ.`).
    fn signer(&self, lines: &[Cell], map: &OffsetMap) -> Option<Signer> {
        let mut i = lines.iter().rposition(|l| !l.text.is_empty())?;
        let name = looks_like_name(lines[i].text).then_some(lines[i]);
        if name.is_some() {
            i = i.checked_sub(1)?;
        }
        let mut block: Vec<Cell> = Vec::new();
        let mut blanks = 0;
        loop {
            let l = lines[i];
            if l.text.is_empty() {
                blanks += 1;
                // Room left for the signature and the seal.
                if blanks > SIGNATURE_GAP_LINES {
                    break;
                }
            } else if is_title_line(l.text) {
                blanks = 0;
                block.push(l);
            } else {
                break;
            }
            let Some(prev) = i.checked_sub(1) else { break };
            i = prev;
        }
        block.reverse();
        if block.is_empty() {
            return None;
        }
        let (authority, titles): (Vec<&Cell>, Vec<&Cell>) =
            block.iter().partition(|c| self.authority.is_match(c.text));
        let start = block[0].start;
        let end = name.map_or(block[block.len() - 1].end, |n| n.end);
        Some(Signer {
            authority: authority.iter().map(|c| c.text.to_string()).collect(),
            title: (!titles.is_empty()).then(|| {
                titles
                    .iter()
                    .map(|c| c.text)
                    .collect::<Vec<_>>()
                    .join(" / ")
            }),
            name: name.map(|n| n.text.to_string()),
            span: map.span(start, end),
        })
    }

    /// Headings of the body. Numbered lines (`1.`, `2.1.`) are headings
    /// unless they are numbered paragraphs: a run of siblings under the same
    /// heading where any one is a long sentence (a directive's `1. … 7.`) is
    /// all paragraphs, even its one short item.
    fn outline(&self, lines: &[Cell], body_start_char: usize, map: &OffsetMap) -> Vec<Heading> {
        let mut found: Vec<(Heading, bool)> = Vec::new(); // (heading, long numbered item)
        for l in lines {
            let Some((marker, rest, level)) = self.heading(l.text) else {
                continue;
            };
            let span = map.span(l.start, l.end);
            if span.start < body_start_char {
                continue;
            }
            let numbered = marker.starts_with(|c: char| c.is_ascii_digit());
            // A numbered paragraph is a long sentence; a long heading (`2.5.
            // Công tác xây dựng, củng cố, … đoàn thể và …`) has no full stop.
            let long = numbered && rest.ends_with('.') && rest.chars().count() > HEADING_MAX_CHARS;
            let heading = Heading {
                marker: marker.to_string(),
                text: rest.to_string(),
                level,
                span,
            };
            found.push((heading, long));
        }
        // Siblings share a level and the nearest shallower heading before them.
        let runs: Vec<(Option<usize>, u8)> = (0..found.len())
            .map(|i| {
                let level = found[i].0.level;
                (found[..i].iter().rposition(|(h, _)| h.level < level), level)
            })
            .collect();
        let paragraph_runs: Vec<(Option<usize>, u8)> = runs
            .iter()
            .zip(&found)
            .filter(|(_, (_, long))| *long)
            .map(|(run, _)| *run)
            .collect();
        found
            .into_iter()
            .zip(runs)
            .filter(|((h, _), run)| {
                !h.marker.starts_with(|c: char| c.is_ascii_digit()) || !paragraph_runs.contains(run)
            })
            .map(|((h, _), _)| h)
            .collect()
    }

    /// (marker, words, level) when a line is a heading.
    fn heading<'a>(&self, line: &'a str) -> Option<(&'a str, &'a str, u8)> {
        // Every marker starts with a digit or one of these capitals; most
        // lines do not, and skip the three regexes.
        if !line.starts_with(|c: char| {
            c.is_ascii_digit() || matches!(c, 'I' | 'V' | 'X' | 'P' | 'C' | 'Đ')
        }) {
            return None;
        }
        // The words after a marker: the rest of the line, trimmed (after
        // `Phần I:`, its `:` or `.` too).
        let words = |m: regex::Match<'a>| line[m.end()..].trim();
        // (`part` is its marker alone, so the match is the marker: no
        // capture engine needed.)
        if let Some(m) = self.part.find(line) {
            let rest = &line[m.end()..];
            let t = rest.strip_prefix(['.', ':']).unwrap_or(rest).trim();
            let level = if m.as_str().starts_with("Điều") {
                3
            } else {
                1
            };
            return Some((m.as_str(), t, level));
        }
        if let Some(m) = self.roman.captures(line).and_then(|c| c.name("m")) {
            let (m, t) = (m.as_str(), words(m));
            return is_roman(m.trim_end_matches('.')).then_some((m, t, 2));
        }
        let m = self.arabic.captures(line)?.name("m")?;
        let (m, t) = (m.as_str(), words(m));
        // Even a full sentence may head a section (`1. Tăng cường công tác quản
        // lý thu.`); a line ending like a list clause does not. Long numbered
        // paragraphs are sorted out in `outline`, among their siblings.
        let depth = m.trim_end_matches('.').split('.').count();
        (!t.ends_with([';', ','])).then_some((m, t, u8::try_from(2 + depth).unwrap_or(u8::MAX)))
    }
}

/// Each line of the text as a cell (trimmed, markdown emphasis removed).
fn lines(text: &str) -> Vec<Cell<'_>> {
    let mut out = Vec::new();
    let mut at = 0;
    for (n, raw) in text.split('\n').enumerate() {
        let end = at + raw.len();
        out.push(trimmed(text, at, end, n).unwrap_or(Cell {
            text: "",
            start: at,
            end: at,
            line: n,
            indent: 0,
        }));
        at = end + 1;
    }
    out
}

/// The cell `from..to` with surrounding whitespace and `**`/`*` emphasis removed.
fn trimmed(text: &str, from: usize, to: usize, line: usize) -> Option<Cell<'_>> {
    let raw = &text[from..to];
    let t = strip_emphasis(raw);
    if t.is_empty() {
        return None;
    }
    let indent = t.as_ptr() as usize - raw.as_ptr() as usize;
    let start = from + indent;
    Some(Cell {
        text: t,
        start,
        end: start + t.len(),
        line,
        indent,
    })
}

fn strip_emphasis(s: &str) -> &str {
    s.trim().trim_matches(['*', '_']).trim()
}

/// `Số:`, `ngày`, `tháng`: a label whose value follows after a blank.
fn awaits_value(cell: &str) -> bool {
    // Only the end is compared, so only the end is lower-cased (a header
    // cell can be a whole paragraph). Every character these labels' lower
    // case can come from lower-cases to one character.
    let tail = cell.char_indices().rev().nth(7).map_or(0, |(i, _)| i);
    let lower = cell[tail..].to_lowercase();
    lower.ends_with("số:") || lower.ends_with("ngày") || lower.ends_with("tháng")
}

/// Capitals only, not the national motto, a symbol or a separator line.
fn is_issuer_line(s: &str) -> bool {
    if !s.starts_with(char::is_alphabetic) {
        return false;
    }
    let letters = s.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 2
        && !s.chars().any(char::is_lowercase)
        && !s.starts_with("CỘNG HÒA")
        && !s.starts_with("CỘNG HOÀ")
        && !s.starts_with("ĐẢNG CỘNG SẢN")
}

/// A title line of a signature block: capitals, short, not a list item.
fn is_title_line(s: &str) -> bool {
    s.chars().count() <= 80
        && !s.starts_with(['-', '+', '•'])
        && s.chars().any(char::is_alphabetic)
        && !s.chars().any(char::is_lowercase)
}

/// `Lê Ngọc Lân`: two to six capitalized words, not all capitals, no digits.
fn looks_like_name(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    (2..=6).contains(&words.len())
        && words
            .iter()
            .all(|w| w.starts_with(char::is_uppercase) && w.chars().all(char::is_alphabetic))
        && s.chars().any(char::is_lowercase)
}

fn is_roman(s: &str) -> bool {
    const ROMANS: [&str; 20] = [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV",
        "XV", "XVI", "XVII", "XVIII", "XIX", "XX",
    ];
    ROMANS.contains(&s)
}

fn floor_boundary(text: &str, at: usize) -> usize {
    let mut i = at.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Sets `section` on every entity: the last heading starting at or before it.
fn assign_sections(outline: &[Heading], out: &mut Entities) {
    let section = |span: &mut Span| {
        let i = outline.partition_point(|h| h.span.start <= span.start);
        span.section = i.checked_sub(1);
    };
    out.legal_references
        .iter_mut()
        .for_each(|e| section(&mut e.span));
    out.named_laws.iter_mut().for_each(|e| section(&mut e.span));
    out.dates.iter_mut().for_each(|e| section(&mut e.span));
    out.percentages
        .iter_mut()
        .for_each(|e| section(&mut e.span));
    out.numbers.iter_mut().for_each(|e| section(&mut e.span));
}

#[cfg(test)]
mod tests {
    use crate::extract::tests::extract;
    use crate::record::Metadata;

    #[test]
    fn a_label_awaiting_its_value_is_read_at_the_end_of_a_cell_of_any_length() {
        let long = "Ủy ban nhân dân tỉnh báo cáo kết quả thực hiện ".repeat(20);
        for (cell, awaits) in [
            ("Số:", true),
            ("SỐ:", true),
            ("Lào Cai, NGÀY", true),
            (&*format!("{long}tháng"), true),
            (&*format!("{long}THÁNG"), true),
            ("tháng 6", false),
            (&*format!("{long}ngày 5"), false),
            ("", false),
        ] {
            assert_eq!(super::awaits_value(cell), awaits, "{cell:?}");
        }
    }

    fn meta(text: &str) -> Metadata {
        extract(text).metadata
    }

    const TWO_COLUMNS: &str = "ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\
TỈNH LÀO CAI\tĐộc lập - Tự do - Hạnh phúc\n\n\
Số: 12/2017/NQ-HĐND\tLào Cai, ngày 08 tháng 5 năm 2017\n\n\
NGHỊ QUYẾT\n\nVề việc thông qua kế hoạch\n\n\
Căn cứ Luật Tổ chức chính quyền địa phương;\n\n\
Điều 1. Thông qua kế hoạch\n\nĐiều 2. Tổ chức thực hiện\n\n\
Nơi nhận:\n- Như Điều 2;\n- Lưu: VT.\n\n\
TM. HỘI ĐỒNG NHÂN DÂN\nCHỦ TỊCH\n\nNguyễn Văn An\n";

    #[test]
    fn a_two_column_header_on_one_line_reads_like_separate_lines() {
        let m = meta(TWO_COLUMNS);
        let issuer = m.issuer.expect("issuer");
        assert_eq!(
            (issuer.text.as_str(), issuer.parent),
            ("ỦY BAN NHÂN DÂN TỈNH LÀO CAI", None)
        );
        let number = m.number.expect("number");
        assert_eq!(
            (
                number.text.as_str(),
                number.number.as_deref(),
                number.id.as_deref()
            ),
            ("12/2017/NQ-HĐND", Some("12"), Some("12/2017/NQ-HĐND"))
        );
        assert_eq!(m.place.map(|p| p.text).as_deref(), Some("Lào Cai"));
        assert_eq!(m.date.map(|d| d.value).as_deref(), Some("2017-05-08"));
        assert_eq!(m.doc_type.map(|t| t.value).as_deref(), Some("Nghị quyết"));
        assert_eq!(
            m.title.map(|t| t.text).as_deref(),
            Some("Về việc thông qua kế hoạch")
        );
    }

    #[test]
    fn articles_are_headings_and_the_signer_signs_for_the_council() {
        let m = meta(TWO_COLUMNS);
        let outline: Vec<_> = m
            .outline
            .iter()
            .map(|h| (h.marker.as_str(), h.text.as_str(), h.level))
            .collect();
        assert_eq!(
            outline,
            [
                ("Điều 1.", "Thông qua kế hoạch", 3),
                ("Điều 2.", "Tổ chức thực hiện", 3)
            ]
        );
        let s = m.signer.expect("signer");
        assert_eq!(s.authority, ["TM. HỘI ĐỒNG NHÂN DÂN"]);
        assert_eq!(
            (s.title.as_deref(), s.name.as_deref()),
            (Some("CHỦ TỊCH"), Some("Nguyễn Văn An"))
        );
        let r: Vec<_> = m.recipients.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(r, ["Như Điều 2", "Lưu: VT"]);
    }

    #[test]
    fn an_office_under_its_parent_body_keeps_both() {
        let m = meta("UBND TỈNH QUẢNG NGÃI\nVĂN PHÒNG\n\nSố: 1384/BC-VP\n\nBÁO CÁO\n\nKết quả triển khai\n\nNội dung.");
        let issuer = m.issuer.expect("issuer");
        assert_eq!(
            (issuer.text.as_str(), issuer.parent.as_deref()),
            ("VĂN PHÒNG", Some("UBND TỈNH QUẢNG NGÃI"))
        );
    }

    #[test]
    fn signing_by_order_and_an_unsigned_template() {
        let m = meta("Nội dung báo cáo.\n\nTL. GIÁM ĐỐC\nCHÁNH VĂN PHÒNG\n\nTrần Thị Bình");
        let s = m.signer.expect("signer");
        assert_eq!(
            (s.authority, s.title.as_deref(), s.name.as_deref()),
            (
                vec!["TL. GIÁM ĐỐC".to_string()],
                Some("CHÁNH VĂN PHÒNG"),
                Some("Trần Thị Bình")
            )
        );
        let m = meta("Nội dung báo cáo.\n\nTUQ. CHỦ TỊCH\nCHÁNH VĂN PHÒNG\n");
        let s = m.signer.expect("an unsigned block is still a signer");
        assert_eq!(
            (s.authority, s.name),
            (vec!["TUQ. CHỦ TỊCH".to_string()], None)
        );
    }

    #[test]
    fn a_body_without_header_or_footer_invents_nothing() {
        let m = meta("Trong năm, toàn tỉnh xảy ra 127 vụ tai nạn giao thông, làm chết 98 người.\n\nTình hình ổn định.");
        assert!(
            m.issuer.is_none() && m.number.is_none() && m.doc_type.is_none() && m.title.is_none()
        );
        assert!(m.place.is_none() && m.date.is_none() && m.signer.is_none() && m.arrival.is_none());
        assert!(m.recipients.is_empty() && m.outline.is_empty());
    }

    #[test]
    fn numbered_paragraphs_are_not_headings_even_their_short_sibling() {
        let long = "Yêu cầu thủ trưởng các sở, ban, ngành, đoàn thể tỉnh; Chủ tịch Ủy ban nhân dân các huyện, thành phố, thị xã có kế hoạch chỉ đạo thực hiện nghiêm túc Chỉ thị này.";
        let text = format!("CHỈ THỊ\n\nVề công tác\n\nI. NHIỆM VỤ\n\n1. {long}\n\n2. Báo Lào Cai đưa tin về kết quả.\n\nII. TỔ CHỨC\n\n1. Công tác tham mưu\n\n2. Tăng cường quản lý thu.");
        let m = meta(&text);
        let outline: Vec<_> = m.outline.iter().map(|h| h.marker.as_str()).collect();
        assert_eq!(
            outline,
            ["I.", "II.", "1.", "2."],
            "I.'s items are paragraphs, II.'s are headings"
        );
    }
}
