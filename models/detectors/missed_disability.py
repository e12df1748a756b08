"""Missed severely disabled members of poor households."""

from __future__ import annotations

import networkx as nx

from models.amounts import yuan_text
from models.cases import UNLINKED, Case, Evidence
from models.certificates import held_certificates
from models.detectors.common import (
    NOT_ENROLLED,
    STATUS_LABELS,
    another_birth,
    enrolled_now,
    identity_evidence,
    later_signs,
    one_death,
)
from models.detectors.deceased_paid import source_shown
from models.graph import families_of, neighbours, persons_near
from models.policy import Policy
from resolver.idcard import parse_id
from resolver.registries import county_of_number

# The key group (``Policy.key_groups``) of severely disabled members of every 建档立卡
# household, 已脱贫 or not, whatever its income (大姚: 六类重点人口之三).
KEY_GROUP = "severely_disabled_member"
TYPE_LABELS = {"visual": "视力", "hearing": "听力", "speech": "言语", "physical": "肢体",
               "intellectual": "智力", "mental": "精神", "multiple": "多重"}  # fmt: skip


def detect_missed_disability(graph: nx.MultiGraph, policy: Policy) -> list[Case]:
    """A living, severely disabled person (policy) in a poor household — 建档立卡 status poor,
    or income per person under the 低保 standard — with no active, covered 低保 or 特困 row.
    A person on no 建档立卡 row of his own is of the 建档立卡 households holding a member of
    his hukou family (``_poverty_rows``).
    Enrollment is found through identity links, so a roster row with a mistyped ID still
    counts as enrolled. Income and status come from current records only: a case that ended
    (the family probably left 低保 because its income rose), or a row whose member is not
    covered, is history, shown as context and never the reason for a case. A household's
    income is a 低保 case's: a 特困 case supports its one person, whose own income it writes.
    A collective hukou (集体户) is no household (``models.graph.families_of``).
    A roster row linking left apart (a blank ID among namesakes) that is plausibly the person's
    own, in a case covering his hukou family, covers him (``_covered_by_unlinked_row``).

    Only the certificates that hold on the as-of day count (``models.certificates``): one
    cancelled (证件状态 注销, 迁出 …, or listed on a 注销 sheet), expired (有效期至 passed) or
    replaced by a later-issued one of its category (a re-assessment) is context in the
    evidence of a case raised on another, never the reason for one.

    Where ``policy.key_groups`` holds ``severely_disabled_member`` (大姚: 六类重点人口之三),
    membership of any 建档立卡 household is reason enough, whatever its status or income; the
    evidence names the group and quotes its sentence.

    Example: 王五, 智力残疾三级, member of a 脱贫监测户, on no roster: one case.

    Complexity: O(N) for N graph nodes (each person's edges are few).

    Parameters
    ----------
    graph : nx.MultiGraph
        The household graph (``models.graph``), with ``as_of``.
    policy : Policy
        The policy profile: which disabilities are severe (``is_severely_disabled``),
        which households are poor (``is_poor``, the standard in force on the as-of day), and whether every
        建档立卡 household counts (``key_groups``).

    Returns
    -------
    list of Case
        One case per missed person, resting on their most severe certificate, without an
        amount at risk; unscored.

    Examples
    --------
    >>> from models.policy import load_policy
    >>> from models.sketch import HouseholdSketch
    >>> sketch = HouseholdSketch()
    >>> sketch.person("wang")
    ('person', 'wang')
    >>> sketch.certify("wang", "C1", "mental", 4)
    >>> sketch.poor("wang", "P1", status="monitored")
    >>> [case.records for case in detect_missed_disability(sketch.graph, load_policy())]
    [[('disability', 'C1')]]
    """
    cases = []
    for node in persons_near(graph, "disability"):
        held, set_aside = held_certificates(graph, node)
        certificates = [
            (cert, row)
            for cert, row in held
            if policy.is_severely_disabled(
                graph.nodes[cert]["disability_type"], graph.nodes[cert]["level"]
            )
        ]
        doubted = _doubted_notices(graph, node)
        if not certificates or doubted is None:
            continue
        poverty = _poverty_reasons(graph, policy, node)
        if poverty and not enrolled_now(graph, node) and not _covered_by_unlinked_row(graph, node):
            cases.append(_case(graph, policy, node, certificates, poverty,
                               [(doubted, 0.0), *_maybe_dead(graph, node)], set_aside))  # fmt: skip
    return cases


def _set_aside_evidence(graph: nx.MultiGraph, cert, row: dict, reason: str) -> Evidence:
    """A certificate that does not hold (cancelled, expired, replaced), as context."""
    return Evidence(f"另有残疾证：{_certificate_text(graph.nodes[cert])}，{reason}，不作为依据",
                    "disability", row["record_id"])  # fmt: skip


