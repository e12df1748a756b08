"""The six registries of a data drop, as ``../shared/CONTRACT.md`` section 1 lists them.

Each column has an English name, the Chinese header county offices use, whether it is
required, and a *kind* that says which normaliser cleans it (see ``resolver.normalize``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from resolver.errors import DoudiError


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    kind: str
    required: bool = False


@dataclass(frozen=True)
class Registry:
    name: str
    chinese: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        """One of the registry's columns, by its English name.

        Parameters
        ----------
        name : str
            The column's English name; it must be one of the registry's.

        Returns
        -------
        Column
            The column (``StopIteration`` is raised when the registry has none of that name).
        """
        return next(column for column in self.columns if column.name == name)

    @property
    def required(self) -> tuple[str, ...]:
        """The English names of the required columns, in the contract's order."""
        return tuple(column.name for column in self.columns if column.required)


def _c(name: str, header: str, kind: str, required: bool = False) -> Column:
    return Column(name, header, kind, required)


RECORD_ID = _c("record_id", "记录编号", "code", True)
NAME = _c("name", "姓名", "name", True)
ID_NUMBER = _c("id_number", "身份证号码", "id")
GENDER = _c("gender", "性别", "gender")
BIRTH_DATE = _c("birth_date", "出生日期", "date")
RELATION = _c("relation", "与户主关系", "relation")
TOWNSHIP = _c("township", "乡镇", "township")
VILLAGE = _c("village", "村组", "village")
ADDRESS = _c("address", "住址", "address")
PHONE = _c("phone", "联系电话", "phone")
HEALTH = _c("health", "健康状况", "health")
BANK_ACCOUNT = _c("bank_account", "银行账号", "account")

REGISTRIES: dict[str, Registry] = {
    registry.name: registry
    for registry in (
        Registry(
            "hukou",
            "户籍人口",
            (
                RECORD_ID,
                _c("hukou_no", "户号", "code", True),
                NAME,
                ID_NUMBER,
                GENDER,
                BIRTH_DATE,
                RELATION,
                TOWNSHIP,
                VILLAGE,
                ADDRESS,
                PHONE,
                _c("former_name", "曾用名", "former_name"),
            ),
        ),
        Registry(
            "assistance",
            "救助对象",
            (
                RECORD_ID,
                _c("case_no", "救助证号", "code", True),
                NAME,
                ID_NUMBER,
                GENDER,
                BIRTH_DATE,
                RELATION,
                _c("program", "救助类型", "program", True),
                _c("dibao_class", "低保类别", "dibao_class"),
                _c("covered", "是否保障对象", "yes_no", True),
                _c("household_size", "家庭人数", "count"),
                HEALTH,
                _c("income_per_capita", "家庭人均月纯收入（元）", "amount"),
                _c("start_date", "纳入日期", "date", True),
                _c("end_date", "退出日期", "date"),
                TOWNSHIP,
                VILLAGE,
                ADDRESS,
                PHONE,
                BANK_ACCOUNT,
            ),
        ),
        Registry(
            "payments",
            "发放记录",
            (
                RECORD_ID,
                _c("case_no", "救助证号", "code", True),
                _c("payee_name", "领款人姓名", "name"),
                _c("payee_id_number", "领款人身份证号码", "id"),
                BANK_ACCOUNT,
                _c("pay_month", "发放月份", "month", True),
                _c("amount", "发放金额（元）", "amount", True),
                # the class's money apart from 分类施保金 (monthly extras for the old, the
                # disabled, children), where a ledger writes it apart
                _c("base_amount", "保障金", "amount"),
                _c("program", "救助类型", "program"),
            ),
        ),
        Registry(
            "poverty",
            "建档立卡",
            (
                RECORD_ID,
                _c("poverty_hh_no", "户编号", "code", True),
                NAME,
                ID_NUMBER,
                GENDER,
                BIRTH_DATE,
                RELATION,
                TOWNSHIP,
                VILLAGE,
                _c("poverty_status", "贫困户状态", "poverty_status"),
                _c("labor_capacity", "劳动技能", "labor_capacity"),
                HEALTH,
                _c("poverty_cause", "主要致贫原因", "text"),
                _c("income_per_capita_year", "人均纯收入（元/年）", "amount"),
            ),
        ),
        Registry(
            "disability",
            "残疾人",
            (
                RECORD_ID,
                _c("cert_no", "残疾证号", "cert"),
                NAME,
                ID_NUMBER,
                GENDER,
                _c("disability_type", "残疾类别", "disability_type", True),
                _c("disability_level", "残疾等级", "disability_level", True),
                TOWNSHIP,
                VILLAGE,
                _c("issue_date", "发证日期", "date"),
            ),
        ),
        Registry(
            "deaths",
            "死亡人员",
            (
                RECORD_ID,
                NAME,
                ID_NUMBER,
                GENDER,
                BIRTH_DATE,
                _c("death_date", "死亡日期", "date", True),
                _c("source", "数据来源", "death_source"),
                TOWNSHIP,
                VILLAGE,
                ADDRESS,
            ),
        ),
    )
}

