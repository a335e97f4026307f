"""The sealed district export: one file, encrypted to the district, signed by the school.

HPKE (RFC 9180, base mode) with DHKEM(X25519, HKDF-SHA256) by default or the X-Wing
ML-KEM-768+X25519 hybrid, HKDF-SHA256 and AES-256-GCM; Ed25519 signatures under one
strict rule set. This package imports only the standard library and `cryptography`, so
the district can audit it alone. The byte layout, key files and the district's register
are specified in docs/SEALED_FORMAT.md.
"""

from app.seal.errors import SealError
from app.seal.keys import (
    DistrictPrivateKey,
    DistrictPublicKey,
    KeyPairFiles,
    SchoolPublicKey,
    dump_key,
    fingerprint,
    generate_district_keypair,
    generate_school_keypair,
    load_district_private_key,
    load_district_public_key,
    load_school_key_file,
    load_school_private_key,
    load_school_public_key,
    new_district_key,
    new_school_key,
    save_key,
    school_key_fingerprint,
)
from app.seal.manifest import AuditHead, Contents, Manifest, ManifestFile, SealMeta
from app.seal.package import Opened, open_sealed, peek_manifest, seal, verify
from app.seal.register import REGISTER_FILE, DistrictRegister
from app.seal.suites import KemName

__all__ = [
    "REGISTER_FILE",
    "AuditHead",
    "Contents",
    "DistrictPrivateKey",
    "DistrictPublicKey",
    "DistrictRegister",
    "KemName",
    "KeyPairFiles",
    "Manifest",
    "ManifestFile",
    "Opened",
    "SchoolPublicKey",
    "SealError",
    "SealMeta",
    "dump_key",
    "fingerprint",
    "generate_district_keypair",
    "generate_school_keypair",
    "load_district_private_key",
    "load_district_public_key",
    "load_school_key_file",
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
