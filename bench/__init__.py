"""Benchmarks. Each prints its figure beside an anchor measured in the same run."""
