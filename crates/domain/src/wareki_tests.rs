//! Tests for `wareki`: every example of DOMAIN.md §3 plus round-trip properties.

use super::*;
use chrono::Days;
use proptest::prelude::*;

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("test dates are valid")
}

fn ok(s: &str) -> NaiveDate {
    parse_date(s).unwrap_or_else(|e| panic!("{s:?} must parse: {e}"))
}

#[test]
fn domain_md_examples_parse_to_1960_01_01() {
    for s in [
        "S35.1.1",
        "昭和35年1月1日",
        "S350101",
        "昭35.01.01",
        "s35.1.1",
        "S35/1/1",
        "S35-01-01",
        "昭和３５年１月１日",
        "昭和 35年 1月 1日",
        "1960-01-01",
        "1960/1/1",
        "19600101",
        "1960年1月1日",
        "１９６０－０１－０１",
        "1960.1.1",
    ] {
        assert_eq!(ok(s), ymd(1960, 1, 1), "{s:?}");
    }
}

#[test]
fn gannen_and_first_days() {
    assert_eq!(ok("平成元年1月8日"), ymd(1989, 1, 8));
    assert_eq!(ok("H1.1.8"), ymd(1989, 1, 8));
    assert_eq!(ok("令和元年5月1日"), ymd(2019, 5, 1));
    assert_eq!(ok("R1.5.1"), ymd(2019, 5, 1));
    assert_eq!(
        ok("㍻元年1月8日"),
        ymd(1989, 1, 8),
        "the ㍻ ligature reads as 平成"
    );
    assert_eq!(ok("明治元年1月25日"), ymd(1868, 1, 25));
    assert_eq!(ok("大正元年7月30日"), ymd(1912, 7, 30));
    // Far-future 西暦 dates must still round-trip through 和暦 (found by fuzzing).
    assert_eq!(ok("令和1293年11月11日"), ymd(3311, 11, 11));
}

#[test]
fn dates_outside_an_era_are_errors() {
    let err = parse_date("平成31年5月1日").expect_err("平成 ended on 2019-04-30");
    assert_eq!(err.code(), "DATE_OUT_OF_ERA");
    assert_eq!(
        err.to_string(),
        "日付「平成31年5月1日」は平成の期間外です（平成は1989年1月8日〜2019年4月30日）"
    );
    assert_eq!(ok("平成31年4月30日"), ymd(2019, 4, 30));
    assert!(matches!(
        parse_date("令和元年4月30日"),
        Err(DateError::OutOfEra {
            era: Era::Reiwa,
            ..
        })
    ));
    assert!(matches!(
        parse_date("昭和64年1月8日"),
        Err(DateError::OutOfEra {
            era: Era::Showa,
            ..
        })
    ));
    assert_eq!(ok("昭和64年1月7日"), ymd(1989, 1, 7));
    assert!(
        parse_date("平成1年1月7日").is_err(),
        "平成 began on 1989-01-08"
    );
    assert!(
        parse_date("明治元年1月24日").is_err(),
        "明治 is counted from 1868-01-25"
    );
    assert!(parse_date("S0.1.1").is_err(), "era year 0 does not exist");
}

#[test]
fn changeover_days_are_valid_in_both_eras() {
    assert_eq!(ok("明治45年7月30日"), ymd(1912, 7, 30));
    assert_eq!(ok("大正元年7月30日"), ymd(1912, 7, 30));
    assert_eq!(ok("大正15年12月25日"), ymd(1926, 12, 25));
    assert_eq!(ok("昭和元年12月25日"), ymd(1926, 12, 25));
    assert!(parse_date("明治45年7月31日").is_err());
    assert!(parse_date("大正15年12月26日").is_err());
    assert_eq!(
        format_wareki(ymd(1926, 12, 25)).as_deref(),
        Some("昭和元年12月25日"),
        "a changeover day is shown in the new era"
    );
}

#[test]
fn invalid_calendar_dates_are_errors() {
    for s in [
        "1960-02-30",
        "S35.2.30",
        "平成3年2月29日",
        "19610229",
        "1960-13-01",
    ] {
        let err = parse_date(s).expect_err(s);
        assert_eq!(err.code(), "DATE_INVALID", "{s}");
        assert!(err.to_string().contains("存在しない日付"), "{s}: {err}");
    }
    assert_eq!(
        ok("平成4年2月29日"),
        ymd(1992, 2, 29),
        "1992 is a leap year"
    );
}

#[test]
fn unreadable_forms_are_format_errors() {
    assert_eq!(parse_date("  "), Err(DateError::Empty));
    for s in [
        "350101",
        "S35",
        "S35.1",
        "1960-1/1",
        "1960年1.1",
        "60-01-01",
        "X35.1.1",
        "S35.1.1日",
        "昭和三十五年",
    ] {
        let err = parse_date(s).expect_err(s);
        assert_eq!(err.code(), "DATE_FORMAT", "{s}");
    }
    assert!(parse_date("S35.1.1x")
        .expect_err("trailing junk")
        .to_string()
        .contains("形式が読み取れません"));
}

