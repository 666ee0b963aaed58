"""faults_disk: a node whose disk fills up.

Its data directory is on a small tmpfs (mounted here, so the test needs root; it is skipped,
saying why, where mounting is not allowed). Once a filler file takes the last free byte, blocks
mined or submitted are refused with 507 `disk-full` and one log line each, no traceback, while
the node goes on answering reads. Deleting the filler is enough: it takes blocks again, and
`chain verify` finds nothing broken.
"""

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from faults import valid_block
from framework import NodeError, TestNode

pytestmark = pytest.mark.faults

DISK_SIZE = "32m"
MIB = 1024 * 1024
ATTEMPTS = 20  # blocks tried on a full disk before one must be refused


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A fresh 32 MiB tmpfs, unmounted at the end."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs for the data directory needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_SIZE}", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip() or made.returncode}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "--lazy", str(mount)], capture_output=True, check=False)


def fill(path: Path) -> None:
    """Write to `path` until the file system has no room left, in ever smaller pieces."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (MIB, 4096, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc
    finally:
        os.close(fd)


def test_a_full_disk_refuses_blocks_serves_reads_and_recovers(small_disk, tmp_path) -> None:
    node = TestNode(small_disk / "node")
    node.log = tmp_path / "node.log"  # the log goes on another disk
    node.start()
    try:
        node.mine(5)
        filler = small_disk / "filler"
        fill(filler)

        refusals = []
        for _ in range(ATTEMPTS):  # (a commit may still fit in room the database had)
            try:
                node.mine(1)
            except NodeError as exc:
                refusals.append(exc)
                break
        assert refusals, f"{ATTEMPTS} blocks were stored on a full disk"
        assert (refusals[0].status, refusals[0].code) == (507, "disk-full")
        height = node.height()
        tip = node.api("GET", f"/blocks/{node.tip()}")
        block = valid_block(tip)  # a block from outside is refused the same way
        answer = node.http.post("/api/v1/blocks", json={"hex": block})
        assert answer.status_code == 507 and answer.json()["error"]["code"] == "disk-full"
        with pytest.raises(NodeError) as mined:
            node.mine(1)
        assert mined.value.status == 507

        # reads go on
        assert node.status()["height"] == height
        assert node.api("GET", f"/blocks/height/{height}")["hash"] == tip["hash"]
        assert [t["status"] for t in node.api("GET", "/tips")] == ["active"]
        assert len(node.api("GET", "/blocks", params={"limit": 5})["blocks"]) == 5

        lines = node.log.read_text(errors="replace").splitlines()
        full = [line for line in lines if "disk full" in line]
        # one line for the first refusal; the two that followed within a minute are counted
        # with the next line after that minute, not written (cli/logs.py)
        assert len(full) == 1, full
        assert not any("Traceback" in line for line in lines)

        filler.unlink()  # room again
        assert node.submit_block(block)["status"] == "accepted"
        node.mine(2)
        assert node.height() == height + 3
        final = node.tip()
        assert node.stop() == 0
    finally:
        node.kill()  # (when the test failed before the stop)
    verify = node.verify("--json")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert final in verify.stdout
