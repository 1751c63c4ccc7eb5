//! Which bytes a roster file holds and what each character means for the portal. Detection
//! looks only at a prefix (the file is never loaded whole); a later byte sequence that does not
//! fit is reported on its row. Characters are classified, never replaced: the admin must see
//! 髙 or ① in the report, not a silently substituted 高 or (1).

use std::borrow::Cow;
use std::sync::OnceLock;

use encoding_rs::{DecoderResult, EncoderResult, SHIFT_JIS, UTF_8};
use serde::{Deserialize, Serialize};

/// The UTF-8 byte order mark Excel writes.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// How many bytes detection looks at.
pub const DETECT_PREFIX: usize = 64 * 1024;

/// A roster file's character encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RosterEncoding {
    /// UTF-8, with or without BOM.
    Utf8,
    /// Shift_JIS as Windows writes it (CP932: NEC and IBM extensions included).
    ShiftJis,
}

impl RosterEncoding {
    /// Japanese label for the UI and the report.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Utf8 => "UTF-8",
            Self::ShiftJis => "Shift_JIS",
        }
    }

    /// Decodes one field. `Err` carries a lossy decoding for display: the bytes did not fit.
    pub fn decode(self, bytes: &[u8]) -> Result<String, String> {
        let mut text = String::new();
        if self.decode_into(bytes, &mut text) {
            Ok(text)
        } else {
            Err(text)
        }
    }

    /// Appends the decoding of `bytes` to `out` (the reader reuses its buffers) and says
    /// whether the bytes fitted; when they did not, what was appended is the lossy decoding,
    /// exactly as [`Self::decode`] returns it.
    pub(crate) fn decode_into(self, bytes: &[u8], out: &mut String) -> bool {
        let enc = match self {
            Self::Utf8 => UTF_8,
            Self::ShiftJis => SHIFT_JIS,
        };
        // Valid UTF-8 is its own decoding, and valid CP932 is decoded by table: only bytes
        // that do not fit go through encoding_rs.
        if self == Self::Utf8 {
            if let Some(text) = utf8(bytes) {
                out.push_str(text);
                return true;
            }
        } else if crate::sjis::decode_valid(bytes, out) {
            return true;
        } else {
            let mut decoder = enc.new_decoder_without_bom_handling();
            let before = out.len();
            if let Some(room) = decoder.max_utf8_buffer_length_without_replacement(bytes.len()) {
                out.reserve(room);
                let (result, _) = decoder.decode_to_string_without_replacement(bytes, out, true);
                if result == DecoderResult::InputEmpty {
                    return true;
                }
            }
            out.truncate(before);
        }
        out.push_str(&enc.decode_without_bom_handling(bytes).0);
        false
    }

    /// Encodes `text`, or returns the first character this encoding cannot hold.
    pub fn encode(self, text: &str) -> Result<Cow<'_, [u8]>, char> {
        match self {
            Self::Utf8 => Ok(Cow::Borrowed(text.as_bytes())),
            Self::ShiftJis => {
                if text.is_ascii() {
                    return Ok(Cow::Borrowed(text.as_bytes()));
                }
                let mut out = Vec::with_capacity(text.len());
                for c in text.chars() {
                    match sjis_bytes(c) {
                        Some((b, len)) => out.extend_from_slice(&b[..len]),
                        None => return Err(c),
                    }
                }
                Ok(Cow::Owned(out))
            }
        }
    }
}

/// `bytes` as text when they are valid UTF-8. encoding_rs validates several times faster
/// than `std::str::from_utf8` on Japanese text and hands back the same borrowed `str`.
pub(crate) fn utf8(bytes: &[u8]) -> Option<&str> {
    match UTF_8.decode_without_bom_handling_and_without_replacement(bytes)? {
        Cow::Borrowed(text) => Some(text),
        // Never taken: valid UTF-8 is returned as it is.
        Cow::Owned(_) => std::str::from_utf8(bytes).ok(),
    }
}

/// The encoding a file's first bytes call for, and whether a UTF-8 BOM was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detected {
    /// The encoding.
    pub encoding: RosterEncoding,
    /// True when the prefix starts with a UTF-8 BOM (to be skipped).
    pub bom: bool,
}

