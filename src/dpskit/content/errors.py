"""Content errors that name the file, the line, the key path and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class ContentError:
    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        key = f" [{self.key}]" if self.key else ""
        return f"{where}:{key} {self.message}"


class InvalidContent(Exception):
    """Raised when content has errors; carries all of them, not just the first."""

    def __init__(self, errors: list[ContentError]):
        self.errors = sorted(errors, key=lambda e: (e.file, e.line or 0, e.key))
        super().__init__("\n".join(str(e) for e in self.errors))
