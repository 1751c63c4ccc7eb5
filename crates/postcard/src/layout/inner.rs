//! The inner side (圧着はがき inner panel): the notice, the new checkup code set so it
//! cannot be misread (three groups of four, large, letter-spaced, in an alphabet without
//! 0/O and 1/I/L), what to do next on KenCoM, the portal address and the union as sender.

use super::{Pen, MARGIN_MM};
use crate::card::{postal_digits, postal_display, Postcard};
use crate::content::{mm, Rgb, BLACK, CARD_H_MM, CARD_W_MM};
use crate::error::PostcardError;

const TITLE: &str = "健診閲覧コード再発行のお知らせ";
const INTRO: &str = "お申し出により健診閲覧コードを再発行しました。これまでのコードは使えません。健診・検診結果は新しいコードでご覧ください。";
const STEPS: [&str; 5] = [
    "KenCoM にログイン",
    "メニューの「健診・検診結果」を開く",
    "「コード入力」に上のコードを入力",
    "生年月日を入力し、お名前（カナ）を確認",
    "秘密の質問と答えを設定",
];
const CODE_SIZE: f32 = 18.0;
/// Extra space between the characters of a group, so each one stands alone.
const CODE_SPACING_PT: f32 = 2.5;
/// Gap between groups, in millimetres.
const GROUP_GAP: f32 = 6.0;
const GREY: Rgb = Rgb(0.45, 0.45, 0.45);

/// Draws the inner side.
pub(crate) fn draw(
    pen: &mut Pen<'_>,
    card: &Postcard,
    groups: &[String; 3],
) -> Result<(), PostcardError> {
    let left = MARGIN_MM;
    let width = CARD_W_MM - 2.0 * MARGIN_MM;
    let center = CARD_W_MM / 2.0;
    pen.content.fill(BLACK);

    pen.centered(12.5, center, 17.0, TITLE)?;
    pen.content.stroke(GREY, 0.3);
    pen.content.line(left, 20.5, left + width, 20.5);

    let name = format!("{}\u{3000}様", card.name.trim());
    let name_size = if pen.width(&name, 11.0)? <= width {
        11.0
    } else {
        9.0
    };
    if pen.width(&name, name_size)? > width {
        return Err(PostcardError::NameTooLong { card: pen.card });
    }
    pen.text(name_size, left, 28.5, &name)?;

    let body = 8.5;
    let leading = body * 0.3528 * 1.55;
    let y = pen.paragraph(INTRO, body, left, 35.5, width, leading)?;

    // The code panel.
    let box_top = y + 4.0;
    let box_h = 27.0;
    pen.content.stroke(BLACK, 0.35);
    pen.content.stroke_rect(left, box_top, width, box_h);
    pen.centered(8.5, center, box_top + 5.5, "新しい健診閲覧コード")?;
    code_line(pen, groups, center, box_top + 16.0)?;
    pen.content.fill(GREY);
    pen.centered(
        6.5,
        center,
        box_top + 23.0,
        "英字の O・I・L と数字の 0・1 は使っていません（空白は入力不要）",
    )?;
    pen.content.fill(BLACK);

    // What to do next.
    let mut y = box_top + box_h + 7.0;
    pen.text(9.5, left, y, "ご利用の手順")?;
    y += 5.5;
    for (i, step) in STEPS.iter().enumerate() {
        let number = format!("{}.", i + 1);
        pen.text(body, left + 1.0, y, &number)?;
        y = pen.paragraph(step, body, left + 5.0, y, width - 5.0, leading)? + leading + 0.6;
    }

    y += 2.0;
    pen.centered(10.0, center, y, "https://kencom.jp")?;
    y += 5.5;
    pen.content.fill(GREY);
    pen.centered(7.0, center, y, "このコードは他の人に知らせないでください。")?;
    pen.content.fill(BLACK);

    let sender_top = sender(pen, card)?;
    if sender_top < y + 3.0 {
        return Err(PostcardError::SenderTooLong { card: pen.card });
    }
    Ok(())
}

/// The code as three letter-spaced groups centred on `center`.
fn code_line(
    pen: &mut Pen<'_>,
    groups: &[String; 3],
    center: f32,
    baseline: f32,
) -> Result<(), PostcardError> {
    let spacing = mm(CODE_SPACING_PT);
    let mut widths = [0.0; 3];
    for (w, g) in widths.iter_mut().zip(groups) {
        // Spacing only between characters, not after the last one.
        *w = pen.width(g, CODE_SIZE)? + spacing * (g.chars().count() - 1) as f32;
    }
    let total: f32 = widths.iter().sum::<f32>() + 2.0 * GROUP_GAP;
    let mut x = center - total / 2.0;
    for (g, w) in groups.iter().zip(widths) {
        pen.spaced(CODE_SIZE, x, baseline, CODE_SPACING_PT, g)?;
        x += w;
        // Groups are separated by space only: a printed hyphen would look like part of
        // the code to type.
        x += GROUP_GAP;
    }
    Ok(())
}

/// The issuing union at the bottom; returns the top of the block.
fn sender(pen: &mut Pen<'_>, card: &Postcard) -> Result<f32, PostcardError> {
    let s = &card.sender;
    let left = MARGIN_MM;
    let width = CARD_W_MM - 2.0 * MARGIN_MM;
    let small = 7.0;
    let mut lines = vec![(9.0, format!("発行\u{3000}{}", s.name.trim()))];
    let mut address = String::new();
    if let Some(d) = postal_digits(&s.postal_code) {
        address.push_str(&format!("〒{}\u{3000}", postal_display(&d)));
    }
    address.push_str(
        &s.address
            .iter()
            .map(|l| l.trim())
            .collect::<Vec<_>>()
            .join("\u{3000}"),
    );
    for l in pen.wrap(&address, small, width, 0.0)? {
        lines.push((small, l));
    }
    if let Some(c) = s.contact.as_deref().filter(|c| !c.trim().is_empty()) {
        for l in pen.wrap(c, small, width, 0.0)? {
            lines.push((small, l));
        }
    }
    let leading = small * 0.3528 * 1.5;
    let height: f32 = lines.iter().skip(1).map(|_| leading).sum::<f32>() + 1.0;
    let first = CARD_H_MM - 8.0 - height;
    let top = first - 9.0 * 0.3528 - 2.5;
    pen.content.stroke(GREY, 0.3);
    pen.content.line(left, top, left + width, top);
    let mut y = first;
    for (i, (size, line)) in lines.iter().enumerate() {
        pen.text(*size, left, y, line)?;
        y += if i == 0 { leading + 1.0 } else { leading };
    }
    Ok(top)
}