/// BOM → UTF-8; valid UTF-8 (a character cut at the end of the prefix is fine) → UTF-8;
/// anything else → CP932, the only other encoding rosters arrive in.
pub fn detect(prefix: &[u8]) -> Detected {
    if prefix.starts_with(UTF8_BOM) {
        return Detected {
            encoding: RosterEncoding::Utf8,
            bom: true,
        };
    }
    let encoding = match std::str::from_utf8(prefix) {
        Ok(_) => RosterEncoding::Utf8,
        Err(e) if e.error_len().is_none() => RosterEncoding::Utf8,
        Err(_) => RosterEncoding::ShiftJis,
    };
    Detected {
        encoding,
        bom: false,
    }
}

/// Why a character does not belong in a roster bound for the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum CharClass {
    /// In JIS X 0208 or ASCII: fine.
    Standard,
    /// 半角カナ (JIS X 0201 katakana).
    HalfWidthKana,
    /// NEC 特殊文字 (row 13: ①, ㈱, ㍻).
    NecSpecial,
    /// IBM 拡張文字 or NEC 選定 IBM 拡張文字 (髙, 﨑).
    IbmExtension,
    /// 外字: private-use characters (user-defined area F0–F9 when read as Shift_JIS).
    PrivateUse,
    /// Control characters (tab, NUL …) inside a field.
    Control,
    /// Not representable in Shift_JIS at all (𠮷, emoji).
    OutsideShiftJis,
}

/// Classifies one character against JIS X 0208, the set every KenCoM system can hold.
pub fn classify(c: char) -> CharClass {
    if c.is_ascii() {
        return if c.is_ascii_control() {
            CharClass::Control
        } else {
            CharClass::Standard
        };
    }
    // Hiragana, katakana and the long-vowel mark are all in JIS X 0208 (rows 4 and 5), except
    // the few the CP932 table lacks (ゔ ゕ ゖ ヷ–ヺ), which take the table below.
    if matches!(c, 'ぁ'..='ん' | 'ァ'..='ヶ' | 'ー' | '・') {
        return CharClass::Standard;
    }
    match u16::try_from(u32::from(c)) {
        Ok(bmp) => bmp_classes()[usize::from(bmp)],
        Err(_) => classify_slow(c),
    }
}

/// Every BMP character's class, computed once (64 KiB): a 1M-row roster holds tens of
/// millions of kanji, and asking the encoder about each one dominated validation.
fn bmp_classes() -> &'static [CharClass] {
    static TABLE: OnceLock<Vec<CharClass>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0..=u16::MAX)
            .map(|u| char::from_u32(u32::from(u)).map_or(CharClass::OutsideShiftJis, classify_slow))
            .collect()
    })
}

/// One bit per BMP character: set when [`classify`] calls it standard. 8 KiB, so it stays in
/// the first-level cache while every character of every text field is checked against it.
fn standard_bits() -> &'static [u64] {
    static BITS: OnceLock<Vec<u64>> = OnceLock::new();
    BITS.get_or_init(|| {
        let mut bits = vec![0u64; 1 << 10];
        for (u, class) in bmp_classes().iter().enumerate() {
            if *class == CharClass::Standard {
                bits[u >> 6] |= 1 << (u & 63);
            }
        }
        bits
    })
}

/// True when [`classify`] calls every character of `text` standard: the question asked of
/// every text field, answered from the UTF-8 bytes without decoding characters one by one.
pub(crate) fn all_standard(text: &str) -> bool {
    let bits = standard_bits();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let lead = u32::from(b[i]);
        // `text` is valid UTF-8, so a lead byte is followed by its continuation bytes.
        let (cp, len) = match lead {
            0x00..=0x7F => (lead, 1),
            0xC0..=0xDF => ((lead & 0x1F) << 6 | u32::from(b[i + 1] & 0x3F), 2),
            0xE0..=0xEF => (
                (lead & 0x0F) << 12 | u32::from(b[i + 1] & 0x3F) << 6 | u32::from(b[i + 2] & 0x3F),
                3,
            ),
            // Outside the BMP: never in JIS X 0208.
            _ => return false,
        };
        if bits[cp as usize >> 6] >> (cp & 63) & 1 == 0 {
            return false;
        }
        i += len;
    }
    true
}

fn classify_slow(c: char) -> CharClass {
    if c.is_ascii() {
        return if c.is_ascii_control() {
            CharClass::Control
        } else {
            CharClass::Standard
        };
    }
    if ('\u{E000}'..='\u{F8FF}').contains(&c) {
        return CharClass::PrivateUse;
    }
    if c.is_control() {
        return CharClass::Control;
    }
    match sjis_bytes(c) {
        None => CharClass::OutsideShiftJis,
        Some((_, 1)) => CharClass::HalfWidthKana,
        Some((b, _)) => match b[0] {
            0x87 => CharClass::NecSpecial,
            0xED | 0xEE | 0xFA..=0xFC => CharClass::IbmExtension,
            0xF0..=0xF9 => CharClass::PrivateUse,
            _ => CharClass::Standard,
        },
    }
}

