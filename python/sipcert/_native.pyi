"""Type stubs of the native module (re-exported by ``sipcert``)."""

from datetime import datetime
from typing import Any, Dict, List, Literal, Optional, Sequence, Union

CertInput = Union[str, bytes]
"""A certificate: PEM text (``str`` or ``bytes``) or DER ``bytes``. PEM is recognised by its
``-----BEGIN`` line; DER only as one complete SEQUENCE (tag 0x30 and a DER length that spans
exactly the input); anything else raises :class:`CertificateError`."""

CertsInput = Union[CertInput, Sequence[CertInput]]

WARN_CODE: int
"""399: the warn-code of :meth:`Result.warning_header` (RFC 3261 §20.43)."""

class Error(ValueError):
    """Bad input to sipcert (never a rejected certificate: that is a :class:`Result`)."""

class CertificateError(Error):
    """A certificate argument is not a certificate: not PEM or DER, no CERTIFICATE block,
    truncated DER, trailing data, too large (over 1 MiB), or not usable as a trust anchor."""

class ReferenceError(Error):
    """The reference (``uri=`` or ``domain=``) is missing, empty, not UTF-8, over 8192 octets,
    or not a usable host."""

class UriError(ReferenceError):
    """The text is not an RFC 3261 SIP or SIPS URI."""

class PolicyError(Error):
    """A role, EKU mode, policy option or warn-agent is not valid."""

class Result:
    """The verdict on one certificate for one reference."""

    @property
    def accepted(self) -> bool:
        """Whether the certificate is acceptable for the reference."""
    @property
    def reasons(self) -> List[str]:
        """The reject codes (``no-matching-identity``, ``chain-expired``...), in the order
        found; empty when accepted."""
    @property
    def hints(self) -> List[str]:
        """Near misses explaining a name mismatch (``hint-host-within-domain``...)."""
    @property
    def relaxations(self) -> List[str]:
        """The relaxations an accept needed (empty for a plain RFC 5922 match)."""
    @property
    def identities(self) -> List[Dict[str, str]]:
        """The certificate's SIP identities: ``{"domain": ..., "source": ...}`` (or ``"ip"``)."""
    @property
    def chain(self) -> str:
        """``valid``, ``unchecked`` (no ``roots`` given: only names and EKU were examined),
        or the code of what made the chain unusable."""
    @property
    def reference(self) -> Optional[str]:
        """The reference the certificate was checked against."""
    @property
    def message(self) -> str:
        """A readable paragraph: what matched, or every reason, name and hint."""
    def to_json(self) -> str:
        """The ``sipcert check --json`` object as JSON text."""
    def warning_header(self, agent: str) -> Optional[str]:
        """The rejection as a SIP ``Warning`` header value (RFC 3261 §20.43):
        ``399 agent "sipcert: REASON...; HINT..."``; ``None`` when accepted. ``agent`` is the
        host[:port] of the server adding the header, or a pseudonym token; anything else
        raises :class:`PolicyError`."""

def check(
    cert: CertInput,
    *,
    uri: Optional[Union[str, bytes]] = None,
    domain: Optional[Union[str, bytes]] = None,
    role: Literal["server", "client"] = "server",
    roots: Optional[CertsInput] = None,
    chain: Optional[CertsInput] = None,
    crls: Optional[CertsInput] = None,
    at: Optional[Union[datetime, int, float]] = None,
    cn_fallback: bool = True,
    require_sip_uri: bool = False,
    allow_ip_literals: bool = False,
    secure_srv_target: Optional[str] = None,
    eku: Literal["compatible", "rfc5924"] = "compatible",
    danger_allow_wildcards: bool = False,
) -> Result:
    """Checks a certificate for a reference: ``uri=`` (the AUS, RFC 5922 §7.3) or ``domain=``.

    ``cert`` is the end entity; a PEM text may carry the intermediates after it, and
    ``chain`` adds more (intermediates matter only with ``roots``). Without ``roots`` only the names and the EKU are examined (the
    result's ``chain`` is ``"unchecked"``); with ``roots`` (trust anchors) the path is
    validated at ``at`` (default: now) as well, with revocation when ``crls`` (PEM ``X509 CRL``
    or DER) are given."""

