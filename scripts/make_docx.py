#!/usr/bin/env python3
"""Builds corpus/docx/<stem>.docx, the Word twin of each corpus/<stem>.txt.

Re-runnable and deterministic (fixed zip timestamps and document dates), so a
second run gives byte-identical files. Needs python-docx (`pip install
python-docx`).

The twins hold the same text as the TXT files, laid out as Word reports are:
- the header lines (`Số: …` and `<place>, ngày …`) go into a borderless
  2-column table with the national motto, as Nghị định 30/2020 lays them out
  (the TXT files lost the issuer block, so the issuer cell stays empty rather
  than invented);
- a TXT paragraph is one Word paragraph; its single line breaks become
  `w:br`, so the normalized text matches the TXT twin;
- footnotes (report 001: a paragraph starting with `¹ `…`⁵ `, referenced by
  the same superscript digit in the body) become real Word footnotes in
  word/footnotes.xml, which python-docx cannot write, so that part is added
  here by hand;
- report 004's yearly `+ Năm 2013: 1.212/1.273 khu dân cư (95,2%), …` lines
  become one table: a row per year, a column per kind of unit.
"""

import io
import re
import sys
import zipfile
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parent.parent
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MOTTO = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
NUMBER_LINE = re.compile(r"^Số\s*:")
PLACE_DATE = re.compile(r"^[^,\n]{1,40},\s*ngày\b")
YEAR_ROW = re.compile(r"^\+ (Năm \d{4}):\s*(.*?)\.?\s*$")
UNITS = ["khu dân cư", "xã, phường, thị trấn", "cơ quan, doanh nghiệp", "nhà trường"]


def paragraphs(text):
    """TXT paragraphs as the TXT reader sees them: runs of non-blank lines."""
    out, cur = [], []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            cur.append(line)
        elif cur:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def footnote_number(s):
    digits = ""
    for ch in s:
        if ch in SUPERSCRIPTS:
            digits += str(SUPERSCRIPTS.index(ch))
        else:
            break
    return int(digits) if digits and s[len(digits):len(digits) + 1] == " " else None


def add_text(p, text, marks=()):
    """Adds `text` to paragraph `p`; the superscript digits starting at the
    offsets in `marks` become footnote references (others, like `km²`, stay)."""
    buf = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in SUPERSCRIPTS and i in marks:
            j = i
            while j < len(text) and text[j] in SUPERSCRIPTS:
                j += 1
            if buf:
                p.add_run(buf)
                buf = ""
            num = int("".join(str(SUPERSCRIPTS.index(c)) for c in text[i:j]))
            run = p.add_run()
            rpr = run._r.get_or_add_rPr()
            va = OxmlElement("w:vertAlign")
            va.set(qn("w:val"), "superscript")
            rpr.append(va)
            ref = OxmlElement("w:footnoteReference")
            ref.set(qn("w:id"), str(num))
            run._r.append(ref)
            i = j
            continue
        buf += ch
        i += 1
    if buf:
        p.add_run(buf)


def add_paragraph(doc_or_cell, lines, marks=()):
    """One Word paragraph; `marks` holds (line, offset) of footnote marks."""
    p = doc_or_cell.add_paragraph()
    for k, line in enumerate(lines):
        if k:
            p.runs[-1].add_break() if p.runs else p.add_run().add_break()
        add_text(p, line, {o for (l, o) in marks if l == k})
    return p


def sup(n):
    return "".join(SUPERSCRIPTS[int(d)] for d in str(n))


def note_marks(paras):
    """Where each footnote is cited: the last occurrence of its superscript
    number in the nearest body paragraph before the footnote's own paragraph.
    Returns {paragraph index: [(line, offset)]}."""
    marks = {}
    for k, lines in enumerate(paras):
        num = footnote_number(lines[0])
        if num is None or len(lines) != 1:
            continue
        for b in range(k - 1, -1, -1):
            if footnote_number(paras[b][0]) is not None:
                continue
            hits = [(l, m.start()) for l, line in enumerate(paras[b])
                    for m in re.finditer(re.escape(sup(num)) + "(?![" + SUPERSCRIPTS + "])", line)]
            if hits:
                marks.setdefault(b, []).append(hits[-1])
                break
    return marks


def set_cell(cell, lines):
    """Fills a table cell with one paragraph per line (the first exists already)."""
    first = cell.paragraphs[0]
    for k, line in enumerate(lines):
        p = first if k == 0 else cell.add_paragraph()
        add_text(p, line)


def footnotes_xml(notes):
    def esc(s):
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    parts = [
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W_NS}">',
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>',
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>',
    ]
    for num, text in notes:
        parts.append(
            f'<w:footnote w:id="{num}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
            '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
            f'<w:r><w:t xml:space="preserve"> {esc(text)}</w:t></w:r></w:p></w:footnote>'
        )
    parts.append("</w:footnotes>")
    return "".join(parts).encode("utf-8")


