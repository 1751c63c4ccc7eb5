//! The help desk's business-hours clock: weekdays 10:00–18:00 JST, closed on Japanese
//! public holidays (the seed's 受付時間: 10時～18時（平日）). An inquiry's age is counted
//! in business time, so a Friday-evening inquiry is not "60 hours old" on Monday morning.
//!
//! Pure: callers pass "now"; nothing here reads a clock.
use crate::holidays::holiday_name;
use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc, Weekday,
};

/// Japan Standard Time (no daylight saving).
pub fn jst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset")
}

/// Opening hours and extra closed days of a desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessCalendar {
    /// Opening time, JST.
    pub open: NaiveTime,
    /// Closing time, JST.
    pub close: NaiveTime,
    /// Additional closed dates (e.g. 年末年始), on top of weekends and public holidays.
    pub closed_dates: Vec<NaiveDate>,
}

impl Default for BusinessCalendar {
    /// 10:00–18:00 JST on weekdays that are not public holidays.
    fn default() -> Self {
        Self {
            open: NaiveTime::from_hms_opt(10, 0, 0).expect("valid time"),
            close: NaiveTime::from_hms_opt(18, 0, 0).expect("valid time"),
            closed_dates: Vec::new(),
        }
    }
}

impl BusinessCalendar {
    /// Whether the desk works on `date` (JST calendar date) at all.
    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
            && holiday_name(date).is_none()
            && !self.closed_dates.contains(&date)
    }

    fn window(&self, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        let at = |t: NaiveTime| {
            jst()
                .from_local_datetime(&date.and_time(t))
                .single()
                .expect("JST has no gaps")
                .with_timezone(&Utc)
        };
        (at(self.open), at(self.close))
    }

    /// Whether the desk is open at `t`.
    pub fn is_open(&self, t: DateTime<Utc>) -> bool {
        let date = t.with_timezone(&jst()).date_naive();
        let (open, close) = self.window(date);
        self.is_business_day(date) && open <= t && t < close
    }

    /// Business time elapsed between `from` and `to` (zero if `to` is not after `from`).
    pub fn business_duration(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        if to <= from {
            return Duration::zero();
        }
        let mut total = Duration::zero();
        let mut date = from.with_timezone(&jst()).date_naive();
        let last = to.with_timezone(&jst()).date_naive();
        while date <= last {
            if self.is_business_day(date) {
                let (open, close) = self.window(date);
                let start = open.max(from);
                let end = close.min(to);
                if end > start {
                    total += end - start;
                }
            }
            match date.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
        }
        total
    }

    /// The next moment the desk is open at or after `t`.
    pub fn next_open(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        if self.is_open(t) {
            return t;
        }
        let mut date = t.with_timezone(&jst()).date_naive();
        // A year of closed days in a row would be a broken calendar; stop there.
        for _ in 0..366 {
            if self.is_business_day(date) {
                let (open, _) = self.window(date);
                if open >= t {
                    return open;
                }
            }
            match date.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
        }
        t
    }
}

/// "3時間20分" style text for an age in business time (minutes resolution).
pub fn format_business_age(age: Duration) -> String {
    let minutes = age.num_minutes().max(0);
    let (h, m) = (minutes / 60, minutes % 60);
    match (h, m) {
        (0, m) => format!("{m}分"),
        (h, 0) => format!("{h}時間"),
        (h, m) => format!("{h}時間{m}分"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        jst()
            .with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn open_hours_weekends_evenings_holidays() {
        let cal = BusinessCalendar::default();
        assert!(
            cal.is_open(at(2026, 11, 24, 10, 0)),
            "Tuesday 10:00 is open"
        );
        assert!(!cal.is_open(at(2026, 11, 24, 9, 59)), "before opening");
        assert!(!cal.is_open(at(2026, 11, 24, 18, 0)), "18:00 is closed");
        assert!(!cal.is_open(at(2026, 11, 28, 12, 0)), "Saturday");
        assert!(
            !cal.is_open(at(2026, 11, 23, 12, 0)),
            "勤労感謝の日 (Monday)"
        );
        assert!(!cal.is_open(at(2026, 5, 6, 12, 0)), "振替休日");
    }

    #[test]
    fn friday_evening_inquiry_is_young_on_monday_morning() {
        let cal = BusinessCalendar::default();
        // Friday 2026-11-20 17:30 → Tuesday 2026-11-24 10:30 (Monday is 勤労感謝の日):
        // 30 min on Friday + 30 min on Tuesday.
        let age = cal.business_duration(at(2026, 11, 20, 17, 30), at(2026, 11, 24, 10, 30));
        assert_eq!(age, Duration::minutes(60));
        assert_eq!(format_business_age(age), "1時間");
    }

    #[test]
    fn evening_arrival_counts_from_next_opening() {
        let cal = BusinessCalendar::default();
        let age = cal.business_duration(at(2026, 11, 24, 22, 0), at(2026, 11, 25, 11, 15));
        assert_eq!(format_business_age(age), "1時間15分");
        assert_eq!(
            cal.next_open(at(2026, 11, 27, 18, 30)),
            at(2026, 11, 30, 10, 0),
            "Friday evening → Monday 10:00"
        );
    }

    #[test]
    fn extra_closed_dates() {
        let cal = BusinessCalendar {
            closed_dates: vec![NaiveDate::from_ymd_opt(2026, 12, 29).unwrap()],
            ..BusinessCalendar::default()
        };
        assert!(!cal.is_open(at(2026, 12, 29, 12, 0)));
    }

    proptest! {
        #[test]
        fn business_time_is_additive_and_bounded(a in 0i64..5_000_000, b in 0i64..5_000_000, c in 0i64..5_000_000) {
            let base = at(2026, 1, 1, 0, 0);
            let mut v = [a, b, c];
            v.sort();
            let [t0, t1, t2] = v.map(|s| base + Duration::seconds(s));
            let cal = BusinessCalendar::default();
            let whole = cal.business_duration(t0, t2);
            prop_assert_eq!(whole, cal.business_duration(t0, t1) + cal.business_duration(t1, t2));
            prop_assert!(whole <= t2 - t0);
        }
    }
}