# Columns the contract does not list that Doudi still reads from a row's extras, under the
# first of these headers the file has: the day the household's income was last assessed
# (the 渐退 period runs from it), whether the case is urban or rural (城乡属性: 城市/农村;
# without it, from 城市低保/农村低保 in 救助类型; ``resolver.normalize.urban_or_rural``), and
# the poverty household's mark as one 低保 covers.
INCOME_DATE_HEADERS = ("收入核定日期", "收入核查日期", "收入变化日期", "income_assessed_date")
AREA_HEADERS = ("城乡属性", "城乡类别", "城乡类型", "城乡分类", "城乡", "城乡标识", "urban_rural")
# A 特困 member's care level (护理等级: 全自理, 半护理, 全护理; ``resolver.normalize.care_level``),
# which prices his 照料护理费 (``models.amounts.care_amounts``).
CARE_LEVEL_HEADERS = ("护理等级", "照料护理等级", "护理级别", "生活自理能力", "自理能力")
DIBAO_MARK_HEADERS = ("扶贫低保户", "是否扶贫低保户", "是否低保户", "兜底保障户")
# A 公安 户籍 export says a 户号's kind (户别: 家庭户 / 集体户): a collective hukou (a 社区公共户,
# an institution's) registers strangers, no family (``models.graph``).
HOUSEHOLD_KIND_HEADERS = ("户别", "户类型", "户类别", "户口类别", "户口类型")
# A 公安 户籍注销 export lists every cancelled registration, of the dead and of those who
# moved away or joined the army: its reason column says which rows are death notices
# (``resolver.tables.death_notices_only``).
CANCEL_REASON_HEADERS = ("注销原因", "注销类别", "注销类型", "销户原因")
# A 户籍人口 export may say which registrations were cancelled (户口状态: 正常, 注销, 死亡注销),
# why (``CANCEL_REASON_HEADERS``) and when (``CANCEL_DATE_HEADERS``), as a 残联 export says of
# its certificates: a row cancelled for death is also a death notice
# (``resolver.tables.cancelled_for_death``).
HUKOU_STATUS_HEADERS = ("户口状态", "户籍状态", "户口登记状态", "人口状态")
CANCEL_DATE_HEADERS = ("注销日期", "注销时间", "销户日期", "注销登记日期")
# A 残联 export says whether each certificate is in force: its status (证件状态: 正常, 注销,
# 死亡注销, 迁出 …), the last day it is valid (有效期至) and, for one cancelled, why
# (``CANCEL_REASON_HEADERS``: 注销原因) (``models.certificates``).
CERT_STATUS_HEADERS = ("证件状态", "持证状态", "残疾证状态", "证件状况", "证状态", "人员状态")
CERT_VALID_HEADERS = ("有效期至", "有效期", "有效期限", "证件有效期", "证件有效期至",
                      "有效截止日期", "有效期截止日期", "有效期止", "到期日期")  # fmt: skip
# A province's rows in one set of files say their county in a column: its 6-digit division
# code (a longer code, a village's, begins with it) or its name (``resolver.ingest``).
COUNTY_HEADERS = ("区县", "所属区县", "县区", "所属县区", "县（市、区）", "县(市、区)", "县市区",
                  "区县名称", "区县代码", "行政区划代码", "区划代码", "登记区县", "所在区县",
                  "county")  # fmt: skip


def county_of_number(number: str) -> str | None:
    """The county a number of a drop of several counties begins with (``甲县/DB01``:
    ``resolver.ingest.numbered_in``); None for a number without one.

    Parameters
    ----------
    number : str
        A record id, 户号, 救助证号 or 户编号 as the drop holds it.

    Returns
    -------
    str or None
        The county.

    Examples
    --------
    >>> county_of_number("甲县/DB01"), county_of_number("DB01")
    ('甲县', None)
    """
    county, slash, _ = number.partition("/")
    return county if slash else None


# A payments export may write the year and the month in two columns (年度 2024 | 月份 3): the
# month-only cell takes its row's year (``resolver.tables``).
YEAR_HEADERS = ("年度", "年份", "发放年度", "发放年份", "所属年度", "所属年份", "保障年度")
# A payments ledger may pay other funds beside the monthly allowance (取暖费, 春节慰问金,
# 残疾人两项补贴 …) and say each line's in a column of these headers, or of others whose values
# are such categories (``resolver.tables``: kept under the first); ``resolver.funds`` tells them.
FUND_HEADERS = ("资金类别", "资金项目", "资金名称", "资金类型", "项目名称", "项目类别", "发放项目",
                "发放类别", "发放内容", "补助类别", "补助项目", "补助类型", "补贴类别", "补贴项目",
                "补贴类型", "补贴名称", "款项名称")  # fmt: skip
