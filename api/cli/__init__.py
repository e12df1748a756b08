"""The ``doudi`` command: the job (``job``), measuring (``measuring``), screening (``screening``) and serving
(``serving``), on one app (``base``); what they print is in ``printers``."""

from api.cli import job, measuring, screening, serving  # noqa: F401  (each registers its commands)
from api.cli.base import app

__all__ = ["app"]
