"""``doudi serve`` over HTTPS (``--ssl-certfile``, ``--ssl-keyfile``), and its warning in
Chinese when it listens beyond this machine in clear text (bearer tokens on a county LAN)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time

import httpx
import pytest
import uvicorn
from typer.testing import CliRunner

from api.cli import app
from api.loadtest import free_port
from resolver.db import connect

runner = CliRunner()
CLEAR = "不是本机回环地址，且未提供证书"


@pytest.fixture()
def served_files(tmp_path):
    """An empty Doudi database and a self-signed certificate for 127.0.0.1 with its key."""
    if shutil.which("openssl") is None:
        pytest.fail("openssl is not installed (the test makes its certificate with it)")
    db, cert, key = tmp_path / "doudi.duckdb", tmp_path / "cert.pem", tmp_path / "key.pem"
    connect(db).close()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)  # fmt: skip
    return db, cert, key


def test_serve_answers_over_https_with_the_certificate_given(served_files):
    db, cert, key = served_files
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "api", "serve", "--db", str(db), "--port", str(port),
         "--ssl-certfile", str(cert), "--ssl-keyfile", str(key)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        answer = _first_answer(f"https://127.0.0.1:{port}/api/health", cert)
        assert answer.status_code == 200
        with pytest.raises(httpx.HTTPError):  # no clear text on that port
            httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=5)
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    assert f"审核页面: https://127.0.0.1:{port}/" in out and CLEAR not in err


def _first_answer(url: str, cert, timeout: float = 60) -> httpx.Response:
    """The first answer of a server starting up, its certificate checked against ``cert``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return httpx.get(url, verify=str(cert), timeout=5)
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@pytest.mark.parametrize(
    ("host", "with_tls", "warned"),
    [("0.0.0.0", False, True), ("192.168.1.20", False, True), ("0.0.0.0", True, False),
     ("127.0.0.1", False, False), ("localhost", False, False)],
)  # fmt: skip
def test_clear_text_beyond_this_machine_is_warned_in_chinese(
    served_files, monkeypatch, host, with_tls, warned
):
    db, cert, key = served_files
    given: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda application, **options: given.update(options))
    tls = ["--ssl-certfile", str(cert), "--ssl-keyfile", str(key)] if with_tls else []
    result = runner.invoke(app, ["serve", "--db", str(db), "--host", host, *tls])
    assert result.exit_code == 0, result.output
    assert (CLEAR in result.output.replace("\n", "")) is warned
    assert given["host"] == host
    assert given.get("ssl_certfile") == (str(cert) if with_tls else None)


def test_a_certificate_without_its_key_or_a_bad_one_is_refused_in_chinese(served_files):
    db, cert, key = served_files
    alone = runner.invoke(app, ["serve", "--db", str(db), "--ssl-certfile", str(cert)])
    assert alone.exit_code != 0 and "须一同给出" in alone.output
    swapped = runner.invoke(app, ["serve", "--db", str(db), "--ssl-certfile", str(db),
                                  "--ssl-keyfile", str(key)])  # fmt: skip
    assert swapped.exit_code != 0 and "无法读取证书" in swapped.output
    assert "Traceback" not in alone.output + swapped.output
