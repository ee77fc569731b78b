"""One exception hierarchy for the whole tool.

The CLI maps every :class:`LinespecError` to one line on stderr and to the exit code the
class carries: 1 when the command ran and refused, 2 when it could not run at all.
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_CANNOT_RUN = 2


class LinespecError(Exception):
    """Base of every error the tool reports to a user."""

    exit_code = EXIT_CANNOT_RUN

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.column = column

    def location(self, root: Path | None = None) -> str:
        """`file:line:col` as editors and terminals link it; empty when no file is known."""
        if self.path is None:
            return ""
        shown = self.path
        if root is not None:
            try:
                shown = self.path.resolve().relative_to(root.resolve())
            except ValueError:
                shown = self.path
        text = str(shown)
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text

    def render(self, root: Path | None = None) -> str:
        where = self.location(root)
        return f"{where}: {self.message}" if where else self.message


class UsageError(LinespecError):
    """Arguments that cannot be acted on (an unknown --type, a bad --filter)."""


class ConfigError(LinespecError):
    """`.linespec.yml` (or the pyproject table) is unreadable or does not validate."""


class LoadError(LinespecError):
    """A record file or the record set as a whole cannot be loaded."""


class YamlError(LoadError):
    """A file that is not YAML the tool accepts (syntax, encoding, duplicate keys, size)."""


class RecordShapeError(LoadError):
    """YAML that parses but does not fit the record schema (a list where a string belongs)."""


class FileNameMismatch(RecordShapeError):
    """A record whose `id` differs from its file's base name."""


class GraphError(LoadError):
    """Records that load one by one but not together (duplicate IDs, supersedes cycles)."""


class GitError(LinespecError):
    """git failed or is missing."""


class GitOutputTooLarge(GitError):
    """A remote sent more than the caller would take."""


class GitTimedOut(GitError):
    """A git call against a remote did not finish in time (and was killed)."""


class StorageError(LinespecError):
    """A file could not be written; nothing was changed."""


class RefusedError(LinespecError):
    """The command ran and refused: wrong status, failed validation, a conflict."""

    exit_code = EXIT_PROBLEMS


class RecordNotFoundError(RefusedError):
    """An ID that no loaded record has."""

    def __init__(self, record_id: str) -> None:
        super().__init__(f"Record not found: {record_id}")
        self.record_id = record_id


def internal_error(exc: BaseException, hint: str = "run with --debug for details") -> str:
    """The one line a bug (an exception outside this hierarchy) is reported with."""
    return f"error: internal error: {type(exc).__name__}: {exc} ({hint})\n"
