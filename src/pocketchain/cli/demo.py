"""`pocketchain devnet --demo`: a few wallets that pay each other and post, so the chain lives.

The demo wallets are ordinary wallets (wallet.wallet.Wallet) kept in memory, made from fresh
recovery words on every run; demo.log records their names, addresses and words. Each talks to
one node, like a user's CLI wallet would: it signs here and hands the node only signed
transactions (wallet.send). A wallet without coins asks its node's faucet, which can pay once
the node's first coinbases have matured (20 blocks on devnet); until then it answers
`faucet-empty` and the wallet asks again a little later.

Every few seconds a wallet picked at random pays another a small random amount or posts a
short text. A refusal (no coins yet, coins still unconfirmed, a busy node, a rate limit) only
skips a turn: the line in demo.log says why; a wallet short of coins asks the faucet again.
The demo runs in a thread of the devnet's process, which stops it before it stops the nodes.
"""

import random
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .._client import Client
from ..consensus.errors import ApiError, PocketchainError
from ..consensus.hashes import to_display
from ..consensus.params import ChainParams
from ..consensus.tx import COIN
from ..wallet.amounts import coins_text
from ..wallet.build import InsufficientFundsError
from ..wallet.mnemonic import new_mnemonic
from ..wallet.send import pay, post
from ..wallet.wallet import CHANGE, RECEIVE, Wallet

NAMES = ("alice", "bob", "carol", "dave")
POSTS = (
    "hello, chain!",
    "gm from the devnet",
    "signed by my key: nobody can forge a post",
    "every block here took real proof of work",
    "just paid a friend; my change went to a fresh address",
    "a post is a transaction with text in its data field",
    "coffee is on me, 0.01 coins",
    "watching the mempool fill up and empty again",
    "about five seconds a block, give or take",
    "who mined the last block? the explorer knows",
)
ACTION_EVERY = (2.0, 5.0)  # seconds between two actions, drawn at random
POST_SHARE = 0.35  # of the actions; the others are payments
CENT = COIN // 100
MAX_PAYMENT = 100 * CENT  # payments are 0.01 to 1 coin
FAUCET_RETRY = 5.0  # seconds before asking an empty or busy faucet again
FAUCET_WINDOW = 30.0  # seconds: the faucet pays an address at most once in that time
FAUCET_AGAIN = 60.0  # seconds after a payout before asking again (its coins need a block)
# a scan asks the node about every address a wallet gave out: past this many change addresses
# a fresh wallet (new words, coins from the faucet) keeps the demo light on the nodes
RENEW_AFTER = 100
REQUEST_TIMEOUT = 10.0  # seconds: a busy node makes a wallet skip a turn, not hang


@dataclass
class DemoWallet:
    name: str
    client: Client
    wallet: Wallet
    needs_coins: bool = True  # until a payment or post goes through
    faucet_at: float = 0.0  # monotonic time from which it may ask the faucet

    @property
    def address(self) -> str:
        return self.wallet.address(RECEIVE, 0)


class Demo:
    """The demo wallets, acting from a thread until `stop`; wallet i talks to urls[i % len].
    `per_minute` (payments, posts) sets the pace; by default an action every 2 to 5 s."""

    def __init__(
        self,
        params: ChainParams,
        urls: Sequence[str],
        log_path: Path,
        per_minute: tuple[float, float] | None = None,
    ) -> None:
        self.params = params
        self.log_path = log_path
        self._every, self._post_share = ACTION_EVERY, POST_SHARE
        if per_minute is not None:
            gap = 60 / sum(per_minute)
            self._every, self._post_share = (gap / 2, gap * 1.5), per_minute[1] / sum(per_minute)
        self.payments = 0
        self.posts = 0
        self._rng = random.Random()
        self._wallets = [
            DemoWallet(name, self._client(urls[i % len(urls)]), self._fresh_wallet())
            for i, name in enumerate(NAMES)
        ]
        self._log_file: TextIO | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="demo", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float) -> None:
        """Ask the thread to stop and wait for it (bounded: a request may be under way)."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def summary(self) -> str:
        """As a person would say it: "demo wallets: 2 payments, 1 post"."""
        return f"demo wallets: {_count(self.payments, 'payment')}, {_count(self.posts, 'post')}"

    def _run(self) -> None:
        with open(self.log_path, "a", encoding="utf-8", buffering=1) as self._log_file:
            for w in self._wallets:
                self._log(f"{w.name} talks to {w.client.url}; {self._identity(w)}")
            while not self._stopping.wait(self._rng.uniform(*self._every)):
                for w in self._wallets:
                    if w.needs_coins and time.monotonic() >= w.faucet_at:
                        self._ask_faucet(w)
                self._act(self._rng.choice(self._wallets))
        for w in self._wallets:
            w.client.close()

    def _act(self, actor: DemoWallet) -> None:
        try:
            if self._rng.random() < self._post_share:
                text = self._rng.choice(POSTS)
                tx = post(actor.wallet, actor.client, text)
                self.posts += 1
                self._log(f"{actor.name} posts {text!r}: {to_display(tx.txid)}")
            else:
                payee = self._rng.choice([w for w in self._wallets if w is not actor])
                amount = self._rng.randint(1, MAX_PAYMENT // CENT) * CENT
                tx = pay(actor.wallet, actor.client, payee.wallet.key_hash(RECEIVE, 0), amount)
                self.payments += 1
                paid = f"{payee.name} {self._coins(amount)}"
                self._log(f"{actor.name} pays {paid}: {to_display(tx.txid)}")
            actor.needs_coins = False
        except InsufficientFundsError as exc:  # the faucet is asked once it may be again
            actor.needs_coins = True
            self._skip(actor, exc)
        except PocketchainError as exc:
            self._skip(actor, exc)
        if actor.wallet.issued[CHANGE] >= RENEW_AFTER:
            actor.wallet = self._fresh_wallet()
            actor.needs_coins, actor.faucet_at = True, 0.0
            self._log(f"{actor.name} starts a fresh wallet; {self._identity(actor)}")

    def _ask_faucet(self, w: DemoWallet) -> None:
        try:
            paid = w.client.faucet(w.address)
        except PocketchainError as exc:  # faucet-empty until coinbases mature, rate-limited...
            limited = isinstance(exc, ApiError) and exc.status == 429
            w.faucet_at = time.monotonic() + (FAUCET_WINDOW if limited else FAUCET_RETRY)
            self._skip(w, exc)
            return
        w.needs_coins, w.faucet_at = False, time.monotonic() + FAUCET_AGAIN
        self._log(f"the faucet pays {w.name} {self._coins(paid.amount)}: {paid.txid}")

    def _skip(self, w: DemoWallet, why: Exception) -> None:
        if not self._stopping.is_set():  # the nodes going away is no news
            self._log(f"{w.name} skips a turn: {why}")

    def _identity(self, w: DemoWallet) -> str:
        return f"address {w.address}, words: {w.wallet.mnemonic}"

    def _log(self, line: str) -> None:
        if self._log_file is not None:
            self._log_file.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}\n")

    def _coins(self, units: int) -> str:
        return coins_text(units, self.params.hrp)

    def _client(self, url: str) -> Client:
        return Client(url, timeout=REQUEST_TIMEOUT)

    def _fresh_wallet(self) -> Wallet:
        return Wallet(self.params, new_mnemonic())


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}{'' if n == 1 else 's'}"
