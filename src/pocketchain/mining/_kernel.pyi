"""The native nonce search (_kernel.c), built only where a C compiler was there at install."""

KERNEL: str  # "SHA-NI" or "portable"

def search_nonce(header76: bytes, target: bytes, start: int, stop: int, /) -> int | None: ...
