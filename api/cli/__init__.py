"""The ``doudi`` command: the job (``job``), next month (``updating``), measuring
(``measuring``), screening (``screening``) and serving (``serving``), on one app (``base``);
what they print is in ``printers``."""

from api.cli import job, measuring, screening, serving, updating  # noqa: F401  (each registers)
from api.cli.base import app

__all__ = ["app"]
