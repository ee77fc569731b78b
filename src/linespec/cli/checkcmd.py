"""`linespec provenance check`: commits and staged changes against the records they name."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from linespec.cli import state
from linespec.cli.provenance import ConfigOption, app
from linespec.errors import UsageError


class CheckFormat(StrEnum):
    human = "human"
    json = "json"


@app.command(
    epilog="Examples:\n\n  linespec provenance check\n\n"
    "  linespec provenance check --commit abc1234\n\n"
    "  linespec provenance check --range HEAD~5..HEAD --format json\n\n"
    '  linespec provenance check --staged --message-file "$1"   (the commit-msg hook)'
)
def check(
    commit: Annotated[str, typer.Option(help="Check this commit.")] = "HEAD",
    range_: Annotated[str, typer.Option("--range", help="Check every commit in A..B.")] = "",
    record: Annotated[str, typer.Option(help="Report only this record's violations.")] = "",
    staged: Annotated[
        bool, typer.Option("--staged", help="Check the index, not a commit.")
    ] = False,
    message_file: Annotated[
        Path | None,
        typer.Option("--message-file", help="The commit message (with --staged)."),
    ] = None,
    output: Annotated[CheckFormat, typer.Option("--format", help="human or json.")] = (
        CheckFormat.human
    ),
    config: ConfigOption = None,
) -> None:
    """Check that changed files stay inside the scope of the records a commit names.

    A commit names records as \\[prov-YYYY-xxxxxxxx] in its message. Exit 1 on violations.
    """
    if message_file is not None and not staged:
        raise UsageError("--message-file goes with --staged")
    if range_ and staged:
        raise UsageError("--range and --staged cannot be combined")
    from linespec import git
    from linespec.core import checkrun

    cwd = Path.cwd()
    staged_paths = git.staged_files(cwd) if staged else None
    request = checkrun.CheckRequest(staged, message_file, commit, range_, record, staged_paths)
    configs = checkrun.configs_for(cwd, config, plain=False, staged_paths=staged_paths)
    assert configs is not None
    state.root = configs[0].root
    from linespec.render import checktext

    code = checktext.emit(checkrun.run(cwd, request, configs), output.value)
    if code:
        raise typer.Exit(code)
