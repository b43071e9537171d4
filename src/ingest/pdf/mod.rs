//! PDF reader: lopdf loads the file (xref, objects, decryption); the text
//! layer is ours.
//!
//! lopdf's own `extract_text` follows content-stream order with no
//! positions, so words run together and lines are lost. Here each page's
//! content streams are interpreted ([`content`]) into positioned glyphs,
//! fonts are parsed once per document ([`font`], [`cmap`], [`glyphs`]), and
//! [`layout`] turns glyphs into lines in reading order. This module then:
//!
//! - recognises running headers and footers: a line in the top or bottom
//!   12% of the page whose text, digits masked, recurs on at least half the
//!   pages (two at least). A bare page number (`3`, `- 3 -`, `Trang 3`,
//!   `3/12`) is dropped, since `page` already says it and it would come out
//!   as a number; other running text is kept once, headers before the body
//!   and footers after it, as the DOCX reader does;
//! - builds paragraphs: a new one where the space between baselines is
//!   clearly more than the line pitch, the font size changes, the line is
//!   indented (a first-line indent) or a line holds a tab. Lines of one
//!   paragraph are joined by a space, by nothing after a hyphen that ends a
//!   symbol (`06/2013/NĐ-` + `CP`), or by a line break after a line that
//!   stops short of the column's right edge (a forced break, a centred
//!   title);
//! - continues a paragraph across a page break when the page's last line
//!   fills the column and the next page's first line is not indented;
//! - moves footnotes (the text under the short separator rule at the foot
//!   of the page, each starting with its number; a note running on from the
//!   previous page joins its note) after the paragraph holding their mark,
//!   with the number as a superscript, as in the DOCX and TXT twins.
//!
//! Safety: stream inflation is capped ([`MAX_STREAM_BYTES`]), form XObjects
//! nest at most 8 deep, glyphs per page are capped, a password-protected file
//! is an `encrypted` error and a file lopdf cannot read an `invalid_pdf` one.

mod cmap;
mod content;
mod font;
mod glyphs;
mod layout;
mod table;

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read;

use lopdf::{Dictionary, Object, ObjectId, Stream};

use crate::document::{Block, BlockKind, DocWarning, Document, Format, Join};
use crate::error::DocError;
use content::{FontCache, Interp, PageText};
use layout::{Line, SUPERSCRIPT_DIGITS};

/// Most bytes one stream may inflate to (content, CMap, form).
pub const MAX_STREAM_BYTES: usize = 64 << 20;
/// Most pages read; past it the rest are left out with a warning.
const MAX_PAGES: usize = 10_000;
/// Share of the page height at the top and bottom where running headers and footers live.
const MARGIN_ZONE: f32 = 0.12;

/// Reads a PDF file.
pub fn read_pdf(bytes: &[u8]) -> Result<Document, DocError> {
    read_pdf_with(bytes, MAX_STREAM_BYTES)
}

