//! Customer barcode: never panics; always 20 data characters, 67 bars, and data + check
//! divisible by 19; the 住所表示番号 has no leading, trailing or doubled hyphen.
#![no_main]

use kencom_domain::{address_display_number, CustomerBarcode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let n = address_display_number(input);
    assert!(
        !n.starts_with('-') && !n.ends_with('-') && !n.contains("--"),
        "{n}"
    );
    let code = CustomerBarcode::encode("1000013", input).expect("a valid postal code");
    assert_eq!(code.data_chars().len(), 20);
    assert_eq!(code.bars().len(), 67);
    let sum: u32 = code
        .data_chars()
        .iter()
        .chain([code.check_char()].iter())
        .filter_map(|c| c.value())
        .map(u32::from)
        .sum();
    assert_eq!(sum % 19, 0);
    let _ = CustomerBarcode::encode(input, "1-2-3");
});
