"""Errors a user can cause, each with a Chinese message for the user.

Anything that is not one of these is a bug. `message` is shown to the user and may
name a file row or column; `detail` goes to the log and must never hold student data.
The exit code is what the CLI returns, so scripts can tell bad input from a wrong
password.
"""

from __future__ import annotations


class QingxinError(Exception):
    """Base class: a failure the user can understand and act on."""

    exit_code = 1

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class BadInputError(QingxinError):
    """A file or value the user supplied cannot be used (exit code 2)."""

    exit_code = 2

    def __init__(self, message: str, problems: list[str] | None = None, detail: str = "") -> None:
        super().__init__(message, detail)
        self.problems = problems or []


class WrongPasswordError(QingxinError):
    """The password or recovery code does not open the key slot (exit code 3)."""

    exit_code = 3


class StoreError(QingxinError):
    """The database cannot be opened or written (locked, corrupt, too new, disk full)."""

    exit_code = 4


class PermissionDeniedError(QingxinError):
    """The logged-in user's role does not allow this action."""

    exit_code = 5
