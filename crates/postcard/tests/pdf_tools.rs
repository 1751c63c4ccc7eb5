//! End-to-end checks of rendered postcards with the real poppler tools (pdffonts, pdfinfo,
//! pdftotext, pdftoppm), plus a parse of our own page streams for the barcode. Every run
//! saves PNGs of both sides under `artifacts/postcards/` for a person to look at.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use kencom_domain::barcode::CustomerBarcode;
use kencom_postcard::{
    render, PostalCodeStyle, Postcard, RenderOptions, RenderStats, Sender, BARCODE_MARK,
};

fn sender() -> Sender {
    Sender {
        name: "ケンコム健康保険組合".into(),
        postal_code: "105-0001".into(),
        address: vec![
            "東京都港区虎ノ門4丁目1番1号".into(),
            "神谷町トラストタワー".into(),
        ],
        contact: Some("お問い合わせ 03-0000-0000（平日10時〜18時）".into()),
    }
}

/// DOMAIN.md §4's Japan Post example address.
fn example_card() -> Postcard {
    Postcard {
        postal_code: "100-0013".into(),
        postal_code_catch_all: false,
        address: vec![
            "東京都千代田区霞が関1丁目3番2号".into(),
            "郵便プラザ503室".into(),
        ],
        name: "山田 太郎".into(),
        code: "K7MN-4PQR-8XYZ".into(),
        sender: sender(),
    }
}

fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../artifacts/postcards");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn render_file(name: &str, cards: Vec<Postcard>, opts: &RenderOptions) -> (PathBuf, RenderStats) {
    let path = artifacts().join(format!("{name}.pdf"));
    let file = std::fs::File::create(&path).unwrap();
    let stats = render(cards, file, opts).unwrap();
    (path, stats)
}

