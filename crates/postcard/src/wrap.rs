//! Line breaking for Japanese addresses and notices. Addresses have no spaces to break at,
//! so a naive break can split "503" or put 号 at the start of a line. Breaks are chosen by
//! preference: at a space, then after an address unit (都道府県市区町村郡, 丁目, 番地, 号) or
//! before a building name, then anywhere 禁則 (kinsoku) allows; runs of digits, Latin
//! letters and hyphens are never split.

use crate::font::CardFont;

/// Characters that must not start a line (行頭禁則).
const NO_LINE_START: &str = "、。，．・：；？！）」』】〕］｝〉》ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々ゝゞ〜～‐-－";
/// Characters that must not end a line (行末禁則).
const NO_LINE_END: &str = "（「『【〔［｛〈《〒";
/// Characters after which an address part ends.
const UNIT_END: &str = "都道府県市区町村郡目地号";

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '-' | '－' | '‐' | '−' | '.' | '/' | ':')
}

fn is_digitish(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '０'..='９')
}

/// 漢数字 as used in addresses (二十丁目, 弐番館).
fn is_kanji_numeral(c: char) -> bool {
    "〇一二三四五六七八九十百千壱弐参".contains(c)
}

/// Units that belong to the number before them (1丁目, 二十番, 3号).
const NUMBER_UNIT: &str = "丁目番号条地";

/// How good a break between `before` and `after` is; `None` when not allowed.
fn break_rank(before: char, after: char) -> Option<u8> {
    if before.is_whitespace() || before == '\u{3000}' {
        return Some(3);
    }
    let number_before = is_digitish(before) || is_kanji_numeral(before);
    if (number_before && (is_kanji_numeral(after) || NUMBER_UNIT.contains(after)))
        || (before == '丁' && after == '目')
        || (is_word_char(before) && is_word_char(after))
        || NO_LINE_START.contains(after)
        || NO_LINE_END.contains(before)
        || after.is_whitespace()
    {
        return None;
    }
    // After 丁目 / 番地 / 号 / a municipality, or where the block number ends and a building
    // name starts: the places a person would break an address by hand.
    if UNIT_END.contains(before) || (is_digitish(before) && !is_word_char(after)) {
        return Some(2);
    }
    Some(1)
}

/// Breaks `text` into lines no wider than `max_pt` at `size` pt; continuation lines are
/// indented by `indent_pt`. Errors with a character the font lacks.
pub(crate) fn wrap(
    font: &mut CardFont,
    text: &str,
    size: f32,
    max_pt: f32,
    indent_pt: f32,
) -> Result<Vec<String>, char> {
    let chars: Vec<char> = text.trim().chars().collect();
    let mut widths = Vec::with_capacity(chars.len());
    for &c in &chars {
        widths.push(font.glyph(c).ok_or(c)?.advance * size / 1000.0);
    }
    let mut lines = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let limit = if lines.is_empty() {
            max_pt
        } else {
            max_pt - indent_pt
        };
        // Furthest end that fits.
        let mut end = start;
        let mut w = 0.0;
        while end < chars.len() && w + widths[end] <= limit {
            w += widths[end];
            end += 1;
        }
        if end == chars.len() {
            lines.push(chars[start..].iter().collect::<String>());
            break;
        }
        // Best break in the fitting part; a good break may give up at most 40 % of the
        // line, otherwise any legal break, otherwise a forced cut.
        let mut best: Option<(u8, usize)> = None;
        let mut width_to = 0.0;
        for i in start + 1..=end {
            width_to += widths[i - 1];
            if let Some(rank) = break_rank(chars[i - 1], chars[i]) {
                let rank = if rank > 1 && width_to < 0.6 * limit {
                    1
                } else {
                    rank
                };
                if best.is_none_or(|(r, _)| rank >= r) {
                    best = Some((rank, i));
                }
            }
        }
        let cut = best.map_or(end.max(start + 1), |(_, i)| i);
        let line: String = chars[start..cut].iter().collect();
        lines.push(line.trim_end().to_string());
        start = cut;
        while start < chars.len() && (chars[start].is_whitespace() || chars[start] == '\u{3000}') {
            start += 1;
        }
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str, max_chars: f32) -> Vec<String> {
        let mut font = CardFont::load().unwrap();
        // Full-width characters are 1 em: max_chars em at 10 pt.
        wrap(&mut font, text, 10.0, max_chars * 10.0, 0.0).unwrap()
    }

    #[test]
    fn a_fitting_line_is_left_alone() {
        assert_eq!(lines("東京都千代田区", 20.0), ["東京都千代田区"]);
    }

    #[test]
    fn building_names_go_to_the_next_line_and_numbers_stay_whole() {
        let l = lines("東京都千代田区霞が関1丁目3番2号郵便プラザ503室", 20.0);
        assert_eq!(l, ["東京都千代田区霞が関1丁目3番2号", "郵便プラザ503室"]);
    }

    #[test]
    fn a_space_is_the_preferred_break_and_is_dropped() {
        let l = lines("大阪府大阪市北区梅田3-1-1 グランフロントタワー", 20.0);
        assert_eq!(l, ["大阪府大阪市北区梅田3-1-1", "グランフロントタワー"]);
    }

    #[test]
    fn numbers_stay_with_their_units() {
        let text = "北海道札幌市中央区北一条西二十丁目1番地23号サンシャインマンション北一条西二十丁目弐番館";
        for l in lines(text, 20.0) {
            assert!(
                !l.starts_with("十") && !l.starts_with("丁") && !l.starts_with("目"),
                "split number: {l:?}"
            );
        }
    }

    #[test]
    fn no_line_starts_with_a_small_kana_or_long_vowel() {
        let text = "北海道札幌市中央区北一条西二丁目アパートメントショッピングセンタービルディング";
        for l in lines(text, 9.0).iter().skip(1) {
            let first = l.chars().next().unwrap();
            assert!(
                !NO_LINE_START.contains(first),
                "line {l:?} starts with {first}"
            );
        }
    }
}
