"""What ``doudi`` prints of a run beside its tables (``api.cli.printers``), on tiny inline rows."""

from __future__ import annotations

from api.cli.printers import _print_listed_notices
from resolver.quality import MISTYPED_NOTE, RENAMED_NOTE


def _notice(persons: int, note: str) -> list:
    """A row of the findings workbook's 未能确认身份的死亡记录: ``persons`` it may be, its note."""
    return ["死亡人员.xlsx", "Sheet1", 2, "D1", "王秀英", "女", "石羊镇", "2025-04-01", "公安",
            persons, 1, note]  # fmt: skip


def test_a_notice_typed_with_anothers_id_is_counted_apart_from_a_changed_name(capsys):
    # 王秀英, 女, carrying 李伟杰's ID: until 2026-12-06 counted among the notices 已按可能是
    # 本人处理（在保且死亡后仍有发放的已列为疑点）, though no lead is raised on it
    _print_listed_notices([_notice(1, f"与救助对象记录 A6（李伟杰）{RENAMED_NOTE}，且死亡记录所填的性别"
                                      f"{MISTYPED_NOTE}；请核实死者身份"),
                           _notice(1, f"与救助对象记录 A7（梁贵福）{RENAMED_NOTE}：可能已改名"),
                           _notice(4, "重名，无法确定是谁"), _notice(0, "未能与任何名册记录关联")])  # fmt: skip
    printed = capsys.readouterr().out.replace("\n", "")
    assert "另有 1 条死亡记录的身份证号与名册中某人相同但姓名不同（可能已改名" in printed
    assert "另有 1 条死亡记录的身份证号与名册中某人相同但姓名不同，且所填性别或出生日期" in printed
    assert "另有 1 条死亡记录可能对应多名同名人员" in printed
    assert "另有 1 条死亡记录未能与任何名册记录关联" in printed