fn tool(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd).args(args).output().unwrap_or_else(|e| {
        panic!("{cmd} must be installed (apt-get install -y poppler-utils): {e}")
    });
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{cmd} complained about the PDF: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Saves page `page` as `<stem>.png` at 150 dpi.
fn png(pdf: &Path, page: usize, stem: &str) -> PathBuf {
    let prefix = artifacts().join(stem);
    let p = page.to_string();
    tool(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "150",
            "-f",
            &p,
            "-l",
            &p,
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let file = prefix.with_extension("png");
    assert!(
        std::fs::metadata(&file).unwrap().len() > 5_000,
        "{file:?} must be a real render"
    );
    file
}

/// Decompressed page content streams in page order (ours contain `/F1`).
fn page_streams(pdf: &Path) -> Vec<String> {
    let bytes = std::fs::read(pdf).unwrap();
    let mut pages = Vec::new();
    let mut at = 0;
    while let Some(rel) = find(&bytes[at..], b"/Length ") {
        let start = at + rel + 8;
        let end = start + find(&bytes[start..], b" ").unwrap();
        let len: usize = std::str::from_utf8(&bytes[start..end])
            .unwrap()
            .parse()
            .unwrap();
        let data = start + find(&bytes[start..], b"stream\n").unwrap() + 7;
        let mut text = Vec::new();
        flate2::read::ZlibDecoder::new(&bytes[data..data + len])
            .read_to_end(&mut text)
            .unwrap();
        if find(&text, b"/F1 ").is_some() {
            pages.push(String::from_utf8(text).unwrap());
        }
        at = data + len;
    }
    pages
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The bars drawn inside the barcode section of a page, as F/A/D/T letters, plus heights (pt).
fn drawn_bars(page: &str) -> Option<(String, Vec<f32>)> {
    let start = page.find(&format!("/{BARCODE_MARK} BMC"))?;
    let section = &page[start..start + page[start..].find("EMC").unwrap()];
    let rects: Vec<[f32; 4]> = section
        .lines()
        .filter(|l| l.ends_with(" re f"))
        .map(|l| {
            let v: Vec<f32> = l.split(' ').take(4).map(|n| n.parse().unwrap()).collect();
            [v[0], v[1], v[2], v[3]]
        })
        .collect();
    let bottom = rects.iter().map(|r| r[1]).fold(f32::MAX, f32::min);
    let top = rects.iter().map(|r| r[1] + r[3]).fold(f32::MIN, f32::max);
    let full = top - bottom;
    let near = |a: f32, b: f32| (a - b).abs() < 0.05;
    let letters = rects
        .iter()
        .map(|r| match (near(r[1], bottom), near(r[1] + r[3], top)) {
            (true, true) => 'F',
            (false, true) => 'A',
            (true, false) => 'D',
            (false, false) if near(r[3], full / 3.0) => 'T',
            _ => '?',
        })
        .collect();
    Some((letters, rects.iter().map(|r| r[3]).collect()))
}

#[test]
fn one_card_passes_the_poppler_checks_and_is_saved_as_png() {
    let (pdf, stats) = render_file("example", vec![example_card()], &RenderOptions::default());
    let path = pdf.to_str().unwrap();
    assert_eq!((stats.cards, stats.pages, stats.barcodes), (1, 2, 1));

    let fonts = tool("pdffonts", &[path]);
    let row = fonts.lines().nth(2).expect("pdffonts lists the font");
    assert!(row.contains("+IPAexGothic"), "subset name with tag: {row}");
    assert!(row.contains("CID TrueType"), "{row}");
    let flags: Vec<&str> = row.split_whitespace().rev().skip(2).take(3).collect();
    assert_eq!(
        flags,
        ["yes", "yes", "yes"],
        "uni, sub, emb must all be yes: {row}"
    );
    assert_eq!(
        fonts.lines().count(),
        3,
        "one embedded font for the whole document:\n{fonts}"
    );

    let info = tool("pdfinfo", &["-f", "1", "-l", "2", path]);
    assert!(info.contains("Pages:           2"), "{info}");
    for page in [
        "Page    1 size:  283.46 x 419.53 pts",
        "Page    2 size:  283.46 x 419.53 pts",
    ] {
        assert!(
            info.contains(page),
            "every page is 100 × 148 mm, got:\n{info}"
        );
    }

    let text = tool("pdftotext", &["-layout", path, "-"]);
    for expected in [
        "山田 太郎",
        "様",
        "東京都千代田区霞が関1丁目3番2号",
        "郵便プラザ503室",
        "健診閲覧コード再発行のお知らせ",
        "https://kencom.jp",
        "ケンコム健康保険組合",
    ] {
        assert!(
            text.contains(expected),
            "pdftotext must give back {expected:?}:\n{text}"
        );
    }
    let flat: String = text.split_whitespace().collect();
    assert!(
        flat.contains("K7MN4PQR8XYZ"),
        "the code comes back in order:\n{text}"
    );
    assert!(flat.contains("郵便はがき"), "letter-spaced label:\n{text}");
    assert!(
        flat.contains("1000013"),
        "postal code digits in the frame:\n{text}"
    );

    png(&pdf, 1, "example-address");
    png(&pdf, 2, "example-inner");
}

#[test]
fn the_drawn_barcode_is_the_japan_post_example_with_67_bars_of_the_right_heights() {
    let card = example_card();
    let (pdf, _) = render_file("barcode", vec![card.clone()], &RenderOptions::default());
    let encoded = CustomerBarcode::encode("100-0013", &card.address.join("")).unwrap();
    assert_eq!(
        encoded.address_number(),
        "1-3-2-503",
        "DOMAIN.md's Japan Post example"
    );
    assert_eq!(
        encoded.check_char().to_string(),
        "9",
        "DOMAIN.md's Japan Post example"
    );

    let pages = page_streams(&pdf);
    assert_eq!(pages.len(), 2);
    let (letters, heights) = drawn_bars(&pages[0]).expect("the address side has a barcode");
    assert_eq!(
        letters.len(),
        67,
        "start + 20 data + check + stop = 67 bars"
    );
    assert_eq!(
        letters,
        encoded.bar_letters(),
        "bars drawn in the domain's order"
    );
    // 9 pt: 3.24 / 2.16 / 1.08 mm = 9.18 / 6.12 / 3.06 pt.
    for (l, h) in letters.chars().zip(&heights) {
        let want = match l {
            'F' => 9.18,
            'A' | 'D' => 6.12,
            _ => 3.06,
        };
        assert!((h - want).abs() < 0.02, "{l} bar is {h} pt, want {want}");
    }
    assert!(
        drawn_bars(&pages[1]).is_none(),
        "no barcode on the inner side"
    );
}

#[test]
fn a_catch_all_postal_code_gets_no_barcode() {
    let card = Postcard {
        postal_code_catch_all: true,
        ..example_card()
    };
    let (pdf, stats) = render_file("catch-all", vec![card], &RenderOptions::default());
    assert_eq!(stats.barcodes, 0);
    assert!(
        page_streams(&pdf).iter().all(|p| drawn_bars(p).is_none()),
        "代表 codes must not get a barcode"
    );
}

#[test]
fn many_cards_with_long_addresses_inline_postal_codes_share_one_font() {
    let long = Postcard {
        postal_code: "060-0001".into(),
        address: vec![
            "北海道札幌市中央区北一条西二十丁目1番地23号サンシャインマンション北一条西二十丁目弐番館".into(),
            "1203号室".into(),
        ],
        name: "長谷川 乃梨子".into(),
        code: "ABCD EFGH JKMN".into(),
        ..example_card()
    };
    let cards = vec![
        example_card(),
        long.clone(),
        Postcard {
            postal_code_catch_all: true,
            ..long
        },
    ];
    let opts = RenderOptions {
        postal_code: PostalCodeStyle::Inline,
        ..RenderOptions::default()
    };
    let (pdf, stats) = render_file("inline", cards, &opts);
    let path = pdf.to_str().unwrap();
    assert_eq!((stats.cards, stats.pages, stats.barcodes), (3, 6, 2));
    let info = tool("pdfinfo", &[path]);
    assert!(
        info.contains("Pages:           6"),
        "2 pages per card:\n{info}"
    );
    assert_eq!(
        tool("pdffonts", &[path]).lines().count(),
        3,
        "one font for all cards"
    );
    let text = tool("pdftotext", &[path, "-"]);
    assert!(text.contains("〒060-0001"), "inline postal code:\n{text}");
    assert!(text.contains("長谷川 乃梨子"), "{text}");
    assert!(text.contains("1203号室"), "{text}");
    png(&pdf, 3, "inline-long-address");
    png(&pdf, 4, "inline-long-inner");
}

#[test]
fn bad_cards_fail_with_stable_codes_or_are_skipped_when_asked() {
    let cases = [
        (
            Postcard {
                postal_code: "".into(),
                ..example_card()
            },
            "POSTCARD_POSTAL_CODE",
        ),
        (
            Postcard {
                postal_code: "100-001".into(),
                ..example_card()
            },
            "POSTCARD_POSTAL_CODE",
        ),
        (
            Postcard {
                address: vec![" ".into()],
                ..example_card()
            },
            "POSTCARD_MISSING_ADDRESS",
        ),
        (
            Postcard {
                name: "".into(),
                ..example_card()
            },
            "POSTCARD_MISSING_NAME",
        ),
        (
            Postcard {
                code: "K7MN-4PQR-8XY0".into(),
                ..example_card()
            },
            "POSTCARD_CODE_FORMAT",
        ),
        (
            Postcard {
                address: vec!["東京都千代田区霞が関".repeat(20)],
                ..example_card()
            },
            "POSTCARD_ADDRESS_TOO_LONG",
        ),
        (
            Postcard {
                name: "寿限無寿限無五劫の擦り切れ海砂利水魚の水行末雲来末風来末".into(),
                ..example_card()
            },
            "POSTCARD_NAME_TOO_LONG",
        ),
        (
            Postcard {
                name: "山田 한郎".into(),
                ..example_card()
            },
            "POSTCARD_MISSING_GLYPH",
        ),
    ];
    for (card, code) in cases {
        let err = render(
            vec![example_card(), card],
            Vec::new(),
            &RenderOptions::default(),
        )
        .expect_err(code);
        assert_eq!(err.code(), code, "{err}");
        assert_eq!(err.card(), Some(2), "the error names the card");
        assert!(
            !err.to_string().contains("K7MN"),
            "messages never quote the code"
        );
    }

    let bad = Postcard {
        postal_code: "x".into(),
        ..example_card()
    };
    let opts = RenderOptions {
        skip_invalid: true,
        ..RenderOptions::default()
    };
    let stats = render(vec![bad, example_card()], Vec::new(), &opts).unwrap();
    assert_eq!((stats.cards, stats.pages, stats.skipped.len()), (1, 2, 1));
    assert_eq!(stats.skipped[0].code(), "POSTCARD_POSTAL_CODE");

    let none = render(
        Vec::<Postcard>::new(),
        Vec::new(),
        &RenderOptions::default(),
    )
    .unwrap_err();
    assert_eq!(none.code(), "POSTCARD_EMPTY");
    let tiny = RenderOptions {
        barcode_point_size: 7.0,
        ..RenderOptions::default()
    };
    assert_eq!(
        render(vec![example_card()], Vec::new(), &tiny)
            .unwrap_err()
            .code(),
        "POSTCARD_OPTIONS"
    );
}
