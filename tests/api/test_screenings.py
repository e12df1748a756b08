"""Screenings stored by the API (``api.screenings``, ``api.routers.screenings``) when a file
fails after it was read: a Chinese refusal, and the upload logged."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi import UploadFile

from api import screenings as module
from api.reviews import DecisionError
from api.routers import screenings as routes
from api.screenings import Screenings
from api.store import Store
from resolver.errors import InputError


def test_a_list_that_cannot_be_written_back_is_refused_in_chinese(tmp_path, monkeypatch):
    # read and screened, but not written back: the same refusal as a file that cannot be read
    source = SimpleNamespace(file_format="xlsx")
    screened = SimpleNamespace(payments=SimpleNamespace(sources=[source]))
    monkeypatch.setattr(module, "screen_file", lambda cursor, path, county: screened)

    def refused(screening, out: Path) -> None:
        raise InputError(out.parent.parent / out.name, None, None, "无法在该表格中写回审核结果")

    monkeypatch.setattr(module, "write_screened", refused)
    store = Store(tmp_path / "run.duckdb")
    try:
        with pytest.raises(DecisionError) as error:
            Screenings(store).screen(b"PK", "发放表.xlsx", actor="auditor-1", role="auditor")
    finally:
        store.close()
    assert error.value.kind == "invalid"
    assert error.value.message == "发放表.xlsx：无法在该表格中写回审核结果"


def test_an_upload_that_fails_is_logged_before_the_error_is_answered():
    recorded = []
    access = SimpleNamespace(record=lambda *args: recorded.append(args))

    def fails(*args, **kwargs):
        raise KeyError("r:id")

    upload = UploadFile(io.BytesIO(b"PK"), filename="发放表.xlsx")
    principal = SimpleNamespace(name="auditor-1", role="auditor")
    with pytest.raises(KeyError):
        routes.upload(upload, SimpleNamespace(screen=fails), access, principal)
    assert recorded == [("auditor-1", "auditor", "screen_payments", "发放表.xlsx 未能审核 500")]
