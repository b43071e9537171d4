//! DOCX reader: the Word parts of a zip → blocks with provenance.
//!
//! Reads the main document, page headers and footers, footnotes and endnotes
//! with one streaming pass of quick-xml per part. docx-rs, named by the design
//! card, was measured and left out (README, "DOCX reader"): it took 7.9 ms per
//! corpus twin (0.75 ms with a stub styles.xml) against a budget of 2 ms per
//! report for everything, its reader drops `w:footnoteReference` (so a
//! footnote's place in the body is lost), and it allocates each part by its
//! declared size and unwraps its reads, which a zip bomb turns into an abort.
//!
//! What counts as text is what Word shows: insertions in, deletions,
//! moved-away and hidden text out, a field's displayed result but not its code, text
//! boxes (after the paragraph that anchors them; the VML fallback copy is
//! skipped), tabs and breaks. A footnote mark becomes the superscript number
//! Word prints (`¹`), which no extractor reads as a digit, so `2013¹` stays
//! 2013; the footnote's paragraphs follow the paragraph that cites it, as in
//! the TXT twins, so their entities get the section they belong to.
//!
//! Tables: each row becomes one line per paragraph level, cells separated by
//! tabs (an empty cell keeps its tab), so a header table reads as a two-column
//! header flattened into a TXT file and the metadata code reads both alike.
//! Every cell's blocks carry their table, row, column and header cells.
//!
//! Safety: every part is read through a cap ([`MAX_PART_BYTES`], checked on
//! the declared size and again on the bytes actually inflated), a DTD is
//! refused (no entity can expand), broken XML and a zip without a main
//! document are `invalid_docx` errors. Nothing here recurses on input depth.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::Cursor;
use std::sync::Arc;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use crate::document::{Block, BlockKind, Document, Format, Join};
use crate::error::DocError;
use crate::normalize::legacy;
use crate::record::TableCell;

/// The most bytes one part may inflate to. The largest real reports have a
/// few MiB of document.xml; 64 MiB leaves room and bounds memory per worker.
pub const MAX_PART_BYTES: u64 = 64 << 20;
/// Page header and footer parts read at most (Word writes up to 3 per section).
const MAX_HEADER_FOOTER_PARTS: usize = 48;
/// How many `basedOn` links a style's font is followed through.
const MAX_STYLE_CHAIN: usize = 16;

const W_NS: &[u8] = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main";
/// The same vocabulary in Strict Open XML (ISO 29500 strict), which Word can save.
const W_STRICT_NS: &[u8] = b"http://purl.oclc.org/ooxml/wordprocessingml/main";
const MC_NS: &[u8] = b"http://schemas.openxmlformats.org/markup-compatibility/2006";
/// Stands for a note's own mark (`w:footnoteRef`) until the note's number is known.
const NOTE_MARK: char = '\u{E000}';

/// Turns a run's text into Unicode given its font; `None` keeps it as is.
type RunDecoder = fn(Option<&str>, &str) -> Option<String>;

/// The one place a run's text meets its font name. A run set in a TCVN3
/// (`.VnTime`) or VNI (`VNI-Times`) font holds legacy code points, decoded
/// here; in an uppercase TCVN3 font (`.VnTimeH`) the codes of small letters
/// print as capitals, so the decoded text is upper-cased. Each `w:t` is
/// decoded on its own, with the font of its run (direct, else from the run's
/// style, the paragraph's style, the document default).
fn decode_legacy_run(font: Option<&str>, text: &str) -> Option<String> {
    let font = font?;
    let decoded = legacy::decode_font_text(legacy::encoding_for_font(font)?, text);
    Some(if legacy::font_is_all_capitals(font) {
        decoded.to_uppercase()
    } else {
        decoded
    })
}

/// Reads a DOCX file.
pub fn read_docx(bytes: &[u8]) -> Result<Document, DocError> {
    read_docx_with(bytes, decode_legacy_run, MAX_PART_BYTES)
}

fn read_docx_with(bytes: &[u8], decode: RunDecoder, cap: u64) -> Result<Document, DocError> {
    let mut pkg = Package::open(bytes, cap)?;
    let main = pkg
        .relationships("_rels/.rels", "")?
        .into_iter()
        .find(|r| r.kind == "officeDocument")
        .map(|r| r.target)
        .unwrap_or_else(|| "word/document.xml".to_string());
    let Some(document_xml) = pkg.part(&main)? else {
        return Err(invalid(format!(
            "the zip has no {main}: it is not a Word document (or it is damaged)"
        )));
    };
    let (dir, file) = main.rsplit_once('/').unwrap_or(("", main.as_str()));
    let rels_path = if dir.is_empty() {
        format!("_rels/{file}.rels")
    } else {
        format!("{dir}/_rels/{file}.rels")
    };
    let rels = pkg.relationships(&rels_path, dir)?;
    let target = |kind: &str| {
        rels.iter()
            .find(|r| r.kind == kind)
            .map(|r| r.target.clone())
    };

    let styles = match target("fontTable") {
        // Style fonts only matter when a legacy font is in play, and
        // styles.xml can be hundreds of KiB: read it only then.
        Some(t) => match pkg.part(&t)? {
            Some(table) if mentions_legacy_font(&table) => read_styles(&mut pkg, &target)?,
            _ => StyleFonts::default(),
        },
        None => read_styles(&mut pkg, &target)?,
    };

    let mut reader = Reader {
        decode,
        styles,
        footnotes: HashMap::new(),
        endnotes: HashMap::new(),
        footnote_count: 0,
        endnote_count: 0,
        endnote_blocks: Vec::new(),
        used_notes: HashSet::new(),
        tables: 0,
    };
    if let Some(t) = target("footnotes") {
        if let Some(xml) = pkg.part(&t)? {
            reader.footnotes = reader.notes(&xml, &t, NoteKind::Footnote)?;
        }
    }
    if let Some(t) = target("endnotes") {
        if let Some(xml) = pkg.part(&t)? {
            reader.endnotes = reader.notes(&xml, &t, NoteKind::Endnote)?;
        }
    }

    let mut blocks = Vec::new();
    let mut seen = HashSet::new();
    let mut footers = Vec::new();
    let parts = rels
        .iter()
        .filter(|r| r.kind == "header" || r.kind == "footer")
        .take(MAX_HEADER_FOOTER_PARTS);
    for r in parts {
        let Some(xml) = pkg.part(&r.target)? else {
            continue;
        };
        let kind = if r.kind == "header" {
            BlockKind::Header
        } else {
            BlockKind::Footer
        };
        let part = reader.part(&xml, &r.target, kind)?;
        // First-page, even and default headers often repeat the same text.
        let text: String = part.iter().map(|b| b.text.as_str()).collect();
        if text.trim().is_empty() || !seen.insert(text) {
            continue;
        }
        match kind {
            BlockKind::Header => blocks.extend(part),
            _ => footers.extend(part),
        }
    }
    blocks.extend(reader.part(&document_xml, &main, BlockKind::Body)?);
    blocks.append(&mut reader.endnote_blocks);
    blocks.extend(footers);
    number_tables(&mut blocks);
    Ok(Document {
        format: Format::Docx,
        encoding: "utf-8",
        blocks,
        pages: None,
        warnings: Vec::new(),
    })
}

