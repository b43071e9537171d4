//! Positioned glyphs → segments → columns → lines, per page.
//!
//! - A *segment* is a run of glyphs in content-stream order on one baseline
//!   with no big horizontal jump. Inside it a space goes where a space glyph
//!   is, or where the gap between glyphs is wider than a fifth of the font
//!   size (many PDFs draw no space glyphs at all). A glyph smaller than the
//!   text and raised above its baseline is a superscript: digits become
//!   `¹²³…`, as Word prints a footnote mark and as the TXT twins hold it.
//! - Columns: when a vertical gutter at least 6 pt wide crosses the page with
//!   at least five segments on each side, mostly full column-width lines, and
//!   almost nothing crossing it, each side is read top to bottom, left side
//!   first; lines that span the gutter (titles) cut the page into bands, read
//!   one after the other. A table's narrow cells do not make columns, so a
//!   table row still reads across. Once a page of a document has shown
//!   columns, a later page with a text-free band at the same place keeps
//!   them even when one side holds only short lines (the last page's list
//!   of recipients and its signature block).
//! - Lines: the segments of a column on one baseline, left to right; a gap
//!   wider than 1.5 em between them becomes a tab (the cells of a header
//!   table, as the DOCX reader writes them).
//! - Ruled tables (see [`super::table`]): the segments inside a table's
//!   borders are read cell by cell, and each row becomes one line of cells
//!   joined by tabs, however many lines a cell's text wraps onto.
//! - Turned pages: a page whose text mostly runs at a quarter turn (a
//!   landscape table printed onto a portrait page, bottom to top) is first
//!   turned upright, rules and page box with it ([`turn_upright`]), and then
//!   laid out like any other.

use super::content::{Glyph, PageText, SKEWED};
use super::font::Font;
use super::table::{grids, Grid};
use crate::normalize::legacy;

/// A glyph further than this many font sizes from the previous one starts a new segment.
const SEGMENT_GAP: f32 = 2.0;
/// A gap between glyphs wider than this many font sizes is a space.
const SPACE_GAP: f32 = 0.2;
/// A gap between segments wider than this many font sizes is a tab.
const TAB_GAP: f32 = 1.5;
/// Narrowest gutter between columns, in points.
const MIN_GUTTER: f32 = 6.0;

/// One line of text in reading order.
#[derive(Debug, Clone)]
pub struct Line {
    pub text: String,
    pub x0: f32,
    pub x1: f32,
    /// Baseline.
    pub y: f32,
    /// The size of its main (not superscript) glyphs.
    pub size: f32,
    /// Which column group of the page the line belongs to, in reading order.
    pub group: u32,
    pub has_tab: bool,
    /// Estimated width of the first word, to tell whether it would have fit
    /// at the end of the line above (then that line was ended on purpose).
    pub first_word_w: f32,
}

#[derive(Debug, Clone, Copy)]
struct Seg {
    /// Glyphs `start..end` of the page, in stream order.
    start: usize,
    end: usize,
    x0: f32,
    x1: f32,
    y: f32,
    size: f32,
    /// A ruled table's row, standing for the segments in it: its text is
    /// this entry of the page's row texts, not glyphs.
    row: Option<u32>,
}

