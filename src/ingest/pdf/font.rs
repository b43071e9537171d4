//! Fonts: how a string's bytes split into codes, each code's Unicode text
//! and its advance width.
//!
//! Text comes from the ToUnicode CMap when the font has one (Word and
//! LibreOffice always write it), else from the simple font's encoding and
//! `/Differences` glyph names. Widths come from `Widths`/`FirstChar` (simple
//! fonts), `W`/`DW` (CID fonts), scaled by the FontMatrix for Type3. A font
//! named like a legacy Vietnamese font (`.VnTime`, `VNI-Times`, subset prefix
//! stripped) is marked so the layout decodes its runs as TCVN3 or VNI.

use lopdf::{Dictionary, Object};

use super::cmap::CMap;
use super::glyphs::{push_name, BaseEncoding};
use super::{deref, inflate, num, MAX_STREAM_BYTES};
use crate::normalize::legacy::{self, Legacy};

/// One parsed font, shared by every page that uses it.
#[derive(Debug)]
pub struct Font {
    /// Type0: codes are read by the encoding CMap (two bytes for Identity-H).
    composite: bool,
    to_unicode: Option<CMap>,
    /// The embedded encoding CMap of a Type0 font (Identity when `None`).
    encoding: Option<CMap>,
    /// Simple fonts: the text of each code, as ranges into `names`.
    simple: Vec<(u32, u8)>,
    names: String,
    first_char: u32,
    widths: Vec<f32>,
    /// CID fonts: `(first CID, last CID, width)`, sorted.
    cid_widths: Vec<(u32, u32, f32)>,
    default_width: f32,
    /// Glyph space to text space: 1/1000, or a Type3 font's FontMatrix.
    scale: f32,
    /// The legacy encoding this font's codes are in, and whether it draws
    /// every letter as a capital (`.VnTimeH`).
    pub legacy: Option<(Legacy, bool)>,
    /// Each code below [`CACHED_CODES`] as it was first resolved: a glyph
    /// then costs an index and a copy, not CMap and width lookups.
    codes: Vec<Code>,
    /// The text of the cached codes.
    texts: String,
}

/// A code's text, advance and blankness.
#[derive(Debug, Clone, Copy)]
struct Code {
    text: CodeText,
    width: f32,
    space: bool,
}

#[derive(Debug, Clone, Copy)]
enum CodeText {
    Unresolved,
    /// One character, the common case: pushed without a copy call.
    Char(char),
    /// A range of [`Font::texts`] (a ligature, or no text at all).
    Range(u32, u32),
}

impl Code {
    const UNRESOLVED: Code = Code {
        text: CodeText::Unresolved,
        width: 0.0,
        space: false,
    };
}

/// Codes resolved once and kept: every code of a simple font, and the
/// glyph ids of a subset CID font (numbered from 1 up).
const CACHED_CODES: u32 = 4096;

/// Most codes a simple font has.
const SIMPLE_CODES: usize = 256;

impl Font {
    pub fn load(doc: &lopdf::Document, dict: &Dictionary) -> Font {
        let name = |d: &Dictionary, key: &[u8]| -> Option<Vec<u8>> {
            deref(doc, d.get(key).ok()?)
                .as_name()
                .ok()
                .map(<[u8]>::to_vec)
        };
        let subtype = name(dict, b"Subtype").unwrap_or_default();
        let base_font = name(dict, b"BaseFont").unwrap_or_default();
        let base_str = String::from_utf8_lossy(&base_font);
        let legacy = legacy::encoding_for_font(&base_str)
            .map(|enc| (enc, legacy::font_is_all_capitals(&base_str)));
        let to_unicode = dict
            .get(b"ToUnicode")
            .ok()
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_stream().ok())
            .and_then(|s| inflate(s, MAX_STREAM_BYTES).ok())
            .map(|data| CMap::parse(&data))
            .filter(CMap::has_text);

