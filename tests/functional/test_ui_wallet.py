"""ui_wallet: the browser wallet against real nodes in Chromium.

Its JavaScript (web/wallet/) must compute exactly what the consensus code computes: bech32m,
addresses, serialization, sighash, txid, signatures and coin selection are checked against the
Python library on the same keys and transactions. Then a person's path: create a wallet, get
coins from the faucet, review and send, lock and unlock; the secret key never leaves the page.
"""

import json
from hashlib import sha256
from typing import Any

from browser import DESKTOP, PHONE, Page, screenshot
from framework import wait_until
from playwright.sync_api import Request
from walletcli import CliWallet

from pocketchain.consensus import bech32
from pocketchain.consensus.hashes import to_display
from pocketchain.consensus.keys import decode_address, encode_address, key_hash, pubkey_from_secret
from pocketchain.consensus.keys import verify as verify_signature
from pocketchain.consensus.params import DEVNET, MAIN, REGTEST
from pocketchain.consensus.tx import COIN, TX_VERSION, OutPoint, Tx, TxIn, TxOut, sign_tx
from pocketchain.wallet.build import InsufficientFundsError, Spendable, plan_payment
from pocketchain.wallet.wallet import CHANGE, RECEIVE, Wallet
from unit.test_bech32 import INVALID_BECH32, INVALID_BECH32M, VALID_BECH32, VALID_BECH32M
from wallet.test_hd import VECTORS as BIP32_VECTORS
from wallet.test_hd import decode_xprv
from wallet.test_mnemonic import VECTORS as BIP39_VECTORS

PASSPHRASE = "a long browser passphrase"
SECRETS = [sha256(b"ui wallet key %d" % n).digest() for n in range(3)]


def evaluate(page: Page, body: str, arg: Any = None) -> Any:
    """Run `body` (JavaScript, with `arg` and the wallet's modules in scope) in the page."""
    # the function is handed to the page whole (no `new Function` inside it: the page's
    # Content-Security-Policy allows no eval)
    return page.evaluate(
        """async (arg) => {
          const m = {};
          for (const name of ["bech32", "bytes", "keys", "tx", "build", "verify", "hd"]) {
            m[name] = await import(`/web/wallet/${name}.js`);
          }
          BODY
        }""".replace("BODY", body),
        arg,
    )


def address_of(secret: bytes, hrp: str = REGTEST.hrp) -> str:
    return encode_address(hrp, key_hash(pubkey_from_secret(secret)))


def check_bech32(page: Page) -> None:
    strings = VALID_BECH32M + VALID_BECH32 + [p.values[0] for p in INVALID_BECH32M + INVALID_BECH32]
    decoded = evaluate(
        page,
        """return arg.map((s) => {
          try {
            const d = m.bech32.decode(s);
            const kind = d.encoding === m.bech32.BECH32M ? "BECH32M" : "BECH32";
            return [d.hrp, d.data, kind, m.bech32.encode(d.hrp, d.data, d.encoding)];
          } catch (e) { return null; }
        });""",
        strings,
    )
    for text, got in zip(strings, decoded, strict=True):
        if text in VALID_BECH32M + VALID_BECH32:
            hrp, data, encoding = bech32.decode(text)
            assert got == [hrp, data, encoding.name, text.lower()], text
        else:
            assert got is None, text