fn read_pdf_with(bytes: &[u8], cap: usize) -> Result<Document, DocError> {
    let mut warnings = Vec::new();
    let doc = match lopdf::Document::load_mem(bytes) {
        Ok(doc) => doc,
        // lopdf 0.42 does not rebuild a broken cross-reference table, so a
        // truncated file or a wrong `startxref` is repaired here by scanning
        // for objects, then loaded again.
        Err(e) => match repair_xref(bytes).and_then(|fixed| lopdf::Document::load_mem(&fixed).ok())
        {
            Some(doc) => {
                warnings.push(DocWarning {
                    kind: "damaged_pdf",
                    message: format!(
                        "the file is damaged ({e}); its objects were found by scanning, so text may be missing"
                    ),
                });
                doc
            }
            None => return Err(invalid(load_reason(&e))),
        },
    };
    // lopdf decrypts with the empty user password by itself and then drops
    // /Encrypt from the trailer; one still there needs a password.
    if doc.trailer.get(b"Encrypt").is_ok() {
        return Err(DocError::Encrypted);
    }
    let pages = page_ids(&doc);
    if pages.is_empty() {
        return Err(invalid(
            "no pages could be found (the page tree is missing or damaged)".into(),
        ));
    }
    let mut fonts = FontCache::default();
    let mut page_lines: Vec<PageLines> = Vec::with_capacity(pages.len());
    let mut empty_pages = Vec::new();
    let mut angled_pages = Vec::new();
    let mut unmapped_pages = Vec::new();
    let mut gutters: [Vec<(f32, f32)>; 4] = Default::default();
    // Reused page after page; sized for a full page of text up front (a
    // report's page holds 2,000-3,000 glyphs), not grown by doubling.
    let mut glyphs = PageText {
        glyphs: Vec::with_capacity(4096),
        text: String::with_capacity(16 << 10),
        rules: Vec::new(),
        vrules: Vec::new(),
        any_turned: false,
    };
    for (n, &id) in pages.iter().enumerate() {
        let number = n as u32 + 1;
        glyphs.glyphs.clear();
        glyphs.text.clear();
        glyphs.rules.clear();
        glyphs.vrules.clear();
        glyphs.any_turned = false;
        let page = doc.get_dictionary(id).ok();
        let resources = page
            .and_then(|p| inherited(&doc, p, b"Resources"))
            .and_then(|o| o.as_dict().ok());
        // `[x0, y0, x1, y1]`, corners in order; A4 when missing.
        let media = page
            .and_then(|p| inherited(&doc, p, b"MediaBox"))
            .and_then(|o| o.as_array().ok())
            .and_then(|a| {
                let v: Vec<f32> = a.iter().filter_map(|o| num(deref(&doc, o))).collect();
                (v.len() == 4).then(|| {
                    [
                        v[0].min(v[2]),
                        v[1].min(v[3]),
                        v[0].max(v[2]),
                        v[1].max(v[3]),
                    ]
                })
            })
            .unwrap_or([0.0, 0.0, 595.0, 842.0]);
        {
            let mut interp = Interp::new(&doc, &mut fonts, &mut glyphs);
            for cid in content_ids(&doc, page) {
                let Ok(stream) = doc.get_object(cid).and_then(Object::as_stream) else {
                    continue;
                };
                let data = inflate(stream, cap).map_err(|e| match e {
                    Inflate::TooLarge => DocError::PdfStreamTooLarge {
                        part: format!("the content stream of page {number}"),
                        limit: cap as u64,
                    },
                    Inflate::Broken => invalid(format!(
                        "the content of page {number} cannot be decompressed"
                    )),
                });
                match data {
                    Ok(data) => interp.run(&data, resources),
                    // A damaged stream loses its page's text, not the document.
                    Err(DocError::InvalidPdf { .. }) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        let turned = layout::turn_upright(&mut glyphs, media);
        let [x0, bottom, x1, top] = turned.media;
        let page_width = x1 - x0;
        // Gutters are remembered per turn: a turned page's are in its frame.
        let gutters = &mut gutters[usize::from(turned.turn)];
        // Codes without text are rare: most pages hold no U+FFFD, and then
        // neither layout nor the count below looks for one.
        let has_missing = glyphs.text.contains('\u{FFFD}');
        let lines = layout::lines(&glyphs, has_missing, &fonts.fonts, gutters);
        // A page whose only text is at an angle, or has no characters, has
        // a text layer: it is named for that, not as a scan.
        let unmapped = has_missing && layout::mostly_unmapped(&glyphs);
        if unmapped {
            unmapped_pages.push(number);
        }
        if turned.left_out > 0 {
            angled_pages.push(number);
        } else if lines.is_empty() && !unmapped {
            empty_pages.push(number);
        }
        // The footnote separator: a short rule in the lower part of the
        // page with text below it.
        let note_rule = glyphs
            .rules
            .iter()
            .filter(|&&(x0, x1, y)| {
                x1 - x0 < 0.5 * page_width
                    && y < bottom + 0.6 * (top - bottom)
                    && lines.iter().any(|l| l.y < y)
                    && lines.iter().any(|l| l.y > y)
            })
            .map(|r| r.2)
            .fold(None, |a: Option<f32>, y| Some(a.map_or(y, |a| a.max(y))));
        page_lines.push(PageLines {
            number,
            bottom,
            top,
            lines,
            kinds: Vec::new(),
            note_rule,
        });
    }
    // Pages whose text is missing, by why. `{n}` is "2 of 10 pages", `{list}`
    // the pages.
    let total = pages.len();
    warnings.extend(pages_warning("no_text_layer", &empty_pages, total, |n, list| {
        format!("{n} have no text layer (a scan or a blank page), so their text is missing: {list}; run OCR on the file to read them")
    }));
    warnings.extend(pages_warning("unmapped_glyphs", &unmapped_pages, total, |n, list| {
        format!("on {n}, much of the text is drawn in a font that maps its codes to no characters (no ToUnicode table, as some printer drivers write), so that text is missing: {list}; run OCR on the file to read them")
    }));
    warnings.extend(pages_warning("angled_text", &angled_pages, total, |n, list| {
        format!("text at an angle to the rest of its page (a stamp, a margin note, a diagonal watermark) is left out on {n}: {list}")
    }));
    let blocks = assemble(&mut page_lines);
    Ok(Document {
        format: Format::Pdf,
        encoding: "utf-8",
        blocks,
        pages: Some(pages.len() as u32),
        warnings,
    })
}

/// Most objects a repaired file may list.
const MAX_REPAIRED_OBJECTS: u32 = 1 << 20;

/// The file with a new cross-reference table and trailer appended, built
/// from the `N G obj` headers found by scanning; `None` when no catalog is
/// found (the file was cut before it).
fn repair_xref(bytes: &[u8]) -> Option<Vec<u8>> {
    use regex::bytes::Regex;
    use std::sync::OnceLock;
    static OBJ: OnceLock<Regex> = OnceLock::new();
    static REFS: OnceLock<Regex> = OnceLock::new();
    let obj = OBJ.get_or_init(|| {
        Regex::new(r"(?-u)(?:^|[\r\n])\s*(\d{1,7})\s+(\d{1,5})\s+obj\b").expect("a valid regex")
    });
    let refs = REFS.get_or_init(|| {
        Regex::new(r"(?-u)/(Root|Encrypt)\s+(\d{1,7})\s+(\d{1,5})\s+R|/Type\s*/Catalog\b|/ID\s*\[[^\]]{0,200}\]")
            .expect("a valid regex")
    });
    let parse = |b: &[u8]| std::str::from_utf8(b).ok()?.parse::<u32>().ok();
    // Later copies of an object (incremental updates) win.
    let mut offsets: std::collections::BTreeMap<u32, (usize, u32)> =
        std::collections::BTreeMap::new();
    for c in obj.captures_iter(bytes) {
        let (Some(n), Some(g), Some(m)) = (c.get(1), c.get(2), c.get(1)) else {
            continue;
        };
        let (Some(num), Some(gen)) = (parse(n.as_bytes()), parse(g.as_bytes())) else {
            continue;
        };
        if num == 0 || num > MAX_REPAIRED_OBJECTS {
            continue;
        }
        offsets.insert(num, (m.start(), gen));
    }
    let (mut root, mut encrypt, mut id) = (None, None, None);
    let mut catalog_at = None;
    for c in refs.captures_iter(bytes) {
        let whole = c.get(0)?;
        match c.get(1).map(|m| m.as_bytes()) {
            Some(b"Root") => root = Some((c.get(2)?, c.get(3)?)),
            Some(_) => encrypt = Some((c.get(2)?, c.get(3)?)),
            None if whole.as_bytes().starts_with(b"/ID") => id = Some(whole.as_bytes()),
            None => catalog_at = Some(whole.start()),
        }
    }
    let root = match root {
        Some((n, g)) => (parse(n.as_bytes())?, parse(g.as_bytes())?),
        None => {
            // The object the last `/Type /Catalog` sits in.
            let at = catalog_at?;
            offsets
                .iter()
                .filter(|(_, (o, _))| *o <= at)
                .max_by_key(|(_, (o, _))| *o)
                .map(|(n, (_, g))| (*n, *g))?
        }
    };
    if !offsets.contains_key(&root.0) {
        return None;
    }
    let size = offsets.keys().next_back().copied().unwrap_or(0) + 1;
    let mut out = Vec::with_capacity(bytes.len() + 20 * size as usize + 200);
    out.extend_from_slice(bytes);
    out.extend_from_slice(b"\n");
    let xref_at = out.len();
    out.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f\r\n").as_bytes());
    for n in 1..size {
        let line = match offsets.get(&n) {
            Some((o, g)) => format!("{o:010} {g:05} n\r\n"),
            None => "0000000000 65535 f\r\n".to_string(),
        };
        out.extend_from_slice(line.as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {size} /Root {} {} R", root.0, root.1).as_bytes(),
    );
    if let Some((n, g)) = encrypt {
        out.extend_from_slice(b" /Encrypt ");
        out.extend_from_slice(n.as_bytes());
        out.push(b' ');
        out.extend_from_slice(g.as_bytes());
        out.extend_from_slice(b" R");
    }
    if let Some(id) = id {
        out.push(b' ');
        out.extend_from_slice(id);
    }
    out.extend_from_slice(format!(" >>\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    Some(out)
}

fn invalid(reason: String) -> DocError {
    DocError::InvalidPdf { reason }
}

fn load_reason(e: &lopdf::Error) -> String {
    match e {
        lopdf::Error::InvalidPassword => "it is encrypted and the password is not known".into(),
        other => format!("{other} (a damaged or truncated file)"),
    }
}

/// A warning about some of a document's `total` pages, or none when
/// `pages` is empty: `say` gets `N of T pages` and [`page_list`].
fn pages_warning(
    kind: &'static str,
    pages: &[u32],
    total: usize,
    say: impl Fn(&str, &str) -> String,
) -> Option<DocWarning> {
    (!pages.is_empty()).then(|| DocWarning {
        kind,
        message: say(
            &format!("{} of {total} pages", pages.len()),
            &page_list(pages),
        ),
    })
}

/// `1-3, 7`.
fn page_list(pages: &[u32]) -> String {
    let mut out = Vec::new();
    let mut i = 0;
    while i < pages.len() {
        let mut j = i;
        while j + 1 < pages.len() && pages[j + 1] == pages[j] + 1 {
            j += 1;
        }
        out.push(if i == j {
            pages[i].to_string()
        } else {
            format!("{}-{}", pages[i], pages[j])
        });
        i = j + 1;
    }
    format!(
        "page{} {}",
        if pages.len() == 1 { "" } else { "s" },
        out.join(", ")
    )
}

/// Follows references (a bounded number of times); a dangling one is Null.
pub(crate) fn deref<'a>(doc: &'a lopdf::Document, mut o: &'a Object) -> &'a Object {
    for _ in 0..16 {
        match o {
            Object::Reference(id) => match doc.get_object(*id) {
                Ok(t) => o = t,
                Err(_) => return &Object::Null,
            },
            _ => return o,
        }
    }
    &Object::Null
}

pub(crate) fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

/// Why a stream could not be read.
#[derive(Debug)]
pub(crate) enum Inflate {
    TooLarge,
    Broken,
}

/// A stream's decoded bytes, at most `cap` of them. Flate (nearly every
/// stream Word and LibreOffice write) is inflated here through the cap;
/// other filters go through lopdf and are checked after.
pub(crate) fn inflate(stream: &Stream, cap: usize) -> Result<Cow<'_, [u8]>, Inflate> {
    let filters = stream.filters().unwrap_or_default();
    let has_params = stream.dict.get(b"DecodeParms").is_ok();
    match filters.as_slice() {
        [] => Ok(Cow::Borrowed(&stream.content)),
        [b"FlateDecode"] | [b"Fl"] if !has_params => {
            let out = match inflate_whole(&stream.content, cap) {
                Some(out) => out,
                None => inflate_damaged(&stream.content, cap),
            };
            out.map(Cow::Owned)
        }
        _ => {
            let out = stream.decompressed_content().map_err(|_| Inflate::Broken)?;
            if out.len() > cap {
                return Err(Inflate::TooLarge);
            }
            Ok(Cow::Owned(out))
        }
    }
}

/// A damaged Flate stream, read as far as it goes.
fn inflate_damaged(data: &[u8], cap: usize) -> Result<Vec<u8>, Inflate> {
    let mut out = Vec::with_capacity((data.len() * 4).min(cap));
    let mut dec = flate2::read::ZlibDecoder::new(data).take(cap as u64 + 1);
    if dec.read_to_end(&mut out).is_err() && out.is_empty() {
        // Some writers omit the zlib header: try raw deflate.
        let raw = data.get(2..).unwrap_or(&[]);
        let mut dec = flate2::read::DeflateDecoder::new(raw).take(cap as u64 + 1);
        out.clear();
        // A truncated stream still gives what inflated before the damage.
        let _ = dec.read_to_end(&mut out);
    }
    if out.len() > cap {
        return Err(Inflate::TooLarge);
    }
    Ok(out)
}

/// A sound zlib stream inflated in one go (at most `cap` bytes, else too
/// large); `None` when it is damaged, and then left to the reader in
/// [`inflate`], which keeps what came before the damage.
fn inflate_whole(data: &[u8], cap: usize) -> Option<Result<Vec<u8>, Inflate>> {
    // Content streams inflate to 4.1-4.6 times their size in the corpus:
    // room for 8 saves growing (and copying) nearly every one.
    let out = super::inflate::whole(data, true, cap, data.len().saturating_mul(8))?;
    Some(out.map_err(|super::inflate::TooLarge| Inflate::TooLarge))
}

/// Pages in order, walking the page tree ourselves with a depth limit and a
/// visited set (a cyclic or absurdly deep tree must not blow the stack).
fn page_ids(doc: &lopdf::Document) -> Vec<ObjectId> {
    let mut out = Vec::new();
    let Some(root) = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Pages").ok())
        .and_then(|o| o.as_reference().ok())
    else {
        return out;
    };
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![(root, 0u32)];
    while let Some((id, depth)) = stack.pop() {
        if depth > 64 || !seen.insert(id) || out.len() >= MAX_PAGES {
            continue;
        }
        let Ok(node) = doc.get_dictionary(id) else {
            continue;
        };
        let kind = node.get(b"Type").ok().and_then(|o| o.as_name().ok());
        match node
            .get(b"Kids")
            .ok()
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_array().ok())
        {
            Some(kids) if kind != Some(b"Page") => {
                for kid in kids.iter().rev() {
                    if let Ok(k) = kid.as_reference() {
                        stack.push((k, depth + 1));
                    }
                }
            }
            _ => out.push(id),
        }
    }
    out
}

/// A page attribute, from the page or the nearest ancestor that has it.
fn inherited<'a>(doc: &'a lopdf::Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = page;
    for _ in 0..32 {
        if let Ok(o) = node.get(key) {
            return Some(deref(doc, o));
        }
        node = deref(doc, node.get(b"Parent").ok()?).as_dict().ok()?;
    }
    None
}

/// The content streams of a page (one stream or an array of them).
fn content_ids(doc: &lopdf::Document, page: Option<&Dictionary>) -> Vec<ObjectId> {
    let Some(contents) = page.and_then(|p| p.get(b"Contents").ok()) else {
        return Vec::new();
    };
    match contents {
        Object::Reference(id) => match doc.get_object(*id) {
            Ok(Object::Array(a)) => a.iter().filter_map(|o| o.as_reference().ok()).collect(),
            _ => vec![*id],
        },
        Object::Array(a) => a.iter().filter_map(|o| o.as_reference().ok()).collect(),
        _ => Vec::new(),
    }
}

/// What a line turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Body,
    Header,
    Footer,
    /// A page number: left out of the text.
    PageNumber,
}

struct PageLines {
    number: u32,
    bottom: f32,
    top: f32,
    lines: Vec<Line>,
    kinds: Vec<LineKind>,
    /// Baseline height of the footnote separator rule, if the page has one.
    note_rule: Option<f32>,
}

/// One paragraph as it is built.
#[derive(Debug)]
struct Para {
    text: String,
    page: u32,
    kind: BlockKind,
    footnote: Option<u32>,
    join: Join,
    /// Size of its first line, to tell a continued paragraph.
    size: f32,
    /// Right end of its last line, and the right edge of its column.
    last_x1: f32,
    col_x1: f32,
    /// Left edge of the column the paragraph ends in.
    col_x0: f32,
}

/// Text with digits masked, spaces collapsed: the same running header on
/// every page, whatever its page number.
fn running_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !key.ends_with('#') {
                key.push('#');
            }
        } else if c.is_whitespace() {
            if !key.ends_with(' ') {
                key.push(' ');
            }
        } else {
            key.push(c);
        }
    }
    key
}

