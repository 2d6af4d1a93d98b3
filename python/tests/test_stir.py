"""sipcert.stir_verify / stir_sign: a test STI PKI made with the openssl command (an STI-CA
and a P-256 leaf whose TNAuthList names one number), signing and verifying through the
package, and one row per outcome the network sees (code, response code, Reason, verstat)."""

import shutil
import subprocess
import time

import pytest

import sipcert

X5U = "https://cert.example.org/sp.pem"
ORIG = "12155551212"
DEST = "12155551213"


def tn_auth_list_der(number):
    """TNAuthorizationList ::= SEQUENCE { one [2] EXPLICIT IA5String } (RFC 8226 §9)."""
    ia5 = bytes([0x16, len(number)]) + number.encode()
    entry = bytes([0xA2, len(ia5)]) + ia5
    return bytes([0x30, len(entry)]) + entry


@pytest.fixture(scope="module")
def sti(tmp_path_factory):
    """(STI-CA PEM, leaf PEM, leaf key PEM) made by openssl; the leaf's TNAuthList has ORIG."""
    if shutil.which("openssl") is None:
        pytest.fail("the openssl command is needed to make the test STI PKI")
    d = tmp_path_factory.mktemp("sti")

    def run(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=d)

    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-subj", "/CN=Test STI-CA", "-keyout", "ca.key", "-out", "ca.pem", "-days", "3650",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "sp.key")
    run("req", "-new", "-key", "sp.key", "-subj", "/CN=Test STI-SP", "-out", "sp.csr")
    (d / "ext.cnf").write_text(
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature\n"
        f"1.3.6.1.5.5.7.1.26=DER:{tn_auth_list_der(ORIG).hex()}\n"
    )
    run("x509", "-req", "-in", "sp.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-set_serial", "7", "-days", "365", "-extfile", "ext.cnf", "-out", "sp.pem")
    return ((d / "ca.pem").read_text(), (d / "sp.pem").read_text(), (d / "sp.key").read_text())


def verify(sti, identity, orig=ORIG, chains=None, **kw):
    ca, leaf, _ = sti
    return sipcert.stir_verify(identity, orig=orig, dest=DEST, trust_list=ca,
                               chains={X5U: leaf} if chains is None else chains, **kw)


def test_signed_identity_verifies(sti):
    identity = sipcert.stir_sign(key=sti[2], x5u=X5U, orig=ORIG, dest=DEST, attest="B",
                                 origid="123e4567-e89b-12d3-a456-426655440000")
    assert identity.endswith(f";info=<{X5U}>;alg=ES256;ppt=shaken"), identity
    r = verify(sti, identity)
    assert r.verified, r.message
    assert (r.code, r.response_code, r.reason_header) == (None, None, None)
    assert r.verstat == "TN-Validation-Passed"
    assert r.claims["orig"] == {"tn": ORIG}
    assert r.claims["dest"] == {"tn": [DEST]}
    assert r.claims["attest"] == "B"
    assert r.claims["x5u"] == X5U
    assert r.claims["origid"] == "123e4567-e89b-12d3-a456-426655440000"


def test_default_origid_is_a_uuid(sti):
    identity = sipcert.stir_sign(key=sti[2], x5u=X5U, orig=ORIG, dest=DEST)
    r = verify(sti, identity)
    assert r.verified, r.message
    assert len(r.claims["origid"]) == 36, r.claims


@pytest.mark.parametrize(
    "what, kwargs, code, response, verstat",
    [
        ("From is another number", {"orig": "tel:+12155550000"}, "stir-orig-mismatch", 438,
         "TN-Validation-Failed"),
        ("no chain for the x5u", {"chains": {}}, "stir-cert-unavailable", 436,
         "No-TN-Validation"),
        ("verified two minutes later", {"at": time.time() + 120}, "stir-stale", 403,
         "TN-Validation-Failed"),
        ("not an Identity header", {"identity": "not.an;identity"}, "stir-header-malformed",
         438, "TN-Validation-Failed"),
    ],
)
def test_failures_map_to_the_network(sti, what, kwargs, code, response, verstat):
    identity = kwargs.pop("identity", None) or sipcert.stir_sign(
        key=sti[2], x5u=X5U, orig=ORIG, dest=DEST)
    r = verify(sti, identity, **kwargs)
    assert not r.verified, what
    assert (r.code, r.response_code, r.verstat) == (code, response, verstat), (what, r.message)
    assert r.reason_header.startswith(f"STIR;cause={response};text="), (what, r.reason_header)
    assert code in repr(r)


def test_a_certificate_of_another_ca_is_refused(sti):
    identity = sipcert.stir_sign(key=sti[2], x5u=X5U, orig=ORIG, dest=DEST)
    ca, leaf, _ = sti
    r = sipcert.stir_verify(identity, orig=ORIG, dest=DEST, trust_list=leaf, chains={X5U: leaf})
    assert r.code == "stir-chain-invalid", r.message
    assert r.response_code == 437


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda s: verify(s, "x.y.z;info=<a>", orig="alice"), sipcert.ReferenceError),
        (lambda s: sipcert.stir_sign(key=s[2], x5u=X5U, orig=ORIG, dest=DEST, attest="D"),
         sipcert.PolicyError),
        (lambda s: sipcert.stir_sign(key="not a key", x5u=X5U, orig=ORIG, dest=DEST),
         sipcert.CertificateError),
        (lambda s: sipcert.stir_sign(key=s[2], x5u=X5U, orig="12a", dest=DEST),
         sipcert.ReferenceError),
        (lambda s: sipcert.stir_verify("x", orig=ORIG, dest=DEST, trust_list="junk",
                                       chains={}), sipcert.CertificateError),
        (lambda s: sipcert.stir_verify("x", orig=ORIG, dest=DEST, trust_list=s[0],
                                       chains={1: s[1]}), sipcert.Error),
    ],
)
def test_bad_input_raises(sti, call, error):
    with pytest.raises(error):
        call(sti)
