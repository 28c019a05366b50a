"""Changing the coverage: fetching pages, reading articles from them, storing and indexing them."""
