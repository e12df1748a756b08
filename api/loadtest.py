"""``doudi bench-api``: the review API under load, measured with ``wrk`` on loopback.

A synthetic county is run (or an existing run's database used), the API is served by
uvicorn in its own process (one worker), and each scenario is driven by ``wrk`` with
``connections`` open connections for ``seconds``, its requests spread over many ids.
A benchmark prints figures; nothing here is a test.
"""

from __future__ import annotations

import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx

from api.storage import opened
from resolver.errors import DoudiError

LUA = """
paths = {%s}
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


@dataclass(frozen=True)
class LoadFigure:
    scenario: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def require_wrk() -> None:
    """Refuse when wrk, which drives the load, is not installed (``bench-api`` asks before it
    writes and runs a county).

    Raises
    ------
    DoudiError
        When wrk is not on the path.
    """
    if shutil.which("wrk") is None:
        raise DoudiError("未安装 wrk（Debian 软件包 wrk；`make bench-api` 会先安装它）")


def measure_api(db: Path, *, seconds: int, connections: int) -> list[LoadFigure]:
    """Serve ``db`` and drive each scenario with wrk; the figures in scenario order.

    Creates an auditor and a consumer token in ``db`` for the requests.

    Parameters
    ----------
    db : Path
        The run's DuckDB file.
    seconds : int
        How long wrk drives each scenario.
    connections : int
        How many connections wrk keeps open.

    Returns
    -------
    list of LoadFigure
        Per scenario: requests per second, median and 99th percentile latency, errors.

    Raises
    ------
    DoudiError
        When wrk is not installed or fails, or the server does not come up.
    """
    require_wrk()
    with opened(db) as storage:
        tokens = {role: storage.tokens.create(name=f"压测-{role}", role=role)
                  for role in ("auditor", "consumer")}  # fmt: skip
        scenarios = _scenarios(storage)
    port = free_port()
    server = subprocess.Popen(
        # the per-token score limit would measure refusals: lifted for the load
        [
            sys.executable,
            "-m",
            "api",
            "serve",
            "--db",
            str(db),
            "--port",
            str(port),
            "--score-lookups-per-minute",
            str(10**9),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/api/health")
        return [
            _run_wrk(name, f"http://127.0.0.1:{port}", paths, tokens[role], seconds, connections)
            for name, role, paths in scenarios
        ]
    finally:
        server.terminate()
        server.wait(timeout=30)


def _scenarios(storage) -> list[tuple[str, str, list[str]]]:
    published = storage.snapshot.published
    case_ids = sorted(published.cases)
    person_ids = sorted(published.cases_of_person)
    townships = sorted({case["township"] for case in published.cases.values() if case["township"]})
    types = sorted({case["case_type"] for case in published.cases.values()})
    sample = random.Random(7)
    lists = ["/api/cases?" + urlencode({"case_type": t, "township": w, "limit": 50})
             for t in types for w in townships]  # fmt: skip
    lists += [f"/api/cases?status=open&min_score=0.9&limit=50&offset={50 * i}" for i in range(4)]
    return [
        ("疑点详情（按编号）", "auditor",
         [f"/api/cases/{c}" for c in sample.sample(case_ids, min(500, len(case_ids)))]),
        ("疑点评分（按编号）", "consumer",
         [f"/api/scores/cases/{c}" for c in sample.sample(case_ids, min(500, len(case_ids)))]),
        ("人员评分（按人员编号）", "consumer",
         [f"/api/scores/persons/{p}" for p in sample.sample(person_ids, min(500, len(person_ids)))]),
        ("疑点列表（按类型、乡镇筛选）", "auditor", lists),
    ]  # fmt: skip


def _run_wrk(name, base_url, paths, token, seconds, connections) -> LoadFigure:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % ", ".join(f'"{path}"' for path in paths))
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name,
               "-H", f"Authorization: Bearer {token}", base_url]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise DoudiError(f"wrk 运行失败：{done.stderr.strip() or done.stdout.strip()}")
    output = done.stdout
    Path(script.name).unlink()
    return LoadFigure(
        name,
        float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        _latency(output, "50%"),
        _latency(output, "99%"),
        sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output)),
    )


def _latency(output: str, percentile: str) -> float:
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", output).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def free_port() -> int:
    """A TCP port free on loopback (the OS picks it; free when probed, not reserved).

    Returns
    -------
    int
        The port number.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, timeout: float = 300) -> None:
    """Poll ``url`` until it answers 200; a ``DoudiError`` after ``timeout`` seconds.

    Parameters
    ----------
    url : str
        The URL to poll.
    timeout : float, default 300
        Seconds to wait at most.

    Raises
    ------
    DoudiError
        When ``url`` has not answered 200 within ``timeout``.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.5)
    raise DoudiError(f"审核接口未能在 {url} 启动")
