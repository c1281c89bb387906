"""Exceptions of the toolkit.

A :class:`UserInputError` is the user's fault (bad file, unknown code, missing field, negative
value, date out of range). The command line turns it into one line on stderr and exit status 2;
it always names the source (file or option), the field and the offending value.
"""

from __future__ import annotations

from typing import Any

__all__ = ["UsmcaError", "UserInputError", "LawError", "ConvergenceError", "NotEncodedError"]


class UsmcaError(Exception):
    """Base class of every error the toolkit raises on purpose."""


class UserInputError(UsmcaError, ValueError):
    """Input the user gave is wrong.

    Parameters
    ----------
    source
        The file or the command-line option the input came from (``"bom.yaml"``, ``"--hts"``).
    field
        The field within it (``"materials[3].value"``); ``""`` when the whole source is at fault.
    value
        The offending value, shown with ``repr``.
    reason
        What is wrong, in a few words (``"must be >= 0"``).
    """

    def __init__(self, source: str, field: str, value: Any, reason: str) -> None:
        self.source = str(source)
        self.field = str(field)
        self.value = value
        self.reason = str(reason)
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """The message as one line: ``source: field = value: reason``."""
        where = f"{self.source}: {self.field}" if self.field else self.source
        text = f"{where} = {self.value!r}: {self.reason}"
        return " ".join(text.split())


class LawError(UserInputError):
    """A parameter file, table or reform breaks the law-tree schema."""


class NotEncodedError(UserInputError):
    """The law the question needs is not encoded (for example a product-specific rule)."""


class ConvergenceError(UsmcaError, RuntimeError):
    """A numerical solver did not converge; carries its diagnostics."""

    def __init__(self, message: str, diagnostics: dict[str, Any] | None = None) -> None:
        self.diagnostics = dict(diagnostics or {})
        super().__init__(message)
