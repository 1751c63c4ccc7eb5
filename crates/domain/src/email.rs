//! E-mail addresses as login IDs. The portal's login ID is case-sensitive, so the stored form
//! is kept exactly and shown as stored; the desk searches by a key that ignores case and width
//! (NFKC, trimmed, lower-case). `check_email` names the mistakes members make most (全角＠,
//! stray spaces, gmial.com) in Japanese. It never rejects a stored address.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::chars::{is_blank, nfkc};

/// A login e-mail address exactly as the portal stores it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Wraps a stored address without changing a single character.
    pub fn new(stored: impl Into<String>) -> Self {
        Self(stored.into())
    }

    /// The stored form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The search key: NFKC, trimmed, lower-case.
    pub fn search_key(&self) -> String {
        email_search_key(&self.0)
    }

    /// True when a typed query has the same search key.
    pub fn matches_query(&self, query: &str) -> bool {
        self.search_key() == email_search_key(query)
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The search key of any text: NFKC (full-width ＠ → @), trimmed, lower-case — repeated until
/// it no longer changes, so the key of a key is the key itself. One pass is not enough:
/// lower-casing can leave text NFKC changes again (İ becomes i + U+0307, which must be
/// reordered after a combining mark of a lower class), and NFKC can make capitals (ℌ → H).
/// The fuzz target `email` found the first; ordinary addresses settle in one pass.
pub fn email_search_key(text: &str) -> String {
    let mut key = nfkc(text).trim().to_lowercase();
    // A handful of passes settles any text seen so far (two at most); the bound only keeps
    // an unforeseen input from looping.
    for _ in 0..8 {
        let next = nfkc(&key).trim().to_lowercase();
        if next == key {
            break;
        }
        key = next;
    }
    key
}

/// Whether an issue blocks the input or only deserves a second look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Severity {
    /// The address cannot be right as typed.
    Error,
    /// Possibly right (old carrier addresses break the RFC) but worth confirming.
    Warning,
}

/// One mistake found in a typed address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailIssue {
    /// Nothing entered.
    #[error("メールアドレスが入力されていません")]
    Empty,
    /// Blanks before or after the address.
    #[error("メールアドレスの前後に空白があります")]
    OuterSpace,
    /// Blanks inside the address.
    #[error("メールアドレスの途中に空白があります")]
    InnerSpace,
    /// Full-width ＠.
    #[error("メールアドレスに全角の「＠」があります（半角の「@」で入力してください）")]
    FullWidthAt,
    /// Full-width letters, digits or symbols.
    #[error("メールアドレスに全角文字「{chars}」があります（半角英数字で入力してください）")]
    FullWidthChars {
        /// The distinct full-width characters found (at most five).
        chars: String,
    },
    /// Kanji, kana or other characters outside ASCII.
    #[error("メールアドレスの{position}文字目「{ch}」は使えません（半角英数字と記号で入力してください）")]
    NonAscii {
        /// The first such character.
        ch: char,
        /// Its 1-based position in the trimmed input.
        position: usize,
    },
    /// No @.
    #[error("メールアドレスに「@」がありません")]
    MissingAt,
    /// More than one @.
    #[error("メールアドレスに「@」が{count}個あります（1個だけにしてください）")]
    MultipleAt {
        /// How many were found.
        count: usize,
    },
    /// Nothing before the @.
    #[error("メールアドレスの「@」より前が空です")]
    EmptyLocal,
    /// Nothing after the @.
    #[error("メールアドレスの「@」より後（ドメイン）が空です")]
    EmptyDomain,
    /// ".." or a leading/trailing dot before the @ (exists in old docomo/au addresses).
    #[error("メールアドレスの「@」より前に連続したドットか先頭・末尾のドットがあります（携帯キャリアの古いアドレスでは実在します。ご本人に確認してください）")]
    LocalDots,
    /// ".." or a leading/trailing dot in the domain.
    #[error("メールアドレスのドメインに連続したドットか先頭・末尾のドットがあります")]
    DomainDots,
    /// A domain without any dot.
    #[error("メールアドレスのドメイン「{domain}」にドットがありません")]
    DomainNoDot {
        /// The domain as typed.
        domain: String,
    },
    /// A well-known domain misspelt.
    #[error("ドメイン「{found}」は「{suggestion}」の誤りではありませんか")]
    DomainTypo {
        /// The domain as typed (lower-case).
        found: String,
        /// The domain that was probably meant.
        suggestion: String,
    },
}