#[test]
fn era_codes_follow_the_configured_map() {
    let default = EraCodeMap::default();
    assert_eq!(
        parse_era_coded("3", "350101", &default),
        Ok(ymd(1960, 1, 1))
    );
    assert_eq!(
        parse_era_coded("4", "010108", &default),
        Ok(ymd(1989, 1, 8))
    );
    assert_eq!(
        parse_era_coded("5", "010501", &default),
        Ok(ymd(2019, 5, 1))
    );
    let odd = EraCodeMap::odd();
    assert_eq!(parse_era_coded("5", "350101", &odd), Ok(ymd(1960, 1, 1)));
    assert_eq!(parse_era_coded("7", "310430", &odd), Ok(ymd(2019, 4, 30)));
    assert_eq!(parse_era_coded("９", "010501", &odd), Ok(ymd(2019, 5, 1)));
    let err = parse_era_coded("4", "350101", &odd).expect_err("4 is not in the odd map");
    assert_eq!(err.code(), "DATE_ERA_CODE");
    assert!(err.to_string().contains("元号コード「4」"), "{err}");
    assert_eq!(
        parse_era_coded("3", "35011", &default).map_err(|e| e.code()),
        Err("DATE_FORMAT")
    );
    assert_eq!(
        parse_era_coded("4", "310501", &default).map_err(|e| e.code()),
        Err("DATE_OUT_OF_ERA")
    );
    assert_eq!(
        parse_era_coded_compact("3350101", &default),
        Ok(ymd(1960, 1, 1))
    );
    assert_eq!(
        parse_era_coded_compact("5350101", &odd),
        Ok(ymd(1960, 1, 1))
    );
}

#[test]
fn custom_era_map_rejects_duplicates() {
    let map = EraCodeMap::new(&[(0, Era::Showa), (1, Era::Heisei)]).expect("distinct codes");
    assert_eq!(parse_era_coded("0", "350101", &map), Ok(ymd(1960, 1, 1)));
    assert_eq!(
        EraCodeMap::new(&[(1, Era::Showa), (1, Era::Heisei)]),
        Err(DateError::DuplicateEraCode { code: 1 })
    );
}

#[test]
fn formatting_in_both_calendars() {
    let d = ymd(1960, 1, 1);
    assert_eq!(format_seireki(d), "1960年1月1日");
    assert_eq!(format_iso(d), "1960-01-01");
    assert_eq!(format_wareki(d).as_deref(), Some("昭和35年1月1日"));
    assert_eq!(format_both(d), "1960年1月1日（昭和35年1月1日）");
    assert_eq!(
        format_wareki(ymd(1989, 1, 8)).as_deref(),
        Some("平成元年1月8日")
    );
    assert_eq!(
        format_wareki(ymd(2019, 5, 1)).as_deref(),
        Some("令和元年5月1日")
    );
    assert_eq!(
        format_wareki(ymd(1868, 1, 24)),
        None,
        "before 明治 there is no 和暦 here"
    );
    assert_eq!(format_both(ymd(1868, 1, 24)), "1868年1月24日");
    assert_eq!(
        format_era_coded(d, &EraCodeMap::default()).as_deref(),
        Some("3350101")
    );
    assert_eq!(
        format_era_coded(d, &EraCodeMap::odd()).as_deref(),
        Some("5350101")
    );
}

#[test]
fn era_spans() {
    assert_eq!(Era::Heisei.first_day(), ymd(1989, 1, 8));
    assert_eq!(Era::Heisei.last_day(), Some(ymd(2019, 4, 30)));
    assert_eq!(Era::Reiwa.last_day(), None);
    assert_eq!(Era::of(ymd(1960, 1, 1)), Some((Era::Showa, 35)));
    assert_eq!(Era::of(ymd(1912, 7, 30)), Some((Era::Taisho, 1)));
    assert_eq!(Era::of(ymd(1912, 7, 29)), Some((Era::Meiji, 45)));
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    // 1868-01-25 .. about 2150.
    (0u64..103_000).prop_map(|n| {
        ymd(1868, 1, 25)
            .checked_add_days(Days::new(n))
            .expect("in range")
    })
}

proptest! {
    #[test]
    fn wareki_round_trips(d in any_date()) {
        let w = format_wareki(d).expect("from 明治 on");
        prop_assert_eq!(parse_date(&w), Ok(d), "{}", w);
    }

    #[test]
    fn seireki_and_iso_round_trip(d in any_date()) {
        prop_assert_eq!(parse_date(&format_seireki(d)), Ok(d));
        prop_assert_eq!(parse_date(&format_iso(d)), Ok(d));
        prop_assert_eq!(parse_date(&format_iso(d).replace('-', "")), Ok(d));
    }

    #[test]
    fn letter_forms_round_trip(d in any_date()) {
        let (era, y) = Era::of(d).expect("from 明治 on");
        prop_assume!(y < 100);
        let dotted = format!("{}{}.{}.{}", era.letter(), y, d.month(), d.day());
        prop_assert_eq!(parse_date(&dotted), Ok(d), "{}", dotted);
        let packed = format!("{}{:02}{:02}{:02}", era.letter(), y, d.month(), d.day());
        prop_assert_eq!(parse_date(&packed), Ok(d), "{}", packed);
    }

    #[test]
    fn era_coded_round_trips_with_both_maps(d in any_date()) {
        for map in [EraCodeMap::default(), EraCodeMap::odd()] {
            if let Some(coded) = format_era_coded(d, &map) {
                prop_assert_eq!(parse_era_coded_compact(&coded, &map), Ok(d), "{}", coded);
            }
        }
    }

    #[test]
    fn every_accepted_era_date_lies_inside_its_era(era_i in 0usize..5, y in 0u32..70, m in 1u32..13, day in 1u32..32) {
        let era = Era::ALL[era_i];
        let s = format!("{}{}年{}月{}日", era.name_ja(), y, m, day);
        match parse_date(&s) {
            Ok(d) => prop_assert!(era.contains(d), "{} -> {}", s, d),
            Err(e) => prop_assert!(matches!(e.code(), "DATE_OUT_OF_ERA" | "DATE_INVALID"), "{}: {}", s, e),
        }
    }

    #[test]
    fn parse_never_panics(s in "\\PC{0,20}") {
        let _ = parse_date(&s);
    }
}
