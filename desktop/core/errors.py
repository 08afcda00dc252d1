"""Domain errors. Each carries an English message id and its parameters, so the CLI and the
GUI can show it in the user's language (Chinese by default) and tests can check both."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop.core.i18n import N_, translate


@dataclass(frozen=True)
class Labels:
    """Several translatable labels shown as one parameter ("Reviewer or Leader")."""

    items: tuple[str, ...]
    every: bool = False  # "and" rather than "or"

    def render(self, language: str | None) -> str:
        joiner = translate(N_(" and ") if self.every else N_(" or "), language)
        return joiner.join(translate(item, language) for item in self.items)


def _render(key: str, value: Any, language: str | None) -> Any:
    if isinstance(value, Labels):
        return value.render(language)
    if key.endswith("_label") and isinstance(value, str):
        return translate(value, language)
    return value


def render(message_id: str, params: dict[str, Any], language: str | None = None) -> str:
    """A message id with its parameters, in ``language`` (labels translated too)."""
    text = translate(message_id, language)
    return text.format(**{k: _render(k, v, language) for k, v in params.items()})


class DomainError(Exception):
    """A rule of the domain was broken; the message says which, for a person to read."""

    def __init__(self, message: str, **params: Any) -> None:
        self.message_id = message
        self.params = params
        super().__init__(self.message("en"))

    def message(self, language: str | None = None) -> str:
        return render(self.message_id, self.params, language)

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
