"""Which contract column a header names, and which registry a table of headers is.

The headers offices write are data: ``columns.csv`` beside this module lists them (表头, 字段,
名册: the header, the contract column's English name or Chinese header, and the registry it
holds for when only one), and a county adds its own in a file of the same form
(``doudi ingest --columns FILE``). The contract's own headers and English names always count.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from resolver.errors import InputError
from resolver.idcard import INVISIBLE
from resolver.reading import decode
from resolver.registries import REGISTRIES, Registry

BUILT_IN = Path(__file__).with_name("columns.csv")
MAPPING_HEADERS = ("表头", "字段", "名册")
# Words in a file, folder or sheet name that say which registry it holds (checked in order:
# a 低保 payments file names 发放 and 低保).
NAME_HINTS = (
    ("payments", ("发放", "资金", "打卡", "代发", "payments")),
    ("deaths", ("死亡", "火化", "殡葬", "deaths")),
    ("disability", ("残疾", "残联", "disability")),
    ("poverty", ("建档立卡", "贫困", "脱贫", "防返贫", "监测", "poverty")),
    ("hukou", ("户籍", "户口", "人口", "hukou")),
    ("assistance", ("救助对象", "低保", "特困", "保障对象", "供养", "五保", "assistance")),
)
# A header (as keyed: ``header_key``) of one column holding both a certificate's type and its
# level (残疾类别和等级, 残疾类别和残疾等级: 肢体二级; a bare 类别等级 is not one: a roster's 低保类别 may be so headed), and the 残疾人 columns it is
# read as, each from its part of a cell (``resolver.tables``, ``resolver.normalize.type_and_level``).
TYPE_AND_LEVEL_HEADER = re.compile(
    r"^残疾(?:类别|类型|种类)(?:和|及|与|、|/|-)?(?:残疾)?(?:等级|级别)$"
)
TYPE_AND_LEVEL = ("disability_type", "disability_level")


def header_key(header: str) -> str:
    """A header as matched: NFKC, no spaces, no parenthesised unit, no required mark, no
    leading column number, 帐 as 账 (帐号, 帐户: the older spelling many offices keep), lower
    case.

    Parameters
    ----------
    header : str
        A header as written in a file.

    Returns
    -------
    str
        Its key, compared with the vocabulary's.
    """
    text = INVISIBLE.sub("", unicodedata.normalize("NFKC", header))
    text = re.sub(r"\s+|\*|\(.*?\)", "", text)
    text = re.sub(r"^\d+[.、]", "", text)
    return text.replace("帐", "账").lower()


@dataclass(frozen=True)
class Vocabulary:
    """Header key -> contract column, per registry."""

    columns: dict[str, dict[str, str]]

    def column(self, registry: str, header: str) -> str | None:
        """The contract column a header names in a registry.

        Parameters
        ----------
        registry : str
            The registry's English name (``assistance``, ``hukou`` ...).
        header : str
            A header as written in a file.

        Returns
        -------
        str | None
            The contract column's name, or None if the registry has none under this header.
        """
        return _looked_up(self.columns[registry], header_key(header))

    def known(self, header: str) -> bool:
        """Whether any registry has a column under this header.

        Parameters
        ----------
        header : str
            A header as written in a file.

        Returns
        -------
        bool
            True if some registry maps it (an empty key never counts).
        """
        return bool(self.columns_named(header))

    def columns_named(self, header: str) -> set[str]:
        """The contract columns a header names in any registry.

        Parameters
        ----------
        header : str
            A header as written in a file.

        Returns
        -------
        set[str]
            The columns' English names (none for an empty key).
        """
        key = header_key(header)
        if TYPE_AND_LEVEL_HEADER.match(key):
            return set(TYPE_AND_LEVEL)
        found = (_looked_up(lookup, key) for lookup in self.columns.values()) if key else ()
        return {name for name in found if name}


# Between the names of one column a header gives as alternatives: 账号/卡号, 卡号、折号.
_ALTERNATIVES = re.compile("[/、]")


def _looked_up(lookup: dict[str, str], key: str) -> str | None:
    """The column a header's key names: its own entry, else the one column every name it
    gives as an alternative (账号/卡号: 账号 or 卡号) names."""
    if key in lookup or not _ALTERNATIVES.search(key):
        return lookup.get(key)
    names = {lookup.get(part) for part in _ALTERNATIVES.split(key)}
    return names.pop() if len(names) == 1 else None


def load_vocabulary(extra: Path | None = None) -> Vocabulary:
    """The built-in header table, the contract's headers, and a county's own ``extra`` file
    (its entries win).

    Parameters
    ----------
    extra : Path | None
        A county's mapping file (表头,字段,名册), or None.

    Returns
    -------
    Vocabulary
        Header key -> contract column, per registry.

    Raises
    ------
    InputError
        If a mapping file is missing, not UTF-8/GBK text, or has rows that cannot be used.
    """
    columns = {name: {} for name in REGISTRIES}
    for registry in REGISTRIES.values():
        for column in registry.columns:
            for spelling in (column.name, column.header):
                columns[registry.name][header_key(spelling)] = column.name
    for path in (BUILT_IN, extra):
        if path is not None:
            for header, column, registries in _mapping_rows(path):
                for name in registries:
                    columns[name][header_key(header)] = column
    return Vocabulary(columns)


def _mapping_rows(path: Path) -> Iterable[tuple[str, str, tuple[str, ...]]]:
    """(header, column, registries it holds for) of a mapping file; bad rows raise one error."""
    decoded = decode(path.read_bytes()) if path.is_file() else None
    if decoded is None:
        raise InputError(path, None, None, "列名对照文件不存在或不是 UTF-8/GBK 文本")
    rows = list(csv.reader(decoded[1].splitlines()))
    if not rows or tuple(cell.strip() for cell in rows[0][:2]) != MAPPING_HEADERS[:2]:
        raise InputError(path, 1, None, "列名对照文件的第一行应为：表头,字段,名册（名册可省略）")
    bad: dict[str, list[int]] = {}
    found = []
    for number, row in enumerate(rows[1:], start=2):
        cells = [cell.strip() for cell in row] + ["", ""]
        header, column, registry = cells[:3]
        if not header and not column:
            continue
        names = _registries_of(column, registry)
        if not header or not names:
            bad.setdefault(_why_unused(header, column, registry), []).append(number)
        else:
            found.append((header, _column_name(column, names[0]), names))
    if bad:
        said = [reason if len(bad) == 1 else f"第 {'、'.join(map(str, numbers))} 行{reason}"
                for reason, numbers in bad.items()]  # fmt: skip
        rows = sorted(number for numbers in bad.values() for number in numbers)
        raise InputError(path, rows, "字段", "无法识别的对照行：" + "；".join(said))
    return found


def _why_unused(header: str, column: str, registry: str) -> str:
    """Why a mapping row (表头, 字段, 名册) cannot be used, in Chinese: a blank header, a
    registry that is none of the six, a column no registry has, or one the named registry
    lacks (注销日期,死亡日期,户籍人口: 死亡日期 is 死亡人员's)."""
    known = [r for r in REGISTRIES.values() if registry in (r.name, r.chinese)]
    holding = [r.chinese for r in REGISTRIES.values() if _column_name(column, r.name)]
    if not header:
        return "表头为空"
    if registry and not known:
        names = "、".join(r.chinese for r in REGISTRIES.values())
        return f"名册「{registry}」不是六个名册之一（{names}）"
    if not holding:
        return f"字段「{column}」不是任何名册的标准列（须为标准列的英文名或中文表头）"
    derived = ("；户籍人口、残疾人表中注销原因为死亡的行，其注销日期已自动读作死亡日期，另作死亡记录，不必对照"
               if _column_name(column, "deaths") == "death_date" else "")  # fmt: skip
    return f"{known[0].chinese}没有「{column}」列，这是{'、'.join(holding)}的列{derived}"


def _registries_of(column: str, registry: str) -> tuple[str, ...]:
    """The registries a mapping row holds for: the one it names, else every registry that
    has the column (empty when the names are unknown)."""
    if registry:
        chosen = [r for r in REGISTRIES.values() if registry in (r.name, r.chinese)]
    else:
        chosen = list(REGISTRIES.values())
    return tuple(r.name for r in chosen if _column_name(column, r.name))


def _column_name(column: str, registry: str) -> str | None:
    for candidate in REGISTRIES[registry].columns:
        if column in (candidate.name, candidate.header):
            return candidate.name
    return None


def name_hint(*names: str) -> str | None:
    """The registry that a file, folder or sheet name names, if any (the first name that
    names one wins).

    Parameters
    ----------
    *names : str
        File, folder or sheet names, in order of preference.

    Returns
    -------
    str | None
        The registry's English name, or None if no name hints at one.
    """
    for name in names:
        for registry in REGISTRIES.values():
            if name.strip().lower() in (registry.name, registry.chinese):
                return registry.name
        for registry, words in NAME_HINTS:
            if any(word in name.lower() for word in words):
                return registry
    return None


@dataclass(frozen=True)
class Recognition:
    """A table's registry and how its headers map: contract column -> position."""

    registry: Registry
    positions: dict[str, int]

    @property
    def missing(self) -> tuple[str, ...]:
        """Required columns the headers lack (a derivable record id is not missing)."""
        return tuple(name for name in self.registry.required
                     if name not in self.positions and name != "record_id")  # fmt: skip


def recognise(vocabulary: Vocabulary, headers: Sequence[str], hint: str | None,
              hidden: frozenset[int] = frozenset()) -> Recognition:  # fmt: skip
    """The registry whose columns the headers hold best: complete ones (every required column
    present) before incomplete, then the most columns mapped, then the one the name hints,
    then the one whose own headers the table uses (``户编号`` is 建档立卡's, ``户号`` 户籍's).

    Parameters
    ----------
    vocabulary : Vocabulary
        The headers known per registry.
    headers : Sequence[str]
        A table's headers, in column order.
    hint : str | None
        The registry the file, folder or sheet name hints at (see ``name_hint``), or None.
    hidden : frozenset[int]
        The positions of columns a person hid: one is read only when no visible column has
        its meaning.

    Returns
    -------
    Recognition
        The chosen registry and where each of its columns is.
    """

    def rank(recognition: Recognition) -> tuple:
        name = recognition.registry.name
        return (not recognition.missing, len(recognition.positions), name == hint,
                _own_headers(recognition, headers))  # fmt: skip

    candidates = [_map_headers(vocabulary, registry, headers, hidden)
                  for registry in REGISTRIES.values()]  # fmt: skip
    return max(candidates, key=rank)


def _own_headers(recognition: Recognition, headers: Sequence[str]) -> int:
    """How many of the mapped headers are the registry's own names of their columns."""
    registry = recognition.registry
    return sum(header_key(headers[position]) == header_key(registry.column(name).header)
               for name, position in recognition.positions.items())  # fmt: skip


def hint_passed_over(vocabulary: Vocabulary, recognition: Recognition, headers: Sequence[str],
                     hint: str | None) -> Recognition | None:  # fmt: skip
    """How the registry a table's name hints at reads its headers, when another registry was
    chosen and the hinted one lacks one required column and reads as many of them but that one
    (a 户籍 file whose 户号 is headed 家庭编号, 建档立卡's word); None otherwise (a ledger named
    for its 低保金 reads three required roster columns short: no roster).

    Parameters
    ----------
    vocabulary : Vocabulary
        The headers known per registry.
    recognition : Recognition
        The registry chosen (``recognise``).
    headers : Sequence[str]
        The table's headers, in column order.
    hint : str | None
        The registry the file, folder or sheet name hints at, or None.

    Returns
    -------
    Recognition | None
        The hinted registry's reading of the headers, or None.
    """
    if hint is None or hint == recognition.registry.name:
        return None
    hinted = _map_headers(vocabulary, REGISTRIES[hint], headers, frozenset())
    close = len(hinted.positions) >= len(recognition.positions) - 1  # but the column it lacks
    return hinted if len(hinted.missing) == 1 and close else None


def _map_headers(vocabulary: Vocabulary, registry: Registry, headers: Sequence[str],
                 hidden: frozenset[int]) -> Recognition:  # fmt: skip
    """Each contract column's position among the headers naming it: a visible column before
    a hidden one, then a column of its own before one holding two (残疾类别和等级), then a
    ``PREFERRED`` header, then the contract's own header (低保类别, not its alias 保障类别
    before it), then the first."""
    found: dict[str, list[int]] = {}
    for position, header in enumerate(headers):
        for name in _columns_of(vocabulary, registry, header):
            found.setdefault(name, []).append(position)

    def rank(name: str, position: int) -> tuple[bool, bool, bool, bool, int]:
        header, column = headers[position], registry.column(name)
        preferred = PREFERRED.get(name)
        own = header_key(header) in (header_key(column.name), header_key(column.header))
        combined = bool(TYPE_AND_LEVEL_HEADER.match(header_key(header)))
        return (position in hidden, combined, not (preferred and preferred.search(header)),
                not own, position)  # fmt: skip

    positions = {name: min(places, key=lambda p, name=name: rank(name, p))
                 for name, places in found.items()}  # fmt: skip
    return Recognition(registry, positions)


def _columns_of(vocabulary: Vocabulary, registry: Registry, header: str) -> tuple[str, ...]:
    """The contract columns a header names in a registry: both of a type-and-level header in
    the 残疾人 registry (``TYPE_AND_LEVEL_HEADER``), else the one the vocabulary gives, if any."""
    if registry.name == "disability" and TYPE_AND_LEVEL_HEADER.match(header_key(header)):
        return TYPE_AND_LEVEL
    name = vocabulary.column(registry.name, header)
    return (name,) if name is not None else ()


# Of two columns of one contract column, the one read: the amount the bank paid (实发), not
# the amount owed (应发) beside it, whichever comes first; the payee's name and ID under the
# payee's word (领款人姓名 and 领款人身份证号, not 户主姓名 or 姓名 before them), both of one
# person; a roster's member's name and ID (家庭成员姓名, 成员身份证号码), not the household
# head's 姓名 merged down over the members before them; the day of death (死亡日期, 去世时间),
# not the day the 户口 was cancelled (注销日期) or the body cremated (火化日期) before it; the
# month a payment is for (所属月份, 保障月份), not the month it was paid out (发放月份): back pay
# (补发) for months before a death, paid after it, is no money paid for the dead; the mobile
# (手机, 移动电话), not a 座机 beside it: a household's own, where a landline may be a village
# office's that many share.
_PAYEE = re.compile("^(?:领款人|收款人|领取人)")
_MEMBER = re.compile("成员")
PREFERRED = {"amount": re.compile("实发"), "payee_name": _PAYEE, "payee_id_number": _PAYEE,
             "name": _MEMBER, "id_number": _MEMBER,
             "death_date": re.compile("死亡|去世"), "pay_month": re.compile("所属|保障"),
             "phone": re.compile("手机|移动")}  # fmt: skip
