from ._native import (
    WARN_CODE as WARN_CODE,
    CertificateError as CertificateError,
    Error as Error,
    PolicyError as PolicyError,
    ReferenceError as ReferenceError,
    Result as Result,
    StirResult as StirResult,
    UriError as UriError,
    check as check,
    identities as identities,
    parse_uri as parse_uri,
    stir_sign as stir_sign,
    stir_verify as stir_verify,
)

__all__: list[str]
