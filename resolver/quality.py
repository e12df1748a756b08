"""The data-quality report of an ingested drop, read from what was stored."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from resolver.registries import REGISTRIES

PROBLEM_LABELS = {
    "id_upgraded_15": "15位身份证号已升为18位",
    "id_bad_check_digit": "身份证号校验位错误",
    "id_bad_birth_date": "身份证号中的出生日期无效",
    "id_bad_region": "身份证号地区码无效",
    "id_bad_shape": "身份证号位数或字符错误",
    "id_spreadsheet_damage": "身份证号被表格软件转成科学计数法",
    "id_zeroed_tail": "身份证号末几位被表格软件清零",
    "id_blank": "身份证号为空",
    "name_unusual_chars": "姓名含异常字符",
    "date_unparsed": "日期无法识别",
    "month_unparsed": "月份无法识别",
    "amount_unparsed": "金额无法识别",
    "count_unparsed": "人数无法识别",
    "phone_malformed": "电话号码格式错误",
    "account_damaged": "银行账号被表格软件损坏",
    "account_malformed": "银行账号格式错误",
    "cert_malformed": "残疾证号格式错误",
    "cert_bad_id": "残疾证号中的身份证号无效",
    "birth_date_conflicts_id": "出生日期与身份证号不符",
    "gender_conflicts_id": "性别与身份证号不符",
    "cert_conflicts_id": "残疾证号与身份证号不符",
    "cert_conflicts_type": "残疾证号中的类别与残疾类别不符",
    "cert_conflicts_level": "残疾证号中的等级与残疾等级不符",
    "end_before_start": "退出日期早于纳入日期",
    "required_blank": "必填项为空",
    "case_not_in_roster": "救助证号不在救助对象名册中",
}
ID_PROBLEMS = frozenset(problem for problem in PROBLEM_LABELS if problem.startswith("id_"))
DATE_PROBLEMS = frozenset({"date_unparsed", "month_unparsed"})


def problem_label(problem: str) -> str:
    """The Chinese wording of a problem code; unknown enumeration values share one wording."""
    if problem.endswith("_unknown"):
        return "取值不在标准代码中"
    return PROBLEM_LABELS.get(problem, problem)


@dataclass(frozen=True)
class RegistryQuality:
    registry: str
    file_name: str
    rows: int
    ids: dict[str, int]
    dates_unparsed: int
    other_problems: int


def quality_summary(con: duckdb.DuckDBPyConnection) -> list[RegistryQuality]:
    """Per registry of the stored drop: rows, IDs by status, unparsed dates, other problems."""
    files = con.execute("SELECT registry, path, rows FROM ingest_files").fetchall()
    problems = dict(
        ((registry, problem), count)
        for registry, problem, count in con.execute(
            "SELECT registry, problem, count(*) FROM dq_findings GROUP BY ALL"
        ).fetchall()
    )
    summary = []
    for registry, path, rows in sorted(files, key=lambda row: list(REGISTRIES).index(row[0])):
        counted = {problem: n for (name, problem), n in problems.items() if name == registry}
        summary.append(
            RegistryQuality(
                registry,
                path.rsplit("/", 1)[-1],
                rows,
                _id_statuses(con, registry),
                sum(n for problem, n in counted.items() if problem in DATE_PROBLEMS),
                sum(n for p, n in counted.items() if p not in DATE_PROBLEMS | ID_PROBLEMS),
            )
        )
    return summary


def _id_statuses(con: duckdb.DuckDBPyConnection, registry: str) -> dict[str, int]:
    column = "payee_id_number" if registry == "payments" else "id_number"
    rows = con.execute(f"SELECT {column}_status, count(*) FROM {registry} GROUP BY ALL").fetchall()
    return {status: count for status, count in rows if status is not None}


def findings_by_problem(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, int]]:
    """(registry, column, problem, count) for every kind of finding, most frequent first."""
    return con.execute(
        "SELECT registry, column_name, problem, count(*) AS n FROM dq_findings "
        "GROUP BY ALL ORDER BY n DESC, registry, column_name"
    ).fetchall()


def completeness(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, float]]:
    """(registry, column, share of rows filled) for every normalised column of the stored
    drop's registries (derived columns aside)."""
    present = {name for (name,) in con.execute("SELECT registry FROM ingest_files").fetchall()}
    shares = []
    for registry in (name for name in REGISTRIES if name in present):
        columns = [column.name for column in REGISTRIES[registry].columns]
        filled = ", ".join(f"count({name}) / count(*)" for name in columns)
        values = con.execute(f"SELECT {filled} FROM {registry}").fetchall()[0]
        shares += [(registry, name, float(value or 0.0))
                   for name, value in zip(columns, values, strict=True)]  # fmt: skip
    return shares
