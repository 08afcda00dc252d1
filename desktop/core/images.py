"""Signature and seal images: a person's handwritten signature, a unit's seal, scanned by the
office and given to us. Printed sheets place them in their signature and seal blocks.

The bytes are stored unchanged (a PNG keeps its transparency, so the signature sits on the
line instead of covering it with a white box) in the evidence store, once per content, and
the row that says whose image it is goes through ``records`` like any other change. Before a
path is handed out, the file is hashed again: a file swapped on disk is not printed as a seal.
The program never draws a seal of its own; a unit without an image gets an empty seal block.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from desktop.core import evidence, records
from desktop.core.errors import PermissionDenied, ValidationError
from desktop.core.i18n import N_
from desktop.core.models import Role, StoredImage, Unit, User, database
from desktop.core.session import Session

MAX_IMAGE_BYTES = 2 * 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_START = b"\xff\xd8\xff"
OWNER_USER, OWNER_UNIT = "user", "unit"
SIGNATURE, SEAL = "signature", "seal"
# PNG colour types 4 (grey + alpha) and 6 (RGBA) carry an alpha channel
PNG_ALPHA_TYPES = (4, 6)
JPEG_FRAME_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD,
                      0xCE, 0xCF}


@dataclass(frozen=True)
class ImageInfo:
    format: str  # "png" | "jpeg"
    width: int
    height: int
    has_alpha: bool

    @property
    def warning(self) -> str | None:
        """A message id when the image will print with an opaque background."""
        if self.format == "jpeg":
            return N_("A JPEG image has no transparent background: it will cover the line "
                      "and text beneath it when printed. A PNG with a transparent background "
                      "is better.")
        if not self.has_alpha:
            return N_("This PNG has no transparent background: it will cover the line and "
                      "text beneath it when printed.")
        return None


def _not_an_image(path: Path) -> ValidationError:
    return ValidationError(
        N_("{name} is not a PNG or JPEG image (or the file is damaged)."), name=path.name
    )


def _png_info(data: bytes, path: Path) -> ImageInfo:
    # the first chunk must be IHDR: length 13, then width, height, depth, colour type, …
    if len(data) < 33 or data[12:16] != b"IHDR":
        raise _not_an_image(path)
    width, height, _depth, colour = struct.unpack(">IIBB", data[16:26])
    if width == 0 or height == 0:
        raise _not_an_image(path)
    # a palette or grey image may still be transparent through a tRNS chunk
    has_alpha = colour in PNG_ALPHA_TYPES or _png_has_chunk(data, b"tRNS")
    return ImageInfo("png", width, height, has_alpha)


def _png_has_chunk(data: bytes, name: bytes) -> bool:
    position = len(PNG_SIGNATURE)
    while position + 8 <= len(data):
        length = struct.unpack(">I", data[position:position + 4])[0]
        chunk = data[position + 4:position + 8]
        if chunk == name:
            return True
        if chunk == b"IDAT":  # tRNS, when present, comes before the image data
            return False
        position += 12 + length
    return False


def _jpeg_info(data: bytes, path: Path) -> ImageInfo:
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            break
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        length = struct.unpack(">H", data[position + 2:position + 4])[0]
        if marker in JPEG_FRAME_MARKERS and position + 9 <= len(data):
            height, width = struct.unpack(">HH", data[position + 5:position + 9])
            if width and height:
                return ImageInfo("jpeg", width, height, False)
            break
        position += 2 + length
    raise _not_an_image(path)


def inspect_image(path: Path | str) -> ImageInfo:
    """Check that the file is a PNG or JPEG image of at most 2 MB; read its size and whether
    it has transparency. Raises ``ValidationError`` otherwise."""
    path = Path(path)
    if not path.is_file():
        raise ValidationError(N_("The file {name} cannot be read."), name=str(path))
    if path.stat().st_size > MAX_IMAGE_BYTES:
        raise ValidationError(
            N_("The image {name} is larger than {limit} MB; scan it at a lower resolution."),
            name=path.name, limit=MAX_IMAGE_BYTES // (1024 * 1024),
        )
    data = path.read_bytes()
    if data.startswith(PNG_SIGNATURE):
        return _png_info(data, path)
    if data.startswith(JPEG_START):
        return _jpeg_info(data, path)
    raise _not_an_image(path)


# -- reading ---------------------------------------------------------------------------------


def current_image(owner_kind: str, owner_uuid: str, kind: str) -> StoredImage | None:
    return (
        StoredImage.live()
        .where((StoredImage.owner_kind == owner_kind) & (StoredImage.owner_uuid == owner_uuid)
               & (StoredImage.kind == kind))
        .order_by(StoredImage.id.desc())
        .first()
    )


def _checked_path(image: StoredImage | None) -> Path | None:
    if image is None:
        return None
    path = evidence.stored_path(image.sha256)
    if not path.is_file() or evidence.file_sha256(path) != image.sha256:
        return None
    return path


def signature_path(user_uuid: str) -> Path | None:
    """The user's signature image, or None (none set, or the stored file is missing or was
    altered)."""
    return _checked_path(current_image(OWNER_USER, user_uuid, SIGNATURE))


def seal_path(unit_uuid: str) -> Path | None:
    """The unit's seal image, or None (as for ``signature_path``)."""
    return _checked_path(current_image(OWNER_UNIT, unit_uuid, SEAL))


