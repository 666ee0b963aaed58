"""pocketchain: a small, real proof-of-work blockchain."""

__version__ = "0.1.0"
