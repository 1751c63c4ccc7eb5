//! The single embedded face (IPAexGothic, bundled under `fonts/` with its licence).
//!
//! Pages are written before the run ends, so they cannot use the renumbered glyph ids of a
//! subset that does not exist yet. They use the font's *original* glyph ids as CIDs; at the
//! end the used glyphs are subset once (printpdf's `subset_font`) and a `/CIDToGIDMap`
//! stream maps each original id to its place in the subset. One font object serves every
//! page of the run, however long. This module never shapes (no GSUB): Japanese
//! horizontal text and ASCII need none, and a missing glyph is an error, not a tofu box.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use printpdf::{cmap::ToUnicodeCMap, ParsedFont};

use crate::error::PostcardError;
use crate::pdf::PdfWriter;

/// IPAexGothic 00401 from Debian `fonts-ipaexfont-gothic` (IPA Font License v1.0).
const FONT_BYTES: &[u8] = include_bytes!("../fonts/ipaexg.ttf");
/// The PostScript name used in `/BaseFont`.
const FONT_NAME: &str = "IPAexGothic";

/// One glyph placed in a text run: its original id and advance in 1/1000 em.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Glyph {
    pub(crate) gid: u16,
    pub(crate) advance: f32,
}

/// The face plus what the run has used of it so far.
pub(crate) struct CardFont {
    face: ParsedFont,
    /// 1000 / units-per-em: font units to PDF glyph space.
    scale: f32,
    /// Lookups are per character on every card; the cmap walk is the hot path.
    cache: HashMap<char, Option<Glyph>>,
    /// Original gid → the character it was used for (ToUnicode, subsetting).
    used: BTreeMap<u16, char>,
}

/// What the font objects cost in the document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EmbeddedFont {
    /// Stored (compressed) length of the font program stream.
    pub(crate) program_bytes: usize,
    /// Glyphs in the subset (without .notdef).
    pub(crate) glyphs: usize,
}

impl CardFont {
    /// Parses the bundled face.
    pub(crate) fn load() -> Result<Self, PostcardError> {
        let mut warnings = Vec::new();
        let face = ParsedFont::from_bytes(FONT_BYTES, 0, &mut warnings)
            .ok_or_else(|| PostcardError::Font(format!("{warnings:?}")))?;
        let upm = face.pdf_font_metrics.units_per_em;
        if upm == 0 {
            return Err(PostcardError::Font("units_per_em is 0".into()));
        }
        Ok(Self {
            face,
            scale: 1000.0 / f32::from(upm),
            cache: HashMap::new(),
            used: BTreeMap::new(),
        })
    }

    /// The glyph for `ch`, or `None` when the font lacks it.
    pub(crate) fn glyph(&mut self, ch: char) -> Option<Glyph> {
        if let Some(g) = self.cache.get(&ch) {
            return *g;
        }
        let found = self
            .face
            .lookup_glyph_index(ch as u32)
            .filter(|&gid| gid != 0)
            .map(|gid| Glyph {
                gid,
                advance: f32::from(self.face.get_horizontal_advance(gid)) * self.scale,
            });
        self.cache.insert(ch, found);
        found
    }

    /// Width of `text` at `size` pt (no letter spacing). Errors with the first character
    /// the font lacks.
    pub(crate) fn width(&mut self, text: &str, size: f32) -> Result<f32, char> {
        let mut w = 0.0;
        for ch in text.chars() {
            w += self.glyph(ch).ok_or(ch)?.advance;
        }
        Ok(w * size / 1000.0)
    }

    /// Records that `ch` is drawn with `gid` (the subset and ToUnicode need it).
    pub(crate) fn mark_used(&mut self, gid: u16, ch: char) {
        self.used.entry(gid).or_insert(ch);
    }