def _all_paths(owner_kind: str, kind: str) -> dict[str, Path]:
    paths: dict[str, Path] = {}
    for image in StoredImage.live().where(
        (StoredImage.owner_kind == owner_kind) & (StoredImage.kind == kind)
    ).order_by(StoredImage.id):
        path = _checked_path(image)
        if path is not None:
            paths[image.owner_uuid] = path  # the newest wins
    return paths


def all_signatures() -> dict[str, Path]:
    """user uuid → signature image, for every user who stored one (for placing on sheets)."""
    return _all_paths(OWNER_USER, SIGNATURE)


def all_seals() -> dict[str, Path]:
    """unit uuid → seal image, for every unit that has one."""
    return _all_paths(OWNER_UNIT, SEAL)


# -- changing --------------------------------------------------------------------------------


def _may_change_signature(session: Session, user: User) -> None:
    session.check_active()
    if session.user is not None and session.user.id == user.id:
        return
    if not session.has_role(Role.ADMIN):
        raise PermissionDenied(
            N_("{user} may set only their own signature; an administrator can set anyone's."),
            user=session.name,
        )


def _replace(session: Session, owner_kind: str, owner_uuid: str, kind: str,
             path: Path | None) -> StoredImage | None:
    """Tombstone the owner's current image and, given a path, store the new one."""
    info = inspect_image(path) if path is not None else None
    stored = evidence.store_file(path) if path is not None else None
    with database.atomic():
        old = current_image(owner_kind, owner_uuid, kind)
        if old is not None:
            records.tombstone(session, old)
        if info is None or stored is None:
            return None
        sha, _size = stored
        return records.create(
            session, StoredImage, owner_kind=owner_kind, owner_uuid=owner_uuid, kind=kind,
            sha256=sha, filename=Path(path).name, format=info.format, width=info.width,
            height=info.height, has_alpha=info.has_alpha, added_by=session.user,
        )


def set_user_signature(session: Session, user_id: int, path: Path | str) -> StoredImage:
    """The user themself or an administrator."""
    user = records.get_live(User, user_id)
    _may_change_signature(session, user)
    return _replace(session, OWNER_USER, user.uuid, SIGNATURE, Path(path))


def remove_user_signature(session: Session, user_id: int) -> None:
    user = records.get_live(User, user_id)
    _may_change_signature(session, user)
    _replace(session, OWNER_USER, user.uuid, SIGNATURE, None)


def set_unit_seal(session: Session, unit_id: int, path: Path | str) -> StoredImage:
    session.require(Role.ADMIN)
    unit = records.get_live(Unit, unit_id)
    return _replace(session, OWNER_UNIT, unit.uuid, SEAL, Path(path))


def remove_unit_seal(session: Session, unit_id: int) -> None:
    session.require(Role.ADMIN)
    unit = records.get_live(Unit, unit_id)
    _replace(session, OWNER_UNIT, unit.uuid, SEAL, None)


def image_info(image: StoredImage) -> ImageInfo:
    return ImageInfo(image.format, image.width, image.height, image.has_alpha)
