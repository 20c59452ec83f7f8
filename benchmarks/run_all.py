"""Every benchmark in one command: the tables of the README's "Performance" section.

    python benchmarks/run_all.py --postgres postgresql://postgres@127.0.0.1:5432/test

Prints, as Markdown: the machine; ack latency under 16 concurrent signed clients beside
bare Bolt, with the servers' memory; the cadence sweep at 1k, 10k and 100k pairings on
SQLite and PostgreSQL; the fan-out of 10,000 due nudges under Slack's rate limits; sweeps
at 150 ms a call over one workspace and over 1,000 (``many_workspaces.py``); the
reframer's throughput on one core; and the targets, met or not. Without ``--postgres``
the PostgreSQL rows are left out. About 15 minutes on a 2-core machine; ``--quick`` takes
about 4 (fewer requests and rounds, sweeps up to 10k, one paced fan-out run).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import ack_latency
import cadence_sweep
import fan_out
import many_workspaces
import slow_clients
from support import load_average, machine, note, percentile, print_table

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="a PostgreSQL URL; benchmarks use private schemas")
    parser.add_argument("--quick", action="store_true", help="a smaller, faster run")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=("ack", "slow-clients", "sweeps", "fan-out", "workspaces", "reframe"),
        default=("ack", "slow-clients", "sweeps", "fan-out", "workspaces", "reframe"),
    )
    args = parser.parse_args()
    started = time.monotonic()
    print_table("Machine", ["", ""], [*machine(args.postgres), ("load at start", load_average())])
    targets: list[list[object]] = []

    if "ack" in args.only:
        note("ack latency …")
        ack = ack_latency.run(
            requests=500 if args.quick else 1_000,
            clients=16,
            rounds=1 if args.quick else 3,
            open_loop=not args.quick,
        )
        title = "Ack latency, 16 concurrent clients, closed loop (SQLite)"
        print_table(title, ack_latency.ACK_COLUMNS, ack.rows)
        if ack.open_loop_rows:
            rate = ack_latency.OPEN_LOOP_RATE
            title = f"Ack latency, open loop: {rate:.0f} requests/s arriving (SQLite)"
            print_table(title, ack_latency.ACK_COLUMNS, ack.open_loop_rows)
        print_table("Server memory (MiB)", ack_latency.MEMORY_COLUMNS, ack.memory_rows)
        for line in ack.notes:
            note(line)
        ratio, p99 = ack.summary["plan_p50_ratio"], ack.summary["plan_p99_ms"]
        rest = ack.summary["coach_rest_pss"]
        targets += [
            ["/coach plan p50 within 1.5× bare Bolt", f"{ratio:.2f}×", _verdict(ratio <= 1.5)],
            ["/coach plan p99 under 300 ms", f"{p99:.0f} ms", _verdict(p99 < 300)],
            [
                "server memory under 150 MB at rest",
                f"{rest:.0f} MiB PSS ({ack.summary['coach_rest_rss']:.0f} MiB RSS summed)",
                _verdict(rest < 150),
            ],
        ]

    if "slow-clients" in args.only:
        note("acks during a slow-client flood …")
        rows, flooded = slow_clients.run(slow=200, requests=200, clients=4)
        print_table(
            "Signed /coach help acks, 4 clients, with 200 slow connections open",
            slow_clients.COLUMNS,
            rows,
        )
        answered = [ms for ms in flooded if ms is not None]
        p99 = percentile(answered, 0.99) if answered else float("inf")
        targets.append(
            [
                "signed acks p99 under 500 ms with 200 slow connections open",
                f"{p99:.0f} ms, {len(answered)} of {len(flooded)} answered",
                _verdict(p99 < 500 and len(answered) == len(flooded)),
            ]
        )

    if "sweeps" in args.only:
        note("cadence sweep at scale …")
        sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
        rows = cadence_sweep.run(
            sizes, args.postgres, sweep_up_to=100_000, engines=("SQLite", "PostgreSQL")
        )
        print_table("Cadence sweep at scale", cadence_sweep.COLUMNS, cadence_sweep.table_rows(rows))
        for row in rows:
            if row.pairings == max(sizes):
                targets.append(
                    [
                        f"find due for {row.pairings:,} pairings under 2 s ({row.engine})",
                        f"{row.find_seconds:.2f} s",
                        _verdict(row.find_seconds < 2),
                    ]
                )

    if "fan-out" in args.only:
        note("fan-out under rate limits (a minute or more per run) …")
        rows = fan_out.run(nudges=10_000, runs=1 if args.quick else 3, quick=args.quick)
        print_table(
            f"Fan-out: 10,000 due nudges at {fan_out.POST_MESSAGE_PER_MINUTE} posts/min and "
            "1 post/s per channel",
            fan_out.COLUMNS,
            rows,
        )
        paced = rows[0]
        ratio = float(str(paced[4]).rstrip("×"))
        storms = str(paced[5])
        targets.append(
            [
                "fan-out within 10% of the rate-limit floor, no 429 storm",
                f"{ratio:.3f}× the floor, 429s: {storms}",
                _verdict(ratio <= 1.10 and all(n == "0" for n in storms.split(" / "))),
            ]
        )

    if "workspaces" in args.only:
        note("sweeps at 150 ms a call, one workspace and many (several minutes) …")
        rows, met = many_workspaces.run(latency="150ms", quick=args.quick)
        print_table(
            "Sweeps at 150 ms a call: one workspace, and 1,000 on one clock (SQLite)",
            many_workspaces.COLUMNS,
            rows,
        )
        targets += met

    if "reframe" in args.only:
        note("reframer throughput …")
        runs = "3" if args.quick else "5"
        output = subprocess.run(
            [sys.executable, str(HERE / "reframe_throughput.py"), "--json", "--runs", runs],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        rates = ", ".join(f"{rate:,.0f}" for rate in result["rates"])
        print_table(
            "Reframer (rules engine), one core",
            ["messages/s (median)", "runs", "pinned to CPU"],
            [[f"{result['median']:,.0f}", rates, result["cpu"]]],
        )
        targets.append(
            [
                "reframe at least 2,000 messages/s per core",
                f"{result['median']:,.0f}/s",
                _verdict(result["median"] >= 2_000),
            ]
        )

    print_table("Targets", ["target", "measured", "met"], targets)
    note(f"load at end: {load_average()}; took {(time.monotonic() - started) / 60:.1f} min")


def _verdict(met: bool) -> str:
    return "yes" if met else "**no**"


if __name__ == "__main__":
    main()
