"""One benchmark figure (`Row`), its target, and the table they make, as aligned text for
the terminal or as markdown for docs/PERFORMANCE.md."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """`value < limit` (or ≤ with `inclusive`), in the row's unit."""

    limit: float
    inclusive: bool = False

    def met(self, value: float) -> bool:
        return value <= self.limit if self.inclusive else value < self.limit


@dataclass(frozen=True)
class Row:
    job: str
    name: str
    samples: tuple[float, ...]
    unit: str = "s"
    target: Target | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def result(self, judge: bool) -> str:
        if self.target is None or not judge:
            return "—"
        return "pass" if self.target.met(self.median) else "FAIL"

    def cells(self, judge: bool) -> list[str]:
        low, high = min(self.samples), max(self.samples)
        spread = "" if len(self.samples) == 1 else \
            f"{show(low, self.unit)} – {show(high, self.unit)}"
        target = "—" if self.target is None else \
            f"{'≤' if self.target.inclusive else '<'} {limit(self.target.limit, self.unit)}"
        return [self.name, target, show(self.median, self.unit), spread,
                str(len(self.samples)), self.result(judge)]


HEADER = ["job", "target", "median", "min – max", "runs", "result"]


def limit(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:g} s" if value >= 1 else f"{value * 1000:g} ms"
    return f"{value:g} MB" if unit == "MB" else f"{value:g}"


def show(value: float, unit: str) -> str:
    if unit == "s":
        if value < 1:
            ms = value * 1000
            return f"{ms:.2f} ms" if ms < 1 else f"{ms:.1f} ms" if ms < 100 else f"{ms:.0f} ms"
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.1f} MB"
    return f"{value:.2f}"


def markdown(rows: Sequence[Row], judge: bool) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row.cells(judge)) + " |" for row in rows]
    return "\n".join(lines)


def text_table(rows: Sequence[Row], judge: bool) -> str:
    cells = [HEADER, *(row.cells(judge) for row in rows)]
    widths = [max(_width(c[i]) for c in cells) for i in range(len(HEADER))]
    right = {2, 3, 4}

    def line(c: list[str]) -> str:
        return "  ".join((" " * (w - _width(v)) + v) if i in right else v + " " * (w - _width(v))
                         for i, (v, w) in enumerate(zip(c, widths, strict=True)))

    return "\n".join([line(HEADER), "  ".join("-" * w for w in widths),
                      *(line(c) for c in cells[1:])])


def _width(text: str) -> int:
    """Columns on a terminal: CJK characters take two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def timed(fn: Callable[[], object], runs: int) -> tuple[float, ...]:
    return tuple(seconds(fn) for _ in range(runs))


def in_turns(fns: Sequence[Callable[[], object]], runs: int) -> list[tuple[float, ...]]:
    """Times of each function, run in turns (a, b, a, b …), so that a busy moment on the
    machine hits both sides of a ratio alike."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, bucket in zip(fns, times, strict=True):
            bucket.append(seconds(fn))
    return [tuple(t) for t in times]
