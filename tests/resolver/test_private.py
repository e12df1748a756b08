"""Files holding personal data are created owner-only, and one written again keeps the mode
the office gave it, whatever the umask."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import pyarrow as pa
import pytest

from resolver.db import connect
from resolver.outputs import write_whole
from resolver.private import scratch_folder
from resolver.xlsx import write_workbook


@pytest.fixture
def open_umask():
    before = os.umask(0o022)
    yield
    os.umask(before)


def _mode(path) -> int:
    return path.stat().st_mode & 0o777


def test_write_whole_creates_owner_only_and_keeps_a_mode_the_office_set(tmp_path, open_umask):
    path = tmp_path / "台账" / "附件1.xlsx"
    write_whole(path, b"532326195601016870")
    assert (_mode(path), _mode(path.parent)) == (0o600, 0o700)
    path.chmod(0o640)
    write_whole(path, b"again")
    assert _mode(path) == 0o640


def test_a_workbook_and_a_new_database_are_owner_only(tmp_path, open_umask):
    book = tmp_path / "数据问题清单.xlsx"
    write_workbook(book, {"数据问题": pa.table({"原值": ["532326195601016870"]})})
    assert _mode(book) == 0o600
    connect(tmp_path / "run" / "doudi.duckdb").close()
    assert _mode(tmp_path / "run" / "doudi.duckdb") == 0o600


def test_copies_of_rows_a_killed_process_left_are_removed_before_new_ones_are_made(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    left = tmp_path / f"doudi-ingest-{gone}-abc"  # a kill -9 leaves its folder behind
    left.mkdir()
    (left / "0.0.0.arrow").write_bytes(b"rows of the registries")
    running = tmp_path / f"doudi-ingest-{os.getpid()}-def"  # this process's: still in use
    running.mkdir()
    other = tmp_path / f"doudi-check-{gone}-ghi"  # another prefix: its own sweep
    other.mkdir()
    with scratch_folder("doudi-ingest-") as folder:
        assert os.path.basename(folder).startswith(f"doudi-ingest-{os.getpid()}-")
        assert not left.exists() and running.is_dir() and other.is_dir()
    assert not os.path.exists(folder)
