"""The `pocketchain wallet` and `post` commands run as a user runs them: a process per command."""

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from framework import EXE, TestNode

CLI_TIMEOUT = 60.0
PASSPHRASE = "correct horse battery staple"


class CliError(AssertionError):
    pass


class CliWallet:
    """One wallet file, used against one node (which may change, as after a partition)."""

    __test__ = False

    def __init__(self, path: Path, node: TestNode, passphrase: str | None = PASSPHRASE) -> None:
        self.path = path
        self.node = node
        self.passphrase = passphrase

    def run(self, *args: str, passphrase: str | None = None) -> subprocess.CompletedProcess[str]:
        """`pocketchain ARGS --wallet FILE --network regtest [--node URL]`, as it ended."""
        env = {k: v for k, v in os.environ.items() if k != "POCKETCHAIN_PASSPHRASE"}
        secret = passphrase if passphrase is not None else self.passphrase
        if secret is not None:
            env["POCKETCHAIN_PASSPHRASE"] = secret
        talks_to_node = args[0] == "post" or args[1] not in ("create", "address")
        node = ["--node", self.node.url] if talks_to_node else []
        argv = [str(EXE), *args, "--wallet", str(self.path), "--network", "regtest", *node]
        return subprocess.run(
            argv,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT,
            check=False,
        )

    def ok(self, *args: str) -> str:
        """Stdout of a command that must succeed."""
        out = self.run(*args)
        if out.returncode != 0:
            raise CliError(f"{args} exited {out.returncode}: {out.stderr}")
        return out.stdout.strip()

    def refused(self, *args: str, passphrase: str | None = None) -> str:
        """The one stderr line of a command that must fail as a user error (exit 1)."""
        out = self.run(*args, passphrase=passphrase)
        assert out.returncode == 1, (args, out.returncode, out.stdout, out.stderr)
        assert "Traceback" not in out.stderr, out.stderr
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), out.stderr
        return lines[0]

    def create(self, *extra: str) -> tuple[str, str]:
        """(first address, mnemonic) of a new wallet."""
        out = self.run("wallet", "create", *extra)
        if out.returncode != 0:
            raise CliError(out.stderr)
        words = [line.strip() for line in out.stderr.splitlines() if len(line.split()) in (12, 24)]
        return out.stdout.strip(), words[0]

    def balance(self) -> dict[str, Any]:
        return dict(json.loads(self.ok("wallet", "balance", "--json")))

    def history(self, limit: int = 20) -> list[dict[str, Any]]:
        return list(json.loads(self.ok("wallet", "history", "--json", "--limit", str(limit))))

    def addresses(self) -> list[str]:
        return list(json.loads(self.ok("wallet", "address", "--all", "--json")))

    def send(self, address: str, amount: str, *extra: str) -> str:
        return self.ok("wallet", "send", address, amount, *extra)