fn invalid(reason: String) -> DocError {
    DocError::InvalidDocx { reason }
}

/// The zip, with every read capped.
struct Package<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    /// The zip's bytes: a part's deflated data is inflated straight from them.
    bytes: &'a [u8],
    /// Most bytes one part may inflate to.
    cap: u64,
}

/// One relationship of a `.rels` part: its type (last path segment) and the
/// target part's name inside the zip.
struct Relationship {
    kind: String,
    target: String,
}

impl<'a> Package<'a> {
    fn open(bytes: &'a [u8], cap: u64) -> Result<Self, DocError> {
        zip::ZipArchive::new(Cursor::new(bytes))
            .map(|zip| Package { zip, bytes, cap })
            .map_err(|e| {
                invalid(format!(
                    "not a readable zip file ({e}); an old .doc or a password-protected document is not a DOCX: save it as .docx from Word"
                ))
            })
    }

    /// The bytes of a part, `None` when the zip lacks it. The part's data
    /// is inflated from the zip's bytes by the thread's reused inflater (the
    /// zip crate's reader set up an inflater and zeroed its buffers for each
    /// of a report's four or five parts), and checked against its CRC-32.
    fn part(&mut self, name: &str) -> Result<Option<Vec<u8>>, DocError> {
        let cap = self.cap;
        let too_large = || DocError::PartTooLarge {
            part: name.to_string(),
            limit: cap,
        };
        let Some(index) = self.zip.index_for_name(name) else {
            return Ok(None);
        };
        let file = self
            .zip
            .by_index_raw(index)
            .map_err(|e| invalid(format!("cannot open {name} in the zip ({e})")))?;
        if file.encrypted() {
            return Err(invalid(format!(
                "cannot open {name} in the zip (it is encrypted; save the document without a password)"
            )));
        }
        if file.size() > cap {
            return Err(too_large());
        }
        let (method, crc, size) = (file.compression(), file.crc32(), file.size());
        let raw = usize::try_from(file.data_start())
            .ok()
            .zip(usize::try_from(file.compressed_size()).ok())
            .and_then(|(start, len)| self.bytes.get(start..start.checked_add(len)?))
            .ok_or_else(|| {
                invalid(format!(
                    "cannot inflate {name} (its data runs past the end of the file)"
                ))
            })?;
        let cap = usize::try_from(cap).unwrap_or(usize::MAX);
        let data = match method {
            zip::CompressionMethod::Stored if raw.len() > cap => return Err(too_large()),
            zip::CompressionMethod::Stored => raw.to_vec(),
            zip::CompressionMethod::Deflated => {
                // Room for the declared size and the end-of-stream code.
                let hint = usize::try_from(size).unwrap_or(0).saturating_add(1);
                match super::inflate::whole(raw, false, cap, hint) {
                    Some(Ok(data)) => data,
                    Some(Err(super::inflate::TooLarge)) => return Err(too_large()),
                    None => {
                        return Err(invalid(format!(
                            "cannot inflate {name} (corrupt deflate stream)"
                        )))
                    }
                }
            }
            other => {
                return Err(invalid(format!(
                    "cannot open {name} in the zip (compression method {other} is not supported)"
                )))
            }
        };
        if crc32fast::hash(&data) != crc {
            return Err(invalid(format!(
                "cannot inflate {name} (its CRC-32 checksum does not match)"
            )));
        }
        Ok(Some(data))
    }

    /// The relationships in `rels_path`, targets resolved against `base_dir`.
    fn relationships(
        &mut self,
        rels_path: &str,
        base_dir: &str,
    ) -> Result<Vec<Relationship>, DocError> {
        let Some(xml) = self.part(rels_path)? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        let mut r = xml_reader(&xml);
        loop {
            let (_, event) = next(&mut r, rels_path)?;
            match event {
                Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"Relationship" => {
                    if attr(&e, b"TargetMode").as_deref() == Some("External") {
                        continue;
                    }
                    let (Some(kind), Some(target)) = (attr(&e, b"Type"), attr(&e, b"Target"))
                    else {
                        continue;
                    };
                    out.push(Relationship {
                        kind: kind.rsplit('/').next().unwrap_or_default().to_string(),
                        target: resolve(base_dir, &target),
                    });
                }
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(out)
    }
}

/// A part name from a relationship target: absolute (`/word/x.xml`) or
/// relative to the source part's folder, `..` resolved.
fn resolve(base_dir: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        base_dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn xml_reader(xml: &[u8]) -> NsReader<&[u8]> {
    let mut r = NsReader::from_reader(xml);
    // Mismatched end tags are broken XML, not something to guess around.
    r.config_mut().check_end_names = true;
    r
}

/// `bytes`, a piece of `xml`, as the same piece of `whole`, the text of
/// `xml`; `None` if it is not a piece of it.
fn slice_of<'x>(whole: &'x str, xml: &[u8], bytes: &[u8]) -> Option<&'x str> {
    let start = (bytes.as_ptr() as usize).checked_sub(xml.as_ptr() as usize)?;
    whole.get(start..start.checked_add(bytes.len())?)
}

/// The next event, with a DTD refused: Word never writes one, and its
/// entities are how an XML bomb expands.
fn next<'x>(r: &mut NsReader<&'x [u8]>, part: &str) -> Result<(bool, Event<'x>), DocError> {
    let (ns, event) = match r.read_resolved_event() {
        Ok(x) => x,
        Err(e) => {
            let at = r.error_position();
            return Err(invalid(format!(
                "{part} is not well-formed XML near byte {at} ({e})"
            )));
        }
    };
    if let Event::DocType(_) = event {
        return Err(invalid(format!(
            "{part} declares a DTD; Word never writes one and its entities could expand without bound (XML bomb)"
        )));
    }
    let in_w =
        matches!(ns, ResolveResult::Bound(n) if n.as_ref() == W_NS || n.as_ref() == W_STRICT_NS);
    let in_mc = matches!(ns, ResolveResult::Bound(n) if n.as_ref() == MC_NS);
    // Only WordprocessingML elements drive the reader; markup compatibility
    // is reported separately by its local name.
    let w = in_w
        || (in_mc && matches!(&event, Event::Start(e) if e.local_name().as_ref() == b"Fallback"));
    Ok((w, event))
}

/// An attribute's value by local name (`w:val` → `val`), unescaped.
fn attr(e: &BytesStart, local: &[u8]) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(Cow::into_owned)
        })
}

/// Whether a font table names a TCVN3 (`.Vn…`) or VNI (`VNI-…`) font, by
/// the same rule that decodes runs.
fn mentions_legacy_font(xml: &[u8]) -> bool {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == b"font" => {
                let named_legacy = e.attributes().flatten().any(|a| {
                    a.key.local_name().as_ref() == b"name"
                        && std::str::from_utf8(&a.value)
                            .is_ok_and(|n| legacy::encoding_for_font(n).is_some())
                });
                if named_legacy {
                    return true;
                }
            }
            Ok(Event::Eof) => return false,
            // A broken font table: read the styles, which costs time, not text.
            Err(_) => return true,
            _ => {}
        }
        buf.clear();
    }
}

