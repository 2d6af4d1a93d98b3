//! The validity times of a certificate, as RFC 5280 §4.1.2.5 profiles them.

use super::reader::{DerError, Reader, GENERALIZED_TIME, UTC_TIME};

/// Days in a month of a (proleptic Gregorian) year.
pub(crate) fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

/// A DER time as RFC 5280 §4.1.2.5 profiles it: UTCTime `YYMMDDHHMMSSZ` or GeneralizedTime
/// `YYYYMMDDHHMMSSZ`, with an existing date and a time of day below 24:00:00.
pub(super) fn check_time(tag: u8, time: Reader<'_>) -> Result<(), DerError> {
    let bytes = time.as_bytes();
    let bad = || time.error("a UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ");
    let (year_digits, rest) = match (tag, bytes) {
        (UTC_TIME, [y @ .., b'Z']) if y.len() == 12 => y.split_at(2),
        (GENERALIZED_TIME, [y @ .., b'Z']) if y.len() == 14 => y.split_at(4),
        _ => return Err(bad()),
    };
    let number = |digits: &[u8]| -> Option<u32> {
        digits.iter().try_fold(0u32, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
        })
    };
    let two = |i: usize| rest.get(i..i + 2).and_then(number);
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) =
        (number(year_digits), two(0), two(2), two(4), two(6), two(8))
    else {
        return Err(bad());
    };
    let year = match tag {
        // RFC 5280 §4.1.2.5.1: YY >= 50 is 19YY, otherwise 20YY.
        UTC_TIME if year >= 50 => 1900 + year,
        UTC_TIME => 2000 + year,
        _ => year,
    };
    let date_ok = (1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day);
    if date_ok && hour < 24 && minute < 60 && second < 60 {
        Ok(())
    } else {
        Err(time.error("an existing date and a time of day below 24:00:00"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::der::reader::INTEGER;

    #[test]
    fn times() {
        const ROWS: &[(u8, &str, bool)] = &[
            (UTC_TIME, "250101000000Z", true),
            (UTC_TIME, "491231235959Z", true),
            (UTC_TIME, "500101000000Z", true),
            (UTC_TIME, "240229120000Z", true),
            (UTC_TIME, "230229120000Z", false),
            (UTC_TIME, "250101240000Z", false),
            (UTC_TIME, "250101006000Z", false),
            (UTC_TIME, "250101000060Z", false),
            (UTC_TIME, "251301000000Z", false),
            (UTC_TIME, "250100000000Z", false),
            (UTC_TIME, "250431000000Z", false),
            (UTC_TIME, "2501010000Z", false),
            (UTC_TIME, "250101000000", false),
            (UTC_TIME, "25010100000aZ", false),
            (UTC_TIME, "250101000000+0000", false),
            (UTC_TIME, "20250101000000Z", false),
            (GENERALIZED_TIME, "20250101000000Z", true),
            (GENERALIZED_TIME, "20000229000000Z", true),
            (GENERALIZED_TIME, "21000229000000Z", false),
            (GENERALIZED_TIME, "99991231235959Z", true),
            (GENERALIZED_TIME, "2x250101000000Z", false),
            (GENERALIZED_TIME, "250101000000Z", false),
            (GENERALIZED_TIME, "20250101000000.5Z", false),
            (INTEGER, "250101000000Z", false),
        ];
        for &(tag, text, ok) in ROWS {
            let got = check_time(tag, Reader::new(text.as_bytes()));
            assert_eq!(got.is_ok(), ok, "tag {tag:#04x}, {text:?}: {got:?}");
        }
    }
}