impl EmailIssue {
    /// Stable code for the UI and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "EMAIL_EMPTY",
            Self::OuterSpace => "EMAIL_OUTER_SPACE",
            Self::InnerSpace => "EMAIL_INNER_SPACE",
            Self::FullWidthAt => "EMAIL_FULLWIDTH_AT",
            Self::FullWidthChars { .. } => "EMAIL_FULLWIDTH_CHAR",
            Self::NonAscii { .. } => "EMAIL_NON_ASCII",
            Self::MissingAt => "EMAIL_NO_AT",
            Self::MultipleAt { .. } => "EMAIL_MULTIPLE_AT",
            Self::EmptyLocal => "EMAIL_EMPTY_LOCAL",
            Self::EmptyDomain => "EMAIL_EMPTY_DOMAIN",
            Self::LocalDots => "EMAIL_LOCAL_DOTS",
            Self::DomainDots => "EMAIL_DOMAIN_DOTS",
            Self::DomainNoDot { .. } => "EMAIL_DOMAIN_NO_DOT",
            Self::DomainTypo { .. } => "EMAIL_DOMAIN_TYPO",
        }
    }

    /// Whether the issue blocks the input.
    pub fn severity(&self) -> Severity {
        match self {
            Self::LocalDots | Self::DomainTypo { .. } => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// Finds the usual mistakes in a typed address. Empty means nothing suspicious was found; it
/// does not prove the mailbox exists.
pub fn check_email(input: &str) -> Vec<EmailIssue> {
    let trimmed = input.trim_matches(is_blank);
    if trimmed.is_empty() {
        return vec![EmailIssue::Empty];
    }
    let mut issues = Vec::new();
    if trimmed.len() != input.len() {
        issues.push(EmailIssue::OuterSpace);
    }
    if trimmed.chars().any(is_blank) {
        issues.push(EmailIssue::InnerSpace);
    }
    if trimmed.contains('＠') {
        issues.push(EmailIssue::FullWidthAt);
    }
    let mut wide = String::new();
    for c in trimmed.chars() {
        let full_width = matches!(c, '\u{FF01}'..='\u{FF5E}') && c != '＠';
        if full_width && !wide.contains(c) && wide.chars().count() < 5 {
            wide.push(c);
        }
    }
    if !wide.is_empty() {
        issues.push(EmailIssue::FullWidthChars { chars: wide });
    }
    if let Some((i, ch)) = trimmed
        .chars()
        .enumerate()
        .find(|&(_, c)| !c.is_ascii() && !is_blank(c) && !matches!(c, '\u{FF01}'..='\u{FF5E}'))
    {
        issues.push(EmailIssue::NonAscii {
            ch,
            position: i + 1,
        });
    }
    // Structure is judged on the width-folded text so 全角 mistakes are not reported twice.
    let folded: String = nfkc(trimmed).chars().filter(|&c| !is_blank(c)).collect();
    let count = folded.matches('@').count();
    match count {
        0 => issues.push(EmailIssue::MissingAt),
        1 => check_parts(&folded, &mut issues),
        _ => issues.push(EmailIssue::MultipleAt { count }),
    }
    issues
}

fn check_parts(folded: &str, issues: &mut Vec<EmailIssue>) {
    let (local, domain) = folded.split_once('@').unwrap_or((folded, ""));
    if local.is_empty() {
        issues.push(EmailIssue::EmptyLocal);
    } else if has_bad_dots(local) {
        issues.push(EmailIssue::LocalDots);
    }
    if domain.is_empty() {
        issues.push(EmailIssue::EmptyDomain);
        return;
    }
    if has_bad_dots(domain) {
        issues.push(EmailIssue::DomainDots);
    } else if !domain.contains('.') {
        issues.push(EmailIssue::DomainNoDot {
            domain: domain.to_string(),
        });
    }
    let lower = domain.to_lowercase();
    if let Some(suggestion) = domain_suggestion(&lower) {
        issues.push(EmailIssue::DomainTypo {
            found: lower,
            suggestion,
        });
    }
}

fn has_bad_dots(s: &str) -> bool {
    s.contains("..") || s.starts_with('.') || s.ends_with('.')
}

/// Misspellings of the domains members use most (carriers, Gmail, Yahoo!, iCloud).
const DOMAIN_TYPOS: &[(&str, &str)] = &[
    ("gmial.com", "gmail.com"),
    ("gmai.com", "gmail.com"),
    ("gmal.com", "gmail.com"),
    ("gamil.com", "gmail.com"),
    ("gmali.com", "gmail.com"),
    ("gnail.com", "gmail.com"),
    ("gmaill.com", "gmail.com"),
    ("gmail.co", "gmail.com"),
    ("gmail.cm", "gmail.com"),
    ("gmail.om", "gmail.com"),
    ("gmail.jp", "gmail.com"),
    ("gmail.co.jp", "gmail.com"),
    ("gmail.ne.jp", "gmail.com"),
    ("yahoo.co.j", "yahoo.co.jp"),
    ("yahoo.cojp", "yahoo.co.jp"),
    ("yaho.co.jp", "yahoo.co.jp"),
    ("yahooo.co.jp", "yahoo.co.jp"),
    ("yahoo.jp", "yahoo.co.jp"),
    ("yahoo.ne.jp", "yahoo.co.jp"),
    ("docomo.ne.j", "docomo.ne.jp"),
    ("docomo.nejp", "docomo.ne.jp"),
    ("docomo.co.jp", "docomo.ne.jp"),
    ("docom.ne.jp", "docomo.ne.jp"),
    ("docomo.jp", "docomo.ne.jp"),
    ("docomo.com", "docomo.ne.jp"),
    ("ezweb.co.jp", "ezweb.ne.jp"),
    ("ezweb.jp", "ezweb.ne.jp"),
    ("ezwb.ne.jp", "ezweb.ne.jp"),
    ("softbank.co.jp", "softbank.ne.jp"),
    ("i.softbank.co.jp", "i.softbank.jp"),
    ("i.softbank.ne.jp", "i.softbank.jp"),
    ("icloud.co", "icloud.com"),
    ("icoud.com", "icloud.com"),
    ("iclod.com", "icloud.com"),
    ("icloud.jp", "icloud.com"),
    ("hotmial.com", "hotmail.com"),
    ("hotmai.com", "hotmail.com"),
];

fn domain_suggestion(domain: &str) -> Option<String> {
    if let Some(&(_, to)) = DOMAIN_TYPOS.iter().find(|(from, _)| *from == domain) {
        return Some(to.to_string());
    }
    // ".con" for ".com" and ".co.jo"/".ne.jo" for ".jp" (o sits next to p on the keyboard).
    if let Some(stem) = domain.strip_suffix(".con") {
        return Some(format!("{stem}.com"));
    }
    for sld in ["co", "ne", "or", "ac", "ed", "go"] {
        if let Some(stem) = domain.strip_suffix(&format!(".{sld}.jo")) {
            let fixed = format!("{stem}.{sld}.jp");
            // Re-check the stem too: "docomo.co.jo" should end as "docomo.ne.jp".
            return Some(domain_suggestion(&fixed).unwrap_or(fixed));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_key_of_a_key_is_itself() {
        // Found by the fuzz target: İ lower-cases to i + U+0307, behind U+0338 of class 1.
        for text in [
            "\u{338}\u{338}\u{350}\u{350}\u{130}\u{338}\u{486}",
            "\u{338}\u{338}\u{350}\u{350}i\u{338}\u{307}\u{486}",
            "ℌanako@Example.JP",
            "ＫＥＮＫＯ＠ＥＸＡＭＰＬＥ．ＪＰ",
            " kenko.taro@example.jp ",
        ] {
            let key = email_search_key(text);
            assert_eq!(email_search_key(&key), key, "{text:?}");
        }
        assert_eq!(
            email_search_key("ＫＥＮＫＯ＠ＥＸＡＭＰＬＥ．ＪＰ"),
            "kenko@example.jp"
        );
        assert_eq!(email_search_key("ℌanako@Example.JP"), "hanako@example.jp");
    }
    use proptest::prelude::*;

    fn codes(input: &str) -> Vec<&'static str> {
        check_email(input).iter().map(EmailIssue::code).collect()
    }

    #[test]
    fn stored_form_is_kept_and_search_ignores_case_and_width() {
        let stored = EmailAddress::new("Taro.Kenko@Example.jp");
        assert_eq!(
            stored.as_str(),
            "Taro.Kenko@Example.jp",
            "login IDs are case-sensitive"
        );
        assert_eq!(stored.to_string(), "Taro.Kenko@Example.jp");
        assert_eq!(stored.search_key(), "taro.kenko@example.jp");
        assert!(stored.matches_query(" ｔａｒｏ.kenko＠example.JP\u{3000}"));
        assert!(!stored.matches_query("taro.kenk@example.jp"));
    }

    #[test]
    fn a_normal_address_has_no_issues() {
        assert!(check_email("taro@example.jp").is_empty());
        assert!(check_email("info@kencom.jp").is_empty());
        assert!(check_email("a.b+c@sub.example.co.jp").is_empty());
    }

    #[test]
    fn full_width_at_and_characters() {
        assert_eq!(codes("taro＠example.jp"), ["EMAIL_FULLWIDTH_AT"]);
        let issues = check_email("ｔａｒｏ@example.jp");
        assert_eq!(
            issues,
            [EmailIssue::FullWidthChars {
                chars: "ｔａｒ".to_string() + "ｏ"
            }]
        );
        assert!(issues[0].to_string().contains("全角文字「ｔａｒｏ」"));
        assert_eq!(
            check_email("taro@example。jp"),
            [
                EmailIssue::NonAscii {
                    ch: '。',
                    position: 13
                },
                EmailIssue::DomainNoDot {
                    domain: "example。jp".to_string()
                }
            ]
        );
        assert!(
            EmailIssue::FullWidthAt.to_string().contains("全角の「＠」"),
            "the message names the character"
        );
    }

    #[test]
    fn spaces_inside_and_around() {
        assert_eq!(codes(" taro@example.jp"), ["EMAIL_OUTER_SPACE"]);
        assert_eq!(codes("taro@example.jp\u{3000}"), ["EMAIL_OUTER_SPACE"]);
        assert_eq!(codes("taro @example.jp"), ["EMAIL_INNER_SPACE"]);
        assert_eq!(
            EmailIssue::InnerSpace.to_string(),
            "メールアドレスの途中に空白があります"
        );
    }

    #[test]
    fn structure_errors() {
        assert_eq!(codes(""), ["EMAIL_EMPTY"]);
        assert_eq!(codes("taro.example.jp"), ["EMAIL_NO_AT"]);
        assert_eq!(
            check_email("taro@@example.jp"),
            [EmailIssue::MultipleAt { count: 2 }]
        );
        assert_eq!(codes("@example.jp"), ["EMAIL_EMPTY_LOCAL"]);
        assert_eq!(codes("taro@"), ["EMAIL_EMPTY_DOMAIN"]);
        assert_eq!(codes("taro@example..jp"), ["EMAIL_DOMAIN_DOTS"]);
        assert_eq!(codes("taro@.example.jp"), ["EMAIL_DOMAIN_DOTS"]);
        assert_eq!(codes("taro@localhost"), ["EMAIL_DOMAIN_NO_DOT"]);
    }

    #[test]
    fn old_carrier_dots_are_only_a_warning() {
        let issues = check_email("taro..ken.@docomo.ne.jp");
        assert_eq!(issues, [EmailIssue::LocalDots]);
        assert_eq!(issues[0].severity(), Severity::Warning);
    }

    #[test]
    fn common_domain_typos_are_suggested() {
        for (typed, meant) in [
            ("gmial.com", "gmail.com"),
            ("GMAIL.CON", "gmail.com"),
            ("docomo.ne.jo", "docomo.ne.jp"),
            ("docomo.co.jo", "docomo.ne.jp"),
            ("yahoo.co.jo", "yahoo.co.jp"),
            ("ezweb.ne.jo", "ezweb.ne.jp"),
            ("icloud.con", "icloud.com"),
            ("i.softbank.co.jp", "i.softbank.jp"),
        ] {
            let issues = check_email(&format!("taro@{typed}"));
            let found = typed.to_lowercase();
            assert_eq!(
                issues,
                [EmailIssue::DomainTypo {
                    found: found.clone(),
                    suggestion: meant.to_string()
                }],
                "{typed}"
            );
            assert_eq!(issues[0].severity(), Severity::Warning);
            assert_eq!(
                issues[0].to_string(),
                format!("ドメイン「{found}」は「{meant}」の誤りではありませんか")
            );
        }
        assert!(
            check_email("taro@yahoo.com").is_empty(),
            "yahoo.com is real"
        );
    }

    proptest! {
        #[test]
        fn plain_addresses_have_no_errors(local in "[a-z0-9][a-z0-9._+-]{0,12}[a-z0-9]", domain in "[a-z][a-z0-9-]{0,10}\\.(com|jp|co\\.jp|ne\\.jp)") {
            prop_assume!(!local.contains(".."));
            let issues = check_email(&format!("{local}@{domain}"));
            prop_assert!(issues.iter().all(|i| i.severity() == Severity::Warning), "{:?}", issues);
        }

        #[test]
        fn search_key_is_idempotent_and_width_blind(s in "\\PC{0,24}") {
            let k = email_search_key(&s);
            prop_assert_eq!(email_search_key(&k), k.clone());
        }

        #[test]
        fn full_width_version_has_the_same_key(addr in "[a-zA-Z0-9]{1,8}@[a-z]{1,8}\\.jp") {
            let wide: String = addr.chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)).collect();
            prop_assert_eq!(email_search_key(&wide), addr.to_lowercase());
            prop_assert!(check_email(&wide).iter().any(|i| i.code() == "EMAIL_FULLWIDTH_AT"));
        }

        #[test]
        fn stored_form_never_changes(s in "\\PC{0,24}") {
            let stored = EmailAddress::new(s.clone());
            prop_assert_eq!(stored.as_str(), s.as_str());
            let _ = check_email(&s);
        }

        #[test]
        fn non_empty_input_never_reports_empty(s in "\\PC{1,24}") {
            let issues = check_email(&s);
            if !s.trim_matches(char::is_whitespace).is_empty() {
                prop_assert!(!issues.contains(&EmailIssue::Empty));
            }
        }
    }
}
