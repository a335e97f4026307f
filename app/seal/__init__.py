"""The sealed district export: one file, encrypted to the district, signed by the school.

HPKE (RFC 9180, base mode) with DHKEM(X25519, HKDF-SHA256) by default or the X-Wing
ML-KEM-768+X25519 hybrid, HKDF-SHA256 and AES-256-GCM; Ed25519 signatures. This package
imports only the standard library and `cryptography`, so the district can audit it alone.
The byte layout and key files are specified in docs/SEALED_FORMAT.md.
"""

from app.seal.errors import SealError
from app.seal.keys import (
    DistrictPrivateKey,
    DistrictPublicKey,
    KeyPairFiles,
    dump_key,
    fingerprint,
    generate_district_keypair,
    generate_school_keypair,
    load_district_private_key,
    load_district_public_key,
    load_school_private_key,
    load_school_public_key,
    new_district_key,
    new_school_key,
    save_key,
    school_key_fingerprint,
)
from app.seal.manifest import Manifest, ManifestFile, SealMeta
from app.seal.package import open_sealed, peek_manifest, seal, verify
from app.seal.suites import KemName

__all__ = [
    "DistrictPrivateKey",
    "DistrictPublicKey",
    "KemName",
    "KeyPairFiles",
    "Manifest",
    "ManifestFile",
    "SealError",
    "SealMeta",
    "dump_key",
    "fingerprint",
    "generate_district_keypair",
    "generate_school_keypair",
    "load_district_private_key",
    "load_district_public_key",
    "load_school_private_key",
    "load_school_public_key",
    "new_district_key",
    "new_school_key",
    "open_sealed",
    "peek_manifest",
    "save_key",
    "school_key_fingerprint",
    "seal",
    "verify",
]
