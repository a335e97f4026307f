"""The student list's model and search filter, on plain rows (no database)."""

from __future__ import annotations

import random
import sys
import time
from datetime import date

from PySide6.QtCore import Qt

from app.services.demo.synthetic import synthetic_name
from app.services.students import StudentRow
from app.ui.form_widgets import data_table
from app.ui.student_model import (
    StudentFilterProxy,
    StudentTableModel,
    index_students,
    search_key,
)


def student(id_: int, name: str, grade: int = 7, number: int = 1,
            student_no: str | None = None) -> StudentRow:
    return StudentRow(id=id_, student_no=student_no or f"G2013{id_:08d}", name=name,
                      gender="M" if id_ % 2 else "F", birth_date=date(2013, 3, 1),
                      grade=grade, class_number=number, class_id=grade * 100 + number,
                      class_name=f"初{'一二三'[grade - 7]}({number})班", status="enrolled")


def names_shown(proxy: StudentFilterProxy) -> list[str]:
    return [proxy.index(r, 1).data() for r in range(proxy.rowCount())]


def make(rows: list[StudentRow]) -> tuple[StudentTableModel, StudentFilterProxy]:
    model = StudentTableModel()
    model.set_students(index_students(rows))
    return model, StudentFilterProxy(model)


ROWS = [
    student(1, "张三", 7, 1, "G201301010001"),
    student(2, "李四", 7, 2),
    student(3, "张珊珊", 8, 1),
    student(4, "王小明", 9, 3, "L99887766"),
    student(5, "赵子涵", 8, 2),
]


def test_search_key_holds_name_initials_pinyin_and_number():
    key = search_key(ROWS[0])
    assert "张三" in key and "zs" in key and "zhangsan" in key and "g201301010001" in key


def test_names_read_one_character_at_a_time():
    # 于思 is a word in pypinyin's phrase dictionary ("yusai", bearded); in a name each
    # character reads alone. Polyphonic surnames read as before (单 dan, 曾 ceng).
    assert "yusihao" in search_key(student(9, "于思豪"))
    assert "xiongyale" in search_key(student(10, "熊雅乐"))
    assert "danzihan" in search_key(student(11, "单子涵"))
    assert "cengzihan" in search_key(student(12, "曾子涵"))
    assert "pypinyin.phrases_dict" not in sys.modules  # the frozen bundle has none


def test_filter_by_name_initials_full_pinyin_and_student_no():
    _model, proxy = make(ROWS)
    proxy.set_filter("张", None, None)
    assert names_shown(proxy) == ["张三", "张珊珊"]
    proxy.set_filter("zs", None, None)
    assert names_shown(proxy) == ["张三", "张珊珊"]
    proxy.set_filter("ZS S", None, None)  # case and spaces do not matter
    assert names_shown(proxy) == ["张珊珊"]
    proxy.set_filter("wangxiao", None, None)
    assert names_shown(proxy) == ["王小明"]
    proxy.set_filter("l9988", None, None)
    assert names_shown(proxy) == ["王小明"]
    proxy.set_filter("", None, None)
    assert proxy.rowCount() == len(ROWS)


def test_search_never_spans_two_fields():
    _model, proxy = make(ROWS)
    proxy.set_filter("三zs", None, None)
    assert proxy.rowCount() == 0


def test_grade_and_class_filters_combine_with_search():
    model, proxy = make(ROWS)
    proxy.set_filter("", 8, None)
    assert names_shown(proxy) == ["张珊珊", "赵子涵"]
    proxy.set_filter("z", 8, 802)
    assert names_shown(proxy) == ["赵子涵"]
    assert [c[1] for c in model.classes()] == ["初一(1)班", "初一(2)班", "初二(1)班",
                                                "初二(2)班", "初三(3)班"]


def test_header_sort_sorts_the_source_and_keeps_the_filter():
    model, proxy = make(ROWS)
    view = data_table()
    view.setModel(proxy)
    proxy.set_filter("z", None, None)
    view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert names_shown(proxy) == sorted(names_shown(proxy), reverse=True)
    assert set(names_shown(proxy)) == {"张三", "张珊珊", "赵子涵"}
    assert model.keys[model.rows.index(ROWS[3])] == search_key(ROWS[3])


def test_filter_on_10000_rows_is_fast_enough_per_keystroke(qtbot):
    rng = random.Random(3)
    rows = [student(i, synthetic_name(rng), 7 + i % 3, 1 + i % 20) for i in range(10_000)]
    started = time.perf_counter()
    indexed = index_students(rows)
    indexing = time.perf_counter() - started
    model = StudentTableModel()
    model.set_students(indexed)
    proxy = StudentFilterProxy(model)
    view = data_table()
    view.setModel(proxy)
    view.resize(900, 600)
    view.show()
    qtbot.waitExposed(view)
    timings = []
    for text in ["z", "zh", "zha", "zhang", "张", "g2013", "w", ""]:
        started = time.perf_counter()
        proxy.set_filter(text, None, None)
        timings.append((text, (time.perf_counter() - started) * 1000, proxy.rowCount()))
    started = time.perf_counter()
    view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    sorting = (time.perf_counter() - started) * 1000
    print(f"\nindexing 10,000 names (worker thread): {indexing * 1000:.0f} ms")
    for text, ms, shown in timings:
        print(f"filter {text!r:9} -> {shown:5} rows in {ms:5.1f} ms")
    print(f"sort by name: {sorting:.1f} ms")
    assert proxy.rowCount() == 10_000


def test_filter_survives_sorting_and_reloading():
    """The proxy decides rows in one pass per keys list; a sort or a reload makes a new
    list, and the decisions must follow the rows, not their old positions."""
    rows = [student(1, "张三"), student(2, "李四"), student(3, "张珊"), student(4, "王五")]
    model, proxy = make(rows)
    proxy.set_filter("zhang", None, None)
    assert sorted(names_shown(proxy)) == ["张三", "张珊"]
    proxy.sort(1, Qt.SortOrder.DescendingOrder)
    assert sorted(names_shown(proxy)) == ["张三", "张珊"]
    model.set_students(index_students([student(5, "赵四"), student(6, "张森")]))
    assert names_shown(proxy) == ["张森"]
