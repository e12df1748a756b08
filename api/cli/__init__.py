"""The ``doudi`` command: the job (``job``), next month (``updating``), measuring
(``measuring``), screening (``screening``) and serving (``serving``), on one app (``base``);
what they print is in ``printers``. Each command imports the pipeline (scikit-learn), linking
(Splink), Spark and the measurement wing inside itself, when it needs them: every module here
is imported to register its commands, and ``doudi --help`` or ``doudi screen`` should not
wait for libraries they do not use."""

from api.cli import job, measuring, screening, serving, updating  # noqa: F401  (each registers)
from api.cli.base import app

__all__ = ["app"]
