"""Idle authenticated device connections one relay process holds, and its RSS per connection.

The relay runs as `leeloo relay` in its own process (pinned to CPU 0 where possible) on a
fresh SQLite store holding pre-registered devices; the clients run in separate processes
(pinned to CPU 1), each opening its share of WebSockets, sending `hello`, waiting for
`welcome`, then staying idle (answering pings). RSS is read from /proc/<pid>/status
before and after. The open-files limit (20,000 hard here) caps one process just under it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio
import httpx

from leeloo.relay.registration import hash_secret
from leeloo.relay.store import DeviceRecord
from leeloo.relay.store.sqlite import SqliteStore
from leeloo.testing.ports import free_port


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--connections", type=int, default=19_000, help="devices to connect")
    parser.add_argument("--clients", type=int, default=4, help="client processes")
    parser.add_argument("--ws", default="websockets-sansio", help="uvicorn WebSocket impl")


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _pin(cpu: int) -> None:
    with contextlib.suppress(OSError, AttributeError):
        if (os.cpu_count() or 1) > cpu:
            os.sched_setaffinity(0, {cpu})


async def _register(path: Path, count: int) -> None:
    store = SqliteStore(path)
    await store.open()
    for i in range(count):
        await store.add_device(DeviceRecord(f"dev_bench_{i}", hash_secret(f"s{i}"), 0.0))
    await store.close()


def _wait_up(url: str) -> None:
    end = time.monotonic() + 30
    while time.monotonic() < end:
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(f"{url}/healthz", timeout=1)
            return
        time.sleep(0.1)
    raise RuntimeError("the relay did not start")


def measure(connections: int, clients: int, ws_impl: str) -> dict[str, object]:
    tmp = Path(tempfile.mkdtemp(prefix="leeloo-bench-"))
    anyio.run(_register, tmp / "relay.db", connections)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEELOO_")}
    env |= {"LEELOO_RELAY_PORT": str(port), "LEELOO_RELAY_STORE": f"sqlite:///{tmp}/relay.db",
            "LEELOO_RELAY_SPOTIFY_CLIENT_ID": "bench", "LEELOO_RELAY_WS_IMPL": ws_impl,
            "LEELOO_RELAY_ENV_FILE": str(tmp / "none.env"),
            "LEELOO_RELAY_HELLO_TIMEOUT": "120"}  # fmt: skip
    relay = subprocess.Popen([sys.executable, "-m", "leeloo", "relay"], env=env,
                             stderr=subprocess.DEVNULL, preexec_fn=lambda: _pin(0))  # fmt: skip
    procs: list[subprocess.Popen[bytes]] = []
    try:
        _wait_up(url)
        time.sleep(1.0)  # let start-up garbage settle before the baseline
        base_kb = _rss_kb(relay.pid)
        share = -(-connections // clients)
        started = time.monotonic()
        for i in range(clients):
            first, count = i * share, min(share, connections - i * share)
            cmd = [sys.executable, "-m", "leeloo.bench.relay_connections", url, str(first),
                   str(count)]  # fmt: skip
            procs.append(subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          preexec_fn=lambda: _pin(1)))  # fmt: skip
        opened = sum(int((p.stdout.readline() if p.stdout else b"0") or 0) for p in procs)
        connect_s = time.monotonic() - started
        time.sleep(2.0)
        held = httpx.get(f"{url}/healthz", timeout=10).json()["connections"]
        rss_kb = _rss_kb(relay.pid)
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()
        relay.terminate()
        relay.wait(timeout=30)
    per_kb = (rss_kb - base_kb) / max(held, 1)
    return {"connections_requested": connections, "connections_opened": opened,
            "connections_held": held, "ws_impl": ws_impl, "client_processes": clients,
            "relay_rss_base_mb": round(base_kb / 1024, 1), "relay_rss_mb": round(rss_kb / 1024, 1),
            "rss_per_connection_kb": round(per_kb, 1),
            "connect_seconds": round(connect_s, 1)}  # fmt: skip


def run(args: argparse.Namespace) -> int:
    result = measure(args.connections, args.clients, args.ws)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>24}: {value}")
    return 0


# -- the client process --------------------------------------------------------------------


async def _hold(url: str, first: int, count: int) -> None:
    from websockets.asyncio.client import connect

    ws_url = url.replace("http", "ws") + "/v1/link"
    gate = asyncio.Semaphore(200)
    ready = 0
    links = []

    async def one(i: int) -> None:
        nonlocal ready
        async with gate:
            ws = await connect(ws_url, compression=None, ping_interval=None, open_timeout=120)
            hello = {"type": "hello", "v": 1, "device_id": f"dev_bench_{i}", "secret": f"s{i}"}
            await ws.send(json.dumps(hello))
            await ws.recv()
            ready += 1
            links.append(asyncio.create_task(answer_pings(ws)))  # pong from the start

    async def answer_pings(ws: object) -> None:
        async for frame in ws:  # type: ignore[attr-defined]
            body = json.loads(frame)
            if body.get("type") == "ping":
                await ws.send(json.dumps({"type": "pong", "t": body["t"]}))  # type: ignore[attr-defined]

    results = await asyncio.gather(*(one(i) for i in range(first, first + count)),
                                   return_exceptions=True)  # fmt: skip
    del results
    sys.stdout.write(f"{ready}\n")
    sys.stdout.flush()
    await asyncio.gather(*links, return_exceptions=True)


if __name__ == "__main__":
    asyncio.run(_hold(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