/// `3`, `- 3 -`, `Trang 3`, `Page 3 of 12`, `3/12`: a page number.
fn is_page_number(text: &str) -> bool {
    let lower = text.to_lowercase();
    let mut rest = lower.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '-' | '–' | '—' | '[' | ']' | '(' | ')')
    });
    for word in ["trang", "page"] {
        if let Some(r) = rest.strip_prefix(word) {
            rest = r.trim_start();
        }
    }
    let mut parts = rest
        .split(|c: char| c == '/' || c.is_whitespace())
        .filter(|p| !p.is_empty() && *p != "of" && *p != "trên");
    let first_ok = parts
        .next()
        .is_some_and(|p| p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()));
    first_ok
        && parts.all(|p| p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
        && rest.len() <= 16
}

fn mark_running(pages: &mut [PageLines]) {
    for p in pages.iter_mut() {
        p.kinds = vec![LineKind::Body; p.lines.len()];
    }
    if pages.len() < 2 {
        return;
    }
    // Keys seen in each zone, counted once per page.
    let mut counts: HashMap<(bool, String), usize> = HashMap::new();
    for p in pages.iter() {
        let mut seen = std::collections::HashSet::new();
        for l in &p.lines {
            if let Some(top) = zone(p, l) {
                let key = (top, running_key(&l.text));
                if seen.insert(key.clone()) {
                    *counts.entry(key).or_default() += 1;
                }
            }
        }
    }
    let need = pages.len().div_ceil(2).max(2);
    for p in pages.iter_mut() {
        for (i, l) in p.lines.iter().enumerate() {
            let Some(top) = zone(p, l) else { continue };
            if counts
                .get(&(top, running_key(&l.text)))
                .copied()
                .unwrap_or(0)
                >= need
            {
                p.kinds[i] = if is_page_number(&l.text) {
                    LineKind::PageNumber
                } else if top {
                    LineKind::Header
                } else {
                    LineKind::Footer
                };
            }
        }
    }
}

