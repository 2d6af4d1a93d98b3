"""sipcert: RFC 5922 SIP domain certificate validation, from Python.

A thin layer over the sipcert Rust library: every decision is the library's.

    >>> import sipcert
    >>> r = sipcert.check(pem, uri="sips:alice@atlanta.com", roots=root_pem)
    >>> r.accepted, r.reasons, r.hints
    (False, ['no-matching-identity'], ['hint-host-within-domain'])

Bad input (not a certificate, an empty or non-UTF-8 reference, an unknown role...) raises a
:class:`sipcert.Error` subclass; a rejected certificate is a :class:`sipcert.Result`, never an
exception.
"""

from ._native import (
    WARN_CODE,
    CertificateError,
    Error,
    PolicyError,
    ReferenceError,
    Result,
    StirResult,
    UriError,
    check,
    identities,
    parse_uri,
    stir_sign,
    stir_verify,
)

__all__ = [
    "WARN_CODE",
    "CertificateError",
    "Error",
    "PolicyError",
    "ReferenceError",
    "Result",
    "StirResult",
    "UriError",
    "check",
    "identities",
    "parse_uri",
    "stir_sign",
    "stir_verify",
]
