"""Typed domain objects of a workspace and their validation."""
