//! The keyword arguments that are no certificate and no reference: the role, the policy
//! options, the verification time.

use std::time::Duration;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use rustls_pki_types::UnixTime;
use sipcert::{DomainName, EkuMode, Policy, Role};

use crate::errors::{Error, PolicyError};
use crate::reference::MAX_REFERENCE;

pub(crate) fn role(text: &str) -> PyResult<Role> {
    match text {
        "server" => Ok(Role::Server),
        "client" => Ok(Role::Client),
        other => Err(PolicyError::new_err(format!(
            "role: {other:?} is not \"server\" or \"client\""
        ))),
    }
}

/// The policy keyword arguments shared by `check` and `identities`.
#[allow(clippy::fn_params_excessive_bools)] // Python keyword arguments
pub(crate) fn policy(
    cn_fallback: bool,
    require_sip_uri: bool,
    allow_ip_literals: bool,
    secure_srv_target: Option<&str>,
    eku: &str,
    danger_allow_wildcards: bool,
) -> PyResult<Policy> {
    let mode = match eku {
        "compatible" => EkuMode::Compatible,
        "rfc5924" => EkuMode::Rfc5924,
        other => {
            return Err(PolicyError::new_err(format!(
                "eku: {other:?} is not \"compatible\" or \"rfc5924\""
            )))
        }
    };
    let mut policy = Policy::default()
        .cn_fallback(cn_fallback)
        .require_sip_uri(require_sip_uri)
        .allow_ip_literals(allow_ip_literals)
        .with_eku_mode(mode);
    if let Some(target) = secure_srv_target {
        if target.len() > MAX_REFERENCE {
            return Err(PolicyError::new_err("secure_srv_target: too long"));
        }
        let d = DomainName::from_user_input(target)
            .map_err(|e| PolicyError::new_err(format!("secure_srv_target: {target:?}: {e}")))?;
        policy = policy.with_secure_srv_target(d);
    }
    if danger_allow_wildcards {
        policy = sipcert::danger::allow_wildcards(policy);
    }
    Ok(policy)
}

/// `at=`: `None` (now), seconds since the Unix epoch, or an aware `datetime`.
pub(crate) fn time(at: Option<&Bound<'_, PyAny>>) -> PyResult<UnixTime> {
    let Some(at) = at else {
        return Ok(UnixTime::now());
    };
    let secs: f64 = if at.hasattr("timestamp")? {
        at.call_method0("timestamp")?.extract()?
    } else {
        at.extract()
            .map_err(|_| PyTypeError::new_err("at: expected a datetime or seconds since 1970"))?
    };
    Duration::try_from_secs_f64(secs)
        .ok()
        .filter(|d| d.as_secs() < 253_402_300_800) // year 10000
        .map(UnixTime::since_unix_epoch)
        .ok_or_else(|| Error::new_err(format!("at: {secs} is not a time between 1970 and 9999")))
}
