# PyInstaller runtime hook (runs first in the frozen app): a program started with no locale
# at all (env -i, some service managers, a bare X session) would have Qt warn on every start
# that it switched to C.UTF-8. Python itself reads and writes UTF-8 regardless; this only
# spares Qt the guess. An office PC's own locale (zh_CN.UTF-8) is never touched.
import os
import sys

if sys.platform.startswith("linux") and not any(
        os.environ.get(name) for name in ("LC_ALL", "LC_CTYPE", "LANG")):
    os.environ["LC_CTYPE"] = "C.UTF-8"
