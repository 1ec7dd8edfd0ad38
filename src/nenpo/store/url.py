"""The store's database URL: checked before anything connects, never shown with its password.

nenpo keeps its store in SQLite (a file) or PostgreSQL (through psycopg 3, the driver it
installs). Common spellings of a PostgreSQL URL (`postgres://`, `postgresql://`) mean that
driver; any other database, or a driver nenpo does not install, is refused with a message, as is
an in-memory SQLite database for a command that writes: it would forget everything when the
command ends.
"""

from __future__ import annotations

import re

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from ..errors import SettingsError

SETTING = "NENPO_DATABASE_URL"
EXAMPLES = "sqlite:///nenpo.db or postgresql+psycopg://USER@HOST:5432/DB"
_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^/:@\s]*:)[^@\s]*@")


_USERINFO = re.compile(r"(?<=:)[^:/@\s]+(?=@)")  # user:password@ in text that is no URL


def mask(text: str) -> str:
    """`text` with the password of every URL in it (or of anything like user:password@)
    replaced by ***."""
    return _USERINFO.sub("***", _PASSWORD.sub(r"\g<head>***@", text))


def database_url(raw: str, write: bool = True) -> URL:
    """The URL of the store, normalised to a driver nenpo installs; SettingsError if unusable."""
    try:
        url = make_url(raw.strip())
    except (ArgumentError, ValueError) as exc:
        reason = mask(str(exc)).rstrip(".")
        raise SettingsError(
            f"{SETTING}={mask(raw)!r} is not a database URL ({reason}); expected {EXAMPLES}"
        ) from None
    backend, driver = url.get_backend_name(), url.drivername.partition("+")[2]
    shown = url.render_as_string(hide_password=True)
    if backend in ("postgres", "postgresql"):
        if driver not in ("", "psycopg"):
            raise SettingsError(
                f"{SETTING}={shown!r}: nenpo talks to PostgreSQL through psycopg 3, not "
                f"{driver}; write postgresql+psycopg://…"
            )
        return url.set(drivername="postgresql+psycopg")
    if backend != "sqlite":
        raise SettingsError(
            f"{SETTING}={shown!r}: nenpo keeps its store in SQLite or PostgreSQL, not {backend}; "
            f"expected {EXAMPLES}"
        )
    if driver not in ("", "pysqlite"):
        raise SettingsError(f"{SETTING}={shown!r}: use sqlite:///FILE (the pysqlite driver)")
    if write and in_memory(url):
        raise SettingsError(
            f"{SETTING}={shown!r} is an in-memory database: it forgets everything when the "
            "command ends, so what this command writes would be lost; name a file, e.g. "
            "sqlite:///nenpo.db"
        )
    return url


def in_memory(url: URL) -> bool:
    """True for an SQLite URL whose database lives in memory only."""
    if url.get_backend_name() != "sqlite":
        return False
    db = url.database or ""
    mode = str(url.query.get("mode", ""))
    return db in ("", ":memory:") or db.startswith("file::memory:") or mode == "memory"
