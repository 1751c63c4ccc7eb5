//! What the caller gives per postcard, and the checks that run before anything is drawn.
//! The checkup code is a secret: `Debug` never prints it and errors never quote it.

use std::fmt;

use crate::error::PostcardError;

/// The alphabet of checkup codes: no 0/O, 1/I/L look-alikes (the same set the central
/// server issues from). Only these characters and the digits above need to be unambiguous
/// in the bundled font, which IPAexGothic's are.
pub const CODE_ALPHABET: &str = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Characters in a checkup code.
pub const CODE_LEN: usize = 12;

/// The union that mails the postcard.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sender {
    /// e.g. 「ケンコム健康保険組合」.
    pub name: String,
    /// Postal code, 7 digits with or without the hyphen.
    pub postal_code: String,
    /// Address lines, wrapped to fit.
    pub address: Vec<String>,
    /// Optional contact line, e.g. 「お問い合わせ 03-0000-0000（平日10時〜18時）」.
    pub contact: Option<String>,
}

/// One reissue postcard.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Postcard {
    /// The member's postal code, 7 digits ("100-0013", full width allowed).
    pub postal_code: String,
    /// True when the postal code is a catch-all (代表) code: Japan Post forbids a customer
    /// barcode for those, so none is drawn.
    pub postal_code_catch_all: bool,
    /// Address lines without the postal code, as the roster holds them; each is wrapped.
    pub address: Vec<String>,
    /// The member's name; 「様」 is added by the layout.
    pub name: String,
    /// The new checkup code (12 characters of [`CODE_ALPHABET`]; spaces and hyphens allowed).
    pub code: String,
    /// The union as sender.
    pub sender: Sender,
}

impl fmt::Debug for Postcard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Postcard")
            .field("postal_code", &self.postal_code)
            .field("postal_code_catch_all", &self.postal_code_catch_all)
            .field("address", &self.address)
            .field("name", &self.name)
            .field("code", &"<redacted>")
            .field("sender", &self.sender)
            .finish()
    }
}

/// The 7 digits of a postal code written with ASCII or full-width digits and an optional
/// hyphen; `None` if it is anything else.
pub(crate) fn postal_digits(input: &str) -> Option<[u8; 7]> {
    let mut digits = [0u8; 7];
    let mut n = 0;
    for c in input.trim().chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            '０'..='９' => c as u32 - '０' as u32,
            '-' | '－' | '‐' | '−' | 'ー' if n == 3 => continue,
            _ => return None,
        };
        if n == 7 {
            return None;
        }
        digits[n] = d as u8;
        n += 1;
    }
    (n == 7).then_some(digits)
}

/// "100-0013" from the digits.
pub(crate) fn postal_display(d: &[u8; 7]) -> String {
    let s: String = d.iter().map(|d| char::from(b'0' + d)).collect();
    format!("{}-{}", &s[..3], &s[3..])
}

/// The code split in three groups of four, or `None` if it is not a valid code.
pub(crate) fn code_groups(code: &str) -> Option<[String; 3]> {
    let chars: Vec<char> = code.chars().filter(|c| *c != ' ' && *c != '-').collect();
    if chars.len() != CODE_LEN || !chars.iter().all(|c| CODE_ALPHABET.contains(*c)) {
        return None;
    }
    let group = |i: usize| chars[i * 4..i * 4 + 4].iter().collect::<String>();
    Some([group(0), group(1), group(2)])
}

impl Postcard {
    /// Field checks that need no font or layout.
    pub(crate) fn check(&self, card: usize) -> Result<([u8; 7], [String; 3]), PostcardError> {
        let postal = postal_digits(&self.postal_code).ok_or(PostcardError::PostalCode { card })?;
        if self.address.iter().all(|l| l.trim().is_empty()) {
            return Err(PostcardError::MissingAddress { card });
        }
        if self.name.trim().is_empty() {
            return Err(PostcardError::MissingName { card });
        }
        if self.sender.name.trim().is_empty()
            || self.sender.address.iter().all(|l| l.trim().is_empty())
        {
            return Err(PostcardError::MissingSender { card });
        }
        let groups = code_groups(&self.code).ok_or(PostcardError::CodeFormat { card })?;
        Ok((postal, groups))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postal_codes_accept_hyphen_and_full_width_only_in_the_right_place() {
        assert_eq!(postal_digits("100-0013"), Some([1, 0, 0, 0, 0, 1, 3]));
        assert_eq!(postal_digits("１００００１３"), Some([1, 0, 0, 0, 0, 1, 3]));
        assert_eq!(
            postal_digits("1000-013"),
            None,
            "hyphen only after 3 digits"
        );
        assert_eq!(postal_digits("100-001"), None);
        assert_eq!(postal_digits("100-00134"), None);
        assert_eq!(postal_digits(""), None);
    }

    #[test]
    fn codes_with_look_alike_characters_are_refused() {
        assert!(code_groups("ABCD-EFGH-JKMN").is_some());
        assert!(code_groups("ABCD EFGH JKM0").is_none(), "0 looks like O");
        assert!(code_groups("ABCD EFGH JKMI").is_none(), "I looks like 1");
        assert!(code_groups("ABCD EFGH JKM").is_none(), "11 characters");
    }

    #[test]
    fn debug_output_never_contains_the_code() {
        let p = Postcard {
            code: "ABCDEFGHJKMN".into(),
            ..Postcard::default()
        };
        assert!(!format!("{p:?}").contains("ABCD"), "the code is a secret");
    }
}
