"""``doudi`` and ``python -m api``: the command line, imported only when it runs.

The entry point stays light on purpose: a worker process that multiprocessing spawns first
re-imports the main script, and importing the whole command line (Splink, scikit-learn,
FastAPI) would cost every ingest worker about three seconds before it starts.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys

# The level the command line's worker processes (the ingest reads large drops in them) log
# at: the command sets it, ERROR unless --verbose, and a worker, which imports this module
# first, reads it.
WORKER_LOG_LEVEL = "DOUDI_WORKER_LOG_LEVEL"

if multiprocessing.current_process().name != "MainProcess":  # a worker the command spawned
    logging.basicConfig(level=os.environ.get(WORKER_LOG_LEVEL, "ERROR"))


def main() -> None:
    """Run the command line (``doudi``) on the process's arguments."""
    try:
        from api.cli import app  # here, not above: see the module docstring
    except KeyboardInterrupt:  # Ctrl-C while the libraries load: before any work, no traceback
        sys.stderr.write("\n已中断：命令在开始工作前被停止（Ctrl-C）。\n")
        raise SystemExit(130) from None
    app()


if __name__ == "__main__":
    main()
