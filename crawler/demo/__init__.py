"""Loopback helpers for ``leakwatch demo`` and the tests: servers that stand in for the outside."""
