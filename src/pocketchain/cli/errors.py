"""User errors: one clear line on stderr and exit code 1, never a traceback."""

from ..consensus.errors import PocketchainError


class UserError(PocketchainError):
    pass