/// Lays out one page's glyphs into lines, in reading order. `has_missing`
/// says whether the page's text holds a U+FFFD (codes without text, left
/// out) anywhere. `gutters` holds the column gutters `(x0, x1)` found on
/// the document's earlier pages, and gains this page's.
pub fn lines(
    page: &PageText,
    has_missing: bool,
    fonts: &[Font],
    gutters: &mut Vec<(f32, f32)>,
) -> Vec<Line> {
    // Fonts matter here only for legacy encodings: without one in the
    // document, no glyph needs its font looked up.
    let fonts = if fonts.iter().any(|f| f.legacy.is_some()) {
        fonts
    } else {
        &[]
    };
    let mut segs = segments(&page.glyphs);
    let page = Page {
        content: page,
        has_missing,
    };
    let rows = table_rows(&page, fonts, &mut segs);
    let mut groups = Vec::new();
    let all: Vec<usize> = (0..segs.len()).collect();
    order(&segs, all, 0, gutters, &mut groups);
    let mut out = Vec::new();
    let mut text = String::new();
    let mut members: Vec<Seg> = Vec::new();
    for (gi, mut idx) in groups.into_iter().enumerate() {
        // Baselines within 0.4 em are one line; within a line, left to right.
        idx.sort_by(|&a, &b| segs[b].y.total_cmp(&segs[a].y));
        let mut i = 0;
        while i < idx.len() {
            let first = segs[idx[i]];
            let mut j = i + 1;
            while j < idx.len() && same_line(&first, &segs[idx[j]]) {
                j += 1;
            }
            members.clear();
            members.extend(idx[i..j].iter().map(|&k| segs[k]));
            members.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            text.clear();
            let mut has_tab = false;
            let mut prev_x1: Option<f32> = None;
            let size = members.iter().map(|s| s.size).fold(0.0, f32::max);
            for s in &members {
                if let Some(px1) = prev_x1 {
                    let gap = s.x0 - px1;
                    if gap > TAB_GAP * size {
                        text.push('\t');
                        has_tab = true;
                    } else if gap > SPACE_GAP * size && !text.ends_with(' ') {
                        text.push(' ');
                    }
                }
                match s.row.and_then(|r| rows.get(r as usize)) {
                    Some(row) => {
                        text.push_str(row);
                        has_tab |= row.contains('\t');
                    }
                    None => seg_text(&page, fonts, s, &mut text),
                }
                prev_x1 = Some(prev_x1.map_or(s.x1, |p| p.max(s.x1)));
            }
            let trimmed = text.trim_matches(' ');
            if !trimmed.is_empty() {
                let x0 = members.first().map_or(0.0, |s| s.x0);
                let x1 = prev_x1.unwrap_or(0.0);
                let chars = trimmed.chars().count().max(1) as f32;
                let word = trimmed
                    .split([' ', '\t'])
                    .next()
                    .map_or(0, |w| w.chars().count()) as f32;
                out.push(Line {
                    first_word_w: (x1 - x0) / chars * word,
                    text: trimmed.to_string(),
                    x0,
                    x1,
                    y: first.y,
                    size,
                    group: gi as u32,
                    has_tab,
                });
            }
            i = j;
        }
    }
    out
}

/// Baselines within 0.4 em of each other are one line.
fn same_line(a: &Seg, b: &Seg) -> bool {
    (a.y - b.y).abs() < 0.4 * a.size.max(b.size)
}

/// Splits glyphs (in stream order) into segments.
fn segments(glyphs: &[Glyph]) -> Vec<Seg> {
    let mut out: Vec<Seg> = Vec::new();
    let mut i = 0;
    while let Some(g) = glyphs.get(i) {
        i += 1;
        if !readable(g) {
            continue;
        }
        // Most glyphs continue the segment before them: they are taken in
        // this inner loop, with the segment's state kept at hand. A glyph
        // not read ends the segment (its neighbours are not contiguous).
        let mut seg = Building::new(i - 1, g);
        while let Some(g) = glyphs.get(i).filter(|g| readable(g) && seg.continues(g)) {
            seg.take(g);
            i += 1;
        }
        seg.finish(&mut out);
    }
    out
}

/// Text at another angle than the page's (a stamp, a margin note) is not
/// read (a limit), nor a glyph placed nowhere.
#[inline]
fn readable(g: &Glyph) -> bool {
    !(g.turn != 0 || !(g.x.is_finite() && g.y.is_finite()) || g.size <= 0.0)
}

/// A point seen from a frame turned `turn` quarter turns counterclockwise:
/// text running that way there runs left to right.
fn turned(turn: u8, (x, y): (f32, f32)) -> (f32, f32) {
    match turn {
        1 => (y, -x),
        2 => (-x, -y),
        3 => (-y, x),
        _ => (x, y),
    }
}

/// How a page was turned to be read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Turned {
    /// Quarter turns counterclockwise the page was seen from.
    pub turn: u8,
    /// The page box `[x0, y0, x1, y1]` seen from there.
    pub media: [f32; 4],
    /// Glyphs (not spaces) at another angle, which are not read.
    pub left_out: usize,
}

