"""Editing a new record in `$VISUAL`/`$EDITOR` before anything is written."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import typer

from linespec.core import yamlread
from linespec.errors import LinespecError, RefusedError
from linespec.render import console


def edit_new_record(text: str, path: Path, validate: Callable[[str], object]) -> str:
    """TEXT as the user left it in their editor, once VALIDATE accepts it.

    The editor works on a temporary copy named like the record, so nothing appears in the
    repository until the caller writes the result. An invalid result re-opens the editor
    when there is a terminal to ask on, and otherwise aborts.
    """
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    err = console.stderr()
    with tempfile.TemporaryDirectory(prefix="linespec-") as tmp:
        draft = Path(tmp) / path.name
        draft.write_text(text, encoding="utf-8")
        while True:
            try:
                proc = subprocess.run([*shlex.split(editor), str(draft)], check=False)
            except (OSError, ValueError) as exc:
                err.print(f"[yellow]Warning:[/] Could not open editor {editor!r}: {exc}")
                return text
            if proc.returncode != 0:
                raise RefusedError(
                    f"the editor exited with status {proc.returncode}; no record was written"
                )
            try:
                edited = yamlread.decode_text(draft.read_bytes(), path)
                validate(edited)
                return edited
            except LinespecError as exc:
                err.print(f"[red]✗[/] {exc.render()}")
                if sys.stdin.isatty() and typer.confirm("Re-open the editor?", default=True):
                    continue
                raise RefusedError(
                    "the edited record is not valid; no record was written"
                ) from None
