"""Exits at 脱贫 while still poor: a 建档立卡 household whose 低保 stopped when it was
declared out of poverty, though its income per person is still under the 低保 standard
(大姚: 脱贫不脱保; 梁平, 兴安盟: 渐退 before an orderly exit). A lead to check the exit, not
an accusation: the data hold no exit reason."""

from __future__ import annotations

from datetime import date

import networkx as nx

from models.cases import Case, Evidence
from models.detectors.common import (
    NOT_ENROLLED,
    STATUS_LABELS,
    enrolled_now,
    enrolment_evidence,
    identity_evidence,
    rows_at_end,
)
from models.graph import Node, neighbours, nodes_of
from models.policy import Policy
from resolver.registries import county_of_number


def detect_exit_without_gradual(graph: nx.MultiGraph, policy: Policy) -> list[Case]:
    """With ``policy.wrongful_exit_check``: a closed 低保 case (every covered row ended
    before the as-of day) with members of a 建档立卡 household that is 已脱贫 and whose
    income per person (the registry's current yearly figure, never the ended roster row's)
    is under the standard in force on the as-of day (``policy.standard``), who are alive (no death notice) and covered by
    no active 低保 or 特困 row. Such a household should have kept 低保 (脱贫不脱保), and an
    exit would have needed a 渐退 period after its income rose above the standard. So are
    members of a household whose status is one of ``policy.covered_after_exit``, whatever
    its income (兴安盟: "“渐退期”满后仍未实现稳定脱贫的建档立卡贫困人口继续给予低保保障" — within
    the period it is covered, after it too).

    Example (大姚县): 低保 case DB8 of 钱七 ended 2025-03-31; his household is 已脱贫 with
    3,600 元 a person a year (standard 4,500); he is on no roster: one case on his row.

    Complexity: O(N + R + P) for N graph nodes, R roster rows and P poverty rows.

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph (``models.graph``), with ``as_of``.
    policy : Policy
        The policy profile: ``wrongful_exit_check`` (without it, no case),
        ``dibao_standard_year`` and ``gradual_exit_months`` for the evidence.

    Returns
    -------
    list of Case
        One case per closed 低保 case, resting on the ended rows of its members who are
        still poor and uncovered, without an amount at risk; unscored.

    Examples
    --------
    >>> from datetime import date
    >>> from models.policy import load_policy
    >>> from models.sketch import HouseholdSketch
    >>> sketch = HouseholdSketch()
    >>> sketch.enrol("qian", "DB8", "A1", end=date(2025, 3, 31))
    >>> sketch.poor("qian", "P1", status="lifted", income=3600.0)
    >>> [case.records for case in detect_exit_without_gradual(sketch.graph, load_policy("大姚县"))]
    [[('assistance', 'A1')]]
    >>> detect_exit_without_gradual(sketch.graph, load_policy())  # not a default check
    []
    >>> sketch = HouseholdSketch()
    >>> sketch.enrol("bai", "DB5", "A1", end=date(2026, 3, 31))
    >>> sketch.poor("bai", "P1", status="monitored", income=6000.0)
    >>> [case.records for case in detect_exit_without_gradual(sketch.graph, load_policy("兴安盟"))]
    [[('assistance', 'A1')]]
    """
    if not policy.wrongful_exit_check:
        return []
    cases, as_of = [], graph.graph["as_of"]
    for case in nodes_of(graph, "case"):
        if graph.nodes[case]["program"] != "dibao":
            continue
        # a member who left before it closed is no exit of it
        rows = rows_at_end(graph, case, covered=True)
        if not rows or any(row["end"] is None or row["end"] >= as_of
                           for _, row in rows):  # fmt: skip
            continue
        still_poor = sorted(
            ((member, row, poverty) for member, row in rows
             if (poverty := _still_poor(graph, policy, member)) is not None),
            key=lambda item: item[1]["record_id"],
        )  # fmt: skip
        if still_poor:
            cases.append(_case(policy, case, still_poor, as_of))
    return cases


def _still_poor(graph: nx.MultiGraph, policy: Policy, member: Node) -> dict | None:
    """The member's poverty row when the household should still be covered (``_kept``) and
    the member is alive and on no active roster; else None."""
    if neighbours(graph, member, "reported_dead") or enrolled_now(graph, member):
        return None
    return next(
        (row for _, row in sorted(neighbours(graph, member, "in_poverty_household"),
                                  key=lambda item: item[1]["record_id"])
         if _lifted_below(policy, row, graph.graph["as_of"]) or row["status"] in policy.covered_after_exit),
        None,
    )  # fmt: skip


