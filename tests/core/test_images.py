"""Signature and seal images: stored byte for byte, checked on the way in and out, and set
only by those allowed to."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from desktop.core import audit, images
from desktop.core.errors import PermissionDenied, ValidationError
from desktop.core.models import AuditEvent, StoredImage
from desktop.core.org import create_unit
from desktop.core.session import Session


def png_bytes(width: int = 6, height: int = 3, colour_type: int = 6) -> bytes:
    """A small PNG; colour type 6 is RGBA with pixels of varying transparency."""
    channels = {6: 4, 2: 3}[colour_type]
    rows = b"".join(
        b"\x00" + b"".join(
            bytes([200, 16, 16, (x * 40) % 256][:channels]) for x in range(width))
        for _y in range(height)
    )

    def chunk(name: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + name + data
                + struct.pack(">I", zlib.crc32(name + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (images.PNG_SIGNATURE + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def jpeg_bytes(width: int = 40, height: int = 20) -> bytes:
    """The start of a baseline JPEG: enough for the header check (SOI, APP0, SOF0)."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


@pytest.fixture
def signature_file(tmp_path) -> Path:
    path = tmp_path / "签名.png"
    path.write_bytes(png_bytes())
    return path


def test_a_png_signature_is_stored_byte_identical_with_its_alpha(office, signature_file):
    leader = office.users["leader"]
    image = images.set_user_signature(office.session("leader"), leader.id, signature_file)
    assert (image.format, image.width, image.height, image.has_alpha) == ("png", 6, 3, True)
    stored = images.signature_path(leader.uuid)
    assert stored is not None and stored != signature_file
    assert stored.read_bytes() == signature_file.read_bytes()
    assert images.image_info(image).warning is None
    # recorded in the audit log, with who added it
    event = AuditEvent.select().where(AuditEvent.entity_uuid == image.uuid).get()
    assert event.entity == "stored_image" and event.user_name == leader.display_name
    assert audit.verify().ok


def test_replacing_and_removing_a_signature(office, signature_file, tmp_path):
    leader = office.users["leader"]
    session = office.session("leader")
    first = images.set_user_signature(session, leader.id, signature_file)
    second_file = tmp_path / "新签名.png"
    second_file.write_bytes(png_bytes(width=9))
    second = images.set_user_signature(session, leader.id, second_file)
    assert images.signature_path(leader.uuid).read_bytes() == second_file.read_bytes()
    assert StoredImage.get_by_id(first.id).deleted_at is not None
    images.remove_user_signature(session, leader.id)
    assert images.signature_path(leader.uuid) is None
    assert StoredImage.get_by_id(second.id).deleted_at is not None


def test_files_that_are_not_images_or_too_big_are_refused(office, tmp_path):
    leader = office.users["leader"]
    session = office.session("leader")
    text = tmp_path / "签名.png"
    text.write_text("这不是图片", encoding="utf-8")
    truncated = tmp_path / "坏.png"
    truncated.write_bytes(images.PNG_SIGNATURE + b"\x00\x00")
    huge = tmp_path / "大.png"
    huge.write_bytes(png_bytes() + b"\x00" * images.MAX_IMAGE_BYTES)
    for path, words in ((text, "not a PNG"), (truncated, "not a PNG"), (huge, "2 MB")):
        with pytest.raises(ValidationError) as caught:
            images.set_user_signature(session, leader.id, path)
        assert path.name in caught.value.message("en") and words in caught.value.message("en")
    assert StoredImage.select().count() == 0


def test_jpeg_and_opaque_png_are_accepted_with_a_warning(office, tmp_path):
    leader = office.users["leader"]
    jpeg = tmp_path / "签名.jpg"
    jpeg.write_bytes(jpeg_bytes())
    image = images.set_user_signature(office.session("leader"), leader.id, jpeg)
    assert (image.format, image.width, image.height, image.has_alpha) == ("jpeg", 40, 20, False)
    assert "JPEG" in images.image_info(image).warning
    opaque = tmp_path / "无透明.png"
    opaque.write_bytes(png_bytes(colour_type=2))
    info = images.inspect_image(opaque)
    assert not info.has_alpha and "transparent" in info.warning


def test_a_user_sets_their_own_signature_but_not_anothers(office, signature_file):
    clerk, leader = office.users["clerk"], office.users["leader"]
    images.set_user_signature(office.session("clerk"), clerk.id, signature_file)
    with pytest.raises(PermissionDenied):
        images.set_user_signature(office.session("clerk"), leader.id, signature_file)
    with pytest.raises(PermissionDenied):
        images.remove_user_signature(office.session("reviewer"), clerk.id)
    assert images.signature_path(leader.uuid) is None
    assert images.signature_path(clerk.uuid) is not None
    # the administrator may set anyone's (a leader who cannot scan their own)
    images.set_user_signature(office.session("admin"), leader.id, signature_file)
    assert images.signature_path(leader.uuid) is not None


def test_only_an_administrator_sets_a_units_seal(office, tmp_path):
    seal = tmp_path / "公章.png"
    seal.write_bytes(png_bytes(width=20, height=20))
    for who in ("clerk", "reviewer", "leader"):
        with pytest.raises(PermissionDenied):
            images.set_unit_seal(office.session(who), office.unit.id, seal)
    assert images.seal_path(office.unit.uuid) is None
    images.set_unit_seal(office.session("admin"), office.unit.id, seal)
    assert images.seal_path(office.unit.uuid).read_bytes() == seal.read_bytes()
    # seals are per unit
    other = create_unit(Session.system(), "县财政局")
    assert images.seal_path(other.uuid) is None
    with pytest.raises(PermissionDenied):
        images.remove_unit_seal(office.session("leader"), office.unit.id)
    images.remove_unit_seal(office.session("admin"), office.unit.id)
    assert images.seal_path(office.unit.uuid) is None


def test_a_stored_file_altered_on_disk_is_not_handed_out(office, signature_file):
    leader = office.users["leader"]
    images.set_user_signature(office.session("leader"), leader.id, signature_file)
    stored = images.signature_path(leader.uuid)
    stored.write_bytes(png_bytes(width=2))
    assert images.signature_path(leader.uuid) is None
