"""`linespec provenance install-hooks`: git hooks that enforce records at commit time."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from linespec.cli import state
from linespec.cli.provenance import app

_PURPOSE = {
    "pre-commit": "lints the staged provenance records",
    "commit-msg": "checks the staged files against the records named in the message",
}


@app.command(
    "install-hooks",
    epilog="Examples:\n\n  linespec provenance install-hooks\n\n"
    "  linespec provenance install-hooks --uninstall",
)
def install_hooks(
    uninstall: Annotated[
        bool,
        typer.Option(
            "--uninstall", help="Remove linespec's hooks and put back the hooks they replaced."
        ),
    ] = False,
) -> None:
    """Install the pre-commit and commit-msg hooks into the hooks directory git uses.

    Honours core.hooksPath and linked worktrees; safe to run again.
    An existing hook is kept as <name>.legacy and runs first.
    The hooks run linespec with the Python that installed them.
    """
    from rich.markup import escape

    from linespec import git
    from linespec.core import hooks
    from linespec.errors import RefusedError
    from linespec.render import console

    root = git.toplevel(Path.cwd())
    if root is None:
        raise RefusedError("not inside a git work tree: run install-hooks in your repository")
    state.root = root
    out = console.stdout()
    if uninstall:
        result = hooks.uninstall(root)
        removed = [h for h in result.hooks if h.action is hooks.Action.removed]
        where = escape(str(result.directory))
        if removed:
            out.print(f"\n[green]✓[/] Removed linespec git hooks from {where}\n")
        else:
            out.print(f"\nNo linespec git hooks in {where}\n")
        for hook in result.hooks:
            if hook.action is hooks.Action.removed and hook.legacy is not None:
                line = f"removed; restored the previous hook from {escape(hook.legacy.name)}"
            elif hook.action is hooks.Action.removed:
                line = "removed"
            elif hook.action is hooks.Action.foreign:
                line = "not a linespec hook; left alone"
            else:
                line = "not installed"
            out.print(f"  • {hook.name}: {line}")
        out.print("")
        return
    result = hooks.install(root)
    out.print(f"\n[green]✓[/] Installed git hooks to {escape(str(result.directory))}\n")
    for hook in result.hooks:
        line = f"  • {hook.name}: {_PURPOSE[hook.name]}"
        if hook.action is hooks.Action.unchanged:
            line += " (already up to date)"
        if hook.legacy is not None:
            verb = "kept" if hook.chained_now else "still kept"
            line += (
                f"; the existing {hook.name} hook is {verb} as {escape(hook.legacy.name)}"
                " and runs first"
            )
        out.print(line)
    out.print("")
