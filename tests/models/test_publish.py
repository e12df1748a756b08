from dataclasses import replace

import pytest

from models.cases import Case
from models.policy import load_policy
from models.publish import _place, start_run
from models.risk import RiskModel
from resolver.db import connect
from resolver.errors import DoudiError
from resolver.settings import LinkSettings


def _start(con, policy) -> str:
    return start_run(con, data_dir="drop", settings=LinkSettings(), policy=policy,
                     risk=RiskModel.load())  # fmt: skip


def test_one_name_and_version_with_other_rules_is_refused_naming_the_rule():
    # a grace of 2 and one of 3 were both recorded as 本县（第 1 版）, told apart by nothing
    con = connect(":memory:")
    county = replace(load_policy(), name="本县", version=1, death_grace_months=2)
    runs = [_start(con, county), _start(con, replace(county, source="同一政策，说明文字改了"))]
    with pytest.raises(DoudiError) as raised:
        _start(con, replace(county, death_grace_months=3))
    said = str(raised.value)
    assert any(f"运行 {run} 所用的同名同版本政策规则不同" in said for run in runs)
    assert "死亡后停发宽限（月）（death_grace_months）：2 → 3" in said and "version 改为 2" in said
    _start(con, replace(county, death_grace_months=3, version=2))


def test_a_case_is_placed_at_its_first_record_that_names_a_township():
    # a duplicate's later enrollment written without its 乡镇 left the lead under 未知 (a review)
    case = Case(
        "duplicate_enrollment", [("assistance", "A2"), ("assistance", "A1")], ["p"], 0.0, []
    )
    rows = [{"unique_id": "assistance:A2", "township": None, "village": "蜻蛉村"},
            {"unique_id": "assistance:A1", "township": "石羊", "village": "红凹村"}]  # fmt: skip
    assert _place(case, rows) == ("石羊", "红凹村")