def identities(
    cert: CertInput,
    *,
    cn_fallback: bool = True,
    require_sip_uri: bool = False,
    allow_ip_literals: bool = False,
    secure_srv_target: Optional[str] = None,
    eku: Literal["compatible", "rfc5924"] = "compatible",
    danger_allow_wildcards: bool = False,
) -> List[Dict[str, str]]:
    """The certificate's SIP domain identities (RFC 5922 §7.1), as in :attr:`Result.identities`.
    A malformed certificate raises :class:`CertificateError`."""

def parse_uri(text: Union[str, bytes]) -> Dict[str, Any]:
    """Parses an RFC 3261 SIP or SIPS URI: ``scheme``, ``user``, ``password``, ``host``,
    ``host_kind``, ``port``, ``params`` and ``headers`` (lists of ``[name, value]``) and
    ``reference_domain`` (the host a certificate must name, or ``None``). An invalid URI
    raises :class:`UriError` with the code and offset."""

class StirResult:
    """The verdict on one STIR/SHAKEN Identity header (:func:`stir_verify`)."""

    @property
    def verified(self) -> bool:
        """Whether every check passed (signature, STI-CA chain, numbers, TNAuthList, freshness)."""
    @property
    def code(self) -> Optional[str]:
        """The ``stir-…`` code of the failure; ``None`` when verified."""
    @property
    def verstat(self) -> str:
        """The ATIS-1000074 ``verstat``: ``TN-Validation-Passed``, ``TN-Validation-Failed`` or
        ``No-TN-Validation``."""
    @property
    def response_code(self) -> Optional[int]:
        """The RFC 8224 §6.2.2 response code (403, 428, 436, 437, 438); ``None`` when verified."""
    @property
    def reason_header(self) -> Optional[str]:
        """The RFC 9410 ``Reason`` header value (``STIR;cause=…;text="…"``); ``None`` when verified."""
    @property
    def message(self) -> str:
        """A readable sentence naming the rule that failed, or saying that all passed."""
    @property
    def claims(self) -> Optional[Dict[str, Any]]:
        """``orig``, ``dest``, ``attest``, ``origid``, ``iat``, ``x5u`` of the PASSporT (verified
        only when :attr:`verified`); ``None`` when the header did not parse."""

def stir_verify(
    identity: str,
    *,
    orig: str,
    dest: str,
    trust_list: CertsInput,
    chains: Dict[str, CertsInput],
    crls: Optional[Union[bytes, Sequence[bytes]]] = None,
    at: Optional[Union[datetime, float, int]] = None,
    freshness: int = 60,
    date: Optional[str] = None,
) -> StirResult:
    """Verifies an Identity header value (RFC 8224, 8225, 8226, 8588). ``orig``/``dest``: the
    request's calling and called numbers (a number, or a ``tel:``/``sip:`` URI naming one);
    ``trust_list``: the STI-CA certificates; ``chains``: the chain (leaf first) of each x5u
    URL; ``freshness``: how far ``iat`` may be from ``at`` (default now), in seconds;
    ``date``: the request's Date header value (IMF-fixdate), which must be within
    ``freshness`` of ``at``, with ``iat`` within ``freshness`` of it (``stir-date-stale``). A
    failed check is a :class:`StirResult`; bad input raises an :class:`Error` subclass."""

def stir_sign(
    *,
    key: str,
    x5u: str,
    orig: str,
    dest: str,
    attest: Literal["A", "B", "C"] = "A",
    origid: Optional[str] = None,
    iat: Optional[int] = None,
) -> str:
    """Signs a SHAKEN PASSporT (RFC 8225 §9 deterministic JSON, ES256) with the P-256 private
    key ``key`` (PKCS#8 PEM) and returns the Identity header value. ``origid`` defaults to a
    random UUID, ``iat`` to now."""
