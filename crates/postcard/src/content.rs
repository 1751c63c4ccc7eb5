//! One page's content stream, addressed in millimetres from the card's top-left corner
//! (how the Japan Post geometry is specified) and converted to PDF points here, once.
//! The same drawing calls can instead produce an SVG of the page: the desk's in-app
//! preview is then the very layout that goes into the PDF, not a second drawing of it.

use std::fmt::Write as _;

use crate::font::CardFont;

/// Card size in millimetres (通常はがき).
pub(crate) const CARD_W_MM: f32 = 100.0;
/// Card height in millimetres.
pub(crate) const CARD_H_MM: f32 = 148.0;
const PT_PER_MM: f32 = 72.0 / 25.4;

/// Millimetres to points.
pub(crate) fn pt(mm: f32) -> f32 {
    mm * PT_PER_MM
}

/// Points to millimetres.
pub(crate) fn mm(pt: f32) -> f32 {
    pt / PT_PER_MM
}

/// An RGB colour for fills and strokes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rgb(pub f32, pub f32, pub f32);

/// Black.
pub(crate) const BLACK: Rgb = Rgb(0.0, 0.0, 0.0);

/// A content stream being built (uncompressed; the writer compresses it), or an SVG page.
#[derive(Default)]
pub(crate) struct Content {
    buf: String,
    /// `Some` when drawing SVG: the current fill and stroke (colour, width in mm).
    svg: Option<SvgState>,
}

#[derive(Clone, Copy)]
struct SvgState {
    fill: Rgb,
    stroke: Rgb,
    stroke_mm: f32,
}

fn css(c: Rgb) -> String {
    let ch = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    format!("#{:02x}{:02x}{:02x}", ch(c.0), ch(c.1), ch(c.2))
}

/// Escapes text for an SVG text node.
fn xml_escape(out: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(ch),
        }
    }
}

impl Content {
    /// Starts a page, reusing `buf`'s allocation.
    pub(crate) fn reuse(mut buf: String) -> Self {
        buf.clear();
        Self { buf, svg: None }
    }

    /// Starts an SVG page (100 × 148 mm, user units are millimetres).
    pub(crate) fn svg() -> Self {
        let mut buf = String::with_capacity(8 << 10);
        let _ = writeln!(
            buf,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{CARD_W_MM}mm\" \
             height=\"{CARD_H_MM}mm\" viewBox=\"0 0 {CARD_W_MM} {CARD_H_MM}\" \
             font-family=\"IPAexGothic, 'IPAexゴシック', 'Noto Sans CJK JP', 'Yu Gothic', \
             'Hiragino Sans', sans-serif\"><rect width=\"{CARD_W_MM}\" height=\"{CARD_H_MM}\" \
             fill=\"#ffffff\"/>"
        );
        Self {
            buf,
            svg: Some(SvgState {
                fill: BLACK,
                stroke: BLACK,
                stroke_mm: 0.3,
            }),
        }
    }

    /// Closes an SVG page and returns the document.
    pub(crate) fn finish_svg(mut self) -> String {
        self.buf.push_str("</svg>\n");
        self.buf
    }

