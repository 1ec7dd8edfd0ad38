"""Where nenpo may write and what it may serve: output folders checked before any work, and the
line between public trees and staff-only pages.

A folder nenpo builds holds a marker file: `.nenpo-build` for every build, and `.nenpo-internal`
besides for the staff-only portfolio pages (internal: risk, staffing and budget detail). The CLI
and every server ask these functions before they write or serve.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from .errors import FileAccessError, SettingsError

BUILD_MARKER = ".nenpo-build"
STAFF_MARKER = ".nenpo-internal"
# Every staff-only page says so in its <head> (templates/page.html), so a page copied out of its
# folder is still recognised.
STAFF_META = '<meta name="nenpo-audience" content="staff">'
_HEAD_BYTES = 4096


def check_out_dir(out: Path, option: str = "--out") -> None:
    """Refuse, before any work, an output folder nenpo could not write or must not replace."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise SettingsError(
            f"{option} {out}: is a file; expected a folder (new, empty, or one nenpo built)"
        )
    if out.is_dir() and any(out.iterdir()) and not (out / BUILD_MARKER).exists():
        raise SettingsError(
            f"{option} {out}: exists and was not made by nenpo build; choose another folder "
            "or empty it (nenpo never deletes what it did not make)"
        )
    _check_writable(out, option)


def check_out_file(path: Path, option: str = "--out") -> None:
    """Refuse, before any work, an output file that cannot be written."""
    path = Path(path)
    if path.is_dir():
        raise SettingsError(f"{option} {path}: is a folder; expected a file name")
    if path.exists() and not os.access(path, os.W_OK):
        raise FileAccessError(f"{option} {path}: cannot be written (permission denied)")
    parent = path.absolute().parent
    if not parent.is_dir():
        what = "is not a folder" if parent.exists() else "does not exist"
        raise SettingsError(f"{option} {path}: the folder {parent} {what}; create it first")
    _check_writable(path, option)


def _check_writable(path: Path, option: str) -> None:
    """The nearest existing ancestor of `path` must be a folder nenpo may create files in."""
    parent = path.absolute().parent
    while not parent.exists() and not parent.is_symlink():
        parent = parent.parent
    if not parent.is_dir():
        raise SettingsError(f"{option} {path}: {parent} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise FileAccessError(f"{option} {path}: cannot write into {parent} (permission denied)")


def check_folder_setting(path: Path, name: str) -> None:
    """Refuse, before any work, a setting that names a folder nenpo keeps (the editions, the
    public tree) but is a file or cannot be written."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise SettingsError(f"{name}={path}: is a file; expected a folder")
    _check_writable(path, name)


def public_site_around(folder: Path) -> Path | None:
    """The public site nenpo built that holds `folder` (itself or any parent), if any."""
    folder = Path(folder).absolute()
    for d in (folder, *folder.parents):
        if (d / BUILD_MARKER).is_file() and not (d / STAFF_MARKER).is_file():
            return d
    return None


def check_staff_out(out: Path, *public_roots: Path, option: str = "--out") -> None:
    """Refuse, before any work, a folder for staff-only pages that is, or is inside, a public
    site (any parent) or one of `public_roots` (the editions and the public tree)."""
    out = Path(out)
    site = public_site_around(out)
    if site is None:
        target = _resolved(out)
        for root in public_roots:
            r = _resolved(Path(root))
            if target == r or r in target.parents:
                site = Path(root)
                break
    if site is not None:
        raise SettingsError(
            f"{option} {out}: lies in a folder that holds a public site ({site}); write the "
            "staff-only pages to a folder outside it: they must never be published with it"
        )
    if out.exists() and not out.is_dir():
        raise SettingsError(f"{option} {out}: is a file; expected a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / STAFF_MARKER).exists():
        raise SettingsError(
            f"{option} {out}: exists and does not hold staff-only pages made by nenpo; choose "
            "another folder or empty it"
        )
    _check_writable(out, option)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: compare as written
        return path.absolute()


def staff_files(tree: Path, limit: int = 10) -> list[Path]:
    """Up to `limit` staff-only files in `tree`: everything under a folder nenpo marked as
    staff-only, and any page whose head says it is a staff page."""
    found: list[Path] = []
    for path in _walk(Path(tree)):
        if len(found) >= limit:
            break
        if path.name == STAFF_MARKER or (path.suffix == ".html" and _is_staff_page(path)):
            found.append(path)
    return found


def _walk(tree: Path) -> Iterator[Path]:
    for d, _dirs, files in os.walk(tree):  # symbolic links to folders are not followed
        for f in sorted(files):
            yield Path(d) / f


def _is_staff_page(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            head = f.read(_HEAD_BYTES)
    except OSError:
        return False
    return STAFF_META.encode() in head


def check_servable(tree: Path, staff: bool = False) -> None:
    """Refuse to serve a tree that is not a built site, or that holds staff-only pages when
    not serving them on purpose (`staff`)."""
    tree = Path(tree)
    if not tree.is_dir():
        raise SettingsError(f"--dir {tree}: not a folder; build a site first (nenpo build --out)")
    if not (tree / "index.html").is_file():
        raise SettingsError(
            f"--dir {tree}: has no index.html; build a site into it first (nenpo build --out)"
        )
    if staff:
        return
    found = staff_files(tree)
    if found:
        shown = ", ".join(str(p.relative_to(tree)) for p in found[:3])
        raise SettingsError(
            f"--dir {tree}: holds staff-only pages ({shown}{', …' if len(found) > 3 else ''}), "
            "which must never be published; serve a public site, or serve staff pages on "
            "purpose with --staff (on 127.0.0.1 only)"
        )
