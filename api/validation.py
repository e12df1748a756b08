"""Requests the API cannot take, answered in Chinese: a 422 keeps FastAPI's shape (``detail``:
a list of ``loc``, ``msg``, ``type``), its ``msg`` says in Chinese where and what is wrong,
with pydantic's English after it, its added ``reason`` what is wrong in Chinese alone (for a
page to name the field its own way), and the rejected value is not echoed back (it may be an
ID number). An HTTP error FastAPI or Starlette raised in English (an unknown path's
``Not Found``, ``Method Not Allowed``, a body that is not UTF-8 JSON, a broken multipart form)
gets a Chinese one; an unexpected error a Chinese 500."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from resolver.idcard import shows_nothing

_PLACES = {"body": "请求体", "query": "查询参数", "path": "路径参数", "header": "请求头",
           "cookie": "Cookie"}  # fmt: skip
# What is wrong, by pydantic's error type; ``{name}`` takes the error's context.
_REASONS = {
    "missing": "缺少此项",
    "extra_forbidden": "不接受此项",
    "string_type": "应为文本",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "最多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不符",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "date_type": "应为日期（年-月-日）",
    "date_parsing": "应为日期（年-月-日）",
    "date_from_datetime_parsing": "应为日期（年-月-日）",
    "date_from_datetime_inexact": "应为日期（年-月-日），不带时间",
    "datetime_type": "应为日期时间",
    "datetime_parsing": "应为日期时间",
    "datetime_from_date_parsing": "应为日期时间",
    "literal_error": "应为以下之一：{expected}",
    "enum": "应为以下之一：{expected}",
    "list_type": "应为列表",
    "dict_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "json_invalid": "不是有效的 JSON",
    "json_type": "不是有效的 JSON",
    "too_short": "至少 {min_length} 项",
    "too_long": "最多 {max_length} 项",
}


def chinese_message(error: Mapping[str, Any]) -> str:
    """One validation error, in Chinese: where, what, then pydantic's own words.

    Parameters
    ----------
    error : Mapping[str, Any]
        An error as pydantic reports it (``type``, ``loc``, ``msg``, optional ``ctx``).

    Returns
    -------
    str
        The message.

    >>> chinese_message({"type": "less_than_equal", "loc": ("query", "limit"),
    ...                  "msg": "Input should be less than or equal to 500", "ctx": {"le": 500}})
    '查询参数 limit：应不大于 500（Input should be less than or equal to 500）'
    >>> chinese_message({"type": "literal_error", "loc": ("body", "outcome"),
    ...                  "msg": "Input should be 'kept' or 'released'",
    ...                  "ctx": {"expected": "'kept' or 'released'"}}).split("（")[0]
    "请求体 outcome：应为以下之一：'kept'、'released'"
    >>> chinese_message({"type": "missing", "loc": ("body", "decision", "status"),
    ...                  "msg": "Field required"})
    '请求体 decision.status：缺少此项（Field required）'
    >>> chinese_message({"type": "json_invalid", "loc": ("body", 1), "msg": "JSON decode error"})
    '请求体第 2 个字符处：不是有效的 JSON（JSON decode error）'
    """
    location = error.get("loc", ())
    if error.get("type") == "json_invalid" and len(location) == 2:  # ("body", 0-based offset)
        where = f"请求体第 {int(location[1]) + 1} 个字符处"
    else:
        where = _where(location)
    return f"{where}：{chinese_reason(error)}（{error.get('msg', '')}）"


def chinese_reason(error: Mapping[str, Any]) -> str:
    """What is wrong with a value, in Chinese alone (the page names the field itself).

    Parameters
    ----------
    error : Mapping[str, Any]
        An error as pydantic reports it (``type``, optional ``ctx``).

    Returns
    -------
    str
        The reason.

    >>> chinese_reason({"type": "string_too_short", "ctx": {"min_length": 1}})
    '不能为空'
    >>> chinese_reason({"type": "string_too_short", "ctx": {"min_length": 4}})
    '至少 4 个字符'
    """
    kind = str(error.get("type"))
    context = dict(error.get("ctx", {}))
    if kind == "string_too_short" and context.get("min_length") == 1:
        return "不能为空"
    template = _REASONS.get(kind, "取值无效")
    if "expected" in context:  # pydantic's "'a', 'b' or 'c'"
        context["expected"] = str(context["expected"]).replace(" or ", "、").replace(", ", "、")
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return "取值无效"


def _where(location: Sequence[Any]) -> str:
    place, *field = location or ("body",)
    named = ".".join(str(part) for part in field)
    return f"{_PLACES.get(str(place), str(place))} {named}".rstrip()


async def validation_failed(request: Request, error: RequestValidationError) -> JSONResponse:
    """The 422 answer to a request that does not validate.

    Parameters
    ----------
    request : Request
        The request (its body read again when it holds no valid JSON).
    error : RequestValidationError
        What pydantic found.

    Returns
    -------
    JSONResponse
        ``{"detail": [{"loc", "msg", "type", "reason"}, ...]}``, each ``msg`` in Chinese
        (with pydantic's English after it), ``reason`` what is wrong in Chinese alone; a 400
        as for a body that cannot be parsed when the body is not UTF-8 (FastAPI reads UTF-16
        too and finds it no JSON).
    """
    errors = error.errors()
    if any(found.get("type") == "json_invalid" for found in errors) and not _utf8(
        await request.body()
    ):
        detail = chinese_detail(400, "There was an error parsing the body")
        return JSONResponse({"detail": detail}, status_code=400)
    detail = [{"loc": list(found.get("loc", ())), "msg": chinese_message(found),
               "type": found.get("type", "value_error"), "reason": chinese_reason(found)}
              for found in errors]  # fmt: skip
    return JSONResponse({"detail": detail}, status_code=422)


def _utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# The Chinese of the errors Starlette raises with its status's English phrase alone.
_PHRASES = {
    400: "请求无法解析",
    401: "需要登录：请提供有效的访问令牌",
    403: "无权执行此操作",
    404: "没有这个地址或对象",
    405: "此地址不接受该请求方法",
    406: "无法按要求的格式回答",
    413: "请求体过大",
    415: "不支持的内容类型",
    429: "请求过于频繁，请稍后再试",
}
UNEXPECTED = "服务器内部错误，已记入服务器日志，请联系管理员"
# The Chinese of the English details FastAPI and Starlette raise with a status of their own
# (a body that is not UTF-8 JSON or nests too deep, a broken multipart form), by pattern.
_DETAILS = (
    (re.compile(r"There was an error parsing the body"),
     "请求体无法解析：应为 UTF-8 编码的 JSON，且嵌套不能过深"),
    (re.compile(r"Missing boundary in multipart\."),
     "上传的表单（multipart/form-data）缺少 Content-Type 中的 boundary"),
    (re.compile(r"Invalid multipart data\."), "上传的表单（multipart/form-data）格式有误，无法解析"),
    (re.compile(r"(?:Field|Part) exceeded maximum size of (\d+)KB\."),
     "上传的表单中有一项超过 {0}KB 的上限"),
    (re.compile(r"Too many fields\. Maximum number of fields is (\d+)\."),
     "上传的表单项过多：最多 {0} 项"),
    (re.compile(r"Too many files\. Maximum number of files is (\d+)\."),
     "上传的文件过多：最多 {0} 个"),
    (re.compile(r'The Content-Disposition header field "name" must be provided\.'),
     "上传的表单中有一项缺少名称（Content-Disposition 的 name）"),
)  # fmt: skip
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    """An HTTP error as JSON (FastAPI's shape), always in Chinese (``chinese_detail``).

    Parameters
    ----------
    request : Request
        The request.
    error : StarletteHTTPException
        The error raised.

    Returns
    -------
    JSONResponse
        ``{"detail": ...}`` with the error's status and headers.
    """
    detail = chinese_detail(error.status_code, error.detail)
    return JSONResponse({"detail": detail}, error.status_code, headers=error.headers)


def chinese_detail(status_code: int, detail: Any) -> Any:
    """An HTTP error's detail in Chinese: an English one FastAPI or Starlette raised (its
    status's bare phrase, a body it could not parse) translated, the English after it; any
    other text with no Chinese in it (a library's, not ours) as the status's Chinese alone,
    nothing of it echoed. Ours, already Chinese, and a detail that is not text stay.

    Parameters
    ----------
    status_code : int
        The error's status.
    detail : Any
        Its detail as raised.

    Returns
    -------
    Any
        The detail to send.

    Examples
    --------
    >>> chinese_detail(400, "Invalid multipart data.")
    '上传的表单（multipart/form-data）格式有误，无法解析（Invalid multipart data.）'
    >>> chinese_detail(404, "Not Found"), chinese_detail(404, "没有疑点 c-1")
    ('没有这个地址或对象', '没有疑点 c-1')
    >>> chinese_detail(400, "Bad thing in field x=532326195601016870")
    '请求无法解析'
    """
    if not isinstance(detail, str) or _CHINESE.search(detail):
        return detail
    for pattern, chinese in _DETAILS:
        if found := pattern.fullmatch(detail):
            return f"{chinese.format(*found.groups())}（{detail}）"
    return _PHRASES.get(status_code, "请求未能完成")


def unexpected_error() -> JSONResponse:
    """The answer to an error of the server's own: 500, in Chinese, nothing of the error.

    Returns
    -------
    JSONResponse
        ``{"detail": UNEXPECTED}`` with status 500.
    """
    return JSONResponse({"detail": UNEXPECTED}, 500)


def says_nothing(text: str | None) -> bool:
    """Whether a required free text (a reason, a note, a 责任人, a token's name) is empty: None,
    or only characters that show nothing (``resolver.idcard.shows_nothing``: whitespace,
    U+3000 too, format and control characters such as a zero-width space, joiner or BOM,
    combining marks such as U+034F or a variation selector, and fillers such as U+3164 or
    U+2800).

    Parameters
    ----------
    text : str or None
        What was typed.

    Returns
    -------
    bool
        True when no character of ``text`` would show.

    Examples
    --------
    >>> [says_nothing(t) for t in (None, "", " \u3000", "\u200b\u200b", "\ufeff\u200d", "核实")]
    [True, True, True, True, True, False]
    >>> [says_nothing(t) for t in ("\u3164", "\u2800", "\u115f\u1160", "\uffa0\u034f\ufe0f\u17b5")]
    [True, True, True, True]
    """
    return all(map(shows_nothing, text or ""))
