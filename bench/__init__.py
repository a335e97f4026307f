"""Benchmarks: `python -m bench` measures each main job end to end on a synthetic
ten-year school and prints one table (see bench/runner.py and docs/PERFORMANCE.md)."""
