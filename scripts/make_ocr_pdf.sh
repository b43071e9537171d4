#!/usr/bin/env bash
# Builds tests/fixtures/pdf/ocr/002_tesseract.pdf: corpus report 002 as an
# archive gets it back from OCR. Each page of corpus/pdf/002 is rendered to
# a 300 dpi greyscale image (pdftoppm) and read by tesseract with its
# Vietnamese model, which writes the recognised words as an invisible text
# layer (render mode 3, one glyphless font, each word stretched by Tz to the
# width it has on the scan); `textonly_pdf=1` leaves the page images out,
# so the file is small. qpdf joins the pages.
#
# The fixture is a third PDF writer beside LibreOffice and Chromium: the
# OCR text layer of a scanned archive. tests/pdf.rs reads it against the
# printed report; the differences are tesseract's misreadings.
#
# Needs Debian's poppler-utils, tesseract-ocr, tesseract-ocr-vie and qpdf
# (tesseract 5.3.0 made the committed file); the tests read the committed
# file only.
set -euo pipefail
cd "$(dirname "$0")/.."
src=corpus/pdf/002_eb8113f2a36168c7.pdf
out=tests/fixtures/pdf/ocr/002_tesseract.pdf
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pdftoppm -r 300 -gray -png "$src" "$work/p"
for png in "$work"/p-*.png; do
  tesseract "$png" "${png%.png}" -l vie -c textonly_pdf=1 pdf 2>/dev/null
done
mkdir -p "$(dirname "$out")"
qpdf --empty --pages "$work"/p-*.pdf -- "$out"
echo "wrote $out"
