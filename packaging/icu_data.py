"""Linux bundle: Qt's ICU data with only the locales a Chinese school's program uses.

PySide6's Linux wheels carry ICU 73, whose data library (`libicudata.so.73`, 31 MB) holds
names of currencies, languages, regions, time zones and units, collation and number
spelling for about 800 locales. Qt reads ICU for collation (QCollator), time-zone names,
text codecs and case mapping; this program shows Simplified Chinese and writes English
identifiers, so the data of the other ~790 locales is never read. The Windows bundle
carries no ICU (Qt uses the one Windows ships).

`trim` rebuilds the library with ICU's own tool, `icupkg` (Debian: icu-devtools):
1. the common data is copied out of the library (the `icudtNN_dat` symbol);
2. `icupkg -r` removes every locale item (`xx.res`, `coll/xx_YY.res`, …) whose language
   is not root, zh or en; the items kept need nothing removed (icupkg refuses
   otherwise, and `settle` puts back what it names — e.g. zh_Hant_HK's number spelling
   is an alias of yue's);
   converters, normalisation, Unicode properties, the root collation and the word-break
   dictionaries (the root break rules name every one of them) stay whole;
3. the smaller data is assembled into a library with the same name, SONAME and symbol
   (`.incbin`), which is what libicuuc links to.

The frozen self-test (ST10) then sorts Chinese names by pinyin through Qt (QCollator),
so a trim that removed the Chinese collation fails the build.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

KEEP_LANGUAGES = frozenset({"root", "zh", "en"})
"""Languages whose locale data stays (their regions and scripts too: zh_Hans_CN, en_GB)."""

_LOCALE_ITEM = re.compile(r"^(?:[a-z]{2,3}|root)(?:_[A-Za-z0-9]+)*\.res$")
"""A locale's resource bundle (`af.res`, `zh_Hant_HK.res`), as opposed to data every
locale shares (`res_index.res`, `pool.res`, `supplementalData.res`, …). icupkg will not
remove the collation aliases named `de_.res`, `es_.res`: they stay, and so do the two
bundles they point to."""
_SHARED = frozenset({"res_index.res", "pool.res"})
_DEPENDS = re.compile(r"Item (\S+) depends on missing item (\S+)")


def language(item: str) -> str | None:
    """The language of a locale item (`coll/zh_Hant.res` → "zh"), None for shared data."""
    name = item.rsplit("/", 1)[-1]
    if name in _SHARED or not _LOCALE_ITEM.match(name):
        return None
    return name.removesuffix(".res").split("_")[0]


def removable(items: Iterable[str]) -> set[str]:
    """The items to remove before dependencies are taken into account."""
    return {item for item in items
            if (lang := language(item)) is not None and lang not in KEEP_LANGUAGES}


def settle(remove: set[str], missing: Iterable[tuple[str, str]]) -> set[str]:
    """Answer icupkg's "item A depends on missing item B": a kept language's item keeps
    what it needs (B comes back); an item of a removed language goes too (A joins)."""
    remove = set(remove)
    for needing, needed in missing:
        if language(needing) in KEEP_LANGUAGES | {None}:
            remove.discard(needed)
        else:
            remove.add(needing)
    return remove


def trim(library: Path) -> tuple[int, int] | None:
    """Replace `library` (libicudata.so.NN) by one holding only the kept locales.
    Returns (bytes before, bytes after), or None when the tools are missing (icupkg,
    gcc, readelf): the library is then left whole and the caller says so."""
    tools = [shutil.which(t) for t in ("icupkg", "gcc", "readelf")]
    if None in tools:
        return None
    icupkg, gcc, readelf = (str(t) for t in tools)
    symbol, offset, size = _data_symbol(readelf, library)
    with tempfile.TemporaryDirectory(prefix="qingxin-icu-") as folder:
        work = Path(folder)
        whole = work / "in" / f"{symbol.removesuffix('_dat')}l.dat"
        whole.parent.mkdir()
        with library.open("rb") as f:
            f.seek(offset)
            whole.write_bytes(f.read(size))
        items = subprocess.run([icupkg, "-l", str(whole)], capture_output=True, text=True,
                               check=True).stdout.split()
        remove = removable(items)
        # icupkg names the package after its output file: same name, another folder.
        small = work / whole.name
        for _ in range(20):
            (work / "remove.txt").write_text("\n".join(sorted(remove)) + "\n")
            done = subprocess.run([icupkg, "-r", str(work / "remove.txt"), str(whole),
                                   str(small)], capture_output=True, text=True)
            missing = _DEPENDS.findall(done.stdout + done.stderr)
            if not missing:
                break
            remove = settle(remove, missing)
        if done.returncode != 0 or not small.exists():
            raise RuntimeError(f"icupkg failed: {done.stderr.strip()[-400:]}")
        source = work / "icudata.S"
        source.write_text(
            "    .section .rodata\n"
            f"    .globl {symbol}\n"
            f"    .type {symbol}, @object\n"
            "    .balign 16\n"
            f"{symbol}:\n"
            f'    .incbin "{small}"\n'
            f"    .size {symbol}, . - {symbol}\n"
            '    .section .note.GNU-stack,"",@progbits\n')
        built = work / library.name
        subprocess.run([gcc, "-shared", "-nostdlib", f"-Wl,-soname,{library.name}",
                        "-Wl,-z,noexecstack", "-o", str(built), str(source)], check=True)
        if _data_symbol(readelf, built)[::2] != (symbol, small.stat().st_size):
            raise RuntimeError("the rebuilt ICU data library does not export its data")
        before = library.stat().st_size
        shutil.copymode(library, built)
        shutil.move(str(built), str(library))
        return before, library.stat().st_size


def _data_symbol(readelf: str, library: Path) -> tuple[str, int, int]:
    """(name, file offset, size) of the library's `icudtNN_dat` object."""
    symbols = subprocess.run([readelf, "-sW", "--dyn-syms", str(library)],
                             capture_output=True, text=True, check=True).stdout
    for line in symbols.splitlines():
        fields = line.split()
        if len(fields) >= 8 and re.fullmatch(r"icudt\d+_dat", fields[7]):
            address, size, section = int(fields[1], 16), int(fields[2], 0), fields[6]
            break
    else:
        raise RuntimeError(f"{library.name} has no icudtNN_dat symbol")
    headers = subprocess.run([readelf, "-SW", str(library)], capture_output=True, text=True,
                             check=True).stdout
    for line in headers.splitlines():
        match = re.match(r"\s*\[\s*(\d+)\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if match and match.group(1) == section:
            section_address, section_offset = int(match.group(3), 16), int(match.group(4), 16)
            return fields[7], address - section_address + section_offset, size
    raise RuntimeError(f"{library.name}: section {section} of its data not found")
