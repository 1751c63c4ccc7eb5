//! The address side (宛名面): 「郵便はがき」, the postal code (in the Japan Post frame or
//! inline), the wrapped address, name + 様, the customer barcode and the sender union at
//! the bottom. Positions are millimetres from the top-left corner. Nothing here decides
//! which bars a barcode has; that comes from `kencom_domain::barcode`.

use kencom_domain::barcode::Bar;

use super::{Pen, MARGIN_MM};
use crate::barcode::{self, BarGeometry, QUIET_ZONE_MM};
use crate::card::{postal_digits, postal_display, Postcard};
use crate::content::{mm, Rgb, BLACK, CARD_H_MM, CARD_W_MM};
use crate::error::PostcardError;
use crate::PostalCodeStyle;

/// 郵便番号枠 (DOMAIN.md §4, secondary source): inside top edge 12 mm from the top, right
/// edge 8 mm from the right, boxes 5.7 × 8 mm; 3-digit part at 7.0 mm pitch, 4-digit part at
/// 6.8 mm pitch, a short hyphen between them.
const FRAME_TOP: f32 = 12.0;
const FRAME_RIGHT: f32 = CARD_W_MM - 8.0;
const BOX_W: f32 = 5.7;
const BOX_H: f32 = 8.0;
const PITCH_LEFT: f32 = 7.0;
const PITCH_RIGHT: f32 = 6.8;
/// Japan Post's frame red.
const FRAME_RED: Rgb = Rgb(0.85, 0.1, 0.12);

/// The address starts below the frame and clear of a stamp or 料金別納 mark at top left.
const ADDRESS_TOP_BASELINE: f32 = 32.0;
const ADDRESS_X: f32 = 12.0;
/// Sizes tried for the address, with the lines each may take.
const ADDRESS_SIZES: [(f32, usize); 2] = [(11.0, 5), (9.5, 6)];
const NAME_SIZES: [f32; 3] = [16.0, 14.0, 12.0];
const NAME_X: f32 = 18.0;
const NAME_MIN_BASELINE: f32 = 60.0;
/// Bottom baseline of the sender block.
const SENDER_BOTTOM: f32 = CARD_H_MM - 8.0;

/// Left edges of the seven boxes.
pub(crate) fn box_lefts() -> [f32; 7] {
    let r0 = FRAME_RIGHT - BOX_W - 3.0 * PITCH_RIGHT;
    let l0 = r0 - 1.9 - BOX_W - 2.0 * PITCH_LEFT;
    [
        l0,
        l0 + PITCH_LEFT,
        l0 + 2.0 * PITCH_LEFT,
        r0,
        r0 + PITCH_RIGHT,
        r0 + 2.0 * PITCH_RIGHT,
        r0 + 3.0 * PITCH_RIGHT,
    ]
}

/// Draws the address side. `bars` is `None` for catch-all postal codes.
pub(crate) fn draw(
    pen: &mut Pen<'_>,
    card: &Postcard,
    postal: &[u8; 7],
    style: PostalCodeStyle,
    bars: Option<(&[Bar], BarGeometry)>,
) -> Result<(), PostcardError> {
    pen.content.fill(BLACK);
    // 「郵便はがき」 is required on privately printed postcards, centred at the top.
    let label = "郵便はがき";
    // Four 4 pt gaps between five characters.
    let w = pen.width(label, 10.0)? + mm(4.0 * 4.0);
    pen.spaced(10.0, (CARD_W_MM - w) / 2.0, 8.5, 4.0, label)?;

    if let PostalCodeStyle::Frame { draw_frame } = style {
        postal_frame(pen, postal, draw_frame)?;
    }

    let mut y = address_block(pen, card, postal, style)?;

    // Name + 様, as large as fits on one line; never higher than the card's upper third
    // so short addresses do not leave the lower half empty.
    y = (y + 13.0).max(NAME_MIN_BASELINE);
    let name = format!("{}\u{3000}様", card.name.trim());
    let avail = CARD_W_MM - MARGIN_MM - NAME_X;
    let mut drawn = false;
    for size in NAME_SIZES {
        if pen.width(&name, size)? <= avail {
            pen.text(size, NAME_X, y, &name)?;
            drawn = true;
            break;
        }
    }
    if !drawn {
        return Err(PostcardError::NameTooLong { card: pen.card });
    }

    // Barcode centred below the name; 2 mm clear of the name's descenders and of anything
    // under it (checked against the sender block below).
    let mut bottom = y + 1.5;
    if let Some((bars, geometry)) = bars {
        let top = bottom + QUIET_ZONE_MM + 2.0;
        let x = (CARD_W_MM - geometry.width(bars.len())) / 2.0;
        barcode::draw(pen.content, geometry, bars, x, top);
        bottom = top + geometry.height();
    }

    let sender_top = sender_block(pen, card)?;
    if sender_top < bottom + QUIET_ZONE_MM + 4.0 {
        return Err(PostcardError::SenderTooLong { card: pen.card });
    }
    Ok(())
}

