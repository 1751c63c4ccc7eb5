//! Dates: parsing never panics; every accepted date formats back (和暦, 西暦, ISO, era code)
//! and re-parses to the same day.
#![no_main]

use kencom_domain::{
    format_era_coded, format_iso, format_seireki, format_wareki, parse_date,
    parse_era_coded_compact, EraCodeMap,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let maps = [EraCodeMap::default(), EraCodeMap::odd()];
    for map in &maps {
        let _ = parse_era_coded_compact(input, map);
    }
    let Ok(date) = parse_date(input) else {
        return;
    };
    if let Some(w) = format_wareki(date) {
        assert_eq!(parse_date(&w), Ok(date), "{w}");
    }
    let s = format_seireki(date);
    let iso = format_iso(date);
    // 西暦 forms need a 4-digit year: "0294-04-09" parses, but "294年4月9日" does not.
    if iso.len() == 10 && !iso.starts_with('0') {
        assert_eq!(parse_date(&s), Ok(date), "{s}");
        assert_eq!(parse_date(&iso), Ok(date), "{iso}");
    }
    for map in &maps {
        if let Some(coded) = format_era_coded(date, map) {
            assert_eq!(parse_era_coded_compact(&coded, map), Ok(date), "{coded}");
        }
    }
});
