"""pocket-blockchain's usage example, line for line, on pocketchain's Python API.

    bc = BlockChain(db)            ->  chain = pocketchain.Node(data_dir=...)
    bc.new_wallet()                ->  pocketchain.Wallet.create(path)
    bc.send(a, b, 3)               ->  a.send(chain, b.address, 3 * COIN)
    bc.mine_block(address, 2)      ->  chain.mine(1, to=address, max_txs=2)
    bc.get_balance(a)              ->  a.balance(chain)
    bc.show_blocks()               ->  chain.blocks()

Eight wallets; the first mines and funds the seven others; blocks with 2 and then 3 of the 7
pooled payments; 2 are left in the pool. Run it: python examples/pocket_blockchain.py
"""

import sys
import tempfile
from pathlib import Path

import pocketchain
from pocketchain import COIN, Node, Wallet


def main(home: Path) -> None:
    with Node(data_dir=home / "node") as chain:  # bc = BlockChain(db)
        wallets = [Wallet.create(home / f"wallet{n}.json") for n in range(8)]  # bc.new_wallet()
        miner, others = wallets[0], wallets[1:]
        chain.mine(101, to=miner.address)  # a coinbase is spendable after 100 more blocks

        for n, wallet in enumerate(others, start=1):  # bc.send(a, b, 3): seven payments
            miner.send(chain, wallet.address, n * COIN)
        assert chain.mempool().count == 7

        first = chain.mine(1, to=miner.address, max_txs=2)  # bc.mine_block(address, 2)
        second = chain.mine(1, to=miner.address, max_txs=3)  # bc.mine_block(address, 3)
        assert len(chain.block(first[0]).txs) == 1 + 2  # its coinbase, and 2 payments
        assert len(chain.block(second[0]).txs) == 1 + 3
        assert chain.mempool().count == 2  # left in the pool

        print("height  txs  hash")  # bc.show_blocks()
        for block in chain.blocks(limit=3):
            print(f"{block.height:>6}  {block.tx_count:>3}  {block.hash}")

        print("wallet  confirmed  unconfirmed")  # bc.get_balance(a)
        balances = [w.balance(chain) for w in others]
        for n, balance in enumerate(balances, start=1):
            print(f"{n:>6}  {balance.confirmed / COIN:>9}  {balance.unconfirmed / COIN:>11}")
        # the pool takes the payments in the order they were made: each spends the change of
        # the one before, so the first five are in the two blocks and the last two wait
        assert [b.confirmed for b in balances] == [n * COIN for n in (1, 2, 3, 4, 5, 0, 0)]
        assert [b.unconfirmed for b in balances] == [n * COIN for n in (0, 0, 0, 0, 0, 6, 7)]
        assert pocketchain.coins("28") == sum(b.total for b in balances)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as scratch:
        main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(scratch))
