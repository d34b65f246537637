"""`make cluster` stops cleanly on Ctrl-C and on `make cluster-stop`, and leaves no
process behind: not the app servers' gunicorn workers, not nginx's worker, nothing."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.cluster

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = ROOT / "deploy" / "cluster.py"
STATE = ROOT / ".cluster" / "cluster.json"
PARTS = {"nginx", "app1", "app2", "worker1", "worker2", "mail"}


def processes_in_groups(groups: set[int]) -> dict[int, str]:
    """Every live process (pid: command) whose process group is one of ``groups``."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        state, pgid = fields[0], int(fields[2])
        if pgid in groups and state != "Z":
            found[int(entry.name)] = cmdline
    return found


def start() -> tuple[subprocess.Popen, dict[str, int], dict[int, str]]:
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, str(SCRIPT)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    deadline = time.monotonic() + 240
    for line in proc.stdout:
        lines.append(line)
        if "stops everything" in line:
            break
        assert time.monotonic() < deadline, "".join(lines)
    else:
        pytest.fail("the cluster did not start:\n" + "".join(lines))
    groups = json.loads(STATE.read_text())["groups"]
    assert set(groups) == PARTS
    running = processes_in_groups(set(groups.values()))
    # nginx's master and worker, each gunicorn's master and its two workers, ...
    assert len(running) >= len(PARTS) + 1 + 2 * 2, running
    return proc, groups, running


def assert_all_gone(proc, groups, running):
    out, _ = proc.communicate(timeout=90)
    assert proc.returncode == 0, out
    assert "no process left" in out
    assert processes_in_groups(set(groups.values())) == {}
    for pid in running:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text()
    assert not STATE.exists()


def test_ctrl_c_stops_everything():
    proc, groups, running = start()
    proc.send_signal(signal.SIGINT)
    assert_all_gone(proc, groups, running)


def test_cluster_stop_stops_everything():
    proc, groups, running = start()
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(SCRIPT), "stop"], cwd=ROOT, capture_output=True, text=True,
        timeout=120, check=True,
    )  # fmt: skip
    assert "Cluster stopped." in result.stdout
    assert_all_gone(proc, groups, running)


def test_a_killed_supervisor_takes_its_parts_with_it():
    """Even if the script itself is killed (SIGKILL, no chance to clean up), every part
    was started to receive SIGTERM when it dies, and stops."""
    proc, groups, running = start()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 60
    while processes_in_groups(set(groups.values())) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert processes_in_groups(set(groups.values())) == {}
    STATE.unlink(missing_ok=True)
