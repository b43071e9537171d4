//! CMaps: ToUnicode maps (`bfchar`, `bfrange` in both its forms) and the
//! encoding CMaps of Type0 fonts (`codespacerange`, `cidrange`, `cidchar`).
//!
//! One parser reads both kinds: a ToUnicode stream says which Unicode text a
//! code stands for, an encoding CMap how many bytes each code takes and which
//! CID (for widths) it selects. Targets are kept in one string pool, so a
//! lookup writes into the caller's buffer and allocates nothing.

use std::collections::HashMap;

/// Most mappings one CMap may declare; a real font has a few thousand.
const MAX_ENTRIES: usize = 1 << 18;

/// Where a mapping's text sits in [`CMap::pool`].
#[derive(Debug, Clone, Copy)]
struct Text {
    start: u32,
    len: u32,
}

#[derive(Debug, Clone, Copy)]
enum Target {
    /// `<lo> <hi> <dst>`: `dst` with its last character advanced by `code - lo`.
    Incrementing(Text),
    /// `<lo> <hi> [<d0> <d1> …]`: the `code - lo`th entry of `arrays`, from `first`.
    Array { first: u32 },
}

#[derive(Debug, Clone, Copy)]
struct Range {
    lo: u32,
    hi: u32,
    target: Target,
}

/// A parsed CMap.
#[derive(Debug, Default, Clone)]
pub struct CMap {
    /// `(lo, hi, bytes)`: the codes of each length the font uses.
    codespace: Vec<(u32, u32, u8)>,
    singles: HashMap<u32, Text>,
    /// Sorted by `lo`.
    ranges: Vec<Range>,
    arrays: Vec<Text>,
    pool: String,
    /// `(lo, hi, first CID)` of an encoding CMap, sorted by `lo`.
    cids: Vec<(u32, u32, u32)>,
    /// The text of every code below [`DENSE_CODES`], resolved once: a
    /// lookup per glyph is then an index, not a hash and a search.
    dense: Vec<Option<Text>>,
}

/// Codes looked up by index; subset fonts number their glyphs from 1 up.
const DENSE_CODES: u32 = 4096;

impl CMap {
    /// Parses a CMap stream (already inflated). Unknown operators and broken
    /// entries are skipped: a partial map is more useful than none.
    pub fn parse(data: &[u8]) -> CMap {
        let mut map = CMap::default();
        let mut lx = Lexer { data, pos: 0 };
        let mut entries = 0usize;
        while let Some(tok) = lx.next() {
            let Tok::Keyword(kw) = tok else { continue };
            match kw {
                b"begincodespacerange" => {
                    while let Some(Tok::Hex(lo)) = lx.next() {
                        let Some(Tok::Hex(hi)) = lx.next() else { break };
                        let n = u8::try_from(lo.len().clamp(1, 4)).unwrap_or(1);
                        map.codespace.push((be(&lo), be(&hi), n));
                    }
                }
                b"beginbfchar" => {
                    while let Some(Tok::Hex(src)) = lx.next() {
                        let text = match lx.next() {
                            Some(Tok::Hex(dst)) => map.push_utf16(&dst),
                            Some(Tok::Name(name)) => {
                                map.push_str(&super::glyphs::name_to_text(&name))
                            }
                            _ => break,
                        };
                        entries += 1;
                        if entries > MAX_ENTRIES {
                            break;
                        }
                        map.singles.insert(be(&src), text);
                    }
                }
                b"beginbfrange" => {
                    while let Some(Tok::Hex(lo)) = lx.next() {
                        let Some(Tok::Hex(hi)) = lx.next() else { break };
                        let (lo, hi) = (be(&lo), be(&hi));
                        let target = match lx.next() {
                            Some(Tok::Hex(dst)) => Target::Incrementing(map.push_utf16(&dst)),
                            Some(Tok::ArrayStart) => {
                                let first = u32::try_from(map.arrays.len()).unwrap_or(u32::MAX);
                                while let Some(Tok::Hex(dst)) = lx.next() {
                                    let t = map.push_utf16(&dst);
                                    map.arrays.push(t);
                                    if map.arrays.len() > MAX_ENTRIES {
                                        break;
                                    }
                                }
                                Target::Array { first }
                            }
                            _ => break,
                        };
                        entries += 1;
                        if hi < lo || entries > MAX_ENTRIES {
                            continue;
                        }
                        map.ranges.push(Range { lo, hi, target });
                    }
                }
                b"begincidrange" => {
                    while let Some(Tok::Hex(lo)) = lx.next() {
                        let Some(Tok::Hex(hi)) = lx.next() else { break };
                        let Some(Tok::Number(cid)) = lx.next() else {
                            break;
                        };
                        entries += 1;
                        if entries > MAX_ENTRIES {
                            break;
                        }
                        map.cids.push((be(&lo), be(&hi), cid));
                    }
                }
                b"begincidchar" => {
                    while let Some(Tok::Hex(src)) = lx.next() {
                        let Some(Tok::Number(cid)) = lx.next() else {
                            break;
                        };
                        entries += 1;
                        if entries > MAX_ENTRIES {
                            break;
                        }
                        let code = be(&src);
                        map.cids.push((code, code, cid));
                    }
                }
                _ => {}
            }
        }
        map.ranges.sort_by_key(|r| r.lo);
        map.cids.sort_by_key(|r| r.0);
        map.build_dense();
        map
    }

