"""Bad input raises a sipcert.Error subclass naming what was wrong; nothing crashes the
interpreter, and a rejected certificate is never an exception."""

import subprocess
import sys

import pytest

import sipcert

from conftest import read

GOOD = read("rfc5922-sip-uri/chain.pem")
ROOT = read("rfc5922-sip-uri/root.pem")
KEY = read("rfc5922-sip-uri/leaf.key")

# (label, certificate argument, exception, message fragment)
BAD_CERTS = [
    ("empty bytes", b"", sipcert.CertificateError, "empty"),
    ("empty str", "", sipcert.CertificateError, "empty"),
    ("garbage", b"\x00\x01garbage\xff", sipcert.CertificateError, "neither DER"),
    ("text", "hello world", sipcert.CertificateError, "neither DER"),
    ("DER-like text", "0\x03\x02\x01\x00", sipcert.CertificateError, "neither DER"),
    ("private key PEM", KEY, sipcert.CertificateError, "no CERTIFICATE block"),
    (
        "wrong label",
        "-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n",
        sipcert.CertificateError,
        "found: X509 CRL",
    ),
    (
        "bad base64",
        "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
        sipcert.CertificateError,
        "bad PEM",
    ),
    (
        "no END line",
        "-----BEGIN CERTIFICATE-----\nMIIB\n",
        sipcert.CertificateError,
        "end marker",
    ),
    ("truncated DER, length cut", b"\x30\x82\x01", sipcert.CertificateError, "truncated DER"),
    ("truncated DER, content cut", b"\x30\x82\x01\x00" + b"\x00" * 10, sipcert.CertificateError,
     "truncated DER"),
    ("DER with trailing data", b"\x30\x00\x00", sipcert.CertificateError, "trailing data"),
    ("lone SEQUENCE tag", b"\x30", sipcert.CertificateError, "truncated DER"),
    ("indefinite length", b"\x30\x80\x00\x00", sipcert.CertificateError, "length octet 0x80"),
    ("huge", b"\x30" + b"\x00" * (2 << 20), sipcert.CertificateError, "limit"),
    ("huge PEM", "-" * (2 << 20), sipcert.CertificateError, "limit"),
    ("lone surrogate", "\udcff", sipcert.CertificateError, "UTF-8"),
]


@pytest.mark.parametrize("label,cert,exc,fragment", BAD_CERTS, ids=[b[0] for b in BAD_CERTS])
def test_bad_certificate_raises(label, cert, exc, fragment):
    with pytest.raises(exc, match=fragment):
        sipcert.check(cert, domain="atlanta.com")
    with pytest.raises(exc, match=fragment):
        sipcert.identities(cert)


def test_every_truncation_of_a_der_certificate_is_refused():
    # Every cut of a real DER certificate is refused (its SEQUENCE announces more octets than
    # are present): never a crash, never a verdict on half a certificate.
    import ssl

    text = GOOD.decode()
    end = "-----END CERTIFICATE-----"
    der = ssl.PEM_cert_to_DER_cert(text[: text.index(end) + len(end)])
    assert sipcert.check(der, domain="atlanta.com").accepted
    for cut in range(1, len(der), 7):
        with pytest.raises(sipcert.CertificateError, match="truncated DER"):
            sipcert.check(der[:cut], domain="atlanta.com")


def test_wrong_types_raise_type_error():
    for cert in [None, 42, ["x"], bytearray(b"x")]:
        with pytest.raises(TypeError):
            sipcert.check(cert, domain="atlanta.com")


def test_bad_roots_and_chain():
    with pytest.raises(sipcert.CertificateError, match=r"roots\[1\]"):
        sipcert.check(GOOD, domain="atlanta.com", roots=[ROOT, b"junk"])
    with pytest.raises(sipcert.CertificateError, match="chain"):
        sipcert.check(GOOD, domain="atlanta.com", chain=KEY)
    with pytest.raises(sipcert.CertificateError, match="more than"):
        sipcert.check(GOOD, domain="atlanta.com", roots=[ROOT] * 100)
    with pytest.raises(sipcert.CertificateError, match="X509 CRL"):
        sipcert.check(GOOD, domain="atlanta.com", roots=ROOT, crls=[ROOT])
    with pytest.raises(sipcert.Error, match="crls= needs roots="):
        sipcert.check(GOOD, domain="atlanta.com", crls=[ROOT])


