"""Durable crew pushes through one relay process: items/s and send-to-recipient latency.

The relay runs as `leeloo relay` (SQLite store, uvicorn) pinned to CPU 0; crews of 5 are
made in its store beforehand. Load comes from separate processes pinned to CPU 1: one
sender process (member 1 of every crew sends `item.send` texts over its link) and one
receiver process (members 2-5 take every `item`, ack cumulatively every 16). Each text
carries its send time; latency = arrival - send (one machine, one clock). Two runs:
`max` (every sender keeps `--window` sends in flight) and `rate` (a fixed total rate,
paced). Throughput counts durable items: `item.sent` answers, each stored for 4 others.
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
from typing import Any

import anyio

from leeloo.bench.relay_connections import _pin, _wait_up
from leeloo.relay.registration import hash_secret
from leeloo.relay.store import DeviceRecord
from leeloo.relay.store.crewstore import CrewRecord
from leeloo.relay.store.sqlite import SqliteStore
from leeloo.testing.ports import free_port

CREW = 5


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--crews", type=int, default=20, help="crews of 5")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each run")
    parser.add_argument("--rate", type=int, default=1000, help="items/s of the paced run")
    parser.add_argument("--window", type=int, default=32, help="sends in flight per sender")


async def _crews(path: Path, crews: int) -> None:
    store = SqliteStore(path)
    await store.open()
    for c in range(crews):
        for m in range(CREW):
            await store.add_device(DeviceRecord(f"dev_{c}_{m}", hash_secret(f"s{c}_{m}"), 0.0))
            await store.set_name(f"dev_{c}_{m}", f"M{m}")
        await store.create_crew(CrewRecord(f"crw_{c}", f"crew {c}", 0.0), f"dev_{c}_0")
        for m in range(1, CREW):
            await store.join_crew(f"crw_{c}", f"dev_{c}_{m}", 0.0)
    await store.close()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _load(url: str, role: str, ids: list[str], extra: list[str]) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "leeloo.bench.relay_push", role, url, ",".join(ids), *extra]
    return subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            preexec_fn=lambda: _pin(1))  # fmt: skip


def _line(proc: subprocess.Popen[bytes]) -> str:
    assert proc.stdout is not None
    return proc.stdout.readline().decode().strip()


def _tell(proc: subprocess.Popen[bytes], word: str) -> None:
    assert proc.stdin is not None
    proc.stdin.write(word.encode() + b"\n")
    proc.stdin.flush()


def one_run(
    url: str, crews: int, mode: str, seconds: float, rate: int, window: int
) -> dict[str, Any]:
    senders = [f"dev_{c}_0" for c in range(crews)]
    receivers = [f"dev_{c}_{m}" for c in range(crews) for m in range(1, CREW)]
    recv = _load(url, "receive", receivers, [])
    send = _load(url, "send", senders, [mode, str(seconds), str(rate), str(window)])
    try:
        ready = (_line(recv), _line(send))
        assert ready == ("ready", "ready"), ready
        _tell(recv, "go")
        _tell(send, "go")
        sent = json.loads(_line(send))
        time.sleep(2.0)  # the last items on their way
        _tell(recv, "stop")
        got = json.loads(_line(recv))
    finally:
        for proc in (send, recv):
            proc.kill()
            proc.wait()
    lat = got["latencies"]
    return {"mode": mode, "items": sent["stored"], "seconds": round(sent["elapsed"], 2),
            "items_per_s": round(sent["stored"] / sent["elapsed"]),
            "deliveries": len(lat), "deliveries_expected": sent["stored"] * (CREW - 1),
            "p50_ms": round(_percentile(lat, 0.50) * 1000, 1),
            "p99_ms": round(_percentile(lat, 0.99) * 1000, 1)}  # fmt: skip


def measure(crews: int, seconds: float, rate: int, window: int) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="leeloo-bench-"))
    anyio.run(_crews, tmp / "relay.db", crews)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEELOO_")}
    env |= {"LEELOO_RELAY_PORT": str(port), "LEELOO_RELAY_STORE": f"sqlite:///{tmp}/relay.db",
            "LEELOO_RELAY_SPOTIFY_CLIENT_ID": "bench", "LEELOO_RELAY_SEND_LIMIT": "100000000",
            "LEELOO_RELAY_ENV_FILE": str(tmp / "none.env")}  # fmt: skip
    relay = subprocess.Popen([sys.executable, "-m", "leeloo", "relay"], env=env,
                             stderr=subprocess.DEVNULL, preexec_fn=lambda: _pin(0))  # fmt: skip
    try:
        _wait_up(url)
        runs = [one_run(url, crews, "max", seconds, rate, window),
                one_run(url, crews, "rate", seconds, rate, window)]  # fmt: skip
    finally:
        relay.terminate()
        relay.wait(timeout=30)
    return {"crews": crews, "crew_size": CREW, "cpus": os.cpu_count(), "runs": runs}


def run(args: argparse.Namespace) -> int:
    result = measure(args.crews, args.seconds, args.rate, args.window)
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"crews of {CREW}: {result['crews']}")
    for r in result["runs"]:
        print(f"{r['mode']:>5}: {r['items_per_s']} items/s ({r['items']} in {r['seconds']} s), "
              f"p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms, "
              f"{r['deliveries']}/{r['deliveries_expected']} delivered")  # fmt: skip
    return 0


# -- the load processes ------------------------------------------------------------------


async def _link(url: str, device_id: str) -> Any:
    from websockets.asyncio.client import connect

    ws = await connect(url.replace("http", "ws") + "/v1/link", compression=None,
                       ping_interval=None, open_timeout=60, max_size=1 << 20)  # fmt: skip
    secret = "s" + device_id.removeprefix("dev_")
    await ws.send(json.dumps({"type": "hello", "v": 1, "device_id": device_id,
                              "secret": secret, "crew": True}))  # fmt: skip
    while json.loads(await ws.recv())["type"] != "inbox.synced":
        pass
    return ws


async def _stdin_line() -> str:
    line: str = await asyncio.to_thread(sys.stdin.readline)
    return line.strip()


async def _receive(url: str, ids: list[str]) -> None:
    links = [await _link(url, i) for i in ids]
    latencies: list[float] = []

    async def take(ws: Any) -> None:
        taken = 0
        async for frame in ws:
            body = json.loads(frame)
            if body["type"] == "item":
                latencies.append(time.time() - float(body["text"]))
                taken = body["seq"]
                if taken % 16 == 0:
                    await ws.send(json.dumps({"type": "ack", "seq": taken}))
            elif body["type"] == "ping":
                await ws.send(json.dumps({"type": "pong", "t": body["t"]}))

    print("ready", flush=True)
    await _stdin_line()
    tasks = [asyncio.create_task(take(ws)) for ws in links]
    await _stdin_line()
    for task in tasks:
        task.cancel()
    print(json.dumps({"latencies": latencies}), flush=True)


async def _send(
    url: str, ids: list[str], mode: str, seconds: float, rate: int, window: int
) -> None:
    links = [await _link(url, i) for i in ids]
    stored = 0
    last = 0.0
    gates = [asyncio.Semaphore(window) for _ in links]

    async def answers(ws: Any, gate: asyncio.Semaphore) -> None:
        nonlocal stored, last
        async for frame in ws:
            body = json.loads(frame)
            if body["type"] == "item.sent":
                stored += 1
                last = time.monotonic()
                gate.release()
            elif body["type"] == "ping":
                await ws.send(json.dumps({"type": "pong", "t": body["t"]}))

    print("ready", flush=True)
    await _stdin_line()
    readers = [asyncio.create_task(answers(ws, g)) for ws, g in zip(links, gates, strict=True)]
    start = time.monotonic()
    n = 0
    while (now := time.monotonic()) < start + seconds:
        k = n % len(links)
        if mode == "rate":
            due = start + n / rate
            if due > now:
                await asyncio.sleep(due - now)
        else:
            await gates[k].acquire()
        text = repr(time.time())
        await links[k].send(json.dumps({"type": "item.send", "key": f"{mode}-{n}", "kind": "text",
                                        "text": text}))  # fmt: skip
        n += 1
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(10):
            while stored < n:  # noqa: ASYNC110 - counted by the readers
                await asyncio.sleep(0.01)
    for task in readers:
        task.cancel()
    print(json.dumps({"sent": n, "stored": stored, "elapsed": max(last - start, 1e-9)}),
          flush=True)  # fmt: skip


def _main(argv: list[str]) -> None:
    role, url, ids = argv[0], argv[1], argv[2].split(",")
    if role == "receive":
        asyncio.run(_receive(url, ids))
    else:
        asyncio.run(_send(url, ids, argv[3], float(argv[4]), int(argv[5]), int(argv[6])))


if __name__ == "__main__":
    _main(sys.argv[1:])
