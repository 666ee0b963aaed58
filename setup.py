"""The optional native nonce search (src/pocketchain/mining/_kernel.c).

Everything else is in pyproject.toml. `optional=True`: where no C compiler works, the build goes
on without it and mining uses the pure-Python search (pocketchain/mining/search.py).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "pocketchain.mining._kernel",
            ["src/pocketchain/mining/_kernel.c"],
            extra_compile_args=["-O3"],
            optional=True,
        )
    ]
)
