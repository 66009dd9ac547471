"""Build and serve helpers used by the Makefile, the tests and the benchmarks (not part of the installed package)."""