/// `Some(true)` in the top margin zone, `Some(false)` in the bottom one.
fn zone(p: &PageLines, l: &Line) -> Option<bool> {
    let h = p.top - p.bottom;
    if l.y > p.top - MARGIN_ZONE * h {
        Some(true)
    } else if l.y < p.bottom + MARGIN_ZONE * h {
        Some(false)
    } else {
        None
    }
}

/// The most common value of `values` (rounded to `step`), weighted.
fn mode(values: impl Iterator<Item = (f32, usize)>, step: f32) -> Option<f32> {
    let mut hist: HashMap<i64, usize> = HashMap::new();
    for (v, w) in values {
        if v.is_finite() {
            *hist.entry((v / step).round() as i64).or_default() += w;
        }
    }
    hist.into_iter()
        .max_by_key(|&(k, w)| (w, -k))
        .map(|(k, _)| k as f32 * step)
}

/// Whether a line ending in `-` ends a symbol (`NĐ-`, `06/2013/NĐ-`, `KH-`):
/// then the next line continues the symbol with no space.
fn ends_in_symbol_hyphen(text: &str) -> bool {
    let Some(body) = text.strip_suffix('-') else {
        return false;
    };
    let token = body.rsplit(char::is_whitespace).next().unwrap_or("");
    !token.is_empty()
        && token
            .chars()
            .any(|c| c.is_uppercase() || c.is_ascii_digit() || c == '/')
        && !token.chars().any(|c| c.is_lowercase())
}

