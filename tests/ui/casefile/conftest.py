"""Fixtures of the student-file GUI tests: a small school (two classes of three,
inserted directly), a StoreContext over the admin's store and a deployment file naming
one green-channel hospital (read once, as the GUI does at start), and the screenshot
folder."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from app.deployment import load_deployment
from app.models import Guardian, SchoolClass, Student
from app.store.handle import Store
from app.ui.store_context import StoreContext
from tests.ui.casefile.casefile_helpers import HOSPITAL_DEPLOY, School
from tests.ui.ui_helpers import idle


@pytest.fixture(autouse=True)
def _deployment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "deploy.toml"
    path.write_text(HOSPITAL_DEPLOY, encoding="utf-8")
    monkeypatch.setenv("QINGXIN_DEPLOY", str(path))


@pytest.fixture
def school(store: Store, qtbot) -> Iterator[School]:
    with store.write() as session:
        classes = [SchoolClass(grade=7, number=1), SchoolClass(grade=8, number=2)]
        session.add_all(classes)
        session.flush()
        students = []
        for i, name in enumerate(("张小雨", "李明轩", "王思琪", "赵子涵", "陈浩然", "刘雨桐")):
            student = Student(student_no=f"G2013{i:08d}", name=name, gender="FM"[i % 2],
                              birth_date=date(2013, 3, 1 + i),
                              class_id=classes[0 if i < 3 else 1].id)
            student.guardians.append(Guardian(name=f"{name[0]}家长", relation="母亲",
                                              phone=f"1380000{i:04d}"))
            students.append(student)
        session.add_all(students)
        session.flush()
        ids = tuple(s.id for s in students)
        class_ids = (classes[0].id, classes[1].id)
    yield School(store, StoreContext(store, load_deployment()), class_ids, ids)
    idle(qtbot)  # no worker may outlive the store fixture, which closes next

