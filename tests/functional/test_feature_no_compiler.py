"""feature_no_compiler: `pip install .` where no C compiler works (CC=false) still installs
pocketchain, without the native nonce search, and it mines with the Python one."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["src", "pyproject.toml", "setup.py", "README.md"]
CHECK = """
from dataclasses import replace
from pocketchain.consensus.params import REGTEST
from pocketchain.mining.search import KERNEL, solve
header = replace(REGTEST.genesis.header, bits=0x1F00FFFF, nonce=0)
print(KERNEL, solve(header) is not None)
"""


def test_pip_install_without_a_compiler_mines_in_python(tmp_path: Path) -> None:
    source = tmp_path / "source"  # a copy: the build writes into the tree it builds
    source.mkdir()
    for name in SOURCES:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(ROOT / name, source / name)
    for built in (source / "src").rglob("*.so"):
        built.unlink()
    target = tmp_path / "site"
    env = os.environ | {"CC": "false"}
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            target,
            source,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=240,
    )
    assert install.returncode == 0, install.stderr
    mining = target / "pocketchain" / "mining"
    assert (mining / "search.py").exists() and not list(mining.glob("_kernel*.so"))
    run = subprocess.run(
        [sys.executable, "-c", CHECK],
        env=os.environ | {"PYTHONPATH": str(target)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.split() == ["Python", "True"]
