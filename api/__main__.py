"""``doudi`` and ``python -m api``: the command line, imported only when it runs.

The entry point stays light on purpose: a worker process that multiprocessing spawns first
re-imports the main script, and importing the whole command line (Splink, scikit-learn,
FastAPI) would cost every ingest worker about three seconds before it starts.
"""

from __future__ import annotations


def main() -> None:
    """Run the command line (``doudi``) on the process's arguments."""
    from api.cli import app  # here, not above: see the module docstring

    app()


if __name__ == "__main__":
    main()
