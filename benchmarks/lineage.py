"""Lineage benchmarks: 5,000 records and 50,000 commits.

The repository is written by `git fast-import` (one process, not 50,000 `git commit`s):
each record is created as a draft, opened, then moved to its final status when that is
past open; the rest of the 50,000 commits change code and are tagged with a record ID,
by twenty people, a third of them with an AI co-author. Records come from
`synth.py`, so their graph looks like a real repository's.

    python benchmarks/lineage.py [--records 5000] [--commits 50000] [--runs 10]

Reports, does not gate: exits 0 whatever the budgets say, non-zero only when a command
itself fails. Generation runs in a child process, so this harness stays small and the
children's peak RSS (which starts at the spawning process's peak) reads true.
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from run import MIB, Row, clear_cache, find_linespec, print_table, run_once

BASE_TIME = 1672531200  # 2023-01-01T00:00:00Z
PEOPLE = [(f"Dev {i:02d}", f"dev{i:02d}@example.com") for i in range(20)]
_STATUS = re.compile(r"^status: .*$", re.MULTILINE)


def _with_status(text: str, status: str) -> str:
    return _STATUS.sub(f"status: {status}", text, count=1)


def _commit(
    mark: int, when: int, who: tuple[str, str], message: str, files: Sequence[tuple[str, str]]
) -> Iterator[bytes]:
    name, email = who
    body = message.encode()
    yield (
        f"commit refs/heads/main\nmark :{mark}\n"
        f"author {name} <{email}> {when} +0000\ncommitter {name} <{email}> {when} +0000\n"
        f"data {len(body)}\n"
    ).encode()
    yield body + b"\n"
    for path, content in files:
        data = content.encode()
        yield f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n"


def generate(path: Path, n_records: int, n_commits: int) -> None:
    """Write the benchmark repository at PATH (which must not exist)."""
    from synth import CONFIG_TEXT, _Generator, render

    records = [(r.id, render(r)) for r in _Generator(n_records, 0).generate()]
    path.mkdir(parents=True)
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True, env=env)
    proc = subprocess.Popen(
        ["git", "fast-import", "--quiet"], cwd=path, stdin=subprocess.PIPE, env=env
    )
    assert proc.stdin is not None
    mark = 0

    def emit(who: tuple[str, str], message: str, files: Sequence[tuple[str, str]]) -> None:
        nonlocal mark
        mark += 1
        assert proc.stdin is not None
        proc.stdin.writelines(_commit(mark, BASE_TIME + mark * 60, who, message, files))

    emit(PEOPLE[0], "Configure linespec", [(".linespec.yml", CONFIG_TEXT)])
    finals = {}
    for index, (record_id, text) in enumerate(records):
        finals[record_id] = _STATUS.search(text).group(0).split(":", 1)[1].strip()  # type: ignore[union-attr]
        draft = _with_status(text, "draft")
        emit(
            PEOPLE[index % len(PEOPLE)],
            f"Propose {record_id} [{record_id}]",
            [(f"provenance/{record_id}.yml", draft if finals[record_id] != "draft" else text)],
        )
    for stage in ("open", "final"):
        for index, (record_id, text) in enumerate(records):
            final = finals[record_id]
            if final == "draft" or (stage == "final" and final == "open"):
                continue
            content = text if stage == "final" or final == "open" else _with_status(text, "open")
            emit(
                PEOPLE[(index + 7) % len(PEOPLE)],
                f"Move {record_id} to {final if stage == 'final' else 'open'} [{record_id}]",
                [(f"provenance/{record_id}.yml", content)],
            )
    work = 0
    while mark < n_commits:
        record_id = records[work % len(records)][0]
        trailer = "\n\nCo-authored-by: Claude <noreply@anthropic.com>" if work % 3 == 0 else ""
        emit(
            PEOPLE[work % len(PEOPLE)],
            f"Work on {record_id} [{record_id}]{trailer}",
            [(f"src/work{work % 100}.txt", f"{work}\n")],
        )
        work += 1
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=path, check=True, env=env)


def busiest_record(repo: Path) -> str:
    """The record with the most descendants' edges: the largest lineage tree."""
    with sqlite3.connect(repo / ".linespec" / "lineage.sqlite") as conn:
        row = conn.execute(
            "SELECT dst FROM edges WHERE kind = 'implements' GROUP BY dst ORDER BY count(*) DESC"
        ).fetchone()
    return str(row[0])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--commits", type=int, default=50000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--linespec", default=None)
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.generate is not None:
        generate(args.generate, args.records, args.commits)
        return 0
    linespec = find_linespec(args.linespec)
    scratch = Path(tempfile.mkdtemp(prefix="linespec-lineage-"))
    repo = scratch / "repo"
    made = run_once(
        [sys.executable, __file__, "--generate", str(repo), "--records", str(args.records),
         "--commits", str(args.commits)],
        scratch,
    )  # fmt: skip
    print(f"repo: {repo} ({args.records:,} records, {args.commits:,} commits, "
          f"generated in {made.seconds:.1f} s)\n")  # fmt: skip
    n = args.records
    rows: list[Row] = []

    build = Row("lineage db rebuild (cold, first build)", n, budget=30.0)
    build_rss = Row("  peak RSS", n, unit="MiB", budget=300.0)
    for _ in range(min(args.runs, 3)):
        clear_cache(repo)
        sample = run_once([linespec, "provenance", "lineage", "db", "rebuild"], repo)
        build.values.append(sample.seconds)
        build_rss.values.append(sample.max_rss_bytes / MIB)
    rows += [build, build_rss]
    target = busiest_record(repo)
    for label, command in (
        (f"lineage {target} (warm)", ["lineage", target]),
        ("lineage --down --format json (warm)", ["lineage", target, "--down", "--format", "json"]),
        ("ready (warm)", ["ready"]),
        ("blocked --format json (warm)", ["blocked", "--format", "json"]),
    ):
        row = Row(label, n, budget=0.100)
        run_once([linespec, "provenance", *command], repo)
        for _ in range(args.runs):
            row.values.append(run_once([linespec, "provenance", *command], repo).seconds)
        rows.append(row)
    export = Row("export --format prov-json (lifecycle)", n, budget=10.0)
    export_rss = Row("  peak RSS", n, unit="MiB", budget=300.0)
    for _ in range(min(args.runs, 3)):
        sample = run_once([linespec, "provenance", "export", "--format", "prov-json"], repo)
        export.values.append(sample.seconds)
        export_rss.values.append(sample.max_rss_bytes / MIB)
    rows += [export, export_rss]
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
