"""The shipped scenarios; each is a file users can copy and change (see lab/scenario.py)."""
