from ._native import (
    WARN_CODE as WARN_CODE,
    CertificateError as CertificateError,
    Error as Error,
    PolicyError as PolicyError,
    ReferenceError as ReferenceError,
    Result as Result,
    UriError as UriError,
    check as check,
    identities as identities,
    parse_uri as parse_uri,
)

__all__: list[str]
