//! Reader behaviour on small PDFs built here with lopdf's writer: spacing
//! from TJ gaps, line joins, columns, running headers, CID fonts, legacy
//! fonts, forms, damage and bombs.

use lopdf::{dictionary, Object, Stream};

use super::*;
use crate::normalize::normalize;

/// A font resource for the test pages.
enum TestFont {
    /// Courier with WinAnsi: a fixed 0.6 em pitch without a Widths array.
    Courier,
    /// A simple font with a legacy Vietnamese name and no ToUnicode.
    Legacy(&'static str),
    /// Type0, Identity-H, with this ToUnicode CMap and every CID 500 wide.
    Cid(&'static str),
    /// This font dictionary as it is.
    Dict(lopdf::Dictionary),
}

/// A PDF whose pages have these content streams, with font /F1.
fn build(pages: &[&[u8]], font: TestFont) -> Vec<u8> {
    build_in(pages, font, [0, 0, 595, 842])
}

/// [`build`] with pages of this MediaBox.
fn build_in(pages: &[&[u8]], font: TestFont, media: [i64; 4]) -> Vec<u8> {
    let mut doc = lopdf::Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_dict = match font {
        TestFont::Courier => dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Courier",
            "Encoding" => "WinAnsiEncoding",
        },
        TestFont::Legacy(name) => dictionary! {
            "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => name,
            "Encoding" => "WinAnsiEncoding", "FirstChar" => 0,
            "Widths" => vec![Object::Integer(500); 256],
        },
        TestFont::Cid(cmap) => {
            let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.as_bytes().to_vec()));
            let cid = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "ABCDEF+Arial",
                "DW" => 1000,
                "W" => vec![Object::Integer(1), Object::Array(vec![500.into(), 500.into(), 500.into(), 250.into()])],
            });
            dictionary! {
                "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "ABCDEF+Arial",
                "Encoding" => "Identity-H", "DescendantFonts" => vec![Object::Reference(cid)],
                "ToUnicode" => Object::Reference(to_unicode),
            }
        }
        TestFont::Dict(dict) => dict,
    };
    let font_id = doc.add_object(font_dict);
    let resources = doc
        .add_object(dictionary! { "Font" => dictionary! { "F1" => Object::Reference(font_id) } });
    let mut kids = Vec::new();
    for content in pages {
        let contents = doc.add_object(Stream::new(dictionary! {}, content.to_vec()));
        kids.push(Object::Reference(doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => Object::Reference(pages_id),
            "MediaBox" => media.map(Object::Integer).to_vec(),
            "Contents" => Object::Reference(contents), "Resources" => Object::Reference(resources),
        })));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog =
        doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => Object::Reference(pages_id) });
    doc.trailer.set("Root", Object::Reference(catalog));
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("the test PDF is written");
    out
}

/// A document's warnings as (kind, message), for asserting on both.
fn warnings_of(doc: &Document) -> Vec<(&str, &str)> {
    doc.warnings
        .iter()
        .map(|w| (w.kind, w.message.as_str()))
        .collect()
}

fn text_of(bytes: &[u8]) -> String {
    let doc = read_pdf(bytes).unwrap_or_else(|e| panic!("read: {e}"));
    normalize(&doc).text
}

/// Lines of Courier 10 pt text: `(x, y, text)`.
fn lines(ls: &[(f32, f32, &str)]) -> Vec<u8> {
    let mut s = String::from("BT /F1 10 Tf\n");
    for (x, y, t) in ls {
        s.push_str(&format!("1 0 0 1 {x} {y} Tm ({t}) Tj\n"));
    }
    s.push_str("ET\n");
    s.into_bytes()
}

#[test]
fn tj_gaps_become_spaces_and_kerning_does_not() {
    // -400/1000 em is a word gap; -20 is kerning inside a word.
    let pdf = build(
        &[b"BT /F1 10 Tf 72 700 Td [(Ngh)-20(i)-400(dinh)-400(so)] TJ ET"],
        TestFont::Courier,
    );
    assert_eq!(text_of(&pdf), "Nghi dinh so");
}

#[test]
fn arrays_read_in_one_pass_agree_with_the_operand_path() {
    // A name in an array sends it down the operand path (TJ skips names):
    // both paths must place the same glyphs. Hex strings with spaces, an
    // odd digit, a comment, escapes, kerning, and an array that turns out
    // to be a dash pattern (undone and read again).
    let page = |tag: &str| {
        format!(
            "BT /F1 10 Tf 72 700 Td 0.5 Tc 2 Tw [{tag}<42 61 6F>-400 % note\n (c\\141o) 120 <20 6f7>] TJ \
             [{tag}(x) 3] 0 d 1 2 [{tag}(Nam)-1.5(2013)] TJ 0 -14 Td [{tag}<4E67> -3000 (\\(x\\))] TJ ET"
        )
    };
    let fast = text_of(&build(&[page("").as_bytes()], TestFont::Courier));
    let slow = text_of(&build(&[page("/z ").as_bytes()], TestFont::Courier));
    assert_eq!(fast, slow);
    assert!(fast.starts_with("Bao cao"), "{fast}");
}

