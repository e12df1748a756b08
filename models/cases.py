"""A case (疑点): a lead for a reviewer to verify, never a verdict."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

from resolver.registries import REGISTRIES

UNLINKED = "unlinked_probability"
"""A case's feature when it rests on two records linking left as two persons (a possible
match, below the threshold or among namesakes): two roster rows (``duplicate_enrollment``),
or a death notice and the member (``deceased_paid``); the pair's probability. Such a case
is true only if the records are one person, so its score is at most that probability (the
model learns nothing of it where all the cases it was fitted on rest on accepted links). A
``missed_disability`` lead on a person a death notice linked to no one may be is true only
if he is alive: at most 1 - the chance the notice is his (his link's probability, shared
with its other candidates where theirs add up to more than one)."""
STRUCK = "struck_rows"
"""A case's feature when records it rests on are rows struck through in their files (an
office strikes out a row it means to delete): how many. Its score is at most
``STRUCK_SCORE``, and its evidence says so first (``struck_noted``)."""
STRUCK_SCORE = 0.3
"""The highest score of a case resting on a struck row: below ``LIKELY_SCORE``, as the office
marked the row it rests on as gone."""
STRUCK_TEXT = "该行在表中被划去，可能已作废，请核实"
PAID_ON_TYPES = frozenset({"deceased_paid", "over_standard"})
"""Case types whose money is the ledger's payments after a day: striking a row out stops no
payment, so a case of them resting on a struck row keeps its score (``STRUCK_PAID_TEXT``)."""
STRUCK_PAID_TEXT = "该行在表中被划去（可能已作废），但案件仍有发放，请核实是否已停发"
RESTORED = "registration_restored"
"""A death lead's feature when 公安 restored the person's registration after the notice (恢复户口:
the police withdrew a cancellation, the notice very likely wrong): its score is at most
``RESTORED_SCORE``, and the notice counts as corroborating nothing."""
RESTORED_SCORE = 0.1
LIVED_ON = "lived_on"
"""A death lead's feature: the signs that the person lived on after the reported death, or that
a notice is another person's (``models.detectors.common.lived_on``; dates of notices that
disagree are no such sign). Its score is at most ``LIVED_ON_SCORE``, below the likely line:
until 2026-12-07 (late) blind testers' wrong notices carrying the person's own ID, a
certificate issued to her months later, scored 0.62 and counted among the likely leads' money."""
LIVED_ON_SCORE = 0.4
CLASS_LOWERED = "class_lowered"
"""A ``payment_mismatch`` lead's feature when its months were paid at a higher 低保 class than
the roster's current one, which the ledger pays from its latest months (a switch down): a lead
only if the class changed later than the ledger shows, which the data cannot tell. Its score is
at most ``CLASS_LOWERED_SCORE``."""
CLASS_LOWERED_SCORE = 0.3
LIKELY_SCORE = 0.5
"""A lead scored at least this is more likely true than not: the count beside a headline
count of leads (an uncertain lead on a namesake's notice counts among the leads, scored low)."""
UNDATED = "death_undated"
"""A death lead's feature when the person's notices give no month of death (the date blank,
or unread and writing no month: ``models.detectors.common.undated_notices``): which of the
months paid while she is covered came after the death nobody can tell, so the lead carries no
amount, and its score is at most ``UNDATED_SCORE``."""
UNDATED_SCORE = LIKELY_SCORE
"""The highest score of a lead on an undated death: the line of the likely leads, below every
firm death lead, as the death is reported but whether anything was paid after it is not known."""


@dataclass(frozen=True)
class Evidence:
    """One fact a reviewer reads, with the record it came from (None for a derived fact)."""

    text: str
    registry: str | None = None
    record_id: str | None = None

    def as_text(self) -> str:
        """The fact as a reviewer reads it: the registry's Chinese name and record id first, when
        there is a record.

        Returns
        -------
        str
            The text.
        """
        if self.registry is None:
            return self.text
        return f"[{REGISTRIES[self.registry].chinese} {self.record_id}] {self.text}"


