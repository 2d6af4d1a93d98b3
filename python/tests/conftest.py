"""Shared helpers: the repository's fixture corpus (fixtures/manifest.json)."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"


def manifest_cases():
    with open(FIXTURES / "manifest.json", encoding="utf-8") as f:
        return json.load(f)["cases"]


def read(rel):
    return (FIXTURES / rel).read_bytes()


@pytest.fixture
def host_style():
    """The RFC 3261 host-style server certificate (DNS:sip.atlanta.com) and its root."""
    return read("rfc3261-host-style/chain.pem"), read("rfc3261-host-style/root.pem")


@pytest.fixture
def sip_uri_cert():
    """The RFC 5922 control case (URI:sip:atlanta.com) and its root."""
    return read("rfc5922-sip-uri/chain.pem"), read("rfc5922-sip-uri/root.pem")
