"""The block tree and the chainstate, stored behind one small interface (SQLite or PostgreSQL)."""
