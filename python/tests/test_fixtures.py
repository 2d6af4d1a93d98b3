"""Every row of fixtures/manifest.json: the Python package must reach the verdict, reasons,
hints and relaxations the Rust library recorded there (tests/fixtures.rs checks the same rows
in Rust)."""

import json
from datetime import datetime

import pytest

import sipcert

from conftest import manifest_cases, read

CASES = manifest_cases()


def policy_kwargs(flags, case_id):
    kwargs = {}
    it = iter(flags)
    for flag in it:
        if flag == "--no-cn-fallback":
            kwargs["cn_fallback"] = False
        elif flag == "--require-sip-uri":
            kwargs["require_sip_uri"] = True
        elif flag == "--allow-ip-literals":
            kwargs["allow_ip_literals"] = True
        elif flag == "--danger-allow-wildcards":
            kwargs["danger_allow_wildcards"] = True
        elif flag == "--secure-srv-target":
            kwargs["secure_srv_target"] = next(it)
        elif flag == "--eku":
            kwargs["eku"] = next(it)
        else:
            raise AssertionError(f"{case_id}: policy flag {flag!r} is not known to this test")
    return kwargs


def run(case):
    files = case["files"]
    kwargs = policy_kwargs(case["policy"], case["id"])
    if case["aus"] is not None:
        kwargs["uri"] = case["aus"]
    else:
        kwargs["domain"] = case["domain"]
    if files.get("root"):
        kwargs["roots"] = read(files["root"])
        if files["crls"]:
            kwargs["crls"] = [read(c) for c in files["crls"]]
    if case["at"] is not None:
        kwargs["at"] = datetime.fromisoformat(case["at"].replace("Z", "+00:00"))
    return sipcert.check(read(files["chain"]), role=case["role"], **kwargs)


def test_the_manifest_has_rows():
    assert len(CASES) > 30, "the fixture corpus shrank"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_row_matches_the_rust_verdict(case):
    result = run(case)
    got = (
        "accept" if result.accepted else "reject",
        result.reasons,
        result.hints,
        result.relaxations,
    )
    want = (case["expected"], case["reasons"], case["hints"], case["relaxations"])
    assert got == want, f"{case['id']} ({case['files']['chain']}): {result.message}"

    # The JSON object is the command line's, and says the same.
    obj = json.loads(result.to_json())
    assert obj["verdict"] == case["expected"], case["id"]
    assert [r["code"] for r in obj["reasons"]] == case["reasons"], case["id"]
    assert obj["hints"] == case["hints"], case["id"]
    assert obj["relaxations"] == case["relaxations"], case["id"]
    assert obj["chain"] == result.chain, case["id"]
    assert obj["identities"] == result.identities, case["id"]

    expect_chain = "valid" if case["files"].get("root") else "unchecked"
    if result.accepted:
        assert result.chain == expect_chain, case["id"]
        assert result.warning_header("proxy.example.com") is None, case["id"]
    else:
        header = result.warning_header("proxy.example.com")
        assert header.startswith('399 proxy.example.com "sipcert: '), (case["id"], header)
        for code in case["reasons"] + case["hints"]:
            assert code in header, (case["id"], code, header)
