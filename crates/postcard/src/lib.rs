//! Reissue postcards (健診閲覧コード再発行のお知らせ) as one PDF, however many cards.
//!
//! Each card is two pages, 100 × 148 mm: the address side (postal code, address, name + 様,
//! Japan Post customer barcode, sender, 「郵便はがき」) and the inner side with the new code.
//! [`render`] streams pages to the output as it draws them and keeps only object offsets
//! and the set of used glyphs, so memory stays flat for print runs of any size; the one
//! font (a subset of the bundled IPAexGothic) is written once at the end. printpdf
//! provides font parsing and subsetting; the page assembly is ours (see `pdf.rs` for why).
//! This crate knows no Tauri, network or async runtime: it turns data into bytes.
#![deny(missing_docs)]

mod barcode;
mod card;
mod content;
mod error;
mod font;
mod layout;
mod pdf;
mod wrap;

use std::io::{BufWriter, Write};

use kencom_domain::barcode::CustomerBarcode;

pub use barcode::{
    BarGeometry, BarRect, MARK as BARCODE_MARK, MAX_POINT_SIZE, MIN_POINT_SIZE, QUIET_ZONE_MM,
};
pub use card::{Postcard, Sender, CODE_ALPHABET, CODE_LEN};
pub use error::PostcardError;

use content::{Content, CARD_W_MM};
use font::CardFont;
use layout::Pen;
use pdf::{text_string, PdfWriter};

/// Where the member's postal code goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostalCodeStyle {
    /// In the Japan Post 郵便番号枠 (7 boxes, top right). `draw_frame: false` for card stock
    /// with the red frame pre-printed: only the digits are printed, in the same places.
    Frame {
        /// Draw the red frame too (plain card stock).
        draw_frame: bool,
    },
    /// 〒 and the code on the first address line, no frame.
    Inline,
}

/// Layout choices for a run.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderOptions {
    /// Where the postal code goes.
    pub postal_code: PostalCodeStyle,
    /// Customer barcode size, 8–11.5 pt; 9 pt keeps the 67 bars (71.8 mm) and both 2 mm
    /// quiet zones well inside the 100 mm card.
    pub barcode_point_size: f32,
    /// Skip cards with invalid data (reported in [`RenderStats::skipped`]) instead of
    /// failing the whole run. Write and font errors always fail.
    pub skip_invalid: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            postal_code: PostalCodeStyle::Frame { draw_frame: true },
            barcode_point_size: 9.0,
            skip_invalid: false,
        }
    }
}

/// What a run produced.
#[derive(Debug, Default)]
pub struct RenderStats {
    /// Cards rendered (two pages each).
    pub cards: usize,
    /// Pages in the document.
    pub pages: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Stored size of the embedded font program (the subset, compressed).
    pub font_program_bytes: usize,
    /// Distinct glyphs in the subset.
    pub font_glyphs: usize,
    /// Cards that got a customer barcode (catch-all postal codes get none).
    pub barcodes: usize,
    /// Cards left out because their data was invalid (only with `skip_invalid`).
    pub skipped: Vec<PostcardError>,
}

/// Page size as written in the MediaBox: 100 × 148 mm in points, rounded to 0.01 pt
/// (0.002 mm) so viewers and pdfinfo report the nominal 283.46 × 419.53.
const MEDIA_BOX: &str = "[0 0 283.46 419.53]";

