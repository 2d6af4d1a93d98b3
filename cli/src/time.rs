//! RFC 3339 timestamps for `--at`.

use rustls_pki_types::UnixTime;

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (RFC 3339 §5.6) into seconds since the
/// epoch.
pub(crate) fn parse_rfc3339(s: &str) -> Result<UnixTime, String> {
    let err = || format!("{s:?} is not an RFC 3339 time such as 2030-01-01T00:00:00Z");
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return Err(err());
    }
    if b[13] != b':' || b[16] != b':' {
        return Err(err());
    }
    let num = |r: core::ops::Range<usize>| -> Result<i64, String> {
        let t = s.get(r).ok_or_else(err)?;
        if !t.bytes().all(|c| c.is_ascii_digit()) {
            return Err(err());
        }
        t.parse::<i64>().map_err(|_| err())
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(err());
        }
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let ob = rest.as_bytes();
            if ob.len() != 6 || !matches!(ob[0], b'+' | b'-') || ob[3] != b':' {
                return Err(err());
            }
            let h: i64 = rest[1..3].parse().map_err(|_| err())?;
            let m: i64 = rest[4..6].parse().map_err(|_| err())?;
            if h > 23 || m > 59 {
                return Err(err());
            }
            let sign = if ob[0] == b'-' { -1 } else { 1 };
            sign * (h * 3600 + m * 60)
        }
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(err()),
    };
    if day < 1 || day > days_in_month || hour > 23 || minute > 59 || second > 60 {
        return Err(err());
    }
    let secs =
        days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
    let secs = u64::try_from(secs).map_err(|_| format!("{s:?} is before 1970"))?;
    Ok(UnixTime::since_unix_epoch(core::time::Duration::from_secs(
        secs,
    )))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339() {
        let t = |s: &str| parse_rfc3339(s).map(|u| u.as_secs());
        assert_eq!(t("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(t("2000-03-01T00:00:00Z"), Ok(951_868_800));
        assert_eq!(t("2030-01-01T00:00:00Z"), Ok(1_893_456_000));
        assert_eq!(t("2030-01-01T01:00:00+01:00"), Ok(1_893_456_000));
        assert_eq!(t("2029-12-31T23:00:00.5-01:00"), Ok(1_893_456_000));
        assert_eq!(t("2024-02-29T12:00:00Z"), Ok(1_709_208_000));
        for bad in [
            "2023-02-29T00:00:00Z",
            "2030-01-01",
            "2030-13-01T00:00:00Z",
            "1969-12-31T23:59:59Z",
            "2030-01-01T00:00:00",
            "2030-01-01T00:00:00+1:00",
            "20x0-01-01T00:00:00Z",
        ] {
            assert!(parse_rfc3339(bad).is_err(), "{bad}");
        }
    }
}
