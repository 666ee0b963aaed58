"""`make docs`: the API reference of `pocketchain.__all__`, rendered from the docstrings by pdoc.

The result types describe their fields for the HTTP API's schema (`Annotated[int, Field(...)]`);
the reference shows each field's plain type with those descriptions, not the metadata's repr.
Usage: python scripts/docs.py OUTPUT_DIRECTORY
"""

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pdoc
import pdoc.render

import pocketchain

TEMPLATES = Path(__file__).resolve().parent.parent / "docs" / "pdoc"
DESCRIPTION = re.compile(r"description='((?:[^'\\]|\\.)*)'")
ANNOTATED = re.compile(r"(?:typing\.)?Annotated\[")


def _outside_quotes(text: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """(index, character, bracket depth after it) of each character of `text` from `start`
    that is not inside a quoted string."""
    depth, quote = 0, ""
    for i in range(start, len(text)):
        char = text[i]
        if quote:
            quote = "" if char == quote and text[i - 1] != "\\" else quote
            continue
        if char in "'\"":
            quote = char
        depth += (char in "[(") - (char in "])")
        yield i, char, depth


def _closing(text: str, start: int) -> int:
    """The index of the bracket that closes the one open before `start`."""
    return next(i for i, _, depth in _outside_quotes(text, start) if depth == -1)


def _top_level_comma(text: str) -> int:
    """The index of the first comma outside brackets and quotes, or -1."""
    return next((i for i, char, depth in _outside_quotes(text) if char == "," and not depth), -1)


def plain_type(annotation: str) -> str:
    """`Annotated[X, metadata...]` as X, wherever it appears."""
    while match := ANNOTATED.search(annotation):
        end = _closing(annotation, match.end())
        inner = annotation[match.end() : end]
        comma = _top_level_comma(inner)
        kept = inner if comma < 0 else inner[:comma]
        annotation = annotation[: match.start()] + kept + annotation[end + 1 :]
    return annotation.replace("typing.", "")


def field_notes(annotation: str) -> str:
    """The descriptions in a field's metadata, the outermost first."""
    found = [m.group(1).replace("\\'", "'") for m in DESCRIPTION.finditer(annotation)]
    return "; ".join(dict.fromkeys(reversed(found)))


def main(output: str) -> None:
    for name in pocketchain.__all__:
        getattr(pocketchain, name)  # load the lazily imported names, so pdoc sees them all
    pdoc.render.configure(template_directory=TEMPLATES)
    pdoc.render.env.filters["plain_type"] = plain_type
    pdoc.render.env.filters["field_notes"] = field_notes
    pdoc.pdoc("pocketchain", output_directory=Path(output))


if __name__ == "__main__":
    main(*sys.argv[1:2] or ["build/docs"])
