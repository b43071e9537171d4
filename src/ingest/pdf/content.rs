//! Content streams: a lexer and the part of the PDF graphics model that
//! places text (q/Q/cm, BT/ET, Tm/Td/TD/T*, Tc/Tw/Tz/TL/Ts/Tf, Tj/TJ/'/",
//! form XObjects through Do).
//!
//! Every shown code becomes a [`Glyph`]: its origin and advance in page
//! space, its size, and its text as a range of one shared string, so a page
//! of glyphs costs two growing buffers and no allocation per glyph. Paths,
//! images and colours are skipped; inline image data is stepped over.

use std::collections::HashMap;

use lopdf::{Dictionary, Object, ObjectId};

use super::font::Font;
use super::{deref, inflate, num, MAX_STREAM_BYTES};

/// Form XObjects nested deeper than this are not entered (a cycle, or a bomb).
const MAX_FORM_DEPTH: usize = 8;
/// q without Q deeper than this is not saved (the stack stays bounded).
const MAX_SAVE_DEPTH: usize = 64;
/// Operands kept before an operator; a longer run is broken input.
const MAX_OPERANDS: usize = 1 << 16;
/// Rules kept per page and direction.
const MAX_RULES: usize = 1024;
/// Glyphs kept per page: far above a dense page (about 6,000).
pub const MAX_GLYPHS_PER_PAGE: usize = 200_000;

/// One shown code, in page space (points, y up).
#[derive(Debug, Clone, Copy)]
pub struct Glyph {
    /// Origin on the baseline.
    pub x: f32,
    pub y: f32,
    /// Advance along the baseline (without character spacing).
    pub w: f32,
    /// Font size in page space.
    pub size: f32,
    /// The glyph's text in [`PageText::text`].
    pub start: u32,
    pub len: u16,
    /// Index of the font in the document's cache.
    pub font: u16,
    /// The text is blank (a space glyph): a word break, not a word.
    pub space: bool,
    /// Which way the baseline runs, in quarter turns counterclockwise from
    /// left to right (0: upright; 1: bottom to top; 2: upside down; 3: top
    /// to bottom), or [`SKEWED`] at any other angle.
    pub turn: u8,
}

/// The [`Glyph::turn`] of text at an angle other than a quarter turn.
pub const SKEWED: u8 = 4;

/// The quarter turn of a baseline running along `(dx, dy)`, or [`SKEWED`]:
/// within a tenth (about 6°) of an axis counts as on it.
fn quarter_turn(dx: f32, dy: f32) -> u8 {
    if dy.abs() <= 0.1 * dx.abs() {
        // A degenerate matrix (no direction at all) counts as upright.
        if dx >= 0.0 {
            0
        } else {
            2
        }
    } else if dx.abs() <= 0.1 * dy.abs() {
        if dy > 0.0 {
            1
        } else {
            3
        }
    } else {
        SKEWED
    }
}

/// The glyphs of one page in content-stream order.
#[derive(Debug, Default)]
pub struct PageText {
    pub glyphs: Vec<Glyph>,
    pub text: String,
    /// Thin horizontal filled or stroked paths `(x0, x1, y)`: rules, such
    /// as the short line over a page's footnotes, and table borders.
    pub rules: Vec<(f32, f32, f32)>,
    /// Thin vertical paths `(x, y0, y1)`: the column borders of tables.
    pub vrules: Vec<(f32, f32, f32)>,
    /// Some text was shown at another turn than upright: only then does
    /// the page need its glyphs' turns counted.
    pub any_turned: bool,
}

impl PageText {
    pub fn glyph_text(&self, g: &Glyph) -> &str {
        let s = g.start as usize;
        self.text.get(s..s + usize::from(g.len)).unwrap_or("")
    }
}

/// Fonts parsed once per document, by object id.
#[derive(Default)]
pub struct FontCache {
    pub fonts: Vec<Font>,
    by_id: HashMap<ObjectId, u16>,
}

impl FontCache {
    fn get(&mut self, doc: &lopdf::Document, obj: &Object) -> Option<u16> {
        if let Object::Reference(id) = obj {
            if let Some(&i) = self.by_id.get(id) {
                return Some(i);
            }
            let dict = doc.get_object(*id).ok()?.as_dict().ok()?;
            let i = self.push(Font::load(doc, dict))?;
            self.by_id.insert(*id, i);
            return Some(i);
        }
        // A font dictionary written inline (rare): parsed at each use.
        let dict = obj.as_dict().ok()?;
        self.push(Font::load(doc, dict))
    }

    fn push(&mut self, font: Font) -> Option<u16> {
        let i = u16::try_from(self.fonts.len()).ok()?;
        self.fonts.push(font);
        Some(i)
    }
}

