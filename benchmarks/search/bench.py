"""Wall-clock benchmarks of `search` and `index` on a synthetic repository.

Every measurement is a real subprocess, timed from spawn to exit (interpreter start-up and
imports included), on a repository made by benchmarks/synth.py.

    python benchmarks/search/bench.py [--records 10000] [--runs 7]

`search (warm)` is `python -m linespec provenance search`, the path the console script
takes: common invocations are answered without typer, pydantic or rich.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import synth

BUDGETS = {
    "index, full (lexical)": 10.0,
    "search (warm)": 0.150,
}
QUERY = "how do we cache sessions for the billing service"


def timed(argv: Sequence[str], cwd: Path) -> float:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {proc.stderr.decode()[-500:]}")
    return elapsed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    python = sys.executable
    cli = [python, "-m", "linespec", "provenance"]
    subprocess.run([python, "-m", "compileall", "-q", str(Path(synth.__file__).parents[1] / "src")])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        synth.make_repo(repo, args.records)
        index = repo / ".linespec" / "search.sqlite"

        def full_index() -> float:
            index.unlink(missing_ok=True)
            return timed([*cli, "index"], repo)

        cases = {
            "index, full (lexical)": full_index,
            "search (warm)": lambda: timed([*cli, "search", QUERY], repo),
        }
        for label, run in cases.items():
            runs = max(3, args.runs // 2) if label.startswith("index") else args.runs
            if label.startswith("search"):
                run()  # warm the index and the remembered settings
            samples = [run() for _ in range(runs)]
            median, low = statistics.median(samples), min(samples)
            budget = BUDGETS[label]
            verdict = "ok" if median <= budget else "OVER"
            rows.append((label, f"{args.records:,}", median, low, budget, verdict))
        shutil.rmtree(repo, ignore_errors=True)
    header = ("command", "records", "median", "min", "budget", "verdict")
    table = [header] + [
        (c, n, f"{m:.3f}", f"{lo:.3f}", f"{b:.3f}", v) for c, n, m, lo, b, v in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for i, row in enumerate(table):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print("(median/min in seconds of wall-clock time, subprocess spawn to exit)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