    fn build_dense(&mut self) {
        let top = self
            .singles
            .keys()
            .copied()
            .chain(self.ranges.iter().map(|r| r.hi))
            .max()
            .map_or(0, |m| m.saturating_add(1))
            .min(DENSE_CODES);
        let mut dense = Vec::with_capacity(top as usize);
        let mut scratch = String::new();
        for code in 0..top {
            scratch.clear();
            dense.push(if self.lookup(code, &mut scratch) {
                let start = self.pool.len();
                self.pool.push_str(&scratch);
                Some(Text {
                    start: u32::try_from(start).unwrap_or(u32::MAX),
                    len: u32::try_from(scratch.len()).unwrap_or(0),
                })
            } else {
                None
            });
        }
        self.dense = dense;
    }

    /// Whether the map has any code-to-text entry.
    pub fn has_text(&self) -> bool {
        !self.singles.is_empty() || !self.ranges.is_empty()
    }

    /// Whether the map declares code lengths.
    pub fn has_codespace(&self) -> bool {
        !self.codespace.is_empty()
    }

    /// The length in bytes of the code starting `bytes`, by the codespace
    /// ranges; `default` when none matches (a damaged string still advances).
    pub fn code_len(&self, bytes: &[u8], default: usize) -> usize {
        for n in 1..=4usize.min(bytes.len()) {
            let code = be(&bytes[..n]);
            if self
                .codespace
                .iter()
                .any(|&(lo, hi, len)| usize::from(len) == n && lo <= code && code <= hi)
            {
                return n;
            }
        }
        default.clamp(1, bytes.len().max(1))
    }

    /// The CID an encoding CMap gives a code (`code` itself when unmapped).
    pub fn cid(&self, code: u32) -> u32 {
        let i = self.cids.partition_point(|r| r.0 <= code);
        match i.checked_sub(1).map(|i| self.cids[i]) {
            Some((lo, hi, first)) if code <= hi => first.saturating_add(code - lo),
            _ => code,
        }
    }

    /// Appends the text of `code` to `out`; false when the map has none.
    pub fn push_text(&self, code: u32, out: &mut String) -> bool {
        if let Some(entry) = self.dense.get(code as usize) {
            return match entry {
                Some(t) => {
                    out.push_str(self.text(*t));
                    true
                }
                None => false,
            };
        }
        self.lookup(code, out)
    }

    fn lookup(&self, code: u32, out: &mut String) -> bool {
        if let Some(t) = self.singles.get(&code) {
            out.push_str(self.text(*t));
            return true;
        }
        let i = self.ranges.partition_point(|r| r.lo <= code);
        // Ranges may overlap in broken files; the nearest start wins.
        let Some(r) = i.checked_sub(1).map(|i| self.ranges[i]) else {
            return false;
        };
        if code > r.hi {
            return false;
        }
        let delta = code - r.lo;
        match r.target {
            Target::Incrementing(t) => {
                let s = self.text(t);
                let mut chars = s.chars();
                let Some(last) = chars.next_back() else {
                    return false;
                };
                out.push_str(chars.as_str());
                match char::from_u32(u32::from(last).saturating_add(delta)) {
                    Some(c) => out.push(c),
                    None => out.push('\u{FFFD}'),
                }
                true
            }
            Target::Array { first } => {
                let idx = usize::try_from(first.saturating_add(delta)).unwrap_or(usize::MAX);
                match self.arrays.get(idx) {
                    Some(t) => {
                        out.push_str(self.text(*t));
                        true
                    }
                    None => false,
                }
            }
        }
    }

    fn text(&self, t: Text) -> &str {
        let (s, e) = (t.start as usize, (t.start + t.len) as usize);
        self.pool.get(s..e).unwrap_or("")
    }

    fn push_str(&mut self, s: &str) -> Text {
        let start = u32::try_from(self.pool.len()).unwrap_or(u32::MAX);
        self.pool.push_str(s);
        Text {
            start,
            len: u32::try_from(s.len()).unwrap_or(0),
        }
    }

    /// Destination strings are UTF-16BE (surrogate pairs included).
    fn push_utf16(&mut self, bytes: &[u8]) -> Text {
        let start = u32::try_from(self.pool.len()).unwrap_or(u32::MAX);
        let units = bytes
            .chunks(2)
            .map(|c| (u16::from(c[0]) << 8) | u16::from(*c.get(1).unwrap_or(&0)));
        for c in char::decode_utf16(units) {
            self.pool.push(c.unwrap_or('\u{FFFD}'));
        }
        let len = u32::try_from(self.pool.len()).unwrap_or(u32::MAX) - start;
        Text { start, len }
    }
}

/// Big-endian value of up to four bytes.
fn be(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0u32, |acc, &b| (acc << 8) | u32::from(b))
}

enum Tok<'a> {
    Hex(Vec<u8>),
    Number(u32),
    Name(String),
    Keyword(&'a [u8]),
    ArrayStart,
    Other,
}

struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn next(&mut self) -> Option<Tok<'a>> {
        let d = self.data;
        loop {
            let &c = d.get(self.pos)?;
            match c {
                b'%' => {
                    while self.pos < d.len() && d[self.pos] != b'\n' && d[self.pos] != b'\r' {
                        self.pos += 1;
                    }
                }
                c if c.is_ascii_whitespace() || c == 0 => self.pos += 1,
                _ => break,
            }
        }
        let c = d[self.pos];
        match c {
            b'<' if d.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                Some(Tok::Other)
            }
            b'>' => {
                self.pos += 1;
                Some(Tok::Other)
            }
            b'<' => {
                self.pos += 1;
                let mut out = Vec::new();
                let mut half: Option<u8> = None;
                while let Some(&h) = d.get(self.pos) {
                    self.pos += 1;
                    if h == b'>' {
                        break;
                    }
                    let Some(v) = (h as char).to_digit(16) else {
                        continue;
                    };
                    let v = v as u8;
                    match half.take() {
                        Some(hi) => out.push((hi << 4) | v),
                        None => half = Some(v),
                    }
                }
                if let Some(hi) = half {
                    out.push(hi << 4);
                }
                Some(Tok::Hex(out))
            }
            b'[' => {
                self.pos += 1;
                Some(Tok::ArrayStart)
            }
            b']' | b'{' | b'}' => {
                self.pos += 1;
                Some(Tok::Other)
            }
            b'(' => {
                // Literal strings only appear in CMap headers; skip them.
                let mut depth = 0usize;
                while let Some(&b) = d.get(self.pos) {
                    self.pos += 1;
                    match b {
                        b'\\' => self.pos += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                Some(Tok::Other)
            }
            b'/' => {
                self.pos += 1;
                let start = self.pos;
                while self.pos < d.len() && !is_delim(d[self.pos]) {
                    self.pos += 1;
                }
                Some(Tok::Name(
                    String::from_utf8_lossy(&d[start..self.pos]).into_owned(),
                ))
            }
            _ => {
                let start = self.pos;
                while self.pos < d.len() && !is_delim(d[self.pos]) {
                    self.pos += 1;
                }
                if self.pos == start {
                    self.pos += 1;
                    return Some(Tok::Other);
                }
                let word = &d[start..self.pos];
                if word[0].is_ascii_digit() {
                    let n = std::str::from_utf8(word)
                        .ok()
                        .and_then(|s| s.parse::<u32>().ok());
                    Some(n.map_or(Tok::Other, Tok::Number))
                } else {
                    Some(Tok::Keyword(word))
                }
            }
        }
    }
}

fn is_delim(c: u8) -> bool {
    c.is_ascii_whitespace()
        || c == 0
        || matches!(
            c,
            b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(map: &CMap, code: u32) -> Option<String> {
        let mut s = String::new();
        map.push_text(code, &mut s).then_some(s)
    }

    #[test]
    fn bfchar_maps_single_and_multi_byte_codes_including_ligatures_and_surrogates() {
        let map = CMap::parse(
            b"1 begincodespacerange <00> <7F> <8000> <FFFF> endcodespacerange\n\
              3 beginbfchar <01> <0110> <8123> <00660069> <41> <D835DC00> endbfchar",
        );
        assert_eq!(text(&map, 0x01).as_deref(), Some("Đ"));
        assert_eq!(text(&map, 0x8123).as_deref(), Some("fi"));
        assert_eq!(text(&map, 0x41).as_deref(), Some("\u{1D400}"));
        assert_eq!(text(&map, 0x02), None);
        assert_eq!(map.code_len(&[0x01, 0x81, 0x23], 2), 1);
        assert_eq!(map.code_len(&[0x81, 0x23], 1), 2);
    }

    #[test]
    fn bfrange_increments_the_last_character_or_reads_its_array() {
        let map = CMap::parse(
            b"2 beginbfrange <0010> <0012> <1EA0>\n<0020> <0022> [<0041> <00660066> <01B0>] endbfrange",
        );
        assert_eq!(text(&map, 0x10).as_deref(), Some("Ạ"));
        assert_eq!(text(&map, 0x12).as_deref(), Some("Ả"));
        assert_eq!(text(&map, 0x13), None);
        assert_eq!(text(&map, 0x21).as_deref(), Some("ff"));
        assert_eq!(text(&map, 0x22).as_deref(), Some("ư"));
    }

    #[test]
    fn cidrange_gives_cids_for_widths() {
        let map = CMap::parse(
            b"1 begincidrange <0100> <01FF> 500 endcidrange 1 begincidchar <0300> 7 endcidchar",
        );
        assert_eq!(map.cid(0x0105), 505);
        assert_eq!(map.cid(0x0300), 7);
        assert_eq!(map.cid(0x0400), 0x0400);
    }

    #[test]
    fn a_truncated_cmap_keeps_what_it_read() {
        let map = CMap::parse(b"2 beginbfchar <01> <0041> <02");
        assert_eq!(text(&map, 1).as_deref(), Some("A"));
    }
}
