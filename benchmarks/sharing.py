"""Wall-clock benchmarks of sharing: `import` of a 5,000-record layer, `sync` of 1,000.

Every measurement is a real subprocess of the CLI, timed from spawn to exit. The script
reports; it does not gate (exit 0 whatever the budgets say, non-zero only when a
benchmarked command fails).

    python benchmarks/sharing.py [--runs 5]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import make_repo

IMPORT_RECORDS = 5000
SYNC_RECORDS = 1000
BUDGETS = {"import": 5.0, "sync --force (file://)": 3.0}


def _cli(args: Sequence[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "linespec", *args], cwd=cwd, env=env, capture_output=True
    )
    seconds = time.perf_counter() - started
    # import exits 0 even when lint finds problems; anything else is a failure to run.
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr.decode(errors="replace"))
        raise SystemExit(f"linespec {' '.join(args)} exited {proc.returncode}")
    return seconds


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _release(source: Path, out: Path) -> Path:
    """A manifest whose provenance layer holds every record file of SOURCE."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in sorted((source / "provenance").glob("prov-*.yml")):
            data = path.read_bytes()
            info = tarfile.TarInfo(path.name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    layer = buffer.getvalue()
    (out / "linespec-provenance-v1.tar").write_bytes(layer)
    digest = hashlib.sha256(layer).hexdigest()
    manifest = {
        "latest": "v1",
        "versions": {
            "v1": {
                "created_at": "2026-06-30T12:00:00Z",
                "root_hash": hashlib.sha256(digest.encode()).hexdigest(),
                "layers": {"provenance": {"sha256": digest, "url": ""}},
            }
        },
    }
    path = out / "linespec.manifest.json"
    path.write_text(json.dumps(manifest, indent=2))
    return path


def _measure(
    runs: int, prepare: Callable[[int], tuple[list[str], Path]], env: dict[str, str]
) -> list[float]:
    return [_cli(*prepare(run), env) for run in range(runs)]


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="linespec-bench-share-") as scratch:
        base = Path(scratch)
        env = {**os.environ, "LINESPEC_CACHE_DIR": str(base / "cache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)

        make_repo(base / "big", IMPORT_RECORDS)
        manifest = _release(base / "big", base)

        def fresh_target(run: int) -> tuple[list[str], Path]:
            target = base / f"target-{run}"
            target.mkdir()
            _git(target, "init", "-q")
            return ["provenance", "import", str(manifest)], target

        rows = [("import", IMPORT_RECORDS, _measure(options.runs, fresh_target, env))]

        make_repo(base / "team", SYNC_RECORDS)
        _git(base, "clone", "-q", "--bare", str(base / "team"), str(base / "team.git"))
        consumer = base / "consumer"
        consumer.mkdir()
        _git(consumer, "init", "-q")
        (consumer / ".linespec.yml").write_text(
            f"provenance:\n  shared_repos:\n    - name: team\n      url: file://{base}/team.git\n"
        )

        def forced(_: int) -> tuple[list[str], Path]:
            return ["provenance", "sync", "--force"], consumer

        rows.append(("sync --force (file://)", SYNC_RECORDS, _measure(options.runs, forced, env)))

    header = ("command", "size", "median", "min", "budget", "verdict")
    print(
        f"{header[0]:<26} {header[1]:>6} {header[2]:>8} {header[3]:>8} {header[4]:>7}  {header[5]}"
    )
    for label, size, values in rows:
        median, best, budget = statistics.median(values), min(values), BUDGETS[label]
        verdict = "ok" if median <= budget else "OVER"
        print(f"{label:<26} {size:>6} {median:>8.3f} {best:>8.3f} {budget:>7.1f}  {verdict}")
    print(f"(seconds of wall-clock time, {options.runs} runs each)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