/// A heading's text: letters, four or more, all capitals.
fn in_capitals(text: &str) -> bool {
    let mut letters = text.chars().filter(|c| c.is_alphabetic());
    let all_caps = letters.clone().all(char::is_uppercase);
    all_caps && letters.nth(3).is_some()
}

/// A list or heading marker at the start of a line (`- `, `+ `, `• `, `a) `, `2. `, `II. `).
fn starts_with_marker(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some('-' | '+' | '•' | '*' | '–') => chars.next() == Some(' '),
        Some(c) if c.is_alphanumeric() => {
            let head_len = text
                .char_indices()
                .find(|&(_, c)| !(c.is_alphanumeric() || c == '.'))
                .map_or(text.len(), |(i, _)| i);
            let (head, rest) = text.split_at(head_len);
            let after = rest.chars().next();
            let short = head.trim_end_matches('.').chars().count() <= 4;
            if !short {
                // Most lines start with a word, not a marker.
                return false;
            }
            let numeric = head.trim_end_matches('.').split('.').all(|p| {
                !p.is_empty()
                    && (p.bytes().all(|b| b.is_ascii_digit())
                        || p.chars().all(|c| "IVXLC".contains(c)))
            });
            short
                && ((numeric && head.ends_with('.') && after == Some(' '))
                    || (head.chars().count() == 1 && after == Some(')')))
        }
        _ => false,
    }
}

