"""Linking settings as data: a dataclass saved to and reloaded from JSON."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from difflib import get_close_matches
from pathlib import Path

from resolver.errors import DoudiError
from resolver.json_keys import repeated_keys

PROBABILITIES = ("threshold", "possible_threshold", "notice_threshold", "bridge_threshold",
                 "duplicate_threshold", "prior_recall", "retrain_share", "drift_share")  # fmt: skip
"""Settings that are a probability or a share: above 0, at most 1."""
MINIMA = {"ambiguity_margin": 0, "shared_limit": 1, "related_limit": 1, "u_max_pairs": 1,
          "em_max_pairs": 1, "min_labels": 1}  # fmt: skip
"""The least each margin, limit and count may be (finite, no most): a margin of 0 bits joins
the stronger person however narrowly, a limit below 1 would make every shared phone or account
meaningless, and Splink samples at least one pair."""


@dataclass(frozen=True)
class LinkSettings:
    """What data staff tune. Probabilities are Splink match probabilities in [0, 1]."""

    threshold: float = 0.95
    """Rows linked at or above this are one person (if no constraint forbids it)."""
    possible_threshold: float = 0.5
    """Pairs at or above this that are not one person are kept as possible matches."""
    notice_threshold: float = 0.01
    """A death notice is also kept with each row whose name agrees with its own and that it
    matches at or above this (a notice with a name and a township only scores low even
    against its one namesake): a notice linked to no one is raised as an uncertain lead on
    each paid member it may be."""
    duplicate_threshold: float = 0.9
    """Two roster rows of different persons born the same day, of one gender, one of them
    without any ID, not labelled apart, that match at or above this, or whose names are one
    name as a clerk writes it again (the same sound, or a surname or clan name left out: at
    any score linking kept), may be one person enrolled twice: ``duplicate_enrollment``
    raises them as an uncertain lead naming both persons (a variant spelling of a Mongolian
    name in another township scores about 0.93; a Uyghur or Yi one 0.04-0.40)."""
    bridge_threshold: float = 0.99
    """A single link that alone holds two groups of rows together needs at least this."""
    ambiguity_margin: float = 5.0
    """A row without a usable ID linking to two people with different usable IDs joins the
    stronger only when its match weight leads by at least this many bits (32 times the odds)."""
    shared_limit: int = 5
    """A phone of more households than this (a village office's) is no evidence of identity;
    a household is a hukou family, an assistance case or a poverty household."""
    related_limit: int = 8
    """A phone, account or address shared by more persons than this is no household signal."""
    seed: int = 20261123
    u_max_pairs: float = 1e6
    em_max_pairs: float = 2.5e5
    """Each EM session trains on about this many blocked pairs (a deterministic sample). A
    quarter of a million pairs fix every m value: at 650,000 people, where a session blocks
    up to 770,000 pairs, 1e6 gave the same case figures and linking figures within 0.0001,
    in a second more."""
    prior_recall: float = 0.9
    """Share of true matches an exact ID join finds, to estimate the prior."""
    min_labels: int = 20
    """Reviewers' "same person" labels needed before they re-estimate the m values."""
    retrain_share: float = 0.2
    """``doudi update`` retrains the model when more than this share of rows is new or
    changed (else it scores only those rows with the stored model)."""
    drift_share: float = 0.05
    """``doudi update`` also retrains when more than this share of rows carries a name the
    stored model's term frequencies do not hold."""
    version: int = 1

    def __post_init__(self) -> None:
        for name in PROBABILITIES:
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                percent = f"（是否应为 {value / 100:.10g}？）" if 2 <= value <= 100 else ""
                raise DoudiError(f"关联设置 {name} 应大于 0、不超过 1，现为 {value}{percent}")
        defaults = {field.name: field.default for field in fields(self)}
        for name, least in MINIMA.items():
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= least):
                kind = "整数" if isinstance(defaults[name], int) else "数"
                raise DoudiError(f"关联设置 {name} 应为不小于 {least} 的{kind}，现为 {value}")
        if self.possible_threshold > self.threshold:
            raise DoudiError(f"关联设置 possible_threshold（{self.possible_threshold}）不能大于 "
                             f"threshold（{self.threshold}）：请调低前者或调高后者")  # fmt: skip

    def to_json(self) -> str:
        """The settings as JSON text.

        Returns
        -------
        str
            Every setting, keys sorted, indented by two spaces.
        """
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> LinkSettings:
        """Settings from JSON text; a setting left out keeps its default.

        Parameters
        ----------
        text : str
            A JSON object of setting names to values.

        Returns
        -------
        LinkSettings
            The settings, checked.

        Raises
        ------
        DoudiError
            If the text is no JSON object, names an unknown setting or one twice (JSON
            would keep the last without a word), or a value is not a number or is out of
            range (in Chinese: a person edits the file).
        """
        try:
            values = json.loads(text)
        except json.JSONDecodeError as error:
            raise DoudiError(f"不是有效的 JSON（第 {error.lineno} 行第 {error.colno} 列有误）"
                             "：请检查引号、逗号和括号") from error  # fmt: skip
        if not isinstance(values, dict):
            raise DoudiError('应为一个 JSON 对象，如 {"threshold": 0.95}')
        if repeated := repeated_keys(text):
            raise DoudiError("同一个设置写了两次以上，请删去多余的一个：" + "；".join(repeated))
        known = {field.name: type(field.default) for field in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            named = "、".join(_with_nearest(name, known) for name in unknown)
            raise DoudiError(f"没有这样的关联设置：{named}（可用的有：{', '.join(known)}）")
        for name, value in values.items():
            wanted = (int, float) if known[name] is float else known[name]
            if isinstance(value, bool) or not isinstance(value, wanted):
                kind = "整数" if known[name] is int else "数字"
                quoted = "（数字不加引号）" if _a_number(value) else ""
                raise DoudiError(f"关联设置 {name} 应为{kind}，现为 "
                                 f"{json.dumps(value, ensure_ascii=False)}{quoted}")  # fmt: skip
        return cls(**values)

    def save(self, path: Path) -> None:
        """Write the settings to a JSON file (UTF-8, replacing the file).

        Parameters
        ----------
        path : Path
            The file to write.
        """
        path.write_text(self.to_json() + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> LinkSettings:
        """Settings from a JSON file ``save`` wrote (or a person edited).

        Parameters
        ----------
        path : Path
            The UTF-8 JSON file (a byte-order mark before it is read past).

        Returns
        -------
        LinkSettings
            The settings, checked as ``from_json`` checks them.

        Raises
        ------
        DoudiError
            If the file is not UTF-8 text or its settings are refused; the message names it.
        """
        try:
            return cls.from_json(path.read_text(encoding="utf-8-sig"))  # WPS writes a BOM
        except UnicodeDecodeError as error:
            raise DoudiError(f"关联设置文件 {path} 不是 UTF-8 文本：请用 UTF-8 保存") from error
        except DoudiError as error:
            raise DoudiError(f"关联设置文件 {path}：{error}") from error


def _with_nearest(name: str, known: Iterable[str]) -> str:
    """An unknown setting's name, with the known one it is likely a slip for.

    Examples
    --------
    >>> _with_nearest("threshhold", ["threshold", "duplicate_threshold"])
    'threshhold（是否应为 threshold？）'
    """
    nearest = get_close_matches(name, list(known), n=1, cutoff=0.75)
    return f"{name}（是否应为 {nearest[0]}？）" if nearest else name


def _a_number(value: object) -> bool:
    """Whether a setting's value is a number written in quotes ("0.95"), not another text.

    Examples
    --------
    >>> _a_number("0.95"), _a_number(" 5 "), _a_number("高"), _a_number("nan"), _a_number(0.95)
    (True, True, False, False, False)
    """
    if not isinstance(value, str):
        return False
    try:
        return math.isfinite(float(value))
    except ValueError:
        return False
