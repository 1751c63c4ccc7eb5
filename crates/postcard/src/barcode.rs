//! Draws the カスタマバーコード to Japan Post dimensions. *Which* bars to draw comes from
//! `kencom_domain::barcode`; this module only turns them into rectangles. All sizes scale
//! with the point size from the 10 pt reference in DOMAIN.md §4: bars 3.6 / 2.4 / 1.2 mm
//! long, 0.6 mm wide, 1.2 mm pitch (79.8 mm for 67 bars).

use kencom_domain::barcode::Bar;

use crate::content::Content;

/// Smallest point size Japan Post accepts.
pub const MIN_POINT_SIZE: f32 = 8.0;
/// Largest point size Japan Post accepts.
pub const MAX_POINT_SIZE: f32 = 11.5;
/// Blank space Japan Post requires around the barcode, in millimetres.
pub const QUIET_ZONE_MM: f32 = 2.0;

/// One drawn bar, in millimetres from the card's top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BarRect {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub top: f32,
    /// Width (0.6 mm at 10 pt).
    pub width: f32,
    /// Height (3.6 / 2.4 / 1.2 mm at 10 pt).
    pub height: f32,
}

/// Barcode geometry at one point size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BarGeometry {
    scale: f32,
}

impl BarGeometry {
    /// Geometry at `point_size` (8–11.5 pt).
    pub fn new(point_size: f32) -> Option<Self> {
        (MIN_POINT_SIZE..=MAX_POINT_SIZE)
            .contains(&point_size)
            .then_some(Self {
                scale: point_size / 10.0,
            })
    }

    /// Bar width.
    pub fn bar_width(&self) -> f32 {
        0.6 * self.scale
    }

    /// Distance from one bar's left edge to the next.
    pub fn pitch(&self) -> f32 {
        1.2 * self.scale
    }

    /// Height of a long bar (the whole barcode's height).
    pub fn height(&self) -> f32 {
        3.6 * self.scale
    }

    /// Width of `n` bars from the first left edge to the last right edge.
    pub fn width(&self, n: usize) -> f32 {
        match n {
            0 => 0.0,
            n => (n - 1) as f32 * self.pitch() + self.bar_width(),
        }
    }

    /// Rectangles for `bars` with the barcode's top-left corner at (`x`, `top`). The
    /// height splits in three equal parts: timing = middle, ascender = middle + upper,
    /// descender = middle + lower, long = all three.
    pub fn rects(&self, bars: &[Bar], x: f32, top: f32) -> Vec<BarRect> {
        let third = self.height() / 3.0;
        bars.iter()
            .enumerate()
            .map(|(i, bar)| {
                let (from, parts) = match bar {
                    Bar::Long => (0.0, 3.0),
                    Bar::Ascender => (0.0, 2.0),
                    Bar::Descender => (third, 2.0),
                    Bar::Timing => (third, 1.0),
                };
                BarRect {
                    x: x + i as f32 * self.pitch(),
                    top: top + from,
                    width: self.bar_width(),
                    height: parts * third,
                }
            })
            .collect()
    }
}

/// Marked-content tag around the bars, so the PDF can be checked for them.
pub const MARK: &str = "KenComBarcode";

/// Draws `bars` in black inside a marked-content section.
pub(crate) fn draw(content: &mut Content, geometry: BarGeometry, bars: &[Bar], x: f32, top: f32) {
    content.begin_marked(MARK);
    content.fill(crate::content::BLACK);
    for r in geometry.rects(bars, x, top) {
        content.fill_rect(r.x, r.top, r.width, r.height);
    }
    content.end_marked();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_point_matches_the_japan_post_reference() {
        let g = BarGeometry::new(10.0).unwrap();
        let bars = [Bar::Long, Bar::Ascender, Bar::Descender, Bar::Timing];
        let r = g.rects(&bars, 0.0, 0.0);
        let heights: Vec<f32> = r
            .iter()
            .map(|r| (r.height * 100.0).round() / 100.0)
            .collect();
        assert_eq!(heights, [3.6, 2.4, 2.4, 1.2], "F/A/D/T heights at 10 pt");
        assert!(
            r[1].top == 0.0 && (r[2].top - 1.2).abs() < 1e-4,
            "A hangs from the top, D stands on the bottom"
        );
        assert!(
            (g.width(67) - 79.8).abs() < 1e-3,
            "67 bars span 79.8 mm at 10 pt"
        );
    }

    #[test]
    fn sizes_outside_eight_to_eleven_and_a_half_points_are_refused() {
        assert!(BarGeometry::new(7.9).is_none());
        assert!(BarGeometry::new(11.6).is_none());
        assert!(BarGeometry::new(8.0).is_some());
    }
}
