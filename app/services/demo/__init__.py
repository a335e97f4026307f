"""The demo school and the synthetic students of the demo and the benchmarks."""
