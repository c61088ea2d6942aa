"""The one exception a person sees: what was wrong and how to say it right."""

from __future__ import annotations


class UserError(Exception):
    """A mistake by the person acting. Shown to them ephemerally; nothing is written."""

    def __init__(self, message: str, example: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.example = example

    def __str__(self) -> str:
        if self.example:
            return f"{self.message}\nExample: {self.example}"
        return self.message


class NotAllowed(UserError):
    """The actor lacks the role for this write."""


class NotFound(UserError):
    """An unknown review, ref, agency or user."""
