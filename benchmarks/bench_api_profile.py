"""Where a request's CPU goes: the ASGI application called in process (no network, no client).

Usage: ``python benchmarks/bench_api_profile.py [--requests 300] [--runs 5] [--top 12]``

For each route of benchmarks/bench_api.py it prints the CPU milliseconds per request (min and median
of ``--runs`` runs of ``--requests`` requests; ``time.process_time``, so time spent waiting for a
thread or for the CPU on a shared machine is not counted), the implied ceiling of one server process
with one whole core (1000 / ms req/s) and its ratio to the req/s target, then a cProfile of one run
(the functions with the most cumulative time). This is the profile behind the findings in the
docstring of benchmarks/bench_api.py.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import statistics
import time
from pathlib import Path
from typing import Any, Callable

import yaml

ROOT = Path(__file__).resolve().parents[1]
TARGET_RPS = {"duty": 1000.0, "duty-distinct": 1000.0, "qualify": 300.0, "review": 1000.0}


def _caller(app: Any) -> Callable[..., Any]:
    async def call(method: str, path: str, query: bytes = b"", body: bytes = b"") -> int:
        sent: list[Any] = []
        messages = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive() -> Any:
            return messages.pop(0) if messages else {"type": "http.disconnect"}

        async def send(message: Any) -> None:
            sent.append(message)

        headers = [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"),
                   (b"content-length", str(len(body)).encode())]
        await app({"type": "http", "method": method, "path": path, "raw_path": path.encode(), "query_string": query,
                   "headers": headers, "http_version": "1.1", "scheme": "http", "server": ("127.0.0.1", 80),
                   "client": ("127.0.0.1", 1), "root_path": "", "asgi": {"version": "3.0"}}, receive, send)
        status = int(sent[0]["status"])
        if status != 200:
            raise RuntimeError(f"{method} {path}?{query.decode()}: {status}")
        return status

    return call


def _short(line: str) -> str:
    """A pstats line with the site-packages / checkout prefix of its file cut."""
    head, sep, where = line.rpartition(" ")
    for marker in ("site-packages/", "src/usmca/", "lib/python3.11/"):
        if marker in where:
            return head + sep + where[where.index(marker) + len(marker):]
    return line


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--top", type=int, default=12)
    args = ap.parse_args()

    from usmca.api import create_app
    from usmca.api.app import warm_up

    app = create_app(jobs=False)
    warm_up(app)
    call = _caller(app)
    bom = json.dumps(yaml.safe_load((ROOT / "examples" / "electronics_bom.yaml").read_text()), default=str).encode()
    name = next(iter(app.state.review.library()))
    counter = iter(range(10**9))
    routes: dict[str, Callable[[], Any]] = {
        "duty": lambda: call("GET", "/tariffs/duty", b"hts=8703.23.01&origin=MX&date=2025-03-01&value=1000"),
        "duty-distinct": lambda: call("GET", "/tariffs/duty",
                                      f"hts=8703.23.01&origin=MX&date=2025-03-01&value={next(counter)}".encode()),
        "qualify": lambda: call("POST", "/origin/qualify", body=bom),
        "review": lambda: call("GET", f"/review/{name}"),
    }

    async def loop(route: Callable[[], Any], n: int) -> None:
        for _ in range(n):
            await route()

    print(f"bench_api_profile: {args.runs} runs of {args.requests} requests per route, in process "
          "(CPU time of this process only)")
    for label, route in routes.items():
        asyncio.run(loop(route, 20))  # warm: the review scenario is solved here, once
        per: list[float] = []
        for _ in range(args.runs):
            c0 = time.process_time()
            asyncio.run(loop(route, args.requests))
            per.append(1e3 * (time.process_time() - c0) / args.requests)
        ceiling = 1e3 / statistics.median(per)
        print(f"{label:13s} cpu ms/request min {min(per):6.3f} median {statistics.median(per):6.3f}"
              f"  | one core: {ceiling:6.0f} req/s, ratio to target {ceiling / TARGET_RPS[label]:5.2f}")
        prof = cProfile.Profile()
        prof.enable()
        asyncio.run(loop(route, args.requests))
        prof.disable()
        # the engine's functions by cumulative time, then every function by its own time
        for order, restriction in (("cumulative", r"src/usmca/(?!api)"), ("tottime", "")):
            out = io.StringIO()
            stats = pstats.Stats(prof, stream=out).sort_stats(order)
            stats.print_stats(restriction, args.top) if restriction else stats.print_stats(args.top)
            body = out.getvalue().split("\n")
            start = next((i for i, line in enumerate(body) if "ncalls" in line), len(body))
            print(f"  by {order}{' (engine)' if restriction else ''}, times for {args.requests} requests:")
            print("\n".join("    " + _short(line) for line in body[start:start + args.top + 1] if line.strip()))


if __name__ == "__main__":
    main()
