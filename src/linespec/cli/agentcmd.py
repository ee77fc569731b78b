"""Agent integrations (`install-skills`, `install-plugin`) and the set-up check `doctor`."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from linespec.cli import state
from linespec.cli.provenance import ConfigOption, app
from linespec.errors import EXIT_PROBLEMS

if TYPE_CHECKING:
    from linespec.core import doctor as doctor_mod

PathOption = Annotated[
    Path | None,
    typer.Option(
        "--path",
        help="Install here instead (relative to the repository root, or absolute).",
        show_default=False,
    ),
]


def _root() -> Path:
    from linespec.core.configfile import find_root

    root = find_root(Path.cwd())
    state.root = root
    return root


@app.command(
    "install-skills",
    epilog="Examples:\n\n  linespec provenance install-skills\n\n"
    "  linespec provenance install-skills --path path/to/skills",
)
def install_skills(path: PathOption = None) -> None:
    """Install the Claude Code skills `provenance` and `linespec-testing`.

    They go to .claude/skills/ under the repository root.
    Existing copies are replaced.
    """
    from rich.markup import escape

    from linespec.core import agents
    from linespec.render import console

    result = agents.install_skills(_root(), path)
    out = console.stdout()
    for name, directory in result.skills:
        out.print(f"[green]✓[/] Installed skill '{name}' to {escape(str(directory))}")
    invoke = "  or  ".join(f"/{name}" for name, _ in result.skills)
    out.print(f"\nInvoke in Claude Code with: {invoke}\n")


@app.command(
    "install-plugin",
    epilog="Examples:\n\n  linespec provenance install-plugin\n\n"
    "  linespec provenance install-plugin --path path/to/plugins",
)
def install_plugin(path: PathOption = None) -> None:
    """Install the Claude Code plugin linespec-provenance.

    It goes to .claude/plugins/linespec-provenance under the repository root.
    Its hooks bring `next` and `govern` into the agent's session; they need
    jq and linespec on PATH and stay silent without them.
    Only the plugin's own files are written; others there are left alone.
    """
    import shlex

    from rich.markup import escape

    from linespec.core import agents
    from linespec.render import console

    result = agents.install_plugin(_root(), path)
    out = console.stdout()
    where = escape(str(result.directory))
    out.print(f"[green]✓[/] Installed plugin '{agents.PLUGIN_NAME}' to {where}\n")
    out.print("Enable it in Claude Code through the bundled marketplace:\n")
    out.print(f"  claude plugin marketplace add {escape(shlex.quote(str(result.directory)))}")
    out.print(f"  claude plugin install {agents.PLUGIN_NAME}@{agents.MARKETPLACE_NAME}\n")
    out.print("Its hooks need jq and linespec on PATH; without them they stay silent.\n")


class DoctorFormat(StrEnum):
    human = "human"
    json = "json"


@app.command(
    epilog="Examples:\n\n  linespec provenance doctor\n\n  linespec provenance doctor --format json"
)
def doctor(
    output: Annotated[DoctorFormat, typer.Option("--format", help="human or json.")] = (
        DoctorFormat.human
    ),
    config: ConfigOption = None,
) -> None:
    """Check this repository's linespec set-up and say how to fix what is wrong.

    Config, provenance directory, records, hash manifest and seals, scope cache,
    git ignores for .linespec/, git hooks and core.hooksPath, and the Claude
    Code plugin and skills when installed.
    Exit 1 when any check fails. Writes nothing.
    """
    from linespec.core import doctor as doctor_mod

    report = doctor_mod.run(Path.cwd(), config)
    state.root = report.root
    if output is DoctorFormat.json:
        from linespec.render import jsonout

        sys.stdout.write(jsonout.dumps(report.as_json()))
    else:
        _render(report)
    if not report.ok:
        raise typer.Exit(EXIT_PROBLEMS)


def _render(report: doctor_mod.Report) -> None:
    from rich.markup import escape

    from linespec.render import console

    out = console.stdout()
    width = max(len(check.name) for check in report.checks)
    out.print("")
    for check in report.checks:
        mark = "[green]✓[/]" if check.ok else "[red]✗[/]"
        out.print(f"{mark} {check.name:<{width}}  {escape(check.detail)}")
        if not check.ok and check.fix:
            out.print(f"  {'':<{width}}  fix: {escape(check.fix)}")
    problems = len(report.problems)
    if problems:
        out.print(f"\n[red]✗[/] {problems} problem{'s' if problems != 1 else ''} found\n")
    else:
        out.print("\n[green]✓[/] No problems found\n")
