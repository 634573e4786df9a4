"""A diagnostic as every report format sees it (ruff's JSON vocabulary)."""

from __future__ import annotations

from cnnlint.records import dataclass, field


@dataclass(frozen=True, order=True)
class Location:
    """1-based row and column; an end location's column is one past the last character."""

    row: int
    column: int


@dataclass(frozen=True)
class Edit:
    content: str
    location: Location
    end_location: Location


@dataclass(frozen=True)
class Fix:
    message: str
    edits: tuple[Edit, ...]
    applicability: str = "safe"


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    filename: str
    location: Location
    end_location: Location
    fix: Fix | None = None
    #: ``cell`` (1-based) and ``json_row``/``json_col``/``json_end_row``/``json_end_col`` (where the .ipynb
    #: file's text holds the finding) for a notebook's findings.
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def sort_key(self) -> tuple:
        return (self.filename, self.extra.get("cell", 0), self.location.row, self.location.column, self.code)
