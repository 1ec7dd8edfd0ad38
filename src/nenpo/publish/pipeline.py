"""`nenpo publish` and `nenpo diff`: build, compare with the last edition, draft 更新履歴."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .. import core
from ..check.accept import Acceptance, apply
from ..errors import CheckFailed, ImportsAtStake
from ..model.workspace import Workspace
from ..outputs import check_folder_setting
from ..render.html import render_page
from ..report.opendata import EditionRef
from ..settings import Settings, get_settings
from ..store import Store
from ..store.db import workspace_hash
from . import editions as eds
from .diff import Change, diff_units
from .errata import Entry, Locator, draft
from .history import atom_feed, history_html
from .public import refresh
from .units import deck_units, read_units, site_units, write_units


@dataclass
class Published:
    """What a publish did (or, for a draft, would do)."""

    edition: eds.Edition
    changes: list[Change]
    drafted: list[Entry]
    path: Path | None  # None for a draft


def publish(
    store: Store,
    approver: str,
    *,
    day: date | None = None,
    ident: str | None = None,
    entries: list[Entry] | None = None,
    lang: str = "ja",
    draft_only: bool = False,
    settings: Settings | None = None,
    accepted: list[Acceptance] | None = None,
    progress: core.Progress = core.quiet,
) -> Published:
    """Publish the store's content as a new, immutable edition (or only draft its 更新履歴)."""
    settings = settings or get_settings()
    root = Path(settings.editions_dir)
    # Before any work: where the edition goes, and what it is called.
    check_folder_setting(root, "NENPO_EDITIONS_DIR")
    check_folder_setting(Path(settings.public_dir), "NENPO_PUBLIC_DIR")
    if ident is not None:
        eds.check_id(ident)
    eds.clean_partial(root)
    if not approver.strip():
        raise eds.EditionError("an edition needs an approver (--approver)")
    published = eds.list_editions(root)
    # An edition is immutable: never one of the bundled example that a user did not ask for.
    if store.is_empty():
        raise eds.EditionError(
            f"the store {store.url} is empty: there is nothing to publish; "
            "load your workspace first (nenpo load WORKSPACE)"
        )
    ws, _origin, _findings = core.workspace_for_build(store, None)
    content_hash = workspace_hash(ws)
    if published and published[-1].content_hash == content_hash:
        raise eds.EditionError(
            f"nothing changed since edition {published[-1].id}: there is nothing to publish"
        )
    day = day or date.today()
    ident = ident or eds.new_id(root, day)
    work = eds.start(root, ident)
    try:
        progress("build")
        force = False
        if accepted is not None:
            # Every error accepted by name, or nothing is published; the build then runs
            # without stopping on them (they are recorded with the edition, below).
            applied = apply(core.check_store(store, ws), accepted)
            if applied.errors:
                raise CheckFailed(applied.remaining)
            force = True
            record = [{**a.to_json(), "found_at": f.line} for f, a in applied.accepted]
            (work / "accepted.json").write_text(
                json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
        result = core.build(
            store,
            work / "site",
            None,
            lang,
            settings,
            progress,
            force=force,
            stored=ws,
            edition=EditionRef(ident, day.isoformat()),
        )
        progress("diff")
        units = [u for u in site_units(work / "site") if u.page != "history.html"]
        units += deck_units(work / "site")
        write_units(units, work / "units.json")
        changes: list[Change] = []
        if published:
            changes = diff_units(read_units(root / published[-1].id / "units.json"), units)
        drafted = draft(changes, Locator(work / "site"))
        edition = eds.Edition(
            id=ident,
            date=day.isoformat(),
            approver=approver,
            content_hash=content_hash,
            previous=published[-1].id if published else None,
            created_at=eds.now(),
            entries=drafted if entries is None else entries,
            lang=lang,
        )
        if draft_only:
            shutil.rmtree(work, ignore_errors=True)
            return Published(edition, changes, drafted, None)
        progress("history")
        all_eds = [*published, edition]
        page = result.site.page("history")
        page.body = history_html(all_eds, ident, lang)
        (work / "site" / page.path).write_text(render_page(result.site, page), encoding="utf-8")
        title = ws.report.title.get(lang)
        (work / "site" / "feed.xml").write_bytes(atom_feed(all_eds, title, "../../"))
        snapshot = {
            "workspace": ws.model_dump(mode="json"),
            "locations": store.read_locations().to_json(),
        }
        (work / "snapshot.json").write_text(
            json.dumps(snapshot, ensure_ascii=False), encoding="utf-8"
        )
        progress("publish")
        path = eds.finish(root, work, edition)
    except BaseException:
        eds._make_writable(work)
        shutil.rmtree(work, ignore_errors=True)
        raise
    refresh(root, Path(settings.public_dir), title)
    return Published(edition, changes, drafted, path)


def diff(a: str, b: str, settings: Settings | None = None) -> tuple[list[Change], list[Entry]]:
    """The changes from edition `a` to edition `b`, and the 更新履歴 they would draft."""
    settings = settings or get_settings()
    root = Path(settings.editions_dir)
    ea, eb = eds.get_edition(root, a), eds.get_edition(root, b)
    changes = diff_units(
        read_units(root / ea.id / "units.json"), read_units(root / eb.id / "units.json")
    )
    return changes, draft(changes, Locator(root / eb.id / "site"))


def read_entries(path: Path) -> list[Entry]:
    """更新履歴 entries written by an editor: YAML (or JSON) list of {text, page} or strings."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise eds.EditionError(f"{path}: cannot read the entries: {exc}") from exc
    if not isinstance(data, list):
        raise eds.EditionError(f"{path}: expected a list of entries (text:, page:)")
    out = []
    for i, item in enumerate(data, 1):
        if isinstance(item, str):
            out.append(Entry(item, "index.html"))
        elif isinstance(item, dict) and isinstance(item.get("text"), str):
            out.append(
                Entry(item["text"], str(item.get("page", "index.html")), str(item.get("kind", "")))
            )
        else:
            raise eds.EditionError(f"{path}: entry {i}: expected text: and page:")
    return out


def write_entries(entries: list[Entry], path: Path) -> None:
    """Drafted entries as YAML an editor can rewrite and pass back with --errata."""
    import yaml

    path.write_text(
        yaml.safe_dump([e.to_json() for e in entries], allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )


def load_edition(
    ident: str, store: Store, settings: Settings | None = None, discard_imports: bool = False
) -> tuple[str, Workspace]:
    """Replace the store's content with a published edition's, exactly as it was published.

    For the store that the public API reads: it then serves only what was checked and
    published, never rows imported or loaded since. Imported rows the edition lacks are kept
    safe as by `load` (ImportsAtStake) unless `discard_imports`.
    """
    from ..ingest.where import Where

    settings = settings or get_settings()
    root = Path(settings.editions_dir)
    edition = eds.get_edition(root, ident)
    f = root / edition.id / "snapshot.json"
    try:
        snapshot = json.loads(f.read_text(encoding="utf-8"))
        ws = Workspace.model_validate(snapshot["workspace"])
        where = Where.from_json(snapshot["locations"])
    except (OSError, ValueError, KeyError, TypeError) as exc:  # ValidationError is a ValueError
        raise eds.EditionError(
            f"{f}: the edition's snapshot cannot be read ({type(exc).__name__}); an edition is "
            "never changed after it is published: restore the folder from a backup"
        ) from None
    at_stake = core.imports_at_stake(store, ws)
    if at_stake and not discard_imports:
        raise ImportsAtStake(core.at_stake_message(at_stake))
    store.replace(ws, f"edition:{edition.id}", where)
    return edition.id, ws
