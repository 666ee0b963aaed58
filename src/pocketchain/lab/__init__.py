"""The network lab: topologies of local networks, link conditions, and scenarios (CONTRACT §8)."""
