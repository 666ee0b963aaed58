"""The runnable examples of examples/, each run as a user runs it: they assert what they show."""

import subprocess
import sys
from pathlib import Path

import pytest
from framework import TestNode

EXAMPLES = Path(__file__).parents[2] / "examples"
RUN_TIMEOUT = 240


def run(name: str, *args: str) -> str:
    out = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


@pytest.mark.parametrize("name", ["pocket_blockchain.py", "audit_log.py", "partition.py"])
def test_example_runs(name: str, tmp_path: Path) -> None:
    printed = run(name, str(tmp_path))
    assert printed.strip()


def test_the_example_list_is_complete() -> None:
    shown = {p.name for p in EXAMPLES.glob("*.py")}
    assert shown == {"pocket_blockchain.py", "audit_log.py", "partition.py", "follow_events.py"}


def test_follow_events_of_a_running_devnet(tmp_path: Path) -> None:
    node = TestNode(tmp_path / "devnet", "devnet", "--mine")
    node.start()
    try:
        printed = run("follow_events.py", "--url", node.url, "--blocks", "3")
        assert printed.count("new tip at") == 3, printed
        assert printed.startswith("devnet node at height")
    finally:
        node.kill()
