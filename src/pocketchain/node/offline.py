"""Work on a stopped node's chain: re-validating it from genesis (`pocketchain chain verify`)."""

from collections.abc import Callable
from pathlib import Path

from ..chain.open import open_store
from ..chain.verify import VerifyResult, verify_chain
from ..consensus.errors import PocketchainError
from ..consensus.params import ChainParams


def verify_stored_chain(
    params: ChainParams,
    data_dir: Path,
    db: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> VerifyResult:
    """Open the chain a node keeps in `data_dir` (or in `db`) and check every block again;
    VerifyError names the first bad one. StoreInUseError while a node runs on it."""
    if db is None and not (data_dir / params.name / "chain.db").exists():
        raise PocketchainError(f"no {params.name} chain in {data_dir}")
    store = open_store(db, data_dir / params.name)
    try:
        return verify_chain(store, params, progress)
    finally:
        store.close()
