"""`linespec provenance check`: commits and staged changes against the records they name."""

from __future__ import annotations

from linespec.cli.provenance import app  # noqa: F401
