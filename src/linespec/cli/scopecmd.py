"""`linespec provenance lock-scope`: observed scope from tagged commits, made explicit."""

from __future__ import annotations

from linespec.cli.provenance import app  # noqa: F401