def check_addresses(page: Page) -> None:
    addresses = [address_of(s) for s in SECRETS]
    legacy = bech32.encode(
        REGTEST.hrp, [0, *bech32.convertbits(key_hash(b"k"), 8, 5, True)], bech32.Encoding.BECH32
    )
    typo = addresses[0][:-3] + ("q" if addresses[0][-3] != "q" else "p") + addresses[0][-2:]
    got = evaluate(
        page,
        """const refusal = (hrp, a) => {
          try { m.keys.decodeAddress(hrp, a); return null; } catch (e) { return e.message; }
        };
        return {
          made: arg.secrets.map((s) => m.bytes.fromHex(s)).map((s) =>
            m.keys.isValidSecret(s) ? null : "invalid"),
          addresses: await Promise.all(arg.secrets.map(async (s) => m.keys.encodeAddress("pcrt",
            await m.keys.keyHash(m.keys.publicKey(m.bytes.fromHex(s)))))),
          hashes: arg.addresses.map((a) => m.bytes.toHex(m.keys.decodeAddress("pcrt", a))),
          upper: m.bytes.toHex(m.keys.decodeAddress("pcrt", arg.addresses[0].toUpperCase())),
          otherNetwork: refusal("pcd", arg.addresses[0]),
          legacy: refusal("pcrt", arg.legacy),
          typo: refusal("pcrt", arg.typo),
          zero: m.keys.isValidSecret(new Uint8Array(32)),
        };""",
        {
            "secrets": [s.hex() for s in SECRETS],
            "addresses": addresses,
            "legacy": legacy,
            "typo": typo,
        },
    )
    assert got["made"] == [None] * len(SECRETS)
    assert got["addresses"] == addresses
    assert got["hashes"] == [decode_address(REGTEST.hrp, a).hex() for a in addresses]
    assert got["upper"] == got["hashes"][0]
    assert "another network" in got["otherNetwork"]
    assert "bech32m" in got["legacy"]
    assert "checksum" in got["typo"]
    assert got["zero"] is False


def check_transactions(page: Page) -> None:
    secret = SECRETS[0]
    unsigned = Tx(
        TX_VERSION,
        (
            TxIn(OutPoint(sha256(b"coin a").digest(), 0), b"", b""),
            TxIn(OutPoint(sha256(b"coin b").digest(), 7), b"", b""),
        ),
        (TxOut(123_456_789, key_hash(b"payee")), TxOut(42, key_hash(pubkey_from_secret(secret)))),
        "héllo, <chain> ✓".encode(),
    )
    signed = sign_tx(unsigned, (secret, secret), REGTEST.magic)
    vector = {
        "secret": secret.hex(),
        "prevouts": [[to_display(i.prevout.txid), i.prevout.vout] for i in signed.inputs],
        "outputs": [[str(o.amount), o.key_hash.hex()] for o in signed.outputs],
        "data": signed.data.hex(),
        "signatures": [i.signature.hex() for i in signed.inputs],
        "raw": signed.raw.hex(),
        "magics": {p.name: p.magic.hex() for p in (REGTEST, DEVNET, MAIN)},  # as /status gives
    }
    got = evaluate(
        page,
        """const secret = m.bytes.fromHex(arg.secret);
        const tx = (pubkey, signatures) => ({
          version: 1,
          inputs: arg.prevouts.map(([txid, vout], n) => ({
            txid: m.bytes.fromDisplay(txid), vout, pubkey,
            signature: signatures ? m.bytes.fromHex(signatures[n]) : new Uint8Array(),
          })),
          outputs: arg.outputs.map(([a, h]) => ({
            amount: BigInt(a), keyHash: m.bytes.fromHex(h),
          })),
          data: m.bytes.fromHex(arg.data),
        });
        const unsigned = tx(m.keys.publicKey(secret));
        const sighashes = {};
        for (const net of ["regtest", "devnet", "main"]) {
          const magic = m.tx.magicOf({ magic: arg.magics[net] });
          sighashes[net] = m.bytes.toHex(await m.tx.sighash(unsigned, magic));
        }
        const same = tx(m.keys.publicKey(secret), arg.signatures);
        const regtest = m.tx.magicOf({ magic: arg.magics.regtest });
        const mine = await m.tx.signTx(tx(new Uint8Array()), [secret, secret], regtest);
        const refused = (hex) => { try { m.tx.parseTx(m.bytes.fromHex(hex)); return false; }
          catch (e) { return true; } };
        return {
          sighashes,
          raw: m.bytes.toHex(m.tx.serialize(same)),
          txid: await m.tx.txid(same),
          signedByJs: m.bytes.toHex(m.tx.serialize(mine)),
          reparsed: m.bytes.toHex(m.tx.serialize(m.tx.parseTx(m.bytes.fromHex(arg.raw)))),
          size: m.build.signedSize(2, unsigned.outputs, unsigned.data),
          refusesTrailing: refused(arg.raw + "00"),
          refusesShort: refused(arg.raw.slice(0, -2)),
        };""",
        vector,
    )
    assert got["sighashes"] == {
        "regtest": signed.sighash(REGTEST.magic).hex(),
        "devnet": signed.sighash(DEVNET.magic).hex(),
        "main": signed.sighash(MAIN.magic).hex(),
    }
    assert got["raw"] == signed.raw.hex() == got["reparsed"]
    assert got["txid"] == to_display(signed.txid)
    assert got["size"] == signed.size
    assert got["refusesTrailing"] and got["refusesShort"]
    # signed in the browser: the same transaction but for the signatures, which verify in Python
    js = Tx.parse(bytes.fromhex(got["signedByJs"]))
    strip = [(i.prevout, i.pubkey) for i in js.inputs]
    assert strip == [(i.prevout, i.pubkey) for i in signed.inputs]
    assert (js.outputs, js.data) == (signed.outputs, signed.data)
    digest = signed.sighash(REGTEST.magic)
    assert all(verify_signature(i.pubkey, i.signature, digest) for i in js.inputs)
    assert js.inputs[0].signature != js.inputs[1].signature  # fresh auxiliary randomness
    check_post_verification(page, secret)


