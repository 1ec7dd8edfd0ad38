"""Serving: the built site (and later the dashboard and the API)."""
