"""Checks on a workbook from elsewhere: limits on what an .xlsx (a zip archive) unpacks to,
checked from its directory before any part of it is decompressed, and the message for XML
that tries an entity attack.

A workbook from a USB stick is untrusted: a few megabytes can unpack to gigabytes (a "zip
bomb") and keep openpyxl, or zipfile's own CRC test, busy until the window is killed. The
sizes in the archive's directory are what zipfile will read at most (it stops at the stated
size), so summing them bounds the work without decompressing anything.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from defusedxml import DefusedXmlException

from desktop.core.errors import DomainError
from desktop.core.i18n import N_
from desktop.exchange.safe_write import size_text

MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
# Deflate's best is about 1,030 : 1 and only on data made to compress (zeros); the XML of a
# real sheet, even one formatted down to its last row, stays far below this.
MAX_RATIO = 500
RATIO_FROM_BYTES = 1024 * 1024  # small parts may compress further without harm
MAX_MEMBERS = 10_000


def check_archive(path: Path, error: type[DomainError], max_unpacked: int | None = None) -> None:
    """Raise ``error`` naming the limit when the archive would unpack beyond it. A file that
    is no zip archive at all is left to the caller's own message (``zipfile.BadZipFile``)."""
    max_unpacked = MAX_UNPACKED_BYTES if max_unpacked is None else max_unpacked
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise error(N_("{name} holds more than {limit} parts; it is not a workbook that "
                       "Excel or WPS wrote, and it is not opened."),
                    name=path.name, limit=MAX_MEMBERS)
    unpacked = sum(info.file_size for info in infos)
    if unpacked > max_unpacked:
        raise error(N_("{name} unpacks to more than {limit}; a workbook of that size is not "
                       "opened. Split it into several workbooks."),
                    name=path.name, limit=size_text(max_unpacked))
    for info in infos:
        if info.file_size < RATIO_FROM_BYTES:
            continue
        if info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise error(N_("{name} is compressed {ratio} times over (more than {limit} times), "
                           "as no workbook saved by Excel or WPS is; it is not opened."),
                        name=path.name, ratio=info.file_size // max(info.compress_size, 1),
                        limit=MAX_RATIO)


def xml_attack(error: BaseException) -> bool:
    """openpyxl parses with defusedxml: entity declarations (billion laughs) and external
    entities (a file of this PC read into the workbook) raise instead of being obeyed."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, DefusedXmlException):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def xml_attack_error(path: Path, error: type[DomainError]) -> DomainError:
    return error(N_("{name} contains XML entity declarations, which no workbook saved by Excel "
                    "or WPS has; they can make a program read files of this computer or run out "
                    "of memory, so the file is refused."), name=path.name)
