"""A real two-node Ray cluster on 127.0.0.1 for the session: a head and a second node, each one CPU.

Both nodes are started with ``ray start --block`` as child processes of the test session and
stopped at the end by signalling those processes (each ``ray start --block`` tears down the
processes of its own node), never by ``ray stop``, which would stop every Ray node of the user on
the machine. Each node gets a small object store and a private temporary folder. Where Ray cannot
start (no ``ray`` executable, a sandbox without sockets) the tests skip with the reason, except
under ``CI=true``, where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

import pytest

START_TIMEOUT_S = 90.0
OBJECT_STORE_BYTES = 80 * 2 ** 20


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"Ray cluster could not start under CI=true: {reason}")
    pytest.skip(f"Ray cluster could not start: {reason}")


def _free_port() -> int:
    with socket.socket() as s:            # an ephemeral port: outside Ray's worker port range 10002-19999
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ray_exe() -> str | None:
    here = Path(sys.executable).with_name("ray")
    return str(here) if here.exists() else shutil.which("ray")


# A private cluster on the loopback interface only: no token authentication (Ray >= 2.5x turns it on
# when ~/.ray/auth_token exists; the driver, this process, is set the same way in the fixture).
ENV = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}


def _start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, **ENV}
    env.pop("RAY_ADDRESS", None)
    with log.open("wb") as fh:
        return subprocess.Popen(args, stdout=fh, stderr=subprocess.STDOUT, env=env, start_new_session=True)


def _wait_port(port: int, proc: subprocess.Popen[bytes], deadline: float) -> bool:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1.0):
                return True
        except OSError:
            time.sleep(0.3)
    return False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)          # this node's own process group only
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[str]:
    """The address ``127.0.0.1:PORT`` of a running two-node cluster; this process is connected to it."""
    exe = _ray_exe()
    if exe is None:
        _unavailable("no 'ray' executable beside the interpreter or on PATH")
    try:
        import ray
    except ImportError as exc:  # pragma: no cover - ray is a dependency
        _unavailable(f"import ray: {exc}")
    tmp = Path(tempfile.mkdtemp(prefix="uray", dir="/tmp"))   # short: Ray's socket paths must stay < 108 bytes
    port = _free_port()
    common = ["--block", "--node-ip-address", "127.0.0.1", "--num-cpus", "1", "--disable-usage-stats",
              "--object-store-memory", str(OBJECT_STORE_BYTES), "--dashboard-agent-listen-port", "0"]
    procs: list[subprocess.Popen[bytes]] = []
    address = f"127.0.0.1:{port}"
    saved = {k: os.environ.get(k) for k in ENV}
    os.environ.update(ENV)
    try:
        head = _start([str(exe), "start", "--head", "--port", str(port), "--include-dashboard", "false",
                       "--temp-dir", str(tmp / "h"), *common], tmp / "head.log")
        procs.append(head)
        deadline = time.monotonic() + START_TIMEOUT_S
        if not _wait_port(port, head, deadline):
            _unavailable(f"the head node did not open {address}: {(tmp / 'head.log').read_text()[-400:]}")
        procs.append(_start([str(exe), "start", "--address", address, *common], tmp / "node2.log"))
        ray.init(address=address, logging_level="ERROR", log_to_driver=False)
        while ray.cluster_resources().get("CPU", 0) < 2:
            if time.monotonic() > deadline or procs[1].poll() is not None:
                _unavailable(f"the second node did not join: {(tmp / 'node2.log').read_text()[-400:]}")
            time.sleep(0.3)
        yield address
    finally:
        if "ray" in sys.modules and sys.modules["ray"].is_initialized():
            sys.modules["ray"].shutdown()
        for p in reversed(procs):
            _stop(p)
        shutil.rmtree(tmp, ignore_errors=True)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