def _certificate_text(attributes: dict) -> str:
    """A certificate's category and level as the evidence writes them (肢体残疾2级), and
    where the level was read from the certificate number, that it was."""
    kind = TYPE_LABELS.get(attributes["disability_type"], attributes["disability_type"])
    read = ("（残疾等级未填写或无法识别，按残疾证号的等级位读取）"
            if attributes.get("level_from_cert") else "")  # fmt: skip
    return f"{kind}残疾{attributes['level']}级{read}"


def _doubted_notices(graph: nx.MultiGraph, node) -> list[Evidence] | None:
    """The person's death notices (``reported_dead``) when none says he died: each judged by
    what contradicts it (``_contradictions``), its contradictions first, then the notice if it
    is his, for a lead scored as though there were none; empty when he has none; None when a
    notice of his that nothing contradicts (or undated) says he died (a dead person is no
    missed enrollment). Two notices are more evidence of death, not less: dates that
    disagree (a 公安 cancellation weeks late, a month mistyped) are no sign of life here,
    and another's notice typed with his ID does not undo his own. A death two offices report
    alike (notices of his from two sources, one death by ``one_death``) is not undone by a
    later record either: a 残联 certificate renewed after it is the likelier error."""
    notices = sorted(neighbours(graph, node, "reported_dead"))
    if _corroborated(graph, node, notices):
        return None
    said = []
    for death, row in notices:
        day = graph.nodes[death]["death_date"]
        contradictions = _contradictions(graph, node, day, death, row)
        if not contradictions:
            return None
        said += contradictions
        if not another_birth(graph, node, death, row):
            said.append(Evidence(f"死亡记录（{graph.nodes[death]['date_kind']} {day}，来源："
                                 f"{_source(graph, death)}）与本人关联，"
                                 "但其后有生存迹象，死亡信息可能有误，未据此排除本疑点；请先核实本人是否在世",
                                 "deaths", row["record_id"]))  # fmt: skip
    return list(dict.fromkeys(said))  # a sign after two notices is said once


def _corroborated(graph: nx.MultiGraph, node, notices: list) -> bool:
    """Whether the person's own notices (not another's typed with his ID: ``another_birth``)
    come from two sources or more, all dated, and report one death (``one_death``)."""
    own = [death for death, row in notices if not another_birth(graph, node, death, row)]
    dates = [graph.nodes[death]["death_date"] for death in own]
    sources = {graph.nodes[death]["source"] for death in own}
    return len(sources) >= 2 and all(dates) and one_death(dates)


def _contradictions(graph: nx.MultiGraph, node, day, death, row: dict) -> list[Evidence]:
    """What says the notice ``death`` (dated ``day``, its edge ``row``) is not of the person's
    death, as facts to say first: its birth date another's (``another_birth``: someone else's
    death typed with his ID), else evidence of life after its date (``later_signs``: a
    certificate issued, an enrollment begun, an income assessed, a registration restored);
    empty when nothing does (an undated notice is contradicted by no later event)."""
    another = another_birth(graph, node, death, row)
    if another:
        return [another]
    return later_signs(graph, node, day) if day else []


def _source(graph: nx.MultiGraph, death) -> str:
    """A notice's 数据来源 as the evidence shows it (``source_shown``)."""
    return source_shown(graph.nodes[death]["source"], graph.nodes[death]["source_written"])


def _maybe_dead(graph, node) -> list[tuple[list[Evidence], float]]:
    """The death notices linked to no one that the person may be (``possibly_dead``), each as
    facts to check first with the chance that it is his: his link's probability, shared with
    the notice's other candidates when theirs add up to more than one (one notice is one
    death: of two namesakes it matches at 0.97 each, each is as likely alive). A notice
    something contradicts (``_contradictions``) is named after what does, at no chance."""
    found = []
    for death, row in sorted(neighbours(graph, node, "possibly_dead")):
        day, candidates = graph.nodes[death]["death_date"], graph.nodes[death]["candidates"]
        signs = _contradictions(graph, node, day, death, row)
        said = (f"死亡记录（{graph.nodes[death]['date_kind']} {day}）可能是本人（可能对应 {candidates} "
                "人，未能确认）")  # fmt: skip
        if signs:
            found.append(([*signs, Evidence(f"{said}，但其后有生存迹象，死亡信息可能有误，"
                                            "未据此降低评分", "deaths", death[1])], 0.0))  # fmt: skip
            continue
        shared = max(1.0, sum(other["probability"]
                              for _, other in neighbours(graph, death, "possibly_dead")))  # fmt: skip
        found.append(([Evidence(f"本人可能已死亡：{said}，请先核实本人是否在世", "deaths", death[1])],
                      row["probability"] / shared))  # fmt: skip
    return found


