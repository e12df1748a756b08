"""Doudi's one exception tree."""

from __future__ import annotations

import errno
import re
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


# What DuckDB says (in the text of its error) when the system refused a file, as the errno
# Python would have raised.
_SYSTEM_SAYS = {"No space left on device": errno.ENOSPC, "Read-only file system": errno.EROFS,
                "Permission denied": errno.EACCES}  # fmt: skip


def path_problem(error: BaseException) -> str | None:
    """What is wrong with a disk or a path a command could not use, and what to do, in Chinese:
    a full disk, a read-only folder, no permission, a file where a folder must be (or a folder
    where a file must be), a missing file. The error's causes are looked at too (DuckDB's
    error, or Splink's around it, says so in its text).

    Parameters
    ----------
    error : BaseException
        What a command raised.

    Returns
    -------
    str | None
        The message, naming the path when it is known; None when ``error`` is no such problem.
    """
    for link in _chain(error):
        if isinstance(link, OSError) and link.errno in _PATH_MESSAGES:
            if link.errno == errno.EEXIST and not _file_in(link.filename):
                return None  # an existing folder: not a path a clerk gave wrong
            return _path_message(link.errno, link.filename)
        for said, number in _SYSTEM_SAYS.items():
            if said in str(link):
                quoted = re.search(r'"([^"]+)"', str(link))
                return _path_message(number, quoted.group(1) if quoted else None)
    return None


def unreadable_file(error: OSError) -> str:
    """Why a file could not be read, in Chinese, for a message that names the file already
    (``InputError``): one gone since it was found (moved, renamed or deleted while Doudi read
    the drop), or what ``path_problem`` says of the others.

    Parameters
    ----------
    error : OSError
        What reading the file raised.

    Returns
    -------
    str
        The reason and what to do.

    Examples
    --------
    >>> unreadable_file(FileNotFoundError(errno.ENOENT, "No such file or directory", "a.csv"))
    '读取时找不到该文件（可能刚被移走、改名或删除）：请确认文件在原处后重新运行'
    >>> unreadable_file(PermissionError(errno.EACCES, "Permission denied", "a.csv"))
    '无法读取：没有权限读写文件：请换一个有权限的文件夹，或请管理员开放权限'
    """
    if error.errno == errno.ENOENT:
        return "读取时找不到该文件（可能刚被移走、改名或删除）：请确认文件在原处后重新运行"
    if error.errno in _PATH_MESSAGES:
        return f"无法读取：{_path_message(error.errno, None)}"
    return f"无法读取文件（系统错误 {errno.errorcode.get(error.errno, error.errno)}）"


def _chain(error: BaseException) -> list[BaseException]:
    """``error`` and what caused it, outermost first."""
    chain = [error]
    while (cause := chain[-1].__cause__ or chain[-1].__context__) and cause not in chain:
        chain.append(cause)
    return chain


_PATH_MESSAGES = {
    errno.ENOSPC: "磁盘已满，无法写入{path}：请腾出磁盘空间，或把输出写到另一个磁盘上的文件夹",
    errno.EROFS: "无法写入{path}：所在的文件夹或磁盘是只读的。请换一个可以写入的文件夹",
    errno.EACCES: "没有权限读写{path}：请换一个有权限的文件夹，或请管理员开放权限",
    errno.EPERM: "没有权限读写{path}：请换一个有权限的文件夹，或请管理员开放权限",
    errno.ENOTDIR: "无法使用路径{path}：{file}是一个文件，不是文件夹。请换一个路径，或先移走这个文件",
    errno.EEXIST: "无法使用路径{path}：{file}是一个文件，不是文件夹。请换一个路径，或先移走这个文件",
    errno.EISDIR: "{path}是一个文件夹，这里需要的是文件：请在路径末尾写上文件名",
    errno.ENOENT: "找不到{path}：请检查路径和文件名",
}


def _path_message(number: int, path: str | Path | None) -> str:
    """The message for ``number`` (an errno), naming ``path`` and, where a file stands in for
    a folder, which part of it is that file."""
    file = _file_in(path) if number in (errno.ENOTDIR, errno.EEXIST) else None
    said = _PATH_MESSAGES[number].format(path=f" {path} " if path is not None else "文件",
                                         file=f" {file} " if file else "其中有一段")  # fmt: skip
    return said.replace(" ：", "：").replace("： ", "：").strip()


def _file_in(path: str | Path | None) -> Path | None:
    """The first part of ``path`` (or the path itself) that is a file, if any."""
    if path is None:
        return None
    return next((part for part in (*reversed(Path(path).parents), Path(path)) if part.is_file()),
                None)  # fmt: skip
