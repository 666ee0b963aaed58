"""The wallet's one error: a mistake the user can fix, told in one line."""

from pocketchain.consensus.errors import PocketchainError


class WalletError(PocketchainError):
    """A user error (bad amount, wrong passphrase, missing wallet file...).

    The message is one clear line: the CLI prints `error: <message>` and exits 1.
    """
