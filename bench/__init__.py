"""Benchmarks (``make bench``): timings and sizes against the targets written in the issues.

Timings live here, never in unit tests: the machine is shared and noisy, so every figure
is a median of repeated runs, reported with the command that produced it.
"""
