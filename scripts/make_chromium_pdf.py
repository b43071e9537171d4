#!/usr/bin/env python3
"""Builds tests/fixtures/pdf/chromium/<stem>_<layout>.pdf: each corpus TXT
report laid out as an HTML page and printed to PDF by Chromium, the second
writer the PDF issue names (browsers' "print to PDF", Skia's PDF backend:
CID fonts, glyphs placed one by one, word spacing stretched by
justification).

Two layouts per report:
- justified: one column, justified, as a report is printed;
- two_column: the same text in two justified CSS columns, so the reader's
  column order is tested on a writer other than LibreOffice.

A TXT line is a paragraph; a line with tabs is a table row, one cell per
tab-separated field. Chromium's own header and footer (date, title, page
number) are turned off: the text printed is the TXT's text only, which is
what tests/pdf.rs measures the PDF text layer against.

Needs Debian's `chromium` (apt-get install chromium); the tests read the
committed files only. Chromium stamps dates into each file, so a re-run
gives the same text but not the same bytes.
"""
import html
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "pdf" / "chromium"

STYLE = """
@page { size: A4; margin: 20mm 20mm 20mm 30mm; }
body { font-family: "DejaVu Serif", serif; font-size: 12pt; line-height: 1.3;
       text-align: justify; margin: 0; }
p { margin: 0 0 5pt 0; text-indent: 10mm; }
table { width: 100%; border-collapse: collapse; margin: 0 0 5pt 0; }
td { text-align: center; vertical-align: top; padding: 0 4pt; }
.columns { column-count: 2; column-gap: 10mm; }
"""


def body(text: str) -> str:
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if "\t" in line:
            cells = "".join(
                f"<td>{html.escape(c.strip())}</td>" for c in line.split("\t")
            )
            out.append(f"<table><tr>{cells}</tr></table>")
        else:
            out.append(f"<p>{html.escape(line.strip())}</p>")
    return "\n".join(out)


def page(text: str, columns: bool) -> str:
    inner = body(text)
    if columns:
        inner = f'<div class="columns">\n{inner}\n</div>'
    return (
        '<!doctype html>\n<html lang="vi"><head><meta charset="utf-8">'
        f"<style>{STYLE}</style></head><body>\n{inner}\n</body></html>\n"
    )


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for txt in sorted((ROOT / "corpus").glob("*.txt")):
            text = txt.read_text(encoding="utf-8")
            for layout, columns in (("justified", False), ("two_column", True)):
                src = pathlib.Path(tmp) / f"{txt.stem}_{layout}.html"
                src.write_text(page(text, columns), encoding="utf-8")
                pdf = OUT / f"{txt.stem}_{layout}.pdf"
                subprocess.run(
                    [
                        "chromium",
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--no-pdf-header-footer",
                        f"--user-data-dir={tmp}/profile",
                        f"--print-to-pdf={pdf}",
                        src.as_uri(),
                    ],
                    check=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                print(pdf.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
