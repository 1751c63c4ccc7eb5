//! Insurer numbers: parsing never panics; an accepted number is 8 ASCII digits with a matching
//! check digit and re-parses to itself.
#![no_main]

use kencom_domain::{check_digit, InsurerNumber};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Ok(n) = InsurerNumber::parse(input) {
        let s = n.as_str();
        assert_eq!(s.len(), 8);
        assert!(s.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(check_digit(&s[..7]), Some(s.as_bytes()[7] - b'0'));
        assert_eq!(InsurerNumber::parse(s).as_ref(), Ok(&n));
        let _ = (n.kind().label_ja(), n.prefecture());
    }
});
