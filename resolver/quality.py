"""The data-quality report of an ingested drop, read from what was stored: the tables read,
the files, sheets and rows skipped, and the findings, also as a workbook a clerk fixes the
source files from (数据问题清单.xlsx); after linking, the workbook also lists the death
notices too many namesakes may be to raise a lead on, and those no one matches."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import NamedTuple

import duckdb
import pyarrow as pa

from resolver.db import column_names, table_names
from resolver.idcard import details_not_of_id, mask_id
from resolver.normalize import urban_or_rural
from resolver.outputs import ENTITIES, PERSONS, REMOVED_ROWS, lone_death_candidates
from resolver.registries import AREA_HEADERS, REGISTRIES, extra_value, source_column
from resolver.tables import DERIVED_SOURCES
from resolver.xlsx import write_workbook

PROBLEM_LABELS = {
    "id_upgraded_15": "15位身份证号已升为18位",
    "id_bad_check_digit": "身份证号校验位错误",
    "id_bad_birth_date": "身份证号中的出生日期无效",
    "id_bad_region": "身份证号地区码无效",
    "id_bad_shape": "身份证号位数或字符错误",
    "id_spreadsheet_damage": "身份证号被表格软件转成科学计数法",
    "id_zeroed_tail": "身份证号末几位被表格软件清零",
    "id_blank": "身份证号为空",
    "id_from_name": "身份证号一格为空（或写的是“无”“不详”等），按姓名格中写的身份证号读取：请把号码移到身份证号一格",
    "id_placeholder": "身份证号一格写的是“无”“不详”“待补”等，表示没有身份证号（不是填错的号码），按空白读取：请补填身份证号",
    "name_unusual_chars": "姓名含异常字符",
    "name_annotated": "姓名带括注（如 曾云福（户主）、李芳（妻））：按括号外的姓名比对，括注见原值，请核对",
    "name_id_taken": "姓名格中含身份证号，已拆出作为身份证号（本行身份证号一格为空或写的是“无”“不详”等），按拆出后的姓名比对：请把身份证号填入身份证号一格",
    "name_id_same": "姓名格中含身份证号，与本行身份证号一格相同，已从姓名中去掉：请删去姓名格中的号码",
    "name_id_other": "姓名格中含另一个身份证号，与本行身份证号一格不同，按身份证号一格读取，姓名中的号码未用：请核对哪一个正确",
    "name_too_long": "姓名超过 30 个字符，不像真实姓名（可能粘贴了其他内容），按原值读取：请核对",
    "address_too_long": "住址超过 200 个字符（可能粘贴了其他内容），按原值读取：请核对",
    "date_unparsed": "日期无法识别",
    "date_implausible": "日期不合理（早于 1890 年或晚于 2100 年），未读取：可能年份填错，请核对",
    "date_in_future": "日期晚于本次数据所到的月份（见原值后的括注：发放记录最晚的月份（远晚于其余月份的零星记录除外）或文件名、工作表名、标题所写的最晚月份，都没有时为读取时的当月），出生、死亡或发证不会在此之后：按所写读取，可能年份填错，请核对",
    "start_in_future": "纳入日期晚于本次数据所到的月份（见原值后的括注：发放记录最晚的月份（远晚于其余月份的零星记录除外）或文件名、工作表名、标题所写的最晚月份，都没有时为读取时的当月）：按所写读取，此前各月都不计为在保，可能年份填错，请核对",
    "month_unparsed": "月份无法识别",
    "month_set_aside": "发放月份远晚于台账其余月份（见原值后的括注），与其余月份之间空了两个月以上（多于台账平常的发放间隔），且该月的发放记录不到平常月份的十分之一：疑为录入错误（如 2026-09 写成 2027-09），未用于确定核查月份（本次数据截至的月份）；该行仍按所写月份读取，请核实",
    "amount_unparsed": "金额无法识别",
    "amount_too_large": "金额过大（1 万亿元及以上，按分四舍五入后），未读取：请核对原值",
    "amount_comma": "金额中的逗号不是千位分隔（如 3,20、320,50），无法确定金额，未读取：请核对原值",
    "count_unparsed": "人数无法识别",
    "phone_malformed": "电话号码格式错误",
    "account_damaged": "银行账号被表格软件损坏",
    "members_unlisted": "家庭成员一格无法拆分为各成员（应写作 姓名（与户主关系，身份证号），多人以、或；分开），其中的成员未读取：请按此写法更正，或每人一行填写",
    "member_id_differs": "家庭成员一格中与本行同名、按本行同一人处理（未另读作一行）者写的身份证号与本行不同：请核对哪一个正确，如其实是同名的另一家庭成员，请写明其与户主关系",
    "family_filled": "此行为空，按上方同户户主行补全（本行与户主关系为家庭成员）",
    "code_damaged": "编号被表格软件转成科学计数法，末几位已丢失，不参与比对：请用原始导出文件",
    "account_malformed": "银行账号格式错误",
    "cert_malformed": "残疾证号格式错误",
    "cert_bad_id": "残疾证号中的身份证号无效",
    "birth_date_conflicts_id": "出生日期与身份证号不符",
    "gender_conflicts_id": "性别与身份证号不符",
    "id_zeroed_suspected": "身份证号末三位为 000，与本行性别或残疾证号不符：可能末几位被表格软件清零（校验位恰好相符），请核对原始证件号",
    "cert_conflicts_id": "残疾证号与身份证号不符",
    "cert_conflicts_type": "残疾证号中的类别与残疾类别不符",
    "cert_conflicts_level": "残疾证号中的等级与残疾等级不符",
    "cert_in_id_column": "身份证号列填的是 20 位残疾证号：前 18 位读作身份证号，整串读作残疾证号，请核对",
    "type_from_cert": "残疾类别为空或无法识别，按残疾证号第 19 位（类别位）读取，请核对",
    "level_from_cert": "残疾等级为空或无法识别，按残疾证号第 20 位（等级位）读取，请核对",
    "end_before_start": "退出日期早于纳入日期",
    "required_blank": "必填项为空",
    "case_not_in_roster": "救助证号不在救助对象名册中",
    "case_no_written_otherwise": "救助证号的写法与救助对象名册不同（去掉了数字前的 0，或增删了连字符、空格等），名册中只有一个案件去掉前导 0、连字符等后与之相同、领款人也相符，已按该案件读取（原值后括注名册的写法）：请核对，并按名册的写法填写",
    "date_month_only": "日期只有年月，按当月1日读取",
    "date_year_only": "出生日期只写了年份，按出生年份比对（不按某月某日），请补全出生日期",
    "year_completed": "年份只写了后两位，按 Excel 的规则补全（00–29 为 2000–2029 年，30–99 为 1930–1999 年），请核对",
    "month_ambiguous": "月份有歧义（如 2025.1 可能是 1 月或 10 月），未读取",
    "date_month_first": "日期的年份写在最后，第二个数大于 12，按月/日/年读取（如 6/13/2024 为 2024 年 6 月 13 日），请核对",
    "date_day_first": "日期的年份写在最后，第一个数大于 12，按日/月/年读取（如 13/6/2024 为 2024 年 6 月 13 日），请核对",
    "date_order_ambiguous": "日期的年份写在最后，月、日都不大于 12（如 6/5/2024 可能是 6 月 5 日或 5 月 6 日），同列其他日期也无法确定顺序，未读取：请按 2024-06-05 的写法填写",
    "date_order_from_column": "日期的年份写在最后，月、日都不大于 12，按同列其他日期的顺序（月/日/年或日/月/年）读取，请核对",
    "date_weekday_mismatch": "日期后写的星期几与日期不符，按日期读取，请核对",
    "relation_unlisted": "与户主关系无法识别（不是已知的称谓，也不是国家标准家庭关系代码 GB/T 4761），按“其他”读取：请核对",
    "relation_code_among_words": "与户主关系写作数字，而本列多数写作文字（如户主、配偶、子）：数字的含义无法确定，按“其他”读取，请改写为文字",
    "labor_capacity_unknown": "劳动技能不是标准代码（普通劳动力、技能劳动力、弱劳动力或半劳动力、丧失劳动力、无劳动力），未读取：该户无法判断是否整户无劳动力（零劳力），可能漏查未纳入保障的零劳力户和疑似符合特困条件未纳入特困的人员，请按标准代码填写",
    "fund_unknown": "资金类别既不是低保金、特困供养金（含基本生活费、照料护理费），也不是已知的其他资金（价格临时补贴、取暖费、慰问金、一次性补贴、临时救助、残疾人两项补贴、高龄津贴等），按低保、特困金额计：请说明是哪类资金",
    "month_from_context": "月份只写了月，年份按文件或工作表名补全",
    "month_from_paid_out": "所属月份没有写月份（如“无”“/”“待核”），按同一行的发放月份读取（同所属月份空白）：请核对",
    "month_october_by_column": "月份写作「年.1」（如 2025.1），本列其余月份写两位数（如 2025.01，1 月会写作「年.01」），按该年 10 月读取（数值单元格会去掉末尾的 0；日期按当月 1 日）：请核对",
    "month_ambiguous_by_paid_out": "所属月份有歧义（如 2024.1 可能是 1 月或 10 月），另一个月份晚于同一行的发放月份，按不晚于发放月份的那个读取：请核对",
    "leading_zeros_restored": "编号开头的 0 被表格软件去掉，已按同列其他编号的位数补回",
    "ditto_filled": "填的是“同上”（或〃），已按上一行的值读取，请核对",
    "amount_in_brackets": "金额带括号，按会计记法读作负数（退回或扣减）；如实为正数请更正台账",
    "amount_per_head": "金额写作每人或每户的标准（如 333.00元/人、元/户），按所写数额读取：请核对本行应得的金额是否就是此数",
    "amount_sub_cent": "金额超过两位小数，已按分四舍五入（请核对原值）",
    "amount_in_wan": "金额以万元填写，已换算为元（如 0.062万元 为 620 元），请核对",
    "amount_merged_once": "金额是跨多行的合并单元格（一户一个金额），只计一次，计在合并区域的第一行，本行不计金额",
    "excel_error": "单元格是 Excel 错误值（如 #N/A、#REF!），未读取",
    "row_repeated": "与同表前面一行的姓名、证件号、案件号和日期等都相同：疑似重复录入，仍按两行读取，请核对并删去重复的一行",
    "row_hidden": "该行在表格中被隐藏，仍按有效记录读取：隐藏的行常是已退出或注销的人员，请核实，已退出的请从表中删去",
    "row_shifted": "此行整体右移一列（行首多一个空单元格），已按左移一列读取；请核对原表",
    "row_struck": "该行有删除线（可能已删除），仍按有效记录读取：请核实，已删除的请从表中删去",
    "formula_no_value": "单元格是公式，但文件中没有计算结果（由程序生成、未经计算），未读取：请在 Excel 或 WPS 中打开、保存后再导出",
    "encoding_bad_bytes": "含不是文字的字节（文件编码损坏），请核对原文件",
    "payment_repeated": "与同表前面一行（见原值括注的行号）每一格都相同（救助证号、领款人、账号、月份、金额等），又没有记录编号可以区分：可能是重复录入，也可能确实发放了两次；金额按两行都计入，请核对，如为重复录入请删去一行",
}
ID_PROBLEMS = frozenset(problem for problem in PROBLEM_LABELS if problem.startswith("id_"))
DATE_PROBLEMS = frozenset({"date_unparsed", "month_unparsed", "date_order_ambiguous"})


def problem_label(problem: str) -> str:
    """The Chinese wording of a problem code; unknown enumeration values share one wording.

    Parameters
    ----------
    problem : str
        A finding's problem code (``id_bad_check_digit``, ``relation_unknown`` ...).

    Returns
    -------
    str
        Its Chinese wording, or the code itself when it has none.
    """
    if problem in PROBLEM_LABELS:
        return PROBLEM_LABELS[problem]
    return "取值不在标准代码中" if problem.endswith("_unknown") else problem


@dataclass(frozen=True)
class RegistryQuality:
    registry: str
    file_name: str
    rows: int
    ids: dict[str, int]
    dates_unparsed: int
    other_problems: int


def quality_summary(con: duckdb.DuckDBPyConnection) -> list[RegistryQuality]:
    """Per registry of the stored drop: rows, IDs by status, unparsed dates, other problems.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database an ingest wrote.

    Returns
    -------
    list[RegistryQuality]
        One summary per registry read, in the contract's order.
    """
    files = con.execute(
        "SELECT registry, string_agg(regexp_extract(path, '[^/]*$'), '、' ORDER BY path), "
        "sum(rows)::BIGINT FROM ingest_files GROUP BY registry"
    ).fetchall()
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
                path,
                rows,
                _id_statuses(con, registry),
                sum(n for problem, n in counted.items() if problem in DATE_PROBLEMS),
                sum(n for p, n in counted.items() if p not in DATE_PROBLEMS | ID_PROBLEMS),
            )
        )
    return summary


def _id_statuses(con: duckdb.DuckDBPyConnection, registry: str) -> dict[str, int]:
    """How many rows' IDs are of each status; a certificate whose 身份证号 is blank counts by
    the ID its 残疾证号 carries, the one linking uses (until 2026-12-07 a 残联 export of
    残疾人证号 alone read 空白 126 of 126)."""
    column = "payee_id_number" if registry == "payments" else "id_number"
    status = f"{column}_status"
    if registry == "disability":
        status = (f"CASE WHEN {status} = 'blank' AND cert_no_id_number IS NOT NULL "
                  f"THEN 'valid' ELSE {status} END")  # fmt: skip
    rows = con.execute(f"SELECT {status}, count(*) FROM {registry} GROUP BY ALL").fetchall()
    return {status: count for status, count in rows if status is not None}


# A township is missing from a registry (its office never sent its extract) only when the
# registry holds none of its rows although, at the rate it holds rows for the roster rows of
# the county's other townships, at least EXPECTED_ROWS were due, and the roster holds at
# least MISSING_TOWNSHIP_CASES cases there. By chance alone (rows falling as a Poisson count)
# no row where 10 are due happens once in 22,000 townships; ten cases keep a few 人户分离
# households, whose 户籍 is elsewhere, from making a township look missing. A small township
# of which the registry simply holds few rows, or a registry without a 乡镇 column, is none.
EXPECTED_ROWS = 10.0
MISSING_TOWNSHIP_CASES = 10
# The registries a township's rows can be missing from: those whose rows name a township.
TOWNSHIP_REGISTRIES = ("hukou", "deaths", "disability", "poverty")
# The registries of rural households only (建档立卡: rural poverty), weighed against the
# roster's rural rows alone: a county seat or 街道 whose cases are all urban (城乡属性 城市, or
# 城市低保) holds none of their rows by nature. A row whose area the roster does not say is
# of its township's: left out where the rows that say are all urban (a county seat's 特困
# cases, their area left blank), else counted as rural, so that a township, or a county,
# whose roster never says it is judged as before.
RURAL_REGISTRIES = ("poverty",)
# The registries whose 乡镇 may follow another geography than the roster's: a death notice's
# may be the 派出所's area (one station for two townships, written under one name), the place
# of death (a hospital in the county seat) or the funeral home's, and deaths fall unevenly by
# age, so that a township without a notice is asked about, not declared missing.
UNSURE_TOWNSHIP_REGISTRIES = ("deaths",)
# A payment line joins the roster by its 救助证号 alone. Where at least UNJOINED_SHARE of a
# county's payment lines of its last RECENT_PAY_MONTHS months paid name no case of its roster
# (a number the roster does not hold, or none: another system's numbering, a roster of
# another place), the leads weighing payments against the roster see too few of them to be
# judged, and the payments are a gap as a registry absent is. Only the last months are
# weighed: a 历年发放记录 of cases closed before the roster's export (a review: 52 % of a
# legitimate ledger's lines, every line of its last months joined) is history the roster of
# this month no longer lists; each such line is a finding (救助证号不在救助对象名册中). Three
# months, not one, and none of a few lines (THIN_MONTH): a line whose month is mistyped
# ahead, or a few 补发 lines of closed cases dated after the ledger's last month (a review),
# do not stand for the ledger.
UNJOINED_SHARE = 0.5
RECENT_PAY_MONTHS = 3
THIN_MONTH = 4
# Where at least DAMAGED_SHARE of a registry's rows of a county carry an ID number a
# spreadsheet destroyed (科学计数法 5.32326E+17: the export opened and saved in Excel, fewer
# than DESTROYED_DIGITS digits left, not even the birth year; a 15-digit prefix whose last
# digits were turned to 0 still links well), its rows link by name and place alone, which a
# county's namesakes make weak (a blind tester's 残疾人 file so saved: 98 of 108 certificates left
# unlinked, its 4 leads of 重度残疾未纳入 gone), and the leads resting on it are not judged
# there: a lead raised before is not resolved by such a month. A few such rows are
# findings of the data-quality report only.
DAMAGED_SHARE = 0.5
DESTROYED_DIGITS = 10


@dataclass(frozen=True)
class RegistryGap:
    """A registry the drop lacks for a county (``township`` None), or a township of the
    roster it holds no row of; ``cases`` and ``rows`` are the roster's there. Payments most
    of whose ``lines`` of the county's last months paid (``months``: ``2026-07至2026-09``)
    name no roster case (``unjoined`` of them; 0 and blank for a gap of another kind,
    ``UNJOINED_SHARE``) are a gap of the county too, and so is a registry ``damaged`` of
    whose ``lines`` (its rows in the county) carry an ID a spreadsheet destroyed
    (``DAMAGED_SHARE``)."""

    registry: str
    county: str | None
    township: str | None
    cases: int
    rows: int
    lines: int = 0
    unjoined: int = 0
    months: str = ""
    damaged: int = 0


def registry_gaps(con: duckdb.DuckDBPyConnection) -> list[RegistryGap]:
    """What the drop lacks beside the roster (救助对象): each registry absent for a county of
    the roster, each township of the roster a registry holds no row of where it holds rows
    of the rest of the county (``EXPECTED_ROWS``, ``MISSING_TOWNSHIP_CASES``), the
    payments of a county most of whose lines name no case of the roster (``UNJOINED_SHARE``),
    and each registry (the roster too) of a county whose ID numbers a spreadsheet destroyed
    (``DAMAGED_SHARE``).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database an ingest wrote.

    Returns
    -------
    list of RegistryGap
        In the contract's order of registries, then by county and township.
    """
    tables = table_names(con)
    if "assistance" not in tables:
        return []
    rosters = {"all": _township_counts(con, "assistance"), "rural": _rural_township_counts(con)}
    unjoined = _unjoined_payments(con) if "payments" in tables else {}
    gaps = []
    for registry in (name for name in REGISTRIES if name != "assistance"):
        roster = rosters["rural" if registry in RURAL_REGISTRIES else "all"]
        held = _township_counts(con, registry) if registry in tables else {}
        counties = {county for county, _ in held}
        for county in sorted({county for county, _ in roster}, key=str):
            if county not in counties:
                cases, rows = _county_totals(roster, county)
                gaps.append(RegistryGap(registry, county, None, cases, rows))
            elif registry in TOWNSHIP_REGISTRIES:
                gaps += _missing_townships(registry, county, roster, held, rosters["all"])
            elif registry == "payments" and county in unjoined:
                cases, rows = _county_totals(roster, county)
                gaps.append(RegistryGap(registry, county, None, cases, rows, *unjoined[county]))
    for registry in (name for name in REGISTRIES if name in tables and name != "payments"):
        for county, (held, damaged) in _damaged_ids(con, registry).items():
            cases, rows = _county_totals(rosters["all"], county)
            gaps.append(RegistryGap(registry, county, None, cases, rows, held, damaged=damaged))
    return gaps


def _damaged_ids(con: duckdb.DuckDBPyConnection, table: str) -> dict[str | None, tuple[int, int]]:
    """county -> (rows, rows whose ID number a spreadsheet destroyed: fewer than
    ``DESTROYED_DIGITS`` digits left) of a registry's table, for the counties at least
    ``DAMAGED_SHARE`` of whose rows are so."""
    columns = column_names(con, table)
    if "id_number_status" not in columns:
        return {}
    county = "county" if "county" in columns else "NULL::VARCHAR"
    counts = con.execute(f"""
        SELECT {county}, count(*), count(*) FILTER (
            WHERE id_number_status = 'damaged'
              AND length(coalesce(id_number_prefix, '')) < {DESTROYED_DIGITS})
        FROM {table} GROUP BY ALL""").fetchall()  # fmt: skip
    return {place: (rows, damaged) for place, rows, damaged in counts
            if damaged and damaged >= rows * DAMAGED_SHARE}  # fmt: skip


def _unjoined_payments(con: duckdb.DuckDBPyConnection
                       ) -> dict[str | None, tuple[int, int, str]]:  # fmt: skip
    """county -> (lines, lines naming no case of the county's roster, their months) of the
    last ``RECENT_PAY_MONTHS`` months each county was paid in full (a month of fewer lines
    than a ``THIN_MONTH``-th of its median month is not weighed), for the counties at least
    ``UNJOINED_SHARE`` of whose such lines name none."""
    county = {table: "county" if "county" in column_names(con, table) else "NULL::VARCHAR"
              for table in ("payments", "assistance")}  # fmt: skip
    counts = con.execute(f"""
        WITH lines AS (SELECT {county["payments"]} AS county, case_no, pay_month FROM payments
                       WHERE pay_month IS NOT NULL),
        months AS (SELECT county, pay_month, count(*) AS paid FROM lines GROUP BY ALL),
        full_months AS (SELECT * FROM months
                        QUALIFY paid * {THIN_MONTH} >= median(paid) OVER (PARTITION BY county)),
        recent AS (SELECT county, pay_month FROM full_months
                   QUALIFY row_number() OVER (PARTITION BY county ORDER BY pay_month DESC)
                       <= {RECENT_PAY_MONTHS}),
        roster AS (SELECT DISTINCT {county["assistance"]} AS county, case_no FROM assistance)
        SELECT l.county, count(*), count(*) FILTER (WHERE NOT EXISTS (
                   SELECT 1 FROM roster r WHERE r.case_no = l.case_no
                   AND (r.county IS NULL OR l.county IS NULL OR r.county = l.county))),
               min(l.pay_month), max(l.pay_month)
        FROM lines l SEMI JOIN recent m
             ON l.pay_month = m.pay_month AND l.county IS NOT DISTINCT FROM m.county
        GROUP BY ALL""").fetchall()  # fmt: skip
    return {place: (lines, unjoined, first if first == last else f"{first}至{last}")
            for place, lines, unjoined, first, last in counts
            if unjoined >= UNJOINED_SHARE * lines}  # fmt: skip


def _township_counts(con: duckdb.DuckDBPyConnection, table: str
                     ) -> dict[tuple[str | None, str | None], tuple[int, int]]:  # fmt: skip
    """(county, township) -> (cases, rows) of a table (cases: distinct 救助证号, 0 where the
    table has none)."""
    columns = column_names(con, table)
    county = "county" if "county" in columns else "NULL"
    township = "township" if "township" in columns else "NULL"
    cases = "count(DISTINCT case_no)" if "case_no" in columns else "0"
    rows = con.execute(f"SELECT {county}, {township}, {cases}, count(*) FROM {table} "
                       "GROUP BY ALL").fetchall()  # fmt: skip
    return {(place, town): (n_cases, n_rows) for place, town, n_cases, n_rows in rows}


def _rural_township_counts(con: duckdb.DuckDBPyConnection
                           ) -> dict[tuple[str | None, str | None], tuple[int, int]]:  # fmt: skip
    """(county, township) -> (cases, rows) of the roster's rows not known to be urban
    (``resolver.normalize.urban_or_rural``: the row's 城乡属性, else its 救助类型 as written),
    a township whose rows that say are all urban left out whole (its other rows, a 特困 case
    whose area is left blank, are of it)."""
    rows = con.execute(
        f"SELECT t.county, t.township, t.case_no, {extra_value(AREA_HEADERS)}, r.program, count(*) "
        "FROM assistance t LEFT JOIN raw_assistance r USING (source_no, row_no) GROUP BY ALL"
    ).fetchall()
    areas = cache(urban_or_rural)  # a county writes its programs a handful of ways
    said: dict[tuple, set] = {}
    cases: dict[tuple, set] = {}
    counts: dict[tuple, int] = {}
    for county, township, case_no, marker_written, program, n in rows:
        area = areas(marker_written, program)
        said.setdefault((county, township), set()).add(area)
        if area != "urban":
            cases.setdefault((county, township), set()).add(case_no)
            counts[(county, township)] = counts.get((county, township), 0) + n
    return {place: (len(cases[place] - {None}), n) for place, n in counts.items()
            if said[place] - {None} != {"urban"}}  # fmt: skip


def _county_totals(counts: dict, county: str | None) -> tuple[int, int]:
    items = [value for (place, _), value in counts.items() if place == county]
    return sum(cases for cases, _ in items), sum(rows for _, rows in items)


def _missing_townships(registry: str, county: str | None, roster: dict, held: dict,
                       named: dict) -> list[RegistryGap]:  # fmt: skip
    """The townships of ``county`` on the roster that ``registry`` holds no row of although
    the rest of the county's roster rows say ``EXPECTED_ROWS`` were due; none where the
    registry holds at least half as many rows as were due of them under no township or one
    no roster row of the county names (``named``: a township written by its code, or another
    way, may be theirs; a dozen blank cells are not a township's hundreds of rows)."""
    towns = {town: value for (place, town), value in roster.items()
             if place == county and town is not None}  # fmt: skip
    rows_held = {town: rows for (place, town), (_, rows) in held.items()
                 if place == county and town is not None}  # fmt: skip
    known = {town for place, town in named if place == county}
    unplaced = sum(rows for (place, town), (_, rows) in held.items()
                   if place == county and (town is None or town not in known))  # fmt: skip
    gaps, due_in_all = [], 0.0
    for town, (cases, rows) in sorted(towns.items()):
        if town in rows_held or cases < MISSING_TOWNSHIP_CASES:
            continue
        others = sum(n for other, (_, n) in towns.items() if other != town)
        due = sum(rows_held.get(other, 0) for other in towns if other != town)
        rate = due / others if others else 0
        if rate * rows >= EXPECTED_ROWS:
            gaps.append(RegistryGap(registry, county, town, cases, rows))
            due_in_all += rate * rows
    return [] if unplaced >= due_in_all / 2 and gaps else gaps


# An ID's region (the 6-digit division code it begins with) is one of a county's own when
# at least REGION_SHARE of the valid IDs its 户籍 rows carry begin with it: the county's code,
# and an old code its people kept from before a re-division (most of its older people's),
# but not the code of one of the many counties its in-comers (brides, workers) were born in,
# each a few of its people. In a drop of several counties each county's rows are counted
# apart, so that no county's own code is lost among the others'.
REGION_SHARE = 0.02


def hukou_regions(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """The regions of the drop's 户籍人口: the division codes at least ``REGION_SHARE`` of a
    county's valid 户籍 IDs begin with. A person whose valid ID is of none of them may be
    registered in another county (人户分离), so that the 户籍 holding no row of her says
    nothing of her 户口.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database an ingest wrote.

    Returns
    -------
    frozenset of str
        The 6-digit codes; empty without 户籍人口 or a valid ID in it.
    """
    columns = column_names(con, "hukou") if "hukou" in table_names(con) else set()
    if "id_number_status" not in columns:
        return frozenset()
    county = "county" if "county" in columns else "NULL"
    rows = con.execute(
        f"SELECT left(id_number, 6) AS region FROM hukou WHERE id_number_status = 'valid' "
        f"GROUP BY {county}, region "
        f"QUALIFY count(*) >= ? * sum(count(*)) OVER (PARTITION BY {county})",
        [REGION_SHARE],
    ).fetchall()
    return frozenset(region for (region,) in rows)


def struck_records(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """The rows read though struck through in their file (``row_struck``): registry and
    record id.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database an ingest wrote.

    Returns
    -------
    set of (str, str)
        (registry, record_id) of each struck row.
    """
    return set(con.execute("SELECT DISTINCT registry, record_id FROM dq_findings "
                           "WHERE problem = 'row_struck'").fetchall())  # fmt: skip


def findings_by_problem(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, int]]:
    """(registry, column, problem, count) for every kind of finding, most frequent first.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database an ingest wrote.

    Returns
    -------
    list[tuple[str, str, str, int]]
        One tuple per registry, column and problem found.
    """
    return con.execute(
        "SELECT registry, column_name, problem, count(*) AS n FROM dq_findings "
        "GROUP BY ALL ORDER BY n DESC, registry, column_name"
    ).fetchall()


def payments_without_month(con: duckdb.DuckDBPyConnection) -> tuple[int, Decimal]:
    """How many payment lines have no month read (blank, unread or ambiguous: each a
    finding), and their money: it counts in no month paid, so the leads on months paid (a
    death's, a mismatch's) are short of it.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database an ingest wrote.

    Returns
    -------
    tuple[int, Decimal]
        The lines and their amounts' sum (0 and 0 without a payments table).
    """
    if "payments" not in table_names(con):
        return 0, Decimal(0)
    return con.execute(
        "SELECT count(*), coalesce(sum(amount), 0) FROM payments WHERE pay_month IS NULL"
    ).fetchone()


def completeness(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, float]]:
    """(registry, column, share of rows filled) for every normalised column of the stored
    drop's registries (derived columns aside).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database an ingest wrote.

    Returns
    -------
    list[tuple[str, str, float]]
        One tuple per registry and contract column, the share between 0 and 1.
    """
    present = {name for (name,) in con.execute("SELECT registry FROM ingest_files").fetchall()}
    shares = []
    for registry in (name for name in REGISTRIES if name in present):
        columns = [column.name for column in REGISTRIES[registry].columns]
        filled = ", ".join(f"count({name}) / count(*)" for name in columns)
        values = con.execute(f"SELECT {filled} FROM {registry}").fetchall()[0]
        shares += [(registry, name, float(value or 0.0))
                   for name, value in zip(columns, values, strict=True)]  # fmt: skip
    return shares


@dataclass(frozen=True)
class SourceSummary:
    """One table read: where, how its header was read and mapped, what it gave."""

    registry: str
    file: str
    sheet: str | None
    header_rows: list[int]
    mapping: list[tuple[str, str]]
    unmapped: list[str]
    rows: int
    skipped: dict[str, int]
    notes: list[str]


def source_summaries(con: duckdb.DuckDBPyConnection) -> list[SourceSummary]:
    """Every table the stored drop was read from, in the order they were numbered.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database an ingest wrote.

    Returns
    -------
    list[SourceSummary]
        One summary per table read (a file's sheet), from ``ingest_sources``.
    """
    rows = con.execute(
        "SELECT registry, file, sheet, header_rows, mapping, unmapped, rows, skipped, notes "
        "FROM ingest_sources ORDER BY source_no"
    ).fetchall()
    return [SourceSummary(registry, file, sheet, list(header_rows), json.loads(mapping),
                          json.loads(unmapped), rows, json.loads(skipped), json.loads(notes))
            for registry, file, sheet, header_rows, mapping, unmapped, rows, skipped, notes
            in rows]  # fmt: skip


def skipped_whole(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str | None, str]]:
    """(file, sheet, reason) of every file or sheet not read.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database an ingest wrote.

    Returns
    -------
    list[tuple[str, str | None, str]]
        One tuple per file or sheet skipped whole, by file and sheet; the reason in Chinese.
    """
    return con.execute(
        "SELECT file, sheet, reason FROM ingest_skipped WHERE row_no IS NULL ORDER BY file, sheet"
    ).fetchall()


def reused_files(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """The files whose rows the last ingest took from the ingest before, and how:
    ``unchanged`` (not read again) or ``appended`` (only the rows added at the end read).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database an ingest wrote.

    Returns
    -------
    list[tuple[str, str]]
        (path, how), by path.
    """
    return con.execute(
        "SELECT DISTINCT path, reused FROM ingest_files WHERE reused IS NOT NULL ORDER BY path"
    ).fetchall()


FINDINGS_HEADERS = (
    "名册",
    "文件",
    "工作表",
    "行号",
    "记录编号",
    "列",
    "问题",
    "原值（证件号、电话已遮蔽）",
)
SKIPPED_HEADERS = ("文件", "工作表", "行号", "未读取的原因")
LONE_DEATHS_SHEET = "未能确认身份的死亡记录"
LONE_DEATHS_HEADERS = ("文件", "工作表", "行号", "记录编号", "姓名", "性别", "乡镇", "死亡日期",
                       "数据来源", "可能对应人数", "其中在保人数", "说明")  # fmt: skip
UNJUDGED_SHEET = "无法判断的疑点类型"
UNJUDGED_HEADERS = ("缺少的名册", "区县", "乡镇", "名册中案件数", "名册中记录数", "无法判断的疑点类型",
                    "说明")  # fmt: skip
REMOVED_SHEET = "已删除的记录"
REMOVED_HEADERS = ("名册", "记录编号", "姓名", "身份证号（已遮蔽）", "上次读取的文件", "说明")
REMOVED_NOTE = "本次数据中已没有该记录（上次数据中有）：如非有意删除，请核实"


def write_findings_workbook(con: duckdb.DuckDBPyConnection, path: Path, *,
                            unattributed: list[list] | None = None,
                            unjudged: list[list] | None = None,
                            removed: pa.Table | None = None) -> int:  # fmt: skip
    """数据问题清单.xlsx: every finding with the file, sheet, row and column (as the file heads
    it) where a clerk fixes it, and every row, sheet and file not read; the findings count.
    After linking, a third sheet lists the ``unattributed`` death notices (too many namesakes
    may be their person for a lead on each, or no one matches them): shown for the source
    office to be asked for the ID, not dropped unseen; a fourth the registries and
    townships missing, with the case types they leave unjudged (``unjudged``); and after an
    update, a fifth every row the last drop held that this one does not (``removed``).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database an ingest wrote.
    path : Path
        Where to save the workbook (its folder is created if missing).
    unattributed : list of list, optional
        The rows of ``unattributed_deaths``.
    unjudged : list of list, optional
        The rows of ``UNJUDGED_HEADERS`` (``models.data_gaps.Unjudged.row``).
    removed : pa.Table, optional
        The rows of ``REMOVED_HEADERS`` (``removed_rows``).

    Returns
    -------
    int
        The number of findings written.
    """
    con.register("_shown", _finding_words(con))
    try:
        findings = con.sql(
            "SELECT w.registry_words, s.file, s.sheet, f.row_no, f.record_id, w.column_words, "
            "w.problem_words, f.raw_value FROM dq_findings f "
            "LEFT JOIN ingest_sources s USING (source_no) "
            "JOIN _shown w ON w.registry = f.registry "
            "AND w.column_name IS NOT DISTINCT FROM f.column_name AND w.problem = f.problem "
            "AND w.mapping IS NOT DISTINCT FROM s.mapping "
            "ORDER BY f.source_no, f.row_no, f.column_name"
        ).to_arrow_table()  # fmt: skip
    finally:
        con.unregister("_shown")
    skipped = con.sql(
        "SELECT file, sheet, row_no, reason FROM ingest_skipped ORDER BY file, sheet, row_no"
    ).to_arrow_table()
    sheets = {"数据问题": findings.rename_columns(FINDINGS_HEADERS),
              "未读取的行": skipped.rename_columns(SKIPPED_HEADERS)}  # fmt: skip
    if unattributed is not None:
        sheets[LONE_DEATHS_SHEET] = _sheet_of(LONE_DEATHS_HEADERS, unattributed)
    if unjudged is not None:
        sheets[UNJUDGED_SHEET] = _sheet_of(UNJUDGED_HEADERS, unjudged)
    if removed is not None:
        sheets[REMOVED_SHEET] = removed
    write_workbook(path, sheets)
    return findings.num_rows


def removed_rows(con: duckdb.DuckDBPyConnection) -> pa.Table | None:
    """Every row the drop before held that the last update's drop does not
    (``resolver.outputs.REMOVED_ROWS``), by registry and record id, under ``REMOVED_HEADERS``:
    the registry in Chinese, the record id, the person's name and ID in the last published
    run (the ID masked, ``mask_id``), the file it was last read from when known, and what it
    means; None when the last link was no update's.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database, after linking.

    Returns
    -------
    pa.Table or None
        One row per removed row.
    """
    if REMOVED_ROWS not in table_names(con):
        return None
    found = con.sql(
        f"SELECT registry, record_id, name, id18, file FROM {REMOVED_ROWS} "
        "ORDER BY registry, record_id"
    ).to_arrow_table()
    return pa.table({
        REMOVED_HEADERS[0]: pa.array([REGISTRIES[name].chinese for name in
                                      found["registry"].to_pylist()], pa.string()),
        REMOVED_HEADERS[1]: found["record_id"],
        REMOVED_HEADERS[2]: found["name"],
        REMOVED_HEADERS[3]: pa.array([mask_id(id18) or None for id18 in found["id18"].to_pylist()],
                                     pa.string()),
        REMOVED_HEADERS[4]: found["file"],
        REMOVED_HEADERS[5]: pa.array([REMOVED_NOTE] * found.num_rows, pa.string()),
    })  # fmt: skip


def _finding_words(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Each distinct registry, column, problem and file mapping of the findings, with the
    words the workbook shows for them: the registry's Chinese name, the column as the file
    heads it (``_file_header``) and the problem's wording (``problem_label``)."""
    keys = con.execute(
        "SELECT DISTINCT f.registry, f.column_name, f.problem, s.mapping FROM dq_findings f "
        "LEFT JOIN ingest_sources s USING (source_no)"
    ).fetchall()
    headers = {}
    for registry, column, _, mapping in keys:
        mapped = {name: header for header, name in json.loads(mapping or "[]")}
        headers[registry, column, mapping] = _file_header(mapped, registry, column)
    columns = list(zip(*keys, strict=True)) or [(), (), (), ()]
    return pa.table({
        "registry": pa.array(columns[0], pa.string()),
        "column_name": pa.array(columns[1], pa.string()),
        "problem": pa.array(columns[2], pa.string()),
        "mapping": pa.array(columns[3], pa.string()),
        "registry_words": pa.array([REGISTRIES[key[0]].chinese for key in keys], pa.string()),
        "column_words": pa.array([headers[key[0], key[1], key[3]] for key in keys], pa.string()),
        "problem_words": pa.array([problem_label(key[2]) for key in keys], pa.string()),
    })  # fmt: skip


def _sheet_of(headers: tuple[str, ...], rows: list[list]) -> pa.Table:
    """Rows of a small sheet as a table under ``headers``: a column of whole numbers (and
    blanks) as numbers, any other as text."""
    columns = list(zip(*rows, strict=True)) or [()] * len(headers)
    return pa.table({
        header: pa.array(values, pa.int64()) if _whole_numbers(values)
        else pa.array([None if value is None else str(value) for value in values], pa.string())
        for header, values in zip(headers, columns, strict=True)
    })  # fmt: skip


def _whole_numbers(values: tuple) -> bool:
    return any(value is not None for value in values) and all(
        value is None or (isinstance(value, int) and not isinstance(value, bool))
        for value in values
    )


def _file_header(headers: dict[str, str], registry: str, column: str) -> str:
    """The file's header of a column, or of the column a derived one (``cert_no_type``) comes
    from; the contract's header when the file has none."""
    found = source_column(registry, column)
    return headers.get(found.name, found.header) if found else column


def unattributed_deaths(con: duckdb.DuckDBPyConnection, most_candidates: int) -> list[list]:
    """The death notices linked to no one that no lead was raised on, as the file has them:
    file, sheet, row, record id, name, gender, township, death date, source, how many persons,
    how many of those a roster covers now (a covered row without an end date: the notice to
    ask about first, whose namesake may be paid after his death) and what to do. A notice more than ``most_candidates`` persons may be (namesakes), one no
    person matches at all (someone the registries do not hold, or a name or place written
    past recognition: a dead member paid under a garbled name would be lost unseen), and one
    taken for a second report of a candidate's death (her own notice dates it within
    ``resolver.outputs.NOTICE_DATE_SLIP_DAYS``) that namesakes may be as well: no lead is
    raised on them, so it is listed with the notice it may repeat; likewise one taken for
    the death a candidate's roster row ended at, listed with that row. A notice carrying a
    candidate's valid ID under another name (a changed name, or an ID typed on another's
    notice) is listed too, naming the candidate's row: its lead, if any, is uncertain, and
    the name is to be checked.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The run's database, after linking.
    most_candidates : int
        How many persons a notice may be and still be a lead on each.

    Returns
    -------
    list of list
        One row per notice, in file order.
    """
    if not {"deaths", ENTITIES} <= set(table_names(con)):  # a drop without death notices
        return []
    found = lone_death_candidates(con)
    con.register("_candidates", pa.table({
        "record_id": pa.array([row[0] for row in found], pa.string()),
        "person_id": pa.array([row[1] for row in found], pa.string()),
        "count": pa.array([row[3] for row in found], pa.int64()),
        "others": pa.array([row[4] for row in found], pa.int64())}))  # fmt: skip
    covered = ("SELECT e.person_id FROM assistance a JOIN " + ENTITIES + " e ON e.registry = "
               "'assistance' AND e.record_id = a.record_id WHERE a.covered = 'yes' "
               "AND a.end_date IS NULL" if "assistance" in table_names(con)
               else "SELECT NULL AS person_id WHERE false")  # fmt: skip
    ended = _ENDED if "assistance" in table_names(con) else _NONE_ENDED
    notices = con.execute(
        "SELECT s.file, s.sheet, r.row_no, d.record_id, r.name, r.gender, r.township, "
        "r.death_date, r.source, coalesce(c.count + c.others, 0) AS persons, "
        "(SELECT count(DISTINCT k.person_id) FROM _candidates k "
        f" WHERE k.record_id = d.record_id AND k.person_id IN ({covered})) AS covered, "
        f"(SELECT min(o.record_id) FROM {ENTITIES} o WHERE o.registry = 'deaths' "
        "   AND o.person_id = c.person_id AND c.others > 0) AS repeated, "
        "n.registry AS renamed_registry, n.row_id AS renamed_row, n.name AS renamed_name, "
        "n.id18 AS renamed_id18, d.birth_date, d.gender, "
        f"(SELECT [x.row_id, x.name, x.end_date::VARCHAR] FROM ({ended}) x "
        "  WHERE x.person_id = c.person_id AND c.count = 1 AND c.others > 0) AS ended, "
        f"({_ROSTERED}) AS rostered "
        f"FROM deaths d JOIN {ENTITIES} e ON e.registry = 'deaths' AND e.record_id = d.record_id "
        "JOIN raw_deaths r USING (source_no, row_no) LEFT JOIN ingest_sources s USING (source_no) "
        "LEFT JOIN (SELECT * FROM _candidates QUALIFY row_number() OVER "
        "           (PARTITION BY record_id ORDER BY person_id) = 1) c "
        "       ON c.record_id = d.record_id "
        f"LEFT JOIN ({_RENAMED}) n ON n.record_id = d.record_id "
        f"WHERE e.person_id IN (SELECT person_id FROM {ENTITIES} GROUP BY person_id "
        "                      HAVING count(*) = 1) "
        "  AND (c.count IS NULL OR c.count > ? OR c.others > 0 OR n.row_id IS NOT NULL "
        "       OR rostered = 0) "
        "ORDER BY r.source_no, r.row_no",
        [most_candidates],
    ).fetchall()
    con.unregister("_candidates")
    return [[*notice[:11], _notice_note(notice[9], notice[11], notice[10],
                                        _renamed(*notice[12:18]), notice[18],
                                        off_rosters=notice[19] == 0)]
            for notice in notices]  # fmt: skip


# How many of the persons a notice may be are on a roster at all: none, and no death lead can
# rest on it (until 2026-12-07 (late) such a notice, one to three persons of the 户籍 or a
# certificate matching it, was listed nowhere: a blind tester's 28 of 44 notices).
_ROSTERED = (
    "SELECT count(DISTINCT k.person_id) FROM _candidates k WHERE k.record_id = d.record_id "
    f"AND k.person_id IN (SELECT person_id FROM {ENTITIES} WHERE registry = 'assistance')"
)


# Per person, her latest roster row (``row_id``, its ``name`` and ``end_date``): the row whose
# end near a notice's date made the notice hers (``resolver.outputs.lone_death_candidates``).
_ENDED = f"""
SELECT e.person_id, e.record_id AS row_id, p.name, a.end_date
FROM assistance a JOIN {ENTITIES} e ON e.registry = 'assistance' AND e.record_id = a.record_id
JOIN {PERSONS} p ON p.unique_id = 'assistance:' || a.record_id
QUALIFY row_number() OVER (PARTITION BY e.person_id ORDER BY a.end_date DESC NULLS FIRST,
                                                              e.record_id) = 1
"""
_NONE_ENDED = "SELECT NULL AS person_id, NULL AS row_id, NULL AS name, NULL AS end_date WHERE false"


# Per listed notice, a candidate's row carrying the notice's valid 18-digit ID under another
# name (a roster row first): registry, row_id and name.
_RENAMED = f"""
SELECT k.record_id, e.registry, e.record_id AS row_id, p.name, n.id18
FROM _candidates k
JOIN {PERSONS} n ON n.unique_id = 'deaths:' || k.record_id
JOIN {ENTITIES} e ON e.person_id = k.person_id
JOIN {PERSONS} p ON p.unique_id = e.registry || ':' || e.record_id
WHERE p.id18 = n.id18 AND p.id_status = 'valid' AND n.id_status = 'valid' AND p.name <> n.name
QUALIFY row_number() OVER (PARTITION BY k.record_id
                           ORDER BY e.registry <> 'assistance', e.registry, e.record_id) = 1
"""
RENAMED_NOTE = "身份证号相同但姓名不同"
"""What the note of a listed notice carrying a candidate's ID under another name says."""
ENDED_NOTE = "视为其死亡记录"
"""What the note of a listed notice taken for the death a candidate's roster row ended at says
(``resolver.outputs.lone_death_candidates``): no lead is raised on its namesakes."""
MISTYPED_NOTE = "与该身份证号不符：可能是他人的死亡登记填错了身份证号，未列为疑点"
"""What the note of such a notice says besides when its own birth date or gender is not the
ID's (``resolver.idcard.details_not_of_id``): no lead is raised on it."""


@dataclass(frozen=True)
class _Renamed:
    """A candidate's row carrying a listed notice's valid ID under another name, and what of
    its own the notice writes that the ID contradicts."""

    registry: str
    row_id: str
    name: str
    not_of_id: list[str]


def _renamed(registry: str | None, row_id: str | None, name: str | None, id18: str | None,
             born, gender: str | None) -> _Renamed | None:  # fmt: skip
    """The renamed row of a listed notice (None when none), with the notice's own birth date
    (``born``) and ``gender`` that its ``id18`` contradicts."""
    if row_id is None:
        return None
    return _Renamed(registry, row_id, name, details_not_of_id(id18, born, gender))


def _notice_note(persons: int, repeated: str | None, covered: int,
                 renamed: _Renamed | None, ended: list[str] | None, *,
                 off_rosters: bool = False) -> str:  # fmt: skip
    """What a listed notice's row says: why no lead, what to do, and first when one of the
    persons it may be is covered now; a candidate's row carrying the notice's ID under another
    name (``renamed``) is named, and whether the notice is taken for a changed name or, its
    own birth date or gender not the ID's, another's notice typed with the ID; the roster row
    whose end at the death made the notice its person's (``ended``: record id, name, end
    date) is named, with the namesakes it may be as well; a notice only persons on no roster
    may be (``off_rosters``) says so (``OFF_ROSTERS_NOTE``)."""
    first = f"其中 {covered} 人目前在保（可能死亡后仍在领取），请优先核实；" if covered else ""
    if renamed and renamed.not_of_id:
        return (f"{first}与{REGISTRIES[renamed.registry].chinese}记录 {renamed.row_id}"
                f"（{renamed.name}）{RENAMED_NOTE}，且死亡记录所填的{'、'.join(renamed.not_of_id)}"
                f"{MISTYPED_NOTE}；请核实死者身份")  # fmt: skip
    if renamed:
        return (f"{first}与{REGISTRIES[renamed.registry].chinese}记录 {renamed.row_id}"
                f"（{renamed.name}）{RENAMED_NOTE}：可能已改名，也可能是死亡登记填错了身份证号；"
                "已按可能是本人处理（如其在保且死亡后仍有发放，已列为死亡后仍发放疑点，待核实），"
                "请查户籍曾用名或改名记录，核实死者身份")  # fmt: skip
    if repeated:
        return (f"{first}可能是死亡记录 {repeated}（同一人，死亡日期相近）的重复上报，但另有同名人员也可能是"
                "本人，无法确定是谁，未列为疑点；请向数据来源部门核实身份证号后重新比对")  # fmt: skip
    if ended:
        row, name, end = ended
        return (f"{first}已按救助对象记录 {row}（{name}，退出日期 {end}，与死亡日期相近）{ENDED_NOTE}；"
                f"另有 {persons - 1} 名同名人员也可能是本人，未对其列为疑点；如死者实为同名人员，"
                "请向数据来源部门核实身份证号后重新比对")  # fmt: skip
    if off_rosters and persons > 0:
        return f"可能对应 {persons} 人，{OFF_ROSTERS_NOTE}；如为保障对象，请核实身份证号后重新比对"
    return first + NOTICE_NOTES[persons > 0]


OFF_ROSTERS_NOTE = "均不在救助名册中，不涉及救助发放，未列为疑点"
"""What the note of a listed notice says when no person it may be is on a roster."""


UNLINKED_NOTICE = "可能不是任何名册上的人员，如户籍已注销、未纳入救助的人员，或不是本县户籍人员"
"""Why a death notice may be linked to no record, the likeliest first: a 公安 notice of a man
whose 户籍 row was cancelled at his death and who is on no other registry (a blind tester's 8
notices of 8, nothing to pay); the rest of each message says its other reasons."""
NOTICE_NOTES = {
    True: "重名，无法确定是谁，未列为疑点；请向数据来源部门核实身份证号后重新比对",
    False: f"未能与任何名册记录关联（{UNLINKED_NOTICE}；或名册中的同名人员性别、村组与死亡记录不符，"
    "或已有本人另一日期的死亡记录；或姓名、乡镇、住址与名册写法差异过大），未列为疑点；"
    "如为保障对象，请核实身份证号后重新比对",
}


class DeathsTable(NamedTuple):
    """A deaths table as the last ingest stored it (``ingest_sources``)."""

    number: int
    file: str
    header: str
    """The header its 死亡日期 was read from; blank when none."""
    origin: str | None
    """The registry it was derived from (``resolver.tables.derived_notices``: the 户籍人口 or
    残疾人 table numbered just before it, of the same file and sheet), else None."""


def deaths_tables(con: duckdb.DuckDBPyConnection) -> list[DeathsTable]:
    """Each deaths table of the last ingest, by number; none without ``ingest_sources``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The database.

    Returns
    -------
    list of DeathsTable
        In their numbers' order.
    """
    if "ingest_sources" not in table_names(con):
        return []
    origins = ", ".join(f"'{name}'" for name in DERIVED_SOURCES)
    read = con.execute(f"""
        SELECT s.source_no, s.file, s.mapping, o.registry FROM ingest_sources s
        LEFT JOIN ingest_sources o ON o.source_no = s.source_no - 1 AND o.file = s.file
            AND o.sheet IS NOT DISTINCT FROM s.sheet AND o.registry IN ({origins})
        WHERE s.registry = 'deaths' ORDER BY s.source_no
    """).fetchall()  # fmt: skip
    return [DeathsTable(number, file, next((header for header, name in json.loads(mapping)
                                            if name == "death_date"), ""), origin)
            for number, file, mapping, origin in read]  # fmt: skip
