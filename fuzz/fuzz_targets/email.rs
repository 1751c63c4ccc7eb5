//! E-mail: checks never panic; the stored form is kept; the search key is idempotent; the
//! mask never shows more than one local character.
#![no_main]

use kencom_domain::{check_email, email_search_key, mask_email, EmailAddress};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let issues = check_email(input);
    for issue in &issues {
        assert!(!issue.code().is_empty() && !issue.to_string().is_empty());
    }
    let stored = EmailAddress::new(input);
    assert_eq!(stored.as_str(), input);
    let key = stored.search_key();
    assert_eq!(email_search_key(&key), key);
    let masked = mask_email(input);
    if let Some((local, _)) = masked.rsplit_once('@') {
        assert!(local.chars().count() <= 4, "{masked}");
    }
});