# (label, keyword arguments, exception, message fragment)
BAD_REFERENCES = [
    ("no reference", {}, sipcert.ReferenceError, "required"),
    ("both", {"uri": "sip:a.com", "domain": "a.com"}, sipcert.ReferenceError, "not both"),
    ("empty uri", {"uri": ""}, sipcert.ReferenceError, "empty"),
    ("empty domain", {"domain": ""}, sipcert.ReferenceError, "empty"),
    ("empty bytes", {"domain": b""}, sipcert.ReferenceError, "empty"),
    ("non-UTF-8 bytes", {"uri": b"sip:\xffatlanta.com"}, sipcert.ReferenceError, "not UTF-8"),
    ("lone surrogate", {"domain": "atlanta\udcff.com"}, sipcert.ReferenceError, "UTF-8"),
    ("not a SIP URI", {"uri": "http://atlanta.com"}, sipcert.UriError, "not an RFC 3261"),
    ("NUL in URI", {"uri": "sip:atlanta.com\x00"}, sipcert.UriError, "not an RFC 3261"),
    ("huge uri", {"uri": "sip:" + "a" * 100000 + ".com"}, sipcert.ReferenceError, "limit"),
    ("bad domain", {"domain": "a..b"}, sipcert.ReferenceError, "domain"),
    ("long label", {"uri": "sip:" + "a" * 64 + ".com"}, sipcert.ReferenceError, "reference-invalid"),
]


@pytest.mark.parametrize("label,kwargs,exc,fragment", BAD_REFERENCES,
                         ids=[b[0] for b in BAD_REFERENCES])
def test_bad_reference_raises(label, kwargs, exc, fragment):
    with pytest.raises(exc, match=fragment):
        sipcert.check(GOOD, **kwargs)


def test_bad_policy_raises():
    with pytest.raises(sipcert.PolicyError, match="role"):
        sipcert.check(GOOD, domain="atlanta.com", role="peer")
    with pytest.raises(sipcert.PolicyError, match="eku"):
        sipcert.check(GOOD, domain="atlanta.com", eku="loose")
    with pytest.raises(sipcert.PolicyError, match="secure_srv_target"):
        sipcert.check(GOOD, domain="atlanta.com", secure_srv_target="a..b")
    with pytest.raises(TypeError):
        sipcert.check(GOOD, domain="atlanta.com", cn_fallback="no")
    with pytest.raises(TypeError):
        sipcert.check(GOOD, domain="atlanta.com", no_such_option=True)


def test_bad_uri_for_parse_uri():
    for bad in ["", "sip:", "sip:a b", b"\xff", "x" * 100000]:
        with pytest.raises(sipcert.UriError):
            sipcert.parse_uri(bad)


def test_a_fuzzed_input_never_kills_the_interpreter():
    # In a child process: a crash (abort, segfault) shows up as a signal exit code.
    code = r"""
import random, ssl, sipcert
rng = random.Random(5922)
text = open(%r).read()
end = "-----END CERTIFICATE-----"
seed = ssl.PEM_cert_to_DER_cert(text[: text.index(end) + len(end)])
for i in range(3000):
    data = bytearray(seed)
    for _ in range(rng.randint(1, 8)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    if rng.random() < 0.3:
        data = data[: rng.randrange(len(data))]
    try:
        r = sipcert.check(bytes(data), uri="sips:atlanta.com")
        r.to_json(); r.message; r.identities; r.warning_header("p.example")
    except sipcert.Error:
        pass
print("ok")
""" % str(__import__("conftest").FIXTURES / "rfc5922-sip-uri" / "chain.pem")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]


def _der_of(pem):
    import ssl

    text = pem.decode()
    end = "-----END CERTIFICATE-----"
    return ssl.PEM_cert_to_DER_cert(text[: text.index(end) + len(end)])


# PEM is recognised by its -----BEGIN line, DER only as one complete SEQUENCE: text that
# happens to start with "0" (0x30, the SEQUENCE tag) before the PEM is not DER.
# (label, certificate argument, accepted for atlanta.com, or the error's message fragment)
ENCODINGS = [
    ("PEM", GOOD, True),
    ("DER", _der_of(GOOD), True),
    ("'0 certs follow', then PEM", b"0 certs follow\n" + GOOD, True),
    ("'0 certs follow', then PEM, as str", "0 certs follow\n" + GOOD.decode(), True),
    ("'0 certs follow' only", b"0 certs follow\n", "neither DER"),
    ("DER, then a newline", _der_of(GOOD) + b"\n", "trailing data"),
    ("two DER certificates", _der_of(GOOD) * 2, "trailing data"),
    ("non-minimal DER length", b"\x30\x81\x03\x02\x01\x00", "non-minimal"),
]


@pytest.mark.parametrize("label,cert,outcome", ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_pem_or_der_by_the_library_rule(label, cert, outcome):
    if outcome is True:
        assert sipcert.check(cert, domain="atlanta.com").accepted, label
        assert sipcert.identities(cert), label
    else:
        with pytest.raises(sipcert.CertificateError, match=outcome):
            sipcert.check(cert, domain="atlanta.com")
        with pytest.raises(sipcert.CertificateError, match=outcome):
            sipcert.identities(cert)
