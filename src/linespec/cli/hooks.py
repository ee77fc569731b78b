"""`linespec provenance install-hooks`: git hooks that enforce records at commit time."""

from __future__ import annotations

from linespec.cli.provenance import app  # noqa: F401