def check_post_verification(page: Page, secret: bytes) -> None:
    """verify.js accepts a post signed by its author, and refuses every way of faking one."""

    def post_tx(magic: bytes) -> Tx:
        own = key_hash(pubkey_from_secret(secret))
        unsigned = Tx(
            TX_VERSION,
            (TxIn(OutPoint(sha256(b"coin").digest(), 1), b"", b""),),
            (TxOut(1000, own),),
            b"a post",
        )
        return sign_tx(unsigned, (secret,), magic)

    good, other_net = post_tx(REGTEST.magic), post_tx(DEVNET.magic)
    post = {"txid": to_display(good.txid), "author": address_of(secret), "content": "a post"}
    cases = {
        "good": [post, good.raw.hex()],
        "forged author": [post | {"author": address_of(SECRETS[1])}, good.raw.hex()],
        "other text": [post | {"content": "another post"}, good.raw.hex()],
        "other txid": [post | {"txid": to_display(other_net.txid)}, good.raw.hex()],
        "signed for devnet": [post | {"txid": to_display(other_net.txid)}, other_net.raw.hex()],
        "garbage": [post, "00"],
    }
    got = evaluate(
        page,
        """const out = {};
        for (const [name, [post, hex]] of Object.entries(arg)) {
          const magic = m.tx.magicOf({ magic: "REGTEST_MAGIC" });
          out[name] = await m.verify.whyUnverified(post, hex, magic, "pcrt");
        }
        return out;""".replace("REGTEST_MAGIC", REGTEST.magic.hex()),
        cases,
    )
    assert got["good"] is None, got
    assert "not the author" in got["forged author"]
    assert "text" in got["other text"]
    assert "txid" in got["other txid"]
    assert "signature" in got["signed for devnet"]
    assert "parse" in got["garbage"]


