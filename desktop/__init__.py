"""Rectify (问题整改台账): offline rectification ledgers for grassroots offices."""

import ctypes
import sys

__version__ = "0.1.0"

# PySide6 6.12.0 returns None from every void method (setText, setPen, drawRect …) without
# taking a reference to it. On Python 3.12 and later None is immortal and nothing happens; on
# 3.11 (Debian 12, Kylin and UOS builds) None's reference count falls by one per call, and the
# process aborts with "none_dealloc" once it reaches zero: mid-session after enough painting,
# or at exit. Until PySide6 is fixed, the count is topped up once, as soon as any part of the
# app is imported; 2**40 calls would be needed to use it up.
NONE_TOP_UP = 1 << 40


def _keep_none_alive() -> None:
    if sys.version_info < (3, 12) and sys.implementation.name == "cpython":
        ctypes.c_ssize_t.from_address(id(None)).value += NONE_TOP_UP


_keep_none_alive()
