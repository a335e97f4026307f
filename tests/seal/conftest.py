"""Keys and inputs shared by the sealed-export tests. Argon2id runs light here (its cost is
stored per key file, so this changes nothing but speed)."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.seal import DistrictPrivateKey, SealMeta, keyfile, new_district_key, new_school_key
from tests.seal.seal_helpers import CREATED, KEMS, PERIOD, SCHOOL_CODE


@pytest.fixture(autouse=True)
def _light_key_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyfile, "DEFAULT_KDF",
                        keyfile.KdfParams(memory_kib=8 * 1024, iterations=1, lanes=1))


@pytest.fixture(scope="session", params=KEMS)
def district_key(request: pytest.FixtureRequest) -> DistrictPrivateKey:
    return new_district_key(request.param)


@pytest.fixture(scope="session")
def school_key() -> Ed25519PrivateKey:
    return new_school_key()


@pytest.fixture
def meta() -> SealMeta:
    return SealMeta(school_code=SCHOOL_CODE, school_name="青心实验中学", period=PERIOD,
                    sequence=7, created=CREATED)


@pytest.fixture
def files() -> dict[str, bytes]:
    return {
        "summary.xlsx": bytes(range(256)) * 8,
        "summary.pdf": b"%PDF-1.4\n" + "心理健康测评汇总".encode() * 40,
        "key_students.csv": "学号,姓名,预警等级\n20260101,张三,2\n".encode(),
        "empty.txt": b"",
    }
