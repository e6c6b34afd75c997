//! Wall-clock time in the one unit the store and PHP share (whole Unix seconds), and
//! the UTC calendar that timestamps are shown in and allowance months follow.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch. A clock set before 1970 reads as 0 rather than failing:
/// timestamps only order log entries and bound token lifetimes.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Milliseconds since the Unix epoch, the unit gateway webhooks are stamped in.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `seconds` (Unix) as an ISO 8601 UTC timestamp, e.g. `2026-11-24T12:20:35Z`.
pub fn iso8601(seconds: i64) -> String {
    let rest = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The first second of `now`'s month and of the next one (UTC).
pub fn month_bounds(now: i64) -> (i64, i64) {
    let days = now.div_euclid(86_400);
    let (year, month, _) = civil_from_days(days);
    let start = days_from_civil(year, month, 1) * 86_400;
    let (next_year, next_month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    (start, days_from_civil(next_year, next_month, 1) * 86_400)
}

// Howard Hinnant's civil-date algorithms: exact for the proleptic Gregorian calendar.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let month = i64::from(month);
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_timestamps() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(1_709_251_199), "2024-02-29T23:59:59Z");
        assert_eq!(iso8601(1_796_083_205), "2026-12-01T00:00:05Z");
    }

    #[test]
    fn months_turn_at_utc_midnight_on_the_first() {
        // 2026-11-24T07:00:00Z.
        let now = 1_795_503_600;
        let (start, next) = month_bounds(now);
        assert_eq!(start, 1_793_491_200, "2026-11-01T00:00:00Z");
        assert_eq!(next, 1_796_083_200, "2026-12-01T00:00:00Z");
        // December rolls into January.
        assert_eq!(
            month_bounds(1_796_083_200 + 5).1,
            1_798_761_600,
            "2027-01-01T00:00:00Z"
        );
        // Leap February.
        let (feb, march) = month_bounds(1_709_251_200 - 1);
        assert_eq!((march - feb) / 86_400, 29);
    }
}