#[test]
fn word_spacing_and_char_spacing_move_glyphs() {
    // Tw widens the space glyph; Tc spreads letters without making words.
    let pdf = build(
        &[b"BT /F1 10 Tf 72 700 Td 0.5 Tc 3 Tw (Bao cao) Tj ET"],
        TestFont::Courier,
    );
    assert_eq!(text_of(&pdf), "Bao cao");
}

/// The glyphs of page 1's content stream, as the interpreter places them.
fn glyphs_of(pdf: &[u8]) -> PageText {
    let doc = lopdf::Document::load_mem(pdf).expect("the test PDF loads");
    let page = doc.page_iter().next().expect("a page");
    let dict = doc.get_dictionary(page).ok();
    let resources = dict
        .and_then(|p| inherited(&doc, p, b"Resources"))
        .and_then(|o| o.as_dict().ok());
    let mut fonts = FontCache::default();
    let mut out = PageText::default();
    let mut interp = Interp::new(&doc, &mut fonts, &mut out);
    for cid in content_ids(&doc, dict) {
        let stream = doc.get_object(cid).and_then(Object::as_stream);
        let data = inflate(stream.expect("a content stream"), MAX_STREAM_BYTES);
        interp.run(&data.expect("the content inflates"), resources);
    }
    out
}

#[test]
fn text_state_places_each_glyph_where_the_pdf_spec_puts_it() {
    // Courier is 0.6 em wide. Tm scales by 2 and Tz halves the advance, so
    // a letter moves the pen (0.6 * 10 + 1 Tc) * 0.5 = 3.5 text units, 7 pt
    // on the page; the space adds Tw; -500 in the array moves 2.5 units;
    // the rise of 3 is scaled by Tm to 6 pt. The Tj after the array starts
    // where the array ended.
    let pdf = build(
        &[b"BT /F1 10 Tf 2 0 0 2 100 500 Tm 1 Tc 2 Tw 50 Tz 3 Ts [(ab)-500( c)] TJ (d) Tj ET"],
        TestFont::Courier,
    );
    let page = glyphs_of(&pdf);
    let got: Vec<(String, f32, f32, f32, bool)> = page
        .glyphs
        .iter()
        .map(|g| (page.glyph_text(g).to_string(), g.x, g.y, g.w, g.space))
        .collect();
    let want = [
        ("a", 100.0, 506.0, 6.0, false),
        ("b", 107.0, 506.0, 6.0, false),
        (" ", 119.0, 506.0, 6.0, true),
        ("c", 128.0, 506.0, 6.0, false),
        ("d", 135.0, 506.0, 6.0, false),
    ];
    let close = |a: f32, b: f32| (a - b).abs() < 1e-3;
    let same = got.len() == want.len()
        && got.iter().zip(&want).all(|(g, w)| {
            g.0 == w.0 && close(g.1, w.1) && close(g.2, w.2) && close(g.3, w.3) && g.4 == w.4
        });
    assert!(
        same,
        "placed (text, x, y, w, space):\n{got:?}\nwant:\n{want:?}"
    );

    // Slanted text (a synthetic italic): the rise lifts along the slant.
    let pdf = build(
        &[b"BT /F1 10 Tf 2 0 0.5 2 100 500 Tm 3 Ts (a) Tj ET"],
        TestFont::Courier,
    );
    let page = glyphs_of(&pdf);
    let at: Vec<(f32, f32)> = page.glyphs.iter().map(|g| (g.x, g.y)).collect();
    assert!(
        matches!(at[..], [(x, y)] if close(x, 101.5) && close(y, 506.0)),
        "slanted glyph at {at:?}, want [(101.5, 506.0)]"
    );
}

/// Each glyph's text and origin, for comparing with hand-computed places.
fn placed(pdf: &[u8]) -> Vec<(String, f32, f32)> {
    let page = glyphs_of(pdf);
    page.glyphs
        .iter()
        .filter(|g| !g.space)
        .map(|g| (page.glyph_text(g).to_string(), g.x, g.y))
        .collect()
}

fn assert_placed(got: &[(String, f32, f32)], want: &[(&str, f32, f32)]) {
    let close = |a: f32, b: f32| (a - b).abs() < 1e-3;
    let same = got.len() == want.len()
        && got
            .iter()
            .zip(want)
            .all(|(g, w)| g.0 == w.0 && close(g.1, w.1) && close(g.2, w.2));
    assert!(same, "placed (text, x, y):\n{got:?}\nwant:\n{want:?}");
}

#[test]
fn line_operators_move_to_the_next_line_by_the_leading() {
    // TL sets the leading; T*, ' and " move down by it to the start of the
    // line; " also sets Tw and Tc (here Tc 2: Courier's 6 pt plus 2);
    // TD moves and sets the leading to minus its ty.
    let pdf = build(
        &[
            b"BT /F1 10 Tf 14 TL 72 700 Td (A) Tj T* (B) Tj (C) ' 1 2 (DE) \" \
            0 -20 TD (F) Tj T* (G) Tj ET",
        ],
        TestFont::Courier,
    );
    assert_placed(
        &placed(&pdf),
        &[
            ("A", 72.0, 700.0),
            ("B", 72.0, 686.0),
            ("C", 72.0, 672.0),
            ("D", 72.0, 658.0),
            ("E", 80.0, 658.0),
            ("F", 72.0, 638.0),
            ("G", 72.0, 618.0),
        ],
    );
}

