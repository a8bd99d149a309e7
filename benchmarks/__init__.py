"""Benchmarks: scripts that print figures (python -m benchmarks.speed); never timed tests."""
