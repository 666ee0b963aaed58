"""Follow a running node's live events with the async client: new tips, reorganizations, new
transactions, peers coming and going. Start a devnet first (`make run`), then:

    python examples/follow_events.py --url http://127.0.0.1:5000 --blocks 5
"""

import argparse
import asyncio

import pocketchain


async def follow(url: str, blocks: int) -> int:
    """Print the node's events until `blocks` new tips came; how many events there were."""
    seen = tips = 0
    async with pocketchain.AsyncClient(url) as node:
        status = await node.status()
        print(f"{status.network} node at height {status.height}, {status.peers} peers")
        async for event in node.events():
            seen += 1
            match event:
                case pocketchain.BlockEvent(height=height, hash=tip):
                    tips += 1
                    print(f"new tip at {height}: {tip}")
                case pocketchain.ReorgEvent(disconnected=gone, connected=came):
                    print(f"reorganized: {len(gone)} blocks out, {len(came)} in")
                case pocketchain.TxEvent(txid=txid):
                    print(f"transaction {txid}")
                case pocketchain.PeerEvent(url=peer, event=change):
                    print(f"peer {peer} {change}")
            if tips >= blocks:
                break
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5000", help="the node's base URL")
    parser.add_argument("--blocks", type=int, default=5, help="stop after this many new tips")
    args = parser.parse_args()
    count = asyncio.run(follow(args.url, args.blocks))
    print(f"{count} events")


if __name__ == "__main__":
    main()
