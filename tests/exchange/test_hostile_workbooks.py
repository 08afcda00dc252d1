"""Workbooks made to attack the reader: XML entity expansion (billion laughs), an external
entity that would read a file of this PC into the workbook, a zip bomb, and archives beyond the
limits. Each is refused with a message that names what is wrong, quickly, before anything is
expanded or decompressed, with the database unchanged."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import openpyxl.xml
import pytest
from openpyxl import Workbook

from desktop.core.errors import DomainError, ValidationError
from desktop.exchange import handmade_xlsx, untrusted
from desktop.exchange.handmade_xlsx import read_sheets
from desktop.exchange.ledger_exchange import Status, inspect_files
from desktop.exchange.ledger_payload import LedgerFileError, NotARectifyLedger, read_ledger
from tests.test_property_inputs import snapshot

LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'
              for n in range(1, 10))
    + "]>\n"
)


def _plain_workbook() -> dict[str, bytes]:
    workbook = Workbook()
    ws = workbook.active
    ws.title = "问题清单"
    ws.append(["序号", "具体问题", "整改措施", "完成时限"])
    ws.append([1, "文件多", "精简文件", "2026年11月30日"])
    out = io.BytesIO()
    workbook.save(out)
    with zipfile.ZipFile(out) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _write(path: Path, parts: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def _with_doctype(xml: bytes, doctype: str, entity: str) -> bytes:
    """The part with a DOCTYPE in front of its root and the entity used in its first cell."""
    body = xml.decode("utf-8").split("?>", 1)[-1].lstrip()
    root = body[1:body.index(" ")]
    return (doctype + body.replace(f"<{root} ", f"<{root} data=\"{entity}\" ", 1)).encode()


def _refused_everywhere(path: Path, office, words: str) -> list[str]:
    """Both readers and the import's dry run refuse the file with ``words`` in the message;
    returns every message given, for the caller to search."""
    before = snapshot()
    started = time.perf_counter()
    with pytest.raises(ValidationError) as handmade:
        read_sheets(path)
    with pytest.raises(LedgerFileError) as ledger:
        read_ledger(path)
    report = inspect_files([path], office.campaign.id)[0]
    assert time.perf_counter() - started < 10, "the attack was expanded, not refused"
    assert report.status == Status.REJECTED
    assert snapshot() == before
    messages = [e.message(lang) for e in (handmade.value, ledger.value, report.error)
                for lang in ("en", "zh_CN")]
    for error in (handmade.value, report.error):
        assert words in error.message("en") and path.name in error.message("en")
    # reading a ledger, openpyxl parses a worksheet only when it is the data sheet: another
    # part with the attack is never parsed, and the file is an ordinary workbook to it
    assert words in ledger.value.message("en") or isinstance(ledger.value, NotARectifyLedger)
    return messages


def test_openpyxl_parses_workbooks_with_defusedxml():
    """The protection below comes from defusedxml: without it openpyxl would use the standard
    library's parser, which obeys entity declarations."""
    assert openpyxl.xml.DEFUSEDXML is True


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/worksheets/sheet1.xml"])
def test_billion_laughs_is_refused_before_any_expansion(office, tmp_path, part):
    parts = _plain_workbook()
    parts[part] = _with_doctype(parts[part], LAUGHS, "&lol9;")
    path = _write(tmp_path / "台账.xlsx", parts)
    messages = _refused_everywhere(path, office, "contains XML entity declarations")
    assert not any("lollol" in m for m in messages)


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/worksheets/sheet1.xml",
                                  "xl/styles.xml"])
def test_an_external_entity_reads_no_file_of_this_computer(office, tmp_path, part):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    parts = _plain_workbook()
    assert part in parts
    for target in (secret.as_uri(), "file:///etc/passwd"):
        doctype = f'<?xml version="1.0"?>\n<!DOCTYPE x [ <!ENTITY xxe SYSTEM "{target}"> ]>\n'
        parts[part] = _with_doctype(_plain_workbook()[part], doctype, "&xxe;")
        path = _write(tmp_path / "台账.xlsx", parts)
        messages = _refused_everywhere(path, office, "contains XML entity declarations")
        assert not any("TOP-SECRET" in m or "root:" in m for m in messages)


def test_a_zip_bomb_is_refused_from_the_archive_directory(office, tmp_path):
    """40 MB of one byte compresses about a thousand times; the reader must refuse it by
    the sizes the archive declares, without unpacking it."""
    parts = _plain_workbook()
    parts["xl/worksheets/sheet2.xml"] = b" " * (40 * 1024 * 1024)
    path = _write(tmp_path / "台账.xlsx", parts)
    assert path.stat().st_size < 200 * 1024
    _refused_everywhere(path, office, "is compressed")


def test_an_archive_that_unpacks_beyond_the_limit_is_refused(office, tmp_path, monkeypatch):
    monkeypatch.setattr(untrusted, "MAX_UNPACKED_BYTES", 4096)
    monkeypatch.setattr(handmade_xlsx, "MAX_UNPACKED_BYTES", 4096)
    path = _write(tmp_path / "台账.xlsx", _plain_workbook())
    with pytest.raises(DomainError) as refused:
        read_ledger(path)
    assert refused.value.message("en") == (
        "台账.xlsx unpacks to more than 4 KB; a workbook of that size is not opened. "
        "Split it into several workbooks.")
    _refused_everywhere(path, office, "unpacks to more than 4 KB")


def test_an_archive_of_too_many_parts_is_refused(office, tmp_path, monkeypatch):
    monkeypatch.setattr(untrusted, "MAX_MEMBERS", 20)
    parts = _plain_workbook()
    parts.update({f"xl/media/image{n}.png": b"x" for n in range(30)})
    path = _write(tmp_path / "台账.xlsx", parts)
    _refused_everywhere(path, office, "holds more than 20 parts")


def test_a_normal_workbook_passes_the_checks(office, tmp_path):
    path = _write(tmp_path / "台账.xlsx", _plain_workbook())
    grids = read_sheets(path)
    assert grids[0].rows[1].cells[:2] == [1, "文件多"]
    assert inspect_files([path], office.campaign.id)[0].status == Status.READY
