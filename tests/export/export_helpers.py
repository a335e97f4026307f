"""Constants and deployments shared by the export tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from app.deployment import Deployment, ReportPolicy
from app.seal import REGISTER_FILE, DistrictPrivateKey, DistrictRegister, SchoolPublicKey
from app.services.district.school_keys import school_public_key
from app.store.handle import Store

CREATED = datetime(2027, 1, 10, 8, 0, tzinfo=UTC)
SCHOOL_CODE = "4131011234"


def deployment(district_key: DistrictPrivateKey, mode: str = "pseudonymous",
               code: str = SCHOOL_CODE, **policy: object) -> Deployment:
    return Deployment(school_code=code, school_name="青心实验中学",
                      district_key=district_key.public_key(),
                      policy=ReportPolicy(key_students=mode, **policy))  # type: ignore[arg-type]


def register_school(root: Path, store: Store, code: str) -> None:
    """Register `store`'s school key under `code` in the district register kept in `root`
    (beside the district key file, where the CLI looks for it)."""
    path = root / REGISTER_FILE
    register = DistrictRegister.load(path) if path.exists() else DistrictRegister.create(path)
    key = school_public_key(store)
    assert key is not None
    register.register_school(SchoolPublicKey(key, code))
    register.save()
