#!/usr/bin/env python3
"""Makes tests/fixtures/legacy/<variant>/<report>.txt from corpus/*.txt with
converters vanban did not write, so the decoders are tested against someone
else's idea of each encoding. Run by hand (needs npm, iconv and the network
once); the tests only read the committed files.

    python3 scripts/make_legacy_fixtures.py

Variants and who converts:
  tcvn3        npm vietnamese-conversion (toTCVN3), bytes as Windows-1252 text.
               Capital toned letters come out as that package writes them:
               the capital base then the small toned letter (`Á` -> `A¸`,
               the vietunicode.sourceforge.net table).
  tcvn3h       the same converter, but every capital toned letter is first
               written small: what a run in an uppercase `.VnTimeH` font
               leaves in the bytes (the font draws the small code as a
               capital, so the bytes lose the case).
  vni          npm vietnamese-conversion (toVNI). Its table is wrong for
               ỷ ỹ Ỷ Ỹ (it writes the single bytes of ì/ë, which are other
               letters); those four are written as y/Y plus the tone byte the
               same package uses for ả/ã/Ả/Ã. Checked below.
  viqr         npm vietnamese-conversion (toVIQR), ASCII; no escapes.
  cp1258       glibc iconv -t CP1258 (decomposes tones into combining bytes).
  nfd          Python unicodedata NFD, UTF-8.
  utf16        Python UTF-16 with BOM.
  oldtone      tone on the second vowel of open oa/oe/uy (`hòa` -> `hoà`,
               `thủy` -> `thuỷ`), done by the regex below (no package does it).

Characters an 8-bit encoding cannot hold become `?` (TCVN3/VNI/CP1258).
"""
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
import json

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "legacy")
PKG = "vietnamese-conversion@2.0.0"


def npm_converter():
    d = tempfile.mkdtemp(prefix="vanban-vnconv-")
    subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund",
                    "--prefix", d, PKG], check=True)
    return d


def convert(pkg_dir, fn, text):
    """Runs the package's `fn` (toTCVN3, toVNI, toVIQR) on text."""
    js = ("const m=require('vietnamese-conversion');let s='';"
          "process.stdin.on('data',d=>s+=d);"
          f"process.stdin.on('end',()=>process.stdout.write(JSON.stringify(m.{fn}(s,'unicode'))));")
    r = subprocess.run(["node", "-e", js], input=text.encode("utf-8"),
                       capture_output=True, check=True,
                       env=dict(os.environ, NODE_PATH=os.path.join(pkg_dir, "node_modules")))
    return json.loads(r.stdout.decode("utf-8"))


def cp1252(s):
    return s.encode("cp1252", errors="replace")


# Spot checks against published examples before trusting the package.
CHECKS = [
    ("toTCVN3", "hộp mứt tết", "hép møt tÕt"),
    ("toTCVN3", "Việt Nam", "ViÖt Nam"),
    ("toVNI", "Xin chào các bạn", "Xin chaøo caùc baïn"),
    ("toVNI", "Việt Nam", "Vieät Nam"),
    ("toVIQR", "Việt Nam", "Vie^.t Nam"),
]

VNI_BUG = {"ỷ": "ả", "ỹ": "ã", "Ỷ": "Ả", "Ỹ": "Ã"}


def to_vni(pkg, text):
    marks = {k: ("Y" if k.isupper() else "y") + convert(pkg, "toVNI", v)[1:]
             for k, v in VNI_BUG.items()}
    holders = {k: chr(0xE000 + i) for i, k in enumerate(VNI_BUG)}
    for k, h in holders.items():
        text = text.replace(k, h)
    out = convert(pkg, "toVNI", text)
    for k, h in holders.items():
        out = out.replace(h, marks[k])
    return out


TCVN3_CAPITALS = set("ĂÂÊÔƠƯĐ")


def small_toned_capitals(text):
    return "".join(
        c.lower() if c.isupper() and ord(c) > 0x7F and c not in TCVN3_CAPITALS else c
        for c in text)


OLD = {"ò": "o", "ó": "o", "ỏ": "o", "õ": "o", "ọ": "o",
       "ù": "u", "ú": "u", "ủ": "u", "ũ": "u", "ụ": "u"}


def old_tone(text):
    # hòa -> hoà, thủy -> thuỷ: only at the end of a syllable (no coda),
    # not after q (quý, quà carry the tone on their own vowel).
    def move(m):
        first, second = m.group(1), m.group(2)
        nfd = unicodedata.normalize("NFD", first)
        return nfd[0] + unicodedata.normalize("NFC", second + nfd[1:])
    out = []
    words = re.split(r"(\w+)", text)
    for w in words:
        m = re.search(r"([òóỏõọùúủũụÒÓỎÕỌÙÚỦŨỤ])([aeyAEY])$", w)
        if m and not re.search(r"[qQ]$", w[:m.start()]) and \
                (m.group(1).lower() in "òóỏõọ" and m.group(2).lower() in "ae"
                 or m.group(1).lower() in "ùúủũụ" and m.group(2).lower() == "y"):
            w = w[:m.start()] + move(m)
        out.append(w)
    return "".join(out)


def iconv_cp1258(text):
    ok = {c: subprocess.run(["iconv", "-f", "UTF-8", "-t", "CP1258"], input=c.encode(),
                            capture_output=True).returncode == 0
          for c in set(text) if ord(c) > 0x7F}
    safe = "".join(c if ok.get(c, True) else "?" for c in text)
    return subprocess.run(["iconv", "-f", "UTF-8", "-t", "CP1258"],
                          input=safe.encode(), capture_output=True, check=True).stdout


def main():
    pkg = npm_converter()
    bad = [(f, s, convert(pkg, f, s), want) for f, s, want in CHECKS
           if convert(pkg, f, s) != want]
    if bad:
        sys.exit(f"converter disagrees with published examples: {bad}")
    if to_vni(pkg, "thuỷ Quỹ Mỹ") != "thuyû Quyõ Myõ":
        sys.exit("VNI workaround for ỷ/ỹ no longer gives y + tone byte")
    if old_tone("hòa thủy Ủy quý hoàn Hòa") != "hoà thuỷ Uỷ quý hoàn Hoà":
        sys.exit(f"old_tone is wrong: {old_tone('hòa thủy Ủy quý hoàn Hòa')}")
    corpus = os.path.join(ROOT, "corpus")
    names = sorted(n for n in os.listdir(corpus) if n.endswith(".txt"))
    for name in names:
        text = open(os.path.join(corpus, name), encoding="utf-8").read()
        variants = {
            "tcvn3": cp1252(convert(pkg, "toTCVN3", text)),
            "tcvn3h": cp1252(convert(pkg, "toTCVN3", small_toned_capitals(text))),
            "vni": cp1252(to_vni(pkg, text)),
            "viqr": convert(pkg, "toVIQR", text).encode("ascii", errors="replace"),
            "cp1258": iconv_cp1258(text),
            "nfd": unicodedata.normalize("NFD", text).encode("utf-8"),
            "utf16": text.encode("utf-16"),
            "oldtone": old_tone(text).encode("utf-8"),
        }
        for v, data in variants.items():
            d = os.path.join(OUT, v)
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        print(name, {v: len(b) for v, b in variants.items()})


if __name__ == "__main__":
    main()
