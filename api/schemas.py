"""Pydantic schemas of the review API, apart from the domain dataclasses."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from models.case_types import CASE_TYPES
from models.cases import LIKELY_SCORE

Status = Literal["open", "in_review", "confirmed", "dismissed", "field_check"]
CaseType = Literal[tuple(CASE_TYPES)]  # the case-type registry's names
Role = Literal["auditor", "analyst", "consumer", "admin"]


class CaseSummary(BaseModel):
    case_id: str
    case_type: str
    risk_score: float | None
    amount_at_risk: float | None
    township: str | None
    village: str | None
    counties: list[str] = Field(
        default=[], description="the counties of the rows it rests on (a province drop; else empty)"
    )
    person_ids: list[str]
    status: Status
    status_label: str
    resolved_by_data: bool = Field(description="a later run no longer raises this finding")
    run_id: str = Field(description="the run of the case's latest snapshot")
    assignee: str | None = Field(default=None, description="责任人 of its latest assignment")
    due_date: date | None = Field(default=None, description="整改时限 of its latest assignment")
    overdue: bool = Field(
        default=False,
        description="past its 整改时限 and not closed (属实, 不属实 or resolved by data)",
    )


class CaseList(BaseModel):
    total: int = Field(description="every case the filters admit, on all pages")
    offset: int
    limit: int = Field(description="the page size answered (at most the server's page size)")
    next_after: str | None = Field(
        description="pass as `after` for the next page (null on the last): unlike the next "
        "`offset`, it skips no case when one on this page is closed meanwhile"
    )
    items: list[CaseSummary]


class DecisionEvent(BaseModel):
    event_id: int
    case_id: str
    actor: str
    role: str
    recorded_at: datetime
    from_status: Status
    to_status: Status
    note: str | None
    reason: str | None
    kind: Literal["decision", "link_label", "assignment"] = Field(
        description="a decision, a label on two of the case's rows, or an assignment"
    )
    assignee: str | None = Field(default=None, description="an assignment's 责任人")
    due_date: date | None = Field(default=None, description="an assignment's 整改时限")
    token_id: str | None = Field(
        default=None,
        description="the token the event was recorded with (names need not be unique); "
        "null for events recorded before it was kept",
    )
    token_created_by: str | None = Field(
        default=None,
        description="who minted that token (an admin can mint one in any name): "
        "``name (token_id)``; null without a token",
    )


class AmountChange(BaseModel):
    run_id: str = Field(description="the run whose amount differs from the run's before it")
    before: float | None = Field(description="元, as the run before reported it")
    after: float | None = Field(description="元, as this run reports it")


class CaseDetail(CaseSummary):
    records: list[dict[str, str]]
    evidence: list[str]
    rows: list[dict[str, Any]] = Field(description="every registry row involved, by person")
    links: list[dict[str, Any]] = Field(description="identity links with per-comparison weights")
    graph: dict[str, Any] = Field(description="the household subgraph: nodes and edges")
    history: list[DecisionEvent]
    resolution: Resolution | None = Field(
        description="for a case resolved by data: the run, why (the rows that left, named), "
        "and the labels that changed how its rows are linked"
    )
    amount_changes: list[AmountChange] = Field(
        description="each change of the amount at risk from one run that raised the case to "
        "the next (empty when it never changed)"
    )


class DecisionIn(BaseModel):
    to_status: Status
    note: str | None = Field(default=None, max_length=2000)
    reason: str | None = Field(default=None, max_length=2000,
                               description="required when dismissing (不属实) and when "
                               "reopening a decided case (属实 or 不属实)")  # fmt: skip
    expected_status: Status | None = Field(
        default=None, description="the status the reviewer saw; 409 if it changed meanwhile"
    )


class AssignmentIn(BaseModel):
    assignee: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
    ] = Field(description="责任人: who is responsible for the case (a name)")
    due_date: date = Field(description="整改时限: today or later, YYYY-MM-DD")
    note: str | None = Field(default=None, max_length=2000)


class CaseScore(BaseModel):
    case_id: str = Field(description="the lead's id (疑点编号), stable from run to run")
    case_type: str = Field(description="the case type (deceased_paid 死亡后仍发放 …: /api/meta)")
    risk_score: float | None = Field(
        description="probability in [0, 1] that the lead is true (unrounded; cases.jsonl "
        "writes the same); null where it cannot be scored"
    )
    status: Status = Field(
        description="review status: open 待核查, in_review 核查中, field_check 需入户核查 "
        "(a served lead is never confirmed or dismissed: those leave the feed)"
    )


class PersonScore(BaseModel):
    """A person with a published open case: no name and no ID number."""

    person_id: str
    risk_score: float | None = Field(description="the highest score of the person's open cases")
    cases: list[CaseScore]


class ExportItem(CaseScore):
    amount_at_risk: float | None = Field(
        description="元, to the fen: the money paid wrongly in total over the months the lead "
        "covers, up to the data month `amount_as_of` (not a monthly amount); null for a type "
        "without an amount (拆户保障 …) or a death without a month"
    )
    amount_as_of: str | None = Field(
        description="the data month (YYYY-MM) the amount was reckoned to: that of the latest "
        "run that judged the lead"
    )
    first_raised: datetime | None = Field(
        description="when a run first raised the lead (the run's start, server time)"
    )
    township: str | None = Field(
        description="its township (大姚县 城关 in a drop of several counties)"
    )
    counties: list[str] = Field(
        description="the counties of its rows (a province drop; else empty)"
    )
    person_ids: list[str] = Field(description="the persons it concerns (no name, no ID number)")
    run_id: str = Field(
        description="the run of the lead's latest snapshot: every lead still raised takes the "
        "new run's id after `doudi update`; what changed is `/api/scores/changes`"
    )


class ScoreExport(BaseModel):
    run_id: str | None = Field(description="the latest published run the page is of")
    feed_at: datetime = Field(
        description="when the page was answered (server time): keep the first page's, and "
        "pass it as `since` to `/api/scores/changes` next time"
    )
    total: int = Field(description="every lead the filters admit, on all pages")
    next_after: str | None = Field(description="pass as `after` for the next page")
    items: list[ExportItem]


GoneReason = Literal["data", "rules", "data_and_rules", "relinked", "confirmed", "dismissed"]


class ScoreChange(ExportItem):
    status: Status = Field(
        description="its review status now (a gone lead's may be confirmed or dismissed)"
    )
    change: Literal["new", "changed", "gone"] = Field(
        description="new: served now, not at `since` (first raised, raised again or reopened); "
        "changed: its score (to 4 decimals) or amount (to the fen) changed; gone: served at "
        "`since`, no longer (the item as last served)"
    )
    previous_risk_score: float | None = Field(
        default=None, description="a changed lead's score at `since`"
    )
    previous_amount_at_risk: float | None = Field(
        default=None, description="a changed lead's amount at `since` (元)"
    )
    gone_reason: GoneReason | None = Field(
        default=None,
        description="why a gone lead left: data 因数据变化消除, rules 政策或阈值调整 (the same "
        "files under another policy or threshold), data_and_rules (both changed), relinked "
        "(reviewers' labels changed how its rows are linked), confirmed 核实属实, dismissed "
        "核实不属实",
    )
    gone_label: str | None = Field(
        default=None, description="that reason in Chinese, naming the run"
    )
    gone_run_id: str | None = Field(
        default=None, description="the run that resolved it (null for a reviewer's decision)"
    )
    gone_at: datetime | None = Field(
        default=None, description="when: that run's publication, or the decision (server time)"
    )


class ScoreChanges(BaseModel):
    run_id: str | None = Field(description="the latest published run")
    since: datetime = Field(description="the moment compared with (a run's: its publication)")
    feed_at: datetime = Field(description="when answered: pass as `since` next time")
    total: int = Field(description="every change, on all pages")
    next_after: str | None = Field(description="pass as `after` for the next page")
    items: list[ScoreChange]


class RunSummary(BaseModel):
    run_id: str
    status: str
    started_at: datetime | None
    finished_at: datetime | None
    data_dir: str | None
    policy_name: str | None
    policy_version: int | None
    counts: dict[str, int] | None


class RunDetail(RunSummary):
    inputs: list[dict[str, Any]] | None
    settings: dict[str, Any] | None
    policy: dict[str, Any] | None
    quality: list[dict[str, Any]] | None


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=100, pattern=r"^\S(?:.*\S)?$",
                      description="who the token is for (need not be unique)")  # fmt: skip
    role: Role
    days: int = Field(default=90, ge=1, le=365, description="days until it expires")


class TokenRenewIn(BaseModel):
    days: int = Field(default=90, ge=1, le=365, description="days from now until it expires")


class TokenOut(BaseModel):
    token_id: str = Field(description="the token's id: to list, renew or revoke it")
    name: str
    role: Role
    expires_at: datetime
    token: str = Field(description="shown once; only its hash is stored")


class TokenInfo(BaseModel):
    token_id: str
    name: str
    role: str
    status: Literal["active", "expired", "revoked"]
    created_at: datetime
    created_by: str | None = Field(description="who minted it: an admin's name (token id), or cli")
    expires_at: datetime | None
    revoked_at: datetime | None
    revoked_by: str | None


class AccessEntry(BaseModel):
    seq: int = Field(description="the entry's place in the hash chain, from 1")
    accessed_at: datetime
    actor: str
    role: str
    action: str
    target: str
    token_id: str | None = Field(description="the actor's token, when there was one")
    entry_hash: str = Field(description="sha256 of the previous entry's hash and this entry")


class AccessLogPage(BaseModel):
    total: int
    items: list[AccessEntry]


class TypeTotals(BaseModel):
    cases: int
    amount_at_risk: float


class TownshipTotals(TypeTotals):
    by_type: dict[str, int]


class KindTotals(TypeTotals):
    amount_at_risk: float | None = Field(
        description="the money at risk of those cases, to the fen; null for a type whose "
        "cases carry no amount (拆户保障, 重度残疾未纳入 …: the page shows —)"
    )
    likely: int = Field(
        description=f"of those cases, how many score at least {LIKELY_SCORE} (more likely true "
        "than not)"
    )


class ChangeCounts(BaseModel):
    new: int = Field(description="新增: raised by the latest run, not by the previous run")
    resolved: int = Field(
        description="已消除: raised by the previous run, resolved since (by data, a change "
        "of rules or reviewers' labels: each case's status_label says which)"
    )
    open: int = Field(
        description="仍在: raised by the previous run and by the latest, whatever its review "
        "status (decided ones included): not by_status's open (待核查)"
    )


class MonthChanges(ChangeCounts):
    run_id: str | None = Field(description="the latest published run")
    previous_run_id: str | None = Field(
        description="the previous run: the last published of an earlier data month (as-of "
        "day), or the one right before where a month is not recorded (none: first month)"
    )
    by_township: dict[str, ChangeCounts] = Field(
        description="per township; a resolved case counts where it was last published"
    )


class UnjudgedGap(BaseModel):
    registry: str = Field(description="the registry lacking (contract name: hukou, deaths …)")
    registry_label: str = Field(description="its Chinese name (户籍人口 …)")
    county: str | None = Field(description="the county it lacks (null in a drop of one county)")
    township: str | None = Field(
        description="the township of the roster it holds no row of; null: it is absent "
        "from the county (every township)"
    )
    cases: int = Field(description="the roster's cases there")
    rows: int = Field(description="the roster's rows there")
    lines: int = Field(
        default=0,
        description="payments whose lines of the county's last months paid mostly name no "
        "roster case: those lines (0 for a gap of another kind)",
    )
    unjoined: int = Field(
        default=0, description="of those lines, the ones naming no roster case (blank or unknown)"
    )
    months: str = Field(
        default="", description="those months (2026-07至2026-09; blank for a gap of another kind)"
    )
    case_types: list[str] = Field(description="the case types it leaves unjudged there")
    text: str = Field(description="the gap in words, as the run's summary says it")


class Overview(BaseModel):
    cases: int = Field(
        description="未结: cases neither resolved by data nor confirmed or dismissed"
    )
    amount_at_risk: float = Field(description="the money at risk of those cases, to the fen")
    by_type: dict[str, KindTotals] = Field(description="those cases by case type")
    by_township: dict[str, TownshipTotals] = Field(description="those cases by township")
    by_county: dict[str, int] = Field(
        default={}, description="those cases per county of a province drop (empty for one county)"
    )
    county_names: dict[str, str] = Field(
        default={},
        description="each county of by_county as a reader knows it (双柏县 for 532322 where the "
        "drop names it; as stored where it does not)",
    )
    by_status: dict[str, int] = Field(description="every case not resolved by data, by status")
    resolved_by_data: int
    changes: MonthChanges = Field(description="本月变化: the latest run against the one before")
    overdue: int = Field(description="逾期未处置: cases past their 整改时限, not closed")
    unjudged: list[UnjudgedGap] = Field(
        default=[],
        description="未能判断: what the latest run's data could not judge (a registry absent, "
        "or holding no row of a township); a 0 there is no finding that all is well",
    )
    unjudged_everywhere: list[str] = Field(
        default=[],
        description="the case types the latest run judged in no county (their count reads 未判断)",
    )
    unjudged_by_township: dict[str, list[str]] = Field(
        default={},
        description="the case types not judged in each township (one of open cases or of a "
        "gap), by township as by_township names it",
    )


class Me(BaseModel):
    name: str
    role: str
    sees_full_ids: bool


class LinkLabelIn(BaseModel):
    left: str = Field(max_length=200, description="a person row of the case, as registry:record_id")
    right: str = Field(max_length=200, description="another person row of the case")
    same_person: bool = Field(description="true: 同一人; false: 不是同一人")
    note: str | None = Field(default=None, max_length=2000)


class LinkLabel(BaseModel):
    label_id: int
    unique_id_l: str
    unique_id_r: str
    same_person: bool
    actor: str
    role: str
    recorded_at: datetime
    case_id: str | None
    note: str | None
    pending: bool = Field(description="waits for a second auditor (not yet in force)")


class Resolution(BaseModel):
    run_id: str
    reason: str
    labels: list[LinkLabel]


class WhatIfCount(BaseModel):
    case_type: str
    label: str
    current: int = Field(description="cases of the published run")
    proposed: int = Field(description="cases at the proposed threshold")
    appear: int
    disappear: int


class WhatIfCase(BaseModel):
    case_id: str
    case_type: str
    risk_score: float | None
    amount_at_risk: float | None
    evidence: list[str]


class WhatIf(BaseModel):
    run_id: str = Field(description="the published run compared with (it is not changed)")
    threshold: float = Field(description="the threshold answered: the one asked, to 0.01")
    current_threshold: float
    persons: int
    links: int
    counts: list[WhatIfCount]
    appear: list[WhatIfCase] = Field(description="cases the threshold would add (first `limit`)")
    disappear: list[WhatIfCase] = Field(description="published cases it would drop")


class TriageItem(CaseSummary):
    triage_score: float | None = Field(
        description="probability reviewers confirm it; null where the rule-based order stands"
    )


class Triage(BaseModel):
    decisions: int
    confirmed: int
    dismissed: int
    trained: bool = Field(
        description="false: too few decisions; the rule-based order stands (as it does when "
        "cv_roc_auc is at most 0.5, no better than chance)"
    )
    message: str
    cv_roc_auc: float | None
    items: list[TriageItem]


class ScreeningCounts(BaseModel):
    lines: int
    passed: int = Field(description="通过")
    held: int = Field(description="暂缓: to check before paying, never a stop order")
    by_reason: dict[str, int] = Field(description="held lines by reason (Chinese label)")
    released_before: int = Field(
        default=0,
        description="lines passed that earlier releases (核实后放行) of the same hold kept from "
        "a hold: a shared account with the same cases, the same amounts",
    )
    unlisted: int = Field(
        default=0,
        description="lines passed whose case is not on the published run's roster (enrolled "
        "since): checked by the payee's ID alone, for a death notice and a second case",
    )


class SkippedRow(BaseModel):
    sheet: str | None = Field(description="the sheet (None in a CSV)")
    row: int = Field(description="the row's number in the file, from 1")
    reason: str = Field(description="why it is not a payment line (标题行, 合计行, 空行…)")


class ListProblem(BaseModel):
    column: str = Field(description="the column (Chinese header)")
    problem: str = Field(description="what was wrong with its values (Chinese)")
    count: int = Field(description="how many values")
    rows: list[str] = Field(
        default_factory=list,
        description="the first rows with it, as a person finds them (「Sheet1」第 5 行)",
    )


class ScreeningSummary(BaseModel):
    screening_id: int
    actor: str
    role: str
    screened_at: datetime
    file_name: str = Field(description="the uploaded file's name (the file itself is not kept)")
    run_id: str | None = Field(description="the published run the list was screened against")
    months: list[str]
    lines: int
    passed: int
    held: int
    cleared: int = Field(description="held lines an auditor has cleared (核实后放行 or 确认暂缓)")
    released_before: int = Field(
        default=0,
        description="lines passed that earlier releases (核实后放行) of the same hold kept from "
        "a hold: a shared account with the same cases, the same amounts",
    )
    unlisted: int = Field(
        default=0,
        description="lines passed whose case is not on the published run's roster (enrolled "
        "since): checked by the payee's ID alone, for a death notice and a second case",
    )
    by_reason: dict[str, int]
    by_month: dict[str, ScreeningCounts]
    note: str = Field(description="暂缓仅为发放前核实提示，不是停发决定")
    skipped: list[SkippedRow] = Field(description="rows of the file not read as payment lines")
    notes: list[str] = Field(description="how columns were read (which of two amounts)")
    problems: list[ListProblem] = Field(description="values read with a problem, per column")
    file_url: str | None = Field(
        description="the list written back with 审核结果 and 暂缓原因, while the server holds it"
    )


class ScreeningEvent(BaseModel):
    event_id: int
    screening_id: int
    line_no: int
    actor: str
    role: str
    recorded_at: datetime
    outcome: Literal["released", "kept"]
    outcome_label: str = Field(description="核实后放行 or 确认暂缓")
    note: str | None
    token_id: str | None = Field(
        default=None, description="the token the line was cleared with (null before it was kept)"
    )


class HeldLine(BaseModel):
    line_no: int = Field(description="the line's position in the list (1: the first data line)")
    sheet: str | None
    row_no: int | None = Field(description="its row in the file (or sheet)")
    case_no: str | None
    payee_name: str | None = Field(description="领款人 as written in the list (None when absent)")
    pay_month: str | None
    amount: float | None
    reasons: str = Field(description="each reason with its evidence, in Chinese")
    labels: list[str] = Field(description="the reasons' labels")
    status: Literal["pending", "released", "kept"]
    status_label: str = Field(description="待核实, 核实后放行 or 确认暂缓")
    history: list[ScreeningEvent] = Field(description="every clearing event, oldest first")


class ScreeningDetail(ScreeningSummary):
    items: list[HeldLine]


class ClearIn(BaseModel):
    outcome: Literal["released", "kept"] = Field(description="released: 核实后放行; kept: 确认暂缓")
    note: str = Field(min_length=1, max_length=2000, description="what was checked")