/// Renders `cards` into one PDF written to `out`: for each card the address side, then the
/// inner side. Pages are written as they are drawn, so memory does not grow with the run.
/// On error the output is an incomplete PDF and must be discarded.
pub fn render<W: Write>(
    cards: impl IntoIterator<Item = Postcard>,
    out: W,
    opts: &RenderOptions,
) -> Result<RenderStats, PostcardError> {
    let geometry = BarGeometry::new(opts.barcode_point_size).ok_or(PostcardError::Options(
        "バーコードは8〜11.5ポイントで指定してください",
    ))?;
    if geometry.width(67) + 2.0 * (QUIET_ZONE_MM + layout::MARGIN_MM / 2.0) > CARD_W_MM {
        return Err(PostcardError::Options(
            "このサイズではバーコードがはがきの余白に収まりません",
        ));
    }

    let mut font = CardFont::load()?;
    let mut pdf = PdfWriter::new(BufWriter::with_capacity(1 << 16, out))?;
    let catalog = pdf.reserve();
    let pages_id = pdf.reserve();
    let font_id = pdf.reserve();
    let resources = pdf.reserve();
    let info = pdf.reserve();
    pdf.write_object(
        resources,
        format!("<< /Font << /F1 {font_id} 0 R >> /ProcSet [/PDF /Text] >>").as_bytes(),
    )?;

    let mut stats = RenderStats::default();
    let mut kids: Vec<u32> = Vec::new();
    let mut buffers = (String::new(), String::new());
    for (i, card) in cards.into_iter().enumerate() {
        let number = i + 1;
        let mut front = Content::reuse(std::mem::take(&mut buffers.0));
        let mut inner = Content::reuse(std::mem::take(&mut buffers.1));
        match draw_card(
            &card, number, opts, geometry, &mut font, &mut front, &mut inner,
        ) {
            Ok(barcode) => {
                stats.barcodes += usize::from(barcode);
                stats.cards += 1;
                for page in [&front, &inner] {
                    let contents = pdf.reserve();
                    let page_id = pdf.reserve();
                    pdf.write_stream(contents, "", page.as_bytes())?;
                    pdf.write_object(
                        page_id,
                        format!(
                            "<< /Type /Page /Parent {pages_id} 0 R /MediaBox {MEDIA_BOX} \
                             /Resources {resources} 0 R /Contents {contents} 0 R >>"
                        )
                        .as_bytes(),
                    )?;
                    kids.push(page_id);
                }
            }
            Err(e) if opts.skip_invalid && e.card().is_some() => stats.skipped.push(e),
            Err(e) => return Err(e),
        }
        buffers = (front.into_buffer(), inner.into_buffer());
    }
    if kids.is_empty() {
        return Err(PostcardError::Empty);
    }

    let embedded = font.write_objects(&mut pdf, font_id)?;
    let mut tree = format!("<< /Type /Pages /Count {} /Kids [", kids.len()).into_bytes();
    for k in &kids {
        tree.extend_from_slice(format!("{k} 0 R ").as_bytes());
    }
    tree.extend_from_slice(b"] >>");
    pdf.write_object(pages_id, &tree)?;
    pdf.write_object(
        catalog,
        format!("<< /Type /Catalog /Pages {pages_id} 0 R >>").as_bytes(),
    )?;
    pdf.write_object(
        info,
        format!(
            "<< /Title {} /Producer (KenCoM Desk kencom-postcard) >>",
            text_string("健診閲覧コード再発行のお知らせ")
        )
        .as_bytes(),
    )?;
    stats.pages = kids.len();
    stats.font_program_bytes = embedded.program_bytes;
    stats.font_glyphs = embedded.glyphs;
    stats.bytes = pdf.finish(catalog, info)?;
    Ok(stats)
}

/// The two sides of one card as SVG documents (100 × 148 mm): the same layout, glyph
/// positions and barcode as [`render`] writes into the PDF, for an on-screen preview.
#[derive(Clone)]
pub struct CardSvg {
    /// 宛名面: postal code, address, name + 様, barcode, sender.
    pub address_side: String,
    /// 通信面: the notice and the code.
    pub inner_side: String,
}

impl std::fmt::Debug for CardSvg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The inner side carries the checkup code.
        f.write_str("CardSvg(<redacted>)")
    }
}

/// Draws one card as SVG with the checks and options of [`render`].
pub fn render_svg(card: &Postcard, opts: &RenderOptions) -> Result<CardSvg, PostcardError> {
    let geometry = BarGeometry::new(opts.barcode_point_size).ok_or(PostcardError::Options(
        "バーコードは8〜11.5ポイントで指定してください",
    ))?;
    let mut font = CardFont::load()?;
    let mut front = Content::svg();
    let mut inner = Content::svg();
    draw_card(card, 1, opts, geometry, &mut font, &mut front, &mut inner)?;
    Ok(CardSvg {
        address_side: front.finish_svg(),
        inner_side: inner.finish_svg(),
    })
}

/// Draws both sides of one card; returns whether it got a barcode.
fn draw_card(
    card: &Postcard,
    number: usize,
    opts: &RenderOptions,
    geometry: BarGeometry,
    font: &mut CardFont,
    front: &mut Content,
    inner: &mut Content,
) -> Result<bool, PostcardError> {
    let (postal, groups) = card.check(number)?;
    let barcode = if card.postal_code_catch_all {
        None
    } else {
        let address = card.address.join("");
        let encoded = CustomerBarcode::encode(&card.postal_code, &address)
            .map_err(|_| PostcardError::PostalCode { card: number })?;
        Some(encoded.bars())
    };
    let mut pen = Pen {
        content: front,
        font,
        card: number,
    };
    layout::address::draw(
        &mut pen,
        card,
        &postal,
        opts.postal_code,
        barcode.as_deref().map(|b| (b, geometry)),
    )?;
    let mut pen = Pen {
        content: inner,
        font: pen.font,
        card: number,
    };
    layout::inner::draw(&mut pen, card, &groups)?;
    Ok(barcode.is_some())
}
