//! A summary of each presented certificate: subject, issuer, SANs, validity, days left, key.

use rustls::pki_types::CertificateDer;
use serde_json::{json, Value};
use x509_parser::extensions::GeneralName;
use x509_parser::public_key::PublicKey;

/// One certificate, as the report shows it.
pub(crate) struct CertInfo {
    pub(crate) subject: String,
    pub(crate) issuer: String,
    pub(crate) sans: Vec<String>,
    pub(crate) not_before: String,
    pub(crate) not_after: String,
    pub(crate) not_after_unix: i64,
    pub(crate) key: String,
    /// The EKU extension contains id-kp-sipDomain (RFC 5924).
    pub(crate) sip_domain_eku: bool,
}

/// id-kp-sipDomain (RFC 5924 §4.1).
const SIP_DOMAIN_EKU: &str = "1.3.6.1.5.5.7.3.20";

impl CertInfo {
    /// Parses `cert`; an unparsable certificate is shown as such.
    pub(crate) fn of(cert: &CertificateDer<'_>) -> Self {
        let Ok((_, c)) = x509_parser::parse_x509_certificate(cert.as_ref()) else {
            return Self {
                subject: "(unparsable certificate)".to_owned(),
                issuer: String::new(),
                sans: Vec::new(),
                not_before: String::new(),
                not_after: String::new(),
                not_after_unix: i64::MIN,
                key: String::new(),
                sip_domain_eku: false,
            };
        };
        let sans = c
            .subject_alternative_name()
            .ok()
            .flatten()
            .map(|ext| ext.value.general_names.iter().map(general_name).collect())
            .unwrap_or_default();
        let key = match c.public_key().parsed() {
            Ok(PublicKey::RSA(k)) => format!("RSA {}", k.key_size()),
            Ok(PublicKey::EC(k)) => format!("EC {}", k.key_size()),
            Ok(_) | Err(_) => c.public_key().algorithm.algorithm.to_id_string(),
        };
        let sip_domain_eku = c.extended_key_usage().ok().flatten().is_some_and(|e| {
            e.value
                .other
                .iter()
                .any(|o| o.to_id_string() == SIP_DOMAIN_EKU)
        });
        Self {
            sip_domain_eku,
            subject: c.subject().to_string(),
            issuer: c.issuer().to_string(),
            sans,
            not_before: rfc3339(c.validity().not_before.timestamp()),
            not_after: rfc3339(c.validity().not_after.timestamp()),
            not_after_unix: c.validity().not_after.timestamp(),
            key,
        }
    }

    /// Whole days from `now` (Unix seconds) to notAfter (negative once expired).
    pub(crate) fn days_left(&self, now: i64) -> i64 {
        self.not_after_unix.saturating_sub(now).div_euclid(86_400)
    }

    pub(crate) fn json(&self, now: i64) -> Value {
        json!({
            "subject": self.subject,
            "issuer": self.issuer,
            "sans": self.sans,
            "not_before": self.not_before,
            "not_after": self.not_after,
            "days_left": self.days_left(now),
            "key": self.key,
        })
    }
}

fn general_name(g: &GeneralName<'_>) -> String {
    match g {
        GeneralName::DNSName(d) => format!("DNS:{d}"),
        GeneralName::URI(u) => format!("URI:{u}"),
        GeneralName::RFC822Name(e) => format!("email:{e}"),
        GeneralName::IPAddress(b) => match b.len() {
            4 => format!("IP:{}.{}.{}.{}", b[0], b[1], b[2], b[3]),
            16 => {
                let mut a = [0u8; 16];
                a.copy_from_slice(b);
                format!("IP:{}", std::net::Ipv6Addr::from(a))
            }
            _ => "IP:(invalid)".to_owned(),
        },
        other => format!("{other:?}"),
    }
}

/// Unix seconds as `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian, UTC).
#[allow(clippy::many_single_char_names)] // the published algorithm's names
pub(crate) fn rfc3339(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_dates() {
        for (t, want) in [
            (0, "1970-01-01T00:00:00Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (2_208_988_799, "2039-12-31T23:59:59Z"),
            (-1, "1969-12-31T23:59:59Z"),
        ] {
            assert_eq!(super::rfc3339(t), want, "{t}");
        }
    }
}
