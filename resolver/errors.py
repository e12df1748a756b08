"""Doudi's one exception tree."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

ROWS_SHOWN = 20


class DoudiError(Exception):
    """Base of every error Doudi raises on purpose."""


class InputError(DoudiError):
    """Bad input: a file that cannot be used, naming the file, rows and column.

    ``rows`` are the row numbers a person sees in the file (its first row is 1); ``sheet`` is
    the workbook's sheet, if any. The message is Chinese: a clerk acts on it.
    """

    def __init__(
        self,
        path: Path | str,
        row: int | Sequence[int] | None,
        column: str | None,
        reason: str,
        sheet: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.rows: tuple[int, ...] = (row,) if isinstance(row, int) else tuple(row or ())
        self.column = column
        self.reason = reason
        self.sheet = sheet
        super().__init__(self._message())

    def __reduce__(self):
        """Picklable, so that an error found in a worker process reaches the caller whole."""
        return (type(self), (self.path, self.rows, self.column, self.reason, self.sheet))

    def _message(self) -> str:
        details = []
        if self.sheet:
            details.append(f"工作表「{self.sheet}」")
        if self.rows:
            shown = "、".join(str(row) for row in self.rows[:ROWS_SHOWN])
            more = len(self.rows) - ROWS_SHOWN
            details.append(f"第 {shown} 行" + (f" 等（另有 {more} 行）" if more > 0 else ""))
        if self.column:
            details.append(f"列「{self.column}」")
        where = f"{self.path}（{'；'.join(details)}）" if details else str(self.path)
        return f"{where}：{self.reason}"


class InputErrors(DoudiError):
    """Several input errors found in one pass, raised together."""

    def __init__(self, errors: Sequence[InputError]) -> None:
        self.errors = tuple(errors)
        super().__init__("\n".join(str(error) for error in self.errors))

    def __reduce__(self):
        return (type(self), (self.errors,))


def raise_collected(errors: Sequence[InputError]) -> None:
    """Raise nothing, the one error, or all of them together.

    Parameters
    ----------
    errors : Sequence[InputError]
        The errors found; none, one or several.

    Raises
    ------
    InputError
        If there is exactly one error.
    InputErrors
        If there are several.
    """
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputErrors(errors)
