"""Locality policy: the eligibility rules a run applies, read from a policy file.

Defaults (``policies/default.json``) are those of ``../shared/CONTRACT.md`` §2. Codes are
those of ``resolver.normalize`` (poverty status ``not_lifted``, disability type ``mental``...).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from resolver.errors import DoudiError

POLICY_DIR = Path(__file__).parent / "policies"


@dataclass(frozen=True)
class Policy:
    name: str
    version: int
    source: str
    death_grace_months: int
    """A payment in a month more than this many months after the death month is 'still paid'."""
    dibao_standard_year: float
    """The local 低保 standard, 元 per person per year; below it a household is poor."""
    poor_statuses: tuple[str, ...]
    severe_levels_any_type: tuple[int, ...]
    severe_types_any_level: tuple[str, ...]
    grave_illness_health: tuple[str, ...]
    shared_identifier_limit: int
    """An account, phone or address shared by more persons than this ties no one together."""

    def is_severely_disabled(self, disability_type: str | None, level: int | None) -> bool:
        """Level 一级/二级 of any type, or any level of 智力/精神 (contract §2 by default)."""
        if level is None:
            return False
        return (
            level in self.severe_levels_any_type or disability_type in self.severe_types_any_level
        )

    def is_poor(self, status: str | None, income_year: float | None) -> bool:
        """A 建档立卡 status of a poor household, or an income per person under the standard."""
        below = income_year is not None and income_year < self.dibao_standard_year
        return status in self.poor_statuses or below

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)


def load_policy(name_or_path: str | Path = "default") -> Policy:
    """A policy by name (a file of ``models/policies``) or by path to a JSON file."""
    path = Path(name_or_path)
    if not path.suffix:
        path = POLICY_DIR / f"{name_or_path}.json"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in POLICY_DIR.glob("*.json")))
        raise DoudiError(f"no policy {name_or_path!r}: known policies are {known}")
    values = json.loads(path.read_text(encoding="utf-8"))
    names = {field.name for field in fields(Policy)}
    missing, unknown = names - set(values), set(values) - names
    if missing or unknown:
        raise DoudiError(
            f"{path}: missing policy fields {sorted(missing)}, unknown fields {sorted(unknown)}"
        )
    return Policy(**{key: tuple(value) if isinstance(value, list) else value
                     for key, value in values.items()})  # fmt: skip
