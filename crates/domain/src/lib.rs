//! Pure rules and types shared by every KenCoM crate: identifiers (保険者番号, 記号・番号・枝番),
//! kana and kanji name keys, 和暦, e-mail keys, masking and the Japan Post customer barcode.
//! Also the desk's business-hours clock with Japanese public holidays.
//! No IO, no async, no clock: everything here is a function of its arguments, so the desk,
//! the central server and the roster importer apply exactly the same rules.

#![deny(missing_docs)]

mod chars;

pub mod barcode;
pub mod business_hours;
pub mod card;
pub mod email;
pub mod holidays;
pub mod insurer;
pub mod kana;
pub mod mask;
pub mod prefecture;
pub mod wareki;

pub use barcode::{
    address_display_number, check_character, is_catch_all_postal_code, Bar, BarcodeChar,
    BarcodeError, CustomerBarcode,
};
pub use card::{CardBranch, CardError, CardNumber, CardSymbol};
pub use email::{check_email, email_search_key, EmailAddress, EmailIssue, Severity};
pub use insurer::{check_digit, InsurerError, InsurerKind, InsurerNumber};
pub use kana::{
    check_katakana_name, compare_names, is_katakana_name, kanji_key, name_key, KanaError, KanaFold,
    NameKey, NameMatch,
};
pub use mask::{mask_address, mask_card_branch, mask_card_number, mask_card_symbol, mask_email};
pub use prefecture::Prefecture;
pub use wareki::{
    format_both, format_era_coded, format_iso, format_seireki, format_wareki, parse_date,
    parse_era_coded, parse_era_coded_compact, DateError, Era, EraCodeMap,
};
