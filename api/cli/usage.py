"""Mistakes in how ``doudi`` was called (an unknown option, a value out of range, a missing
argument), said in Chinese: Typer's own messages are English; and the words Typer writes
into every ``--help`` (the usage line, the panels' titles, ``--help`` itself), in Chinese."""

from __future__ import annotations

import difflib
import re
import sys
from typing import Any

import typer
from pydantic import ValidationError
from rich.markup import escape
from typer import Context, rich_utils
from typer._click import exceptions as errors  # Typer 0.29 carries its own Click
from typer.core import TyperCommand, TyperGroup

# Pydantic's checks of an option's value (Typer converts values with pydantic), in Chinese.
_VALUE_RULES = {
    "less_than_equal": "应不大于 {le}",
    "less_than": "应小于 {lt}",
    "greater_than_equal": "应不小于 {ge}",
    "greater_than": "应大于 {gt}",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "enum": "应为以下之一：{expected}",
    "literal_error": "应为以下之一：{expected}",
}


# Typer's help reads these at each help it prints.
rich_utils.ARGUMENTS_PANEL_TITLE = "参数"
rich_utils.OPTIONS_PANEL_TITLE = "选项"
rich_utils.COMMANDS_PANEL_TITLE = "命令"
rich_utils.REQUIRED_LONG_STRING = "[必填]"
rich_utils.DEFAULT_STRING = "[默认：{}]"
HELP_OPTION_TEXT = "显示本帮助并退出。"


class _ChineseHelp:
    """What Click writes in English into a command's help: its usage line and ``--help``."""

    def get_help_option(self, ctx: Context) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION_TEXT
        return option

    def format_usage(self, ctx: Context, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="用法：")


class ChineseCommand(_ChineseHelp, TyperCommand):
    """A ``doudi`` command: its help in Chinese (``_ChineseHelp``)."""


class ChineseUsageGroup(_ChineseHelp, TyperGroup):
    """The ``doudi`` group: a usage mistake is one Chinese line and how to get help (exit 2)."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except errors.NoArgsIsHelpError as error:  # the bare group: its help
            error.show()
            sys.exit(2)
        except errors.UsageError as error:
            from api.cli.base import err_console  # the app's (base imports this module)

            err_console.print(usage_message(error), markup=True, highlight=False)
            sys.exit(2)
        except typer.Abort:
            sys.exit(1)
        sys.exit(code or 0)


def usage_message(error: errors.UsageError) -> str:
    """What was wrong with the call, in Chinese, and where the command's help is.

    >>> usage_message(errors.NoSuchOption("--bogus", possibilities=["--out"]))
    '[bold red]用法错误[/]: 没有选项 --bogus（可用的选项：--out）。'
    """
    wrong = _what_was_wrong(error)
    said = f"[bold red]用法错误[/]: {escape(wrong)}" + ("" if wrong.endswith("？") else "。")
    if error.ctx is not None:
        said += f"查看用法：{escape(error.ctx.command_path)} --help"
    return said


def _what_was_wrong(error: errors.UsageError) -> str:
    if isinstance(error, errors.NoSuchOption):
        return f"没有选项 {error.option_name}" + _option_hint(error)
    if isinstance(error, errors.MissingParameter):
        kind = error.param_type or (error.param.param_type_name if error.param else "")
        return f"缺少{'参数' if kind == 'argument' else '选项'} {_hint(error)}"
    if isinstance(error, errors.BadParameter):
        return f"{_hint(error)} 的值无效：{_value_rule(error)}"
    if isinstance(error, errors.BadOptionUsage):
        return f"选项 {error.option_name} 后面需要一个值"
    if found := re.match(r"No such command '(.*)'\.", error.message):
        return _no_such_command(found.group(1), error.ctx)
    if found := re.match(r"Got unexpected extra argument\(s\) \((.*)\)", error.message):
        return f"多余的参数：{found.group(1)}"
    if error.message == "Missing command.":
        return "缺少命令"
    return f"命令用法有误（{error.message}）"


def _option_hint(error: errors.NoSuchOption) -> str:
    """The options meant, as Click guesses them (none for a short option), or where a global
    option (``-v``) goes: before the command."""
    if error.possibilities:
        return "（可用的选项：" + "、".join(sorted(error.possibilities)) + "）"
    root = error.ctx.find_root() if error.ctx is not None else None
    if root is None or root is error.ctx:
        return ""
    if any(error.option_name in param.opts for param in root.command.params):
        return (
            f"（{error.option_name} 是全局选项，应写在命令之前："
            f"{root.command_path} {error.option_name} {error.ctx.info_name} …）"
        )
    return ""


def _hint(error: errors.BadParameter) -> str:
    if error.param is None:
        return "参数"
    names = [name for name in error.param.opts if name.startswith("--")]
    return names[0] if names else (error.param.name or "").upper()


def _value_rule(error: errors.BadParameter) -> str:
    """The rule the value broke, in Chinese where pydantic said which."""
    cause = error.__cause__
    if isinstance(cause, ValidationError) and cause.errors():
        first = cause.errors()[0]
        if choices := re.findall(r"'([^']*)'", first["msg"].partition("is not one of")[2]):
            return f"{first['input']!s}，应为以下之一：" + "、".join(choices)
        rule = _VALUE_RULES.get(first["type"])
        if rule is not None:
            return f"{first['input']!s}，" + rule.format(**first.get("ctx", {}))
    return error.message


def _no_such_command(name: str, ctx: Context | None) -> str:
    said = f"没有命令 {name}"
    if ctx is not None and isinstance(ctx.command, TyperGroup):
        close = difflib.get_close_matches(name, ctx.command.list_commands(ctx), n=1)
        if close:
            said += f"，是不是 {close[0]}？"
    return said
