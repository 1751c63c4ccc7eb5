//! The 47 prefectures with their JIS X 0401 codes (01–47). Insurer numbers carry the code
//! (digits 3–4) and address masking keeps the prefecture name; both read this one table.

use serde::{Deserialize, Serialize};

const NAMES: [&str; 47] = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
];

/// A prefecture identified by its JIS X 0401 code (1 = 北海道 … 47 = 沖縄県).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Prefecture(u8);

impl Prefecture {
    /// The prefecture with JIS code `code`, or `None` outside 1–47.
    pub fn from_code(code: u8) -> Option<Self> {
        (1..=47).contains(&code).then_some(Self(code))
    }

    /// The prefecture whose full name ("東京都") starts `text`.
    pub fn from_name_prefix(text: &str) -> Option<Self> {
        NAMES
            .iter()
            .position(|name| text.starts_with(name))
            .and_then(|i| u8::try_from(i + 1).ok())
            .map(Self)
    }

    /// JIS X 0401 code, 1–47.
    pub fn code(self) -> u8 {
        self.0
    }

    /// Full Japanese name, e.g. "東京都".
    pub fn name_ja(self) -> &'static str {
        NAMES[usize::from(self.0) - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn codes_map_to_names() {
        assert_eq!(
            Prefecture::from_code(1).map(Prefecture::name_ja),
            Some("北海道")
        );
        assert_eq!(
            Prefecture::from_code(13).map(Prefecture::name_ja),
            Some("東京都")
        );
        assert_eq!(
            Prefecture::from_code(47).map(Prefecture::name_ja),
            Some("沖縄県")
        );
        assert_eq!(Prefecture::from_code(0), None);
        assert_eq!(Prefecture::from_code(48), None);
    }

    #[test]
    fn name_prefix_finds_the_prefecture() {
        assert_eq!(
            Prefecture::from_name_prefix("京都府京都市").map(Prefecture::code),
            Some(26)
        );
        assert_eq!(
            Prefecture::from_name_prefix("東京都千代田区").map(Prefecture::code),
            Some(13)
        );
        assert_eq!(Prefecture::from_name_prefix("千代田区"), None);
    }

    proptest! {
        #[test]
        fn every_code_round_trips_through_its_name(code in 1u8..=47) {
            let p = Prefecture::from_code(code).expect("1..=47 is valid");
            prop_assert_eq!(Prefecture::from_name_prefix(p.name_ja()), Some(p));
        }
    }
}