fn leading_superscript_number(text: &str) -> Option<(u32, usize)> {
    let mut n = 0u32;
    let mut len = 0;
    for c in text.chars() {
        match SUPERSCRIPT_DIGITS.iter().position(|&d| d == c) {
            Some(d) => {
                n = n.checked_mul(10)?.checked_add(d as u32)?;
                len += c.len_utf8();
            }
            None => break,
        }
    }
    (len > 0).then_some((n, len))
}

fn superscript(n: u32) -> String {
    n.to_string()
        .bytes()
        .map(|b| SUPERSCRIPT_DIGITS[usize::from(b - b'0')])
        .collect()
}

/// Lines of all pages → blocks in reading order.
fn assemble(pages: &mut [PageLines]) -> Vec<Block> {
    mark_running(pages);
    // Line pitch over size, between consecutive lines of one column.
    let pitch = mode(
        pages.iter().flat_map(|p| {
            p.lines.windows(2).filter_map(|w| {
                let (a, b) = (&w[0], &w[1]);
                let ratio = (a.y - b.y) / a.size;
                (a.group == b.group && (a.size - b.size).abs() < 0.5 && (0.9..3.0).contains(&ratio))
                    .then_some((ratio, 1))
            })
        }),
        0.02,
    )
    .unwrap_or(1.2);

    let mut headers: Vec<Para> = Vec::new();
    let mut footers: Vec<Para> = Vec::new();
    let mut seen_running = std::collections::HashSet::new();
    let mut body: Vec<Para> = Vec::new();
    let mut notes: Vec<(u32, Para)> = Vec::new();
    for p in pages.iter() {
        for (l, k) in p.lines.iter().zip(&p.kinds) {
            let list = match k {
                LineKind::Header => &mut headers,
                LineKind::Footer => &mut footers,
                _ => continue,
            };
            if seen_running.insert((*k == LineKind::Header, running_key(&l.text))) {
                list.push(single(
                    l,
                    p.number,
                    if *k == LineKind::Header {
                        BlockKind::Header
                    } else {
                        BlockKind::Footer
                    },
                ));
            }
        }
        let lines: Vec<&Line> = p
            .lines
            .iter()
            .zip(&p.kinds)
            .filter(|(_, k)| **k == LineKind::Body)
            .map(|(l, _)| l)
            .collect();
        // Footnotes: the lines under the footnote separator rule.
        let foot_start = match p.note_rule {
            Some(y) => lines.iter().position(|l| l.y < y).unwrap_or(lines.len()),
            None => lines.len(),
        };
        let foot = &lines[foot_start..];
        let is_notes = !foot.is_empty();
        let body_lines = &lines[..foot_start];
        paragraphs(body_lines, p.number, pitch, &mut body);
        if is_notes {
            let mut cur: Option<(u32, Para)> = None;
            for l in foot {
                let text = l.text.as_str();
                let number = leading_superscript_number(text).or_else(|| {
                    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
                    let n = text[..digits].parse::<u32>().ok()?;
                    (text[digits..].starts_with(' ') && n > 0).then_some((n, digits))
                });
                match number {
                    Some((n, len)) => {
                        notes.extend(cur.take());
                        let mut para = single(l, p.number, BlockKind::Footnote);
                        para.text = format!("{}{}", superscript(n), &text[len..]);
                        para.footnote = Some(n);
                        cur = Some((n, para));
                    }
                    // A note's next line, or one running on from the last page.
                    None => match cur.as_mut().or(notes.last_mut()) {
                        Some((_, para)) => join_line(&mut para.text, text, true),
                        None => body.push(single(l, p.number, BlockKind::Body)),
                    },
                }
            }
            notes.extend(cur);
        }
    }
    // Each footnote goes after the last paragraph up to its page that
    // holds its mark; a note whose mark is not found stays at its page's end.
    let mut placed: Vec<Vec<Para>> = (0..body.len()).map(|_| Vec::new()).collect();
    let mut unplaced: Vec<(u32, Para)> = Vec::new();
    for (n, para) in notes {
        let mark = superscript(n);
        let at = body
            .iter()
            .rposition(|b| b.page <= para.page && b.text.contains(&mark));
        match at {
            Some(i) => placed[i].push(para),
            None => unplaced.push((para.page, para)),
        }
    }
    let mut blocks = Vec::with_capacity(body.len() + headers.len() + footers.len());
    blocks.extend(headers.into_iter().map(Para::into_block));
    let mut unplaced = unplaced.into_iter().peekable();
    for (para, notes) in body.into_iter().zip(placed) {
        while let Some((page, _)) = unplaced.peek() {
            if *page < para.page {
                let (_, n) = unplaced.next().expect("peeked");
                blocks.push(n.into_block());
            } else {
                break;
            }
        }
        blocks.push(para.into_block());
        blocks.extend(notes.into_iter().map(Para::into_block));
    }
    blocks.extend(unplaced.map(|(_, n)| n.into_block()));
    blocks.extend(footers.into_iter().map(Para::into_block));
    blocks
}

