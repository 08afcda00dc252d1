"""The machine-readable part of a ledger workbook, and reading a workbook back.

The records travel in the same .xlsx the clerk prints (DESIGN §5), on a sheet Excel and WPS do
not list ("very hidden": only a macro could show it). The sheet holds one fact per row, key in
column A and JSON value in column B, then the payload: its canonical JSON in pieces of at most
30,000 UTF-16 units (Excel keeps 32,767 per cell), with the SHA-256 of the whole, so that an
edit anywhere in it is caught on import.

Reading refuses, each with its own message: a file that is not a workbook at all, a damaged or
cut-off one, an ordinary workbook without this sheet (``NotARectifyLedger``: the importer may
then offer the hand-made-ledger import), another format or a newer version, and a payload that
does not match its checksum (``PayloadTampered``).
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from desktop.core.errors import DomainError
from desktop.core.exchange_records import canonical_text
from desktop.core.i18n import N_
from desktop.exchange.untrusted import check_archive, xml_attack, xml_attack_error

FORMAT = "rectify-ledger"
FORMAT_VERSION = 1
SHEET = "RectifyData"
PART_UNITS = 30_000  # UTF-16 code units per cell
MAX_FILE_SIZE = 200 * 1024 * 1024
PAYLOAD_KEY = "payload"
# facts the writer owns; a caller's meta cannot replace them
RESERVED = ("format", "format_version", "checksum", "parts")
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .et) files
ZIP_MAGIC = b"PK\x03\x04"


class LedgerFileError(DomainError):
    """A file offered as a ledger cannot be read as one."""


class NotARectifyLedger(LedgerFileError):
    """A readable workbook without Rectify's records (perhaps a hand-made ledger)."""


class PayloadTampered(LedgerFileError):
    """The records do not match their checksum: changed after export, or damaged."""


@dataclass(frozen=True)
class LedgerFile:
    meta: dict[str, Any]
    payload: dict[str, Any]
    checksum: str


def canonical(payload: dict[str, Any]) -> str:
    """The form the checksum covers: core's one canonical JSON, so the file and the import
    agree on what was signed off."""
    return canonical_text(payload)