#[test]
fn a_type3_font_scales_its_widths_by_its_font_matrix() {
    // Widths of 250 in a glyph space of 1/500 em are half an em: 5 pt at
    // 10 pt. Its text comes from /Differences (Type3 has no base encoding).
    let type3 = |scale: f32| {
        TestFont::Dict(dictionary! {
            "Type" => "Font", "Subtype" => "Type3",
            "FontMatrix" => vec![scale.into(), 0.into(), 0.into(), scale.into(), 0.into(), 0.into()],
            "FontBBox" => vec![0.into(), 0.into(), 500.into(), 500.into()],
            "CharProcs" => dictionary! {}, "Resources" => dictionary! {},
            "Encoding" => dictionary! {
                "Type" => "Encoding",
                "Differences" => vec![65.into(), "a".into(), "b".into(), "c".into()],
            },
            "FirstChar" => 65, "LastChar" => 67,
            "Widths" => vec![250.into(), 250.into(), 250.into()],
        })
    };
    let content: &[u8] = b"BT /F1 10 Tf 72 700 Td (ABC) Tj ET";
    assert_placed(
        &placed(&build(&[content], type3(0.002))),
        &[("a", 72.0, 700.0), ("b", 77.0, 700.0), ("c", 82.0, 700.0)],
    );
    assert_placed(
        &placed(&build(&[content], type3(0.001))),
        &[("a", 72.0, 700.0), ("b", 74.5, 700.0), ("c", 77.0, 700.0)],
    );
}

#[test]
fn differences_glyph_names_give_vietnamese_letters_without_a_tounicode() {
    // A subset TrueType font re-encoding codes 128-130 by glyph name, as
    // older PDF writers do for letters outside WinAnsi.
    let font = TestFont::Dict(dictionary! {
        "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "ABCDEF+TimesNewRoman",
        "Encoding" => dictionary! {
            "Type" => "Encoding", "BaseEncoding" => "WinAnsiEncoding",
            "Differences" => vec![128.into(), "uni1EC7".into(), "dcroat".into(), "abreve".into()],
        },
        "FirstChar" => 0, "Widths" => vec![Object::Integer(500); 256],
    });
    let pdf = build(
        &[b"BT /F1 10 Tf 72 700 Td (Vi\x80t Nam \x81\x82ng k\xfd) Tj ET"],
        font,
    );
    assert_eq!(text_of(&pdf), "Việt Nam đăng ký");
}

#[test]
fn a_line_ending_in_a_symbol_hyphen_joins_the_next_without_a_space() {
    let pdf = build(
        &[&lines(&[
            (72.0, 700.0, "Thuc hien Nghi dinh so 06/2013/ND-"),
            (72.0, 688.0, "CP ngay 09/01/2013 cua Chinh phu ve"),
            (72.0, 676.0, "bao ve co quan."),
        ])],
        TestFont::Courier,
    );
    assert_eq!(
        text_of(&pdf),
        "Thuc hien Nghi dinh so 06/2013/ND-CP ngay 09/01/2013 cua Chinh phu ve bao ve co quan."
    );
}

#[test]
fn a_dash_between_words_and_a_wrapped_word_join_with_one_space() {
    let pdf = build(
        &[&lines(&[
            (72.0, 700.0, "tinh hinh kinh te -"),
            (72.0, 688.0, "xa hoi cua tinh"),
        ])],
        TestFont::Courier,
    );
    assert_eq!(text_of(&pdf), "tinh hinh kinh te - xa hoi cua tinh");
}

#[test]
fn a_wider_gap_between_baselines_starts_a_paragraph() {
    let pdf = build(
        &[&lines(&[
            (72.0, 700.0, "Mot hai ba bon nam sau bay tam chin"),
            (72.0, 688.0, "muoi."),
            (72.0, 660.0, "Doan hai."),
        ])],
        TestFont::Courier,
    );
    assert_eq!(
        text_of(&pdf),
        "Mot hai ba bon nam sau bay tam chin muoi.\n\nDoan hai."
    );
}

/// Twelve lines in each of two columns, `L01`… and `R01`…; the stream
/// interleaves the columns line by line, as many writers do.
fn two_column_page() -> Vec<u8> {
    let mut ls = Vec::new();
    let (left, right): (Vec<String>, Vec<String>) = (1..=12)
        .map(|i| {
            (
                format!("L{i:02} cot trai noi dung day du"),
                format!("R{i:02} cot phai noi dung day du"),
            )
        })
        .unzip();
    for i in 0..12 {
        let y = 700.0 - 12.0 * i as f32;
        ls.push((50.0, y, left[i].as_str()));
        ls.push((330.0, y, right[i].as_str()));
    }
    lines(&ls)
}

#[test]
fn two_columns_are_read_one_after_the_other() {
    let text = text_of(&build(&[&two_column_page()], TestFont::Courier));
    let pos = |t: &str| {
        text.find(t)
            .unwrap_or_else(|| panic!("{t} missing from {text:?}"))
    };
    assert!(pos("L12") < pos("R01"), "left column first: {text:?}");
    assert!(pos("R01") < pos("R12"), "{text:?}");
}