READ_EXTRAS = {
    name: COUNTY_HEADERS + {"hukou": HOUSEHOLD_KIND_HEADERS + HUKOU_STATUS_HEADERS
                                     + CANCEL_REASON_HEADERS + CANCEL_DATE_HEADERS,
                            "assistance": INCOME_DATE_HEADERS + AREA_HEADERS + CARE_LEVEL_HEADERS,
                            "payments": YEAR_HEADERS + FUND_HEADERS,
                            "poverty": DIBAO_MARK_HEADERS,
                            "disability": CERT_STATUS_HEADERS + CERT_VALID_HEADERS
                                          + CANCEL_REASON_HEADERS + CANCEL_DATE_HEADERS,
                            "deaths": CANCEL_REASON_HEADERS}.get(name, ())
    for name in ("hukou", "assistance", "payments", "poverty", "disability", "deaths")
}  # fmt: skip

PERSON_REGISTRIES = ("hukou", "assistance", "poverty", "disability", "deaths")


def extra_value(headers: tuple[str, ...]) -> str:
    """SQL for the first of ``headers`` the raw row ``r`` carries among its columns beside
    the contract's (``raw_{registry}.extra``).

    Parameters
    ----------
    headers : tuple of str
        The headers, first the preferred (``AREA_HEADERS`` …).

    Returns
    -------
    str
        A ``coalesce`` of ``r.extra[...]`` lookups.

    Examples
    --------
    >>> extra_value(("城乡属性", "城乡"))
    "coalesce(r.extra['城乡属性'], r.extra['城乡'])"
    """
    return "coalesce(" + ", ".join(f"r.extra['{header}']" for header in headers) + ")"


def source_column(registry: str, column: str) -> Column | None:
    """The contract column a column is, or the one a derived column (``id_number_status``,
    ``cert_no_level``) comes from; None when there is none.

    Parameters
    ----------
    registry : str
        The registry's English name.
    column : str
        A column of its normalised table (``id_number_status`` ...).

    Returns
    -------
    Column | None
        The column whose name is the longest that begins ``column``, or None.
    """
    columns = sorted(REGISTRIES[registry].columns, key=lambda c: -len(c.name))
    return next((c for c in columns if column.startswith(c.name)), None)


def column_header(registry: str, column: str) -> str:
    """The Chinese header of ``source_column``; the name itself when there is none.

    Parameters
    ----------
    registry : str
        The registry's English name.
    column : str
        A column of its normalised table.

    Returns
    -------
    str
        The contract's Chinese header, or ``column`` itself.
    """
    found = source_column(registry, column)
    return found.header if found else column


def registry_named(name: str) -> str:
    """A registry's English name from either of its names.

    Parameters
    ----------
    name : str
        Its English (``deaths``) or Chinese (``死亡人员``) name.

    Returns
    -------
    str
        Its English name.

    Raises
    ------
    DoudiError
        If no registry has that name (the message lists them).

    Examples
    --------
    >>> registry_named("死亡人员"), registry_named("deaths")
    ('deaths', 'deaths')
    """
    for registry in REGISTRIES.values():
        if name.strip() in (registry.name, registry.chinese):
            return registry.name
    names = "、".join(registry.chinese for registry in REGISTRIES.values())
    raise DoudiError(f"没有名为「{name}」的名册：可用的名册为 {names}")


def county_label(county: str, aliases: Collection[str]) -> str:
    """How a county is written for a reader: as stored when that is a name; else the one
    name it goes by (none, or two: the division code).

    Parameters
    ----------
    county : str
        The county as stored.
    aliases : collection of str
        Its other names and codes (``resolver.ingest.county_aliases``).

    Returns
    -------
    str
        The name.

    Examples
    --------
    >>> county_label("532326", {"大姚县"}), county_label("松岭县", {"361223"}), county_label("532326", set())
    ('大姚县', '松岭县', '532326')
    """
    names = {name for name in aliases if not name.isdigit()}
    return county if not county.isdigit() or len(names) != 1 else names.pop()


def county_with_codes(county: str, aliases: Collection[str]) -> str:
    """A county's name with its division codes, as refusals list the counties of a drop.

    Parameters
    ----------
    county : str
        The county as stored.
    aliases : collection of str
        Its other names and codes (``resolver.ingest.county_aliases``).

    Returns
    -------
    str
        ``大姚县（532326）``; the name alone where no code is known.
    """
    label = county_label(county, aliases)
    codes = sorted(code for code in {county, *aliases} if code.isdigit() and code != label)
    return f"{label}（{'、'.join(codes)}）" if codes else label