fn postal_frame(
    pen: &mut Pen<'_>,
    postal: &[u8; 7],
    draw_frame: bool,
) -> Result<(), PostcardError> {
    let lefts = box_lefts();
    if draw_frame {
        let lw = 0.3;
        pen.content.stroke(FRAME_RED, lw);
        for x in lefts {
            // The given geometry is the inside of the box; the stroke sits outside it.
            pen.content
                .stroke_rect(x - lw / 2.0, FRAME_TOP - lw / 2.0, BOX_W + lw, BOX_H + lw);
        }
        let hy = FRAME_TOP + BOX_H / 2.0;
        let gap_l = lefts[2] + BOX_W + lw;
        let gap_r = lefts[3] - lw;
        pen.content.line(gap_l + 0.2, hy, gap_r - 0.2, hy);
    }
    pen.content.fill(BLACK);
    for (x, d) in lefts.iter().zip(postal) {
        let digit = char::from(b'0' + d).to_string();
        pen.centered(14.0, x + BOX_W / 2.0, FRAME_TOP + BOX_H - 1.6, &digit)?;
    }
    Ok(())
}

/// Draws the address (and the inline postal code); returns the last baseline.
fn address_block(
    pen: &mut Pen<'_>,
    card: &Postcard,
    postal: &[u8; 7],
    style: PostalCodeStyle,
) -> Result<f32, PostcardError> {
    let width = CARD_W_MM - MARGIN_MM - ADDRESS_X;
    let mut needed = 0;
    for (size, max_lines) in ADDRESS_SIZES {
        let indent = size * 0.3528; // one em, in mm
        let mut lines: Vec<(f32, String)> = Vec::new();
        if style == PostalCodeStyle::Inline {
            lines.push((0.0, format!("〒{}", postal_display(postal))));
        }
        for (i, src) in card
            .address
            .iter()
            .filter(|l| !l.trim().is_empty())
            .enumerate()
        {
            let first_indent = if i == 0 { 0.0 } else { indent };
            let wrapped = pen.wrap(src, size, width - first_indent, indent)?;
            for (j, l) in wrapped.into_iter().enumerate() {
                lines.push((first_indent + if j == 0 { 0.0 } else { indent }, l));
            }
        }
        needed = lines.len();
        if lines.len() <= max_lines + usize::from(style == PostalCodeStyle::Inline) {
            let leading = size * 0.3528 * 1.45;
            let mut y = ADDRESS_TOP_BASELINE;
            for (i, (dx, line)) in lines.iter().enumerate() {
                if i > 0 {
                    y += leading;
                }
                pen.text(size, ADDRESS_X + dx, y, line)?;
            }
            return Ok(y);
        }
    }
    Err(PostcardError::AddressTooLong {
        card: pen.card,
        lines: needed,
        max: ADDRESS_SIZES[ADDRESS_SIZES.len() - 1].1,
    })
}

/// Draws the sender at the bottom, bottom-up; returns the top of its first line.
fn sender_block(pen: &mut Pen<'_>, card: &Postcard) -> Result<f32, PostcardError> {
    let s = &card.sender;
    let width = CARD_W_MM - 2.0 * MARGIN_MM;
    let small = 7.5;
    let leading = small * 0.3528 * 1.5;
    let mut lines: Vec<(f32, String)> = Vec::new();
    if let Some(d) = postal_digits(&s.postal_code) {
        lines.push((small, format!("〒{}", postal_display(&d))));
    }
    for l in s.address.iter().filter(|l| !l.trim().is_empty()) {
        for w in pen.wrap(l, small, width, 0.0)? {
            lines.push((small, w));
        }
    }
    lines.push((10.0, s.name.trim().to_string()));
    if let Some(c) = s.contact.as_deref().filter(|c| !c.trim().is_empty()) {
        for w in pen.wrap(c, small, width, 0.0)? {
            lines.push((small, w));
        }
    }
    if lines.len() > 7 {
        return Err(PostcardError::SenderTooLong { card: pen.card });
    }
    let mut y = SENDER_BOTTOM;
    let mut top = y;
    for (i, (size, line)) in lines.iter().enumerate().rev() {
        if pen.width(line, *size)? > width {
            return Err(PostcardError::SenderTooLong { card: pen.card });
        }
        pen.text(*size, MARGIN_MM, y, line)?;
        top = y - size * 0.3528;
        // The union's name stands a little apart from the address.
        let next_is_name = i > 0 && lines[i - 1].0 > small || *size > small;
        y -= if next_is_name { leading + 1.2 } else { leading };
    }
    Ok(top)
}