def checksum_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def split_parts(text: str, limit: int = PART_UNITS) -> list[str]:
    """Pieces of at most ``limit`` UTF-16 units (a character outside the BMP takes two, and
    Excel counts those). A piece never splits a character."""
    parts: list[str] = []
    start = 0
    while start < len(text):
        piece = text[start:start + limit]
        units = len(piece.encode("utf-16-le")) // 2
        while units > limit:  # rare: astral characters; trim by the excess and look again
            piece = piece[:len(piece) - (units - limit + 1) // 2 - 1]
            units = len(piece.encode("utf-16-le")) // 2
        parts.append(piece)
        start += len(piece)
    return parts


def payload_rows(meta: dict[str, Any], payload: dict[str, Any]) -> tuple[list[tuple], str]:
    """The rows of the data sheet (key, JSON value or payload piece, piece number) and the
    checksum."""
    text = canonical(payload)
    digest = checksum_of(text)
    parts = split_parts(text)
    facts = {k: v for k, v in meta.items() if k not in RESERVED}
    facts.update(format=FORMAT, format_version=FORMAT_VERSION, checksum=digest,
                 parts=len(parts))
    rows: list[tuple] = [(key, json.dumps(value, ensure_ascii=False, sort_keys=True), None)
                         for key, value in facts.items()]
    rows += [(PAYLOAD_KEY, part, n) for n, part in enumerate(parts, start=1)]
    return rows, digest


# -- reading -------------------------------------------------------------------------------


def _damaged(path: Path, reason: str) -> LedgerFileError:
    return LedgerFileError(
        N_("{name} is damaged or incomplete ({reason}); it may have been cut short while "
           "copying. Copy it from the sender again."), name=path.name, reason=reason)


def _unreadable(path: Path, exc: Exception) -> LedgerFileError:
    if xml_attack(exc):
        return xml_attack_error(path, LedgerFileError)
    return _damaged(path, str(exc) or type(exc).__name__)


def _check_container(path: Path) -> None:
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(4)
    except FileNotFoundError:
        raise LedgerFileError(N_("{name} does not exist (any more)."), name=path.name) from None
    except OSError as exc:
        raise LedgerFileError(N_("{name} cannot be opened: {reason}"), name=path.name,
                              reason=exc.strerror or str(exc)) from None
    if size > MAX_FILE_SIZE:
        raise LedgerFileError(
            N_("{name} is {size} MB, more than the {limit} MB a ledger can be; it is not "
               "read."), name=path.name, size=size // (1 << 20), limit=MAX_FILE_SIZE >> 20)
    if head == OLE_MAGIC:
        raise LedgerFileError(
            N_("{name} is in the old Excel 97–2003 format (.xls). Open it in Excel or WPS and "
               "save it as an Excel workbook (.xlsx), then import that."), name=path.name)
    if head != ZIP_MAGIC:
        raise LedgerFileError(
            N_("{name} is not an Excel workbook (.xlsx)."), name=path.name)
    try:
        check_archive(path, LedgerFileError)  # before testzip unpacks every part
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            broken = archive.testzip()
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, OSError,
            ValueError) as exc:  # a damaged part, an unknown compression method
        raise _damaged(path, str(exc) or type(exc).__name__) from None
    if broken is not None:
        raise _damaged(path, broken)
    if "xl/workbook.xml" not in names:
        raise LedgerFileError(
            N_("{name} is not an Excel workbook (.xlsx)."), name=path.name)


def _rows(ws) -> Iterator[tuple[Any, Any, Any]]:
    for row in ws.iter_rows(min_col=1, max_col=3, values_only=True):
        cells = tuple(row) + (None,) * (3 - len(row))
        if cells[0] is not None:
            yield cells[0], cells[1], cells[2]


def _facts_and_parts(path: Path) -> tuple[dict[str, Any], list[tuple[int, str]]] | None:
    """What the data sheet holds, or None when the workbook has no such sheet."""
    with path.open("rb") as fh:
        try:
            workbook = load_workbook(fh, read_only=True, data_only=True, keep_links=False)
        except (InvalidFileException, zipfile.BadZipFile, zlib.error, NotImplementedError,
                KeyError, ValueError, TypeError, ParseError, ExpatError, OSError) as exc:
            raise _unreadable(path, exc) from None
        try:
            if SHEET not in workbook.sheetnames:
                return None
            facts: dict[str, Any] = {}
            parts: list[tuple[int, str]] = []
            for key, value, number in _rows(workbook[SHEET]):
                if key == PAYLOAD_KEY:
                    parts.append((int(number or 0), "" if value is None else str(value)))
                else:
                    facts[str(key)] = value
            return facts, parts
        except (ParseError, ExpatError, zipfile.BadZipFile, zlib.error, ValueError, KeyError,
                TypeError) as exc:
            raise _unreadable(path, exc) from None
        finally:
            workbook.close()


def _decode(facts: dict[str, Any], path: Path) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for key, value in facts.items():
        try:
            meta[key] = json.loads(value) if isinstance(value, str) else value
        except json.JSONDecodeError:
            raise PayloadTampered(
                N_("The records in {name} were changed after export (the entry {key} is not "
                   "readable). Ask the sender for a new export."), name=path.name,
                key=key) from None
    return meta


def read_ledger(path: Path | str) -> LedgerFile:
    """The records of a ledger workbook, checked against their checksum."""
    path = Path(path)
    _check_container(path)
    found = _facts_and_parts(path)
    if found is None:
        raise NotARectifyLedger(
            N_("{name} is an ordinary workbook: it does not carry records exported by this "
               "program. It can be imported as a hand-made ledger instead."), name=path.name)
    meta = _decode(found[0], path)
    if meta.get("format") != FORMAT:
        raise LedgerFileError(N_("{name} carries data in a format this program does not "
                                 "know ({format})."), name=path.name,
                              format=str(meta.get("format")))
    version = meta.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION or version < 1:
        raise LedgerFileError(
            N_("{name} was written by a newer version of this program (ledger format "
               "{version}); update the program to import it."), name=path.name,
            version=str(version))
    parts = sorted(found[1])
    text = "".join(part for _n, part in parts)
    digest = checksum_of(text)
    complete = [n for n, _part in parts] == list(range(1, len(parts) + 1))
    if not complete or meta.get("parts") != len(parts) or digest != meta.get("checksum"):
        raise PayloadTampered(
            N_("The records in {name} do not match their checksum: the file was changed "
               "after export, or damaged on the way. Ask the sender for a new export."),
            name=path.name)
    try:
        payload = json.loads(text)
    except json.JSONDecodeError:
        raise _damaged(path, "payload") from None
    if not isinstance(payload, dict):
        raise _damaged(path, "payload")
    return LedgerFile(meta=meta, payload=payload, checksum=digest)
