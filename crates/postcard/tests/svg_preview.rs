//! The desk's on-screen preview: [`render_svg`] draws the same layout as the PDF. Checks the
//! text and the barcode in the SVG and saves PNGs of both sides (rasterised with
//! librsvg) under `artifacts/postcards/` for a person to look at.

use std::path::{Path, PathBuf};
use std::process::Command;

use kencom_postcard::{render_svg, Postcard, RenderOptions, Sender, BARCODE_MARK};

fn card() -> Postcard {
    Postcard {
        postal_code: "100-0013".into(),
        postal_code_catch_all: false,
        address: vec![
            "東京都千代田区霞が関1丁目3番2号".into(),
            "郵便プラザ503室".into(),
        ],
        name: "山田 太郎".into(),
        code: "K7MN-4PQR-8XYZ".into(),
        sender: Sender {
            name: "ケンコム健康保険組合".into(),
            postal_code: "105-0001".into(),
            address: vec!["東京都港区虎ノ門4丁目1番1号".into()],
            contact: None,
        },
    }
}

fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../artifacts/postcards");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_preview_has_the_name_the_code_groups_and_67_bars() {
    let svg = render_svg(&card(), &RenderOptions::default()).unwrap();
    assert!(svg.address_side.starts_with("<svg "));
    assert!(svg.address_side.contains("山田 太郎"));
    assert!(svg.address_side.contains("様"));
    assert!(svg.address_side.contains("ケンコム健康保険組合"));
    let bars = svg
        .address_side
        .split(&format!("<g data-tag=\"{BARCODE_MARK}\">"))
        .nth(1)
        .expect("the barcode group")
        .split("</g>")
        .next()
        .unwrap()
        .matches("<rect ")
        .count();
    assert_eq!(bars, 67, "start + 20 data + check + stop");
    for group in ["K7MN", "4PQR", "8XYZ"] {
        assert!(svg.inner_side.contains(group), "code group {group}");
    }
    assert!(
        !svg.address_side.contains("K7MN"),
        "no code on the address side"
    );
    assert_eq!(format!("{svg:?}"), "CardSvg(<redacted>)");
}

#[test]
fn the_preview_escapes_markup_and_refuses_what_the_pdf_refuses() {
    let mut c = card();
    c.address[1] = "A&B<ビル>".into();
    let svg = render_svg(&c, &RenderOptions::default()).unwrap();
    assert!(svg.address_side.contains("A&amp;B&lt;ビル&gt;"));
    let mut bad = card();
    bad.code = "0000".into();
    assert!(render_svg(&bad, &RenderOptions::default()).is_err());
}

#[test]
fn the_preview_rasterises_and_is_saved_as_png() {
    let svg = render_svg(&card(), &RenderOptions::default()).unwrap();
    for (side, doc) in [("address", &svg.address_side), ("inner", &svg.inner_side)] {
        let src = artifacts().join(format!("preview-{side}.svg"));
        std::fs::write(&src, doc).unwrap();
        let png = artifacts().join(format!("preview-{side}.png"));
        let out = Command::new("rsvg-convert")
            .args(["--dpi-x", "200", "--dpi-y", "200", "-b", "white", "-o"])
            .arg(&png)
            .arg(&src)
            .output()
            .expect("rsvg-convert (apt-get install -y librsvg2-bin)");
        assert!(
            out.status.success(),
            "convert failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(std::fs::metadata(&png).unwrap().len() > 5_000);
    }
}
