"""Serving a run for tests: ``doudi serve`` in a child process, and clients with a role's
token."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import httpx

from api.loadtest import free_port, wait_until_up


class Server:
    """``doudi serve`` in a child process."""

    def __init__(self, db: Path, *options: str) -> None:
        self.db = db
        self.options = options
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "api", "serve", "--db", str(self.db),
                   "--port", str(self.port), *self.options]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        wait_until_up(f"{self.url}/api/health", timeout=60)

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(timeout=30)
            self.process = None


def client(county, role: str) -> httpx.Client:
    headers = {"Authorization": f"Bearer {county['tokens'][role]}"}
    return httpx.Client(base_url=county["server"].url, headers=headers, timeout=30)