fn single(l: &Line, page: u32, kind: BlockKind) -> Para {
    Para {
        text: l.text.clone(),
        page,
        kind,
        footnote: None,
        join: Join::Paragraph,
        size: l.size,
        last_x1: l.x1,
        col_x1: l.x1,
        col_x0: l.x0,
    }
}

impl Para {
    fn into_block(self) -> Block {
        Block {
            text: self.text,
            kind: self.kind,
            page: Some(self.page),
            footnote: self.footnote,
            join: self.join,
            ..Block::default()
        }
    }
}

/// Two parts of one table row, cell by cell: `A\tB 1` and `\tB 2` give
/// `A\tB 1 B 2`.
fn join_cells(first: &str, second: &str) -> String {
    let mut out = String::with_capacity(first.len() + second.len());
    for (i, (a, b)) in first.split('\t').zip(second.split('\t')).enumerate() {
        if i > 0 {
            out.push('\t');
        }
        out.push_str(a);
        if !a.is_empty() && !b.is_empty() && !ends_in_symbol_hyphen(a) {
            out.push(' ');
        }
        out.push_str(b);
    }
    out
}

/// Joins a line to the paragraph text before it.
fn join_line(text: &mut String, line: &str, full: bool) {
    if ends_in_symbol_hyphen(text) {
        // `06/2013/NĐ-` + `CP`: one symbol.
    } else if full {
        text.push(' ');
    } else {
        text.push('\n');
    }
    text.push_str(line);
}