def _poverty_reasons(graph, policy: Policy, node) -> list[Evidence]:
    reasons, as_of = [], graph.graph["as_of"]
    every_household = KEY_GROUP in policy.key_groups
    for whose, row in _poverty_rows(graph, node):
        status = STATUS_LABELS.get(row["status"], row["status"] or "状态不明")
        income = f"，人均纯收入 {yuan_text(row['income_year'])} 元/年" if row["income_year"] else ""
        if policy.is_poor(
            row["status"], row["income_year"], as_of, None, county_of_number(row["record_id"])
        ):
            reasons.append(
                Evidence(f"{whose}建档立卡户，状态 {status}{income}", "poverty", row["record_id"])
            )
        elif every_household:
            reasons.append(Evidence(f"{whose}建档立卡户，状态 {status}{income}；{_key_group_text(policy)}",
                                    "poverty", row["record_id"]))  # fmt: skip
    for case, row in _household_rows(graph, node):
        income, area, county = (
            row["income_month"],
            graph.nodes[case]["area"],
            county_of_number(case[1]),
        )
        if income is not None and income * 12 < policy.standard(as_of, area, county):
            reasons.append(
                Evidence(f"同户成员在低保案件 {case[1]} 中保障，家庭人均月纯收入 "
                         f"{yuan_text(income)} 元（年 {yuan_text(income * 12)} 元），低于"
                         f"{policy.standard_text(as_of, area, county)}", "assistance",
                         row["record_id"])
            )  # fmt: skip
    return reasons


def _poverty_rows(graph: nx.MultiGraph, node) -> list[tuple[str, dict]]:
    """The 建档立卡 rows of the person's household, each with how the evidence names it: his
    own; or, when he is on none, a row of each 建档立卡 household holding a member of his hukou
    family (a household's member list lags behind its hukou: a son back from work is on no
    建档立卡 row of his own). A person on a row of his own is judged by his household alone: a
    wife married in may still be on her parents' household's rows."""
    own = neighbours(graph, node, "in_poverty_household")
    if own:
        return [("", row) for _, row in own]
    seen, found = set(), []
    whose = "本人无建档立卡记录，其同户（户籍）成员所在"
    for family in families_of(graph, node):
        for member, _ in neighbours(graph, family, "member_of"):
            for household, row in neighbours(graph, member, "in_poverty_household"):
                if member != node and household not in seen:
                    seen.add(household)
                    found.append((whose, row))
    return found


def _covered_by_unlinked_row(graph: nx.MultiGraph, node) -> bool:
    """Whether a current, covered roster row, in a case a member of the person's hukou family is
    covered in, is plausibly the person's own though linking left it apart (``_may_be_his``).
    A row with a blank ID among namesakes in the village may be linked to no one, yet the
    family's case covers him all the same."""
    cases = {case for family in families_of(graph, node)
             for member, _ in neighbours(graph, family, "member_of") if member != node
             for case, row in neighbours(graph, member, "enrolled_in") if row["covered"]}  # fmt: skip
    return any(_may_be_his(graph, node, other, row)
               for case in cases for other, row in neighbours(graph, case, "enrolled_in"))  # fmt: skip


def _may_be_his(graph: nx.MultiGraph, node, other, row: dict) -> bool:
    """Whether ``other``'s current, covered roster ``row`` may be ``node``'s: ``other`` is on
    no hukou row, has his name, and the row the birth date and gender of his ID where both
    give them."""
    as_of = graph.graph["as_of"]
    own = parse_id(graph.nodes[node]["id18"] or "")
    return (other != node and row["covered"] and (row["end"] is None or row["end"] >= as_of)
            and graph.nodes[other]["name"] == graph.nodes[node]["name"]
            and not neighbours(graph, other, "member_of")
            and _agrees(row["birth_date"], own.birth_date)
            and _agrees(row["gender"], own.gender))  # fmt: skip


def _agrees(written, known) -> bool:
    """Whether a roster row's value agrees with the person's, where both are known."""
    return written is None or known is None or written == known


def _key_group_text(policy: Policy) -> str:
    """Why a member of a household that is not poor is a case: the profile's key group."""
    quoted = [text for text in policy.sources.get("key_groups", ()) if "残疾" in text]
    sentence = f"（“{quoted[0]}”）" if quoted else ""
    return (f"属于{policy.name}需排查的重点人群{sentence}：已脱贫和未脱贫建档立卡户中的重度残疾人，"
            "不论家庭收入是否超过低保标准")  # fmt: skip


