"""Long jobs run in the worker processes of usmca.api.jobs.JobPool: never in the server process,
bounded (503 with Retry-After when full), and other routes answer while one runs.

Latency itself is measured in benchmarks/bench_api.py (phase duty+long), not asserted here.
"""

from __future__ import annotations

import os
import time
from typing import Any, Iterator

import pytest

from usmca.api.jobs import JobPool, PoolFull

from .checks import DUTY, make_client


@pytest.fixture()
def pool() -> Iterator[JobPool]:
    p = JobPool(workers=1, queue=0, retry_after=7, niceness=0)
    yield p
    p.shutdown()


def test_a_job_runs_in_another_process(pool: JobPool) -> None:
    assert pool.submit(("pid",), os.getpid).result(timeout=120) != os.getpid()
    assert pool.pending == 0


def test_identical_jobs_share_one_run_and_the_queue_is_bounded(pool: JobPool) -> None:
    first = pool.submit(("sleep",), time.sleep, 30)
    assert pool.submit(("sleep",), time.sleep, 30) is first  # joined, not queued again
    with pytest.raises(PoolFull) as refused:
        pool.submit(("other",), time.sleep, 1)
    assert refused.value.status_code == 503 and refused.value.headers == {"Retry-After": "7"}


def test_other_routes_answer_while_the_pool_is_busy_and_a_new_job_is_503(pool: JobPool) -> None:
    from usmca.api import create_app

    client = make_client(create_app(jobs=pool))
    busy = pool.submit(("sleep",), time.sleep, 60)
    duty = client.get(DUTY)
    assert duty.status_code == 200 and duty.json()["total_duty"] > 0
    assert not busy.done()  # answered while the long job still runs
    name = client.get("/review/scenarios").json()["scenarios"][0]["name"]
    refused = client.get(f"/review/{name}")
    assert refused.status_code == 503, refused.text
    assert refused.headers["retry-after"] == "7"
    assert refused.json()["source"] == "request" and "busy" in refused.json()["error"]
    assert not busy.done()


def test_the_server_process_never_solves(pool: JobPool, monkeypatch: pytest.MonkeyPatch) -> None:
    import usmca.scenarios
    import usmca.scenarios.runner
    from usmca.api import create_app

    def forbidden(*_: Any, **__: Any) -> Any:
        raise AssertionError("a scenario was solved in the server process")

    monkeypatch.setattr(usmca.scenarios, "run_scenario", forbidden)
    monkeypatch.setattr(usmca.scenarios.runner, "run_scenario", forbidden)
    client = make_client(create_app(jobs=pool))
    name = client.get("/review/scenarios").json()["scenarios"][0]["name"]
    first = client.get(f"/review/{name}")
    assert first.status_code == 200, first.text
    assert first.json()["name"] == name
    listed = {s["name"]: s["computed"] for s in client.get("/review/scenarios").json()["scenarios"]}
    assert listed[name] is True and sum(listed.values()) == 1  # adopted by the server's cache
    busy = pool.submit(("sleep",), time.sleep, 60)  # the pool is now full ...
    again = client.get(f"/review/{name}")  # ... but a computed scenario needs no job
    assert again.status_code == 200 and again.content == first.content
    assert not busy.done()


def test_an_unknown_scenario_is_422_before_any_job(pool: JobPool) -> None:
    from usmca.api import create_app

    client = make_client(create_app(jobs=pool))
    busy = pool.submit(("sleep",), time.sleep, 60)
    r = client.get("/review/no_such_scenario")
    assert r.status_code == 422 and r.json()["field"] == "name"
    assert not busy.done()


def test_a_user_error_in_a_job_is_the_same_user_error_in_the_server(pool: JobPool) -> None:
    import asyncio

    from usmca.errors import UserInputError
    from usmca.law import parse_date

    with pytest.raises(UserInputError) as raised:
        asyncio.run(pool.run(("date",), parse_date, "not a date", "query", "date"))
    assert (raised.value.source, raised.value.field, raised.value.value) == ("query", "date", "not a date")
    assert asyncio.run(pool.run(("pid",), os.getpid)) != os.getpid()  # the pool still works


def test_a_what_if_with_an_unknown_law_path_is_404_from_the_worker(pool: JobPool) -> None:
    """Well-formed, naming a path the law tree does not have: 404 (usmca.api.spec), raised in the
    worker process and carried back whole."""
    from usmca.api import create_app

    client = make_client(create_app(jobs=pool))
    name = client.get("/review/scenarios").json()["scenarios"][0]["name"]
    r = client.post("/dashboard/run", json={"scenario": name, "changes": {"usmca/no/such/parameter": {"2027-07-01": 1}}})
    assert r.status_code == 404, r.text
    assert "usmca/no/such/parameter" in r.json()["error"]


def test_a_worker_ends_when_its_server_is_killed(tmp_path: Any) -> None:
    import signal
    import subprocess
    import sys

    script = ("import os, sys, time\n"
              "from usmca.api.jobs import JobPool\n"
              "pool = JobPool(workers=1, queue=0)\n"
              "print(pool.submit(('pid',), os.getpid).result(timeout=120), flush=True)\n"
              "pool.submit(('sleep',), time.sleep, 600)\n"
              "time.sleep(600)\n")
    server = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    worker = int(server.stdout.readline())  # type: ignore[union-attr]
    os.kill(server.pid, signal.SIGKILL)
    server.wait(timeout=30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.kill(worker, signal.SIGKILL)
    pytest.fail("the worker outlived its server by 30 s")
