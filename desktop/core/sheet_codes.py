"""Verification codes for printed sheets (tamper-evident paper).

A signed and stamped sheet travels on paper; whoever holds it later (the higher office, an
inspector) wants to know whether it still matches the records. Each issued sheet is stored with
a SHA-256 of the content it shows (``sheet_data``) and the list of records it shows; its short
code, printed as text and as a QR code, is taken from that hash, so the same content always
gets the same code and a reprint of unchanged records is recognised as the same sheet.
``verify_code`` re-reads the records through the same views and says whether the sheet still
matches, and if not, which records changed or disappeared.

Codes are 10 characters of Crockford's base-32 alphabet (no I, L, O, U), about 50 bits of the
hash: enough that two different sheets of one office never share one, short enough to type.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from peewee import CharField, TextField

from desktop.core import audit, records
from desktop.core.errors import DomainError
from desktop.core.i18n import N_, translate
from desktop.core.models import Campaign, Record, Role, database
from desktop.core.session import Session
from desktop.core.sheet_data import (
    ENTITY_LABELS,
    SHEET_TITLES,
    Sheet,
    SheetKind,
    SheetParams,
    Shown,
    ViewContext,
    content_hash,
    read_view,
)

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32
CODE_LENGTH = 10
QR_PREFIX = "rectify:"  # what the QR code holds before the code
# what people mistype for what they meant
_READ_AS = {"O": "0", "I": "1", "L": "1", "U": "V"}


class SheetCode(Record):
    """One issued sheet: its code, what it showed, and who issued it when (``created_at``)."""

    code = CharField(max_length=16, unique=True)
    kind = CharField(max_length=20)
    campaign_uuid = CharField(max_length=36)
    params = TextField()  # canonical JSON of the sheet's parameters
    items = TextField()  # canonical JSON: [[entity, uuid, version, view, digest], ...]
    content_hash = CharField(max_length=64)
    user_uuid = CharField(max_length=36, default="")
    user_name = CharField(max_length=100, default="")

    class Meta:
        table_name = "sheet_code"


def code_for_hash(digest: str) -> str:
    value = int(digest[:16], 16) >> (64 - 5 * CODE_LENGTH)
    chars = []
    for _ in range(CODE_LENGTH):
        value, rest = divmod(value, 32)
        chars.append(ALPHABET[rest])
    return "".join(reversed(chars))


def code_for(sheet: Sheet) -> str:
    """The code a sheet gets (before it is issued: the renderer prints it)."""
    return code_for_hash(sheet.content_hash())


def format_code(code: str) -> str:
    """Grouped for reading aloud and typing: ``K7Q2-M9XD-3F``."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def normalise_code(text: str) -> str | None:
    """A code as typed (any case, with or without dashes and spaces, O for 0 …) or as read
    from the QR code, or None."""
    text = text.strip()
    if text.lower().startswith(QR_PREFIX):  # read from the sheet's QR code
        text = text[len(QR_PREFIX):]
    cleaned = "".join(c for c in text.upper() if c not in " -_\t")
    cleaned = "".join(_READ_AS.get(c, c) for c in cleaned)
    if len(cleaned) != CODE_LENGTH or any(c not in ALPHABET for c in cleaned):
        return None
    return cleaned


def issue(session: Session, sheet: Sheet) -> str:
    """Store the sheet's code and content; returns the code. Reissuing identical content
    returns the stored code without a new row."""
    session.require(Role.CLERK, Role.REVIEWER, Role.LEADER, Role.ADMIN)
    digest = sheet.content_hash()
    code = code_for_hash(digest)
    with database.atomic():
        existing = SheetCode.get_or_none(SheetCode.code == code)
        if existing is not None:
            if existing.content_hash != digest:  # 50 bits: not expected in any office's life
                raise DomainError(N_("Two different sheets got the same verification code; "
                                     "print the sheet again tomorrow."))
            return code
        items = [[s.entity, s.uuid, s.version, s.view, s.digest()] for s in sheet.items]
        records.create(
            session, SheetCode, code=code, kind=sheet.params.kind,
            campaign_uuid=sheet.params.campaign_uuid,
            params=audit.canonical(sheet.params.as_dict()), items=audit.canonical(items),
            content_hash=digest, user_uuid=session.actor.uuid, user_name=session.name,
        )
    return code