#[test]
fn a_later_page_keeps_the_columns_of_the_pages_before_it() {
    // Page 1: two columns of prose. Page 2: the text ends in the left
    // column and the right one holds a list of recipients, lines too short
    // to pass for prose on their own. Page 3: three lines, one per side
    // and one more, too few to find columns in.
    let prose = |side: &str| {
        (1..=12)
            .map(|i| format!("{side}{i:02} cot noi dung day du"))
            .collect::<Vec<_>>()
    };
    let (l1, r1) = (prose("A"), prose("B"));
    let mut page1 = Vec::new();
    for i in 0..12 {
        let y = 700.0 - 12.0 * i as f32;
        page1.push((50.0, y, l1[i].as_str()));
        page1.push((330.0, y, r1[i].as_str()));
    }
    let l2 = prose("C");
    let r2: Vec<String> = (1..=8).map(|i| format!("- Noi {i};")).collect();
    let mut page2 = Vec::new();
    for (i, l) in l2.iter().enumerate() {
        page2.push((50.0, 700.0 - 12.0 * i as f32, l.as_str()));
    }
    for (i, r) in r2.iter().enumerate() {
        page2.push((330.0, 700.0 - 12.0 * i as f32, r.as_str()));
    }
    let page3 = [
        (50.0, 700.0, "D01 cot noi dung day du"),
        (330.0, 700.0, "- Luu: VT."),
        (50.0, 688.0, "D02 het."),
    ];
    let pdf = build(
        &[&lines(&page1), &lines(&page2), &lines(&page3)],
        TestFont::Courier,
    );
    let text = text_of(&pdf);
    let pos = |t: &str| {
        text.find(t)
            .unwrap_or_else(|| panic!("{t} missing from {text:?}"))
    };
    assert!(pos("C12") < pos("- Noi 1;"), "left column first: {text:?}");
    assert!(pos("- Noi 1;") < pos("- Noi 8;"), "{text:?}");
    assert!(pos("D02") < pos("- Luu"), "page 3 by columns: {text:?}");
    // Alone, page 2's right side does not pass for a column: each row
    // reads across.
    let alone = text_of(&build(&[&lines(&page2)], TestFont::Courier));
    assert!(
        alone.contains("C01 cot noi dung day du\t- Noi 1;"),
        "{alone:?}"
    );
}

/// Borders of a ruled table: rows between the `ys` (top down), columns
/// between the `xs`, each a stroked line as LibreOffice draws them.
fn borders(xs: &[f32], ys: &[f32]) -> Vec<u8> {
    let (top, bottom) = (ys[0], ys[ys.len() - 1]);
    let (left, right) = (xs[0], xs[xs.len() - 1]);
    let mut s = String::from("0.5 w\n");
    for y in ys {
        s.push_str(&format!("{left} {y} m {right} {y} l S\n"));
    }
    for x in xs {
        s.push_str(&format!("{x} {top} m {x} {bottom} l S\n"));
    }
    s.into_bytes()
}

/// Report 004's table: the ratio's percentage wraps under it, and the
/// next cell's text starts closer than a word gap to the ratio's end.
fn wrapped_cell_table() -> Vec<u8> {
    let mut page = borders(&[70.0, 150.0, 250.0, 350.0], &[720.0, 690.0, 660.0]);
    page.extend(lines(&[
        (75.0, 708.0, "Nam 2013"),
        (175.0, 708.0, "1.212/1.273"),
        (255.0, 708.0, "159/159"),
        (175.0, 696.0, "(95,2%)"),
        (255.0, 696.0, "(100%)"),
        (75.0, 678.0, "Nam 2014"),
        (175.0, 678.0, "1.243/1.273"),
    ]));
    page
}

#[test]
fn a_ruled_table_cell_that_wraps_stays_one_cell_of_its_row() {
    let text = text_of(&build(&[&wrapped_cell_table()], TestFont::Courier));
    assert_eq!(
        text,
        "Nam 2013\t1.212/1.273 (95,2%)\t159/159 (100%)\n\nNam 2014\t1.243/1.273\t"
    );
}

#[test]
fn a_table_row_split_by_a_page_break_is_joined_cell_by_cell() {
    let xs = [70.0, 150.0, 250.0, 350.0];
    let mut first = lines(&[(72.0, 760.0, "Bang so lieu.")]);
    first.extend(borders(&xs, &[80.0, 50.0]));
    first.extend(lines(&[
        (75.0, 62.0, "Nam 2013"),
        (175.0, 62.0, "1.212/1.273"),
        (255.0, 62.0, "159/159"),
    ]));
    let mut second = borders(&xs, &[780.0, 750.0, 720.0]);
    second.extend(lines(&[
        (175.0, 762.0, "(95,2%)"),
        (255.0, 762.0, "(100%)"),
        (75.0, 732.0, "Nam 2014"),
        (175.0, 732.0, "1.243/1.273"),
        (255.0, 732.0, "159/159"),
    ]));
    let text = text_of(&build(&[&first, &second], TestFont::Courier));
    assert!(
        text.ends_with(
            "Nam 2013\t1.212/1.273 (95,2%)\t159/159 (100%)\n\nNam 2014\t1.243/1.273\t159/159"
        ),
        "{text:?}"
    );
}

