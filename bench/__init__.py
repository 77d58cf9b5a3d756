"""Benchmarks that run against a server or the libraries: `python -m bench.live`."""
