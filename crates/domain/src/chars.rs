//! Character classes shared by the parsers: what counts as a blank, a dash look-alike or a
//! digit typed in either width. Kept private and tiny so every parser tolerates the same
//! input mistakes; it must not grow into a general text-normalisation layer.

use unicode_normalization::UnicodeNormalization;

/// Blanks members type between groups: ASCII space, tab, U+3000 (全角スペース) and every other
/// Unicode White_Space character.
pub(crate) fn is_blank(c: char) -> bool {
    c.is_whitespace()
}

/// Hyphen and dash look-alikes that IMEs and copy-paste produce instead of "-".
pub(crate) fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}' // ‐ hyphen
            | '\u{2011}' // ‑ non-breaking hyphen
            | '\u{2012}' // ‒ figure dash
            | '\u{2013}' // – en dash
            | '\u{2014}' // — em dash
            | '\u{2015}' // ― horizontal bar
            | '\u{2212}' // − minus sign
            | '\u{30FC}' // ー katakana prolonged sound mark
            | '\u{FF70}' // ｰ half-width prolonged sound mark
            | '\u{FF0D}' // － full-width hyphen-minus
            | '\u{FE63}' // ﹣ small hyphen-minus
            | '\u{301C}' // 〜 wave dash
            | '\u{FF5E}' // ～ full-width tilde
            | '~'
    )
}

/// The value of an ASCII or full-width (U+FF10–U+FF19) digit.
pub(crate) fn digit_value(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '\u{FF10}'..='\u{FF19}' => u8::try_from(c as u32 - 0xFF10).ok(),
        _ => None,
    }
}

/// NFKC of the whole string.
pub(crate) fn nfkc(s: &str) -> String {
    s.nfkc().collect()
}

/// Folds only width variants: full-width ASCII (U+FF01–U+FF5E) to ASCII, half-width katakana
/// to full-width, U+3000 to a space. Unlike NFKC it keeps circled digits (①) and compatibility
/// kanji, which are part of a card symbol as printed.
pub(crate) fn fold_width(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    for c in s.chars() {
        if is_width_form(c) {
            run.push(c);
            continue;
        }
        if !run.is_empty() {
            out.extend(run.nfkc());
            run.clear();
        }
        if c == '\u{3000}' {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out.extend(run.nfkc());
    out
}

fn is_width_form(c: char) -> bool {
    matches!(c, '\u{FF01}'..='\u{FF5E}' | '\u{FF61}'..='\u{FF9F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_width_keeps_circled_digits_but_folds_full_width_ascii() {
        assert_eq!(fold_width("ＡＢ①　ｶﾞ"), "AB① ガ");
    }

    #[test]
    fn digit_value_reads_both_widths() {
        assert_eq!(digit_value('7'), Some(7));
        assert_eq!(digit_value('７'), Some(7));
        assert_eq!(digit_value('a'), None);
        assert_eq!(digit_value('①'), None, "circled digits are not digits here");
    }

    #[test]
    fn dash_look_alikes_are_dashes() {
        for c in ['-', '‐', '−', 'ー', 'ｰ', '－', '〜', '～', '—'] {
            assert!(is_dash(c), "{c:?} must count as a dash");
        }
        assert!(!is_dash('1'));
    }
}
