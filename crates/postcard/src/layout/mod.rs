//! The two sides of the reissue postcard. Both draw through a [`Pen`], which binds the page
//! content, the shared font and the card number (for error messages) together.

pub(crate) mod address;
pub(crate) mod inner;

use crate::content::{mm, pt, Content};
use crate::error::PostcardError;
use crate::font::CardFont;
use crate::wrap::wrap;

/// Left and right text margin on both sides, in millimetres.
pub(crate) const MARGIN_MM: f32 = 10.0;

/// Draws text for one card; font errors become [`PostcardError::MissingGlyph`].
pub(crate) struct Pen<'a> {
    pub(crate) content: &'a mut Content,
    pub(crate) font: &'a mut CardFont,
    pub(crate) card: usize,
}

impl Pen<'_> {
    fn glyph_error(&self, ch: char) -> PostcardError {
        PostcardError::MissingGlyph {
            card: self.card,
            ch,
            cp: ch as u32,
        }
    }

    /// Width of `text` in millimetres.
    pub(crate) fn width(&mut self, text: &str, size: f32) -> Result<f32, PostcardError> {
        self.font
            .width(text, size)
            .map(mm)
            .map_err(|c| self.glyph_error(c))
    }

    /// Text at `x` with its baseline at `baseline` (mm from the top-left).
    pub(crate) fn text(
        &mut self,
        size: f32,
        x: f32,
        baseline: f32,
        text: &str,
    ) -> Result<(), PostcardError> {
        self.spaced(size, x, baseline, 0.0, text)
    }

    /// Text with `spacing_pt` after each character.
    pub(crate) fn spaced(
        &mut self,
        size: f32,
        x: f32,
        baseline: f32,
        spacing_pt: f32,
        text: &str,
    ) -> Result<(), PostcardError> {
        self.content
            .text(self.font, size, x, baseline, spacing_pt, text)
            .map_err(|c| self.glyph_error(c))
    }

    /// Text centred on `center_x`.
    pub(crate) fn centered(
        &mut self,
        size: f32,
        center_x: f32,
        baseline: f32,
        text: &str,
    ) -> Result<(), PostcardError> {
        let w = self.width(text, size)?;
        self.text(size, center_x - w / 2.0, baseline, text)
    }

    /// `text` wrapped to `width` mm, continuation lines indented by `indent` mm.
    pub(crate) fn wrap(
        &mut self,
        text: &str,
        size: f32,
        width: f32,
        indent: f32,
    ) -> Result<Vec<String>, PostcardError> {
        wrap(self.font, text, size, pt(width), pt(indent)).map_err(|c| self.glyph_error(c))
    }

    /// Draws a wrapped paragraph (flush left); returns the baseline of its last line.
    pub(crate) fn paragraph(
        &mut self,
        text: &str,
        size: f32,
        x: f32,
        first_baseline: f32,
        width: f32,
        leading: f32,
    ) -> Result<f32, PostcardError> {
        let lines = self.wrap(text, size, width, 0.0)?;
        let mut y = first_baseline;
        for line in &lines {
            self.text(size, x, y, line)?;
            y += leading;
        }
        Ok(y - leading)
    }
}