@dataclass(frozen=True)
class ChangedItem:
    entity: str
    uuid: str
    name: str  # how a person recognises the record (a problem's code, a unit's name …)
    deleted: bool

    def message(self, language: str | None = None) -> str:
        entity = translate(ENTITY_LABELS.get(self.entity, self.entity), language)
        template = (N_("Deleted since the sheet was issued: {entity} {name}") if self.deleted
                    else N_("Changed since the sheet was issued: {entity} {name}"))
        return translate(template, language).format(entity=entity, name=self.name)


@dataclass
class VerifyResult:
    status: str  # "ok" | "changed" | "unknown"
    code: str
    kind: str = ""
    campaign: str = ""
    issued_at: dt.datetime | None = None
    issued_by: str = ""
    changed: list[ChangedItem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def message(self, language: str | None = None, limit: int = 20) -> str:
        """The outcome for a person, listing at most ``limit`` changed records."""
        shown = format_code(self.code) if len(self.code) == CODE_LENGTH else self.code
        if self.status == "unknown":
            return translate(N_("Unknown verification code {code}: no sheet with this code was "
                                "issued from this database."), language).format(code=shown)
        params = {
            "code": shown,
            "sheet": translate(SHEET_TITLES[SheetKind(self.kind)], language),
            "campaign": self.campaign,
            "time": self.issued_at.strftime("%Y-%m-%d %H:%M") if self.issued_at else "?",
            "user": self.issued_by,
            "count": len(self.changed),
        }
        if self.ok:
            template = N_("Verification code {code} matches the records: {sheet} of "
                          "{campaign}, issued {time} by {user}.")
        else:
            template = N_("Verification code {code} no longer matches the records: {sheet} of "
                          "{campaign}, issued {time} by {user}; {count} record(s) changed since.")
        lines = [translate(template, language).format(**params)]
        lines += [item.message(language) for item in self.changed[:limit]]
        if len(self.changed) > limit:
            lines.append(translate(N_("… and {count} more."), language)
                         .format(count=len(self.changed) - limit))
        return "\n".join(lines)


def _name(entity: str, fields: dict | None, uuid: str) -> str:
    if not fields:
        return uuid
    if entity == "problem":
        text = fields.get("description", "")
        short = text if len(text) <= 24 else text[:24] + "…"
        return f"{fields['code']} {short}".strip() if fields.get("code") else short
    if entity == "measure":
        text = fields.get("text", "")
        return text if len(text) <= 24 else text[:24] + "…"
    for key in ("name", "filename", "user_name"):
        if fields.get(key):
            return str(fields[key])
    return uuid


def verify_code(code: str) -> VerifyResult:
    """Does the sheet with this code still show what the records hold?"""
    normal = normalise_code(code)
    row = SheetCode.get_or_none(SheetCode.code == normal) if normal else None
    if row is None:
        return VerifyResult("unknown", normal or code.strip())
    params = SheetParams.from_dict(json.loads(row.params))
    campaign = Campaign.get_or_none(Campaign.uuid == params.campaign_uuid)
    items = json.loads(row.items)
    result = VerifyResult("ok", row.code, kind=row.kind, issued_by=row.user_name,
                          campaign=campaign.name if campaign else "", issued_at=row.created_at)
    if campaign is None:
        result.status = "changed"
        result.changed.append(ChangedItem("campaign", params.campaign_uuid,
                                          params.campaign_uuid, True))
        return result
    ctx = ViewContext.make(campaign, params.as_of)
    groups: dict[tuple[str, str], list[str]] = {}
    for entity, uuid, _version, view, _digest in items:
        groups.setdefault((entity, view), []).append(uuid)
    current: dict[tuple[str, str, str], Shown] = {}
    for (entity, view), uuids in groups.items():
        for uuid, (version, fields) in read_view(entity, view, uuids, ctx).items():
            current[(entity, view, uuid)] = Shown(entity, uuid, version, view, fields)
    digests = []
    for entity, uuid, _version, view, digest in items:
        now = current.get((entity, view, uuid))
        now_digest = now.digest() if now else ""
        digests.append((entity, uuid, view, now_digest))
        if now_digest != digest:
            result.changed.append(ChangedItem(entity, uuid, _name(entity, now and now.fields,
                                                                  uuid), now is None))
    if result.changed or content_hash(params, digests) != row.content_hash:
        result.status = "changed"
    return result
