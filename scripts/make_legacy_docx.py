#!/usr/bin/env python3
"""Builds tests/fixtures/legacy/docx-<variant>/<stem>.docx: Word files whose runs
are set in a legacy font and hold that font's bytes, as old Word documents do.

The bytes are the TCVN3 and VNI fixtures in tests/fixtures/legacy/, which a
converter we did not write made from the corpus (scripts/make_legacy_fixtures.py).
Word keeps such text as one character per byte, the Windows-1252 character
where there is one, so that is what goes into the XML. Each paragraph of the
TXT (a run of non-blank lines) is a paragraph, its line breaks `w:br`.
Re-runnable: `python3 scripts/make_legacy_docx.py` (needs python-docx).
"""

import datetime
import io
import zipfile
from pathlib import Path

import docx
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "legacy"
FONTS = {"tcvn3": ".VnTime", "vni": "VNI-Times"}
FIXED = datetime.datetime(2024, 1, 1)


def word_char(b):
    """The character Word stores for a legacy byte."""
    if b < 0x80:
        return chr(b)
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: no cp1252 character
        return chr(b)


def paragraphs(data):
    out, cur = [], []
    for line in data.replace(b"\r\n", b"\n").split(b"\n"):
        if line.strip():
            cur.append(line)
        elif cur:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def build(src, out, font):
    doc = docx.Document()
    for lines in paragraphs(src.read_bytes()):
        p = doc.add_paragraph()
        for i, line in enumerate(lines):
            text = "".join(word_char(b) for b in line)
            if any(ord(c) < 0x20 and c != "\t" for c in text):
                raise SystemExit(f"{src}: a control byte cannot go into XML")
            run = p.add_run(text)
            run.font.name = font
            # python-docx sets ascii/hAnsi; Word also writes cs for such fonts.
            run._element.rPr.rFonts.set(qn("w:cs"), font)
            if i + 1 < len(lines):
                run.add_break()
    doc.core_properties.created = doc.core_properties.modified = FIXED
    buf = io.BytesIO()
    doc.save(buf)
    # Fixed timestamps, so re-running gives the same bytes.
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED
    ) as zout:
        for item in zin.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, zin.read(item.filename))


def main():
    for variant, font in FONTS.items():
        dst = FIXTURES / f"docx-{variant}"
        dst.mkdir(exist_ok=True)
        for src in sorted((FIXTURES / variant).glob("*.txt")):
            build(src, dst / (src.stem + ".docx"), font)
            print(dst / (src.stem + ".docx"))


if __name__ == "__main__":
    main()