/// Turns the page so that most of its text is upright: the quarter turn
/// most of its (non-space) glyphs run at, when more run at it than upright.
/// Glyphs at that turn become upright, all others unread; rules turn with
/// them, a horizontal rule becoming vertical at an odd turn.
pub fn turn_upright(page: &mut PageText, media: [f32; 4]) -> Turned {
    if !page.any_turned {
        return Turned {
            turn: 0,
            media,
            left_out: 0,
        };
    }
    // Glyphs by turn; the last entry counts the skewed ones.
    let mut count = [0usize; 5];
    for g in page.glyphs.iter().filter(|g| !g.space) {
        if let Some(n) = count.get_mut(usize::from(g.turn)) {
            *n += 1;
        }
    }
    // The first of the most common turns, upright winning a tie.
    let turn = (1..4u8).fold(0u8, |best, t| {
        if count[usize::from(t)] > count[usize::from(best)] {
            t
        } else {
            best
        }
    });
    let left_out = count.iter().sum::<usize>() - count[usize::from(turn)];
    if turn == 0 {
        return Turned {
            turn,
            media,
            left_out,
        };
    }
    for g in &mut page.glyphs {
        if g.turn == turn {
            (g.x, g.y) = turned(turn, (g.x, g.y));
            g.turn = 0;
        } else {
            g.turn = SKEWED;
        }
    }
    let rules = std::mem::take(&mut page.rules);
    let vrules = std::mem::take(&mut page.vrules);
    let ends = rules
        .iter()
        .map(|&(x0, x1, y)| ((x0, y), (x1, y)))
        .chain(vrules.iter().map(|&(x, y0, y1)| ((x, y0), (x, y1))));
    for (a, b) in ends {
        let (a, b) = (turned(turn, a), turned(turn, b));
        // Negating and swapping are exact: a turned rule stays on one axis.
        if a.1 == b.1 {
            page.rules.push((a.0.min(b.0), a.0.max(b.0), a.1));
        } else {
            page.vrules.push((a.0, a.1.min(b.1), a.1.max(b.1)));
        }
    }
    let (a, b) = (
        turned(turn, (media[0], media[1])),
        turned(turn, (media[2], media[3])),
    );
    Turned {
        turn,
        media: [a.0.min(b.0), a.1.min(b.1), a.0.max(b.0), a.1.max(b.1)],
        left_out,
    }
}

/// Whether a large share of the page's upright glyphs have no text: at
/// least a tenth of them (a font without a ToUnicode map, as some printer
/// drivers embed, whose codes name no characters), not a stray symbol.
pub fn mostly_unmapped(page: &PageText) -> bool {
    let (mut unmapped, mut solid) = (0usize, 0usize);
    for g in page.glyphs.iter().filter(|g| g.turn == 0 && !g.space) {
        solid += 1;
        unmapped += usize::from(page.glyph_text(g) == "\u{FFFD}");
    }
    unmapped > 0 && unmapped * 10 >= solid
}

/// A segment being built, and the span of its glyphs that are not spaces:
/// leading and trailing spaces do not widen a segment, and a segment of
/// spaces only carries no text.
struct Building {
    seg: Seg,
    solid: Option<(f32, f32)>,
}

impl Building {
    #[inline]
    fn new(i: usize, g: &Glyph) -> Building {
        let mut b = Building {
            seg: Seg {
                start: i,
                end: i + 1,
                x0: g.x,
                x1: g.x + g.w,
                y: g.y,
                size: g.size,
                row: None,
            },
            solid: None,
        };
        b.widen(g);
        b
    }

    /// Whether the next glyph, on the baseline and not far on, extends it.
    #[inline]
    fn continues(&self, g: &Glyph) -> bool {
        let s = &self.seg;
        let big = s.size.max(g.size);
        let same_line = (g.y - s.y).abs() <= 0.5 * big;
        same_line && g.x >= s.x1 - 0.5 * big && g.x - s.x1 <= SEGMENT_GAP * big
    }

    #[inline]
    fn take(&mut self, g: &Glyph) {
        let s = &mut self.seg;
        s.end += 1;
        s.x1 = s.x1.max(g.x + g.w);
        if !g.space && g.size > 1.2 * s.size {
            // The segment began with a superscript: the baseline is this glyph's.
            s.y = g.y;
            s.size = g.size;
        }
        self.widen(g);
    }