def year_cells(rest):
    """`1.212/1.273 khu dân cư (95,2%), 159/159 xã, … (100%)` → one cell per unit."""
    cells = {}
    for unit in UNITS:
        # `<figures> <unit> (<pct>)` (2013–2015) or `<figures> (<pct>) <unit>` (2016–2017).
        m = re.search(r"([\d./]+)\s+" + re.escape(unit) + r"\s*(\([\d,]+%\))", rest) or re.search(
            r"([\d./]+)\s*(\([\d,]+%\))\s*" + re.escape(unit), rest
        )
        if m:
            cells[unit] = f"{m.group(1)} {m.group(2)}"
    return cells


def build(txt_path, out_path):
    text = txt_path.read_text(encoding="utf-8-sig")
    paras = paragraphs(text)
    marks = note_marks(paras)
    notes = []
    body = []  # (lines, footnote marks)
    for k, lines in enumerate(paras):
        num = footnote_number(lines[0])
        if num is not None and len(lines) == 1:
            notes.append((num, lines[0][len(str(num)) + 1:]))
            continue
        # Yearly `+ Năm YYYY:` lines become table rows even inside a paragraph.
        segment = []
        for line in lines:
            if bool(YEAR_ROW.match(line)) != bool(segment and YEAR_ROW.match(segment[0])) and segment:
                body.append((segment, []))
                segment = []
            segment.append(line)
        if len(segment) == len(lines):
            body.append((lines, marks.get(k, [])))
        else:
            body.append((segment, []))

    doc = docx.Document()
    # Header block: the `Số:` and place-date paragraphs at the top, beside the motto.
    head = []
    while body and len(head) < 2 and len(body[0][0]) == 1 and (
        NUMBER_LINE.match(body[0][0][0].strip()) or PLACE_DATE.match(body[0][0][0].strip())
    ):
        head.append(body.pop(0)[0][0].strip())
    if head:
        table = doc.add_table(rows=2, cols=2)
        number = next((h for h in head if NUMBER_LINE.match(h)), None)
        place = next((h for h in head if PLACE_DATE.match(h)), None)
        set_cell(table.cell(0, 1), MOTTO)
        if number:
            set_cell(table.cell(1, 0), [number])
        if place:
            set_cell(table.cell(1, 1), [place])

    i = 0
    while i < len(body):
        lines, para_marks = body[i]
        # A run of `+ Năm YYYY:` lines (one TXT paragraph or several) becomes one table.
        rows = []
        j = i
        while j < len(body) and all(YEAR_ROW.match(l) for l in body[j][0]):
            rows.extend(body[j][0])
            j += 1
        if len(rows) >= 2:
            table = doc.add_table(rows=len(rows) + 1, cols=len(UNITS) + 1)
            table.style = "Table Grid"
            set_cell(table.cell(0, 0), ["Năm"])
            for c, unit in enumerate(UNITS):
                set_cell(table.cell(0, c + 1), [unit])
            for r, line in enumerate(rows):
                m = YEAR_ROW.match(line)
                cells = year_cells(m.group(2))
                set_cell(table.cell(r + 1, 0), [m.group(1)])
                for c, unit in enumerate(UNITS):
                    if unit in cells:
                        set_cell(table.cell(r + 1, c + 1), [cells[unit]])
            i = j
            continue
        add_paragraph(doc, lines, para_marks)
        i += 1

    # python-docx starts from a template with one empty paragraph; drop it.
    first = doc.paragraphs[0] if doc.paragraphs else None
    if first is not None and not first.text and first._p.getparent() is not None:
        first._p.getparent().remove(first._p)

    if notes:
        part = Part(
            PackURI("/word/footnotes.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
            footnotes_xml(notes),
            doc.part.package,
        )
        doc.part.relate_to(part, RT.FOOTNOTES)

    props = doc.core_properties
    props.author = "vanban corpus"
    props.last_modified_by = "vanban corpus"
    props.revision = 1
    import datetime

    fixed = datetime.datetime(2024, 1, 1)
    props.created = fixed
    props.modified = fixed
    props.last_printed = fixed

    raw = io.BytesIO()
    doc.save(raw)
    # Fixed timestamps in the zip, so re-running gives the same bytes.
    src = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed_info = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed_info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed_info, src.read(info.filename))
    out_path.write_bytes(out.getvalue())
    return len(notes)


def main():
    out_dir = ROOT / "corpus" / "docx"
    out_dir.mkdir(parents=True, exist_ok=True)
    for txt in sorted((ROOT / "corpus").glob("*.txt")):
        out = out_dir / (txt.stem + ".docx")
        notes = build(txt, out)
        print(f"{out.relative_to(ROOT)}: {out.stat().st_size} bytes, {notes} footnotes", file=sys.stderr)


if __name__ == "__main__":
    main()
