"""The exception tree: one root, and a rule violation that carries a stable reject code."""


class PocketchainError(Exception):
    """Root of every error pocketchain raises on purpose."""


class RejectError(PocketchainError):
    """A transaction, block or input broke a rule.

    `code` is stable (Bitcoin Core's reject reason where one exists, e.g. `bad-txnmrklroot`);
    callers and tests match on it, never on the message.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class DecodeError(RejectError):
    """Bytes that are not a canonical serialization of the expected object."""

    def __init__(self, message: str) -> None:
        super().__init__("decode-failed", message)


class NotFound(PocketchainError, LookupError):  # noqa: N818 (CONTRACT section 7's name)
    """An unknown block, transaction, height, address page or peer."""


class ApiError(PocketchainError):
    """A refusal with an HTTP status and a stable code: the API's own (a missing token, a wrong
    media type, a rate limit...), or any a `Client` hears from a node that is not a rule's
    RejectError or a NotFound."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class DiskFullError(PocketchainError):
    """The database had no room for a change (SQLite: SQLITE_FULL; PostgreSQL: SQLSTATE 53100):
    the whole transaction was rolled back, nothing of it was written."""

    code = "disk-full"
