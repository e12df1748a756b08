"""Files and folders that hold personal data belong to the office's account alone: Doudi
creates them owner-only (files 0600, folders 0700), and a file it writes again keeps the
mode the office gave it."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def private_folder(path: Path) -> None:
    """Make folder ``path`` when missing, owner-only (missing parents as the umask says).

    Parameters
    ----------
    path : Path
        The folder.
    """
    path.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)


def writable_folder(path: Path) -> None:
    """Make folder ``path`` when missing (``private_folder``) and prove a file can be written
    in it: a probe file written and removed, before a command does any work whose results go
    there (a run's outputs come after all of it).

    Parameters
    ----------
    path : Path
        The folder.

    Raises
    ------
    OSError
        When the folder cannot be made or written in, naming the folder
        (``resolver.errors.path_problem`` says it in Chinese).
    """
    probe = path / f".doudi-probe-{os.getpid()}"
    try:
        private_folder(path)
        with open_private(probe):
            pass
        probe.unlink()
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(path)) from error


def open_private(path: Path) -> BinaryIO:
    """``path`` opened to be written from empty: created owner-only, or an existing file
    emptied with its mode kept (its folder is made owner-only when missing).

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    BinaryIO
        The open file.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "a" / "b.bin"
    >>> with open_private(path) as handle:
    ...     _ = handle.write(b"1")
    >>> oct(path.stat().st_mode & 0o777), oct(path.parent.stat().st_mode & 0o777)
    ('0o600', '0o700')
    """
    private_folder(path.parent)
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE), "wb")


def mode_to_keep(path: Path) -> int:
    """The permission bits a file written over ``path`` takes: those of the file there, or
    owner-only when there is none.

    Parameters
    ----------
    path : Path
        The file about to be written.

    Returns
    -------
    int
        The permission bits.
    """
    return stat.S_IMODE(path.stat().st_mode) if path.exists() else PRIVATE_FILE


def scratch_folder(prefix: str) -> tempfile.TemporaryDirectory[str]:
    """A private temporary folder for this process's copies of registry rows, named
    ``<prefix><pid>-…``; first removes those of the same prefix that a process no longer
    running left behind (killed before its cleanup: until 2026-12-08 a ``doudi run`` killed
    while reading left its workers' Arrow copies of the rows in the system's temporary
    folder for good).

    Parameters
    ----------
    prefix : str
        The folder name's start (``doudi-ingest-``).

    Returns
    -------
    tempfile.TemporaryDirectory
        The folder, removed when its context ends.

    Examples
    --------
    >>> import os
    >>> with scratch_folder("doudi-doctest-") as folder:
    ...     os.path.basename(folder).startswith(f"doudi-doctest-{os.getpid()}-")
    True
    """
    parent = Path(tempfile.gettempdir())
    for left in parent.glob(f"{prefix}*-*"):
        pid = left.name.removeprefix(prefix).split("-", 1)[0]
        mine = pid.isdigit() and left.is_dir() and left.stat().st_uid == os.getuid()
        if mine and not _running(int(pid)):
            shutil.rmtree(left, ignore_errors=True)
    return tempfile.TemporaryDirectory(prefix=f"{prefix}{os.getpid()}-")


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another account's process
        return True
    return True
