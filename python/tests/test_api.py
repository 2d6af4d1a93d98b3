"""The API around the verdict: chain checked or not, identities, parse_uri, the Warning header."""

import json

import pytest

import sipcert


def ders(pem):
    """The certificates of a PEM text, as DER (the standard library's converter)."""
    import ssl

    end = "-----END CERTIFICATE-----"
    blocks = pem.decode().split(end)[:-1]
    return [ssl.PEM_cert_to_DER_cert(b.strip() + "\n" + end + "\n") for b in blocks]


def test_without_roots_the_chain_is_unchecked(sip_uri_cert):
    chain, _ = sip_uri_cert
    r = sipcert.check(chain, uri="sips:alice@atlanta.com")
    assert r.accepted
    assert r.chain == "unchecked"
    assert "NOT checked" in r.message
    assert r.reference == "atlanta.com"


def test_with_roots_the_chain_is_validated(sip_uri_cert):
    chain, root = sip_uri_cert
    r = sipcert.check(chain, uri="sips:alice@atlanta.com", roots=root)
    assert r.accepted and r.chain == "valid", r.message
    # str and bytes PEM, DER, lists: the same verdict.
    r2 = sipcert.check(chain.decode(), domain="atlanta.com", roots=[root.decode()])
    assert r2.accepted and r2.chain == "valid", r2.message
    leaf, *intermediates = ders(chain)
    assert intermediates, "the fixture chain has an intermediate"
    r3 = sipcert.check(leaf, chain=intermediates, domain="ATLANTA.com", roots=tuple(ders(root)))
    assert r3.accepted, r3.message
    # Without the intermediate there is no path.
    r4 = sipcert.check(leaf, domain="atlanta.com", roots=ders(root))
    assert r4.reasons == ["chain-unknown-issuer"], r4.message


def test_an_unrelated_root_is_a_rejection_not_an_exception(sip_uri_cert, host_style):
    chain, _ = sip_uri_cert
    _, other_root = host_style
    r = sipcert.check(chain, uri="sips:alice@atlanta.com", roots=other_root)
    assert not r.accepted
    assert r.reasons == ["chain-unknown-issuer"], r.message
    assert r.chain == "chain-unknown-issuer"


def test_garbage_der_inside_a_sequence_is_a_rejection():
    # Well framed, but not a certificate: the library's cert-malformed.
    r = sipcert.check(b"\x30\x03\x02\x01\x00", domain="example.com")
    assert not r.accepted
    assert r.reasons == ["cert-malformed"], r.message


def test_identities(host_style):
    chain, _ = host_style
    assert sipcert.identities(chain) == [{"domain": "sip.atlanta.com", "source": "san-dns"}]
    with pytest.raises(sipcert.CertificateError, match="cert-malformed"):
        sipcert.identities(b"\x30\x03\x02\x01\x00")


def test_warning_header(host_style):
    chain, root = host_style
    r = sipcert.check(chain, uri="sips:alice@atlanta.com", roots=root)
    assert (
        r.warning_header("proxy.example.com:5061")
        == '399 proxy.example.com:5061 "sipcert: no-matching-identity; hint-host-within-domain"'
    )
    assert sipcert.WARN_CODE == 399
    for bad in ["", "two words", "proxy\r\nX-Evil: 1", "host:99999", "[::1"]:
        with pytest.raises(sipcert.PolicyError, match="warn-agent"):
            r.warning_header(bad)


def test_to_json_is_the_command_line_object(host_style):
    chain, root = host_style
    obj = json.loads(sipcert.check(chain, uri="sips:atlanta.com", roots=root).to_json())
    assert set(obj) == {
        "verdict", "reference", "chain", "matched", "identities", "ignored",
        "reasons", "hints", "relaxations",
    }
    assert obj["matched"] is None
    assert obj["reasons"][0]["code"] == "no-matching-identity"
    assert "RFC 5922" in obj["reasons"][0]["message"]


def test_parse_uri():
    u = sipcert.parse_uri("sips:alice@Atlanta.COM:5061;transport=tls?subject=x")
    assert u["scheme"] == "sips"
    assert u["user"] == "alice"
    assert u["host"] == "Atlanta.COM"
    assert u["port"] == 5061
    assert u["params"] == [["transport", "tls"]]
    assert u["headers"] == [["subject", "x"]]
    assert u["reference_domain"] == "atlanta.com"
    assert sipcert.parse_uri(b"sip:[2001:db8::1]")["reference_domain"] is None


def test_ip_reference_is_a_rejection_unless_allowed(host_style):
    chain, _ = host_style
    r = sipcert.check(chain, uri="sip:192.0.2.1")
    assert r.reasons[0] == "reference-is-ip-literal", r.message


def test_at_must_be_a_time(sip_uri_cert):
    chain, root = sip_uri_cert
    for bad in [-1, float("nan"), float("inf"), 1e300]:
        with pytest.raises(sipcert.Error, match="at:"):
            sipcert.check(chain, domain="atlanta.com", roots=root, at=bad)
    with pytest.raises(TypeError):
        sipcert.check(chain, domain="atlanta.com", roots=root, at="2026-01-01")
    # 1990: before the certificate's validity.
    r = sipcert.check(chain, domain="atlanta.com", roots=root, at=631152000)
    assert r.reasons == ["chain-not-yet-valid"], r.message


def test_the_package_is_typed():
    from importlib import resources

    files = resources.files("sipcert")
    assert files.joinpath("py.typed").is_file()
    assert files.joinpath("_native.pyi").is_file()
    assert sipcert.Result.__module__ == "sipcert"
    assert issubclass(sipcert.UriError, sipcert.ReferenceError)
    assert issubclass(sipcert.Error, ValueError)
