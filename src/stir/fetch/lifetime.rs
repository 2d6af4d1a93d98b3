//! How long an `x5u` answer may be cached: `Cache-Control: max-age` (RFC 9111 §5.2.2.1),
//! else `Expires` (RFC 9111 §5.3) against the answer's `Date` (or the local clock), else a
//! default; `no-store` and `no-cache` mean zero; the result is clamped to the configured
//! bounds.

use std::time::{Duration, SystemTime};

/// The caching bounds of a [`super::HttpSource`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Bounds {
    /// The shortest time an answer is kept, whatever the server says.
    pub(super) min: Duration,
    /// The longest time an answer is kept, whatever the server says.
    pub(super) max: Duration,
    /// The time an answer with no caching header is kept.
    pub(super) default: Duration,
}

/// The lifetime of an answer with these header values, clamped to `bounds`.
pub(super) fn lifetime(
    cache_control: Option<&str>,
    expires: Option<&str>,
    date: Option<&str>,
    now: SystemTime,
    bounds: Bounds,
) -> Duration {
    let said = from_cache_control(cache_control)
        .unwrap_or_else(|| expires.map_or(bounds.default, |e| from_expires(e, date, now)));
    said.clamp(bounds.min, bounds.max.max(bounds.min))
}

/// `max-age=N` (zero for `no-store`/`no-cache`); `None` when the header says neither. A
/// malformed `max-age` counts as zero (RFC 9111 §4.2.1: an invalid freshness lifetime is
/// stale).
fn from_cache_control(value: Option<&str>) -> Option<Duration> {
    let mut max_age = None;
    for directive in value?.split(',') {
        let directive = directive.trim();
        let (name, arg) = directive
            .split_once('=')
            .map_or((directive, None), |(n, a)| (n.trim(), Some(a.trim())));
        if name.eq_ignore_ascii_case("no-store") || name.eq_ignore_ascii_case("no-cache") {
            return Some(Duration::ZERO);
        }
        if name.eq_ignore_ascii_case("max-age") {
            let secs = arg
                .map(|a| a.trim_matches('"'))
                .filter(|a| !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()))
                .map_or(0, |a| a.parse::<u64>().unwrap_or(u64::MAX));
            max_age = Some(Duration::from_secs(secs));
        }
    }
    max_age
}

/// `Expires` minus `Date` (or minus `now` without a valid `Date`); zero when `Expires` is
/// not an HTTP date or lies in the past.
fn from_expires(expires: &str, date: Option<&str>, now: SystemTime) -> Duration {
    let Ok(expires) = httpdate::parse_http_date(expires.trim()) else {
        return Duration::ZERO;
    };
    let base = date
        .and_then(|d| httpdate::parse_http_date(d.trim()).ok())
        .unwrap_or(now);
    expires.duration_since(base).unwrap_or(Duration::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUNDS: Bounds = Bounds {
        min: Duration::from_secs(60),
        max: Duration::from_secs(86_400),
        default: Duration::from_secs(3_600),
    };

    #[test]
    fn lifetime_follows_the_headers_within_the_bounds() {
        // (Cache-Control, Expires, Date, the lifetime in seconds)
        type Case<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>, u64);
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").expect("date");
        let cases: &[Case<'_>] = &[
            (None, None, None, 3_600),
            (Some("max-age=600"), None, None, 600),
            (Some("public, max-age=7200"), None, None, 7_200),
            (Some("MAX-AGE=\"900\""), None, None, 900),
            (Some("max-age=5"), None, None, 60),
            (Some("max-age=99999999"), None, None, 86_400),
            (Some("max-age=99999999999999999999999"), None, None, 86_400),
            (Some("max-age=-1"), None, None, 60),
            (Some("max-age=abc"), None, None, 60),
            (Some("max-age"), None, None, 60),
            (Some("no-store, max-age=600"), None, None, 60),
            (Some("max-age=600, no-cache"), None, None, 60),
            (Some("private"), None, None, 3_600),
            (
                Some("max-age=600"),
                Some("Sun, 06 Nov 1994 09:49:37 GMT"),
                None,
                600,
            ),
            (None, Some("Sun, 06 Nov 1994 10:49:37 GMT"), None, 7_200),
            (
                None,
                Some("Sun, 06 Nov 1994 10:49:37 GMT"),
                Some("Sun, 06 Nov 1994 09:49:37 GMT"),
                3_600,
            ),
            (None, Some("Sun, 06 Nov 1994 07:49:37 GMT"), None, 60),
            (None, Some("0"), None, 60),
            (None, Some("tomorrow"), None, 60),
        ];
        for &(cc, expires, date, want) in cases {
            assert_eq!(
                lifetime(cc, expires, date, now, BOUNDS),
                Duration::from_secs(want),
                "Cache-Control {cc:?}, Expires {expires:?}, Date {date:?}"
            );
        }
    }
}
