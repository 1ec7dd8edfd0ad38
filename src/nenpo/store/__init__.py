"""The store: SQLAlchemy 2 over SQLite (default) or PostgreSQL, migrated by Alembic."""

from .db import Store, open_store

__all__ = ["Store", "open_store"]
