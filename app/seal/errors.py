"""Why a sealed file or a key file was refused, one class per reason.

Every refusal is a `SealError` (exit code 2) whose `message` tells a teacher or district
IT in Chinese what happened and what to do; `detail` is for the log and never holds report
contents. Callers that must react differently (a GUI that offers "choose another key")
catch the subclass; everything else catches `SealError`.
"""

from __future__ import annotations

from app.errors import QingxinError


class SealError(QingxinError):
    """A sealed file, key file or sealing input cannot be used (exit code 2)."""

    exit_code = 2


class SealInputError(SealError):
    """What the caller asked to seal is not acceptable (bad school code, file name …)."""


class NotSealedError(SealError):
    def __init__(self, detail: str = "") -> None:
        super().__init__("这不是青心密封报送文件（文件开头的标识不对）。"
                         "请确认选择的是 .qxseal 文件。", detail)


class UnsupportedFormatError(SealError):
    """A later format version or an algorithm suite this program does not know."""


class TruncatedError(SealError):
    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(
            f"密封文件不完整：应有 {expected} 字节，实际只有 {actual} 字节。"
            "可能是拷贝中断或 U 盘拔出过早（也可能是文件头中的长度已损坏），请重新拷贝原文件。",
            f"expected={expected} actual={actual}")


class TrailingDataError(SealError):
    def __init__(self, extra: int) -> None:
        super().__init__(
            f"密封文件末尾多出 {extra} 字节，已不是学校生成时的原样文件"
            "（可能被拼接或改动），已拒绝。",
            f"extra={extra}")


class HeaderDamagedError(SealError):
    """A length in the fixed header that no signed file can have: damaged or altered."""

    def __init__(self, detail: str = "") -> None:
        super().__init__("文件头已损坏：其中记录的长度不可能出现在学校生成的文件中"
                         "（文件被改动或拷贝出错），已拒绝。", detail)


class SignatureError(SealError):
    """The school's signature does not cover these bytes: altered after signing, or damaged."""

    def __init__(self, message: str = "", detail: str = "") -> None:
        super().__init__(message or "签名无效：文件在学校签名之后被改动过或已损坏，已拒绝。",
                         detail)


class WrongSchoolKeyError(SignatureError):
    """Signed with another key than the one given: another school's file, or altered."""

    def __init__(self, file_fingerprint: str, key_fingerprint: str) -> None:
        super().__init__(
            f"签名核验失败：文件记录的学校签名密钥指纹为 {file_fingerprint}，"
            f"与所给学校公钥的指纹 {key_fingerprint} 不符。"
            "文件可能是另一所学校（或另一把密钥）生成的，也可能已被改动，已拒绝。",
            f"file={file_fingerprint} key={key_fingerprint}")


class ReplayError(SealError):
    """A genuine file, but for another period or school than the one expected, or one the
    district's register already holds a newer (or the same numbered) file for."""


class SuiteNotAcceptedError(SealError):
    """Sealed (or about to be sealed) with an algorithm suite the district no longer takes."""


class RegisterError(SealError):
    """The district's register cannot be read or written, or refuses a registration."""


class WrongDistrictKeyError(SealError):
    """The file was encrypted to another district key (or another kind of key)."""


class HeaderMismatchError(SealError):
    def __init__(self, detail: str = "") -> None:
        super().__init__("无法解密：密文与文件头（清单）不符，文件头可能被替换过，已拒绝。", detail)


class FileHashMismatchError(SealError):
    def __init__(self, name: str) -> None:
        super().__init__(f"文件 {name} 的 SHA-256 校验值与清单不符，已拒绝。", f"file={name}")


class MalformedError(SealError):
    """Signed by the school, yet internally inconsistent: the producing program is at fault."""

    def __init__(self, what: str) -> None:
        super().__init__(f"密封文件的内部结构有误（{what}），无法使用。请联系学校重新生成。", what)


class KeyFileError(SealError):
    """A key file that cannot be read, is of another kind, or would overwrite a key."""


class WeakKeyError(KeyFileError):
    """An Ed25519 public key outside the rule set of SEALED_FORMAT.md §4: one that anybody
    could forge signatures for, or that verifiers would disagree about."""


class PassphraseRequiredError(KeyFileError):
    def __init__(self, source: str) -> None:
        super().__init__(f"私钥文件 {source} 受口令保护，需要提供口令。")


class WrongPassphraseError(KeyFileError):
    def __init__(self, source: str) -> None:
        super().__init__(f"口令不正确，无法解开私钥文件 {source}。")