def _lifted_below(policy: Policy, row: dict, as_of: date) -> bool:
    """A 已脱贫 household whose income per person is under the standard in force on
    ``as_of`` (脱贫不脱保)."""
    return (row["status"] == "lifted" and row["income_year"] is not None
            and row["income_year"] < policy.standard(as_of, None, county_of_number(row["record_id"])))  # fmt: skip


def _case(policy: Policy, case: Node, still_poor: list[tuple[Node, dict, dict]],
          as_of: date) -> Case:  # fmt: skip
    ended, county = max(row["end"] for _, row, _ in still_poor), county_of_number(case[1])
    incomes = sorted({poverty["income_year"] for _, _, poverty in still_poor
                      if poverty["income_year"] is not None})  # fmt: skip
    evidence = [
        *(_poverty_evidence(policy, poverty, as_of) for _, _, poverty in still_poor),
        *(enrolment_evidence(case, row) for _, row, _ in still_poor),
        NOT_ENROLLED,
        Evidence(f"低保案件 {case[1]} 已于 {ended} 全部退出：{_rule(policy, still_poor, as_of)}"),
        *(identity_evidence(poverty, "建档立卡记录") for _, _, poverty in still_poor),
        Evidence("核实：退出原因与审批材料；退出时是否已超过低保标准、是否办理渐退；"
                 "仍符合条件的，应恢复保障"),
    ]  # fmt: skip
    return Case(
        case_type="exit_without_gradual",
        records=[("assistance", row["record_id"]) for _, row, _ in still_poor],
        person_ids=sorted({member[1] for member, _, _ in still_poor}),
        amount_at_risk=None,
        evidence=evidence,
        features={
            "identity": min(poverty["probability"] for _, _, poverty in still_poor),
            "income_ratio": max(incomes, default=policy.standard(as_of, None, county))
            / policy.standard(as_of, None, county),  # unknown: read as at the standard
            "members": float(len(still_poor)),
        },
    )


def _poverty_evidence(policy: Policy, poverty: dict, as_of: date) -> Evidence:
    """The member's 建档立卡 row: its status, its income against the standard in force on
    ``as_of``."""
    status = STATUS_LABELS.get(poverty["status"], poverty["status"] or "状态不明")
    income = poverty["income_year"]
    said = "" if income is None else f"，家庭年人均纯收入 {income:.0f} 元"
    county = county_of_number(poverty["record_id"])
    if income is not None and income < policy.standard(as_of, None, county):
        said += f"，低于{policy.standard_text(as_of, None, county)}"
    return Evidence(f"建档立卡户成员，状态 {status}{said}", "poverty", poverty["record_id"])


def _rule(policy: Policy, still_poor: list[tuple[Node, dict, dict]], as_of: date) -> str:
    """The rule the exit breaks, in the evidence's words: 脱贫不脱保 for a 已脱贫 household
    under the standard, the profile's own sentence for one not yet stably out of poverty."""
    said = []
    if any(_lifted_below(policy, poverty, as_of) for _, _, poverty in still_poor):
        said.append(f"收入仍低于标准的已脱贫户应{_keep(policy)}；{_gradual_rule(policy)}")
    kept = sorted({STATUS_LABELS.get(poverty["status"], poverty["status"])
                   for _, _, poverty in still_poor if not _lifted_below(policy, poverty, as_of)})  # fmt: skip
    if kept:
        quoted = "；".join(policy.sources.get("covered_after_exit", ()))
        said.append(f"状态为{'、'.join(kept)}的建档立卡户尚未稳定脱贫，渐退期内应继续保障，"
                    "期满后仍应继续给予低保保障"
                    + (f"（{policy.name}：“{quoted}”）" if quoted else ""))  # fmt: skip
    return "；".join(said)


def _gradual_rule(policy: Policy) -> str:
    """The 渐退 of a household above the standard in its profile's own words (大姚 可给予半年至1年,
    梁平 给予6个月, 兴安盟 给予12-24个月), with the months the run counts."""
    quoted = "；".join(policy.sources.get("gradual_exit_months", ()))
    months = f"按 {policy.gradual_exit_months} 个月计"
    return (f"收入超过标准的渐退期，{policy.name}规定：“{quoted}”（本次{months}）" if quoted
            else f"收入超过标准的渐退期{months}")  # fmt: skip


def _keep(policy: Policy) -> str:
    """What the evidence says a lifted household still under the standard should have: the
    words "脱贫不脱保" quoted only where the policy's own document says them (大姚)."""
    quoted = any("脱贫不脱保" in text for texts in policy.sources.values() for text in texts)
    return "“脱贫不脱保”" if quoted else "继续享受低保"
