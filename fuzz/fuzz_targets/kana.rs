//! Name keys: never panic; keys are idempotent; a name matches itself exactly; the comparison
//! is symmetric; the kanji key is idempotent.
#![no_main]

use kencom_domain::{compare_names, is_katakana_name, kanji_key, name_key, NameMatch};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str)| {
    let (a, b) = input;
    let k = name_key(a);
    let again = name_key(&k.key);
    assert_eq!(again.key, k.key);
    assert!(again.folds.is_empty());
    assert_eq!(compare_names(a, a), NameMatch::Exact);
    assert_eq!(compare_names(a, b), compare_names(b, a));
    let kk = kanji_key(a);
    assert_eq!(kanji_key(&kk), kk);
    let _ = is_katakana_name(b);
});
