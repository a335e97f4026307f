"""One strict rule set for Ed25519 school keys and signatures (docs/SEALED_FORMAT.md §4).

RFC 8032 leaves room: OpenSSL, which `cryptography` uses, accepts the identity point as a
public key, and with R = identity and S = 0 such a "key" verifies any message — a school
key anybody can sign for. So before OpenSSL's cofactorless check runs we refuse:

- a public key A that is not canonically encoded (y ≥ p, or x = 0 with the sign bit set),
  is not on the curve, has small order ([8]A = identity) or lies outside the prime-order
  subgroup ([L]A ≠ identity: a key with a torsion part verifies differently under
  cofactored and cofactorless verifiers);
- a signature whose S is not below L, or whose R is not a canonical point or has small
  order.

OpenSSL then checks encode([S]B − [k]A) = R byte for byte, so what is accepted is exactly
libsodium's crypto_sign_verify_detached plus the subgroup check on A. Keys made by
Ed25519 key generation always pass: A = [a]B lies in the prime-order subgroup.

Plain Python integers over the extended twisted-Edwards coordinates: a check costs a few
milliseconds, once per key and per signature, and needs no second crypto library.
"""

from __future__ import annotations

from functools import lru_cache

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, P - 2, P) % P
_SQRT_M1 = pow(2, (P - 1) // 4, P)

_Point = tuple[int, int, int, int]
_IDENTITY: _Point = (0, 1, 1, 0)


def _decode(raw: bytes) -> _Point | None:
    """RFC 8032 §5.1.3 decoding, strict: None for a non-canonical or off-curve encoding."""
    if len(raw) != 32:
        return None
    n = int.from_bytes(raw, "little")
    sign, y = n >> 255, n & ((1 << 255) - 1)
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, P - 2, P) % P
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * _SQRT_M1 % P
    if (x * x - x2) % P:
        return None
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = P - x
    return (x, y, 1, x * y % P)


def _add(p: _Point, q: _Point) -> _Point:
    x1, y1, z1, t1 = p
    x2, y2, z2, t2 = q
    a = (y1 - x1) * (y2 - x2) % P
    b = (y1 + x1) * (y2 + x2) % P
    c = 2 * t1 * t2 * _D % P
    d = 2 * z1 * z2 % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _mul(k: int, p: _Point) -> _Point:
    result = _IDENTITY
    while k:
        if k & 1:
            result = _add(result, p)
        p = _add(p, p)
        k >>= 1
    return result


def _is_identity(p: _Point) -> bool:
    x, y, z, _ = p
    return x % P == 0 and (y - z) % P == 0


def _small_order(p: _Point) -> bool:
    return _is_identity(_mul(8, p))


@lru_cache(maxsize=1024)
def public_key_problem(raw: bytes) -> str | None:
    """Why `raw` cannot be a school's Ed25519 public key (Chinese, for messages), or None."""
    point = _decode(raw)
    if point is None:
        return "公钥不是规范编码的曲线点"
    if _small_order(point):
        return "公钥是小阶点（任何人都能为它伪造签名）"
    if not _is_identity(_mul(L, point)):
        return "公钥不在素数阶子群中"
    return None


def signature_problem(signature: bytes) -> str | None:
    """Why `signature` is refused before the verification equation is even tried."""
    if len(signature) != 64:
        return "签名长度不对"
    if int.from_bytes(signature[32:], "little") >= L:
        return "签名的 S 不是规范值（S ≥ L）"
    r = _decode(signature[:32])
    if r is None:
        return "签名的 R 不是规范编码的曲线点"
    if _small_order(r):
        return "签名的 R 是小阶点"
    return None
