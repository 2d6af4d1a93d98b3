//! The request's Date header (RFC 8224 §4.1, §6.2.2): read strictly as the RFC 3261 §25.1
//! `SIP-date`, which is RFC 1123's date in the fixed form RFC 7231 §7.1.1.1 calls IMF-fixdate
//! (`Sun, 06 Nov 1994 08:49:37 GMT`), and checked for freshness: the Date within the window
//! of now (403 Stale Date) and `iat` within the window of the Date.

use core::time::Duration;

use super::codes::{StirCode, StirError};
use crate::time::days_from_civil;

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The length of an IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
const FIXDATE_LEN: usize = 29;

/// Parses an IMF-fixdate into seconds since the Unix epoch. Strict: exactly the fixed form
/// (two-digit day, four-digit year, `GMT`, single spaces), the day name agreeing with the
/// date, a real calendar date and time (no leap second), a year from 1970. Surrounding
/// whitespace (the header's LWS) is not part of the value and must be removed by the caller.
pub fn parse_sip_date(value: &str) -> Result<u64, StirError> {
    let bad = |at: usize, what: &str| {
        StirError::new(
            StirCode::DateInvalid,
            format!(
                "the Date header {value:?} at byte {at}: expected {what} (RFC 3261 §25.1 \
                 SIP-date, RFC 7231 §7.1.1.1 IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`)"
            ),
        )
    };
    let b = value.as_bytes();
    if b.len() != FIXDATE_LEN {
        return Err(bad(
            b.len().min(FIXDATE_LEN),
            "exactly 29 characters in the fixed form",
        ));
    }
    let text = |from: usize, to: usize| value.get(from..to).unwrap_or("");
    for (at, lit) in [
        (3, ", "),
        (7, " "),
        (11, " "),
        (16, " "),
        (19, ":"),
        (22, ":"),
        (25, " GMT"),
    ] {
        if text(at, at + lit.len()) != lit {
            return Err(bad(at, &format!("{lit:?}")));
        }
    }
    let num = |from: usize, to: usize| -> Result<u64, StirError> {
        let digits = b.get(from..to).unwrap_or_default();
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return Err(bad(from, "digits"));
        }
        Ok(digits
            .iter()
            .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0')))
    };
    let day_name = DAYS
        .iter()
        .position(|d| *d == text(0, 3))
        .ok_or_else(|| bad(0, "a day name (Mon … Sun)"))?;
    let day = num(5, 7)?;
    let month = MONTHS
        .iter()
        .position(|m| *m == text(8, 11))
        .ok_or_else(|| bad(8, "a month name (Jan … Dec)"))?;
    let year = num(12, 16)?;
    let (hour, minute, second) = (num(17, 19)?, num(20, 22)?, num(23, 25)?);
    if year < 1970 {
        return Err(bad(12, "a year from 1970"));
    }
    let month = u64::try_from(month).unwrap_or(0) + 1;
    let month_days = match (u32::try_from(year), u32::try_from(month)) {
        (Ok(y), Ok(m)) => u64::from(crate::der::time::days_in_month(y, m)),
        (Err(_), _) | (_, Err(_)) => 0,
    };
    if day == 0 || day > month_days {
        return Err(bad(5, "a day of that month"));
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err(bad(17, "a time 00:00:00 to 23:59:59"));
    }
    let days = days_from_civil(year, month, day);
    if usize::try_from(days % 7).ok() != Some(day_name) {
        return Err(bad(0, "the day name of that date"));
    }
    Ok(days * 86_400 + hour * 3600 + minute * 60 + second)
}

/// The Date header against now and `iat` against the Date, each within `window` either way
/// (RFC 8224 §6.2.2: 403 Stale Date; §4.1: `iat` and the Date are the same moment).
pub(crate) fn check_date(
    value: &str,
    iat: i64,
    now_s: i64,
    window: Duration,
) -> Result<(), StirError> {
    let date = parse_sip_date(value)?;
    let date = i64::try_from(date).unwrap_or(i64::MAX);
    let window_s = window.as_secs();
    let off = now_s.saturating_sub(date);
    if off.unsigned_abs() > window_s {
        return Err(StirError::new(
            StirCode::DateStale,
            format!(
                "the Date header {value:?} is {} s {} now; the window is {window_s} s \
                 (RFC 8224 §6.2.2: 403 Stale Date)",
                off.unsigned_abs(),
                if off > 0 { "before" } else { "after" }
            ),
        ));
    }
    let off = date.saturating_sub(iat);
    if off.unsigned_abs() > window_s {
        return Err(StirError::new(
            StirCode::Stale,
            format!(
                "iat {iat} is {} s {} the Date header {value:?}; the window is {window_s} s \
                 (RFC 8224 §4.1, §6.2.2: 403 Stale Date)",
                off.unsigned_abs(),
                if off > 0 { "before" } else { "after" }
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixdates_parse_and_everything_else_is_refused() {
        for (text, secs) in [
            ("Thu, 01 Jan 1970 00:00:00 GMT", 0),
            ("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777),
            ("Tue, 29 Feb 2000 23:59:59 GMT", 951_868_799),
            ("Sat, 17 May 2025 12:00:00 GMT", 1_747_483_200),
        ] {
            assert_eq!(
                parse_sip_date(text).map_err(|e| e.message),
                Ok(secs),
                "{text}"
            );
        }
        for text in [
            "",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun,  6 Nov 1994 08:49:37 GMT",
            "Mon, 06 Nov 1994 08:49:37 GMT",
            "sun, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 nov 1994 08:49:37 GMT",
            "Thu, 29 Feb 2001 00:00:00 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:49:60 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT ",
            " Sun, 06 Nov 1994 08:49:37 GMT",
            "Wed, 31 Dec 1969 23:59:59 GMT",
            "Sun, 0x Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:4é:37 GMT",
        ] {
            let got = parse_sip_date(text);
            assert_eq!(
                got.as_ref().map_err(|e| e.code).err(),
                Some(StirCode::DateInvalid),
                "{text:?}: {got:?}"
            );
        }
    }
}
