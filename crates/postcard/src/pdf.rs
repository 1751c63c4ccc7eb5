//! A minimal incremental PDF object writer. printpdf keeps every page in memory until
//! `save` (437 MB for 10,000 postcards, PLATFORM-NOTES), so the postcard run writes each
//! page's objects to the output as soon as they are drawn and keeps only the byte offset of
//! every object for the cross-reference table (8 bytes per object). Objects that must come
//! last (the page tree, the font) get their number reserved up front and are written at
//! the end. It writes only what postcards need; it is not a general PDF library.

use std::io::{self, Write};

use flate2::{write::ZlibEncoder, Compression};

/// An output that counts bytes so object offsets are known without seeking.
pub(crate) struct PdfWriter<W: Write> {
    out: W,
    pos: u64,
    /// Byte offset of object `i + 1`; 0 while only reserved.
    offsets: Vec<u64>,
    /// Reused compression buffer (one page stream at a time).
    scratch: Vec<u8>,
}

impl<W: Write> PdfWriter<W> {
    /// Writes the header. The binary comment line tells transfer tools the file is binary.
    pub(crate) fn new(out: W) -> io::Result<Self> {
        let mut w = Self {
            out,
            pos: 0,
            offsets: Vec::new(),
            scratch: Vec::new(),
        };
        w.raw(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")?;
        Ok(w)
    }

    fn raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.pos += bytes.len() as u64;
        Ok(())
    }

    /// A fresh object number, to be written later with one of the `write_*` calls.
    pub(crate) fn reserve(&mut self) -> u32 {
        self.offsets.push(0);
        self.offsets.len() as u32
    }

    fn begin(&mut self, id: u32) -> io::Result<()> {
        self.offsets[id as usize - 1] = self.pos;
        self.raw(format!("{id} 0 obj\n").as_bytes())
    }

    /// Writes a non-stream object (`body` is the dictionary or array text).
    pub(crate) fn write_object(&mut self, id: u32, body: &[u8]) -> io::Result<()> {
        self.begin(id)?;
        self.raw(body)?;
        self.raw(b"\nendobj\n")
    }

    /// Writes a Flate-compressed stream; `dict_extra` goes inside the stream dictionary.
    /// Returns the stored (compressed) length.
    pub(crate) fn write_stream(
        &mut self,
        id: u32,
        dict_extra: &str,
        data: &[u8],
    ) -> io::Result<usize> {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        // Level 6 is zlib's default; on page streams of ~2 kB it costs little time and
        // keeps the document near reportlab's size.
        let mut enc = ZlibEncoder::new(scratch, Compression::default());
        enc.write_all(data)?;
        let compressed = enc.finish()?;
        self.begin(id)?;
        self.raw(
            format!(
                "<< {dict_extra} /Filter /FlateDecode /Length {} >>\nstream\n",
                compressed.len()
            )
            .as_bytes(),
        )?;
        self.raw(&compressed)?;
        self.raw(b"\nendstream\nendobj\n")?;
        let len = compressed.len();
        self.scratch = compressed;
        Ok(len)
    }

    /// Writes the cross-reference table and trailer and flushes. Every reserved object
    /// must have been written by now.
    pub(crate) fn finish(mut self, root: u32, info: u32) -> io::Result<u64> {
        if let Some(missing) = self.offsets.iter().position(|&o| o == 0) {
            return Err(io::Error::other(format!(
                "PDF object {} was reserved but never written",
                missing + 1
            )));
        }
        let xref_at = self.pos;
        let count = self.offsets.len() + 1;
        let mut table = format!("xref\n0 {count}\n0000000000 65535 f \n").into_bytes();
        for off in &self.offsets {
            table.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
        }
        self.raw(&table)?;
        self.raw(
            format!(
                "trailer\n<< /Size {count} /Root {root} 0 R /Info {info} 0 R >>\nstartxref\n{xref_at}\n%%EOF\n"
            )
            .as_bytes(),
        )?;
        self.out.flush()?;
        Ok(self.pos)
    }
}

/// A PDF text string for the document info: UTF-16BE with BOM, hex-encoded, so Japanese
/// titles survive without escaping rules.
pub(crate) fn text_string(s: &str) -> String {
    let mut out = String::from("<FEFF");
    for unit in s.encode_utf16() {
        out.push_str(&format!("{unit:04X}"));
    }
    out.push('>');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xref_offsets_point_at_their_objects() {
        let mut buf = Vec::new();
        let mut w = PdfWriter::new(&mut buf).unwrap();
        let a = w.reserve();
        let b = w.reserve();
        w.write_object(b, b"<< /B true >>").unwrap();
        w.write_object(a, b"<< /A true >>").unwrap();
        w.finish(a, b).unwrap();
        // Byte offsets: the binary header line must not be re-encoded (no from_utf8_lossy).
        let text: String = buf.iter().map(|&b| char::from(b.min(0x7f))).collect();
        let xref = text.find("xref\n").unwrap();
        let entries: Vec<usize> = text[xref..]
            .lines()
            .skip(3)
            .take(2)
            .map(|l| l[..10].parse().unwrap())
            .collect();
        assert!(
            text[entries[0]..].starts_with("1 0 obj"),
            "object 1's xref entry must point at it"
        );
        assert!(
            text[entries[1]..].starts_with("2 0 obj"),
            "object 2's xref entry must point at it"
        );
    }

    #[test]
    fn an_unwritten_reservation_is_an_error_not_a_corrupt_file() {
        let mut w = PdfWriter::new(Vec::new()).unwrap();
        let a = w.reserve();
        let _never = w.reserve();
        w.write_object(a, b"<<>>").unwrap();
        assert!(w.finish(a, a).is_err());
    }
}