#[test]
fn a_table_row_reads_across_not_down() {
    // Narrow cells side by side are not text columns.
    let mut ls = Vec::new();
    let rows: Vec<(String, String)> = (0..12)
        .map(|i| (format!("Nam {}", 2013 + i), format!("{}/1.273", 1200 + i)))
        .collect();
    for (i, (a, b)) in rows.iter().enumerate() {
        let y = 700.0 - 14.0 * i as f32;
        ls.push((72.0, y, a.as_str()));
        ls.push((300.0, y, b.as_str()));
    }
    let text = text_of(&build(&[&lines(&ls)], TestFont::Courier));
    assert!(text.contains("Nam 2013\t1200/1.273\n"), "{text:?}");
}

/// An A4 page's content drawn `turn` quarter turns counterclockwise onto
/// the page box returned with it, as a printer driver lays a landscape
/// page onto portrait paper (turn 1) or a scanner's software turns one.
fn turned_page(content: &[u8], turn: u8) -> (Vec<u8>, [i64; 4]) {
    let (cm, media) = match turn {
        1 => ("0 1 -1 0 842 0", [0, 0, 842, 595]),
        2 => ("-1 0 0 -1 595 842", [0, 0, 595, 842]),
        _ => ("0 -1 1 0 0 595", [0, 0, 842, 595]),
    };
    let mut out = format!("q {cm} cm\n").into_bytes();
    out.extend_from_slice(content);
    out.extend_from_slice(b"\nQ\n");
    (out, media)
}

#[test]
fn a_page_printed_at_a_quarter_turn_reads_as_it_would_upright() {
    // Columns, a ruled table whose cell wraps, and a running header and
    // page number: each turned page reads as its upright original, rules
    // and page box turned with its text.
    let documents: [Vec<Vec<u8>>; 3] = [
        vec![two_column_page()],
        vec![wrapped_cell_table()],
        vec![
            headed_page(1, "Mot."),
            headed_page(2, "Hai."),
            headed_page(3, "Ba."),
        ],
    ];
    let blocks = |doc: &Document| -> Vec<(String, BlockKind, Option<u32>)> {
        doc.blocks
            .iter()
            .map(|b| (b.text.clone(), b.kind, b.page))
            .collect()
    };
    for pages in &documents {
        let upright: Vec<&[u8]> = pages.iter().map(Vec::as_slice).collect();
        let want = read_pdf(&build(&upright, TestFont::Courier)).expect("upright");
        for turn in 1..=3 {
            let turned: Vec<(Vec<u8>, [i64; 4])> =
                pages.iter().map(|p| turned_page(p, turn)).collect();
            let contents: Vec<&[u8]> = turned.iter().map(|(c, _)| c.as_slice()).collect();
            let got = read_pdf(&build_in(&contents, TestFont::Courier, turned[0].1))
                .unwrap_or_else(|e| panic!("turn {turn}: {e}"));
            assert_eq!(
                blocks(&got),
                blocks(&want),
                "turned {turn} quarter turns: blocks differ from the upright page's"
            );
            assert!(got.warnings.is_empty(), "turn {turn}: {:?}", got.warnings);
        }
    }
}

#[test]
fn a_corpus_report_turned_by_each_quarter_turn_reads_as_printed() {
    // What `qpdf --rotate=+90 --flatten-rotation` writes: each page's
    // content wrapped in a turning `cm`, the page box turned to fit. Report
    // 004 has a ruled table, footnotes, and a header on every page.
    let original = include_bytes!("../../../corpus/pdf/004_39a5dd2fc3cf2d4a.pdf");
    let want = normalize(&read_pdf(original).expect("the corpus PDF reads")).text;
    for turn in 1..=3u8 {
        let mut doc = lopdf::Document::load_mem(original).expect("loads");
        for page in doc.page_iter().collect::<Vec<_>>() {
            let dict = doc.get_dictionary(page).expect("a page");
            let [x0, y0, x1, y1] = inherited(&doc, dict, b"MediaBox")
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.iter().map(num).collect::<Option<Vec<f32>>>())
                .and_then(|v| <[f32; 4]>::try_from(v).ok())
                .expect("a MediaBox of four numbers");
            let (w, h) = (x1 - x0, y1 - y0);
            let (cm, media) = match turn {
                1 => (format!("0 1 -1 0 {h} 0"), [0.0, 0.0, h, w]),
                2 => (format!("-1 0 0 -1 {w} {h}"), [0.0, 0.0, w, h]),
                _ => (format!("0 -1 1 0 0 {w}"), [0.0, 0.0, h, w]),
            };
            let mut contents: Vec<Object> = content_ids(&doc, Some(dict))
                .into_iter()
                .map(Object::Reference)
                .collect();
            let before = format!("q 1 0 0 1 {} {} cm {cm} cm\n", -x0, -y0).into_bytes();
            contents.insert(
                0,
                doc.add_object(Stream::new(dictionary! {}, before)).into(),
            );
            contents.push(
                doc.add_object(Stream::new(dictionary! {}, b"\nQ".to_vec()))
                    .into(),
            );
            let dict = doc.get_dictionary_mut(page).expect("a page");
            dict.set("Contents", contents);
            dict.set("MediaBox", media.map(Object::Real).to_vec());
        }
        let mut turned = Vec::new();
        doc.save_to(&mut turned).expect("written");
        let got = read_pdf(&turned).unwrap_or_else(|e| panic!("turn {turn}: {e}"));
        assert!(got.warnings.is_empty(), "turn {turn}: {:?}", got.warnings);
        let got = normalize(&got).text;
        assert!(
            got == want,
            "turned {turn} quarter turns, the text differs from the printed page's:\n{}",
            first_difference(&want, &got)
        );
    }
}

