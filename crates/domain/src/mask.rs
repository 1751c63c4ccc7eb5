//! Default masking for personal identifiers. 記号・番号 may not be shown outside
//! health-insurance work (告知要求制限, 2020), and the desk's screens, logs and diagnosis
//! evidence show these masked forms unless an authorised view asks for the clear value.
//! Masking errs towards hiding: a heuristic that is unsure keeps less, never more.

use crate::card::{CardBranch, CardNumber, CardSymbol};
use crate::chars::{digit_value, is_blank, is_dash};
use crate::prefecture::Prefecture;

/// The mask mark.
const STAR: char = '*';

/// 記号 fully masked, one `*` per character; an empty 記号 stays empty (so "no 記号" remains
/// visible, which agents need to diagnose input mistakes).
pub fn mask_card_symbol(symbol: &CardSymbol) -> String {
    symbol.as_str().chars().map(|_| STAR).collect()
}

/// 番号 with the last two digits visible ("*****67"); numbers shorter than four digits are
/// masked entirely, since two digits would be half of them.
pub fn mask_card_number(number: &CardNumber) -> String {
    let digits = number.as_str();
    let keep = if digits.len() >= 4 { 2 } else { 0 };
    let masked = digits.len() - keep;
    format!("{}{}", STAR.to_string().repeat(masked), &digits[masked..])
}

/// 枝番 fully masked ("**").
pub fn mask_card_branch(branch: &CardBranch) -> String {
    branch.as_str().chars().map(|_| STAR).collect()
}

/// "a***@example.jp": the first character of the local part, three stars, the domain. The
/// star count is fixed so the length of the address does not leak. Text without @ keeps
/// only its first character.
pub fn mask_email(address: &str) -> String {
    let address = address.trim();
    let (local, domain) = match address.rsplit_once('@') {
        Some((l, d)) => (l, Some(d)),
        None => (address, None),
    };
    let mut out: String = local.chars().take(1).collect();
    if !address.is_empty() {
        out.push_str("***");
    }
    if let Some(domain) = domain {
        out.push('@');
        out.push_str(domain);
    }
    out
}

/// Keeps the prefecture and the municipality (市区町村, with 郡 and a designated city's 区) and
/// replaces the rest with "***". A leading 〒 and postal code are dropped: a postal code is
/// finer-grained than a city.
pub fn mask_address(address: &str) -> String {
    let trimmed = address.trim_matches(is_blank);
    let rest = if trimmed.starts_with('〒') || trimmed.starts_with(|c| digit_value(c).is_some()) {
        trimmed.trim_start_matches(|c: char| {
            c == '〒' || digit_value(c).is_some() || is_dash(c) || is_blank(c)
        })
    } else {
        trimmed
    };
    let mut kept = String::new();
    let mut rest = rest;
    if let Some(p) = Prefecture::from_name_prefix(rest) {
        kept.push_str(p.name_ja());
        rest = &rest[p.name_ja().len()..];
    }
    let chars: Vec<char> = rest.chars().collect();
    let consumed = municipality_end(&chars).map_or(0, |end| end + 1);
    kept.extend(&chars[..consumed]);
    if consumed < chars.len() || kept.is_empty() && !trimmed.is_empty() {
        kept.push_str("***");
    }
    kept
}

