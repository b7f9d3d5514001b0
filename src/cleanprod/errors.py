"""Errors a user of cleanprod can meet, and the problems they carry.

Every error that bad input can cause is a :class:`CleanprodError`. Its message says where the
problem is (the file, the sheet and row, or the key path), what was expected and what was found,
so that the command line and the web pages can show it as it is — never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    Attributes
    ----------
    where
        The place, readable by a person: ``"baseline.yaml, line 12, flows[3] (fresh-water).sd"``
        or ``"baseline.xlsx, sheet 'flows', row 5, column 'value' (G5)"``.
    message
        What was expected and what was found, and how to fix it where that is not obvious.
    """

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class CleanprodError(Exception):
    """Base of every error caused by the user's input rather than by a bug."""


class DocumentError(CleanprodError):
    """A document (file) with one or more problems; all of them are reported at once."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = list(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{source}: {count} {noun}"] + [f"  - {problem}" for problem in self.problems]
        super().__init__("\n".join(lines))


class FileFormatError(CleanprodError):
    """A file whose type cleanprod cannot read or write (by its extension)."""


class OutputError(CleanprodError):
    """A result cannot be written where the user asked: a folder or file that is not writable,
    or an output that would replace its own input."""


class NoDocumentsError(CleanprodError):
    """The paths given hold no assessment document to read."""
