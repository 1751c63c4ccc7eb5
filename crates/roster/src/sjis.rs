//! A table-driven CP932 decoder for the common case: a field that is entirely valid. The
//! tables are filled from encoding_rs itself (every single byte and every lead/trail pair
//! decoded once), so a valid field decodes to exactly what encoding_rs gives; anything the
//! tables do not accept is left to encoding_rs, which then reports and replaces it as before.
//! Why: encoding_rs's streaming decoder costs a few nanoseconds per byte, which on the
//! kanji-heavy fields of a 1M-row roster was a sixth of the read.

use std::sync::OnceLock;

use encoding_rs::SHIFT_JIS;

use crate::encoding::{classify, CharClass};

/// Lead bytes of a double-byte character: 0x81–0x9F and 0xE0–0xFC.
fn lead_index(b: u8) -> Option<usize> {
    match b {
        0x81..=0x9F => Some(usize::from(b - 0x81)),
        0xE0..=0xFC => Some(usize::from(b - 0xE0) + 31),
        _ => None,
    }
}

const LEADS: usize = 31 + 29;
const TRAILS: usize = 256;
/// `Tables::row` of a byte that is no lead byte.
const NO_ROW: u8 = u8::MAX;

/// A character as its UTF-8 bytes, packed: the bytes in the low three bytes (first byte
/// lowest, so a little-endian store writes them in order), their count in the low bits of
/// the top byte, and `NOT_STANDARD` there when [`classify`] does not call the character
/// standard. 0: not a character. Decoding a pair is then one load and one four-byte store,
/// with no branch on the character's length, and the character check of the roster rules
/// comes with it.
type Packed = u32;

/// Set in a packed character that is not standard (half-width kana, NEC and IBM
/// extensions, 外字).
const NOT_STANDARD: Packed = 0x8000_0000;
/// The byte count of a packed character.
const LEN_MASK: Packed = 0x0300_0000;

fn pack(c: char) -> Packed {
    let mut utf8 = [0u8; 4];
    let len = c.encode_utf8(&mut utf8).len();
    // Every CP932 character is in the BMP: at most three UTF-8 bytes.
    debug_assert!(len <= 3);
    let standard = if classify(c) == CharClass::Standard {
        0
    } else {
        NOT_STANDARD
    };
    u32::from_le_bytes([utf8[0], utf8[1], utf8[2], len as u8]) | standard
}

struct Tables {
    /// Character of each byte 0x80–0xFF on its own.
    single: [Packed; 128],
    /// `lead_index` of each byte 0x80–0xFF, or `NO_ROW`.
    row: [u8; 128],
    /// Character of each lead/trail pair.
    double: Vec<Packed>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let one = |bytes: &[u8]| -> Packed {
            let decoded = SHIFT_JIS.decode_without_bom_handling_and_without_replacement(bytes);
            let mut chars = decoded.as_deref().unwrap_or("").chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if c.len_utf8() <= 3 => pack(c),
                _ => 0,
            }
        };
        let mut single = [0; 128];
        let mut row = [NO_ROW; 128];
        for i in 0..128u8 {
            single[usize::from(i)] = one(&[0x80 | i]);
            if let Some(r) = lead_index(0x80 | i) {
                // Fewer than 60 rows: fits a byte.
                row[usize::from(i)] = r as u8;
            }
        }
        let mut double = vec![0; LEADS * TRAILS];
        for lead in (0x81..=0x9F).chain(0xE0..=0xFC) {
            if let Some(r) = lead_index(lead) {
                for trail in 0..=255u8 {
                    double[r * TRAILS + usize::from(trail)] = one(&[lead, trail]);
                }
            }
        }
        Tables {
            single,
            row,
            double,
        }
    })
}

/// Appends the CP932 decoding of `bytes` to `out` and returns true when every byte sequence
/// is valid; otherwise leaves `out` as it was and returns false (the caller then asks
/// encoding_rs, which knows how to report and replace).
pub(crate) fn decode_valid(bytes: &[u8], out: &mut String) -> bool {
    decode_valid_marking(bytes, &[], out, |_, _| {})
}

