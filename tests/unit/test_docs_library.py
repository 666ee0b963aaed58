"""docs/library.md keeps its promises: the newcomer's example runs as printed (the README shows the
same one), its reference names exactly `pocketchain.__all__`, and `make docs` renders every name."""

import re
import subprocess
import sys
from pathlib import Path

import pocketchain

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "docs" / "library.md"


def first_example(path: Path, after: str) -> str:
    match = re.search(rf"{re.escape(after)}.*?```python\n(.*?)```", path.read_text(), re.S)
    assert match, f"no Python example after {after!r} in {path.name}"
    return match.group(1)


def test_the_newcomers_example_runs_in_under_fifteen_lines(tmp_path: Path) -> None:
    code = first_example(LIBRARY, "## A ledger in ten lines")
    assert len(code.strip().splitlines()) <= 15
    assert first_example(ROOT / "README.md", "## Use it from Python") == code
    run = [sys.executable, "-c", code]
    done = subprocess.run(
        run, check=False, capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "250000000 True\n"
    assert list(tmp_path.iterdir()) == []  # a throwaway node leaves nothing behind


def test_the_reference_names_exactly_the_public_api() -> None:
    reference = LIBRARY.read_text().split("## Reference", 1)[1]
    named = set(re.findall(r"`(\w+)`", reference)) - {"make", "docs"}
    assert named == set(pocketchain.__all__)


def test_make_docs_renders_every_public_name(tmp_path: Path) -> None:
    build = [sys.executable, str(ROOT / "scripts" / "docs.py"), str(tmp_path)]  # as `make docs`
    subprocess.run(build, check=True, capture_output=True, timeout=120)
    page = (tmp_path / "pocketchain.html").read_text()
    missing = [name for name in pocketchain.__all__ if f'id="{name}"' not in page]
    assert not missing
    for method in ("status", "mine", "proof", "events", "submit"):  # the front door, in full
        assert f'id="Node.{method}"' in page and f'id="Client.{method}"' in page
    assert "the best-paying first" in page  # Node.mine's docstring
    assert 'id="Node.accept_block"' not in page  # the writer's own methods are not the API
    fields = re.findall(r'<span class="annotation">(.*?)</span>', page, re.S)
    assert fields and not [f for f in fields if "FieldInfo" in f or "Annotated" in f]
    assert "(highest fee rate first)" in page  # a field's description, beside its plain type