    /// Writes the Type0 font as object `font_id` plus its descendant objects.
    pub(crate) fn write_objects<W: Write>(
        &self,
        pdf: &mut PdfWriter<W>,
        font_id: u32,
    ) -> Result<EmbeddedFont, PostcardError> {
        let glyph_text: BTreeMap<u16, String> = self
            .used
            .iter()
            .map(|(&g, &c)| (g, c.to_string()))
            .collect();
        let subset = printpdf::subset_font(&self.face, &glyph_text).map_err(PostcardError::Font)?;

        // CIDToGIDMap: two bytes per CID (= original gid) up to the largest one used.
        let max_cid = self.used.keys().next_back().copied().unwrap_or(0);
        let mut cid_to_gid = vec![0u8; (usize::from(max_cid) + 1) * 2];
        for (&orig, (new, _)) in &subset.glyph_mapping {
            let at = usize::from(orig) * 2;
            cid_to_gid[at..at + 2].copy_from_slice(&new.to_be_bytes());
        }

        // /W: one width per used CID. Grouping runs would save a few hundred bytes once
        // per document; not worth the code.
        let mut widths = String::from("[");
        for &gid in self.used.keys() {
            let w = f32::from(self.face.get_horizontal_advance(gid)) * self.scale;
            widths.push_str(&format!("{gid} [{}] ", w.round() as i64));
        }
        widths.push(']');

        let to_unicode = ToUnicodeCMap {
            mappings: self
                .used
                .iter()
                .map(|(&g, &c)| (u32::from(g), vec![c as u32]))
                .collect(),
        }
        .to_cmap_string(FONT_NAME);

        let tag = subset_tag(self.used.keys().copied());
        let base = format!("{tag}+{FONT_NAME}");
        let m = &self.face.pdf_font_metrics;
        let s = |v: i16| (f32::from(v) * self.scale).round() as i64;
        let cap_height = self
            .face
            .font_metrics
            .cap_height
            .map(|c| (c * self.scale).round() as i64)
            .unwrap_or_else(|| s(m.ascender));

        let program_id = pdf.reserve();
        let descriptor_id = pdf.reserve();
        let cid_map_id = pdf.reserve();
        let to_unicode_id = pdf.reserve();
        let descendant_id = pdf.reserve();

        let program_bytes = pdf.write_stream(
            program_id,
            &format!("/Length1 {}", subset.bytes.len()),
            &subset.bytes,
        )?;
        // Flags 4 = symbolic: the subset's glyphs are reached by CID, not a standard
        // Latin encoding. StemV has no font table; 80 is the customary regular weight.
        pdf.write_object(
            descriptor_id,
            format!(
                "<< /Type /FontDescriptor /FontName /{base} /Flags 4 /FontBBox [{} {} {} {}] \
                 /ItalicAngle 0 /Ascent {} /Descent {} /CapHeight {cap_height} /StemV 80 \
                 /FontFile2 {program_id} 0 R >>",
                s(m.x_min),
                s(m.y_min),
                s(m.x_max),
                s(m.y_max),
                s(m.ascender),
                s(m.descender),
            )
            .as_bytes(),
        )?;
        pdf.write_stream(cid_map_id, "", &cid_to_gid)?;
        pdf.write_stream(to_unicode_id, "", to_unicode.as_bytes())?;
        pdf.write_object(
            descendant_id,
            format!(
                "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{base} \
                 /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
                 /FontDescriptor {descriptor_id} 0 R /DW 1000 /W {widths} \
                 /CIDToGIDMap {cid_map_id} 0 R >>"
            )
            .as_bytes(),
        )?;
        pdf.write_object(
            font_id,
            format!(
                "<< /Type /Font /Subtype /Type0 /BaseFont /{base} /Encoding /Identity-H \
                 /DescendantFonts [{descendant_id} 0 R] /ToUnicode {to_unicode_id} 0 R >>"
            )
            .as_bytes(),
        )?;
        Ok(EmbeddedFont {
            program_bytes,
            glyphs: self.used.len(),
        })
    }
}

/// The six-letter subset prefix (ISO 32000-1 9.6.4), derived from the glyph set so the
/// same run gives the same bytes.
fn subset_tag(gids: impl Iterator<Item = u16>) -> String {
    // FNV-1a: tiny, deterministic, good enough to tell subsets apart.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for g in gids {
        for b in g.to_be_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    (0..6)
        .map(|i| char::from(b'A' + ((h >> (i * 8)) % 26) as u8))
        .collect()
}
