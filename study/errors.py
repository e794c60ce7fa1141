"""Errors that point at the bad input: file, row and field."""

from __future__ import annotations

from pathlib import Path


class StudyError(Exception):
    """Base class for failures the CLI reports as one clear line (exit code 2)."""


class DataError(StudyError):
    """Bad input data. The message names the file, the row and the field at fault.

    ``row`` is the 1-based data row (header excluded) as a spreadsheet user counts it, or a
    key such as ``iso3=NGA, year=2014`` where rows are identified by key.
    """

    def __init__(self, file: Path | str, message: str, *, row: int | str | None = None,
                 field: str | None = None) -> None:
        self.file, self.row, self.field = str(file), row, field
        where = [f"file {self.file}"]
        if row is not None:
            where.append(f"row {row}")
        if field is not None:
            where.append(f"field '{field}'")
        super().__init__(f"{', '.join(where)}: {message}")


class ChecksumError(DataError):
    """A vendored file's sha256 does not match the manifest."""


class PendingStepError(StudyError):
    """The step is declared in the study plan but not implemented yet."""
