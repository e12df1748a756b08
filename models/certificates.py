"""Which of a person's disability certificates hold on the as-of day.

A 残联 export lists every certificate ever issued: cancelled ones (注销, 死亡注销, 迁出,
作废 …, in a status column or on a sheet named for them), expired ones (有效期至 before the
as-of day), and the older certificate of a category re-assessed since (a 2014 肢体二级 and
the 2023 肢体三级 that replaced it). Only the certificates that hold make a person severely
disabled (``models.detectors.missed_disability``); the others are context.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import PurePosixPath

import networkx as nx

from models.graph import Node, neighbours
from resolver.normalize import parse_date

_LAPSE = "注销|作废|收回|失效|过期|迁出|死亡|吊销|撤销|停用|销户|已故|去世|无效"
# A status that says a certificate is no longer in force; not negated (未注销, 无死亡) nor
# undone (已注销后恢复).
_LAPSED_WORD = re.compile(rf"(?<![未非不没无含括])({_LAPSE})")
_RESTORED_WORD = re.compile(r"恢复|撤销注销")
# A sheet's or a file's whole name that lists lapsed certificates (注销人员, 已注销, 死亡注销,
# 迁出人员名单, 过期证件): not one that mentions them among other words (残疾人名册（已剔除注销
# 人员）, 户籍、残联、死亡数据), nor a folder's.
_LAPSED_LIST = re.compile(
    rf"(?:已)?(?:死亡)?(?:{_LAPSE})(?:的)?(?:残疾人|持证人|人员|证件|残疾证)?"
    r"(?:名单|名册|清单|明细|信息|表)?"
)
# A cell saying nothing: 无, /, -, 空.
_PLACEHOLDER = re.compile(r"[无空/／\\\-—－_.。、\s]*")
# A validity written as a span (2019-10-15至2029-10-15): its end.
_SPAN = re.compile(r"[至到~～—]|--")


def lapse_reason(written: dict[str, str | None], as_of: date) -> str | None:
    """Why a certificate is not in force on ``as_of``, in Chinese, or None when it is.

    Parameters
    ----------
    written : dict
        What the export writes of it, each None when absent or blank: ``status`` (证件状态:
        正常, 注销, 死亡注销, 迁出 …), ``cancel_reason`` (注销原因: any reason written cancels
        it), ``valid_until`` (有效期至: a date, a span ending in one, 长期) and
        ``listed_under``, the file and sheet its row was read from (``残疾人.xlsx／注销人员``:
        a file's or a sheet's whole name listing cancelled certificates says so of every row
        whose status says nothing).
    as_of : date
        The day the drop describes.

    Returns
    -------
    str or None
        The reason (``证件状态为「注销」``, ``有效期至 2021-03-15，已过期``), or None.

    Examples
    --------
    >>> day = date(2026, 10, 31)
    >>> lapse_reason({"status": "死亡注销"}, day), lapse_reason({"status": "未注销"}, day)
    ('证件状态为「死亡注销」', None)
    >>> lapse_reason({"status": "正常", "valid_until": "2011-02-15至2021-02-15"}, day)
    '有效期至 2021-02-15，已过期'
    >>> lapse_reason({"cancel_reason": "康复"}, day), lapse_reason({"listed_under": "注销人员"}, day)
    ('已注销（注销原因「康复」）', '列在「注销人员」中')
    >>> lapse_reason({"listed_under": "死亡人员比对/残疾人（已剔除注销人员）.xlsx／Sheet1"}, day)
    >>> lapse_reason({"status": "已注销后恢复"}, day), lapse_reason({"status": "无死亡"}, day)
    (None, None)
    """
    status, reason = _text(written.get("status")), _text(written.get("cancel_reason"))
    listed_under = written.get("listed_under") or ""
    if _LAPSED_WORD.search(status) and not _RESTORED_WORD.search(status):
        return f"证件状态为「{status}」"
    if reason:
        return f"已注销（注销原因「{reason}」）"
    if not status and any(_LAPSED_LIST.fullmatch(name) for name in _list_names(listed_under)):
        return f"列在「{listed_under}」中"
    until = _valid_until(_text(written.get("valid_until")))
    if until is not None and until < as_of:
        return f"有效期至 {until.isoformat()}，已过期"
    return None


def _list_names(listed_under: str) -> list[str]:
    """The names of the file (its stem, no folder) and the sheet a row was read from."""
    names = [part.strip() for part in listed_under.split("／")]
    if names and names[0]:
        names[0] = PurePosixPath(names[0].replace("\\", "/")).stem
    return [name for name in names if name]


def _text(value: str | None) -> str:
    """A cell as written, stripped; empty for a blank or a placeholder (无, /, -)."""
    text = (value or "").strip()
    return "" if _PLACEHOLDER.fullmatch(text) else text


def _valid_until(text: str) -> date | None:
    """The last day of a validity as written (its span's end), or None (长期, blank, unread)."""
    return parse_date(_SPAN.split(text)[-1].strip()) if text else None


def held_certificates(graph: nx.MultiGraph, person: Node, on: date | None = None
                      ) -> tuple[list[tuple[Node, dict]], list[tuple[Node, dict, str]]]:  # fmt: skip
    """A person's certificates that hold on a day, and those set aside with why.

    A certificate is set aside when a certificate of the same category issued later (by
    that day) replaced it (a re-assessment; without issue dates on both, neither replaces the
    other) or when it is not in force that day (``lapse_reason`` of the node's status,
    cancel_reason, valid_until and listed_under). A status, a 注销原因 or a list says how a
    certificate stands on the as-of day, not since when: on an earlier day only its 有效期至
    sets it aside.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph, with ``as_of``.
    person : Node
        The person node.
    on : date, optional
        The day; the as-of day by default (an ended case is judged on its last day).

    Returns
    -------
    tuple
        The (certificate, edge) pairs that hold, and (certificate, edge, reason) of the
        others, the reason in Chinese.
    """
    on = on or graph.graph["as_of"]
    certificates = neighbours(graph, person, "certified")
    held, set_aside = [], []
    for cert, row in certificates:
        # a cancellation is said as such (注销原因 迁出), though a later one replaced it too
        reason = _lapsed(graph, cert, on) or _replaced_by(graph, cert, certificates, on)
        if reason:
            set_aside.append((cert, row, reason))
        else:
            held.append((cert, row))
    return held, set_aside


def _lapsed(graph: nx.MultiGraph, cert: Node, on: date) -> str | None:
    """``lapse_reason`` of a certificate node on ``on``: before the as-of day, its validity's."""
    written = graph.nodes[cert]
    if on < graph.graph["as_of"]:
        written = {"valid_until": written.get("valid_until")}
    return lapse_reason(written, on)


def _replaced_by(graph: nx.MultiGraph, cert: Node, certificates: list[tuple[Node, dict]],
                 on: date) -> str | None:  # fmt: skip
    """Why ``cert`` is replaced: the latest certificate of its category issued after it, by
    ``on``."""
    kind, issued = graph.nodes[cert]["disability_type"], graph.nodes[cert].get("issue_date")
    if issued is None:
        return None
    later = [(other_issued, other[1]) for other, _ in certificates
             if graph.nodes[other]["disability_type"] == kind
             and (other_issued := graph.nodes[other].get("issue_date")) is not None
             and issued < other_issued <= on]  # fmt: skip
    if not later:
        return None
    day, record_id = max(later)
    return f"已被 {day.isoformat()} 发证的同类别残疾证（记录 {record_id}）取代（重新评定）"
