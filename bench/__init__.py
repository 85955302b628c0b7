"""Benchmarks and the load test; ``bench.browser`` is shared with the browser tests."""
