"""Editions (版): immutable published snapshots, their diff, and 更新履歴 drafted from it."""
