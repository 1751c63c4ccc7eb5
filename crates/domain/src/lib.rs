//! Pure rules and types shared by every KenCoM crate: identifiers, kana keys, 和暦, e-mail keys, masking. No IO, no async.

pub mod business_hours;
pub mod holidays;