@dataclass(frozen=True)
class Case:
    """``records``: every input row the finding rests on, as contract §3 lists them;
    ``features``: the strength of the pattern, for the risk score; ``carried_id``: the id the
    same finding (same type on the same families, or for a per-person finding the same persons)
    had in the last published run, when its persons or records changed since
    (``models.carried_ids``). Frozen: scoring returns a scored copy (``scored``)."""

    case_type: str
    records: list[tuple[str, str]]
    person_ids: list[str]
    amount_at_risk: float | None
    evidence: list[Evidence]
    features: dict[str, float] = field(default_factory=dict)
    risk_score: float | None = None
    score_reasons: list[str] = field(default_factory=list)
    carried_id: str | None = None

    def scored(self, risk_score: float, reasons: list[str]) -> Case:
        """This case with its risk score and the reasons for it.

        Parameters
        ----------
        risk_score : float
            The probability that the finding is true.
        reasons : list of str
            The facts that moved the score, in Chinese.

        Returns
        -------
        Case
            A scored copy.
        """
        return replace(self, risk_score=risk_score, score_reasons=reasons)

    @property
    def own_id(self) -> str:
        """Stable: the same finding (type, persons and records) has the same id in every run."""
        key = "|".join(
            [self.case_type, *sorted(self.person_ids), *sorted(map(":".join, self.records))]
        )
        return "c-" + hashlib.sha1(key.encode()).hexdigest()[:12]

    @property
    def case_id(self) -> str:
        """The id the case is published under: the one carried over, else its own."""
        return self.carried_id or self.own_id

    def as_contract(self) -> dict:
        """The line of ``cases.jsonl`` (contract §3).

        Returns
        -------
        dict
            ``case_id``, ``case_type``, ``risk_score``, ``records``, ``amount_at_risk`` and
            ``evidence`` (the score's reasons last).
        """
        return {
            "case_id": self.case_id,
            "case_type": self.case_type,
            "risk_score": self.risk_score,  # unrounded, as the review API serves it
            "records": [{"registry": r, "record_id": i} for r, i in self.records],
            "amount_at_risk": round(self.amount_at_risk, 2)
            if self.amount_at_risk is not None
            else None,
            "evidence": [item.as_text() for item in self.evidence] + self.score_reasons,
        }


def one_per_finding(cases: list[Case]) -> list[Case]:
    """The cases with each finding once: cases with one id (one type, the same persons and
    records, as when one family is registered under two 户号) become the first of them, with
    the others' evidence added where it says something new.

    Parameters
    ----------
    cases : list of Case
        Cases as the detectors found them.

    Returns
    -------
    list of Case
        One case per id, in the order each id first appears.

    Examples
    --------
    >>> first = Case("split_household", [("assistance", "A1")], ["p1"], None,
    ...              [Evidence("户号 H1 的家庭成员分属 2 个案件"), Evidence("同")])
    >>> second = replace(first, evidence=[Evidence("户号 H2 的家庭成员分属 2 个案件"), Evidence("同")])
    >>> [item.text for item in one_per_finding([first, second])[0].evidence]
    ['户号 H1 的家庭成员分属 2 个案件', '同', '户号 H2 的家庭成员分属 2 个案件']
    """
    found: dict[str, Case] = {}
    for case in cases:
        kept = found.setdefault(case.case_id, case)
        if kept is not case:
            added = [item for item in case.evidence if item not in kept.evidence]
            found[case.case_id] = replace(kept, evidence=[*kept.evidence, *added])
    return list(found.values())


def struck_noted(cases: list[Case], struck: set[tuple[str, str]]) -> list[Case]:
    """The cases with, for each struck row they rest on (``struck``: registry and record id),
    a first fact saying so (``STRUCK_TEXT``), and their count as feature ``STRUCK`` (which caps
    the score); a case of ``PAID_ON_TYPES`` gets the fact that the case is paid all the same
    (``STRUCK_PAID_TEXT``) and no cap.

    Parameters
    ----------
    cases : list of Case
        Cases as found.
    struck : set of (str, str)
        The struck rows read (``resolver.quality.struck_records``).

    Returns
    -------
    list of Case
        The cases, those resting on struck rows noted.

    Examples
    --------
    >>> case = Case("duplicate_enrollment", [("assistance", "A1"), ("assistance", "A2")],
    ...             ["p1"], None, [Evidence("同一人同时在两个案件")])
    >>> noted = struck_noted([case], {("assistance", "A1")})[0]
    >>> [item.as_text() for item in noted.evidence], noted.features
    (['[救助对象 A1] 该行在表中被划去，可能已作废，请核实', '同一人同时在两个案件'], {'struck_rows': 1})
    >>> death = Case("deceased_paid", [("assistance", "A1")], ["p1"], 1830.0, [])
    >>> noted = struck_noted([death], {("assistance", "A1")})[0]
    >>> noted.evidence[0].text, noted.features
    ('该行在表中被划去（可能已作废），但案件仍有发放，请核实是否已停发', {})
    """
    noted = []
    for case in cases:
        rows = [record for record in case.records if record in struck]
        paid_on = case.case_type in PAID_ON_TYPES
        text = STRUCK_PAID_TEXT if paid_on else STRUCK_TEXT
        facts = [Evidence(text, registry, record_id) for registry, record_id in rows]
        features = case.features if paid_on else {**case.features, STRUCK: len(rows)}
        noted.append(replace(case, evidence=[*facts, *case.evidence], features=features)
                     if rows else case)  # fmt: skip
    return noted