type Matrix = [f32; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a × b` in PDF's row-vector convention: apply `a`, then `b`.
fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

#[derive(Clone, Copy)]
struct GState {
    ctm: Matrix,
    font: Option<u16>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    /// Tz / 100.
    h_scale: f32,
    leading: f32,
    rise: f32,
}

impl Default for GState {
    fn default() -> Self {
        GState {
            ctm: IDENTITY,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            h_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

/// What the strings shown under one text state share: the font, the
/// linear part of the text rendering matrix and the scales taken from it.
#[derive(Clone, Copy)]
struct Pen {
    font: u16,
    m: [f32; 4],
    x_scale: f32,
    /// Font size in page space.
    size: f32,
    turn: u8,
}

#[derive(Debug, Clone, Copy)]
enum Operand {
    Num(f32),
    /// A name, as a range of `Interp::bytes`.
    Name(u32, u32),
    /// A string's decoded bytes, as a range of `Interp::bytes`.
    Str(u32, u32),
    ArrayStart,
    ArrayEnd,
    Other,
}

/// Interprets the content streams of one page.
pub struct Interp<'a> {
    doc: &'a lopdf::Document,
    fonts: &'a mut FontCache,
    out: &'a mut PageText,
    gs: GState,
    stack: Vec<GState>,
    dropped_saves: usize,
    tm: Matrix,
    tlm: Matrix,
    operands: Vec<Operand>,
    bytes: Vec<u8>,
    /// The decoded bytes of one string of a `[…] TJ` read in one pass.
    scratch: Vec<u8>,
    forms: Vec<ObjectId>,
    /// Bounding box of the current path in page space.
    path: Option<[f32; 4]>,
    /// The last `Tf`: resources (by address), font name, font. Writers set
    /// the same font on every line; this skips the dictionary lookups.
    last_font: Option<(usize, Vec<u8>, Option<u16>)>,
    /// The linear part of the last text rendering matrix (as bits) and its
    /// horizontal and vertical scales.
    scales: Option<([u32; 4], f32, f32)>,
}

impl<'a> Interp<'a> {
    pub fn new(doc: &'a lopdf::Document, fonts: &'a mut FontCache, out: &'a mut PageText) -> Self {
        Interp {
            doc,
            fonts,
            out,
            gs: GState::default(),
            stack: Vec::new(),
            dropped_saves: 0,
            tm: IDENTITY,
            tlm: IDENTITY,
            operands: Vec::new(),
            bytes: Vec::new(),
            scratch: Vec::new(),
            forms: Vec::new(),
            path: None,
            last_font: None,
            scales: None,
        }
    }

    /// Runs one content stream with the given resources.
    pub fn run(&mut self, data: &[u8], resources: Option<&Dictionary>) {
        let mut lx = Lexer { data, pos: 0 };
        self.operands.clear();
        self.bytes.clear();
        loop {
            // Nearly all the text of a page is in `[…] TJ` arrays: they are
            // shown as they are read, not gathered as operands first.
            if lx.skip_blank() == Some(b'[') && self.tj_array(&mut lx) {
                self.operands.clear();
                self.bytes.clear();
            } else {
                let Some(tok) = lx.next(&mut self.bytes) else {
                    break;
                };
                match tok {
                    Token::Operand(op) => {
                        if self.operands.len() < MAX_OPERANDS {
                            self.operands.push(op);
                        }
                    }
                    Token::Operator(op) => {
                        if op == b"BI" {
                            lx.skip_inline_image();
                        } else {
                            self.operator(op, resources);
                        }
                        self.operands.clear();
                        self.bytes.clear();
                    }
                }
            }
            if self.out.glyphs.len() >= MAX_GLYPHS_PER_PAGE {
                break;
            }
        }
    }

    /// At a `[`: reads an array of strings and numbers and, when `TJ`
    /// follows, shows it and returns true. Anything else (another
    /// operator, a name, a nested array, a very long array) is undone and
    /// left to the general path, which reads it the same way.
    fn tj_array(&mut self, lx: &mut Lexer) -> bool {
        let mark = lx.pos;
        let (glyphs, text, tm) = (self.out.glyphs.len(), self.out.text.len(), self.tm);
        lx.pos += 1;
        let pen = self.pen();
        let fonts = &self.fonts.fonts;
        let done = match pen.filter(|p| fonts.get(usize::from(p.font)).is_some_and(Font::is_simple))
        {
            Some(pen) => self.tj_simple(lx, &pen),
            None => self.tj_general(lx, pen),
        };
        if !done {
            self.out.glyphs.truncate(glyphs);
            self.out.text.truncate(text);
            self.tm = tm;
            lx.pos = mark;
        }
        done
    }

    /// Past this many items in an array the general path drops the rest.
    fn array_room(&self) -> usize {
        MAX_OPERANDS.saturating_sub(self.operands.len() + 2)
    }

    /// A TJ array in a simple font: each string byte is a code, placed as
    /// it is decoded.
    fn tj_simple(&mut self, lx: &mut Lexer, pen: &Pen) -> bool {
        let room = self.array_room();
        let gs = self.gs;
        let scratch = &mut self.scratch;
        let mut p = Placer::new(self.fonts, self.out, &gs, &self.tm, pen);
        let mut items = 0usize;
        let done = loop {
            items += 1;
            if items > room {
                break false;
            }
            match lx.skip_blank() {
                Some(b']') => {
                    lx.pos += 1;
                    break lx.operator_follows(b"TJ");
                }
                Some(b'<') if lx.data.get(lx.pos + 1) != Some(&b'<') => {
                    lx.pos += 1;
                    for b in lx.hex_bytes() {
                        p.glyph(u32::from(b), 1);
                    }
                }
                Some(b'(') => {
                    lx.pos += 1;
                    scratch.clear();
                    lx.literal(scratch);
                    for &b in scratch.iter() {
                        p.glyph(u32::from(b), 1);
                    }
                }
                Some(b'+' | b'-' | b'.' | b'0'..=b'9') => {
                    p.kern(lx.number());
                }
                _ => break false,
            }
        };
        if done {
            p.finish(&mut self.tm);
        }
        done
    }

    /// A TJ array in a composite font, or with no font set.
    fn tj_general(&mut self, lx: &mut Lexer, pen: Option<Pen>) -> bool {
        let room = self.array_room();
        let mut items = 0usize;
        loop {
            items += 1;
            if items > room {
                return false;
            }
            match lx.skip_blank() {
                Some(b']') => {
                    lx.pos += 1;
                    return lx.operator_follows(b"TJ");
                }
                Some(b'<') if lx.data.get(lx.pos + 1) != Some(&b'<') => {
                    lx.pos += 1;
                    self.scratch.clear();
                    lx.hex(&mut self.scratch);
                    self.show_scratch(pen);
                }
                Some(b'(') => {
                    lx.pos += 1;
                    self.scratch.clear();
                    lx.literal(&mut self.scratch);
                    self.show_scratch(pen);
                }
                Some(b'+' | b'-' | b'.' | b'0'..=b'9') => {
                    let n = lx.number();
                    let tx = -n / 1000.0 * self.gs.size * self.gs.h_scale;
                    self.advance(tx);
                }
                _ => return false,
            }
        }
    }

    fn show_scratch(&mut self, pen: Option<Pen>) {
        let Some(pen) = pen else { return };
        let bytes = std::mem::take(&mut self.scratch);
        self.show_with(&pen, &bytes);
        self.scratch = bytes;
    }

    fn nums<const N: usize>(&self) -> Option<[f32; N]> {
        let ops = &self.operands;
        if ops.len() < N {
            return None;
        }
        let mut out = [0.0; N];
        for (o, op) in out.iter_mut().zip(&ops[ops.len() - N..]) {
            match op {
                Operand::Num(v) => *o = *v,
                _ => return None,
            }
        }
        Some(out)
    }

    fn slice(&self, start: u32, end: u32) -> &[u8] {
        self.bytes.get(start as usize..end as usize).unwrap_or(&[])
    }

    fn operator(&mut self, op: &[u8], resources: Option<&Dictionary>) {
        match op {
            b"q" => {
                if self.stack.len() < MAX_SAVE_DEPTH {
                    self.stack.push(self.gs);
                } else {
                    self.dropped_saves += 1;
                }
            }
            b"Q" => {
                if self.dropped_saves > 0 {
                    self.dropped_saves -= 1;
                } else if let Some(gs) = self.stack.pop() {
                    self.gs = gs;
                }
            }
            b"cm" => {
                if let Some(m) = self.nums::<6>() {
                    self.gs.ctm = mul(&m, &self.gs.ctm);
                }
            }
            b"BT" => {
                self.tm = IDENTITY;
                self.tlm = IDENTITY;
            }
            b"Tc" => {
                if let Some([v]) = self.nums() {
                    self.gs.char_spacing = v;
                }
            }
            b"Tw" => {
                if let Some([v]) = self.nums() {
                    self.gs.word_spacing = v;
                }
            }
            b"Tz" => {
                if let Some([v]) = self.nums() {
                    self.gs.h_scale = v / 100.0;
                }
            }
            b"TL" => {
                if let Some([v]) = self.nums() {
                    self.gs.leading = v;
                }
            }
            b"Ts" => {
                if let Some([v]) = self.nums() {
                    self.gs.rise = v;
                }
            }
            b"Tf" => {
                let size = self.nums::<1>().map(|[s]| s);
                let name = match self.operands.len().checked_sub(2).map(|i| self.operands[i]) {
                    Some(Operand::Name(s, e)) => Some((s, e)),
                    _ => None,
                };
                if let (Some(size), Some((s, e))) = (size, name) {
                    self.gs.size = size;
                    self.gs.font = self.font(resources, s, e);
                }
            }
            b"Td" => {
                if let Some([tx, ty]) = self.nums() {
                    self.next_line(tx, ty);
                }
            }
            b"TD" => {
                if let Some([tx, ty]) = self.nums() {
                    self.gs.leading = -ty;
                    self.next_line(tx, ty);
                }
            }
            b"Tm" => {
                if let Some(m) = self.nums::<6>() {
                    self.tm = m;
                    self.tlm = m;
                }
            }
            b"T*" => self.next_line(0.0, -self.gs.leading),
            b"Tj" => {
                if let Some(&Operand::Str(s, e)) = self.operands.last() {
                    self.show(s, e);
                }
            }
            b"'" => {
                self.next_line(0.0, -self.gs.leading);
                if let Some(&Operand::Str(s, e)) = self.operands.last() {
                    self.show(s, e);
                }
            }
            b"\"" => {
                if let Some([aw, ac]) = self.operands.len().checked_sub(3).and_then(|i| {
                    match (self.operands[i], self.operands[i + 1]) {
                        (Operand::Num(a), Operand::Num(c)) => Some([a, c]),
                        _ => None,
                    }
                }) {
                    self.gs.word_spacing = aw;
                    self.gs.char_spacing = ac;
                }
                self.next_line(0.0, -self.gs.leading);
                if let Some(&Operand::Str(s, e)) = self.operands.last() {
                    self.show(s, e);
                }
            }
            b"TJ" => {
                let start = self
                    .operands
                    .iter()
                    .rposition(|o| matches!(o, Operand::ArrayStart))
                    .map_or(0, |i| i + 1);
                for i in start..self.operands.len() {
                    match self.operands[i] {
                        Operand::Str(s, e) => self.show(s, e),
                        Operand::Num(n) => {
                            let tx = -n / 1000.0 * self.gs.size * self.gs.h_scale;
                            self.advance(tx);
                        }
                        _ => {}
                    }
                }
            }
            b"m" | b"l" => {
                if let Some([x, y]) = self.nums() {
                    self.path_point(x, y);
                }
            }
            b"re" => {
                if let Some([x, y, w, h]) = self.nums() {
                    self.path_point(x, y);
                    self.path_point(x + w, y + h);
                }
            }
            b"f" | b"F" | b"f*" | b"S" | b"s" | b"B" | b"B*" | b"b" | b"b*" => {
                if let Some([x0, y0, x1, y1]) = self.path.take() {
                    if y1 - y0 < 2.0 && x1 - x0 > 20.0 && self.out.rules.len() < MAX_RULES {
                        self.out.rules.push((x0, x1, (y0 + y1) / 2.0));
                    } else if x1 - x0 < 2.0 && y1 - y0 > 5.0 && self.out.vrules.len() < MAX_RULES {
                        self.out.vrules.push(((x0 + x1) / 2.0, y0, y1));
                    }
                }
            }
            b"n" => self.path = None,
            b"Do" => {
                if let Some(&Operand::Name(s, e)) = self.operands.last() {
                    let name = self.slice(s, e).to_vec();
                    self.form(resources, &name);
                }
            }
            _ => {}
        }
    }

    fn path_point(&mut self, x: f32, y: f32) {
        let m = &self.gs.ctm;
        let (px, py) = (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]);
        let b = self.path.get_or_insert([px, py, px, py]);
        *b = [b[0].min(px), b[1].min(py), b[2].max(px), b[3].max(py)];
    }

    fn font(&mut self, resources: Option<&Dictionary>, s: u32, e: u32) -> Option<u16> {
        let key = resources.map_or(0, |r| r as *const Dictionary as usize);
        if let Some((k, name, font)) = &self.last_font {
            if *k == key && name.as_slice() == self.slice(s, e) {
                return *font;
            }
        }
        let font = self.lookup_font(resources, s, e);
        self.last_font = Some((key, self.slice(s, e).to_vec(), font));
        font
    }

    fn lookup_font(&mut self, resources: Option<&Dictionary>, s: u32, e: u32) -> Option<u16> {
        let doc = self.doc;
        let fonts = deref(doc, resources?.get(b"Font").ok()?).as_dict().ok()?;
        let obj = fonts.get(self.slice(s, e)).ok()?;
        self.fonts.get(doc, obj)
    }

    fn next_line(&mut self, tx: f32, ty: f32) {
        self.tlm = mul(&[1.0, 0.0, 0.0, 1.0, tx, ty], &self.tlm);
        self.tm = self.tlm;
    }

    /// Moves the text matrix along the baseline by `tx` text-space units.
    fn advance(&mut self, tx: f32) {
        self.tm[4] += tx * self.tm[0];
        self.tm[5] += tx * self.tm[1];
    }

    fn show(&mut self, s: u32, e: u32) {
        let Some(pen) = self.pen() else { return };
        let bytes = std::mem::take(&mut self.bytes);
        self.show_with(&pen, bytes.get(s as usize..e as usize).unwrap_or(&[]));
        self.bytes = bytes;
    }

    /// The font and matrix strings are shown with; `None` without a font.
    fn pen(&mut self) -> Option<Pen> {
        let font = self.gs.font?;
        self.fonts.fonts.get(usize::from(font))?;
        let m = mul(&self.tm, &self.gs.ctm);
        // Within a TJ array only the translation moves: the scales are
        // worked out again only when the matrix turns or stretches.
        let lin = [m[0], m[1], m[2], m[3]].map(f32::to_bits);
        let (x_scale, y_scale) = match self.scales {
            Some((k, x, y)) if k == lin => (x, y),
            _ => {
                let (x, y) = (m[0].hypot(m[1]), m[2].hypot(m[3]));
                self.scales = Some((lin, x, y));
                (x, y)
            }
        };
        let turn = quarter_turn(m[0], m[1]);
        self.out.any_turned |= turn != 0;
        Some(Pen {
            font,
            m: [m[0], m[1], m[2], m[3]],
            x_scale,
            size: self.gs.size.abs() * y_scale,
            turn,
        })
    }

    /// Shows a string's bytes from the current point and moves past them.
    /// The pen stays valid while only the text matrix's translation moves.
    fn show_with(&mut self, pen: &Pen, bytes: &[u8]) {
        let gs = self.gs;
        let mut p = Placer::new(self.fonts, self.out, &gs, &self.tm, pen);
        let mut i = 0;
        while i < bytes.len() {
            let (code, len) = p.font.next_code(&bytes[i..]);
            i += len;
            p.glyph(code, len);
        }
        p.finish(&mut self.tm);
    }

    fn form(&mut self, resources: Option<&Dictionary>, name: &[u8]) {
        let doc = self.doc;
        let Some(xobjects) = resources
            .and_then(|r| r.get(b"XObject").ok())
            .and_then(|o| deref(doc, o).as_dict().ok())
        else {
            return;
        };
        let Ok(&Object::Reference(id)) = xobjects.get(name) else {
            return;
        };
        if self.forms.len() >= MAX_FORM_DEPTH || self.forms.contains(&id) {
            return;
        }
        let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
            return;
        };
        if stream
            .dict
            .get(b"Subtype")
            .ok()
            .and_then(|o| o.as_name().ok())
            != Some(b"Form")
        {
            return;
        }
        let Ok(data) = inflate(stream, MAX_STREAM_BYTES) else {
            return;
        };
        let matrix = stream
            .dict
            .get(b"Matrix")
            .ok()
            .and_then(|o| deref(doc, o).as_array().ok())
            .filter(|a| a.len() == 6)
            .map(|a| {
                let mut m = IDENTITY;
                for (v, o) in m.iter_mut().zip(a) {
                    *v = num(deref(doc, o)).unwrap_or(0.0);
                }
                m
            })
            .unwrap_or(IDENTITY);
        let own = stream
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|o| deref(doc, o).as_dict().ok());
        // A form runs in its own state, saved and restored around it, with
        // its own operand buffers (the caller's are still in use).
        let saved = (
            self.gs,
            self.tm,
            self.tlm,
            self.stack.len(),
            self.dropped_saves,
        );
        let operands = std::mem::take(&mut self.operands);
        let bytes = std::mem::take(&mut self.bytes);
        self.gs.ctm = mul(&matrix, &self.gs.ctm);
        self.forms.push(id);
        self.run(&data, own.or(resources));
        self.forms.pop();
        self.stack.truncate(saved.3);
        (self.gs, self.tm, self.tlm, _, self.dropped_saves) = saved;
        self.operands = operands;
        self.bytes = bytes;
    }
}

/// Places the glyphs of strings shown with one pen.
///
/// Between strings of one array only the text matrix's translation moves,
/// and only along the baseline: every glyph's place is the array's start
/// plus one running advance `x` (text space) times the pen's matrix. So the
/// loop carries one number from glyph to glyph, not a matrix (moving the
/// matrix per string and recomputing its translation from it was the
/// interpreter's longest chain of dependent arithmetic).
struct Placer<'p> {
    font: &'p mut Font,
    out: &'p mut PageText,
    pen: &'p Pen,
    /// The place of the array's first glyph, rise included, in page space.
    e: f32,
    f: f32,
    /// Advance from the array's start, in text space.
    x: f32,
    /// A code's width (glyph units / 1000) times these: its advance in
    /// text space, and its width in page space.
    advance_scale: f32,
    width_scale: f32,
    /// A TJ number times this: its advance in text space (multiplied, not
    /// divided, per number: a division was the array loop's slowest step).
    kern_scale: f32,
    /// Added after each glyph: the character spacing, or for a single-byte
    /// code 32 the character and word spacing.
    char_spacing: f32,
    space_spacing: f32,
}

impl<'p> Placer<'p> {
    fn new(
        fonts: &'p mut FontCache,
        out: &'p mut PageText,
        gs: &GState,
        tm: &Matrix,
        pen: &'p Pen,
    ) -> Self {
        // The translation of `mul(tm, ctm)`, then the rise along the
        // matrix's vertical.
        let c = &gs.ctm;
        let e = tm[4] * c[0] + tm[5] * c[2] + c[4];
        let f = tm[4] * c[1] + tm[5] * c[3] + c[5];
        Placer {
            // The pen was made from a font in the cache.
            font: &mut fonts.fonts[usize::from(pen.font)],
            out,
            pen,
            e: e + pen.m[2] * gs.rise,
            f: f + pen.m[3] * gs.rise,
            x: 0.0,
            advance_scale: gs.size * gs.h_scale,
            kern_scale: -gs.size * gs.h_scale / 1000.0,
            width_scale: gs.size * gs.h_scale * pen.x_scale,
            char_spacing: gs.char_spacing * gs.h_scale,
            space_spacing: (gs.char_spacing + gs.word_spacing) * gs.h_scale,
        }
    }

    /// Moves along the baseline by a TJ number (thousandths of an em, a
    /// positive number moving back).
    #[inline(always)]
    fn kern(&mut self, n: f32) {
        self.x += n * self.kern_scale;
    }

    /// The text matrix past everything placed.
    fn finish(&self, tm: &mut Matrix) {
        tm[4] += self.x * tm[0];
        tm[5] += self.x * tm[1];
    }

    #[inline(always)]
    fn glyph(&mut self, code: u32, len: usize) {
        let (pen, out) = (self.pen, &mut *self.out);
        let start = out.text.len();
        let (width, space) = self.font.push_code(code, &mut out.text);
        let len16 = u16::try_from(out.text.len() - start).unwrap_or(0);
        if out.glyphs.len() < MAX_GLYPHS_PER_PAGE && len16 > 0 {
            out.glyphs.push(Glyph {
                x: pen.m[0] * self.x + self.e,
                y: pen.m[1] * self.x + self.f,
                w: width * self.width_scale,
                size: pen.size,
                start: start as u32,
                len: len16,
                font: pen.font,
                space,
                turn: pen.turn,
            });
        } else {
            out.text.truncate(start);
        }
        let spacing = if len == 1 && code == 32 {
            self.space_spacing
        } else {
            self.char_spacing
        };
        self.x += width * self.advance_scale + spacing;
    }
}

/// The bytes of a hex string: other bytes than hex digits are skipped, an
/// odd last digit is followed by 0.
struct HexBytes<'l, 'a> {
    lx: &'l mut Lexer<'a>,
    ended: bool,
}

impl Iterator for HexBytes<'_, '_> {
    type Item = u8;

    #[inline]
    fn next(&mut self) -> Option<u8> {
        if self.ended {
            return None;
        }
        let lx = &mut *self.lx;
        let d = lx.data;
        // Digits in pairs, as nearly every writer puts them, then `>`.
        match (d.get(lx.pos), d.get(lx.pos + 1)) {
            (Some(b'>'), _) => {
                lx.pos += 1;
                self.ended = true;
                return None;
            }
            (Some(&a), Some(&b)) => {
                if let (Some(hi), Some(lo)) = (hex_value(a), hex_value(b)) {
                    lx.pos += 2;
                    return Some((hi << 4) | lo);
                }
            }
            _ => {}
        }
        let mut half: Option<u8> = None;
        while let Some(&h) = d.get(lx.pos) {
            lx.pos += 1;
            if h == b'>' {
                break;
            }
            let Some(v) = hex_value(h) else {
                continue;
            };
            match half.take() {
                Some(hi) => return Some((hi << 4) | v),
                None => half = Some(v),
            }
        }
        self.ended = true;
        half.map(|hi| hi << 4)
    }
}

enum Token<'a> {
    Operand(Operand),
    Operator(&'a [u8]),
}

struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

/// Byte classes, looked up once per byte: white space, delimiter (white
/// space included).
const WHITE: u8 = 1;
const DELIM: u8 = 2;
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0C' | 0) {
            t[c] = WHITE | DELIM;
        }
        if matches!(
            b,
            b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
        ) {
            t[c] = DELIM;
        }
        c += 1;
    }
    t
};

fn is_white(c: u8) -> bool {
    CLASS[usize::from(c)] & WHITE != 0
}

fn is_delim(c: u8) -> bool {
    CLASS[usize::from(c)] & DELIM != 0
}

/// The value of each hex digit; 16 for other bytes.
const HEX_VALUE: [u8; 256] = {
    let mut t = [16u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => 16,
        };
        c += 1;
    }
    t
};

/// The value of a hex digit, if `c` is one.
fn hex_value(c: u8) -> Option<u8> {
    let v = HEX_VALUE[usize::from(c)];
    (v < 16).then_some(v)
}

impl<'a> Lexer<'a> {
    /// Skips white space and comments; the next byte, not consumed.
    fn skip_blank(&mut self) -> Option<u8> {
        let d = self.data;
        loop {
            let &c = d.get(self.pos)?;
            if is_white(c) {
                self.pos += 1;
            } else if c == b'%' {
                while self.pos < d.len() && d[self.pos] != b'\n' && d[self.pos] != b'\r' {
                    self.pos += 1;
                }
            } else {
                return Some(c);
            }
        }
    }

    /// Whether the next token is the operator `op`; if so it is consumed.
    fn operator_follows(&mut self, op: &[u8]) -> bool {
        self.skip_blank();
        let end = self.pos + op.len();
        let found = self.data.get(self.pos..end) == Some(op)
            && self.data.get(end).is_none_or(|&c| is_delim(c));
        if found {
            self.pos = end;
        }
        found
    }

    fn next(&mut self, bytes: &mut Vec<u8>) -> Option<Token<'a>> {
        let d = self.data;
        let c = self.skip_blank()?;
        let op = match c {
            b'(' => {
                self.pos += 1;
                let start = bytes.len() as u32;
                self.literal(bytes);
                Operand::Str(start, bytes.len() as u32)
            }
            b'<' if d.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                Operand::Other
            }
            b'<' => {
                self.pos += 1;
                let start = bytes.len() as u32;
                self.hex(bytes);
                Operand::Str(start, bytes.len() as u32)
            }
            b'>' => {
                self.pos += if d.get(self.pos + 1) == Some(&b'>') {
                    2
                } else {
                    1
                };
                Operand::Other
            }
            b'[' => {
                self.pos += 1;
                Operand::ArrayStart
            }
            b']' => {
                self.pos += 1;
                Operand::ArrayEnd
            }
            b'/' => {
                self.pos += 1;
                let start = bytes.len() as u32;
                while let Some(&b) = d.get(self.pos) {
                    if is_delim(b) {
                        break;
                    }
                    self.pos += 1;
                    // `#xx` escapes a byte in a name.
                    if b == b'#' {
                        let hex = d
                            .get(self.pos..self.pos + 2)
                            .and_then(|h| std::str::from_utf8(h).ok());
                        if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                            bytes.push(v);
                            self.pos += 2;
                            continue;
                        }
                    }
                    bytes.push(b);
                }
                Operand::Name(start, bytes.len() as u32)
            }
            b'{' | b'}' | b')' => {
                self.pos += 1;
                Operand::Other
            }
            b'+' | b'-' | b'.' | b'0'..=b'9' => Operand::Num(self.number()),
            _ => {
                let start = self.pos;
                while self.pos < d.len() && !is_delim(d[self.pos]) {
                    self.pos += 1;
                }
                let word = &d[start..self.pos];
                return match word {
                    b"true" | b"false" | b"null" => Some(Token::Operand(Operand::Other)),
                    _ => Some(Token::Operator(word)),
                };
            }
        };
        Some(Token::Operand(op))
    }

    /// A number token, up to the next delimiter.
    #[inline]
    fn number(&mut self) -> f32 {
        let rest = self.data.get(self.pos..).unwrap_or(&[]);
        // `-12`, `4`: read in one pass. Up to 15 digits the integer is
        // exact in an f64, so it is the value `parse_number` computes.
        let neg = rest.first() == Some(&b'-');
        let first = usize::from(neg);
        let mut i = first;
        let mut v = 0u64;
        while let Some(&c @ b'0'..=b'9') = rest.get(i) {
            v = v.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
            i += 1;
        }
        if i > first && i - first <= 15 && rest.get(i).is_none_or(|&c| is_delim(c)) {
            self.pos += i;
            // Below 10^15 the value fits an i64, whose conversion to f64 is
            // one instruction (a u64's takes several).
            let v = v as i64 as f64;
            return if neg { -v } else { v } as f32;
        }
        self.number_slow(rest)
    }

    /// [`Lexer::number`] past its fast path: a fraction, a long or
    /// malformed number.
    #[inline(never)]
    fn number_slow(&mut self, rest: &[u8]) -> f32 {
        let len = rest.iter().position(|&c| is_delim(c)).unwrap_or(rest.len());
        self.pos += len;
        parse_number(&rest[..len])
    }

    /// A hex string after its `<`, into `out`.
    fn hex(&mut self, out: &mut Vec<u8>) {
        out.extend(self.hex_bytes());
    }

    /// The bytes of a hex string after its `<`.
    fn hex_bytes(&mut self) -> HexBytes<'_, 'a> {
        HexBytes {
            lx: self,
            ended: false,
        }
    }

    /// A literal string after its `(`: balanced parentheses and escapes.
    fn literal(&mut self, out: &mut Vec<u8>) {
        let d = self.data;
        let mut depth = 1usize;
        while let Some(&b) = d.get(self.pos) {
            self.pos += 1;
            match b {
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                    out.push(b);
                }
                b'\\' => {
                    let Some(&e) = d.get(self.pos) else { return };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'\r' => {
                            if d.get(self.pos) == Some(&b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match d.get(self.pos) {
                                    Some(&o @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(o - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push(v as u8);
                        }
                        other => out.push(other),
                    }
                }
                _ => out.push(b),
            }
        }
    }

    /// After `BI`: the image dictionary, `ID`, binary data, `EI`.
    fn skip_inline_image(&mut self) {
        let d = self.data;
        // The dictionary holds no `ID` token but names; find the keyword.
        while self.pos + 2 <= d.len() {
            if &d[self.pos..self.pos + 2] == b"ID"
                && self.pos > 0
                && is_white(d[self.pos - 1])
                && d.get(self.pos + 2).is_none_or(|&c| is_white(c))
            {
                self.pos += 3;
                break;
            }
            self.pos += 1;
        }
        // The data ends at whitespace, `EI`, whitespace (or the end).
        while self.pos + 2 <= d.len() {
            if &d[self.pos..self.pos + 2] == b"EI"
                && is_white(d[self.pos - 1])
                && d.get(self.pos + 2).is_none_or(|&c| is_white(c))
            {
                self.pos += 2;
                return;
            }
            self.pos += 1;
        }
        self.pos = d.len();
    }
}

/// A PDF number; malformed ones (`--1`, `1.2.3`) read as far as they make sense.
fn parse_number(s: &[u8]) -> f32 {
    let mut neg = false;
    let mut i = 0;
    while i < s.len() && (s[i] == b'-' || s[i] == b'+') {
        neg ^= s[i] == b'-';
        i += 1;
    }
    let mut v = 0.0f64;
    while i < s.len() && s[i].is_ascii_digit() {
        v = v * 10.0 + f64::from(s[i] - b'0');
        i += 1;
    }
    if i < s.len() && s[i] == b'.' {
        i += 1;
        let mut f = 0.1;
        while i < s.len() && s[i].is_ascii_digit() {
            v += f * f64::from(s[i] - b'0');
            f *= 0.1;
            i += 1;
        }
    }
    let v = if neg { -v } else { v } as f32;
    if v.is_finite() {
        v
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_parse_leniently() {
        assert_eq!(parse_number(b"-12.5"), -12.5);
        assert_eq!(parse_number(b".5"), 0.5);
        assert_eq!(parse_number(b"--3"), 3.0);
        assert_eq!(parse_number(b"7."), 7.0);
    }

    #[test]
    fn integers_read_fast_are_what_the_careful_parser_gives() {
        for t in [
            "0",
            "-0",
            "7",
            "-3",
            "120",
            "-3000",
            "999999999999999",
            "-999999999999999",
            "1234567890123456",
            "99999999999999999999",
            "1.5",
            "-.5",
            "--3",
            "7.",
            "12a",
        ] {
            let data = format!("{t} ");
            let mut lx = Lexer {
                data: data.as_bytes(),
                pos: 0,
            };
            let fast = lx.number();
            let slow = parse_number(t.as_bytes());
            assert_eq!(fast.to_bits(), slow.to_bits(), "{t}");
            assert_eq!(lx.pos, t.len(), "{t}");
        }
    }

    #[test]
    fn literal_strings_unescape_and_nest() {
        let mut lx = Lexer {
            data: br"(a\(b\)c (d) \101\n)",
            pos: 0,
        };
        let mut bytes = Vec::new();
        match lx.next(&mut bytes) {
            Some(Token::Operand(Operand::Str(s, e))) => {
                assert_eq!(&bytes[s as usize..e as usize], b"a(b)c (d) A\n")
            }
            _ => panic!("a string"),
        }
    }

    #[test]
    fn inline_image_data_is_stepped_over() {
        let mut lx = Lexer {
            data: b"BI /W 2 /H 1 ID \x00(\xff) EI BT",
            pos: 0,
        };
        let mut bytes = Vec::new();
        assert!(matches!(lx.next(&mut bytes), Some(Token::Operator(b"BI"))));
        lx.skip_inline_image();
        assert!(matches!(lx.next(&mut bytes), Some(Token::Operator(b"BT"))));
    }
}
