"""Reading workbooks (``resolver.reading``): a sheet too large to lay out is refused before
the reader allocates it."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from resolver import reading
from resolver.errors import InputError


def test_a_value_typed_far_away_refuses_the_sheet_before_it_is_laid_out(monkeypatch):
    # a 5 KB workbook whose grid from A1 to XFD1048576 would take 550 GB: the reader would
    # end the process, so the sheet must be refused before it is laid out
    book = openpyxl.Workbook()
    book.active.title = "发放"
    book.active.append(["姓名", "金额"])
    book.active.append(["张三", 300])
    book.active["XFD1048576"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)

    def laid_out(*args):
        pytest.fail("the sheet was laid out")

    monkeypatch.setattr(reading, "_sheet_grid", laid_out)
    with pytest.raises(InputError) as refused:
        reading.read_grids(Path("发放表.xlsx"), buffer.getvalue())
    message = str(refused.value)
    assert refused.value.sheet == "发放" and "发放表.xlsx" in message
    assert "第 1,048,576 行、第 16,384 列（XFD 列）" in message
    assert "删除多余的行和列后另存再试" in message