def _household_rows(graph: nx.MultiGraph, node) -> list:
    """A current, covered roster row (case, row) of each 低保 case of the person's household:
    a case the person is listed on now (covered or not), or one in which a member of their
    hukou family (not a collective hukou's stranger) is covered. A 特困 case is one person's
    support, its income that person's own: it says nothing of the household's income."""
    as_of = graph.graph["as_of"]

    def active(row: dict) -> bool:
        return row["end"] is None or row["end"] >= as_of

    cases = {case for case, row in neighbours(graph, node, "enrolled_in") if active(row)}
    for family in families_of(graph, node):
        for member, _ in neighbours(graph, family, "member_of"):
            cases |= {case for case, row in neighbours(graph, member, "enrolled_in")
                      if row["covered"] and active(row)}  # fmt: skip
    chosen = []
    for case in sorted(case for case in cases if graph.nodes[case]["program"] == "dibao"):
        rows = sorted((row for _, row in neighbours(graph, case, "enrolled_in")
                       if row["covered"] and active(row)), key=lambda row: row["record_id"])  # fmt: skip
        chosen += [(case, rows[0])] if rows else []
    return chosen


def _history_evidence(case, row) -> Evidence:
    """An ended or not-covered roster row, as context: an ended row's income is not current;
    a not-covered row of a case still open gives none (the income its covered members are
    assessed on is the household's, said as a reason when it is under the standard: until
    2026-12-07 the same figure was said here too, as 当时…仅作参考，不作为贫困依据)."""
    ended = row["covered"] or row["end"] is not None
    income = (f"，当时家庭人均月收入 {yuan_text(row['income_month'])} 元（仅作参考，不作为贫困依据）"
              if ended and row["income_month"] is not None else "")  # fmt: skip
    state = (f"历史记录：曾在案件 {case[1]} 中保障，已于 {row['end']} 退出" if row["covered"]
             else f"非保障记录：在案件 {case[1]} 中列为非保障对象（不享受保障）")  # fmt: skip
    return Evidence(f"{state}{income}", "assistance", row["record_id"])


def _case(graph, policy: Policy, node, certificates, poverty,
          notices: list[tuple[list[Evidence], float]], set_aside: list[tuple]) -> Case:  # fmt: skip
    """The lead on ``node``'s most severe certificate; ``notices``: the death notices he may be
    or is, each as facts said first with the chance that it is his (his lead true only if it
    is not)."""
    chance = max(chance for _, chance in notices)
    cert, row = min(certificates, key=lambda item: graph.nodes[item[0]]["level"])
    attributes = graph.nodes[cert]
    evidence = [
        *(fact for facts, _ in notices for fact in facts),
        Evidence(
            f"{_certificate_text(attributes)}，{_severity(attributes['level'], policy)}",
            "disability",
            row["record_id"],
        ),
        *poverty,
        NOT_ENROLLED,
        identity_evidence(row, "残疾人记录"),
    ]
    history = neighbours(graph, node, "enrolled_in")  # none is current: the person is missed
    evidence += [_history_evidence(case, enrolled) for case, enrolled in history]
    evidence += [_set_aside_evidence(graph, *item) for item in set_aside]
    return Case(
        case_type="missed_disability",
        records=[("disability", row["record_id"])],
        person_ids=[node[1]],
        amount_at_risk=None,
        evidence=evidence,
        features={
            "identity": row["probability"],
            "level": float(attributes["level"]),
            "poverty_reasons": float(len(poverty)),
            "was_enrolled": float(bool(history)),
            # true only if he is alive: not the one a notice is of
            **({UNLINKED: 1 - chance} if chance else {}),
        },
    )


def _severity(level: int, policy: Policy) -> str:
    """How the documents name a disability level: 一级、二级 are 重度; a 三级、四级 智力 or 精神
    disability (大姚's third group) is a group of its own, not 重度, checked by the local
    policy's rule or, where it sets none, by the contract's (until 2026-12-07 every such lead
    said 本地政策 under the default profile too).

    >>> from models.policy import load_policy
    >>> _severity(3, load_policy())
    '属三级、四级智力或精神残疾（系统默认规则：智力、精神残疾不论等级均列入核查）'
    >>> _severity(3, load_policy("大姚县"))
    '属三级、四级智力或精神残疾（本地政策列为重点核查对象）'
    """
    if level <= 2:
        return "属重度残疾"
    if policy.sets_own("severe_types_any_level"):
        return "属三级、四级智力或精神残疾（本地政策列为重点核查对象）"
    return "属三级、四级智力或精神残疾（系统默认规则：智力、精神残疾不论等级均列入核查）"
