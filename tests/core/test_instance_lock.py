"""One writer per database: a second program is refused with the holder's name; a lock left
by a killed program is recognised and cleared."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from desktop.core import instance_lock
from desktop.core.instance_lock import DatabaseInUse

ROOT = Path(__file__).resolve().parents[2]
HOLDER = textwrap.dedent("""
    import sys, time
    from desktop.core import instance_lock
    lock = instance_lock.acquire(sys.argv[1], program="rectify demo")
    print("held", flush=True)
    time.sleep(60)
""")


@pytest.fixture
def holder(tmp_path):
    """Another process holding the lock of tmp_path/rectify.db."""
    target = tmp_path / "rectify.db"
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(target)], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "held"
    yield target, process
    if process.poll() is None:
        process.kill()
    process.wait(10)
    process.stdout.close()


def test_a_second_program_is_refused_with_the_holders_pid(holder):
    target, process = holder
    with pytest.raises(DatabaseInUse) as refused:
        instance_lock.acquire(target)
    message = refused.value.message("en")
    assert f"process {process.pid}" in message
    assert "rectify demo" in message and str(target) in message
    assert str(process.pid) in refused.value.message("zh_CN")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_killed_holders_lock_is_cleared_on_the_next_start(holder):
    target, process = holder
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    left = json.loads(instance_lock.lock_path(target).read_text(encoding="utf-8"))
    assert left["pid"] == process.pid  # the file still names the dead process
    with instance_lock.acquire(target) as lock:
        assert lock.stale is not None and lock.stale.pid == process.pid
        mine = json.loads(instance_lock.lock_path(target).read_text(encoding="utf-8"))
        assert mine["pid"] == os.getpid()


def test_release_lets_the_next_one_in_and_leaves_no_name(tmp_path):
    target = tmp_path / "rectify.db"
    first = instance_lock.acquire(target, program="rectify")
    assert first.stale is None
    with pytest.raises(DatabaseInUse):  # a second handle, even in the same process
        instance_lock.acquire(target)
    first.release()
    assert instance_lock.lock_path(target).read_text(encoding="utf-8") == ""
    with instance_lock.acquire(target) as second:
        assert second.stale is None and second.held
    assert not second.held
