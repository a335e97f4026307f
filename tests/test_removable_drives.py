"""Removable drives, without Windows or a stick: a fake kernel32 and a mounts table."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app import removable_drives as rd


class FakeKernel32:
    """Drive letters with their GetDriveTypeW answer; `empty` ones hold no medium."""

    def __init__(self, drives: dict[str, int], empty: frozenset[str] = frozenset()) -> None:
        self.drives, self.empty = drives, empty
        self.error_modes: list[int] = []

    def GetLogicalDrives(self) -> int:
        return sum(1 << (ord(letter) - ord("A")) for letter in self.drives)

    def GetDriveTypeW(self, root: str) -> int:
        return self.drives[root[0]]

    def SetErrorMode(self, mode: int) -> int:
        self.error_modes.append(mode)
        return 0


def test_windows_lists_removable_drives_holding_a_medium(monkeypatch: pytest.MonkeyPatch):
    fixed, removable, cdrom = 3, rd.DRIVE_REMOVABLE, 5
    kernel32 = FakeKernel32({"A": removable, "C": fixed, "D": cdrom, "E": removable,
                             "F": removable, "G": removable}, empty=frozenset("F"))
    probed: list[str] = []

    def isdir(root: str) -> bool:
        probed.append(root)
        return root[0] not in kernel32.empty

    monkeypatch.setattr(os.path, "isdir", isdir)
    found = rd.removable_drives(platform="win32", kernel32=kernel32)
    assert [str(p)[:2] for p in found] == ["E:", "G:"]
    assert probed == ["E:\\", "F:\\", "G:\\"]  # not A: (a floppy), C: or the CD drive
    # each probe with Windows' 「驱动器中没有磁盘」 box off, then the mode put back
    assert kernel32.error_modes == [rd.SEM_FAILCRITICALERRORS, 0] * 3


MOUNTS = """\
/dev/sda2 / ext4 rw,relatime 0 0
/dev/sda1 /boot/efi vfat rw 0 0
/dev/sdb1 /media/teacher/KINGSTON vfat rw,nosuid,nodev 0 0
/dev/sdc1 /run/media/teacher/U\\040盘 exfat rw,nosuid,nodev 0 0
/dev/sdd1 /media/other/STICK vfat rw 0 0
/dev/sdb1 /media/teacher/KINGSTON vfat rw,nosuid,nodev 0 0
tmpfs /run/user/1000 tmpfs rw 0 0
"""


def test_linux_lists_the_users_media_mounts():
    found = rd.removable_drives(platform="linux", mounts=MOUNTS, user="teacher")
    assert found == [Path("/media/teacher/KINGSTON"), Path("/run/media/teacher/U 盘")]
    assert rd.removable_drives(platform="linux", mounts=MOUNTS, user="nobody") == []
    assert rd.removable_drives(platform="linux", mounts="", user="teacher") == []


def test_linux_reads_the_mount_table_and_survives_its_absence(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    table = tmp_path / "mounts"
    table.write_text(MOUNTS, encoding="utf-8")
    monkeypatch.setattr(rd, "MOUNTS_FILE", table)
    monkeypatch.setattr(rd, "_user_name", lambda: "teacher")
    assert rd.removable_drives(platform="linux")[0] == Path("/media/teacher/KINGSTON")
    table.unlink()
    assert rd.removable_drives(platform="linux") == []


def test_other_systems_list_nothing():
    assert rd.removable_drives(platform="darwin") == []
