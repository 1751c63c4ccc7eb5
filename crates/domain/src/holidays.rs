//! Japanese public holidays (国民の祝日), computed rather than listed so the desk stays
//! right in years nobody typed in: fixed days, Happy Monday days, the equinoxes by the
//! usual astronomical approximation (valid 1980–2099), 振替休日 and 国民の休日, plus the
//! one-off changes of 2019–2021 (accession, Olympics).
use chrono::{Datelike, NaiveDate, Weekday};

/// The holiday's Japanese name if `date` is a public holiday (including 振替休日 and
/// 国民の休日), else `None`.
pub fn holiday_name(date: NaiveDate) -> Option<&'static str> {
    if let Some(name) = base_holiday(date) {
        return Some(name);
    }
    // 振替休日 (since 1973, extended 2007): a holiday on Sunday moves to the next day that is
    // not itself a holiday.
    let mut d = date;
    while let Some(prev) = d.pred_opt() {
        if base_holiday(prev).is_none() {
            break;
        }
        if prev.weekday() == Weekday::Sun {
            return Some("休日（振替休日）");
        }
        d = prev;
    }
    // 国民の休日: a weekday sandwiched between two holidays.
    if let (Some(p), Some(n)) = (date.pred_opt(), date.succ_opt()) {
        if date.weekday() != Weekday::Sun && base_holiday(p).is_some() && base_holiday(n).is_some()
        {
            return Some("休日（国民の休日）");
        }
    }
    None
}

fn nth_monday(year: i32, month: u32, n: u32) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, n as u8)
}

/// Day of March of 春分の日 and of September of 秋分の日 (1980–2099 formula).
fn equinox_days(year: i32) -> (u32, u32) {
    let y = f64::from(year - 1980);
    let leap = f64::from((year - 1980).div_euclid(4));
    let spring = (20.8431 + 0.242194 * y - leap).floor() as u32;
    let autumn = (23.2488 + 0.242194 * y - leap).floor() as u32;
    (spring, autumn)
}

fn base_holiday(date: NaiveDate) -> Option<&'static str> {
    let (y, m, d) = (date.year(), date.month(), date.day());
    let is = |mm: u32, dd: u32| m == mm && d == dd;
    let is_date = |other: Option<NaiveDate>| other == Some(date);

    // One-off days.
    match (y, m, d) {
        (2019, 4, 30) | (2019, 5, 2) => return Some("休日"),
        (2019, 5, 1) => return Some("天皇の即位の日"),
        (2019, 10, 22) => return Some("即位礼正殿の儀の行われる日"),
        _ => {}
    }

    if is(1, 1) {
        return Some("元日");
    }
    if y >= 2000 && is_date(nth_monday(y, 1, 2)) {
        return Some("成人の日");
    }
    if is(2, 11) {
        return Some("建国記念の日");
    }
    if (y >= 2020 && is(2, 23)) || ((1989..=2018).contains(&y) && is(12, 23)) {
        return Some("天皇誕生日");
    }
    let (spring, autumn) = equinox_days(y);
    if (1980..=2099).contains(&y) && is(3, spring) {
        return Some("春分の日");
    }
    if (1980..=2099).contains(&y) && is(9, autumn) {
        return Some("秋分の日");
    }
    if is(4, 29) {
        return Some(if y >= 2007 {
            "昭和の日"
        } else {
            "みどりの日"
        });
    }
    if is(5, 3) {
        return Some("憲法記念日");
    }
    if y >= 2007 && is(5, 4) {
        return Some("みどりの日");
    }
    if is(5, 5) {
        return Some("こどもの日");
    }
    // 海の日, スポーツの日 and 山の日 moved for the Tokyo Olympics in 2020 and 2021.
    let marine = match y {
        2020 => NaiveDate::from_ymd_opt(2020, 7, 23),
        2021 => NaiveDate::from_ymd_opt(2021, 7, 22),
        _ if y >= 2003 => NaiveDate::from_weekday_of_month_opt(y, 7, Weekday::Mon, 3),
        _ => None,
    };
    if is_date(marine) {
        return Some("海の日");
    }
    let mountain = match y {
        2020 => NaiveDate::from_ymd_opt(2020, 8, 10),
        2021 => NaiveDate::from_ymd_opt(2021, 8, 8),
        _ if y >= 2016 => NaiveDate::from_ymd_opt(y, 8, 11),
        _ => None,
    };
    if is_date(mountain) {
        return Some("山の日");
    }
    if y >= 2003 && is_date(NaiveDate::from_weekday_of_month_opt(y, 9, Weekday::Mon, 3)) {
        return Some("敬老の日");
    }
    let sports = match y {
        2020 => NaiveDate::from_ymd_opt(2020, 7, 24),
        2021 => NaiveDate::from_ymd_opt(2021, 7, 23),
        _ if y >= 2000 => nth_monday(y, 10, 2),
        _ => None,
    };
    if is_date(sports) {
        return Some(if y >= 2020 {
            "スポーツの日"
        } else {
            "体育の日"
        });
    }
    if is(11, 3) {
        return Some("文化の日");
    }
    if is(11, 23) {
        return Some("勤労感謝の日");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn cabinet_office_2026_list() {
        // 内閣府「国民の祝日」2026年: every listed day, and the count.
        let expected = [
            (1, 1),
            (1, 12),
            (2, 11),
            (2, 23),
            (3, 20),
            (4, 29),
            (5, 3),
            (5, 4),
            (5, 5),
            (5, 6), // 振替休日 (5/3 is a Sunday)
            (7, 20),
            (8, 11),
            (9, 21),
            (9, 22), // 国民の休日 between 敬老の日 and 秋分の日
            (9, 23),
            (10, 12),
            (11, 3),
            (11, 23),
        ];
        let mut found = Vec::new();
        let mut day = d(2026, 1, 1);
        while day.year() == 2026 {
            if holiday_name(day).is_some() {
                found.push((day.month(), day.day()));
            }
            day = day.succ_opt().unwrap();
        }
        assert_eq!(found, expected);
        assert_eq!(holiday_name(d(2026, 5, 6)), Some("休日（振替休日）"));
        assert_eq!(holiday_name(d(2026, 9, 22)), Some("休日（国民の休日）"));
    }

    #[test]
    fn special_years() {
        assert_eq!(holiday_name(d(2019, 5, 1)), Some("天皇の即位の日"));
        assert!(
            holiday_name(d(2019, 12, 23)).is_none(),
            "no 天皇誕生日 in 2019"
        );
        assert_eq!(holiday_name(d(2020, 7, 24)), Some("スポーツの日"));
        assert_eq!(holiday_name(d(2021, 8, 9)), Some("休日（振替休日）"));
        assert_eq!(holiday_name(d(2025, 3, 20)), Some("春分の日"));
        assert_eq!(holiday_name(d(2025, 9, 23)), Some("秋分の日"));
        assert_eq!(holiday_name(d(2025, 11, 24)), Some("休日（振替休日）"));
        assert!(holiday_name(d(2026, 11, 24)).is_none());
    }
}