    #[inline]
    fn widen(&mut self, g: &Glyph) {
        if !g.space {
            self.solid = Some(match self.solid {
                None => (g.x, g.x + g.w),
                Some((x0, x1)) => (x0, x1.max(g.x + g.w)),
            });
        }
    }

    /// Keeps the segment if it has text, spanning its solid glyphs.
    fn finish(self, out: &mut Vec<Seg>) {
        if let Some((x0, x1)) = self.solid {
            out.push(Seg { x0, x1, ..self.seg });
        }
    }
}

/// Replaces the segments inside each ruled table of the page by one
/// segment per table row, spanning the table, and returns the rows' texts:
/// each cell's segments top to bottom and left to right, joined by spaces
/// (no space after a symbol's hyphen), the cells joined by tabs.
fn table_rows(page: &Page, fonts: &[Font], segs: &mut Vec<Seg>) -> Vec<String> {
    let content = page.content;
    if content.vrules.is_empty() {
        return Vec::new();
    }
    let mut rows = Vec::new();
    for grid in grids(&content.rules, &content.vrules) {
        table_grid_rows(page, fonts, &grid, segs, &mut rows);
    }
    rows
}

/// [`table_rows`] for one grid.
fn table_grid_rows(
    page: &Page,
    fonts: &[Font],
    grid: &Grid,
    segs: &mut Vec<Seg>,
    rows: &mut Vec<String>,
) {
    cut_at_edges(&page.content.glyphs, grid, segs);
    // (row, column, segment) of each segment in the grid, by its middle.
    let mut placed: Vec<(usize, usize, usize)> = segs
        .iter()
        .enumerate()
        .filter(|(_, s)| s.row.is_none())
        .filter_map(|(i, s)| grid.cell((s.x0 + s.x1) / 2.0, s.y).map(|(r, c)| (r, c, i)))
        .collect();
    if placed.is_empty() {
        return;
    }
    // Within a cell: top line first, then left to right; baselines within
    // 0.4 em are one line.
    placed.sort_by(|a, b| {
        let (sa, sb) = (&segs[a.2], &segs[b.2]);
        (a.0, a.1)
            .cmp(&(b.0, b.1))
            .then_with(|| match same_line(sa, sb) {
                true => sa.x0.total_cmp(&sb.x0),
                false => sb.y.total_cmp(&sa.y),
            })
    });
    let mut new_rows = Vec::new();
    let mut k = 0;
    while k < placed.len() {
        let row = placed[k].0;
        let mut text = String::new();
        let (mut top, mut size) = (f32::NEG_INFINITY, 0.0f32);
        for col in 0..grid.columns() {
            if col > 0 {
                text.push('\t');
            }
            let mut prev: Option<&Seg> = None;
            while let Some(&(_, _, i)) = placed.get(k).filter(|p| p.0 == row && p.1 == col) {
                let s = &segs[i];
                if let Some(p) = prev {
                    let on_line = same_line(p, s);
                    let gap = s.x0 - p.x1;
                    if (on_line && gap > SPACE_GAP * p.size.max(s.size))
                        || (!on_line && !super::ends_in_symbol_hyphen(&text))
                    {
                        text.push(' ');
                    }
                }
                seg_text(page, fonts, s, &mut text);
                top = top.max(s.y);
                size = size.max(s.size);
                prev = Some(s);
                k += 1;
            }
        }
        new_rows.push(Seg {
            start: 0,
            end: 0,
            x0: grid.xs.first().copied().unwrap_or(0.0),
            x1: grid.xs.last().copied().unwrap_or(0.0),
            y: top,
            size,
            row: u32::try_from(rows.len()).ok(),
        });
        rows.push(text);
    }
    let mut taken = vec![false; segs.len()];
    for &(_, _, i) in &placed {
        taken[i] = true;
    }
    let kept = segs.drain(..).zip(taken).filter(|&(_, t)| !t);
    *segs = kept.map(|(s, _)| s).chain(new_rows).collect();
}

