"""Rectify (问题整改台账): offline rectification ledgers for grassroots offices."""

import ctypes
import sys

__version__ = "0.1.0"

# PySide6 6.12.0 returns None from every void method (setText, setPen, drawRect …) without
# taking a reference to it, and somewhere drops references to True and False the same way. On
# Python 3.12 and later these objects are immortal and nothing happens; on 3.11 (Debian 12,
# Kylin and UOS builds) their reference counts fall by one per call, and the process aborts
# ("none_dealloc", "bool_dealloc") once one reaches zero: mid-session after enough painting, or
# at exit. Until PySide6 is fixed, the counts are topped up once, as soon as any part of the
# app is imported; 2**40 calls would be needed to use them up.
NONE_TOP_UP = 1 << 40


def _keep_none_alive() -> None:
    if sys.version_info < (3, 12) and sys.implementation.name == "cpython":
        for singleton in (None, True, False):
            ctypes.c_ssize_t.from_address(id(singleton)).value += NONE_TOP_UP


_keep_none_alive()
