"""The manifest and contents list are read as strictly as they are written: canonical
bytes only, exact keys, real times, terms, names — and nothing that guesses at counts
can be read from the clear part of a file."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import pytest

from app.seal import seal, verify
from app.seal.errors import MalformedError
from app.seal.layout import HEADER_LEN, parse_layout
from app.seal.manifest import (
    AuditHead,
    Contents,
    ManifestFile,
    canonical_json,
    decode_contents,
    decode_manifest,
    encode_contents,
    encode_manifest,
)
from tests.seal.seal_helpers import PERIOD


@pytest.fixture
def manifest_bytes(district_key, school_key, meta, files) -> bytes:
    data = seal(files, meta, district_key.public_key(), school_key)
    return data[HEADER_LEN:parse_layout(data).enc_start]


def _contents(**change: object) -> bytes:
    c = Contents("青心实验中学", "2027-01-15T08:30:00Z", "0.1.0",
                 (ManifestFile("a.pdf", 1, "0" * 64),))
    obj = json.loads(encode_contents(c))
    obj.update(change)
    return canonical_json(obj)


def test_canonical_bytes_round_trip(manifest_bytes):
    assert encode_manifest(decode_manifest(manifest_bytes)) == manifest_bytes
    assert decode_contents(_contents()).school_name == "青心实验中学"


@pytest.mark.parametrize("edit", [
    lambda b: b[:-1] + b',"extra":1}',  # an unknown key
    lambda b: b[:-1] + b',"period":"2026-2027-1"}',  # a duplicate key
    lambda b: b.replace(b'"format_version":2', b'"format_version": 2'),  # whitespace
    lambda b: b.replace(b'"sequence":7', b'"sequence":07'),
    lambda b: b.replace(b'"sequence":7', b'"sequence":7.0'),
    lambda b: b.replace(b'"sequence":7', b'"sequence":0'),
    lambda b: b.replace(b'"sequence":7', b'"sequence":2147483648'),
    lambda b: b.replace(b'"period":"2026-2027-1"', b'"period":"2026-2028-1"'),
    lambda b: b.replace(b'"school_code":"4131011234"', b'"school_code":"41\\u0033"'),
    lambda b: json.dumps(dict(reversed(json.loads(b).items())), ensure_ascii=False,
                         separators=(",", ":")).encode(),  # keys out of order
])
def test_non_canonical_or_unknown_manifests_are_refused(manifest_bytes, edit):
    changed = edit(manifest_bytes)
    assert changed != manifest_bytes
    with pytest.raises(MalformedError):
        decode_manifest(changed)


@pytest.mark.parametrize("change", [
    {"created": "2026-13-45T99:99:99Z"}, {"created": "2027-02-29T08:00:00Z"},
    {"created": "2027-01-15T08:30:60Z"}, {"created": "2027-01-15 08:30:00Z"},
    {"files": [{"name": "COM\u00b9.txt", "sha256": "0" * 64, "size": 1}]},
    {"files": [{"name": "run.exe", "sha256": "0" * 64, "size": 1}]},
    {"files": [{"name": "a\u202efdp.txt", "sha256": "0" * 64, "size": 1}]},
    {"files": [{"name": "qxseal-manifest.json", "sha256": "0" * 64, "size": 1}]},
    {"files": [{"name": "a.pdf", "sha256": "0" * 64, "size": 1 << 31}]},
    {"files": [{"name": "a.pdf", "sha256": "0" * 64, "size": 1, "mode": 1}]},
    {"files": []}, {"school_name": "青心\u2066中学"}, {"app_version": "0 1"}, {"more": 1},
])
def test_bad_contents_are_refused(change):
    with pytest.raises(MalformedError):
        decode_contents(_contents(**change))


def test_the_audit_anchor_is_optional_and_read_strictly():
    head = AuditHead(41, "ab" * 32)
    anchored = _contents(audit_anchor={"last_id": 41, "last_hash": "ab" * 32})
    assert decode_contents(anchored).audit_anchor == head
    assert encode_contents(decode_contents(anchored)) == anchored
    assert decode_contents(_contents()).audit_anchor is None
    for bad in ({"last_id": 0, "last_hash": "ab" * 32}, {"last_id": True, "last_hash": "ab" * 32},
                {"last_id": 2**63, "last_hash": "ab" * 32}, {"last_id": 4, "last_hash": "AB" * 32},
                {"last_id": 4, "last_hash": "ab" * 31}, {"last_id": 4},
                {"last_id": 4, "last_hash": "ab" * 32, "count": 4}, [4, "ab" * 32], "4:ab"):
        with pytest.raises(MalformedError):
            decode_contents(_contents(audit_anchor=bad))


def test_canonical_json_escapes_exactly_as_specified():
    assert canonical_json({"b": 'a"\\/\n\x01\x7f中', "a": [1, 2]}) == \
        '{"a":[1,2],"b":"a\\"\\\\/\\n\\u0001\x7f中"}'.encode()


def test_counts_cannot_be_guessed_from_the_clear_part(district_key, school_key, meta):
    """Issue 16's attack: the clear manifest listed SHA-256 and size of 统计数据.json, so
    hashing guessed counts recovered them. Now two files whose statistics differ in a
    count show the same clear bytes and the same length; no file hash appears anywhere."""
    def stats(crisis: int) -> dict[str, bytes]:
        doc = {"format": "qingxin-district-data", "tables": {"levels": {
            "columns": ["crisis", "key", "general"], "rows": [[crisis, 12, 40]]}}}
        return {"4131011234_2026-2027-1_统计数据.json": canonical_json(doc),
                "4131011234_2026-2027-1_统计表.xlsx": bytes(range(256)) * 40}

    public = district_key.public_key()
    sealed = {n: seal(stats(n), meta, public, school_key) for n in (3, 7, 12)}
    clear = {n: d[:parse_layout(d).enc_start] for n, d in sealed.items()}
    assert len(set(clear.values())) == 1  # header and manifest: byte-identical
    assert len({len(d) for d in sealed.values()}) == 1  # and the same length
    manifest = verify(sealed[3], school_key.public_key(), expected_period=PERIOD)
    assert manifest.legacy_contents is None
    for n, data in sealed.items():
        for name, content in stats(n).items():
            digest = hashlib.sha256(content)
            assert digest.digest() not in data and digest.hexdigest().encode() not in data
            assert name.encode() not in data
    header_fields = set(json.loads(clear[3][HEADER_LEN:]))
    assert header_fields == {"district_key_fingerprint", "format", "format_version", "period",
                             "school_code", "school_key_fingerprint", "sequence", "suite"}
    # What does change the clear part: the sequence (and only it) among same-input files.
    later = seal(stats(3), dataclasses.replace(meta, sequence=8), public, school_key)
    assert later[:parse_layout(later).enc_start] != clear[3]
