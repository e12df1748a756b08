"""Public functions carry numpydoc docstrings (issue 17): a summary, and a ``Parameters``
section when they take arguments, a ``Returns`` (or ``Yields``) section when they return
something. Checked on the source, so a new undocumented function fails here.

Not checked: names starting with ``_``; the routes (their docstrings are the OpenAPI text)
and the CLI commands (their docstrings are the Chinese ``--help``)."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("resolver", "models", "api")
# Their function docstrings are user-facing text, not developer documentation.
USER_FACING = ("api/routers/", "api/cli/")
NOTHING = {"None", "NoReturn"}


def _public_functions() -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            where = path.relative_to(ROOT).as_posix()
            if where.startswith(USER_FACING):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in tree.body:
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    found.append((f"{where}:{node.name}", node))
                elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                    found += [
                        (f"{where}:{node.name}.{item.name}", item)
                        for item in node.body
                        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                    ]
    return [(name, node) for name, node in found if not node.name.startswith("_")]


FUNCTIONS = _public_functions()


def _arguments(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    arguments = node.args
    names = [a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs]
    names += [a.arg for a in (arguments.vararg, arguments.kwarg) if a]
    return [name for name in names if name not in {"self", "cls"}]


def _is_property(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(ast.unparse(d).endswith(("property", ".setter")) for d in node.decorator_list)


def _returns_something(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return node.returns is not None and ast.unparse(node.returns) not in NOTHING


def _missing(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    docstring = ast.get_docstring(node)
    if not docstring:
        return ["docstring"]
    text = inspect.cleandoc(docstring)
    missing = []
    if _arguments(node) and "Parameters\n----------" not in text:
        missing.append("Parameters")
    if (
        _returns_something(node)
        and not _is_property(node)
        and not any(s in text for s in ("Returns\n-------", "Yields\n------"))
    ):
        missing.append("Returns")
    return missing


@pytest.mark.parametrize("package", PACKAGES)
def test_public_functions_have_numpydoc_docstrings(package):
    undocumented = {
        name: missing
        for name, node in FUNCTIONS
        if name.startswith(package + "/") and (missing := _missing(node))
    }
    assert not undocumented, f"{len(undocumented)} functions lack: {undocumented}"


def test_the_check_sees_functions_and_methods():
    names = {name for name, _ in FUNCTIONS}
    assert "resolver/idcard.py:normalize_id" in names or any("idcard" in n for n in names)
    assert any("." in name.split(":")[1] for name in names)
    assert not any(name.startswith(USER_FACING) for name in names)
