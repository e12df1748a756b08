"""Where the keys of a JSON text a person edited are written: the line of each, and the keys
an object repeats (JSON keeps the last of a repeated key without a word)."""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections import defaultdict

KeyPath = tuple[str | int, ...]
"""A key's place in the text: the keys (and list positions) from the top object down."""

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]')


def key_lines(text: str) -> dict[KeyPath, list[int]]:
    """Each key of a JSON text, by its path, with the lines (from 1) it is written on: two or
    more where an object repeats it.

    Parameters
    ----------
    text : str
        Valid JSON (``json.loads`` has read it).

    Returns
    -------
    dict of tuple to list of int
        ``("monthly_amounts", "A", "2025-07")`` -> ``[41, 42]``; a list's items are numbered
        from 0 in the path.

    Examples
    --------
    >>> key_lines('{"a": 1,\\n "b": {"c": [{"d": 2}], "c": 3}}')
    {('a',): [1], ('b',): [2], ('b', 'c'): [2, 2], ('b', 'c', 0, 'd'): [2]}
    """
    newlines = [match.start() for match in re.finditer("\n", text)]
    tokens = list(_TOKEN.finditer(text))
    found: dict[KeyPath, list[int]] = defaultdict(list)
    frames: list[list] = []  # per open container: its path, the key or item index within
    for at, token in enumerate(tokens):
        said = token.group()
        if said in "{[":
            frames.append([_path_within(frames), None if said == "{" else 0])
        elif said in "}]":
            frames.pop()
        elif said == "," and isinstance(frames[-1][1], int):
            frames[-1][1] += 1
        elif said.startswith('"') and at + 1 < len(tokens) and tokens[at + 1].group() == ":":
            frames[-1][1] = json.loads(said)
            found[_path_within(frames)].append(bisect_right(newlines, token.start()) + 1)
    return dict(found)


def _path_within(frames: list[list]) -> KeyPath:
    """The path of the value being read: the innermost container's, then its key or index."""
    if not frames:
        return ()
    path, within = frames[-1]
    return (*path, within)


def repeated_keys(text: str) -> list[str]:
    """Each key an object of a JSON text repeats, as a person reads it: the key's path and
    the lines it is written on (the keys within a repeated key's objects are not named
    again).

    Parameters
    ----------
    text : str
        Valid JSON.

    Returns
    -------
    list of str
        ``键 monthly_amounts → A → "2025-07" 重复出现（第 41、42 行）``; none when no key
        repeats.

    Examples
    --------
    >>> repeated_keys('{"A": {"2025-07": 680,\\n "2025-07": 690}}')
    ['键 A → "2025-07" 重复出现（第 1、2 行）：JSON 只保留最后一个，先写的会被忽略']
    """
    found = key_lines(text)
    repeated = [path for path, lines in found.items() if len(lines) > 1]
    return [f"键 {key_text(path)} 重复出现（第 {'、'.join(map(str, found[path]))} 行）："
            "JSON 只保留最后一个，先写的会被忽略"
            for path in repeated if not any(path[:depth] in repeated for depth in range(len(path)))]  # fmt: skip


def key_text(path: KeyPath) -> str:
    """A key path as a person reads it: keys joined by →, a key that is a month or a number
    quoted, a list's item as 第 n 项.

    Parameters
    ----------
    path : tuple
        Keys and list positions from the top object down.

    Returns
    -------
    str
        ``monthly_amounts → A → "2025-07"``.
    """
    said = [f"第 {part + 1} 项" if isinstance(part, int)
            else part if re.fullmatch(r"[A-Za-z_][\w]*", part) else json.dumps(part, ensure_ascii=False)
            for part in path]  # fmt: skip
    return " → ".join(said)
