"""Matching crawled posts against the watchlist of French health entities."""