    /// The stream bytes.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.buf.as_bytes()
    }

    /// Gives the buffer back for the next page.
    pub(crate) fn into_buffer(self) -> String {
        self.buf
    }

    /// Draws `text` with its baseline at `baseline_mm` from the top, starting at `x_mm`,
    /// with `spacing_pt` extra after every character. Errors with a character the font lacks.
    pub(crate) fn text(
        &mut self,
        font: &mut CardFont,
        size: f32,
        x_mm: f32,
        baseline_mm: f32,
        spacing_pt: f32,
        text: &str,
    ) -> Result<(), char> {
        if let Some(st) = self.svg {
            // Positions come from the bundled font's metrics; `textLength` makes whatever
            // font the viewer substitutes take exactly the width the PDF will have.
            let chars = text.chars().count() as f32;
            let width = mm(font.width(text, size)? + spacing_pt * chars);
            let _ = write!(
                self.buf,
                "<text x=\"{x_mm:.2}\" y=\"{baseline_mm:.2}\" font-size=\"{:.3}\" \
                 fill=\"{}\" textLength=\"{width:.2}\" lengthAdjust=\"spacingAndGlyphs\">",
                mm(size),
                css(st.fill)
            );
            xml_escape(&mut self.buf, text);
            self.buf.push_str("</text>\n");
            return Ok(());
        }
        let _ = write!(
            self.buf,
            "BT /F1 {size:.2} Tf {:.2} Tc {:.2} {:.2} Td <",
            spacing_pt,
            pt(x_mm),
            pt(CARD_H_MM - baseline_mm)
        );
        for ch in text.chars() {
            let g = font.glyph(ch).ok_or(ch)?;
            font.mark_used(g.gid, ch);
            let _ = write!(self.buf, "{:04X}", g.gid);
        }
        self.buf.push_str("> Tj ET\n");
        Ok(())
    }

    /// Fill colour for following fills (text included).
    pub(crate) fn fill(&mut self, c: Rgb) {
        if let Some(st) = &mut self.svg {
            st.fill = c;
            return;
        }
        let _ = writeln!(self.buf, "{:.3} {:.3} {:.3} rg", c.0, c.1, c.2);
    }

    /// Stroke colour and width for following strokes.
    pub(crate) fn stroke(&mut self, c: Rgb, width_mm: f32) {
        if let Some(st) = &mut self.svg {
            st.stroke = c;
            st.stroke_mm = width_mm;
            return;
        }
        let _ = writeln!(
            self.buf,
            "{:.3} {:.3} {:.3} RG {:.2} w",
            c.0,
            c.1,
            c.2,
            pt(width_mm)
        );
    }

    /// A filled rectangle given by its top-left corner.
    pub(crate) fn fill_rect(&mut self, x_mm: f32, top_mm: f32, w_mm: f32, h_mm: f32) {
        if let Some(st) = self.svg {
            let _ = writeln!(
                self.buf,
                "<rect x=\"{x_mm:.3}\" y=\"{top_mm:.3}\" width=\"{w_mm:.3}\" \
                 height=\"{h_mm:.3}\" fill=\"{}\"/>",
                css(st.fill)
            );
            return;
        }
        let _ = writeln!(
            self.buf,
            "{:.2} {:.2} {:.2} {:.2} re f",
            pt(x_mm),
            pt(CARD_H_MM - top_mm - h_mm),
            pt(w_mm),
            pt(h_mm)
        );
    }

    /// A stroked rectangle given by its top-left corner (the stroke is centred on the edge).
    pub(crate) fn stroke_rect(&mut self, x_mm: f32, top_mm: f32, w_mm: f32, h_mm: f32) {
        if let Some(st) = self.svg {
            let _ = writeln!(
                self.buf,
                "<rect x=\"{x_mm:.3}\" y=\"{top_mm:.3}\" width=\"{w_mm:.3}\" \
                 height=\"{h_mm:.3}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{:.3}\"/>",
                css(st.stroke),
                st.stroke_mm
            );
            return;
        }
        let _ = writeln!(
            self.buf,
            "{:.2} {:.2} {:.2} {:.2} re S",
            pt(x_mm),
            pt(CARD_H_MM - top_mm - h_mm),
            pt(w_mm),
            pt(h_mm)
        );
    }

    /// A straight stroked line.
    pub(crate) fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        if let Some(st) = self.svg {
            let _ = writeln!(
                self.buf,
                "<line x1=\"{x1:.3}\" y1=\"{y1:.3}\" x2=\"{x2:.3}\" y2=\"{y2:.3}\" \
                 stroke=\"{}\" stroke-width=\"{:.3}\"/>",
                css(st.stroke),
                st.stroke_mm
            );
            return;
        }
        let _ = writeln!(
            self.buf,
            "{:.2} {:.2} m {:.2} {:.2} l S",
            pt(x1),
            pt(CARD_H_MM - y1),
            pt(x2),
            pt(CARD_H_MM - y2)
        );
    }

    /// Opens a marked-content section, so tools (and our tests) can find e.g. the barcode.
    pub(crate) fn begin_marked(&mut self, tag: &str) {
        if self.svg.is_some() {
            let _ = writeln!(self.buf, "<g data-tag=\"{tag}\">");
            return;
        }
        let _ = writeln!(self.buf, "/{tag} BMC");
    }

    /// Closes the section opened by `begin_marked`.
    pub(crate) fn end_marked(&mut self) {
        if self.svg.is_some() {
            self.buf.push_str("</g>\n");
            return;
        }
        self.buf.push_str("EMC\n");
    }
}
