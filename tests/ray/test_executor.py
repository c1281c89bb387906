"""The Ray executor on a real two-node cluster: order, a worker killed mid-job, cancellation, errors."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest
import ray.cloudpickle

from usmca.errors import UserInputError
from usmca.execute import SerialExecutor, get_executor, split

ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])   # the workers cannot import a test module


def _first_waits(marker_dir: str, k: int) -> tuple[int, int]:
    """Shard 0 waits until the last shard has finished (a marker file), so it finishes last."""
    last = Path(marker_dir) / "last-done"
    if k == 0:
        deadline = time.monotonic() + 30
        while not last.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    elif k == 2:
        last.write_text("done")
    return k, k * k


def _die_once(marker_dir: str, k: int) -> int:
    marker = Path(marker_dir) / f"killed-{k}"
    if k == 1 and not marker.exists():    # the first attempt at shard 1 kills its own worker process
        marker.write_text(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
    return 10 * k + 1


def _sleep_then_mark(marker_dir: str, k: int) -> int:
    if k > 0:
        time.sleep(20)
        (Path(marker_dir) / f"finished-{k}").write_text("late")
    return k


def _bad(shared: None, k: int) -> int:
    raise UserInputError("shard", "k", k, "refused")


def test_results_come_back_in_shard_order(ray_cluster: str, tmp_path: Path) -> None:
    shards = [0, 1, 2]
    with get_executor(ray_cluster) as ex:
        seen: list[int] = []
        got = ex.map_shards(_first_waits, shards, shared=str(tmp_path), on_done=lambda k, r: seen.append(k))
        (tmp_path / "last-done").unlink()
        streamed = list(ex.imap_shards(_first_waits, shards, shared=str(tmp_path)))
    assert ex.workers == 2
    assert got == streamed == [(0, 0), (1, 1), (2, 4)]
    assert sorted(seen) == shards and seen[-1] == 0       # finished out of order, returned in order


def test_a_worker_killed_mid_job_is_retried_with_the_same_result(ray_cluster: str, tmp_path: Path) -> None:
    with get_executor(ray_cluster, max_retries=2) as ex:
        got = ex.map_shards(_die_once, [0, 1, 2], shared=str(tmp_path))
    assert (tmp_path / "killed-1").exists()             # the worker really died on shard 1
    assert got == SerialExecutor().map_shards(_die_once, [0, 1, 2], shared=str(tmp_path))


def test_interrupt_cancels_the_pending_shards(ray_cluster: str, tmp_path: Path) -> None:
    import ray

    def interrupt(k: int, r: object) -> None:
        raise KeyboardInterrupt

    t0 = time.monotonic()
    with get_executor(ray_cluster) as ex, pytest.raises(KeyboardInterrupt):
        ex.map_shards(_sleep_then_mark, [0, 1, 2], shared=str(tmp_path), on_done=interrupt)
    assert time.monotonic() - t0 < 15
    assert len(ex.cancelled) == 2
    for ref in ex.cancelled:
        with pytest.raises((ray.exceptions.TaskCancelledError, ray.exceptions.WorkerCrashedError)):
            ray.get(ref, timeout=15)
    deadline = time.monotonic() + 15                     # the cancelled workers' CPUs come back
    while ray.available_resources().get("CPU", 0) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert ray.available_resources().get("CPU", 0) == 2
    assert not list(tmp_path.glob("finished-*"))


def test_a_shard_error_is_raised_as_itself(ray_cluster: str) -> None:
    with get_executor(ray_cluster) as ex, pytest.raises(UserInputError, match="refused"):
        ex.map_shards(_bad, [0, 1])


def test_unreachable_or_malformed_address_is_user_input() -> None:
    import socket

    with socket.socket() as s:                           # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.monotonic()
    with pytest.raises(UserInputError, match="no Ray cluster reachable"):
        get_executor(f"127.0.0.1:{port}")
    assert time.monotonic() - t0 < 5
    with pytest.raises(UserInputError, match="not a cluster address"):
        get_executor("no-port-here")
    with pytest.raises(UserInputError, match="empty address"):
        get_executor("  ")


def test_split_is_balanced_and_covers_everything() -> None:
    spans = split(1001, 125)
    assert len(spans) == 9 and spans[0][0] == 0 and spans[-1][1] == 1001
    assert all(a[1] == b[0] for a, b in zip(spans[:-1], spans[1:], strict=True))
    assert {b - a for a, b in spans} <= {111, 112}
    assert split(0, 5) == [] and split(3, 5) == [(0, 3)]
    with pytest.raises(UserInputError):
        split(3, 0)


def test_submitted_shards_run_while_the_driver_works(ray_cluster: str, tmp_path: Path) -> None:
    """``submit_shards`` returns at once; ``result()`` is ``map_shards``' list (serial: the same)."""
    shards = [0, 1, 2]
    with get_executor(ray_cluster) as ex:
        t = time.monotonic()
        pending = ex.submit_shards(_first_waits, shards, shared=str(tmp_path))
        submitted = time.monotonic() - t
        got = pending.result()
        with pytest.raises(UserInputError, match="refused"):
            ex.submit_shards(_bad, [1, 2], shared=None).result()
    assert submitted < 5.0                              # shard 0 waits for shard 2: not awaited here
    assert got == SerialExecutor().submit_shards(_first_waits, shards, shared=str(tmp_path)).result()
    assert got == [(0, 0), (1, 1), (2, 4)]
