"""Process-wide CLI settings (set once per invocation)."""

from __future__ import annotations

from pathlib import Path

debug = False
# Repository root of the current command, so error paths can be shown relative to it.
root: Path | None = None
