"""The docs stay honest: every reject code the code can answer with is documented, every code
the docs name exists, and every relative link in the README and docs/ leads somewhere.

The codes are collected from the source with `ast`: the first argument of `RejectError(...)`
(and the code a `RejectError` subclass passes to `super().__init__`), the second of `ApiError`,
`PeerError` and `error_response`, and the framework errors' codes in `api/errors.py`.
"""

import ast
import json
import re
from pathlib import Path

import pocketchain

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "pocketchain"
CONSENSUS_MD = ROOT / "docs" / "consensus.md"
README = ROOT / "README.md"

CODE_ARGUMENT = {"RejectError": 0, "ApiError": 1, "PeerError": 1, "error_response": 1}
CODE_TABLES = {"_HTTP_CODES"}  # dicts whose values are codes (status -> code)
CODE = re.compile(r"`([a-z0-9]+(?:-[a-z0-9]+)*)`")


def _sources() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(), str(path))) for path in sorted(SRC.rglob("*.py"))]


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _string(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _reject_subclasses(tree: ast.Module) -> list[ast.ClassDef]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and any(_name(b) == "RejectError" for b in node.bases)
    ]


def raised_codes() -> dict[str, set[str]]:
    """Every error code the source can answer with, and where (file:line)."""
    found: dict[str, set[str]] = {}

    def add(code: str | None, path: Path, node: ast.AST) -> None:
        if code is not None:
            where = f"{path.relative_to(SRC)}:{getattr(node, 'lineno', 0)}"
            found.setdefault(code, set()).add(where)

    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                position = CODE_ARGUMENT.get(_name(node.func) or "")
                if position is not None and len(node.args) > position:
                    add(_string(node.args[position]), path, node)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(_name(t) in CODE_TABLES for t in targets) and isinstance(
                    node.value, ast.Dict
                ):
                    for value in node.value.values:
                        add(_string(value), path, node)
        for cls in _reject_subclasses(tree):  # e.g. DecodeError -> "decode-failed"
            for node in ast.walk(cls):
                if (
                    isinstance(node, ast.Call)
                    and _name(node.func) == "__init__"
                    and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Call)
                    and _name(node.func.value.func) == "super"
                    and node.args
                ):
                    add(_string(node.args[0]), path, node)
    return found


def string_literals() -> set[str]:
    """Every string constant in the source."""
    return {
        node.value
        for _, tree in _sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def table_codes(path: Path) -> set[str]:
    """The backticked codes in the first column of every Markdown table whose first heading is
    `code`."""
    codes: set[str] = set()
    in_code_table = False
    previous_was_table = False
    for line in path.read_text().splitlines():
        if not line.startswith("|"):
            previous_was_table = False
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not previous_was_table:  # a table's heading row
            in_code_table = cells[0].lower() == "code"
        elif in_code_table and not set(cells[0]) <= set("-: "):
            codes.update(CODE.findall(cells[0]))
        previous_was_table = True
    return codes


def test_the_collector_finds_codes_of_every_kind() -> None:
    codes = raised_codes()
    for code in (
        "bad-txnmrklroot",  # RejectError
        "decode-failed",  # DecodeError's super().__init__
        "not-found",  # ApiError
        "bad-genesis",  # PeerError
        "internal-error",  # error_response
        "method-not-allowed",  # _HTTP_CODES
        "txn-mempool-conflict",  # mempool
        "bad-index",  # chain verify
    ):
        assert code in codes, code


def test_every_code_the_source_raises_is_in_a_table_of_consensus_md() -> None:
    documented = table_codes(CONSENSUS_MD)
    missing = {code: sorted(where) for code, where in raised_codes().items()}
    missing = {code: where for code, where in missing.items() if code not in documented}
    assert not missing, f"add these codes to a `code` table of docs/consensus.md: {missing}"


def test_every_code_in_consensus_md_exists_in_the_source() -> None:
    documented = table_codes(CONSENSUS_MD)
    assert len(documented) > 60
    unknown = documented - string_literals()
    assert not unknown, f"docs/consensus.md names codes the source never uses: {sorted(unknown)}"


def test_the_readme_reject_code_table_agrees_with_the_source() -> None:
    listed = table_codes(README)
    missing = sorted(set(raised_codes()) - listed)
    assert not missing, f"add these codes to the README's reject-code table: {missing}"
    unknown = sorted(listed - string_literals())
    assert not unknown, f"the README's reject-code table names unknown codes: {unknown}"


# -- links -----------------------------------------------------------------------------------

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.MULTILINE)


def _prose(text: str) -> str:
    """The text without code blocks and code spans, where brackets are not links."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def anchors(path: Path) -> set[str]:
    """The fragment ids GitHub gives the headings of a Markdown file."""
    seen: dict[str, int] = {}
    ids = set()
    for heading in HEADING.findall(FENCE.sub("", path.read_text())):
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text only
        slug = re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        ids.add(slug if count == 0 else f"{slug}-{count}")
    return ids


def _documents() -> list[Path]:
    return [README, *sorted((ROOT / "docs").glob("*.md"))]


def test_every_relative_link_resolves() -> None:
    broken = []
    for doc in _documents():
        for target in LINK.findall(_prose(doc.read_text())):
            if re.match(r"[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
                continue
            path_part, _, fragment = target.partition("#")
            linked = (doc.parent / path_part).resolve() if path_part else doc
            if not linked.exists():
                broken.append(f"{doc.relative_to(ROOT)}: {target} (no such file)")
            elif fragment and linked.suffix == ".md" and fragment not in anchors(linked):
                broken.append(f"{doc.relative_to(ROOT)}: {target} (no such heading)")
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_the_rules_the_api_quotes_are_the_tables_of_consensus_md() -> None:
    """POST /api/v1/blocks/check names the broken rule in docs/consensus.md's words: its copy
    (api/web/rules.json) is each code's first row."""
    rules: dict[str, str] = {}
    for line in CONSENSUS_MD.read_text().splitlines():
        row = re.match(r"^\| `([a-z0-9-]+)` \| (.+?) \|", line)
        if row:
            rules.setdefault(row[1], row[2].strip())
    shipped = Path(pocketchain.__file__).parent / "api" / "web" / "rules.json"
    assert json.loads(shipped.read_text()) == rules
