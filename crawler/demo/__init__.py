"""Loopback demo sources: synthetic forums (and later other families) served on 127.0.0.1."""
