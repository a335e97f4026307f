"""Synthetic students for the demo school and the benchmarks: plausible Chinese names,
学籍号, classes of about 45, birth dates that fit the grade, and screening answers.
Seeded, so a demo or a benchmark is the same on every machine. No real person's data
is ever involved.

Two kinds of answers: `synthetic_answers` (one spread for every instrument, what the
demo and the tests are written against) and `calibrated_answers` (per-instrument
spreads tuned to plausible band rates, following a student's strain from one
screening to the next), which the benchmark's ten-year school uses.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import numpy as np

from app.instruments.model import Instrument
from app.services.roster.file import RosterRow

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "子涵欣怡梓轩浩宇雨萱一诺思远佳琪俊杰晨曦若汐宇航博文紫萱梦琪嘉怡明轩天佑语桐诗涵"
    "泽宇皓轩可馨雅婷志强海洋静怡家豪锦程乐瑶书瑶梓涵昊然思琪奕辰雨泽梓萌沐阳清妍安琪"
    "睿哲"
)


def synthetic_name(rng: random.Random) -> str:
    given_len = 1 if rng.random() < 0.25 else 2
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(given_len))


def synthetic_roster(n_students: int, grades: range = range(7, 10), seed: int = 7,
                     class_size: int = 45, school_year_start: int = 2026) -> list[RosterRow]:
    rng = random.Random(seed)
    per_grade = max(1, n_students // len(grades))
    rows: list[RosterRow] = []
    for grade in grades:
        count = per_grade if grade != grades[-1] else n_students - per_grade * (len(grades) - 1)
        for i in range(count):
            birth_year = school_year_start - grade - 6
            birth = date(birth_year, 9, 1) + timedelta(days=rng.randrange(365))
            serial = len(rows) + 1
            rows.append(RosterRow(
                row_number=serial + 1,
                student_no=f"G{birth:%Y%m%d}{serial:06d}",
                name=synthetic_name(rng),
                gender=rng.choice("MF"),
                grade=grade,
                class_number=i // class_size + 1,
                birth_date=birth,
                guardian_name=None,
                guardian_phone=None,
            ))
    return rows


def synthetic_answers(instrument: Instrument, n: int, seed: int = 7) -> np.ndarray:
    """Plausible answers: each student has a latent strain p ~ Beta(1.5, 6) and answers
    each item at option k of K with Binomial(K-1, p) (so most students score low and a
    tail scores high, as in real screenings); critical items are rarer (p × 0.07)."""
    rng = np.random.default_rng(seed)
    values = np.array(sorted(o.value for o in instrument.options))
    strain = rng.beta(1.5, 6.0, size=(n, 1))
    p = np.repeat(strain, instrument.item_count, axis=1)
    for rule in instrument.critical:
        p[:, rule.item - 1] *= 0.07
    picks = rng.binomial(len(values) - 1, p)
    return values[picks].astype(float)


@dataclass(frozen=True)
class AnswerProfile:
    """How one instrument's answers spread over a school, for `calibrated_answers`.

    A student's endorsement rate follows Beta(*strain); on `boost` scales it is
    multiplied (MHT's learning anxiety is the scale most students score high on);
    validity items (MHT's lie scale) follow their own Beta, whatever the strain;
    critical items are endorsed at `critical` times the rate.
    """

    strain: tuple[float, float] = (1.5, 6.0)
    boost: tuple[tuple[str, float], ...] = ()
    validity: tuple[float, float] | None = None
    critical: float = 0.07


#: Chosen so that the bands land near the rates school screenings report at the
#: reference cut-offs (the bench prints what its 10-year school gets): PHQ-9 ≥10 about
#: 16 % (≥15 about 3.5 %) with item 9 above 0 for ≈5 %; GAD-7 ≥10 about 11 %; MSSMHS
#: total mean ≥2 about a third, ≥3 ≈4 %; MHT total ≈35 on average, ≥65 for 3–4 %,
#: learning anxiety ≥8 for about a third, lie ≥7 (invalid) for ≈2 %. Under the default
#: warning rules this puts 10–19 % of a school above 无 (docs/PERFORMANCE.md).
#: Instruments not listed use the default profile.
PROFILES: dict[str, AnswerProfile] = {
    "mht": AnswerProfile(strain=(3.0, 5.0), boost=(("learning_anxiety", 1.15),),
                         validity=(1.3, 5.5)),
    "phq9": AnswerProfile(strain=(1.1, 4.6), critical=0.09),
    "gad7": AnswerProfile(strain=(1.1, 4.2)),
}


def calibrated_answers(instrument: Instrument, percentile: np.ndarray,
                       rng: np.random.Generator) -> np.ndarray:
    """Answers for students given where each stands in the school (`percentile`, 0–1,
    higher is more strained), so the same students stay high from one screening to the
    next while every instrument keeps its own calibrated spread (PROFILES)."""
    profile = PROFILES.get(instrument.code, AnswerProfile())
    n = len(percentile)
    rate = _beta_quantile(profile.strain, np.asarray(percentile, dtype=float))
    p = np.repeat(rate[:, None], instrument.item_count, axis=1)
    for code, factor in profile.boost:
        items = [i - 1 for i in instrument.unit(code).items]
        p[:, items] = np.minimum(p[:, items] * factor, 0.97)
    if profile.validity is not None:
        for scale in instrument.scales:
            if scale.kind == "validity":
                p[:, [i - 1 for i in scale.items]] = rng.beta(*profile.validity, size=(n, 1))
    for rule in instrument.critical:
        p[:, rule.item - 1] *= profile.critical
    values = np.array(sorted(o.value for o in instrument.options))
    return values[rng.binomial(len(values) - 1, p)].astype(float)


@cache
def _beta_sample(a: float, b: float) -> np.ndarray:
    return np.sort(np.random.default_rng(0).beta(a, b, size=1 << 16))


def _beta_quantile(shape: tuple[float, float], percentile: np.ndarray) -> np.ndarray:
    """Beta quantiles from a fixed sorted sample: numpy has no Beta inverse, and 65,536
    points are finer than any school."""
    sample = _beta_sample(*shape)
    return sample[np.clip((percentile * len(sample)).astype(int), 0, len(sample) - 1)]
