"""Measure LEELOO's speed and memory: `leeloo bench NAME [--json]`.

Figures go to docs/benchmarks.md together with the command that produced them.
"""

from __future__ import annotations

import argparse
import importlib

# bench name -> module with add_arguments(parser) and run(args) -> int
BENCHES: dict[str, str] = {
    "poll": "leeloo.bench.poll",
    "relay-connections": "leeloo.bench.relay_connections",
    "relay-push": "leeloo.bench.relay_push",
    "render": "leeloo.bench.render",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="bench", metavar="BENCH", required=True)
    for name, module_name in BENCHES.items():
        module = importlib.import_module(module_name)
        cmd = sub.add_parser(name, help=(module.__doc__ or "").splitlines()[0])
        cmd.add_argument("--json", action="store_true", help="print one JSON object")
        module.add_arguments(cmd)
        cmd.set_defaults(bench_run=module.run)


def run(args: argparse.Namespace) -> int:
    result: int = args.bench_run(args)
    return result
