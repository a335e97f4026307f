"""Constants and deployments shared by the export tests."""

from __future__ import annotations

from datetime import UTC, datetime

from app.deployment import Deployment, ReportPolicy
from app.seal import DistrictPrivateKey

CREATED = datetime(2027, 1, 10, 8, 0, tzinfo=UTC)
SCHOOL_CODE = "4131011234"


def deployment(district_key: DistrictPrivateKey, mode: str = "pseudonymous",
               code: str = SCHOOL_CODE, **policy: object) -> Deployment:
    return Deployment(school_code=code, school_name="青心实验中学",
                      district_key=district_key.public_key(),
                      policy=ReportPolicy(key_students=mode, **policy))  # type: ignore[arg-type]
