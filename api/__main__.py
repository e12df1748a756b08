"""``doudi`` and ``python -m api``: the command line, imported only when it runs.

The entry point stays light on purpose: a worker process that multiprocessing spawns first
re-imports the main script, and importing the whole command line (Splink, scikit-learn,
FastAPI) would cost every ingest worker about three seconds before it starts.
"""

from __future__ import annotations

import sys


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
