"""Chinese fonts for the printed sheets, always embedded in the PDF.

A sheet is signed, stamped and filed; it must print the same on the office's old printer and on
the higher office's PC, so every glyph travels inside the file. Reportlab's built-in CID font
(STSong-Light) is never used: it is only a reference the reader has to resolve, and Chinese
characters come out as boxes wherever that font is missing.

Official documents are set in 仿宋 (body), 小标宋 or 宋体 (titles) and 黑体 (headings).
Windows PCs and most Kylin/UOS installs carry these as TrueType files; when one is found and
reportlab can embed it (TrueType outlines, embedding allowed, Chinese glyphs present) it is used.
Otherwise the bundled WenQuanYi Micro Hei (Apache-2.0, see resources/fonts) stands in for all
roles, so a sheet always renders.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from desktop.core import paths

BUNDLED_FILE = "wqy-microhei.ttc"
# characters every candidate must have: a font without them would print boxes
PROBE_TEXT = "问题整改清单销号审批（盖章）：，"
PAGE_NUMBER_TEXT = "— 0123456789"  # "— 1 —": the page number needs the em dash as well

# file names as Windows and the usual Linux packages of Windows fonts spell them, best first
CANDIDATES: dict[str, tuple[str, ...]] = {
    "title": ("方正小标宋简体.ttf", "FZXBSJW.TTF", "STZHONGS.TTF", "simsun.ttc", "STSONG.TTF"),
    "heading": ("simhei.ttf", "STHEITI.TTF", "方正黑体简体.ttf", "FZHTJW.TTF"),
    "body": ("仿宋_GB2312.ttf", "simfang.ttf", "STFANGSO.TTF", "simsun.ttc", "STSONG.TTF"),
}
ROLES = tuple(CANDIDATES)


@dataclass(frozen=True)
class FontSet:
    """Registered reportlab font names for each role, and the files they came from."""

    title: str
    heading: str
    body: str
    footer: str  # page numbers: the body font when it has the em dash, else the bundled one
    files: dict[str, Path] = field(default_factory=dict, compare=False)

    @property
    def names(self) -> set[str]:
        return {self.title, self.heading, self.body, self.footer}


def bundled_font() -> Path:
    return paths.resources_dir() / "fonts" / BUNDLED_FILE


def system_font_dirs() -> list[Path]:
    """Where the PC keeps its fonts: the Windows fonts folders, or fontconfig's usual ones."""
    if sys.platform == "win32":
        found = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
        local = os.environ.get("LOCALAPPDATA")
        if local:
            found.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
        return found
    home = Path.home()
    return [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
            home / ".local" / "share" / "fonts", home / ".fonts"]


def _index_files(dirs: Iterable[Path]) -> dict[str, Path]:
    """Lower-cased file name → first path found (Windows names vary in case)."""
    found: dict[str, Path] = {}
    for root in dirs:
        if not root.is_dir():
            continue
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                found.setdefault(name.lower(), Path(dirpath) / name)
    return found


_loaded: dict[tuple[str, int], str | None] = {}  # (path, subfont) → registered name or None
_glyphs: dict[str, dict[int, int]] = {}  # registered name → its character map


def _register(path: Path, subfont: int = 0) -> str | None:
    """Register one font file; None when reportlab cannot embed it or it lacks Chinese."""
    key = (str(path), subfont)
    if key not in _loaded:
        name = f"Rectify-{path.stem}-{subfont}"
        try:
            font = TTFont(name, str(path), subfontIndex=subfont)
        except (TTFError, OSError, ValueError, KeyError, IndexError):
            _loaded[key] = None
            return None
        glyphs = font.face.charToGlyph
        if not all(ord(c) in glyphs for c in PROBE_TEXT):
            _loaded[key] = None
            return None
        pdfmetrics.registerFont(font)
        _loaded[key] = name
        _glyphs[name] = glyphs
    return _loaded[key]


_sets: dict[tuple[str, ...], FontSet] = {}


def sheet_fonts(search_dirs: Sequence[Path] | None = None) -> FontSet:
    """The fonts for the sheets, registered with reportlab (once per set of folders).
    ``search_dirs``: where to look for the PC's fonts (default: the system's folders; an
    empty list means the bundled font only)."""
    dirs = list(system_font_dirs() if search_dirs is None else search_dirs)
    key = tuple(str(d) for d in dirs)
    if key in _sets:
        return _sets[key]
    bundled = bundled_font()
    fallback = _register(bundled)
    if fallback is None:
        raise FileNotFoundError(f"the bundled font is missing or unreadable: {bundled}")
    available = _index_files(dirs)
    chosen: dict[str, str] = {}
    files: dict[str, Path] = {}
    for role, names in CANDIDATES.items():
        chosen[role], files[role] = fallback, bundled
        for candidate in names:
            path = available.get(candidate.lower())
            registered = _register(path) if path is not None else None
            if registered is not None:
                chosen[role], files[role] = registered, path
                break
    body_map = _glyphs[chosen["body"]]
    footer = (chosen["body"] if all(ord(c) in body_map for c in PAGE_NUMBER_TEXT)
              else fallback)
    fonts = FontSet(title=chosen["title"], heading=chosen["heading"], body=chosen["body"],
                    footer=footer, files=files)
    _sets[key] = fonts
    return fonts