/// Where two texts part, with some context, for a failure message.
fn first_difference(want: &str, got: &str) -> String {
    let at = want
        .char_indices()
        .zip(got.chars())
        .find(|((_, a), b)| a != b)
        .map_or(want.len().min(got.len()), |((i, _), _)| i);
    // The texts agree up to `at`, so a boundary in one is one in the other.
    let mut from = at.saturating_sub(60);
    while !want.is_char_boundary(from) {
        from -= 1;
    }
    let cut = |s: &str| {
        s.get(from..)
            .unwrap_or("")
            .chars()
            .take(120)
            .collect::<String>()
    };
    format!("want …{}\ngot  …{}", cut(want), cut(got))
}

#[test]
fn a_stamp_at_an_angle_is_left_out_and_named_and_the_page_text_read() {
    // A received-stamp line turned a quarter turn in the margin: fewer
    // glyphs than the page's upright text, so the page is not turned.
    let page = lines(&[
        (72.0, 700.0, "Thuc hien Nghi dinh so 06/2013/ND-CP."),
        (72.0, 686.0, "Bao cao ket qua nam 2014."),
    ]);
    let want = "Thuc hien Nghi dinh so 06/2013/ND-CP. Bao cao ket qua nam 2014.";
    let stamp: &[u8] = b"BT /F1 8 Tf 0 1 -1 0 560 300 Tm (DEN SO 15) Tj ET\n";
    let read = |pdf: &[u8]| {
        let doc = read_pdf(pdf).unwrap_or_else(|e| panic!("read: {e}"));
        let kinds: Vec<&str> = doc.warnings.iter().map(|w| w.kind).collect();
        (normalize(&doc).text, kinds)
    };
    let angled = vec!["angled_text"];
    let stamped = [page.as_slice(), stamp].concat();
    assert_eq!(
        read(&build(&[&stamped], TestFont::Courier)),
        (want.to_string(), angled.clone())
    );
    // On a turned page, a stamp stamped upright is the one at an angle.
    let (turned, media) = turned_page(&page, 1);
    let stamped = [
        turned.as_slice(),
        b"BT /F1 8 Tf 20 20 Td (DEN SO 15) Tj ET\n",
    ]
    .concat();
    assert_eq!(
        read(&build_in(&[&stamped], TestFont::Courier, media)),
        (want.to_string(), angled.clone())
    );
    // A page holding only a diagonal watermark has text, just none read:
    // it is named as angled text, not as a scan.
    let watermark: &[u8] = b"BT /F1 40 Tf 0.7 0.7 -0.7 0.7 150 300 Tm (BAN NHAP) Tj ET";
    let doc = read_pdf(&build(&[watermark], TestFont::Courier)).expect("read");
    let messages = warnings_of(&doc);
    assert!(
        messages.len() == 1
            && messages[0].0 == "angled_text"
            && messages[0].1.ends_with(": page 1"),
        "{messages:?}"
    );
}

/// Page `n` of a report: a running header, a body line, `Trang n` below.
fn headed_page(n: u32, body: &str) -> Vec<u8> {
    lines(&[
        (250.0, 800.0, "UBND TINH BAC GIANG"),
        (72.0, 600.0, body),
        (290.0, 40.0, &format!("Trang {n}")),
    ])
}

#[test]
fn running_headers_are_kept_once_and_page_numbers_dropped() {
    let pdf = build(
        &[
            &headed_page(1, "Mot."),
            &headed_page(2, "Hai."),
            &headed_page(3, "Ba."),
        ],
        TestFont::Courier,
    );
    let doc = read_pdf(&pdf).expect("read");
    let got: Vec<(&str, BlockKind, Option<u32>)> = doc
        .blocks
        .iter()
        .map(|b| (b.text.as_str(), b.kind, b.page))
        .collect();
    assert_eq!(
        got,
        [
            ("UBND TINH BAC GIANG", BlockKind::Header, Some(1)),
            ("Mot.", BlockKind::Body, Some(1)),
            ("Hai.", BlockKind::Body, Some(2)),
            ("Ba.", BlockKind::Body, Some(3)),
        ]
    );
    assert_eq!(doc.pages, Some(3));
}

#[test]
fn a_paragraph_running_onto_the_next_page_stays_one_sentence() {
    let full = "Thuc hien Nghi dinh so 06/2013/ND-";
    let pdf = build(
        &[
            &lines(&[
                (72.0, 700.0, "Mot hai ba bon nam sau bay tam chin muoi"),
                (72.0, 688.0, full),
            ]),
            &lines(&[(72.0, 780.0, "CP cua Chinh phu.")]),
        ],
        TestFont::Courier,
    );
    let doc = read_pdf(&pdf).expect("read");
    assert_eq!(doc.blocks[1].join, Join::Glue, "{:?}", doc.blocks);
    assert_eq!(doc.blocks[1].page, Some(2));
    assert!(
        normalize(&doc).text.contains("06/2013/ND-CP cua"),
        "{:?}",
        doc.blocks
    );
}

