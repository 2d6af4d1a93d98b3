//! The exceptions: `sipcert.Error` and its subclasses, raised for bad input (a rejected
//! certificate is a `Result`, never an exception).
#![allow(missing_docs)] // create_exception! documents each type with its docstring

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;

create_exception!(
    sipcert,
    Error,
    PyValueError,
    "Bad input to sipcert (never a rejected certificate: that is a Result)."
);
create_exception!(
    sipcert,
    CertificateError,
    Error,
    "A certificate argument is not a certificate: not PEM or DER, no CERTIFICATE block, truncated DER, too large."
);
create_exception!(
    sipcert,
    ReferenceError,
    Error,
    "The reference (uri= or domain=) is missing, empty, not UTF-8, too long, or not a usable host."
);
create_exception!(
    sipcert,
    UriError,
    ReferenceError,
    "The text is not an RFC 3261 SIP or SIPS URI."
);
create_exception!(
    sipcert,
    PolicyError,
    Error,
    "A role, EKU mode, policy option or warn-agent is not valid."
);
