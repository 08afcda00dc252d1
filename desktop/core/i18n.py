"""One translation mechanism for core, exchange, CLI and UI alike (gettext style).

Message ids are English; the Chinese catalog is the default language. The catalog is read
straight from the ``.po`` source under ``resources/locale`` so there is no generated file to
forget; a compiled ``.mo`` beside it, when present (frozen builds), is preferred.
"""

from __future__ import annotations

import ast
import gettext
from collections.abc import Callable
from pathlib import Path

from desktop.core import paths

DOMAIN = "rectify"
DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES = ("zh_CN", "en")

_catalogs: dict[str, dict[str, str]] = {}
_language = DEFAULT_LANGUAGE


def po_path(language: str) -> Path:
    return paths.resources_dir() / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def parse_po(text: str) -> dict[str, str]:
    """msgid → msgstr for every translated, non-fuzzy entry of a .po file."""
    catalog: dict[str, str] = {}
    msgid: list[str] = []
    msgstr: list[str] = []
    target: list[str] | None = None
    fuzzy = False

    def flush() -> None:
        nonlocal fuzzy
        key, value = "".join(msgid), "".join(msgstr)
        if key and value and not fuzzy:
            catalog[key] = value
        msgid.clear()
        msgstr.clear()
        fuzzy = False

    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#,") and "fuzzy" in line:
            if msgid or msgstr:
                flush()
            fuzzy = True
        elif line.startswith("msgid "):
            if msgid or msgstr:
                flush()
            target = msgid
            target.append(ast.literal_eval(line[6:]))
        elif line.startswith("msgstr "):
            target = msgstr
            target.append(ast.literal_eval(line[7:]))
        elif line.startswith('"') and target is not None:
            target.append(ast.literal_eval(line))
        elif not line:
            target = None
    if msgid or msgstr:
        flush()
    return catalog


def load_catalog(language: str) -> dict[str, str]:
    if language not in _catalogs:
        catalog: dict[str, str] = {}
        mo = po_path(language).with_suffix(".mo")
        po = po_path(language)
        if mo.exists():
            with mo.open("rb") as fh:
                catalog = dict(gettext.GNUTranslations(fh)._catalog)  # type: ignore[attr-defined]
                catalog.pop("", None)
        elif po.exists():
            catalog = parse_po(po.read_text(encoding="utf-8"))
        _catalogs[language] = catalog
    return _catalogs[language]


def set_language(language: str) -> None:
    global _language
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    _language = language


def language() -> str:
    return _language


def translate(message: str, language: str | None = None) -> str:
    lang = language or _language
    if lang == "en":
        return message
    return load_catalog(lang).get(message, message)


_: Callable[[str], str] = translate


def N_(message: str) -> str:
    """Mark a string for translation without translating it now."""
    return message