        let mut font = Font {
            composite: subtype == b"Type0",
            to_unicode,
            encoding: None,
            simple: Vec::new(),
            names: String::new(),
            first_char: 0,
            widths: Vec::new(),
            cid_widths: Vec::new(),
            default_width: 1.0,
            scale: 0.001,
            legacy,
            codes: Vec::new(),
            texts: String::new(),
        };
        if font.composite {
            font.load_composite(doc, dict);
        } else {
            font.load_simple(doc, dict, &subtype, &base_str);
        }
        font
    }

    fn load_composite(&mut self, doc: &lopdf::Document, dict: &Dictionary) {
        if let Ok(enc) = dict.get(b"Encoding") {
            // Identity-H/V (what Word writes) is the default; an embedded CMap
            // stream gives code lengths and CIDs. Other predefined CMaps are
            // read as two-byte identity.
            if let Ok(stream) = deref(doc, enc).as_stream() {
                if let Ok(data) = inflate(stream, MAX_STREAM_BYTES) {
                    self.encoding = Some(CMap::parse(&data)).filter(CMap::has_codespace);
                }
            }
        }
        let descendant = dict
            .get(b"DescendantFonts")
            .ok()
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok());
        let Some(cid) = descendant else { return };
        self.default_width = cid
            .get(b"DW")
            .ok()
            .and_then(|o| num(deref(doc, o)))
            .unwrap_or(1000.0)
            * 0.001;
        let Some(w) = cid
            .get(b"W")
            .ok()
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_array().ok())
        else {
            return;
        };
        // `c [w1 w2 …]` or `c_first c_last w`.
        let mut i = 0;
        while i < w.len() {
            let Some(first) = num(deref(doc, &w[i])) else {
                break;
            };
            let first = first as u32;
            match w.get(i + 1).map(|o| deref(doc, o)) {
                Some(Object::Array(ws)) => {
                    for (k, wo) in ws.iter().enumerate() {
                        if let Some(width) = num(deref(doc, wo)) {
                            let c = first.saturating_add(k as u32);
                            self.cid_widths.push((c, c, width * 0.001));
                        }
                    }
                    i += 2;
                }
                Some(last) => {
                    let (Some(last), Some(width)) =
                        (num(last), w.get(i + 2).and_then(|o| num(deref(doc, o))))
                    else {
                        break;
                    };
                    self.cid_widths.push((first, last as u32, width * 0.001));
                    i += 3;
                }
                None => break,
            }
        }
        self.cid_widths.sort_by_key(|r| r.0);
    }

    fn load_simple(
        &mut self,
        doc: &lopdf::Document,
        dict: &Dictionary,
        subtype: &[u8],
        base: &str,
    ) {
        if subtype == b"Type3" {
            if let Some(m) = dict
                .get(b"FontMatrix")
                .ok()
                .map(|o| deref(doc, o))
                .and_then(|o| o.as_array().ok())
            {
                if let Some(a) = m.first().and_then(|o| num(deref(doc, o))) {
                    self.scale = a;
                }
            }
        }
        let descriptor = dict
            .get(b"FontDescriptor")
            .ok()
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok());
        let missing = descriptor
            .and_then(|d| d.get(b"MissingWidth").ok())
            .and_then(|o| num(deref(doc, o)));
        self.first_char = dict
            .get(b"FirstChar")
            .ok()
            .and_then(|o| num(deref(doc, o)))
            .unwrap_or(0.0)
            .clamp(0.0, 255.0) as u32;
        if let Some(ws) = dict
            .get(b"Widths")
            .ok()
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_array().ok())
        {
            self.widths = ws
                .iter()
                .take(SIMPLE_CODES)
                .map(|o| num(deref(doc, o)).unwrap_or(0.0) * self.scale)
                .collect();
        }
        // Without widths (the standard 14 fonts of old files) a fixed pitch
        // is known for Courier; other faces get an average width, so gaps
        // between their strings are only estimated.
        let plain = base.split_once('+').map_or(base, |(_, b)| b);
        self.default_width = match missing {
            Some(m) if m > 0.0 => m * self.scale,
            _ if plain.starts_with("Courier") => 0.6,
            _ if self.widths.is_empty() => 0.5,
            _ => 0.0,
        };

        // The text of each code: base encoding, then /Differences.
        let symbolic = descriptor
            .and_then(|d| d.get(b"Flags").ok())
            .and_then(|o| num(deref(doc, o)))
            .is_some_and(|f| (f as i64) & 4 != 0);
        let enc_obj = dict.get(b"Encoding").ok().map(|o| deref(doc, o));
        let mut base_enc = match subtype {
            b"Type1" | b"MMType1" if !symbolic => Some(BaseEncoding::Standard),
            b"TrueType" if !symbolic => Some(BaseEncoding::WinAnsi),
            _ => None,
        };
        let mut differences = None;
        match enc_obj {
            Some(Object::Name(n)) => base_enc = BaseEncoding::from_name(n).or(base_enc),
            Some(Object::Dictionary(d)) => {
                if let Some(n) = d
                    .get(b"BaseEncoding")
                    .ok()
                    .and_then(|o| deref(doc, o).as_name().ok())
                {
                    base_enc = BaseEncoding::from_name(n).or(base_enc);
                }
                differences = d
                    .get(b"Differences")
                    .ok()
                    .map(|o| deref(doc, o))
                    .and_then(|o| o.as_array().ok());
            }
            _ => {}
        }
        self.simple = Vec::with_capacity(SIMPLE_CODES);
        for code in 0..SIMPLE_CODES {
            let start = self.names.len() as u32;
            let byte = code as u8;
            let c = match base_enc {
                Some(e) => e.char(byte),
                // A symbolic font without encoding: its codes are its glyphs;
                // reading them as Latin-1 keeps ASCII subsets readable.
                None if byte >= 0x20 => char::from(byte),
                None => '\0',
            };
            if c != '\0' {
                self.names.push(c);
            }
            self.simple
                .push((start, (self.names.len() as u32 - start) as u8));
        }
        if let Some(diffs) = differences {
            let mut code = 0usize;
            for o in diffs {
                match deref(doc, o) {
                    Object::Integer(n) => code = (*n).clamp(0, 255) as usize,
                    Object::Name(n) => {
                        if code < SIMPLE_CODES {
                            let start = self.names.len() as u32;
                            push_name(&String::from_utf8_lossy(n), &mut self.names);
                            let len = (self.names.len() as u32 - start).min(255) as u8;
                            self.simple[code] = (start, len);
                        }
                        code += 1;
                    }
                    _ => {}
                }
            }
        }
    }

    /// Whether each byte of a string is one code.
    pub fn is_simple(&self) -> bool {
        !self.composite
    }

    /// The next code in `bytes` (non-empty) and its length in bytes.
    #[inline]
    pub fn next_code(&self, bytes: &[u8]) -> (u32, usize) {
        if !self.composite {
            // Simple fonts: one byte a code.
            return (bytes.first().map_or(0, |&b| u32::from(b)), 1);
        }
        let len = if let Some(enc) = &self.encoding {
            enc.code_len(bytes, 2)
        } else if let Some(tu) = self.to_unicode.as_ref().filter(|t| t.has_codespace()) {
            // Identity encodings are two bytes; a ToUnicode codespace that
            // says otherwise is trusted only for one- or two-byte codes.
            tu.code_len(bytes, 2).min(2)
        } else {
            2
        };
        let len = len.min(bytes.len()).max(1);
        let code = bytes[..len]
            .iter()
            .fold(0u32, |a, &b| (a << 8) | u32::from(b));
        (code, len)
    }

    /// Advance of a code in text space units per unit of font size.
    fn width(&self, code: u32) -> f32 {
        if self.composite {
            let cid = self.encoding.as_ref().map_or(code, |e| e.cid(code));
            let i = self.cid_widths.partition_point(|r| r.0 <= cid);
            return match i.checked_sub(1).map(|i| self.cid_widths[i]) {
                Some((_, last, w)) if cid <= last => w,
                _ => self.default_width,
            };
        }
        code.checked_sub(self.first_char)
            .and_then(|i| self.widths.get(i as usize))
            .copied()
            .unwrap_or(self.default_width)
    }

    /// Appends the text of a code (U+FFFD when the font gives none) and
    /// returns its advance in text space units per unit of font size and
    /// whether the text is blank (a space glyph).
    #[inline(always)]
    pub fn push_code(&mut self, code: u32, out: &mut String) -> (f32, bool) {
        if let Some(c) = self.codes.get(code as usize) {
            match c.text {
                CodeText::Char(ch) => {
                    out.push(ch);
                    return (c.width, c.space);
                }
                CodeText::Range(s, len) => {
                    let (s, e) = (s as usize, s as usize + len as usize);
                    out.push_str(self.texts.get(s..e).unwrap_or(""));
                    return (c.width, c.space);
                }
                CodeText::Unresolved => {}
            }
        }
        self.resolve(code, out)
    }

    /// [`Font::push_code`] the first time a code is seen.
    #[inline(never)]
    fn resolve(&mut self, code: u32, out: &mut String) -> (f32, bool) {
        let start = out.len();
        if !self.push_text(code, out) {
            // A code with no text still takes its place.
            out.push('\u{FFFD}');
        }
        expand_ligature(out, start);
        let text = &out[start..];
        let space = text.chars().all(|c| c.is_whitespace() || c == '\u{A0}');
        let width = self.width(code);
        if code < CACHED_CODES {
            let i = code as usize;
            if self.codes.len() <= i {
                self.codes.resize(i + 1, Code::UNRESOLVED);
            }
            let mut chars = text.chars();
            let text = match (chars.next(), chars.next()) {
                (Some(c), None) => Some(CodeText::Char(c)),
                _ => u32::try_from(self.texts.len())
                    .ok()
                    .zip(u32::try_from(text.len()).ok())
                    .map(|(start, len)| {
                        self.texts.push_str(text);
                        CodeText::Range(start, len)
                    }),
            };
            if let Some(text) = text {
                self.codes[i] = Code { text, width, space };
            }
        }
        (width, space)
    }

    /// Appends the text of a code; false when the font gives none.
    fn push_text(&self, code: u32, out: &mut String) -> bool {
        if let Some(tu) = &self.to_unicode {
            if tu.push_text(code, out) {
                return true;
            }
        }
        if self.composite {
            return false;
        }
        match self.simple.get(code as usize) {
            Some(&(start, len)) if len > 0 => {
                let (s, e) = (start as usize, start as usize + usize::from(len));
                out.push_str(self.names.get(s..e).unwrap_or(""));
                true
            }
            _ => false,
        }
    }
}

/// A typographic ligature's text (U+FB00–U+FB06) as its letters: Chromium
/// and others map a ligature glyph to one of these code points, where the
/// text typed, and searched for, was `fl`.
fn expand_ligature(out: &mut String, start: usize) {
    let letters = match out.get(start..) {
        Some("\u{FB00}") => "ff",
        Some("\u{FB01}") => "fi",
        Some("\u{FB02}") => "fl",
        Some("\u{FB03}") => "ffi",
        Some("\u{FB04}") => "ffl",
        Some("\u{FB05}" | "\u{FB06}") => "st",
        _ => return,
    };
    out.truncate(start);
    out.push_str(letters);
}
