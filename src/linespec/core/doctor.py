"""`doctor`: what is wrong with a repository's linespec set-up, and how to fix each thing.

Every check is data (name, ok, detail, fix); the CLI only renders them. Checks never
write: records load without the parse cache, the scope cache is only compared. A check
that depends on something broken (records when the config does not load) is left out
rather than reported as a second failure of the same cause.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from linespec import git
from linespec.core import agents, hooks
from linespec.core.config import Config
from linespec.core.configfile import CONFIG_NAME, STATE_DIR
from linespec.core.graph import RecordSet
from linespec.core.model import Record
from linespec.errors import GitError, LinespecError

# The hook ids of linespec's `.pre-commit-hooks.yaml`, per git hook they stand in for.
PRE_COMMIT_IDS = {"pre-commit": "linespec-lint", "commit-msg": "linespec-check"}
PRE_COMMIT_CONFIG = ".pre-commit-config.yaml"
PYTHON_PREFIX = b"LINESPEC_PYTHON="
# An interpreter that cannot import linespec makes every commit fail in the hook.
_IMPORT_TIMEOUT = 30.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Report:
    root: Path
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def problems(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "checks": [check.as_json() for check in self.checks]}


def run(cwd: Path, explicit: Path | None = None) -> Report:
    """Every check for the repository containing CWD (with the config EXPLICIT, if given)."""
    checks: list[Check] = []
    top = _toplevel(cwd, checks)
    root = top or cwd
    config = _config(cwd, explicit, root, checks)
    if config is not None:
        root = config.root
        checks.append(_provenance_dirs(config))
        records = _records(config, checks)
        manifest_ok = _manifest(config, checks)
        if records is not None and manifest_ok:
            checks.append(_seals(config, records))
        checks.append(_scope_cache(config))
    if top is not None:
        checks.append(_ignored(top, config))
        for name in hooks.HOOK_NAMES:
            checks.append(_hook(top, name))
        checks.append(_hooks_path(top))
    checks.append(_plugin(root))
    checks.append(_skills(root))
    return Report(root, tuple(checks))


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix() or "."
    except ValueError:
        return str(path)


# --- repository and config -----------------------------------------------------------


def _toplevel(cwd: Path, checks: list[Check]) -> Path | None:
    if shutil.which("git") is None:
        checks.append(
            Check("git repository", False, "git is not installed", "install git and put it on PATH")
        )
        return None
    top = git.toplevel(cwd)
    if top is None:
        checks.append(
            Check(
                "git repository",
                False,
                f"{cwd} is not inside a git work tree: the hooks and the commit check need one",
                "run linespec in your repository's work tree (or `git init` one)",
            )
        )
        return None
    checks.append(Check("git repository", True, str(top)))
    return top


def _config(cwd: Path, explicit: Path | None, root: Path, checks: list[Check]) -> Config | None:
    from linespec.core import config as config_mod

    try:
        config = config_mod.load(cwd, explicit)
    except LinespecError as exc:
        checks.append(
            Check(
                "config",
                False,
                exc.render(root),
                "correct the setting named above; the README's Configuration section lists "
                "every key and its values",
            )
        )
        return None
    if config.source is None:
        checks.append(
            Check(
                "config",
                False,
                f"no {CONFIG_NAME} from here up to {config.root} and no "
                "[tool.linespec.provenance] table in pyproject.toml: built-in defaults apply, "
                "and the Claude Code plugin stays silent",
                f"create {config.root / CONFIG_NAME} with a `provenance:` section, "
                "e.g. `provenance: {dir: provenance}`",
            )
        )
        return config
    detail = f"{_rel(config.source, config.root)} is valid"
    unknown = sorted(config.settings.model_extra or {})
    if unknown:
        detail += f" (unknown settings ignored: {', '.join(unknown)})"
    checks.append(Check("config", True, detail))
    return config


def _provenance_dirs(config: Config) -> Check:
    missing: list[str] = []
    for directory in [config.provenance_dir, *config.extra_dirs]:
        if not directory.is_dir():
            what = "is not a directory" if directory.exists() else "does not exist"
            missing.append(f"{_rel(directory, config.root)} {what}")
    if missing:
        return Check(
            "provenance directory",
            False,
            "; ".join(missing),
            "create it (`linespec provenance create --title ... --no-edit` writes the first "
            "record there), or point provenance.dir / additional_dirs at the right folder",
        )
    return Check("provenance directory", True, _rel(config.provenance_dir, config.root))


def _records(config: Config, checks: list[Check]) -> RecordSet[Record] | None:
    from linespec.core.store import load_records

    try:
        # Without the parse cache: doctor reports, it does not write caches.
        records = load_records(config, use_cache=False)
    except LinespecError as exc:
        checks.append(
            Check(
                "records",
                False,
                exc.render(config.root),
                "fix or remove the file named above; `linespec provenance lint` lists every "
                "problem with the rule that explains it",
            )
        )
        return None
    counts: dict[str, int] = {}
    for record in records:
        counts[str(record.status)] = counts.get(str(record.status), 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    total = len(records)
    detail = f"{total} record{'s' if total != 1 else ''} load"
    checks.append(Check("records", True, f"{detail} ({summary})" if summary else detail))
    return records


# --- sealing ---------------------------------------------------------------------------


def _manifest(config: Config, checks: list[Check]) -> bool:
    from linespec.core.manifest import ManifestError, manifest_path, read_manifest

    path = manifest_path(config.state_dir)
    shown = _rel(path, config.root)
    try:
        entries = read_manifest(path)
    except ManifestError as exc:
        checks.append(
            Check(
                "hash manifest",
                False,
                exc.render(config.root),
                "`linespec provenance compile` rebuilds it from the implemented records",
            )
        )
        return False
    if entries is None:
        detail = f"{shown} not written yet (the first `complete` writes it)"
    else:
        detail = f"{shown} readable, {len(entries)} sealed record(s)"
    checks.append(Check("hash manifest", True, detail))
    return True


def _seals(config: Config, records: RecordSet[Record]) -> Check:
    from linespec.core.seal import verify

    result = verify(config.state_dir, records)
    problems: list[str] = []
    fixes: list[str] = []
    if result.mismatches:
        changed = ", ".join(record.id for record, _, _ in result.mismatches)
        problems.append(f"changed after sealing: {changed}")
        fixes.append(
            "restore each changed record to its sealed text (`git log -p -- <record file>` "
            "shows the edit), or create a record that supersedes it; `linespec provenance "
            "verify` shows the hashes"
        )
    if result.unsealed:
        problems.append(f"implemented but not in the manifest: {', '.join(result.unsealed)}")
        fixes.append("`linespec provenance compile` adds their hashes to the manifest")
    if problems:
        return Check("sealed records", False, "; ".join(problems), "; ".join(fixes))
    count = len(result.verified)
    if not count:
        return Check("sealed records", True, "no implemented records yet")
    return Check("sealed records", True, f"{count} implemented record(s) match their seals")


# --- caches and git --------------------------------------------------------------------


def _scope_cache(config: Config) -> Check:
    """Fresh, or at least able to refresh itself.

    The cache goes stale whenever a record file changes and the next command that loads
    records rewrites it, so staleness alone is no fault. It is one when the cache cannot
    be rewritten (every hook then pays a full load), or when its fingerprint matches but
    its entries disagree with the records (it would keep answering wrongly).
    """
    from linespec.core import scopecache
    from linespec.core.checks import load_scope_records

    name = "scope cache"
    path = scopecache.cache_path(config.root / STATE_DIR)
    shown = _rel(path, config.root)
    rebuilt_by = "the next command that loads records (check, lint, status, graph) rebuilds it"
    if path.is_dir():
        return Check(name, False, f"{shown} is a directory", f"remove it; {rebuilt_by}")
    directories = [config.provenance_dir, *config.extra_dirs]
    stamp = scopecache.fingerprint(directories)
    entries = scopecache.read(path, stamp)
    found = scopecache.inspect(path, stamp) if entries is None else None
    if found is not None:
        if found[1]:
            return Check(name, False, f"{shown} is damaged", f"delete {shown}; {rebuilt_by}")
        return Check(
            name, True, f"{shown} was written by the Go tool or an older linespec; {rebuilt_by}"
        )
    if entries is None:
        state = "not built yet" if not path.exists() else "out of date (record files changed)"
        if not _writable(path.parent):
            return Check(
                name,
                False,
                f"{shown} is {state} and {_rel(path.parent, config.root)} is not writable, "
                "so every hook call reads all records",
                f"make {_rel(path.parent, config.root)} writable by you",
            )
        return Check(name, True, f"{shown} {state}; {rebuilt_by}")
    try:
        current = load_scope_records(directories)
    except LinespecError:
        # The records check above reports why; the cache cannot be judged against them.
        return Check(name, True, f"{shown} is fresh")
    cached = _by_id(entries)
    loaded = _by_id(r.entry(config.root) for r in current)
    if cached != loaded:
        differing = sorted({record_id for record_id, _ in cached ^ loaded})
        return Check(
            name,
            False,
            f"{shown} matches the record files' fingerprint but disagrees with the records "
            f"({', '.join(differing)})",
            f"delete {shown}; {rebuilt_by}",
        )
    return Check(name, True, f"{shown} is fresh ({len(entries)} entries)")


def _by_id(entries: Iterable[dict[str, Any]]) -> set[tuple[str, str]]:
    """Each entry as its id and the values of linespec's keys (another writer may add its
    own), comparable whatever the key order."""
    from linespec.core.scopecache import ENTRY_KEYS

    return {(str(e.get("id", "")), json.dumps([e.get(key) for key in ENTRY_KEYS])) for e in entries}


def _writable(directory: Path) -> bool:
    existing = directory
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    return existing.is_dir() and os.access(existing, os.W_OK | os.X_OK)


def _ignored(top: Path, config: Config | None) -> Check:
    """Caches under `.linespec/` must stay out of commits; the hash manifest must not."""
    from linespec.core.configfile import PARSE_CACHE
    from linespec.core.manifest import MANIFEST_NAME
    from linespec.core.scopecache import CACHE_FILE as SCOPE_CACHE
    from linespec.core.seal import LOCK_NAME

    name = "state directory ignored"
    state_dirs = [top / STATE_DIR]
    if config is not None and config.state_dir not in state_dirs:
        state_dirs.append(config.state_dir)
    state_dirs = [d for d in state_dirs if d.is_dir() and _inside(d, top)]
    if not state_dirs:
        return Check(
            name,
            True,
            f"no {STATE_DIR}/ yet (linespec writes one with its own .gitignore when it "
            "first caches)",
        )
    caches = [_rel(d / n, top) for d in state_dirs for n in (PARSE_CACHE, SCOPE_CACHE, LOCK_NAME)]
    manifests = [_rel(d / MANIFEST_NAME, top) for d in state_dirs]
    asked = "".join(f"{p}\0" for p in (*caches, *manifests)).encode("utf-8", "surrogateescape")
    ignored = set(_z(git.run(["check-ignore", "--stdin", "-z"], top, check=False, input=asked)))
    tracked = set(_z(git.run(["ls-files", "-z", "--", *caches], top, check=False)))
    problems: list[str] = []
    fixes: list[str] = []
    committed = [c for c in caches if c in tracked]
    if committed:
        problems.append(f"machine-local caches are committed: {', '.join(committed)}")
        fixes.append(f"git rm --cached {' '.join(shlex.quote(c) for c in committed)}")
    exposed = [c for c in caches if c not in ignored and c not in tracked]
    if exposed:
        problems.append(f"not ignored by git: {', '.join(exposed)}")
    hidden = [m for m in manifests if m in ignored]
    if hidden:
        problems.append(f"ignored by git, so seals are never shared: {', '.join(hidden)}")
    if exposed or hidden:
        folders = " and ".join(_rel(d, top) for d in state_dirs)
        fixes.append(
            f"put a .gitignore in {folders} with the two lines `*` and `!{MANIFEST_NAME}` "
            "(and no rule elsewhere that ignores the manifest)"
        )
    if problems:
        return Check(name, False, "; ".join(problems), "; ".join(fixes))
    folders = ", ".join(f"{_rel(d, top)}/" for d in state_dirs)
    return Check(name, True, f"caches in {folders} are ignored; {MANIFEST_NAME} is not")


def _inside(path: Path, top: Path) -> bool:
    try:
        path.resolve().relative_to(top.resolve())
    except ValueError:
        return False
    return True


def _z(text: str) -> list[str]:
    return [item for item in text.split("\0") if item]


def _hook(top: Path, name: str) -> Check:
    check = f"{name} hook"
    install = "linespec provenance install-hooks"
    try:
        directory = git.hooks_dir(top)
    except GitError as exc:
        return Check(check, False, exc.message, "check that git works in this repository")
    path = directory / name
    shown = str(path)
    framework = _pre_commit_config(top)
    if not os.path.lexists(path):
        if framework is not None and PRE_COMMIT_IDS[name] in framework:
            return Check(
                check,
                False,
                f"{PRE_COMMIT_CONFIG} lists {PRE_COMMIT_IDS[name]} but {shown} is not installed",
                f"pre-commit install --hook-type {name}",
            )
        return Check(check, False, f"not installed ({shown} does not exist)", install)
    if not hooks.is_ours(path):
        return _foreign_hook(check, name, path, framework)
    if not os.access(path, os.X_OK):
        return Check(check, False, f"{shown} is not executable, so git skips it", install)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Check(check, False, f"cannot read {shown}: {exc.strerror or exc}", install)
    python = _hook_python(data)
    if python is None:
        return Check(check, False, f"{shown} has no LINESPEC_PYTHON line", install)
    if python:
        problem = _interpreter_problem(python)
        if problem:
            return Check(check, False, f"{shown} runs {python}, which {problem}", install)
        runs = python
    else:
        found = shutil.which("linespec")
        if found is None:
            return Check(
                check,
                False,
                f"{shown} runs `linespec` from PATH, and there is none on this PATH",
                f"put linespec on PATH, or run `{install}` from the installation to use",
            )
        runs = found
    if _stale(name, python, data):
        return Check(
            check,
            False,
            f"{shown} was installed by another version of linespec",
            f"{install} (rewrites it in place)",
        )
    return Check(check, True, f"{shown} (runs {runs})")


def _foreign_hook(check: str, name: str, path: Path, framework: str | None) -> Check:
    if _has_line(path, hooks.PRE_COMMIT_FRAMEWORK_MARKER):
        hook_id = PRE_COMMIT_IDS[name]
        if framework is not None and hook_id in framework:
            return Check(check, True, f"{path} (pre-commit framework, runs {hook_id})")
        return Check(
            check,
            False,
            f"{path} belongs to the pre-commit framework, whose config has no {hook_id}",
            f"add `- id: {hook_id}` from linespec's .pre-commit-hooks.yaml to {PRE_COMMIT_CONFIG}",
        )
    return Check(
        check,
        False,
        f"{path} is not linespec's hook",
        "linespec provenance install-hooks (keeps the existing hook as "
        f"{name}{hooks.LEGACY_SUFFIX} and runs it first)",
    )


def _has_line(path: Path, prefix: bytes) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return any(line.startswith(prefix) for line in head.splitlines())


def _pre_commit_config(top: Path) -> str | None:
    try:
        return (top / PRE_COMMIT_CONFIG).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _hook_python(data: bytes) -> str | None:
    """The interpreter a hook script names ("" for `linespec` on PATH); None if no line."""
    for line in data.splitlines():
        if line.startswith(PYTHON_PREFIX):
            try:
                words = shlex.split(os.fsdecode(line[len(PYTHON_PREFIX) :]))
            except ValueError:
                return None
            return words[0] if words else ""
    return None


def _interpreter_problem(python: str) -> str:
    if not os.path.exists(python):
        return "no longer exists"
    if not os.access(python, os.X_OK):
        return "is not executable"
    try:
        proc = subprocess.run(
            [python, "-c", "import linespec"],
            capture_output=True,
            timeout=_IMPORT_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"cannot be run ({exc})"
    if proc.returncode != 0:
        return "cannot import linespec"
    return ""


def _stale(name: str, python: str, data: bytes) -> bool:
    try:
        expected = hooks.render_script(name, python or None)
    except LinespecError:
        # This installation cannot find its own scripts; nothing to compare against.
        return False
    return expected != data


def _hooks_path(top: Path) -> Check:
    name = "core.hooksPath"
    shown = git.run(["config", "--show-origin", "--get", "core.hooksPath"], top, check=False)
    origin, _, value = shown.rstrip("\n").partition("\t")
    try:
        active = git.hooks_dir(top)
        common = git.run(["rev-parse", "--git-common-dir"], top).strip()
    except GitError as exc:
        return Check(name, False, exc.message, "check that git works in this repository")
    if not value:
        return Check(name, True, f"not set; git runs hooks from {active}")
    default = Path(common) if Path(common).is_absolute() else top / common
    default /= "hooks"
    where = origin.removeprefix("file:") or "git config"
    stranded = [
        n for n in hooks.HOOK_NAMES if hooks.is_ours(default / n) and not hooks.is_ours(active / n)
    ]
    if stranded and active.resolve() != default.resolve():
        return Check(
            name,
            False,
            f"core.hooksPath = {value} (set in {where}) makes git run hooks from {active}; "
            f"linespec's {', '.join(stranded)} in {default} never run",
            "linespec provenance install-hooks (installs into the directory git uses), or "
            "`git config --unset core.hooksPath` where it is set",
        )
    return Check(name, True, f"core.hooksPath = {value} (set in {where}); hooks run from {active}")


# --- agent integrations ----------------------------------------------------------------


def _plugin(root: Path) -> Check:
    name = "Claude Code plugin"
    directory = agents.destination(root, None, agents.PLUGINS_DEFAULT) / agents.PLUGIN_NAME
    shown = _rel(directory, root)
    if not directory.is_dir():
        return Check(
            name, True, f"not installed at {shown} (optional: linespec provenance install-plugin)"
        )
    problems = _outdated(directory, agents.plugin_files())
    missing_tools = [tool for tool in ("jq", "linespec") if shutil.which(tool) is None]
    if missing_tools:
        problems.append(f"{' and '.join(missing_tools)} not on PATH, so its hooks stay silent")
    if problems:
        fix = "linespec provenance install-plugin"
        if missing_tools:
            fix = f"install {' and '.join(missing_tools)} on PATH; then {fix}"
        return Check(name, False, f"{shown}: {'; '.join(problems)}", fix)
    return Check(name, True, f"{shown} is up to date")


def _skills(root: Path) -> Check:
    name = "Claude Code skills"
    directory = agents.destination(root, None, agents.SKILLS_DEFAULT)
    shown = _rel(directory, root)
    present = [n for n in agents.SKILL_NAMES if (directory / n).is_dir()]
    if not present:
        return Check(
            name, True, f"not installed in {shown} (optional: linespec provenance install-skills)"
        )
    problems = _outdated(directory, agents.skill_files())
    if problems:
        return Check(
            name, False, f"{shown}: {'; '.join(problems)}", "linespec provenance install-skills"
        )
    return Check(name, True, f"{', '.join(agents.SKILL_NAMES)} in {shown} are up to date")


def _outdated(directory: Path, files: Sequence[agents.DataFile]) -> list[str]:
    missing: list[str] = []
    changed: list[str] = []
    not_executable: list[str] = []
    for data_file in files:
        path = directory.joinpath(*data_file.relative.parts)
        rel = data_file.relative.as_posix()
        try:
            data = path.read_bytes()
        except OSError:
            missing.append(rel)
            continue
        if data != data_file.data:
            changed.append(rel)
        if data_file.mode & 0o111 and not os.access(path, os.X_OK):
            not_executable.append(rel)
    problems: list[str] = []
    for label, items in (
        ("missing", missing),
        ("differ from this linespec's", changed),
        ("not executable", not_executable),
    ):
        if items:
            problems.append(f"{label}: {', '.join(items)}")
    return problems
