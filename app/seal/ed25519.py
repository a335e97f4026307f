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

Plain Python integers over the extended twisted-Edwards coordinates for decoding and the
small-order test (three doublings). The subgroup test is one X25519 scalar multiplication
by OpenSSL (`_in_prime_subgroup`, ≈ 0.14 ms) instead of [L]A in Python (≈ 1.1 ms; with
decoding, a whole key check took 0.8 s of a 400-school district's register, read at every
`district aggregate`, and takes 0.13 s now); both answer the same
question the same way (tests/seal/test_seal_ed25519.py compares them on generated and on
mixed-order keys). No second crypto library is needed.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, P - 2, P) % P
_SQRT_M1 = pow(2, (P - 1) // 4, P)

_LADDER_SCALAR = (5 * L - 1).to_bytes(32, "little")
"""5L − 1: a multiple of 8, ≡ −1 (mod L), and between 2^254 and 2^255 — so X25519's
clamping leaves it as it is (low three bits clear, bit 254 set, bit 255 clear)."""

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
    if not _in_prime_subgroup(point):
        return "公钥不在素数阶子群中"
    return None


def _in_prime_subgroup(point: _Point) -> bool:
    """[L]A = identity, for a point A of the curve that is not of small order, by one
    X25519 multiplication. The curve's group is Z/8 × Z/L: A = A_L + T with T of order
    dividing 8. With k = 5L − 1 (≡ 0 mod 8, ≡ −1 mod L), [k]A = −A_L, whose Montgomery
    u-coordinate is A_L's; X25519 computes exactly u([k]A) from u(A) = (1 + y)/(1 − y).
    So u([k]A) = u(A) ⟺ A_L = ±A; A_L = A means T = identity, and A_L = −A would make
    T = 2A a torsion point, i.e. A of small order — refused before this is asked."""
    _, y, z, _ = point
    y = y * pow(z, P - 2, P) % P
    u = (1 + y) * pow(1 - y, P - 2, P) % P  # y ≠ 1: the identity is of small order
    raw = u.to_bytes(32, "little")
    return _ladder().exchange(X25519PublicKey.from_public_bytes(raw)) == raw


@lru_cache(maxsize=1)
def _ladder() -> X25519PrivateKey:
    """5L − 1 as an X25519 key, made once (loading one computes its public key)."""
    return X25519PrivateKey.from_private_bytes(_LADDER_SCALAR)


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
