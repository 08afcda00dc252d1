"""Maintain the translation catalogs: find every translatable string in the code, add the
missing ones to each ``.po`` (untranslated, for a translator), and compile ``.mo`` files for
frozen builds. ``python -m desktop.i18n_tools update|compile|check``.

A string is translatable when it is the first argument of ``_()``, ``N_()`` or Qt's ``tr()``.
"""

from __future__ import annotations

import ast
import struct
import sys
from pathlib import Path

from desktop.core import i18n, paths

MARKERS = {"_", "N_", "tr", "translate"}
PACKAGE = Path(__file__).resolve().parent


def extract_messages(root: Path = PACKAGE) -> dict[str, list[str]]:
    """msgid → places it appears ("file:line")."""
    found: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            first = node.args[0]
            if name in MARKERS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                where = f"{path.relative_to(root.parent).as_posix()}:{node.lineno}"
                found.setdefault(first.value, []).append(where)
    return found


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def update_po(language: str) -> list[str]:
    """Append entries for msgids the catalog lacks; returns them."""
    po = i18n.po_path(language)
    text = po.read_text(encoding="utf-8") if po.exists() else ""
    known = set(i18n.parse_po(text)) | _all_msgids(text)
    missing = [m for m in extract_messages() if m not in known]
    if missing:
        with po.open("a", encoding="utf-8") as fh:
            for msgid in missing:
                fh.write(f"\nmsgid {_quote(msgid)}\nmsgstr \"\"\n")
    return missing


def _all_msgids(text: str) -> set[str]:
    ids = set()
    for line in text.splitlines():
        if line.startswith("msgid "):
            ids.add(ast.literal_eval(line[6:]))
    return ids


def untranslated(language: str) -> list[str]:
    catalog = i18n.parse_po(i18n.po_path(language).read_text(encoding="utf-8"))
    return [m for m in extract_messages() if not catalog.get(m)]


def compile_mo(language: str) -> Path:
    """Write the GNU .mo beside the .po (the format gettext reads)."""
    catalog = i18n.parse_po(i18n.po_path(language).read_text(encoding="utf-8"))
    catalog[""] = "Content-Type: text/plain; charset=UTF-8\n"
    keys = sorted(catalog)
    ids = b"".join(k.encode() + b"\0" for k in keys)
    strs = b"".join(catalog[k].encode() + b"\0" for k in keys)
    count = len(keys)
    key_start = 7 * 4 + 16 * count
    value_start = key_start + len(ids)
    offsets, id_pos, str_pos = [], 0, 0
    for k in keys:
        kb, vb = k.encode(), catalog[k].encode()
        offsets.append((len(kb), key_start + id_pos, len(vb), value_start + str_pos))
        id_pos += len(kb) + 1
        str_pos += len(vb) + 1
    header = struct.pack("Iiiiiii", 0x950412DE, 0, count, 7 * 4, 7 * 4 + count * 8, 0, 0)
    table_ids = b"".join(struct.pack("ii", length, pos) for length, pos, _, _ in offsets)
    table_strs = b"".join(struct.pack("ii", length, pos) for _, _, length, pos in offsets)
    mo = i18n.po_path(language).with_suffix(".mo")
    mo.write_bytes(header + table_ids + table_strs + ids + strs)
    return mo


def main(argv: list[str] | None = None) -> int:
    command = (argv or sys.argv[1:] or ["check"])[0]
    languages = [lang for lang in i18n.LANGUAGES if lang != "en"]
    if command == "update":
        for lang in languages:
            for msgid in update_po(lang):
                print(f"{lang}: new {msgid!r}")
    elif command == "compile":
        for lang in languages:
            print(compile_mo(lang))
    elif command == "check":
        missing = {lang: untranslated(lang) for lang in languages}
        for lang, ids in missing.items():
            for msgid in ids:
                print(f"{lang}: untranslated {msgid!r}")
        return 1 if any(missing.values()) else 0
    else:
        print(f"unknown command {command!r}; use update, compile or check", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    assert paths.resources_dir().exists()
    raise SystemExit(main())