/// Body lines of one page → paragraphs, continuing the last one of the
/// previous page when the text runs on.
fn paragraphs(lines: &[&Line], page: u32, pitch: f32, out: &mut Vec<Para>) {
    // Edges of each column group: the left-most start and the right-most
    // end of its lines (tab lines, header table rows, left out).
    // Groups are numbered from 0 on each page: a table, not a hash map.
    let groups = lines
        .iter()
        .map(|l| l.group as usize + 1)
        .max()
        .unwrap_or(0);
    let mut edges: Vec<Option<(f32, f32)>> = vec![None; groups];
    for l in lines {
        let e = edges[l.group as usize].get_or_insert((l.x0, l.x1));
        e.0 = e.0.min(l.x0);
        if !l.has_tab {
            e.1 = e.1.max(l.x1);
        }
    }
    let edge = |l: &Line| edges.get(l.group as usize).copied().flatten();
    let right = |l: &Line| edge(l).map_or(l.x1, |e| e.1);
    // The line above was ended on purpose (a forced break, a centred title
    // line) when this line's first word would have fit at its end and it
    // stops well short of the column's edge; ragged-right text wraps early
    // by a word or two, so a line over 80% of the column counts as wrapped.
    let word_fits = |p: &Line, l: &Line| p.x1 + 0.3 * p.size + l.first_word_w <= right(p);
    let wrapped = |p: &Line, l: &Line| {
        let x0 = edge(p).map_or(p.x0, |e| e.0);
        !word_fits(p, l) || p.x1 - x0 > 0.8 * (right(p) - x0)
    };
    let mut prev: Option<&Line> = None;
    for &l in lines {
        let new_para = match prev {
            None => true,
            Some(p) => {
                let dy = p.y - l.y;
                let indented = l.x0 - p.x0 > 0.8 * l.size;
                let centred = ((l.x0 + l.x1) - (p.x0 + p.x1)).abs() < l.size;
                p.group != l.group
                    || l.has_tab
                    || p.has_tab
                    || (l.size - p.size).abs() > 0.15 * p.size
                    || dy < 0.5 * l.size
                    || dy > pitch * 1.3 * p.size.max(l.size)
                    || (indented && !centred)
                    // A list item or numbered heading whose marker would
                    // have fit on the line above starts on purpose, and so
                    // does one under a heading in capitals (`III. ĐÁNH GIÁ
                    // TỔNG QUÁT` over `1. Ưu điểm` in a narrow column).
                    || (starts_with_marker(&l.text)
                        && (word_fits(p, l) || in_capitals(&p.text)))
            }
        };
        if new_para {
            // Page start: a table row that the page break split goes on
            // cell by cell. Its second part has the row's shape and an
            // empty first cell (the row's label was on the first part).
            if let Some(last) = out.last_mut().filter(|last| {
                prev.is_none()
                    && last.page + 1 == page
                    && l.text.starts_with('\t')
                    && last.text.contains('\t')
                    && !last.text.contains('\n')
                    && last.text.matches('\t').count() == l.text.matches('\t').count()
            }) {
                last.text = join_cells(&last.text, &l.text);
                prev = Some(l);
                continue;
            }
            // Page start: does the last paragraph of the previous page run on?
            let runs_on = prev.is_none()
                && out.last().is_some_and(|last: &Para| {
                    last.page + 1 == page
                        && last.kind == BlockKind::Body
                        && (last.last_x1 + 0.3 * last.size + l.first_word_w > last.col_x1
                            || last.last_x1 - last.col_x0 > 0.8 * (last.col_x1 - last.col_x0))
                        && (last.size - l.size).abs() <= 0.15 * last.size
                        && l.x0 - last.col_x0 <= 0.8 * l.size
                        && !starts_with_marker(&l.text)
                });
            let join = match (runs_on, out.last()) {
                (true, Some(last)) if ends_in_symbol_hyphen(&last.text) => Join::Glue,
                (true, _) => Join::Space,
                _ => Join::Paragraph,
            };
            let mut para = single(l, page, BlockKind::Body);
            para.join = join;
            para.col_x1 = right(l);
            para.col_x0 = edge(l).map_or(l.x0, |e| e.0);
            out.push(para);
        } else if let Some(para) = out.last_mut() {
            let p = prev.expect("a previous line");
            join_line(&mut para.text, &l.text, wrapped(p, l));
            para.last_x1 = l.x1;
        }
        prev = Some(l);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_are_told_from_text() {
        for t in ["3", "- 3 -", "Trang 3", "Page 3 of 12", "3/12", "[12]"] {
            assert!(is_page_number(t), "{t}");
        }
        for t in ["Năm 2013", "3 xã", "06/2013/NĐ-CP", ""] {
            assert!(!is_page_number(t), "{t}");
        }
    }

    #[test]
    fn a_hyphen_ends_a_symbol_only_after_capitals_or_digits() {
        assert!(ends_in_symbol_hyphen("Nghị định số 06/2013/NĐ-"));
        assert!(ends_in_symbol_hyphen("Công văn số 1010/UBND-"));
        assert!(!ends_in_symbol_hyphen("kinh tế -"));
        assert!(!ends_in_symbol_hyphen("kinh tế"));
        assert!(!ends_in_symbol_hyphen("Bắc Giang-"));
    }

    #[test]
    fn headings_in_capitals_are_told_from_sentences() {
        assert!(in_capitals("III. ĐÁNH GIÁ TỔNG QUÁT"));
        assert!(in_capitals("KẾT QUẢ THỰC HIỆN"));
        assert!(!in_capitals("1. Ưu điểm"));
        assert!(!in_capitals("Nghị định số 06/2013/NĐ-CP"));
        assert!(!in_capitals("III."), "a marker alone is no heading");
    }

    #[test]
    fn markers_start_list_items_and_headings() {
        for t in [
            "- UBND tỉnh",
            "+ Năm 2013: 1.212",
            "a) Kết quả",
            "2. Công tác",
            "II. KẾT QUẢ",
            "1.2. Tổ chức",
        ] {
            assert!(starts_with_marker(t), "{t}");
        }
        for t in ["2013 là năm", "Ban Chỉ đạo", "-5%", "1.212 khu dân cư"] {
            assert!(!starts_with_marker(t), "{t}");
        }
    }

    #[test]
    fn a_stream_inflated_whole_is_what_the_careful_reader_gives() {
        use std::io::Write;
        let text: Vec<u8> = (0..200_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect();
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&text).expect("in memory");
        let whole = z.finish().expect("in memory");
        let careful = |d: &[u8], cap| inflate_damaged(d, cap).ok();
        let fast = |d: &[u8], cap| inflate_whole(d, cap).and_then(Result::ok);
        // Sound, and cut short: the same bytes.
        for data in [
            &whole[..],
            &whole[..whole.len() / 2],
            &whole[..whole.len() - 2],
        ] {
            assert_eq!(fast(data, usize::MAX >> 1), careful(data, usize::MAX >> 1));
        }
        // Too large, at the cap and one over it.
        assert!(matches!(
            inflate_whole(&whole, 1000),
            Some(Err(Inflate::TooLarge))
        ));
        assert_eq!(fast(&whole, text.len()).map(|v| v.len()), Some(text.len()));
        assert!(matches!(
            inflate_whole(&whole, text.len() - 1),
            Some(Err(Inflate::TooLarge))
        ));
        // Damage (a bad checksum, a missing header) is left to the careful reader.
        let mut bad = whole.clone();
        let n = bad.len();
        bad[n - 1] ^= 0xFF;
        assert!(inflate_whole(&bad, usize::MAX >> 1).is_none());
        assert!(inflate_whole(&whole[2..], usize::MAX >> 1).is_none());
    }

    #[test]
    fn page_lists_collapse_runs() {
        assert_eq!(page_list(&[2]), "page 2");
        assert_eq!(page_list(&[1, 2, 3, 7]), "pages 1-3, 7");
    }
}

#[cfg(test)]
mod build_tests;