/// The CP932 bytes of one non-ASCII character, as (bytes, length).
fn sjis_bytes(c: char) -> Option<([u8; 2], usize)> {
    if c.is_ascii() {
        return Some(([c as u8, 0], 1));
    }
    let mut utf8 = [0u8; 4];
    let s = c.encode_utf8(&mut utf8);
    let mut out = [0u8; 8];
    let mut encoder = SHIFT_JIS.new_encoder();
    let (result, _, written) = encoder.encode_from_utf8_without_replacement(s, &mut out, true);
    match (result, written) {
        (EncoderResult::InputEmpty, 1) => Some(([out[0], 0], 1)),
        (EncoderResult::InputEmpty, 2) => Some(([out[0], out[1]], 2)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_prefers_bom_then_utf8_validity() {
        assert_eq!(detect(b"\xEF\xBB\xBFabc").encoding, RosterEncoding::Utf8);
        assert!(detect(b"\xEF\xBB\xBFabc").bom);
        assert_eq!(detect("ケン".as_bytes()).encoding, RosterEncoding::Utf8);
        // "ケン" in CP932.
        assert_eq!(
            detect(b"\x83\x50\x83\x93").encoding,
            RosterEncoding::ShiftJis
        );
        // A prefix cut inside a UTF-8 character is still UTF-8.
        assert_eq!(detect(&"ケ".as_bytes()[..2]).encoding, RosterEncoding::Utf8);
    }

    #[test]
    fn classification_names_each_legacy_character_set() {
        assert_eq!(classify('あ'), CharClass::Standard);
        assert_eq!(classify('ヶ'), CharClass::Standard);
        assert_eq!(classify('ヷ'), CharClass::OutsideShiftJis, "not in CP932");
        assert_eq!(classify('高'), CharClass::Standard);
        assert_eq!(classify('ｶ'), CharClass::HalfWidthKana);
        assert_eq!(classify('①'), CharClass::NecSpecial);
        assert_eq!(classify('㈱'), CharClass::NecSpecial);
        assert_eq!(classify('髙'), CharClass::IbmExtension);
        assert_eq!(classify('﨑'), CharClass::IbmExtension);
        assert_eq!(classify('𠮷'), CharClass::OutsideShiftJis);
        assert_eq!(classify('\u{E000}'), CharClass::PrivateUse);
        assert_eq!(classify('\t'), CharClass::Control);
        for c in ['あ', '髙', '①', 'ｶ', '\u{E000}', '\u{85}', 'é'] {
            assert_eq!(
                classify(c),
                classify_slow(c),
                "the table must agree for {c:?}"
            );
        }
        let mut buf = [0u8; 4];
        for c in ('\0'..='\u{FFFF}').chain(['𠮷', '\u{10FFFF}']) {
            assert_eq!(
                all_standard(c.encode_utf8(&mut buf)),
                classify(c) == CharClass::Standard,
                "the bitset must agree for {c:?}"
            );
        }
        assert!(all_standard("山田 太郎ヤマダ１２abc"));
        assert!(!all_standard("山田①"));
        assert!(!all_standard("髙橋"));
        assert!(!all_standard("a\tb"));
    }

    #[test]
    fn shift_jis_round_trips_and_reports_unencodable() {
        let bytes = RosterEncoding::ShiftJis.encode("髙橋①ｶ").unwrap();
        assert_eq!(
            RosterEncoding::ShiftJis.decode(&bytes).unwrap(),
            "髙橋①ｶ",
            "CP932 extensions must survive a round trip"
        );
        assert_eq!(RosterEncoding::ShiftJis.encode("𠮷田"), Err('𠮷'));
        // Windows (and Python's cp932) read 0x8160 as ～ U+FF5E and 0x817C as － U+FF0D, not
        // the JIS 〜 U+301C / − U+2212: a roster round-tripped through the desk must match.
        assert_eq!(
            RosterEncoding::ShiftJis
                .decode(b"\x81\x60\x81\x7C")
                .unwrap(),
            "\u{FF5E}\u{FF0D}"
        );
        assert!(RosterEncoding::ShiftJis.decode(b"\x83").is_err());
    }
}