/// Cuts the segments that cross a grid's inner column edge into one piece
/// per column, glyph by glyph: two cells' texts can sit closer than a
/// segment break (`1.212/1.273` and `159/159` in report 004).
fn cut_at_edges(glyphs: &[Glyph], grid: &Grid, segs: &mut Vec<Seg>) {
    let inner = grid
        .xs
        .get(1..grid.xs.len().saturating_sub(1))
        .unwrap_or(&[]);
    let left = grid.xs.first().copied().unwrap_or(0.0);
    let crosses = |s: &Seg| {
        s.row.is_none()
            && grid.cell(s.x0.max(left), s.y).is_some()
            && inner.iter().any(|&e| s.x0 < e && s.x1 > e)
    };
    if !segs.iter().any(crosses) {
        return;
    }
    let mut out = Vec::with_capacity(segs.len() + 8);
    for s in segs.drain(..) {
        if !crosses(&s) {
            out.push(s);
            continue;
        }
        let column = |g: &Glyph| inner.iter().filter(|&&e| g.x + g.w / 2.0 > e).count();
        // Each column's run of glyphs is a segment as `segments` builds one.
        let mut i = s.start;
        while let Some(first) = glyphs.get(i).filter(|_| i < s.end) {
            let col = column(first);
            let mut piece = Building::new(i, first);
            i += 1;
            while let Some(g) = glyphs.get(i).filter(|g| i < s.end && column(g) == col) {
                piece.take(g);
                i += 1;
            }
            piece.finish(&mut out);
        }
    }
    *segs = out;
}

/// Appends a segment's text: spaces by glyph or by gap, superscript digits,
/// legacy-font runs decoded.
fn seg_text(page: &Page, fonts: &[Font], s: &Seg, out: &mut String) {
    let glyphs = &page.content.glyphs[s.start..s.end];
    let mut prev_end: Option<f32> = None;
    let mut pending_space = false;
    let mut run = String::new();
    let mut run_font: Option<(legacy::Legacy, bool)> = None;
    // Glyphs of plain text next to each other in the stream have their
    // text side by side in `page.text`: a word is copied at once.
    let mut plain: Option<(usize, usize)> = None;
    let flush = |run: &mut String, font: Option<(legacy::Legacy, bool)>, out: &mut String| {
        if let Some((enc, caps)) = font {
            let decoded = legacy::decode_font_text(enc, run);
            if caps {
                out.push_str(&decoded.to_uppercase());
            } else {
                out.push_str(&decoded);
            }
        }
        run.clear();
    };
    for g in glyphs {
        if g.space {
            pending_space = true;
            continue;
        }
        let gap = prev_end.map_or(0.0, |e| g.x - e);
        if prev_end.is_some() && (pending_space || gap > SPACE_GAP * s.size.max(g.size)) {
            flush_plain(&mut plain, page, out);
            if run_font.is_some() {
                flush(&mut run, run_font, out);
            }
            if !out.ends_with(' ') {
                out.push(' ');
            }
        }
        pending_space = false;
        prev_end = Some(g.x + g.w);
        let font = fonts.get(usize::from(g.font)).and_then(|f| f.legacy);
        if font.is_some() {
            flush_plain(&mut plain, page, out);
            if font != run_font {
                flush(&mut run, run_font, out);
                run_font = font;
            }
            run.push_str(page.content.glyph_text(g));
            continue;
        }
        // A run is only pending after a legacy font's glyph.
        if run_font.is_some() {
            flush(&mut run, run_font, out);
            run_font = None;
        }
        let superscript = g.size < 0.8 * s.size && g.y - s.y > 0.15 * s.size;
        if !superscript {
            let (start, end) = (g.start as usize, g.start as usize + usize::from(g.len));
            match plain.as_mut() {
                Some((_, e)) if *e == start => *e = end,
                _ => {
                    flush_plain(&mut plain, page, out);
                    plain = Some((start, end));
                }
            }
            continue;
        }
        flush_plain(&mut plain, page, out);
        for c in page.content.glyph_text(g).chars() {
            match c {
                '0'..='9' => out.push(SUPERSCRIPT_DIGITS[(c as u8 - b'0') as usize]),
                '\u{FFFD}' => {}
                _ => out.push(c),
            }
        }
    }
    flush_plain(&mut plain, page, out);
    flush(&mut run, run_font, out);
}

/// A page's glyphs, and whether its text holds a U+FFFD anywhere.
struct Page<'a> {
    content: &'a PageText,
    has_missing: bool,
}

