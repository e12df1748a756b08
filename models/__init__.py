"""Policy, household graph, detectors, risk, triage, tuning, the pipeline and publication:
from resolved persons to scored cases (疑点) a reviewer verifies."""

__all__ = [
    "amounts", "case_types", "cases", "detectors", "evaluation", "graph", "periods",
    "pipeline", "policy", "publish", "risk", "triage", "tuning",
]  # fmt: skip
