//! 記号・番号・枝番: parsing never panics; accepted values re-parse to themselves; the
//! eligibility key is a suffix of at most 7 digits; masks keep the length.
#![no_main]

use kencom_domain::{
    mask_card_number, mask_card_symbol, CardBranch, CardError, CardNumber, CardSymbol,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    match CardSymbol::parse(input) {
        Ok(s) => {
            assert_eq!(CardSymbol::parse(s.as_str()).as_ref(), Ok(&s));
            assert_eq!(
                mask_card_symbol(&s).chars().count(),
                s.as_str().chars().count()
            );
        }
        Err(CardError::SymbolInvalidChar { ch, position }) => {
            assert_eq!(input.chars().nth(position - 1), Some(ch));
        }
        Err(_) => {}
    }
    if let Ok(n) = CardNumber::parse(input) {
        assert_eq!(CardNumber::parse(n.as_str()).as_ref(), Ok(&n));
        let key = n.eligibility_key();
        assert!(n.as_str().ends_with(key) && key.len() <= 7);
        assert_eq!(mask_card_number(&n).len(), n.as_str().len());
    }
    if let Ok(b) = CardBranch::parse(input) {
        assert_eq!(b.as_str().len(), 2);
    }
});