/// Copies the pending plain text, leaving out the U+FFFD of codes
/// without text.
fn flush_plain(plain: &mut Option<(usize, usize)>, page: &Page, out: &mut String) {
    if let Some((start, end)) = plain.take() {
        let text = page.content.text.get(start..end).unwrap_or("");
        if page.has_missing && text.contains('\u{FFFD}') {
            out.extend(text.chars().filter(|&c| c != '\u{FFFD}'));
        } else {
            out.push_str(text);
        }
    }
}

pub const SUPERSCRIPT_DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];

/// Splits segments into groups read one after the other: bands cut by
/// spanning lines, and within a band the columns left to right.
fn order(
    segs: &[Seg],
    mut idx: Vec<usize>,
    depth: u32,
    gutters: &mut Vec<(f32, f32)>,
    out: &mut Vec<Vec<usize>>,
) {
    let gutter = if depth < 3 {
        find_gutter(segs, &idx, gutters)
    } else {
        None
    };
    let Some((g0, g1)) = gutter else {
        if !idx.is_empty() {
            out.push(idx);
        }
        return;
    };
    idx.sort_by(|&a, &b| segs[b].y.total_cmp(&segs[a].y));
    let (mut left, mut right) = (Vec::new(), Vec::new());
    for &i in &idx {
        let s = segs[i];
        if s.x1 <= g0 + 0.5 {
            left.push(i);
        } else if s.x0 >= g1 - 0.5 {
            right.push(i);
        } else {
            order(segs, std::mem::take(&mut left), depth + 1, gutters, out);
            order(segs, std::mem::take(&mut right), depth + 1, gutters, out);
            out.push(vec![i]);
        }
    }
    order(segs, left, depth + 1, gutters, out);
    order(segs, right, depth + 1, gutters, out);
}

/// Most gutters remembered per document (a layout has one or two).
const MAX_GUTTERS: usize = 8;

