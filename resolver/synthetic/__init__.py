"""The measurement wing's counties: synthetic data drops with their ground truth.

``county`` is Doudi's own generator (its assumptions are parameters, ``Assumptions``, broken
on purpose by the ``VARIANTS``), its parts in modules of their own (``people``, ``enrolment``,
``injections``, ``tables``, ``truth``, ``noise``, ``writing``, and ``common`` for what they
share); ``province`` writes K such counties, each under its own code, with the cases that
span two of them; ``other_county`` is an independent generator written from the data
contract alone. Their truth oracles decide which rows are cases from the generators' own
knowledge of what they injected, deliberately independent of Doudi's detectors: a rule the
detectors get wrong is not copied into the answer they are scored against.

No product module imports this package (``tests/test_architecture.py``).
"""

from resolver.synthetic.common import FILES, Assumptions
from resolver.synthetic.county import CALIBRATION, VARIANTS, SynthSummary, synthesize
from resolver.synthetic.other_county import write_other_county
from resolver.synthetic.province import ProvinceSummary, synthesize_province
from resolver.synthetic.truth import CASE_TYPES, CONTROL_TYPES

__all__ = [
    "CALIBRATION",
    "CASE_TYPES",
    "CONTROL_TYPES",
    "FILES",
    "VARIANTS",
    "Assumptions",
    "ProvinceSummary",
    "SynthSummary",
    "synthesize",
    "synthesize_province",
    "write_other_county",
]
