"""Settings: one declarative schema, each with a default and a help line; read from NENPO_* env."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import SettingsError

PACKAGE_DIR = Path(__file__).resolve().parent


def bundled_example() -> Path:
    """The bundled workspace: beside the package in a checkout, or its installed copy."""
    checkout = PACKAGE_DIR.parents[1] / "examples" / "digital-agency-2024"
    if checkout.is_dir():
        return checkout
    return PACKAGE_DIR / "examples" / "digital-agency-2024"


class Settings(BaseSettings):
    """Every option nenpo reads from the environment (prefix NENPO_) or a .env file."""

    model_config = SettingsConfigDict(env_prefix="NENPO_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///nenpo.db",
        description="SQLAlchemy URL of the store: a SQLite file by default, or postgresql+psycopg://…",
    )
    chart_font: str = Field(
        default="Noto Sans CJK JP",
        description="Font family for chart text; must be installed (vl-convert draws blank text "
        "for an unknown font without an error).",
    )
    editions_dir: str = Field(
        default="editions",
        description="Where published editions are kept (immutable; with internal snapshots).",
    )
    public_dir: str = Field(
        default="public",
        description="The public tree `nenpo publish` derives from the editions, for serving.",
    )
    pdf_parallel: bool = Field(
        default=True,
        description="Render deck.pdf in a second process beside report.pdf when a core is free.",
    )
    cache_dir: str = Field(
        default="",
        description="Where builds keep what they can make again (the dashboard's Vega bundle); "
        "empty: $XDG_CACHE_HOME/nenpo, else ~/.cache/nenpo.",
    )
    site_url: str | None = Field(
        default=None,
        description="The public address of the site (https://…/), for the open data's "
        "citation, data package and catalogue; unset: addresses relative to data/.",
        pattern=r"^https?://[^\s]+$",
    )
    host: str = Field(default="127.0.0.1", description="Address `nenpo serve` listens on.")
    port: int = Field(
        default=8000, ge=1, le=65535, description="Port `nenpo serve` listens on (1-65535)."
    )
    api_cache_mb: float = Field(
        default=64,
        ge=0,
        description="Responses each API worker keeps for the store's current revision (MiB); "
        "0 keeps none.",
    )


def get_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (CLI options) on top.

    A wrong value is a SettingsError naming the option or variable it came from and what was
    expected.
    """
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**given)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for e in exc.errors(include_url=False):
            key = str(e["loc"][0]) if e["loc"] else ""
            name = f"--{key.replace('_', '-')}" if key in given else f"NENPO_{key.upper()}"
            lines.append(f"{name}={e.get('input')!r}: {e['msg'].lower()}")
        raise SettingsError("; ".join(lines)) from None