/// A vertical band free of text with text columns on both sides: prose on
/// both sides, or any text where an earlier page had its columns (`gutters`,
/// which a newly found prose gutter joins).
fn find_gutter(segs: &[Seg], idx: &[usize], gutters: &mut Vec<(f32, f32)>) -> Option<(f32, f32)> {
    // A page of few lines (a document's last) is split where an earlier
    // page had its columns if no line crosses there.
    for &(k0, k1) in gutters.iter() {
        let (mut left, mut right) = (false, false);
        let clean = idx.iter().all(|&i| {
            let s = &segs[i];
            left |= s.x1 <= k0 + 0.5;
            right |= s.x0 >= k1 - 0.5;
            s.x1 <= k0 + 0.5 || s.x0 >= k1 - 0.5
        });
        if clean && left && right {
            return Some((k0, k1));
        }
    }
    let n = idx.len();
    if n < 10 {
        return None;
    }
    let min_x = idx
        .iter()
        .map(|&i| segs[i].x0)
        .fold(f32::INFINITY, f32::min);
    let max_x = idx
        .iter()
        .map(|&i| segs[i].x1)
        .fold(f32::NEG_INFINITY, f32::max);
    let width = (max_x - min_x).ceil();
    if !(width.is_finite() && width > 2.0 * MIN_GUTTER) || width > 20_000.0 {
        return None;
    }
    let bins = width as usize + 1;
    let bin = |x: f32| (((x - min_x).max(0.0)) as usize).min(bins - 1);
    // Coverage by a difference array; counts of segments wholly left/right.
    let mut diff = vec![0i32; bins + 1];
    let mut ends_before = vec![0u32; bins + 1];
    let mut starts_after = vec![0u32; bins + 1];
    for &i in idx {
        let s = segs[i];
        let (a, b) = (bin(s.x0), bin(s.x1));
        diff[a] += 1;
        diff[b + 1] -= 1;
        ends_before[b + 1] += 1;
        starts_after[a] += 1;
    }
    let mut left = vec![0u32; bins];
    let mut acc = 0;
    for (k, l) in left.iter_mut().enumerate() {
        acc += ends_before[k];
        *l = acc;
    }
    let mut right = vec![0u32; bins];
    let mut acc = 0;
    for k in (0..bins).rev() {
        acc += starts_after.get(k + 1).copied().unwrap_or(0);
        right[k] = acc;
    }
    let need = (n as u32 / 5).max(5);
    let spanning_max = (n as i32 / 20).max(1);
    let mut cov = 0i32;
    let mut best: Option<(usize, usize)> = None;
    let mut run_start: Option<usize> = None;
    for k in 0..bins {
        cov += diff[k];
        let ok = cov <= spanning_max && left[k] >= need && right[k] >= need;
        match (ok, run_start) {
            (true, None) => run_start = Some(k),
            (false, Some(s)) => {
                if best.is_none_or(|(a, b)| k - s > b - a) {
                    best = Some((s, k));
                }
                run_start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = run_start {
        if best.is_none_or(|(a, b)| bins - s > b - a) {
            best = Some((s, bins));
        }
    }
    let (a, b) = best?;
    if ((b - a) as f32) < MIN_GUTTER {
        return None;
    }
    let (g0, g1) = (min_x + a as f32, min_x + b as f32);
    let known = gutters.iter().any(|&(k0, k1)| k0 < g1 && g0 < k1);
    if known {
        return Some((g0, g1));
    }
    // Text columns, not table cells: lines on each side mostly fill it.
    let median_width = |side: &mut Vec<f32>| {
        side.sort_by(f32::total_cmp);
        side.get(side.len() / 2).copied().unwrap_or(0.0)
    };
    let mut lw: Vec<f32> = idx
        .iter()
        .map(|&i| segs[i])
        .filter(|s| s.x1 <= g0 + 0.5)
        .map(|s| s.x1 - s.x0)
        .collect();
    let mut rw: Vec<f32> = idx
        .iter()
        .map(|&i| segs[i])
        .filter(|s| s.x0 >= g1 - 0.5)
        .map(|s| s.x1 - s.x0)
        .collect();
    let (lm, rm) = (median_width(&mut lw), median_width(&mut rw));
    // A column of prose is a good share of the text width; table cells
    // (`Năm 2013`, `1.212/1.273`) are narrow.
    let min_width = 0.25 * (max_x - min_x);
    if lm < 0.5 * (g0 - min_x) || rm < 0.5 * (max_x - g1) || lm < min_width || rm < min_width {
        return None;
    }
    if gutters.len() < MAX_GUTTERS {
        gutters.push((g0, g1));
    }
    Some((g0, g1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyph(x: f32, w: f32, y: f32, size: f32, space: bool) -> Glyph {
        Glyph {
            x,
            y,
            w,
            size,
            start: 0,
            len: 1,
            font: 0,
            space,
            turn: 0,
        }
    }

    #[test]
    fn segments_break_at_jumps_and_unread_glyphs_and_skip_blank_ends() {
        let mut rotated = glyph(40.0, 5.0, 100.0, 10.0, false);
        rotated.turn = 1;
        let glyphs = [
            // A leading space does not widen the first segment.
            glyph(0.0, 5.0, 100.0, 10.0, true),
            glyph(5.0, 5.0, 100.0, 10.0, false),
            glyph(10.0, 5.0, 100.0, 10.0, false),
            // Far on along the baseline: a new segment.
            glyph(60.0, 5.0, 100.0, 10.0, false),
            // A rotated glyph is not read and ends the segment.
            rotated,
            glyph(65.0, 5.0, 100.0, 10.0, false),
            // Spaces only: no segment.
            glyph(200.0, 5.0, 50.0, 10.0, true),
            // A superscript start takes the baseline of the text after it.
            glyph(300.0, 3.0, 104.0, 6.0, false),
            glyph(303.0, 5.0, 100.0, 10.0, false),
        ];
        let segs: Vec<_> = segments(&glyphs)
            .iter()
            .map(|s| (s.start, s.end, s.x0, s.x1, s.y, s.size))
            .collect();
        assert_eq!(
            segs,
            [
                (0, 3, 5.0, 15.0, 100.0, 10.0),
                (3, 4, 60.0, 65.0, 100.0, 10.0),
                (5, 6, 65.0, 70.0, 100.0, 10.0),
                (7, 9, 300.0, 308.0, 100.0, 10.0),
            ]
        );
    }
}
