#!/usr/bin/env bash
# Builds corpus/pdf/<stem>.pdf, the PDF twin of each corpus/docx/<stem>.docx,
# with LibreOffice (`soffice --headless --convert-to pdf`), as most backlog
# PDFs were exported from Word or LibreOffice. Also builds the small
# encrypted fixtures in tests/fixtures/pdf/ with qpdf.
#
# LibreOffice stamps creation dates and ids into each file, so a re-run gives
# the same text but not the same bytes. Needs soffice and qpdf; the tests
# only read the committed files.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p corpus/pdf tests/fixtures/pdf
soffice --headless --convert-to pdf --outdir corpus/pdf corpus/docx/*.docx >/dev/null
# Report 002, protected two ways: an empty user password (opens without
# asking, as many "print-protected" exports do) and a real one.
qpdf --encrypt "" owner 128 --use-aes=y -- corpus/pdf/002_eb8113f2a36168c7.pdf tests/fixtures/pdf/002_empty_user_password.pdf
qpdf --encrypt secret owner 128 --use-aes=y -- corpus/pdf/002_eb8113f2a36168c7.pdf tests/fixtures/pdf/002_needs_password.pdf
