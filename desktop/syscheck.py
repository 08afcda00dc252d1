"""The Linux system libraries Qt needs and the app does not ship, checked before Qt is loaded.

A frozen Rectify carries Qt, but Qt itself links the PC's OpenGL (libGL, libEGL), fontconfig
and freetype (they must match the PC's drivers and font configuration), and the X11 window
needs the xcb libraries. When one is missing, Qt dies with a loader error or a bare "could not
load the Qt platform plugin" that nobody in an office can act on. This check names the missing
files and the packages that provide them, in Chinese and English, before that happens.

It imports no Qt (that is the point) and does nothing on Windows, where Qt needs only what
every Windows 10 PC has.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

STARTUP_REPORT = "startup-check.txt"  # written to the data folder when the window cannot start


@dataclass(frozen=True)
class Library:
    soname: str
    package: str  # Debian, Ubuntu, Kylin and UOS package
    purpose: str


# Always: QtGui links these, even for offscreen drawing (the self-test, printing charts).
BASE = (
    Library("libGL.so.1", "libgl1", "OpenGL (显卡驱动接口)"),
    Library("libEGL.so.1", "libegl1", "EGL (显卡驱动接口)"),
    Library("libfontconfig.so.1", "libfontconfig1", "fontconfig (字体配置)"),
    Library("libfreetype.so.6", "libfreetype6", "FreeType (字体渲染)"),
    Library("libxkbcommon.so.0", "libxkbcommon0", "xkbcommon (键盘布局)"),
    Library("libglib-2.0.so.0", "libglib2.0-0", "GLib"),
    Library("libdbus-1.so.3", "libdbus-1-3", "D-Bus"),
)
# For a window on X11 (Kylin and UOS desktops; Wayland desktops run it through XWayland).
WINDOW = (
    Library("libxcb.so.1", "libxcb1", "X11 (XCB)"),
    Library("libX11-xcb.so.1", "libx11-xcb1", "X11 (Xlib/XCB)"),
    Library("libxkbcommon-x11.so.0", "libxkbcommon-x11-0", "xkbcommon-x11"),
    Library("libxcb-cursor.so.0", "libxcb-cursor0", "XCB cursor"),
    Library("libxcb-icccm.so.4", "libxcb-icccm4", "XCB ICCCM"),
    Library("libxcb-keysyms.so.1", "libxcb-keysyms1", "XCB keysyms"),
    Library("libxcb-shape.so.0", "libxcb-shape0", "XCB shape"),
    Library("libxcb-render-util.so.0", "libxcb-render-util0", "XCB render-util"),
    Library("libxcb-image.so.0", "libxcb-image0", "XCB image"),
    Library("libxcb-randr.so.0", "libxcb-randr0", "XCB RandR"),
    Library("libxcb-xkb.so.1", "libxcb-xkb1", "XCB XKB"),
)
# Missing ones only cost a feature: reported, never fatal.
OPTIONAL = (Library("libcups.so.2", "libcups2", "CUPS (打印机 printers)"),)
# Platforms that draw into memory and need no window system.
HEADLESS = ("offscreen", "minimal")


def _load(soname: str) -> str | None:
    """None when the library loads (with its own dependencies), else the loader's reason."""
    try:
        ctypes.CDLL(soname)
    except OSError as error:
        return str(error)
    return None


@dataclass
class SysReport:
    checked: list[str] = field(default_factory=list)
    missing: list[tuple[Library, str]] = field(default_factory=list)  # library, reason
    optional_missing: list[Library] = field(default_factory=list)
    no_display: bool = False

    @property
    def ok(self) -> bool:
        return not self.missing and not self.no_display

    def summary(self) -> str:
        if not self.checked:
            return "nothing to check on this system"
        text = f"{len(self.checked)} libraries found"
        if self.optional_missing:
            text += "; missing, optional: " + ", ".join(
                f"{lib.soname} ({lib.purpose})" for lib in self.optional_missing)
        return text

    def message(self) -> str:
        """What the user or the administrator reads: the files, the packages, the command."""
        lines: list[str] = []
        if self.missing:
            packages = " ".join(dict.fromkeys(lib.package for lib, _why in self.missing))
            lines += [
                "问题整改台账无法启动：本机缺少以下系统组件。请联系系统管理员安装对应软件包后重试。",
                "Rectify cannot start: this PC lacks the system libraries below. Ask the "
                "administrator to install the packages named and try again.",
                "",
            ]
            lines += [f"  {lib.soname:<26} 软件包 package: {lib.package:<22} {lib.purpose}"
                      for lib, _why in self.missing]
            lines += ["", f"  sudo apt install {packages}", "",
                      "详细原因 / loader messages:"]
            lines += [f"  {why}" for _lib, why in self.missing]
        if self.no_display:
            lines += [
                "没有可用的图形界面（未设置 DISPLAY）。请在桌面环境中启动，或在命令行中使用子命令。",
                "No graphical display (DISPLAY is not set). Start Rectify from the desktop, or "
                "use its subcommands (rectify selftest, rectify export …) in a terminal.",
            ]
        return "\n".join(lines)


def check(window: bool, environ: dict[str, str] | None = None,
          load: Callable[[str], str | None] = _load,
          platform: str = sys.platform) -> SysReport:
    """``window``: a window is about to open (the X11 libraries and a display are needed,
    unless ``QT_QPA_PLATFORM`` names a headless platform)."""
    report = SysReport()
    if not platform.startswith("linux"):
        return report
    env = os.environ if environ is None else environ
    qpa = env.get("QT_QPA_PLATFORM", "").split(":")[0].strip()
    headless = qpa in HEADLESS
    wanted: Sequence[Library] = BASE + (WINDOW if window and not headless else ())
    for lib in wanted:
        reason = load(lib.soname)
        if reason is None:
            report.checked.append(lib.soname)
        else:
            report.missing.append((lib, reason))
    for lib in OPTIONAL:
        if load(lib.soname) is None:
            report.checked.append(lib.soname)
        else:
            report.optional_missing.append(lib)
    if window and not headless and not qpa.startswith("wayland"):
        report.no_display = not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY")
    return report


def require_for_window() -> None:
    """Before the window: stop with the message (on stderr and in the data folder, for a
    program started from a desktop icon, whose stderr nobody sees) when something is missing."""
    report = check(window=True)
    if report.ok:
        return
    text = report.message()
    print(text, file=sys.stderr)
    try:
        from desktop.core import paths

        folder = paths.data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / STARTUP_REPORT).write_text(text + "\n", encoding="utf-8")
    except OSError:
        pass
    raise SystemExit(3)
