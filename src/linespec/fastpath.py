"""The hook fast paths: `check --staged`, `govern` and `next` without typer, rich or pydantic.

The commit-msg hook runs on every commit, and an agent's hooks ask `govern` or `next` on
every edit. When the arguments are ones these small parsers know and the config is plain,
the command runs here on the same core functions and renderers the full CLI uses;
anything else returns None and the full CLI handles it (including every error message
about unusual input). `govern` and `next` answer from a fresh scope cache; a cold or
stale one is rebuilt here from the record files, without pydantic, unless any of them
fails to load, which the full CLI then reports.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linespec import fastargs

if TYPE_CHECKING:
    from linespec.core.advice import Entry


def _parse(args: Sequence[str]) -> dict[str, str] | None:
    if len(args) < 3 or args[0] != "provenance" or args[1] != "check":
        return None
    scanned = fastargs.scan(
        args[2:],
        flags=("--staged",),
        values=("--message-file", "--record", "--format", "--config"),
        aliases={"-c": "--config"},
    )
    if scanned is None or scanned.positional or "--staged" not in scanned.flags:
        return None
    options = {name[2:].replace("-", "_"): v[-1] for name, v in scanned.values.items()}
    if options.get("format", "human") not in ("human", "json"):
        return None
    return options


def run(args: Sequence[str]) -> int | None:
    """The exit code of a fast command, or None to let the full CLI run."""
    if len(args) > 1 and args[1] in _ADVICE_LISTS:
        return _advice(args)
    return _check(args)


def _check(args: Sequence[str]) -> int | None:
    options = _parse(args)
    if options is None:
        return None
    from linespec import git
    from linespec.core import checkrun
    from linespec.errors import LinespecError

    cwd = Path.cwd()
    explicit = Path(options["config"]) if "config" in options else None
    message = options.get("message_file")
    try:
        # Git runs hooks from the top of the work tree, so cwd is the root these calls are
        # made in later: started together now, they cost about one call instead of four.
        calls = (
            git.STAGED,
            git.TOPLEVEL,
            git.config_get("core.commentChar"),
            git.commit_of("HEAD"),
        )
        git.ahead(calls, cwd)
        staged = git.staged_files(cwd)
        configs = checkrun.configs_for(cwd, explicit, plain=True, staged_paths=staged)
        if configs is None:
            return None
        request = checkrun.CheckRequest(
            staged=True,
            message_file=Path(message) if message is not None else None,
            record=options.get("record", ""),
            staged_paths=staged,
        )
        result = checkrun.run(cwd, request, configs)
    except LinespecError:
        # The full CLI reports errors (with their exit codes) in one place.
        return None
    finally:
        git.drop_ahead()
    from linespec.render import checktext

    code = checktext.emit(result, options.get("format", "human"))
    sys.stdout.flush()
    return code


# The options of `govern` and `next` that take files, in the order their files are used.
_ADVICE_LISTS = {"govern": ("--files",), "next": ("--files", "--plan")}


def _parse_advice(args: Sequence[str]) -> tuple[str, list[str], bool] | None:
    """(command, files, json) when ARGS are `provenance govern|next` with known options."""
    if args[0] != "provenance":
        return None
    command = args[1]
    scanned = fastargs.scan(
        args[2:], flags=("--json",), values=("--format",), lists=_ADVICE_LISTS[command]
    )
    if scanned is None or scanned.value("--format", "human") not in ("human", "json"):
        return None
    files = [
        name
        for option in _ADVICE_LISTS[command]
        for value in scanned.values.get(option, [])
        for name in value.split(",")
    ]
    as_json = "--json" in scanned.flags or scanned.value("--format") == "json"
    return command, [*files, *scanned.positional], as_json


def _advice(args: Sequence[str]) -> int | None:
    parsed = _parse_advice(args)
    if parsed is None:
        return None
    return _answer(*parsed)


def _answer(command: str, names: list[str], as_json: bool) -> int | None:
    from linespec import git
    from linespec.errors import LinespecError

    changes = None
    try:
        cwd = Path.cwd()
        if not any(names):
            # Without files the answer needs git's view of the work tree, which on a large
            # repository takes git about as long as all the rest: start it before anything
            # else, to run on another core meanwhile.
            changes = git.start_changes(cwd)
        git.ahead([git.TOPLEVEL], cwd)
        from linespec.core import advice
        from linespec.core.configfile import CONFIG_NAME, discover, find_root

        root = find_root(cwd)
        source = discover(cwd, root)
        cached = None
        if source is None or source.name == CONFIG_NAME:
            cached = _cached(cwd, root, source)
        if cached is not None:
            entries, heads, tag_required = cached
            result = advice.answer(
                command, names, entries, str(cwd), str(root), tag_required, heads, changes
            )
    except LinespecError:
        cached = None
    finally:
        git.drop_ahead()
    if cached is None:
        for finish in changes or ():
            finish()  # not left running behind the full CLI
        return None
    from linespec.render import advice as render

    out, err = render.answer(command, result, as_json)
    sys.stderr.write(err)
    sys.stdout.write(out)
    sys.stdout.flush()
    return 0


def _cached(
    cwd: Path, root: Path, source: Path | None
) -> tuple[list[Entry], dict[str, list[int]], bool] | None:
    """The records from a fresh scope cache (its fast twin, else the index), or None.

    The twin also remembers what the plain config said, under the config file's identity,
    so a warm run reads no YAML; the identity is taken before the file is read, so an edit
    in between leaves the twin stale rather than wrong.
    """
    from linespec.core import advice, scopecache
    from linespec.core.configfile import STATE_DIR, identity

    state_dir = root / STATE_DIR
    config_id = identity(source) if source is not None else ()
    if config_id is None:
        return None
    key = (str(root), str(source or ""), config_id)
    fast = scopecache.read_fast(scopecache.fast_path(state_dir), key)
    if fast is not None:
        try:
            dirs, tag_required, stamp, rows, heads = fast
            if scopecache.fingerprint([Path(d) for d in dirs]) == stamp:
                return [advice.Entry._make(row) for row in rows], heads, tag_required
        except (TypeError, ValueError):
            pass
    from linespec.core import checkrun

    config = checkrun.plain_config(cwd)
    if config is None or config.root != root or config.source != source:
        return None
    stamp = scopecache.fingerprint(config.provenance_dirs)
    index: list[Any] | None = scopecache.read(
        scopecache.cache_path(state_dir), stamp, accept_go=True
    )
    if index is None:
        # Cold: the records are read here without pydantic, validated as the full CLI
        # validates them, and filed for the next run.
        from linespec.core.checks import rebuild_scope_index

        index = rebuild_scope_index(config.provenance_dirs, root, stamp)
    entries = advice.entries_from_cache(index)
    if entries is None:
        return None
    heads = advice.head_index(entries)
    tag_required = config.settings.commit_tag_required
    dirs = [str(d) for d in config.provenance_dirs]
    # Equal strings made one object, which marshal then stores once: statuses, types and
    # patterns repeat across thousands of records.
    share = sys.intern
    rows = [
        e._replace(
            status=share(e.status),
            type=share(e.type),
            affected_scope=tuple(map(share, e.affected_scope)),
            forbidden_scope=tuple(map(share, e.forbidden_scope)),
        )[:]
        for e in entries
    ]
    heads = {share(head): found for head, found in heads.items()}
    scopecache.write_fast(
        scopecache.fast_path(state_dir), key, (dirs, tag_required, stamp, rows, heads)
    )
    return entries, heads, tag_required