/// [`decode_valid`], also telling `marked` where in `out` each of `marks` (ascending offsets
/// into `bytes`, at character boundaries) landed, and whether every character since the
/// previous mark is standard as [`classify`] says: a whole CSV line decodes in one call, its
/// field ends are known in the text without searching it again, and its fields need no
/// character check of their own. On failure the marks already reported mean nothing.
pub(crate) fn decode_valid_marking(
    bytes: &[u8],
    marks: &[usize],
    out: &mut String,
    mut marked: impl FnMut(usize, bool),
) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;
    let tables = tables();
    let before = out.len();
    // Room for the worst case (a half-width katakana takes one byte in CP932 and three in
    // UTF-8) plus the slack the unconditional 8-byte and 4-byte stores below write past
    // their character.
    out.reserve(bytes.len() * 3 + 8);
    // SAFETY: only complete UTF-8 sequences are kept: ASCII bytes, and the packed encodings
    // of `char`s, whose count says how many of the stored bytes belong to the text. Stores
    // stay inside the capacity reserved above: before each, at most 3 bytes per input byte
    // consumed have been written, and each store writes at most 8 bytes. On failure the
    // length goes back to `before`, so nothing partial is ever exposed.
    unsafe {
        let vec = out.as_mut_vec();
        let base = vec.as_mut_ptr();
        let mut len = before;
        let mut i = 0;
        let n = bytes.len();
        // The next mark not reported yet (ASCII maps one byte to one byte, so a mark inside
        // an ASCII run lands at the same distance from the run's start in `out`).
        let mut mark = 0;
        // Characters since the last mark that are not standard: `NOT_STANDARD` set in
        // `odd`, or an ASCII control byte (which `classify` calls Control) in `controls`.
        let mut odd: Packed = 0;
        let mut controls = false;
        while i < n {
            while let Some(&m) = marks.get(mark).filter(|&&m| m == i) {
                marked(m - i + len, odd & NOT_STANDARD == 0 && !controls);
                (odd, controls) = (0, false);
                mark += 1;
            }
            // ASCII runs (identifiers, dates, codes between the kanji) eight bytes at a time.
            if i + 8 <= n {
                let word = u64::from_le_bytes(bytes[i..i + 8].try_into().unwrap_or([0x80; 8]));
                if word & HIGH == 0 {
                    // A control byte (below 0x20, or DEL) anywhere in the word: the word's
                    // fields are then checked character by character, as before.
                    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
                    let del =
                        (word ^ (ONES * 0x7F)).wrapping_sub(ONES) & !(word ^ (ONES * 0x7F)) & HIGH;
                    let word_controls = below_space | del != 0;
                    while let Some(&m) = marks.get(mark).filter(|&&m| m < i + 8) {
                        marked(
                            m - i + len,
                            odd & NOT_STANDARD == 0 && !controls && !word_controls,
                        );
                        (odd, controls) = (0, false);
                        mark += 1;
                    }
                    controls |= word_controls;
                    base.add(len).cast::<u64>().write_unaligned(word.to_le());
                    len += 8;
                    i += 8;
                    continue;
                }
            }
            let b = bytes[i];
            if b < 0x80 {
                controls |= b < 0x20 || b == 0x7F;
                *base.add(len) = b;
                len += 1;
                i += 1;
                continue;
            }
            let high = usize::from(b & 0x7F);
            let mut packed = tables.single[high];
            let mut step = 1;
            if packed == 0 {
                let row = tables.row[high];
                match bytes.get(i + 1) {
                    Some(&trail) if row != NO_ROW => {
                        packed = tables.double[usize::from(row) * TRAILS + usize::from(trail)];
                        step = 2;
                    }
                    _ => {}
                }
                if packed == 0 {
                    vec.set_len(before);
                    return false;
                }
            }
            base.add(len)
                .cast::<u32>()
                .write_unaligned((packed & !NOT_STANDARD).to_le());
            len += ((packed & LEN_MASK) >> 24) as usize;
            odd |= packed;
            i += step;
        }
        for _ in marks.get(mark..).unwrap_or(&[]) {
            marked(len, odd & NOT_STANDARD == 0 && !controls);
            (odd, controls) = (0, false);
        }
        vec.set_len(len);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever the bytes, the fast path either agrees with encoding_rs or steps aside.
    fn agrees(bytes: &[u8]) {
        let mut fast = String::from("前");
        let ok = decode_valid(bytes, &mut fast);
        let reference = SHIFT_JIS.decode_without_bom_handling_and_without_replacement(bytes);
        match reference {
            Some(text) => {
                assert!(ok, "valid bytes {bytes:02X?} must take the fast path");
                assert_eq!(fast, format!("前{text}"), "{bytes:02X?}");
            }
            None => {
                assert!(
                    !ok,
                    "invalid bytes {bytes:02X?} must be left to encoding_rs"
                );
                assert_eq!(fast, "前", "nothing appended");
            }
        }
    }

    #[test]
    fn every_one_and_two_byte_sequence_agrees_with_encoding_rs() {
        for a in 0..=255u8 {
            agrees(&[a]);
            for b in 0..=255u8 {
                agrees(&[a, b]);
            }
        }
    }

    /// Where each field of a line ends: at every `,` and at the end (what the splitter
    /// hands the decoder).
    fn field_ends(line: &[u8]) -> Vec<usize> {
        line.iter()
            .enumerate()
            .filter(|(_, &b)| b == b',')
            .map(|(i, _)| i)
            .chain([line.len()])
            .collect()
    }

    #[test]
    fn marks_land_where_their_bytes_decoded() {
        // 06133425,山田太郎,ﾔﾏﾀﾞ,,abcdefghij,東京都 with a mark at every comma and the end.
        let line: &[u8] =
            b"06133425,\x8e\x52\x93\x63\x91\xbe\x98\x59,\xd4\xcf\xc0\xde,,abcdefghij,\x93\x8c\x8b\x9e\x93\x73";
        let marks = field_ends(line);
        let mut out = String::from("前");
        let mut landed = Vec::new();
        assert!(decode_valid_marking(line, &marks, &mut out, |o, _| landed.push(o)));
        let text = SHIFT_JIS.decode_without_bom_handling(line).0;
        assert_eq!(out, format!("前{text}"));
        let expected: Vec<usize> = out
            .char_indices()
            .filter(|&(_, c)| c == ',')
            .map(|(i, _)| i)
            .chain([out.len()])
            .collect();
        assert_eq!(landed, expected);
        // Every cut of the line: the marks inside it still land right.
        for cut in 0..=line.len() {
            let part = &line[..cut];
            if SHIFT_JIS
                .decode_without_bom_handling_and_without_replacement(part)
                .is_none()
            {
                continue;
            }
            let inside: Vec<usize> = marks.iter().copied().filter(|&m| m <= cut).collect();
            let mut out = String::new();
            let mut landed = Vec::new();
            assert!(decode_valid_marking(part, &inside, &mut out, |o, _| landed.push(o)));
            let expected: Vec<usize> = out
                .char_indices()
                .filter(|&(_, c)| c == ',')
                .map(|(i, _)| i)
                .chain((inside.last() == Some(&cut)).then_some(out.len()))
                .collect();
            assert_eq!(landed, expected, "cut at {cut}");
        }
    }

    /// What a mark says of its field is what `all_standard` says of the decoded text, or
    /// "not known" (false); never "standard" for a field that is not.
    fn standard_flags_agree(line: &[u8]) {
        let marks = field_ends(line);
        let mut out = String::new();
        let mut landed = Vec::new();
        if !decode_valid_marking(line, &marks, &mut out, |o, ok| landed.push((o, ok))) {
            return;
        }
        let mut start = 0;
        for (end, ok) in landed {
            let field = &out[start..end];
            let truth = crate::encoding::all_standard(field);
            assert!(!ok || truth, "{field:?} called standard");
            start = end + 1;
        }
    }

    #[test]
    fn marks_say_which_fields_are_standard() {
        let lines: [&[u8]; 6] = [
            b"06133425,\x8e\x52\x93\x63,\xd4\xcf,abc\tdef,\xfb\xfc\x8b\xb4,\x87\x40,x",
            b"\x93\x8c\x8b\x9e\x93\x73,12345678901234567,\x7f,,\x81\x40",
            b"a\x01b,cdefghijkl\x02,mnopqrstu,\x83\x5c\x83\x5c",
            b"\xf0\x40,\x82\xa0,\x81\x60",
            b"0123456789,0123456789,\xb1",
            b"",
        ];
        for line in lines {
            standard_flags_agree(line);
            for cut in 0..line.len() {
                standard_flags_agree(&line[..cut]);
                standard_flags_agree(&line[cut..]);
            }
        }
        // The common case is known: plain digits and JIS X 0208 kanji.
        let mut landed = Vec::new();
        let line = b"06133425,\x8e\x52\x93\x63,1980-01-01";
        assert!(decode_valid_marking(
            line,
            &[8, 13, line.len()],
            &mut String::new(),
            |_, ok| landed.push(ok)
        ));
        assert_eq!(landed, [true, true, true]);
        // 髙 (IBM extension) and a tab are not.
        let mut landed = Vec::new();
        let line = b"\xfb\xfc,a\tb";
        assert!(decode_valid_marking(
            line,
            &[2, line.len()],
            &mut String::new(),
            |_, ok| landed.push(ok)
        ));
        assert_eq!(landed, [false, false]);
    }

    proptest::proptest! {
        #[test]
        fn marks_never_call_an_odd_field_standard(
            line in proptest::collection::vec(proptest::sample::select(vec![
                b'0', b'a', b',', b'\t', 0x7F, 0x01, 0x81, 0x40, 0x82, 0xA0, 0x87, 0xFB, 0xFC,
                0x8E, 0x52, 0xB1, 0xDE, 0xF0, 0x83, 0x5C,
            ]), 0..40),
        ) {
            standard_flags_agree(&line);
        }
    }

    #[test]
    fn longer_fields_agree_with_encoding_rs() {
        let samples: [&[u8]; 6] = [
            b"\x8e\x52\x93\x63\x91\xbe\x98\x59",     // 山田太郎
            b"\xfb\xfc\x8b\xb4 \x87\x40abc\xb6\xde", // 髙橋 ①abcｶﾞ
            b"06133425,\x93\x8c\x8b\x9e\x93\x73",    // ASCII, then 東京都
            b"\x83\x5c\x83\x5c\x95\x5c",             // ソソ表 (trail byte 0x5C)
            b"\x83",                                 // a lead byte at the end
            b"\x81\x60\x81\x7c\x82\xa0\xa0\xfd",     // ～－あ, then invalid bytes
        ];
        for s in samples {
            agrees(s);
            for cut in 0..s.len() {
                agrees(&s[..cut]);
                agrees(&s[cut..]);
            }
        }
    }
}
