"""Benchmarks of a production-like server (`make bench`); see bench/run.py."""