/// Codes 1-4 are `Đ`, `ư`, `ợ` and a space; in `DUOC_TWICE` they spell
/// `Đượ Đượ`.
const DUOC_CMAP: &str = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
    1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
    2 beginbfchar <0001> <0110> <0004> <0020> endbfchar\n\
    1 beginbfrange <0002> <0003> [<01B0> <1EE3>] endbfrange\n\
    endcmap CMapName currentdict /CMap defineresource pop end end";
const DUOC_TWICE: &[u8] = b"BT /F1 10 Tf 72 700 Td <0001000200030004000100020003> Tj ET";

#[test]
fn identity_h_text_comes_from_the_tounicode_cmap_with_cid_widths() {
    let pdf = build(&[DUOC_TWICE], TestFont::Cid(DUOC_CMAP));
    assert_eq!(text_of(&pdf), "Đượ Đượ");
}

/// Identity-V is read like Identity-H: two-byte codes through the
/// ToUnicode CMap. Vertical writing (WMode 1) is not laid out: its glyphs
/// are placed along the baseline, so a vertical run reads as one line in
/// stream order (a README limit; Vietnamese reports are not set vertically).
#[test]
fn identity_v_codes_decode_as_identity_h_codes_do() {
    let horizontal = build(&[DUOC_TWICE], TestFont::Cid(DUOC_CMAP));
    let at = horizontal
        .windows(10)
        .position(|w| w == b"Identity-H")
        .expect("the Type0 font's encoding");
    let mut vertical = horizontal.clone();
    vertical[at + 9] = b'V';
    assert_eq!(text_of(&vertical), "Đượ Đượ");
}

#[test]
fn a_font_mapping_its_codes_to_no_characters_is_named_not_called_a_scan() {
    // Identity-H without a ToUnicode map: the codes are glyph numbers of an
    // embedded font, and name no characters.
    let font = TestFont::Dict(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "ABCDEF+Times",
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![Object::Dictionary(dictionary! {
            "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "ABCDEF+Times",
            "DW" => 500,
        })],
    });
    let doc = read_pdf(&build(&[DUOC_TWICE], font)).expect("read");
    let warnings = warnings_of(&doc);
    assert!(
        warnings.len() == 1
            && warnings[0].0 == "unmapped_glyphs"
            && warnings[0].1.contains("missing: page 1;"),
        "{warnings:?}"
    );
    // One code without a character among many (WinAnsi leaves 0x81
    // undefined) is a stray symbol: left out, not warned of.
    let pdf = build(
        &[b"BT /F1 10 Tf 72 700 Td (Mot hai ba bon nam sau\x81) Tj ET"],
        TestFont::Courier,
    );
    let doc = read_pdf(&pdf).expect("read");
    assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
    assert_eq!(normalize(&doc).text, "Mot hai ba bon nam sau");
}

#[test]
fn a_ligature_glyph_reads_as_its_letters() {
    // Chromium maps its `fl` ligature glyph to U+FB02 in the ToUnicode.
    let cmap = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
                1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
                3 beginbfchar <0001> <0053> <0002> <FB02> <0003> <006F> endbfchar\n\
                endcmap CMapName currentdict /CMap defineresource pop end end";
    let pdf = build(
        &[b"BT /F1 10 Tf 72 700 Td <000100020003> Tj ET"],
        TestFont::Cid(cmap),
    );
    assert_eq!(text_of(&pdf), "Sflo");
}

#[test]
fn a_vntime_font_is_decoded_as_tcvn3() {
    // "Nghị định số 06/2013/NĐ-CP" in TCVN3 bytes, in a subset .VnTime font.
    let content = b"BT /F1 10 Tf 72 700 Td (Ngh\xde \xae\xdenh s\xe8 06/2013/N\xa7-CP) Tj ET";
    let pdf = build(&[content], TestFont::Legacy("ABCDEF+.VnTime"));
    assert_eq!(text_of(&pdf), "Nghị định số 06/2013/NĐ-CP");
    let pdf = build(
        &[b"BT /F1 10 Tf 72 700 Td (b\xb8o c\xb8o) Tj ET"],
        TestFont::Legacy(".VnTimeH"),
    );
    assert_eq!(text_of(&pdf), "BÁO CÁO");
}

#[test]
fn a_page_without_text_is_named_in_a_warning() {
    let image_only = b"q 500 0 0 700 50 50 cm /Im1 Do Q";
    let pdf = build(
        &[
            &lines(&[(72.0, 700.0, "Trang co chu.")]),
            image_only,
            image_only,
        ],
        TestFont::Courier,
    );
    let doc = read_pdf(&pdf).expect("read");
    assert_eq!(doc.warnings.len(), 1, "{:?}", doc.warnings);
    assert_eq!(doc.warnings[0].kind, "no_text_layer");
    assert!(
        doc.warnings[0].message.contains("pages 2-3"),
        "{}",
        doc.warnings[0].message
    );
}

