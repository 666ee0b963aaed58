"""The node: the chainstate, the mempool and the miner wired together behind one writer."""