/// Fonts set by styles: each style's own font and parent, and the default.
#[derive(Default)]
struct StyleFonts {
    styles: HashMap<String, (Option<String>, Option<String>)>,
    default: Option<String>,
}

impl StyleFonts {
    fn font(&self, style: &str) -> Option<&str> {
        let mut id = style;
        for _ in 0..MAX_STYLE_CHAIN {
            let (font, parent) = self.styles.get(id)?;
            if let Some(f) = font {
                return Some(f);
            }
            id = parent.as_deref()?;
        }
        None
    }
}

fn read_styles(
    pkg: &mut Package,
    target: &dyn Fn(&str) -> Option<String>,
) -> Result<StyleFonts, DocError> {
    let mut out = StyleFonts::default();
    let Some(name) = target("styles") else {
        return Ok(out);
    };
    let Some(xml) = pkg.part(&name)? else {
        return Ok(out);
    };
    let mut r = xml_reader(&xml);
    let mut current: Option<String> = None;
    let mut in_defaults = false;
    loop {
        let (w, event) = next(&mut r, &name)?;
        if let Event::Start(e) = &event {
            // A tracked change's old fonts are not the style's fonts.
            if w && e.local_name().as_ref() == b"rPrChange" {
                let end = e.to_end().into_owned();
                r.read_to_end(end.name())
                    .map_err(|err| invalid(format!("{name} is not well-formed XML ({err})")))?;
                continue;
            }
        }
        match event {
            Event::Start(e) | Event::Empty(e) if w => match e.local_name().as_ref() {
                b"style" => {
                    current = attr(&e, b"styleId");
                    if let Some(id) = &current {
                        out.styles.insert(id.clone(), (None, None));
                    }
                }
                b"rPrDefault" => in_defaults = true,
                b"basedOn" => {
                    if let Some(s) = current.as_ref().and_then(|id| out.styles.get_mut(id)) {
                        s.1 = attr(&e, b"val");
                    }
                }
                b"rFonts" => {
                    let font = attr(&e, b"hAnsi").or_else(|| attr(&e, b"ascii"));
                    if in_defaults {
                        out.default = font;
                    } else if let Some(s) = current.as_ref().and_then(|id| out.styles.get_mut(id)) {
                        s.0 = font;
                    }
                }
                _ => {}
            },
            Event::End(e) if w => match e.local_name().as_ref() {
                b"style" => current = None,
                b"rPrDefault" => in_defaults = false,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum NoteKind {
    Footnote,
    Endnote,
}

/// A paragraph being read.
#[derive(Default)]
struct Para {
    text: String,
    style: Option<String>,
    run: Option<Run>,
    /// Notes cited in this paragraph, by kind, id and number.
    notes: Vec<(NoteKind, String, u32)>,
    /// Text box paragraphs anchored here, emitted after this paragraph.
    deferred: Vec<Block>,
}

#[derive(Default)]
struct Run {
    font: Option<String>,
    style: Option<String>,
    /// Hidden text (`w:vanish`): in the file, not on the page.
    hidden: bool,
}

/// A table being read: rows of cells, each a list of paragraph texts.
#[derive(Default)]
struct Table {
    rows: Vec<Vec<Cell>>,
    /// Grid column where the next cell of the current row starts.
    next_column: u32,
    /// Footnotes and text boxes of cell paragraphs, emitted after the table.
    after: Vec<Block>,
}

struct Cell {
    column: u32,
    paras: Vec<String>,
}

struct Reader {
    decode: RunDecoder,
    styles: StyleFonts,
    footnotes: HashMap<String, Vec<Block>>,
    endnotes: HashMap<String, Vec<Block>>,
    footnote_count: u32,
    endnote_count: u32,
    endnote_blocks: Vec<Block>,
    used_notes: HashSet<(NoteKind, String)>,
    /// Tables numbered in parsing order; renumbered in reading order at the end.
    tables: u32,
}

/// The walk over one part.
struct Walk {
    kind: BlockKind,
    out: Vec<Block>,
    paras: Vec<Para>,
    tables: Vec<Table>,
    /// One entry per open complex field: whether its result has started.
    fields: Vec<bool>,
    in_text: bool,
    /// Open elements, to catch a part that ends early.
    depth: usize,
}

impl Reader {
    /// Reads footnotes.xml or endnotes.xml into blocks per note id; the
    /// note's own mark is a placeholder until its number is known.
    fn notes(
        &mut self,
        xml: &[u8],
        part: &str,
        kind: NoteKind,
    ) -> Result<HashMap<String, Vec<Block>>, DocError> {
        let mut notes = HashMap::new();
        let mut current: Option<String> = None;
        let block_kind = BlockKind::Footnote;
        let mut walk = Walk::new(block_kind);
        let note_tag: &[u8] = match kind {
            NoteKind::Footnote => b"footnote",
            NoteKind::Endnote => b"endnote",
        };
        self.walk(xml, part, &mut walk, |w, start, local, e| {
            if local != note_tag {
                return;
            }
            if let Some(e) = e.filter(|_| start) {
                w.out.clear();
                // Separators are layout, not notes.
                current = match attr(e, b"type").as_deref() {
                    None | Some("normal") => attr(e, b"id"),
                    Some(_) => None,
                };
            } else if let Some(id) = current.take() {
                notes.insert(id, std::mem::take(&mut w.out));
            }
        })?;
        Ok(notes)
    }

    /// Reads one part (document, header, footer) into blocks.
    fn part(&mut self, xml: &[u8], name: &str, kind: BlockKind) -> Result<Vec<Block>, DocError> {
        let mut walk = Walk::new(kind);
        self.walk(xml, name, &mut walk, |_, _, _, _| {})?;
        Ok(walk.out)
    }

    /// The streaming walk shared by every part; `on_w` sees each
    /// WordprocessingML element's start (true, with its attributes) and end.
    fn walk(
        &mut self,
        xml: &[u8],
        part: &str,
        walk: &mut Walk,
        mut on_w: impl FnMut(&mut Walk, bool, &[u8], Option<&BytesStart>),
    ) -> Result<(), DocError> {
        let mut r = xml_reader(xml);
        // Checked as UTF-8 once: a text node is then a slice of it, where
        // checking each of the thousands of short runs cost more than the
        // whole part. A part that is not UTF-8 throughout is checked node by
        // node, as before, so only broken text is an error.
        let whole = super::utf8(xml).ok();
        loop {
            let (w, event) = next(&mut r, part)?;
            match event {
                Event::Start(e) => {
                    walk.depth += 1;
                    if !w {
                        continue;
                    }
                    let name = e.local_name();
                    if skipped(name.as_ref()) {
                        let end = e.to_end().into_owned();
                        r.read_to_end(end.name()).map_err(|err| {
                            invalid(format!("{part} is not well-formed XML ({err})"))
                        })?;
                        walk.depth -= 1;
                        continue;
                    }
                    on_w(walk, true, name.as_ref(), Some(&e));
                    self.start(walk, &e, false);
                }
                Event::Empty(e) if w => {
                    let name = e.local_name();
                    on_w(walk, true, name.as_ref(), Some(&e));
                    self.start(walk, &e, true);
                    on_w(walk, false, name.as_ref(), None);
                }
                Event::End(e) => {
                    walk.depth = walk.depth.saturating_sub(1);
                    if w {
                        let name = e.local_name();
                        self.end(walk, name.as_ref());
                        on_w(walk, false, name.as_ref(), None);
                    }
                }
                Event::Text(t) if walk.in_text => {
                    let text = match whole.and_then(|whole| slice_of(whole, xml, &t)) {
                        // (A `\r` is a line end the decoder normalizes.)
                        Some(text) if !text.contains('\r') => Cow::Borrowed(text),
                        _ => t.xml10_content().map_err(|e| {
                            invalid(format!("{part} has text that is not UTF-8 ({e})"))
                        })?,
                    };
                    walk.push_text(&text, self);
                }
                Event::CData(t) if walk.in_text => {
                    let text = String::from_utf8_lossy(&t);
                    walk.push_text(&text, self);
                }
                Event::GeneralRef(g) => {
                    // Only the predefined entities and character references
                    // exist without a DTD; anything else is broken XML.
                    let Some(ch) = entity_char(&g) else {
                        return Err(invalid(format!(
                            "{part} uses the undefined entity &{};",
                            String::from_utf8_lossy(g.as_ref())
                        )));
                    };
                    if walk.in_text {
                        walk.push_text(ch.encode_utf8(&mut [0; 4]), self);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if walk.depth != 0 {
            return Err(invalid(format!(
                "{part} ends before its elements are closed (a truncated file?)"
            )));
        }
        Ok(())
    }

    fn start(&mut self, walk: &mut Walk, e: &BytesStart, empty: bool) {
        let name = e.local_name();
        match name.as_ref() {
            b"p" if !empty => walk.paras.push(Para::default()),
            b"pStyle" => {
                if let Some(p) = walk.paras.last_mut() {
                    if p.run.is_none() {
                        p.style = attr(e, b"val");
                    }
                }
            }
            b"r" => {
                if let Some(p) = walk.paras.last_mut() {
                    if !empty {
                        p.run = Some(Run::default());
                    }
                }
            }
            b"rStyle" => {
                if let Some(run) = walk.run_mut() {
                    run.style = attr(e, b"val");
                }
            }
            b"rFonts" => {
                if let Some(run) = walk.run_mut() {
                    if let Some(f) = attr(e, b"hAnsi").or_else(|| attr(e, b"ascii")) {
                        run.font = Some(f);
                    }
                }
            }
            b"vanish" => {
                if let Some(run) = walk.run_mut() {
                    run.hidden = !matches!(attr(e, b"val").as_deref(), Some("0" | "false" | "off"));
                }
            }
            b"t" => walk.in_text = !empty && walk.run_mut().is_some(),
            b"tab" | b"ptab" if walk.run_mut().is_some() => walk.push_raw("\t"),
            b"br" | b"cr" if walk.run_mut().is_some() => walk.push_raw("\n"),
            b"noBreakHyphen" if walk.run_mut().is_some() => walk.push_raw("-"),
            b"softHyphen" if walk.run_mut().is_some() => walk.push_raw("\u{AD}"),
            b"fldChar" => match attr(e, b"fldCharType").as_deref() {
                Some("begin") => walk.fields.push(false),
                Some("separate") => {
                    if let Some(f) = walk.fields.last_mut() {
                        *f = true;
                    }
                }
                Some("end") => {
                    walk.fields.pop();
                }
                _ => {}
            },
            b"footnoteReference" | b"endnoteReference" => {
                let kind = if name.as_ref() == b"footnoteReference" {
                    NoteKind::Footnote
                } else {
                    NoteKind::Endnote
                };
                let custom = attr(e, b"customMarkFollows")
                    .is_some_and(|v| v == "1" || v == "true" || v == "on");
                let Some(id) = attr(e, b"id") else { return };
                let count = match kind {
                    NoteKind::Footnote => &mut self.footnote_count,
                    NoteKind::Endnote => &mut self.endnote_count,
                };
                *count += 1;
                let number = *count;
                if !custom && walk.visible() {
                    walk.push_raw(&superscript(number));
                }
                if let Some(p) = walk.paras.last_mut() {
                    p.notes.push((kind, id, number));
                }
            }
            b"footnoteRef" | b"endnoteRef" => walk.push_raw(&NOTE_MARK.to_string()),
            b"tbl" if !empty => walk.tables.push(Table::default()),
            b"tr" if !empty => {
                if let Some(t) = walk.tables.last_mut() {
                    t.rows.push(Vec::new());
                    t.next_column = 0;
                }
            }
            b"tc" if !empty => {
                if let Some(t) = walk.tables.last_mut() {
                    let column = t.next_column;
                    t.next_column += 1;
                    if let Some(row) = t.rows.last_mut() {
                        row.push(Cell {
                            column,
                            paras: Vec::new(),
                        });
                    }
                }
            }
            b"gridSpan" => {
                let span: u32 = attr(e, b"val").and_then(|v| v.parse().ok()).unwrap_or(1);
                if let Some(t) = walk.tables.last_mut() {
                    t.next_column += span.clamp(1, 64) - 1;
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, walk: &mut Walk, name: &[u8]) {
        match name {
            b"t" => walk.in_text = false,
            b"r" => {
                if let Some(p) = walk.paras.last_mut() {
                    p.run = None;
                }
            }
            b"p" => {
                if let Some(p) = walk.paras.pop() {
                    self.finish_para(walk, p);
                }
            }
            b"tbl" => {
                if let Some(t) = walk.tables.pop() {
                    self.finish_table(walk, t);
                }
            }
            _ => {}
        }
    }

    /// A finished paragraph goes to the paragraph that anchors it (a text
    /// box), to its table cell, or to the output; its notes follow it.
    fn finish_para(&mut self, walk: &mut Walk, p: Para) {
        let mut extra = Vec::new();
        for (kind, id, number) in &p.notes {
            if !self.used_notes.insert((*kind, id.clone())) {
                continue;
            }
            let source = match kind {
                NoteKind::Footnote => self.footnotes.get(id),
                NoteKind::Endnote => self.endnotes.get(id),
            };
            let Some(blocks) = source else { continue };
            let mark = superscript(*number);
            let numbered = blocks.iter().map(|b| Block {
                text: b.text.replace(NOTE_MARK, &mark),
                footnote: (*kind == NoteKind::Footnote).then_some(*number),
                endnote: (*kind == NoteKind::Endnote).then_some(*number),
                ..b.clone()
            });
            match kind {
                NoteKind::Footnote => extra.extend(numbered),
                // Endnotes print at the end of the document.
                NoteKind::Endnote => self.endnote_blocks.extend(numbered),
            }
        }
        extra.extend(p.deferred);
        let text = p.text;
        let own = (!text.trim().is_empty()).then(|| walk.block(text.clone()));
        if let Some(parent) = walk.paras.last_mut() {
            parent.deferred.extend(own);
            parent.deferred.extend(extra);
        } else if let Some(table) = walk.tables.last_mut() {
            if let Some(cell) = table.rows.last_mut().and_then(|r| r.last_mut()) {
                if !text.trim().is_empty() {
                    // A cell paragraph stays on its row's line.
                    cell.paras.push(text.replace(['\n', '\t'], " "));
                }
            }
            table.after.extend(extra);
        } else {
            walk.out.extend(own);
            walk.out.extend(extra);
        }
    }

    /// A finished table: one line per paragraph level of each row, cells
    /// joined by tabs, each piece knowing its cell. A table inside a cell
    /// joins that cell's paragraphs in reading order.
    fn finish_table(&mut self, walk: &mut Walk, t: Table) {
        if let Some(outer) = walk.tables.last_mut() {
            if walk.paras.is_empty() {
                if let Some(cell) = outer.rows.last_mut().and_then(|r| r.last_mut()) {
                    for row in t.rows {
                        for c in row {
                            cell.paras.extend(c.paras);
                        }
                    }
                }
                outer.after.extend(t.after);
                return;
            }
        }
        let index = self.tables;
        self.tables += 1;
        let cell_text = |c: &Cell| c.paras.join(" ");
        let header_row: Vec<(u32, String)> = t
            .rows
            .first()
            .map(|r| r.iter().map(|c| (c.column, cell_text(c))).collect())
            .unwrap_or_default();
        let kind = match walk.kind {
            BlockKind::Body => BlockKind::Table,
            k => k,
        };
        let mut blocks = Vec::new();
        let mut first = true;
        for (r, row) in t.rows.iter().enumerate() {
            let levels = row.iter().map(|c| c.paras.len()).max().unwrap_or(0);
            let row_header = row.first().map(cell_text);
            let cells: Vec<Arc<TableCell>> = row
                .iter()
                .map(|c| {
                    let column_header = header_row
                        .iter()
                        .rev()
                        .find(|(col, _)| *col <= c.column)
                        .map(|(_, text)| text.clone());
                    Arc::new(TableCell {
                        table: index,
                        row: u32::try_from(r).unwrap_or(u32::MAX),
                        column: c.column,
                        row_header: row_header.clone().filter(|h| c.column > 0 && !h.is_empty()),
                        column_header: column_header.filter(|h| r > 0 && !h.is_empty()),
                    })
                })
                .collect();
            for level in 0..levels {
                let last = row.iter().rposition(|c| c.paras.len() > level).unwrap_or(0);
                for (i, c) in row.iter().enumerate().take(last + 1) {
                    let join = if i > 0 {
                        Join::Tab
                    } else if first {
                        Join::Paragraph
                    } else {
                        Join::Line
                    };
                    first = false;
                    blocks.push(Block {
                        text: c.paras.get(level).cloned().unwrap_or_default(),
                        kind,
                        join,
                        cell: Some(cells[i].clone()),
                        ..Block::default()
                    });
                }
            }
        }
        blocks.extend(t.after);
        if let Some(p) = walk.paras.last_mut() {
            p.deferred.extend(blocks);
        } else {
            walk.out.extend(blocks);
        }
    }
}

/// The character an entity reference stands for, when it is defined.
fn entity_char(g: &quick_xml::events::BytesRef) -> Option<char> {
    if let Ok(Some(c)) = g.resolve_char_ref() {
        return Some(c);
    }
    match g.as_ref() {
        b"amp" => Some('&'),
        b"lt" => Some('<'),
        b"gt" => Some('>'),
        b"quot" => Some('"'),
        b"apos" => Some('\''),
        _ => None,
    }
}

/// Elements whose content Word does not show, or shows elsewhere: deleted
/// and moved-away text, old formatting, field codes, and the VML copy of a
/// text box already read from `mc:Choice`.
fn skipped(local: &[u8]) -> bool {
    matches!(
        local,
        b"del"
            | b"moveFrom"
            | b"rPrChange"
            | b"pPrChange"
            | b"instrText"
            | b"delText"
            | b"delInstrText"
            | b"Fallback"
    )
}

impl Walk {
    fn new(kind: BlockKind) -> Self {
        Walk {
            kind,
            out: Vec::new(),
            paras: Vec::new(),
            tables: Vec::new(),
            fields: Vec::new(),
            in_text: false,
            depth: 0,
        }
    }

    fn run_mut(&mut self) -> Option<&mut Run> {
        self.paras.last_mut().and_then(|p| p.run.as_mut())
    }

    /// Text shows unless it is a field's code (before its `separate`) or
    /// set hidden.
    fn visible(&self) -> bool {
        let hidden = self
            .paras
            .last()
            .and_then(|p| p.run.as_ref())
            .is_some_and(|r| r.hidden);
        !hidden && self.fields.iter().all(|separated| *separated)
    }

    fn push_raw(&mut self, s: &str) {
        if !self.visible() {
            return;
        }
        if let Some(p) = self.paras.last_mut() {
            p.text.push_str(s);
        }
    }

    /// A `w:t`'s text, through the legacy-font hook with the run's font.
    fn push_text(&mut self, s: &str, reader: &Reader) {
        if !self.visible() {
            return;
        }
        let Some(p) = self.paras.last_mut() else {
            return;
        };
        let font = p.run.as_ref().and_then(|run| {
            run.font
                .as_deref()
                .or_else(|| run.style.as_deref().and_then(|s| reader.styles.font(s)))
        });
        let font = font
            .or_else(|| p.style.as_deref().and_then(|s| reader.styles.font(s)))
            .or(reader.styles.default.as_deref());
        match (reader.decode)(font, s) {
            Some(decoded) => p.text.push_str(&decoded),
            None => p.text.push_str(s),
        }
    }

    fn block(&self, text: String) -> Block {
        Block {
            text,
            kind: self.kind,
            ..Block::default()
        }
    }
}

/// `12` → `¹²`: the mark Word prints for note 12.
fn superscript(n: u32) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    n.to_string()
        .bytes()
        .map(|d| DIGITS[usize::from(d - b'0')])
        .collect()
}

/// Tables numbered in the order they appear in the text (page headers
/// first, footnote tables where the footnote lands).
fn number_tables(blocks: &mut [Block]) {
    let mut renumbered: HashMap<u32, u32> = HashMap::new();
    let mut last: Option<(Arc<TableCell>, Arc<TableCell>)> = None;
    for b in blocks.iter_mut() {
        let Some(cell) = b.cell.as_ref() else {
            continue;
        };
        if let Some((from, to)) = &last {
            if Arc::ptr_eq(from, cell) {
                b.cell = Some(to.clone());
                continue;
            }
        }
        let next = u32::try_from(renumbered.len()).unwrap_or(u32::MAX);
        let table = *renumbered.entry(cell.table).or_insert(next);
        let new = Arc::new(TableCell {
            table,
            ..(**cell).clone()
        });
        last = Some((cell.clone(), new.clone()));
        b.cell = Some(new);
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml""#;
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    /// A DOCX with `body` as the content of w:body and extra parts, each
    /// `(relationship type, part name, xml)`.
    fn docx(body: &str, parts: &[(&str, &str, &str)]) -> Vec<u8> {
        let document = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}</w:body></w:document>"#
        );
        docx_of(document.as_bytes(), parts)
    }

    /// A package around `document` (the bytes of word/document.xml).
    fn docx_of(document: &[u8], parts: &[(&str, &str, &str)]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let mut put = |name: &str, xml: &[u8]| {
            zip.start_file(name, opts).unwrap();
            zip.write_all(xml).unwrap();
        };
        put(
            "[Content_Types].xml",
            br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#,
        );
        put(
            "_rels/.rels",
            &format!(
                r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="{REL}/officeDocument" Target="word/document.xml"/></Relationships>"#
            )
            .into_bytes(),
        );
        let rels: String = parts
            .iter()
            .enumerate()
            .map(|(i, (kind, name, _))| {
                format!(r#"<Relationship Id="p{i}" Type="{REL}/{kind}" Target="{name}"/>"#)
            })
            .collect();
        put(
            "word/_rels/document.xml.rels",
            &format!(
                r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
            )
            .into_bytes(),
        );
        put("word/document.xml", document);
        for (_, name, xml) in parts {
            put(&format!("word/{name}"), xml.as_bytes());
        }
        zip.finish().unwrap().into_inner()
    }

    fn p(runs: &str) -> String {
        format!("<w:p>{runs}</w:p>")
    }

    fn r(text: &str) -> String {
        format!(r#"<w:r><w:t xml:space="preserve">{text}</w:t></w:r>"#)
    }

    fn texts(doc: &Document) -> Vec<&str> {
        doc.blocks.iter().map(|b| b.text.as_str()).collect()
    }

    #[test]
    fn tracked_insertions_show_and_deletions_do_not() {
        let body = p(&format!(
            r#"{}<w:ins w:id="1"><w:r><w:t>06/2013/NĐ-CP</w:t></w:r></w:ins><w:del w:id="2"><w:r><w:delText>38/NĐ-CP</w:delText></w:r></w:del>{}"#,
            r("Nghị định số "),
            r(" ngày 09/01/2013")
        ));
        let doc = read_docx(&docx(&body, &[])).unwrap();
        assert_eq!(texts(&doc), ["Nghị định số 06/2013/NĐ-CP ngày 09/01/2013"]);
    }

    #[test]
    fn a_field_shows_its_result_not_its_code() {
        let body = p(&format!(
            r#"{}<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> DATE \@ "dd/MM/yyyy" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>{}<w:r><w:fldChar w:fldCharType="end"/></w:r><w:fldSimple w:instr="PAGE">{}</w:fldSimple>"#,
            r("Ngày "),
            r("15/8/2014"),
            r(" trang 3")
        ));
        let doc = read_docx(&docx(&body, &[])).unwrap();
        assert_eq!(texts(&doc), ["Ngày 15/8/2014 trang 3"]);
    }

    #[test]
    fn strict_open_xml_is_read_like_transitional() {
        let bytes = docx(&p(&r("x")), &[]);
        let strict = {
            let mut pkg = Package::open(&bytes, MAX_PART_BYTES).unwrap();
            let xml = String::from_utf8(pkg.part("word/document.xml").unwrap().unwrap()).unwrap();
            let xml = xml
                .replace(
                    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                    "http://purl.oclc.org/ooxml/wordprocessingml/main",
                )
                .replace(">x<", ">Thông tư số 23/2012/TT-BCA<");
            let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
            zip.start_file(
                "word/document.xml",
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            zip.write_all(xml.as_bytes()).unwrap();
            zip.finish().unwrap().into_inner()
        };
        let doc = read_docx(&strict).unwrap();
        assert_eq!(texts(&doc), ["Thông tư số 23/2012/TT-BCA"]);
    }

    #[test]
    fn hidden_text_is_left_out_like_word_leaves_it_off_the_page() {
        let body = p(&format!(
            r#"{}<w:r><w:rPr><w:vanish/></w:rPr><w:t>99/2020/NĐ-CP</w:t></w:r><w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>06/2013/NĐ-CP</w:t></w:r>"#,
            r("Nghị định số ")
        ));
        let doc = read_docx(&docx(&body, &[])).unwrap();
        assert_eq!(texts(&doc), ["Nghị định số 06/2013/NĐ-CP"]);
    }

    #[test]
    fn a_text_box_is_read_once_after_its_paragraph() {
        let box_para = p(&r("Kế hoạch số 50/KH-UBND"));
        let body = p(&format!(
            r#"{}<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>{box_para}</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox><w:txbxContent>{box_para}</w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r>{}"#,
            r("Trước"),
            r(" sau")
        ));
        let doc = read_docx(&docx(&body, &[])).unwrap();
        assert_eq!(texts(&doc), ["Trước sau", "Kế hoạch số 50/KH-UBND"]);
    }

    #[test]
    fn tabs_and_breaks_become_tab_and_newline_and_entities_decode() {
        let body = p(
            r#"<w:r><w:t>A &amp; B</w:t><w:tab/><w:t>C</w:t><w:br/><w:t>&#272;&#7890;</w:t></w:r>"#,
        );
        let doc = read_docx(&docx(&body, &[])).unwrap();
        assert_eq!(texts(&doc), ["A & B\tC\nĐỒ"]);
    }

    #[test]
    fn page_headers_come_first_and_footers_last_each_once() {
        let hdr = format!(r#"<w:hdr {W}>{}</w:hdr>"#, p(&r("Số: 12/BC-UBND")));
        let ftr = format!(r#"<w:ftr {W}>{}</w:ftr>"#, p(&r("Trang cuối")));
        let doc = read_docx(&docx(
            &p(&r("Nội dung")),
            &[
                ("header", "header1.xml", &hdr),
                ("header", "header2.xml", &hdr),
                ("footer", "footer1.xml", &ftr),
            ],
        ))
        .unwrap();
        assert_eq!(texts(&doc), ["Số: 12/BC-UBND", "Nội dung", "Trang cuối"]);
        let kinds: Vec<BlockKind> = doc.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            [BlockKind::Header, BlockKind::Body, BlockKind::Footer]
        );
    }

    #[test]
    fn text_read_from_the_checked_part_is_what_the_decoder_gives() {
        let crlf = read_docx(&docx(&p(&r("dòng một\r\ndòng hai\rba")), &[])).unwrap();
        let lf = read_docx(&docx(&p(&r("dòng một\ndòng hai\nba")), &[])).unwrap();
        assert_eq!(texts(&crlf), texts(&lf));
        // A byte that is not UTF-8 outside any text is no error; inside text it is.
        let document = |bad_in_text: bool| {
            let mut xml = format!(r#"<w:document {W}><w:body>"#).into_bytes();
            xml.extend_from_slice(b"<w:p><w:r><w:t>");
            xml.extend_from_slice(if bad_in_text { b"a\xFFb" } else { b"ab" });
            xml.extend_from_slice(b"</w:t></w:r></w:p><!-- \xFF --></w:body></w:document>");
            docx_of(&xml, &[])
        };
        assert_eq!(texts(&read_docx(&document(false)).unwrap()), ["ab"]);
        let err = read_docx(&document(true)).unwrap_err().to_string();
        assert!(err.contains("not UTF-8"), "{err}");
    }

    #[test]
    fn endnotes_follow_the_body_with_their_number() {
        let notes = format!(
            r#"<w:endnotes {W}><w:endnote w:type="separator" w:id="0"><w:p><w:r><w:separator/></w:r></w:p></w:endnote><w:endnote w:id="1"><w:p><w:r><w:endnoteRef/></w:r>{}</w:p></w:endnote></w:endnotes>"#,
            r(" Công văn số 1010/UBND-NC")
        );
        let body = p(&format!(
            r#"{}<w:r><w:endnoteReference w:id="1"/></w:r>"#,
            r("Theo văn bản")
        )) + &p(&r("Đoạn cuối"));
        let doc = read_docx(&docx(&body, &[("endnotes", "endnotes.xml", &notes)])).unwrap();
        assert_eq!(
            texts(&doc),
            ["Theo văn bản¹", "Đoạn cuối", "¹ Công văn số 1010/UBND-NC"]
        );
        assert_eq!(doc.blocks[2].endnote, Some(1));
        assert_eq!(doc.blocks[2].footnote, None);
    }

    /// Records the font each run was decoded with: `[font|text]`.
    fn tag_font(font: Option<&str>, text: &str) -> Option<String> {
        Some(format!("[{}|{text}]", font.unwrap_or("-")))
    }

    #[test]
    fn the_legacy_font_hook_gets_each_runs_font_direct_or_from_its_style() {
        let styles = format!(
            r#"<w:styles {W}><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/></w:rPr></w:rPrDefault></w:docDefaults><w:style w:styleId="Legacy"><w:rPr><w:rFonts w:ascii=".VnTime" w:hAnsi=".VnTime"/></w:rPr></w:style><w:style w:styleId="LegacyBold"><w:basedOn w:val="Legacy"/></w:style></w:styles>"#
        );
        let fonts = format!(
            r#"<w:fonts {W}><w:font w:name=".VnTime"/><w:font w:name="VNI-Times"/></w:fonts>"#
        );
        let body = p(&format!(
            r#"<w:r><w:rPr><w:rFonts w:ascii="VNI-Times" w:hAnsi="VNI-Times"/></w:rPr><w:t>a</w:t></w:r><w:r><w:rPr><w:rStyle w:val="LegacyBold"/></w:rPr><w:t>b</w:t></w:r>{}"#,
            r("c")
        )) + &format!(
            r#"<w:p><w:pPr><w:pStyle w:val="Legacy"/></w:pPr>{}</w:p>"#,
            r("d")
        );
        let bytes = docx(
            &body,
            &[
                ("styles", "styles.xml", &styles),
                ("fontTable", "fontTable.xml", &fonts),
            ],
        );
        let doc = read_docx_with(&bytes, tag_font, MAX_PART_BYTES).unwrap();
        assert_eq!(
            texts(&doc),
            ["[VNI-Times|a][.VnTime|b][Times New Roman|c]", "[.VnTime|d]"]
        );
    }

    #[test]
    fn runs_in_tcvn3_and_vni_fonts_are_decoded_and_uppercase_fonts_give_capitals() {
        // "Nghị định" as each font's bytes, stored the way Word stores them:
        // one Windows-1252 character per byte.
        let run = |font: &str, text: &str| {
            format!(
                r#"<w:r><w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}"/></w:rPr><w:t>{text}</w:t></w:r>"#
            )
        };
        let body = p(&run(".VnTime", "Ngh\u{DE} \u{AE}\u{DE}nh"))
            + &p(&run("VNI-Times", "Ngh\u{F2} \u{F1}\u{F2}nh"))
            + &p(&run(".VnTimeH", "ngh\u{DE} \u{AE}\u{DE}nh"))
            + &p(&run("Times New Roman", "Nghị định"));
        let fonts = format!(
            r#"<w:fonts {W}><w:font w:name=".VnTime"/><w:font w:name="VNI-Times"/></w:fonts>"#
        );
        let bytes = docx(&body, &[("fontTable", "fontTable.xml", &fonts)]);
        let doc = read_docx(&bytes).unwrap();
        assert_eq!(
            texts(&doc),
            ["Nghị định", "Nghị định", "NGHỊ ĐỊNH", "Nghị định"]
        );
    }

    /// Sets the declared uncompressed size of `name` in both the local and
    /// the central header, as a forged zip would.
    fn declare_size(bytes: &mut [u8], name: &str, size: u32) {
        let mut at = 0;
        while let Some(i) = bytes[at..]
            .windows(name.len())
            .position(|w| w == name.as_bytes())
        {
            let name_at = at + i;
            // Local header: name at 30, size at 22; central: name at 46, size at 24.
            for (sig, name_off, size_off) in [(b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)] {
                if let Some(h) = name_at.checked_sub(name_off) {
                    if &bytes[h..h + 4] == sig {
                        bytes[h + size_off..h + size_off + 4].copy_from_slice(&size.to_le_bytes());
                    }
                }
            }
            at = name_at + name.len();
        }
    }

    #[test]
    fn a_part_declared_larger_than_the_cap_is_refused_before_inflating() {
        let big = p(&r(&"x".repeat(20_000)));
        let bytes = docx(&big, &[]);
        let err = read_docx_with(&bytes, decode_legacy_run, 4096).unwrap_err();
        assert_eq!(err.kind(), "too_large", "{err}");
        assert!(err.to_string().contains("word/document.xml"), "{err}");
    }

    #[test]
    fn a_part_that_lies_about_its_size_is_stopped_at_the_cap() {
        let big = p(&r(&"x".repeat(20_000)));
        let mut bytes = docx(&big, &[]);
        declare_size(&mut bytes, "word/document.xml", 100);
        let err = read_docx_with(&bytes, decode_legacy_run, 4096).unwrap_err();
        // The zip reader inflates past the declared size; the cap stops it.
        assert!(matches!(err.kind(), "too_large"), "{}: {err}", err.kind());
    }

    #[test]
    fn a_footnote_mark_does_not_glue_to_the_number_before_it() {
        let notes = format!(
            r#"<w:footnotes {W}><w:footnote w:id="3"><w:p><w:r><w:footnoteRef/></w:r>{}</w:p></w:footnote></w:footnotes>"#,
            r(" Số liệu năm 2013")
        );
        let body = p(&format!(
            r#"{}<w:r><w:footnoteReference w:id="3"/></w:r>{}"#,
            r("Có 1.212"),
            r(" khu dân cư")
        ));
        let bytes = docx(&body, &[("footnotes", "footnotes.xml", &notes)]);
        let patterns = crate::patterns::Patterns::embedded().unwrap();
        let pipeline = crate::batch::Pipeline::new(&patterns).unwrap();
        let (rec, norm) = pipeline.process_bytes("t.docx".into(), &bytes, Some("docx"));
        assert_eq!(
            norm.map(|n| n.text).as_deref(),
            Some("Có 1.212¹ khu dân cư\n\n¹ Số liệu năm 2013")
        );
        let numbers: Vec<(f64, Option<u32>)> = rec
            .numbers
            .iter()
            .map(|n| (n.value, n.span.footnote))
            .collect();
        assert_eq!(
            numbers,
            [(1212.0, None)],
            "not 12121, and the year in the note is a year"
        );
    }

    fn cell(paras: &[&str]) -> String {
        let body: String = paras.iter().map(|t| p(&r(t))).collect();
        format!("<w:tc>{body}</w:tc>")
    }

    #[test]
    fn a_word_header_table_gives_issuer_number_place_and_date_to_the_metadata() {
        // The usual layout: one row, issuer and number left, motto and date right.
        let header = format!(
            "<w:tbl><w:tr>{}{}</w:tr></w:tbl>",
            cell(&["ỦY BAN NHÂN DÂN", "HUYỆN VĨNH BẢO", "Số: 12/BC-UBND"]),
            cell(&[
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Độc lập - Tự do - Hạnh phúc",
                "Vĩnh Bảo, ngày 05 tháng 4 năm 2024",
            ])
        );
        let body = header + &p(&r("BÁO CÁO")) + &p(&r("Kết quả công tác năm 2023"));
        let patterns = crate::patterns::Patterns::embedded().unwrap();
        let pipeline = crate::batch::Pipeline::new(&patterns).unwrap();
        let (rec, norm) = pipeline.process_bytes("h.docx".into(), &docx(&body, &[]), None);
        let text = norm.map(|n| n.text).unwrap_or_default();
        assert!(
            text.starts_with("ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nHUYỆN VĨNH BẢO\tĐộc lập - Tự do - Hạnh phúc\nSố: 12/BC-UBND\tVĩnh Bảo, ngày 05 tháng 4 năm 2024\n\nBÁO CÁO"),
            "{text:?}"
        );
        let m = &rec.metadata;
        let got = (
            m.issuer.as_ref().map(|i| i.text.as_str()),
            m.number.as_ref().and_then(|n| n.id.as_deref()),
            m.place.as_ref().map(|p| p.text.as_str()),
            m.date.as_ref().map(|d| d.value.as_str()),
            m.doc_type.as_ref().map(|t| t.value.as_str()),
        );
        assert_eq!(
            got,
            (
                Some("ỦY BAN NHÂN DÂN HUYỆN VĨNH BẢO"),
                Some("12/BC-UBND"),
                Some("Vĩnh Bảo"),
                Some("2024-04-05"),
                Some("Báo cáo")
            )
        );
        // The number's own legal reference knows its cell.
        let own = rec
            .legal_references
            .iter()
            .find(|l| l.id.as_deref() == Some("12/BC-UBND"))
            .and_then(|l| l.span.cell.as_deref())
            .map(|c| (c.row, c.column));
        assert_eq!(own, Some((0, 0)));
    }

    /// xorshift, so a failure reproduces.
    fn next_random(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    /// A one-part zip: `data` under `name`, stored or deflated.
    fn zip_of(name: &str, data: &[u8], method: zip::CompressionMethod) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default().compression_method(method);
        zip.start_file(name, opts).unwrap();
        zip.write_all(data).unwrap();
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn parts_read_from_the_zips_bytes_are_checked_against_their_crc() {
        let text = "<w:t>Nghị định số 06/2013/NĐ-CP</w:t>".repeat(200);
        for method in [
            zip::CompressionMethod::Stored,
            zip::CompressionMethod::Deflated,
        ] {
            let bytes = zip_of("word/document.xml", text.as_bytes(), method);
            let mut pkg = Package::open(&bytes, MAX_PART_BYTES).unwrap();
            let got = pkg.part("word/document.xml").unwrap().unwrap();
            assert_eq!(String::from_utf8(got).unwrap(), text, "{method:?}");
            assert!(pkg.part("word/footnotes.xml").unwrap().is_none());
            // The same part, capped one byte short of its size.
            let mut small = Package::open(&bytes, text.len() as u64 - 1).unwrap();
            let err = small.part("word/document.xml").unwrap_err();
            assert_eq!(err.kind(), "too_large", "{method:?}: {err}");
        }
        // A stored part's byte changed: the text would read, the CRC says no.
        let mut bytes = zip_of(
            "word/document.xml",
            text.as_bytes(),
            zip::CompressionMethod::Stored,
        );
        let at = bytes.windows(4).position(|w| w == b"06/2").unwrap();
        bytes[at] = b'9';
        let mut pkg = Package::open(&bytes, MAX_PART_BYTES).unwrap();
        let err = pkg.part("word/document.xml").unwrap_err();
        assert!(err.to_string().contains("CRC-32"), "{err}");
    }

    #[test]
    fn damaged_xml_and_damaged_zips_give_errors_or_text_never_a_panic() {
        let twin = include_bytes!("../../corpus/docx/001_f29798a23b287fe6.docx");
        let mut pkg = Package::open(twin, MAX_PART_BYTES).unwrap();
        let xml = pkg.part("word/document.xml").unwrap().unwrap();
        let notes = pkg.part("word/footnotes.xml").unwrap().unwrap();
        let notes = String::from_utf8(notes).unwrap();
        let mut state = 0x2545_F491_4F6C_DD1D_u64;
        let (mut ok, mut failed) = (0, 0);
        for round in 0..100 {
            let mut bad = xml.clone();
            // Cut the XML short, or overwrite a few bytes with markup.
            if round % 4 == 0 {
                let len = bad.len();
                bad.truncate((next_random(&mut state) as usize) % len);
            } else {
                for _ in 0..(1 + round % 5) {
                    let at = (next_random(&mut state) as usize) % bad.len();
                    let with = b"<>&/\"w:p\xff\x00"[(next_random(&mut state) % 9) as usize];
                    bad[at] = with;
                }
            }
            let body = String::from_utf8_lossy(&bad);
            let inner = body
                .split_once("<w:body>")
                .and_then(|(_, b)| b.rsplit_once("</w:body>"))
                .map_or(body.as_ref(), |(b, _)| b);
            let bytes = docx(inner, &[("footnotes", "footnotes.xml", &notes)]);
            match read_docx(&bytes) {
                Ok(_) => ok += 1,
                Err(e) => {
                    assert_eq!(e.kind(), "invalid_docx", "{e}");
                    failed += 1;
                }
            }
        }
        assert!(
            ok > 0 && failed > 0,
            "both outcomes occur: {ok} ok, {failed} failed"
        );
        // Bytes of the zip itself: CRCs, headers, compressed data.
        for _ in 0..200 {
            let mut bad = twin.to_vec();
            for _ in 0..3 {
                let at = (next_random(&mut state) as usize) % bad.len();
                bad[at] ^= 1 << (next_random(&mut state) % 8);
            }
            if let Err(e) = read_docx(&bad) {
                assert!(matches!(e.kind(), "invalid_docx" | "too_large"), "{e}");
            }
        }
    }

    #[test]
    fn superscript_numbers_are_the_marks_word_prints() {
        assert_eq!(superscript(1), "¹");
        assert_eq!(superscript(12), "¹²");
        assert_eq!(superscript(305), "³⁰⁵");
    }
}