/// Index of the last character of the municipality at the start of `chars`.
fn municipality_end(chars: &[char]) -> Option<usize> {
    let first = chars
        .iter()
        .position(|c| matches!(c, '市' | '区' | '町' | '村' | '郡'))?;
    let mut end = first;
    // 町田市, 大村市, 十日町市, 市川市, 四日市市: the first 市/町/村 is part of the name.
    let inside_name = match chars[first] {
        '町' | '村' => true,
        '市' => {
            let upto: String = chars[..=first].iter().collect();
            first == 0
                || ["四日市", "廿日市", "野々市"]
                    .iter()
                    .any(|n| upto.ends_with(n))
        }
        _ => false,
    };
    if inside_name {
        if let Some(k) = (first + 1..chars.len().min(first + 4))
            .take_while(|&j| !chars[j].is_numeric())
            .find(|&j| matches!(chars[j], '市' | '町' | '村' | '郡'))
        {
            end = k;
        }
    }
    match chars[end] {
        '郡' => {
            if let Some(rel) = municipality_end(&chars[end + 1..]).filter(|&r| r < 6) {
                end += 1 + rel;
            }
        }
        '市' => {
            // A designated city's ward: 横浜市中区, 名古屋市中村区.
            if let Some(k) = (end + 1..chars.len().min(end + 6))
                .take_while(|&j| !chars[j].is_numeric() && chars[j] != '市')
                .find(|&j| chars[j] == '区')
            {
                end = k;
            }
        }
        _ => {}
    }
    // A municipality name has no digits; "1区" is a street part, keep nothing then.
    (!chars[..=end].iter().any(|c| c.is_numeric())).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn card_fields_are_masked() {
        let number = CardNumber::parse("1234567").expect("valid");
        assert_eq!(mask_card_number(&number), "*****67");
        let short = CardNumber::parse("123").expect("valid");
        assert_eq!(
            mask_card_number(&short),
            "***",
            "a 3-digit number is masked fully"
        );
        let symbol = CardSymbol::parse("都職①").expect("valid");
        assert_eq!(mask_card_symbol(&symbol), "***");
        let empty = CardSymbol::parse("").expect("valid");
        assert_eq!(
            mask_card_symbol(&empty),
            "",
            "no 記号 stays visible as empty"
        );
        let branch = CardBranch::parse("01").expect("valid");
        assert_eq!(mask_card_branch(&branch), "**");
    }

    #[test]
    fn email_is_masked_in_the_evidence_style() {
        assert_eq!(mask_email("alice@example.jp"), "a***@example.jp");
        assert_eq!(mask_email("a@example.jp"), "a***@example.jp");
        assert_eq!(mask_email("@example.jp"), "***@example.jp");
        assert_eq!(mask_email("太郎@example.jp"), "太***@example.jp");
        assert_eq!(mask_email("no-at-sign"), "n***");
        assert_eq!(mask_email(""), "");
    }

    #[test]
    fn address_keeps_prefecture_and_municipality() {
        for (address, masked) in [
            ("東京都千代田区霞が関1丁目3番2号", "東京都千代田区***"),
            (
                "〒100-0013 東京都千代田区霞が関1丁目3番2号",
                "東京都千代田区***",
            ),
            ("神奈川県横浜市中区山下町1-2", "神奈川県横浜市中区***"),
            ("愛知県名古屋市中村区名駅1-1-4", "愛知県名古屋市中村区***"),
            ("東京都町田市原町田6-1", "東京都町田市***"),
            ("三重県四日市市諏訪町1-5", "三重県四日市市***"),
            ("長崎県大村市玖島1-25", "長崎県大村市***"),
            ("千葉県市川市八幡1-1-1", "千葉県市川市***"),
            ("新潟県十日町市千歳町3-3", "新潟県十日町市***"),
            (
                "北海道虻田郡倶知安町北1条東3丁目",
                "北海道虻田郡倶知安町***",
            ),
            ("東京都八王子市元本郷町3-24-1", "東京都八王子市***"),
            ("東京都新宿区市谷本村町5-1", "東京都新宿区***"),
            ("横浜市中区山下町1", "横浜市中区***"),
            ("東京都", "東京都"),
            ("どこか", "***"),
            ("東京都1区2", "東京都***"),
            ("", ""),
        ] {
            assert_eq!(mask_address(address), masked, "{address}");
        }
    }

    proptest! {
        #[test]
        fn number_mask_shows_at_most_two_digits(d in "[0-9]{1,20}") {
            let n = CardNumber::parse(&d).expect("digits");
            let m = mask_card_number(&n);
            prop_assert_eq!(m.chars().count(), d.len());
            prop_assert!(m.chars().filter(char::is_ascii_digit).count() <= 2);
            prop_assert!(d.ends_with(m.trim_start_matches('*')));
        }

        #[test]
        fn email_mask_hides_all_but_one_local_char(local in "[a-z0-9.]{1,20}", domain in "[a-z]{1,10}\\.jp") {
            let m = mask_email(&format!("{local}@{domain}"));
            prop_assert_eq!(m, format!("{}***@{domain}", &local[..1]));
        }

        #[test]
        fn address_mask_is_a_prefix_plus_stars(s in "\\PC{0,30}") {
            let m = mask_address(&s);
            let kept = m.strip_suffix("***").unwrap_or(&m);
            prop_assert!(s.contains(kept), "{:?} must only keep text of {:?}", m, s);
            prop_assert!(!kept.chars().any(|c| c.is_ascii_digit()), "no street numbers survive: {:?}", m);
        }
    }
}
