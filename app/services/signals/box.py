"""The report box: sealing a 反映's text so that only staff can open it.

HPKE (RFC 9180: DHKEM(X25519), HKDF-SHA256, AES-256-GCM — the suite of the key slots)
to the box's public key, which any account can read. The private key is a sealed column
(staff key), so a class teacher can write a report but neither read it back nor read
another teacher's. The HPKE info names the box, the student and the filer: a sealed text
copied onto another report does not open.
"""

from __future__ import annotations

import base64
import json

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import StoreError
from app.models import SignalBox

_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
NO_BOX = ("反映暂时无法提交：心理教师或管理员还没有登录过青心（第一次登录时会准备好"
          "加密反映所需的密钥）。请先请心理教师登录一次。")


def _info(box_id: int, student_id: int, filed_by: str) -> bytes:
    return f"qingxin-signal|{box_id}|{student_id}|{filed_by}".encode()


def current_box(session: Session) -> tuple[int, bytes]:
    """The newest box's id and public key (read without its private half, which a
    class teacher's session cannot open)."""
    row = session.execute(select(SignalBox.id, SignalBox.public_key)
                          .order_by(SignalBox.id.desc()).limit(1)).first()
    if row is None:
        raise StoreError(NO_BOX, detail="no signal box yet")
    return row[0], row[1]


def seal_report(box_id: int, public_key: bytes, student_id: int, filed_by: str,
                text: str, reporter: str) -> bytes:
    payload = json.dumps({"text": text, "reporter": reporter}, ensure_ascii=False)
    return _SUITE.encrypt(payload.encode("utf-8"),
                          X25519PublicKey.from_public_bytes(public_key),
                          _info(box_id, student_id, filed_by))


def open_report(box: SignalBox, student_id: int, filed_by: str,
                sealed: bytes) -> tuple[str, str] | None:
    """(text, reporter), or None when the sealed text does not open (altered in the
    file): the report then stays pending rather than stopping a staff sign-in."""
    private = X25519PrivateKey.from_private_bytes(base64.b64decode(box.private_key))
    try:
        payload = json.loads(_SUITE.decrypt(sealed, private,
                                            _info(box.id, student_id, filed_by)))
    except InvalidTag:
        return None
    return str(payload["text"]), str(payload.get("reporter", ""))


def new_box(session: Session) -> SignalBox:
    """A fresh key pair; needs a staff session (the private half is sealed)."""
    private = X25519PrivateKey.generate()
    box = SignalBox(public_key=private.public_key().public_bytes_raw(),
                    private_key=base64.b64encode(private.private_bytes_raw()).decode("ascii"))
    session.add(box)
    session.flush()
    return box
