//! Times for people: Unix seconds as RFC 3339 UTC timestamps (`2026-12-07T21:27:57Z`).
//!
//! Every message sipcert writes for a person (its error `Display`s, hence the command line's
//! text and JSON `message`s, and the C and Python messages) shows times this way, never as
//! Unix seconds.
//!
//! ```
//! assert_eq!(sipcert::time::rfc3339(0), "1970-01-01T00:00:00Z");
//! assert_eq!(sipcert::time::rfc3339(951_782_400), "2000-02-29T00:00:00Z");
//! // From the year 10000 on, the year has more than four digits and a leading `+` (the ISO
//! // 8601 expanded form; RFC 3339 has no such years): never clamped, never a panic.
//! assert_eq!(sipcert::time::rfc3339(253_402_300_800), "+10000-01-01T00:00:00Z");
//! ```

use core::fmt;

/// Seconds in a day.
const DAY: u64 = 86_400;

/// The UTC time `unix_seconds` after 1970-01-01T00:00:00Z as RFC 3339
/// (`YYYY-MM-DDTHH:MM:SSZ`, proleptic Gregorian calendar, no leap seconds).
///
/// Defined for every `u64`: a time in the year 10000 or later is written with its whole year
/// and a leading `+` (`+10000-01-01T00:00:00Z`, the ISO 8601 expanded form), so it is neither
/// clamped nor mistaken for a four-digit year; `u64::MAX` is in the year 584554051223.
pub fn rfc3339(unix_seconds: u64) -> String {
    Rfc3339(unix_seconds).to_string()
}

/// [`rfc3339`] as a `Display` value, for messages that are formatted anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Rfc3339(pub(crate) u64);

impl fmt::Display for Rfc3339 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.0 / DAY;
        let secs = self.0 % DAY;
        let (year, month, day) = civil_from_days(days);
        let (hour, minute, second) = (secs / 3600, secs % 3600 / 60, secs % 60);
        if year > 9999 {
            f.write_str("+")?;
        }
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z"
        )
    }
}

/// The proleptic Gregorian (year, month, day) of the day `days` after 1970-01-01
/// (H. Hinnant's `civil_from_days`, for days on or after the epoch). No overflow for any
/// `u64`: `days` is at most `u64::MAX / 86400`, about 2.1e14, and every intermediate value
/// stays below `days + 719_468`.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    // Days since 0000-03-01, the start of a 400-year era (146 097 days).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365], from March 1st
    let mp = (5 * doy + 2) / 153; // [0, 11], March = 0
    let day = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let month = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// Days since 1970-01-01 of a proleptic Gregorian date from 1970 (H. Hinnant's
/// `days_from_civil`, the inverse of [`civil_from_days`]).
#[cfg(feature = "stir")]
pub(crate) fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe).saturating_sub(719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (Unix seconds, RFC 3339 text)
    const CASES: &[(u64, &str)] = &[
        (0, "1970-01-01T00:00:00Z"),
        (59, "1970-01-01T00:00:59Z"),
        (86_399, "1970-01-01T23:59:59Z"),
        (86_400, "1970-01-02T00:00:00Z"),
        (68_255_999, "1972-02-29T23:59:59Z"),
        (68_256_000, "1972-03-01T00:00:00Z"),
        (951_782_400, "2000-02-29T00:00:00Z"),
        (951_868_799, "2000-02-29T23:59:59Z"),
        (951_868_800, "2000-03-01T00:00:00Z"),
        (1_609_459_200, "2021-01-01T00:00:00Z"),
        (1_709_251_199, "2024-02-29T23:59:59Z"),
        (1_796_678_877, "2026-12-07T21:27:57Z"),
        // 2100 is not a leap year: February 28th is followed by March 1st.
        (4_107_542_399, "2100-02-28T23:59:59Z"),
        (4_107_542_400, "2100-03-01T00:00:00Z"),
        (253_402_300_799, "9999-12-31T23:59:59Z"),
        (253_402_300_800, "+10000-01-01T00:00:00Z"),
        (u64::MAX, "+584554051223-11-09T07:00:15Z"),
    ];

    #[test]
    fn unix_seconds_as_rfc3339() {
        for (secs, want) in CASES {
            assert_eq!(rfc3339(*secs), *want, "unix time {secs}");
        }
    }

    /// Every day of 1970..2401 agrees with a day-by-day calendar walk (leap rules included).
    #[test]
    fn every_day_agrees_with_a_calendar_walk() {
        let mut days = 0u64;
        for year in 1970u64..2401 {
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            for month in 1u64..=12 {
                let len = match month {
                    4 | 6 | 9 | 11 => 30,
                    2 if leap => 29,
                    2 => 28,
                    _ => 31,
                };
                for day in 1..=len {
                    assert_eq!(
                        civil_from_days(days),
                        (year, month, day),
                        "day {days} after the epoch"
                    );
                    days += 1;
                }
            }
        }
    }
}
