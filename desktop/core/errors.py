"""Domain errors. Each carries an English message id and its parameters, so the CLI and the
GUI can show it in the user's language (Chinese by default) and tests can check both."""

from __future__ import annotations

from typing import Any

from desktop.core.i18n import translate


class DomainError(Exception):
    """A rule of the domain was broken; the message says which, for a person to read."""

    def __init__(self, message: str, **params: Any) -> None:
        self.message_id = message
        self.params = params
        super().__init__(self.message("en"))

    def message(self, language: str | None = None) -> str:
        text = translate(self.message_id, language)
        params = {
            k: (translate(v, language) if isinstance(v, str) and k.endswith("_label") else v)
            for k, v in self.params.items()
        }
        return text.format(**params) if params else text

    def __str__(self) -> str:
        return self.message()


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    pass


class IllegalTransition(DomainError):
    pass


class ValidationError(DomainError):
    pass


class ConcurrentEdit(DomainError):
    """The record was changed by someone else since it was read."""


class ReadOnly(DomainError):
    """The record is locked (a closed problem) and must be reopened first."""