def check_coin_selection(page: Page) -> None:
    """build.js picks the same coins, outputs and fee as the Python wallet."""
    own = key_hash(pubkey_from_secret(SECRETS[0]))
    payee = key_hash(b"payee")
    utxos = [
        {"txid": to_display(sha256(b"%d" % n).digest()), "vout": n, "amount": amount}
        for n, amount in enumerate([5 * COIN, 3 * COIN, COIN // 2, 700])
    ]
    cases = [  # (payments, fee rate, data)
        ([7 * COIN], 3, ""),
        ([8 * COIN + COIN // 2 - 100], 1, ""),  # the change would not pay for its own output
        ([], 2, "just a post"),
        ([9 * COIN], 1, ""),  # more than the coins
    ]
    got = evaluate(
        page,
        """const coins = m.build.spendable(arg.utxos.map((u) => ({ ...u, mature: true,
          spent_in_mempool: false })).concat([{ txid: "ff".repeat(32), vout: 0, amount: 10 ** 12,
          mature: false, spent_in_mempool: false }, { txid: "ee".repeat(32), vout: 0,
          amount: 10 ** 12, mature: true, spent_in_mempool: true }]));
        return arg.cases.map(([payments, rate, data]) => {
          try {
            const p = m.build.plan(coins,
              payments.map((a) => ({ amount: BigInt(a), keyHash: m.bytes.fromHex(arg.payee) })),
              m.bytes.fromHex(arg.own), rate, new TextEncoder().encode(data));
            return { coins: p.coins.map((c) => [c.txid, c.vout]),
              outputs: p.outputs.map((o) => [String(o.amount), m.bytes.toHex(o.keyHash)]),
              fee: String(p.fee) };
          } catch (e) {
            return { needed: String(e.needed), available: String(e.available) };
          }
        });""",
        {"utxos": utxos, "own": own.hex(), "payee": payee.hex(), "cases": cases},
    )
    coins = [
        Spendable(OutPoint(bytes.fromhex(u["txid"])[::-1], u["vout"]), u["amount"], own, True)
        for u in utxos
    ]
    for (payments, rate, data), answer in zip(cases, got, strict=True):
        outs = [TxOut(a, payee) for a in payments]
        try:
            plan = plan_payment(coins, outs, own, rate, data=data.encode())
        except InsufficientFundsError as exc:
            assert answer == {"needed": str(exc.needed), "available": str(exc.available)}
            continue
        assert answer == {
            "coins": [[to_display(c.outpoint.txid), c.outpoint.vout] for c in plan.inputs],
            "outputs": [[str(o.amount), o.key_hash.hex()] for o in plan.outputs],
            "fee": str(plan.fee),
        }, (payments, rate, data)


def test_ui_wallet_code_agrees_with_the_consensus_code(nodes, open_page) -> None:
    page = open_page(nodes(), "/#/wallet")
    page.get_by_role("heading", name="Create a new wallet").wait_for()
    check_bech32(page)
    check_addresses(page)
    check_transactions(page)
    check_coin_selection(page)
    # importing a secret: a malformed one is refused, a good one gives its address
    page.get_by_label("Secret key (64 hex digits)").fill("ab" * 31)
    page.locator("#import-pass").fill(PASSPHRASE)
    page.locator("#import-confirm").fill(PASSPHRASE)
    page.get_by_role("button", name="Import wallet").click()
    page.get_by_role("alert").get_by_text("A secret key is 64 hex digits").wait_for()
    page.get_by_label("Secret key (64 hex digits)").fill(SECRETS[1].hex().upper())
    page.get_by_role("button", name="Import wallet").click()
    assert page.locator("#my-address").inner_text() == address_of(SECRETS[1])


def units(page: Page, selector: str) -> int:
    return int(page.locator(selector).get_attribute("data-units") or "")


def create_wallet(page: Page) -> str:
    """Create a wallet in the page (after a mistyped confirmation); its address."""
    page.get_by_label("Passphrase (at least 8 characters)").first.fill(PASSPHRASE)
    page.locator("#create-confirm").fill(PASSPHRASE + "!")
    page.get_by_role("button", name="Create wallet").click()
    message = page.locator("#create-pass").evaluate("e => e.validationMessage")
    assert message == "The two passphrases differ."
    page.locator("#create-confirm").fill(PASSPHRASE)
    page.locator("#create-confirm").press("Enter")  # the keyboard submits the form
    address = page.locator("#my-address").inner_text()
    assert decode_address(REGTEST.hrp, address)
    assert page.locator(".qr svg path").count() == 1
    return address


def stored_wallet(page: Page) -> dict[str, Any]:
    """What the page keeps in localStorage: encrypted, in the documented shape."""
    stored = json.loads(page.evaluate("localStorage.getItem('pocketchain.wallet.regtest')"))
    assert stored["version"] == 1 and stored["network"] == "regtest"
    assert stored["kdf"] == stored["kdf"] | {"name": "PBKDF2-SHA256", "iterations": 600_000}
    assert len(stored["kdf"]["salt"]) == 32  # 16 bytes
    assert stored["cipher"]["name"] == "AES-256-GCM" and len(stored["cipher"]["iv"]) == 24
    return dict(stored)


def refused_sends(page: Page, payee: str) -> None:
    """Another network's address and more than the balance are refused in the browser."""
    page.get_by_label("Pay to address").fill(encode_address(DEVNET.hrp, key_hash(b"x")))
    page.get_by_label("Amount (PCRT)").fill("1")
    page.get_by_role("button", name="Review").click()
    page.get_by_text("that address is for another network").wait_for()
    page.get_by_label("Pay to address").fill(payee)
    page.get_by_label("Amount (PCRT)").fill("1000")
    page.get_by_role("button", name="Review").click()
    page.get_by_text("Insufficient funds: 10 spendable now").wait_for()


def review_and_send(
    page: Page, payee: str, amount: str, requests: list[Request]
) -> tuple[str, int]:
    """Send from the page: the review shows the exact fee before anything is signed or sent.
    The txid and the fee."""
    page.get_by_label("Pay to address").fill(payee)
    page.get_by_label("Amount (PCRT)").fill(amount)
    page.get_by_role("button", name="Review").click()
    fee = units(page, "#review-fee")
    assert fee > 0 and "per byte" in page.locator("#review-fee").inner_text()
    assert not [r for r in requests if r.url.endswith("/api/v1/txs")]
    page.get_by_role("button", name="Sign and send").click()
    return page.get_by_role("status").get_by_role("link").inner_text(), fee


def test_ui_wallet_creates_gets_coins_sends_and_locks(nodes, open_page, tmp_path) -> None:
    node = nodes()
    node.mine(101)  # the faucet pays from the node's own mature coinbases
    cli = CliWallet(tmp_path / "cli.json", node)
    cli_address, _ = cli.create()
    page = open_page(node, "/#/wallet", viewport=PHONE)
    requests: list[Request] = []  # every request the page makes

    def record(request: Request) -> None:  # Playwright takes a function, not a bound builtin
        requests.append(request)

    page.on("request", record)
    address = create_wallet(page)
    stored = stored_wallet(page)

    page.get_by_role("button", name="Get coins from the faucet").click()
    page.get_by_text("The faucet sent you").wait_for()
    node.mine(1)
    wait_until(lambda: units(page, "#balance-confirmed") == 10 * COIN, what="faucet coins")
    refused_sends(page, cli_address)
    txid, fee = review_and_send(page, cli_address, "1.5", requests)
    assert node.api("GET", f"/txs/{txid}")["status"] == "mempool"
    node.mine(1)
    wait_until(lambda: cli.balance()["confirmed"] == 150_000_000, what="the CLI wallet paid")
    wait_until(
        lambda: units(page, "#balance-confirmed") == 10 * COIN - 150_000_000 - fee,
        what="the browser balance to drop by amount and fee",
    )
    page.locator("#history").get_by_role("link", name=txid[:10]).wait_for()
    page.set_viewport_size(DESKTOP)
    page.evaluate("scrollTo(0, 0)")
    screenshot(page, "wallet")
    page.set_viewport_size(PHONE)

    # back up: the secret shows after the passphrase again, and never left the page
    page.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    page.get_by_role("button", name="Show secret key").click()
    secret = page.locator("#secret-key").inner_text()
    assert address_of(bytes.fromhex(secret)) == address
    assert [r.url for r in requests if secret in r.url + (r.post_data or "").lower()] == []
    assert secret not in json.dumps(stored)
    page.get_by_role("button", name="Hide").click()

    # a reload forgets the key: a wrong passphrase is refused, the right one unlocks
    page.reload()
    page.get_by_role("button", name="Unlock").wait_for()
    page.get_by_label("Passphrase").fill("not the passphrase")
    page.get_by_role("button", name="Unlock").click()
    page.get_by_role("alert").get_by_text("Wrong passphrase").wait_for()
    page.get_by_label("Passphrase").fill(PASSPHRASE)
    page.get_by_role("button", name="Unlock").click()
    assert page.locator("#my-address").inner_text() == address
    page.get_by_role("button", name="Lock").click()
    page.get_by_role("button", name="Unlock").wait_for()
    assert page.locator("#my-address").count() == 0


def check_recovery_phrases(page: Page) -> None:
    """hd.js against the published BIP-39 and BIP-32 vectors and against wallet/wallet.py."""
    got = evaluate(
        page,
        """const seeds = [];
        for (const [, phrase] of arg.bip39) {
          const typed = phrase.toUpperCase().replaceAll(" ", "  ");  // as a person may paste it
          const seed = await m.hd.phraseToSeed(await m.hd.checkPhrase(typed), "TREZOR");
          seeds.push(m.bytes.toHex(seed));
        }
        const keys = [];
        for (const [seed, path] of arg.bip32) {
          const key = await m.hd.derivePath(m.bytes.fromHex(seed), path);
          keys.push([m.bytes.toHex(key.secret), m.bytes.toHex(key.chainCode)]);
        }
        const refusals = [];
        for (const phrase of arg.bad) {
          try { await m.hd.checkPhrase(phrase); refusals.push(null); }
          catch (e) { refusals.push(e.message); }
        }
        return { seeds, keys, refusals };""",
        {
            "bip39": BIP39_VECTORS,
            "bip32": [(seed, path) for seed, path, _ in BIP32_VECTORS],
            "bad": [
                " ".join(["abandon"] * 12),  # the checksum of all zeros ends in "about"
                "abandon " * 10 + "abandon xyzzy",
                "abandon " * 10 + "about",
            ],
        },
    )
    assert got["seeds"] == [seed for _, _, seed in BIP39_VECTORS]
    expected = [decode_xprv(xprv) for _, _, xprv in BIP32_VECTORS]
    assert got["keys"] == [[k.secret.hex(), k.chain_code.hex()] for k in expected]
    assert got["refusals"] == [
        "The recovery phrase's checksum does not match: check the words and their order.",
        'Word 12 of the recovery phrase, "xyzzy", is not a BIP-39 word.',
        "A recovery phrase has 12, 15, 18, 21 or 24 words, not 11.",
    ]


def test_ui_wallet_restores_the_words_of_the_cli(nodes, open_page, tmp_path) -> None:
    """The CLI's 12 words in the browser: the same keys, addresses and balance, and a payment
    and a post signed with several of its keys that the CLI then counts as its own."""
    node = nodes()
    cli = CliWallet(tmp_path / "cli.json", node)
    cli_address, words = cli.create()
    node.mine(2, cli_address)
    node.mine(100)  # both coinbases mature
    cli.ok("wallet", "send", address_of(SECRETS[2]), "10")  # a change address gets the rest
    node.mine(1)
    ours = Wallet(REGTEST, words)
    change = ours.address(CHANGE, 0)
    assert node.api("GET", f"/addresses/{change}")["balance"] > 0

    page = open_page(node, "/#/wallet")
    check_recovery_phrases(page)
    page.get_by_label("recovery phrase (12 to 24 words)").fill(words)
    page.locator("#import-pass").fill(PASSPHRASE)
    page.locator("#import-confirm").fill(PASSPHRASE)
    page.get_by_role("button", name="Import wallet").click()
    assert page.locator("#my-address").inner_text() == cli_address == ours.address(RECEIVE, 0)
    confirmed = cli.balance()["confirmed"]
    wait_until(lambda: units(page, "#balance-confirmed") == confirmed, what="the CLI's balance")
    listed = page.locator("#wallet-addresses li")
    listed.filter(has_text=change).get_by_text("change").wait_for()
    assert listed.count() == 2

    # a payment needing both coins: each input signed with its own key
    txid, fee = review_and_send(page, address_of(SECRETS[2]), "60", [])
    assert node.api("GET", f"/txs/{txid}")["status"] == "mempool"
    node.mine(1)
    wait_until(lambda: cli.balance()["confirmed"] == confirmed - 60 * COIN - fee, what="the CLI")
    wait_until(
        lambda: units(page, "#balance-confirmed") == cli.balance()["confirmed"],
        what="the browser to agree with the CLI",
    )
    # the identity has no coin left: a post first moves one to it, so the CLI's address writes it
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Posts").click()
    page.get_by_label("Your post").fill("words from the browser")
    page.get_by_role("button", name="Sign and post").click()
    post_txid = page.get_by_role("status").get_by_role("link").get_attribute("href").split("/")[-1]
    node.mine(1)
    authors = {p["txid"]: p["author"] for p in node.api("GET", "/posts")["posts"]}
    assert authors[post_txid] == cli_address
    assert cli.balance()["unconfirmed"] == 0
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Wallet").click()
    wait_until(
        lambda: units(page, "#balance-confirmed") == cli.balance()["confirmed"],
        what="the browser and the CLI to agree after the post",
    )
