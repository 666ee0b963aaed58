"""The installed `pocketchain` command."""

import subprocess
import sys
from pathlib import Path

import pytest

from pocketchain import __version__
from pocketchain.mining.search import KERNEL

VERSION = f"pocketchain {__version__} (mining: {KERNEL})"


def test_version_from_the_console_script() -> None:
    exe = Path(sys.executable).parent / "pocketchain"  # installed beside this interpreter
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    assert out.returncode == 0
    assert out.stdout.strip() == VERSION


def test_python_dash_m_entry() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "pocketchain", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0
    assert out.stdout.strip() == VERSION


def test_unknown_option_is_one_clear_error() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "pocketchain", "--frobnicate"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode != 0
    assert "No such option" in out.stderr
    assert "Traceback" not in out.stderr


def test_devnet_help_names_its_options() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "pocketchain", "devnet", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0
    for option in ("--nodes", "--port", "--data-dir", "--no-mine"):
        assert option in out.stdout


def test_devnet_rejects_ports_past_65535_before_starting_anything(tmp_path: Path) -> None:
    args = [sys.executable, "-m", "pocketchain", "devnet", "--port", "65534", "--nodes", "3"]
    out = subprocess.run(
        [*args, "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 2
    assert "65535" in out.stderr
    assert "Traceback" not in out.stderr
    assert list(tmp_path.iterdir()) == []


def refused_node(*args: str) -> list[str]:
    """The stderr lines of `pocketchain node ARGS`, which must exit 1 (a user error)."""
    out = subprocess.run(
        [sys.executable, "-m", "pocketchain", "node", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert out.returncode == 1
    return out.stderr.strip().splitlines()


def test_listening_everywhere_needs_a_public_url(tmp_path: Path) -> None:
    lines = refused_node("--host", "0.0.0.0", "--network", "regtest", "--data-dir", str(tmp_path))
    assert lines == [
        "error: --host 0.0.0.0 listens on every address: say where peers reach this node"
        " with --public-url http://HOST:PORT"
    ]
    assert not (tmp_path / "regtest").exists()  # refused before anything was written


def test_a_trusted_proxy_is_an_address(tmp_path: Path) -> None:
    lines = refused_node("--trusted-proxy", "proxy.example", "--data-dir", str(tmp_path))
    assert lines == ["error: --trusted-proxy 'proxy.example' is not an IP address or network"]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ("--peer", "ftp://x:1"),
            "error: --peer 'ftp://x:1' is not a peer's base URL (http://host:port)",
        ),
        (
            ("--seed", "http://h:1/x"),
            "error: --seed 'http://h:1/x' has a path: a peer's URL is http://host:port",
        ),
        (("--forbid", "nonsense"), "error: --forbid 'nonsense' is not an IP range (CIDR)"),
    ],
)
def test_peer_flags_are_checked_before_anything_starts(
    tmp_path: Path, args: tuple[str, str], line: str
) -> None:
    assert refused_node(*args, "--data-dir", str(tmp_path)) == [line]
    assert list(tmp_path.iterdir()) == []


def test_the_demo_counts_as_a_person_would() -> None:
    from pocketchain.cli.demo import _count

    assert [_count(n, "post") for n in (0, 1, 2)] == ["0 posts", "1 post", "2 posts"]
