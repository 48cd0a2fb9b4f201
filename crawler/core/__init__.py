"""The bottom layer: configuration, errors, items, dates, domain records and the severity rule.

Nothing here imports any other package of leakwatch; every other layer stands on it."""