#[test]
fn a_form_that_draws_itself_is_entered_once() {
    let mut doc = lopdf::Document::with_version("1.5");
    let form_id = doc.new_object_id();
    let font = doc.add_object(
        dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Courier" },
    );
    let res = dictionary! {
        "Font" => dictionary! { "F1" => Object::Reference(font) },
        "XObject" => dictionary! { "X1" => Object::Reference(form_id) },
    };
    doc.objects.insert(
        form_id,
        Object::Stream(Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Form", "Resources" => res.clone(),
            "Matrix" => vec![1.into(), 0.into(), 0.into(), 1.into(), 0.into(), (-20).into()] },
            b"BT /F1 10 Tf 72 700 Td (trong form) Tj ET /X1 Do".to_vec(),
        )),
    );
    let pages_id = doc.new_object_id();
    let contents = doc.add_object(Stream::new(dictionary! {}, b"/X1 Do".to_vec()));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => Object::Reference(pages_id), "Resources" => res,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()], "Contents" => Object::Reference(contents),
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![Object::Reference(page)], "Count" => 1 }),
    );
    let catalog =
        doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => Object::Reference(pages_id) });
    doc.trailer.set("Root", Object::Reference(catalog));
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("written");
    assert_eq!(text_of(&bytes), "trong form");
}

#[test]
fn a_content_stream_inflating_past_the_cap_is_too_large() {
    use std::io::Write;
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(&vec![b' '; 1 << 20]).expect("deflate");
    let bomb = enc.finish().expect("deflate");
    let pdf = build(&[b"BT ET"], TestFont::Courier);
    let mut doc = lopdf::Document::load_mem(&pdf).expect("load");
    let page = doc.page_iter().next().expect("a page");
    let contents = doc.get_page_contents(page)[0];
    doc.objects.insert(
        contents,
        Object::Stream(Stream::new(dictionary! { "Filter" => "FlateDecode" }, bomb)),
    );
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("written");
    let err = read_pdf_with(&bytes, 64 << 10).expect_err("over the cap");
    assert_eq!(err.kind(), "too_large", "{err}");
    assert!(read_pdf(&bytes).is_ok(), "under the real cap it reads");
}

#[test]
fn a_file_with_a_broken_xref_is_rebuilt_and_says_so() {
    let pdf = build(
        &[&lines(&[(72.0, 700.0, "Van ban con doc duoc.")])],
        TestFont::Courier,
    );
    let at = pdf
        .windows(9)
        .rposition(|w| w == b"startxref")
        .expect("startxref");
    let mut broken = pdf[..at].to_vec();
    broken.extend_from_slice(b"startxref\n999999\n%%EOF\n");
    let doc = read_pdf(&broken).expect("repaired");
    assert_eq!(normalize(&doc).text, "Van ban con doc duoc.");
    assert_eq!(doc.warnings[0].kind, "damaged_pdf", "{:?}", doc.warnings);
}

#[test]
fn a_file_cut_before_its_catalog_is_invalid_not_a_panic() {
    let pdf = build(&[&lines(&[(72.0, 700.0, "Mot.")])], TestFont::Courier);
    let at = pdf
        .windows(7)
        .position(|w| w == b"Catalog")
        .expect("catalog");
    for cut in [20, at - 30, pdf.len() / 2] {
        let err = read_pdf(&pdf[..cut]).expect_err("cut short");
        assert_eq!(err.kind(), "invalid_pdf", "cut at {cut}: {err}");
    }
}

/// xorshift, so a failing round reproduces.
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// The tests above damage files in the ways someone named; this damages a
/// real report in ways nobody named. Its streams are stored inflated first,
/// so the damage lands in content streams, CMaps and dictionaries, not
/// only in compressed bytes that fail to inflate.
#[test]
fn damaged_corpus_pdfs_give_text_or_invalid_pdf_never_a_panic() {
    let mut doc = lopdf::Document::load_mem(include_bytes!(
        "../../../corpus/pdf/002_eb8113f2a36168c7.pdf"
    ))
    .expect("the corpus PDF loads");
    doc.decompress();
    let mut good = Vec::new();
    doc.save_to(&mut good).expect("written");
    assert!(
        good.windows(3).any(|w| w == b"TJ\n" || w == b"]TJ"),
        "the content streams are stored as text"
    );
    // Bytes a content stream or a dictionary is made of.
    const SPLICE: &[u8] = b"()<>[]/%0123456789-. \nTJTfTdTmqQcmBTETDo";
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let (mut read, mut invalid) = (0, 0);
    for round in 0..120 {
        let mut bad = good.clone();
        for _ in 0..(1 + round % 6) {
            let len = bad.len();
            let at = (next_random(&mut state) as usize) % len;
            let span = (at + (next_random(&mut state) % 48) as usize).min(len);
            match round % 5 {
                0 => bad[at] ^= 1 << (next_random(&mut state) % 8),
                1 => bad[at] = SPLICE[(next_random(&mut state) as usize) % SPLICE.len()],
                2 => drop(bad.drain(at..span)),
                3 => {
                    let copy = bad[at..span].to_vec();
                    bad.splice(at..at, copy);
                }
                _ => drop(bad.splice(at..at, *b"1e38 -99999999999 ")),
            }
        }
        match read_pdf(&bad) {
            Ok(_) => read += 1,
            Err(e) => {
                assert_eq!(e.kind(), "invalid_pdf", "round {round}: {e}");
                invalid += 1;
            }
        }
    }
    assert!(
        read > 0 && invalid > 0,
        "both outcomes occur: {read} read, {invalid} invalid"
    );
}
