"""`nenpo serve --watch`: the preview rebuilds what a save touches, the open page reloads, a
build that stops shows why (file:line) over the last good build, which stays served.

The preview is tested directly (nenpo.preview), then in Debian's chromium through the server
the command runs (Playwright).
"""

from __future__ import annotations

import re
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from nenpo.charts.memo import MEMO
from nenpo.preview import Preview
from nenpo.web.static import SiteServer, bind
from nenpo.web.watch import Hub, Watcher, preview_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ABOUT = "content/about.md"
ABOUT_PAGE = "introduction/about.html"
SERVICES = "observations/services.csv"
PROJECT_PAGE = "projects/health-medical-care.html"
ROW = re.compile(r"^maina_hokensho_use_rate,2024-07,[0-9.]+,", re.M)


def _text(html: bytes) -> str:
    return BeautifulSoup(html, "html.parser").get_text(" ")


def _set_rate(ws: Path, value: str) -> Path:
    f = ws / SERVICES
    f.write_text(ROW.sub(f"maina_hokensho_use_rate,2024-07,{value},", f.read_text()))
    return f


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory, example_dir: Path) -> Preview:
    ws = tmp_path_factory.mktemp("watch") / "ws"
    shutil.copytree(example_dir, ws)
    p = Preview(ws, "ja")
    first = p.build(None)
    assert first.ok and first.kind == "full", first.problems
    return p


def test_an_edit_of_prose_rebuilds_its_page_and_remakes_no_chart(preview: Preview) -> None:
    before = dict(preview.files)
    hits, misses = MEMO.hits, MEMO.misses
    f = preview.root / ABOUT
    f.write_text(f.read_text() + "\n追記した一文です。\n", encoding="utf-8")
    out = preview.build({f})
    assert out.ok and out.kind == "prose"
    assert out.changed == [ABOUT_PAGE]  # the other pages, charts and data are as they were
    assert "追記した一文です。" in _text(preview.files[ABOUT_PAGE])
    assert "追記した一文です。" not in _text(before[ABOUT_PAGE])
    assert MEMO.misses == misses and MEMO.hits > hits  # every chart came from the memo


def test_an_edit_of_prose_that_cites_an_indicator_updates_its_dashboard_page(
    preview: Preview,
) -> None:
    """The dashboard is kept while prose changes, but not when the prose cites another
    indicator: its page lists the pages that cite it."""
    f = preview.root / ABOUT
    text = f.read_text(encoding="utf-8")
    pages = {
        p.split("/")[1]: p
        for p in preview.files
        if re.fullmatch(r"dashboard/[a-z0-9_]+/index\.html", p)
    }
    uncited = [i for i, p in sorted(pages.items()) if ABOUT_PAGE not in _links(preview.files[p])]
    assert uncited
    ind = "card_holders" if "card_holders" in uncited else uncited[0]
    f.write_text(text + f"\n{{{{ value {ind} }}}}\n", encoding="utf-8")
    try:
        out = preview.build({f})
        assert out.ok and out.kind == "prose", out.problems
        assert ABOUT_PAGE in out.changed and pages[ind] in out.changed
        assert ABOUT_PAGE in _links(preview.files[pages[ind]])
    finally:
        f.write_text(text, encoding="utf-8")
    back = preview.build({f})
    assert back.ok and pages[ind] in back.changed
    assert ABOUT_PAGE not in _links(preview.files[pages[ind]])


def _links(html: bytes) -> list[str]:
    """The pages a dashboard page links, as site paths."""
    soup = BeautifulSoup(html, "html.parser")
    return [a["href"].removeprefix("../../") for a in soup.select("a[href]")]


def test_an_edit_of_data_changes_the_pages_and_charts_that_show_it(preview: Preview) -> None:
    assert "21.37%" not in _text(preview.files[PROJECT_PAGE])
    out = preview.build({_set_rate(preview.root, "21.37")})
    assert out.ok and out.kind == "full"
    assert PROJECT_PAGE in out.changed
    assert "21.37%" in _text(preview.files[PROJECT_PAGE])  # the latest value and its table
    csv = [p for p in out.changed if p.startswith("data/") and p.endswith(".csv")]
    assert csv and all(b"21.37" in preview.files[p] for p in csv)
    assert ABOUT_PAGE not in out.changed


def test_the_open_data_follows_an_edit_of_data(preview: Preview) -> None:
    """After the pages (the test above set 21.37): the open data's files, made once."""
    tables = [p for p in preview.files if p.startswith("data/") and p.endswith(".xlsx")]
    assert tables
    out = preview.follow_data()
    assert out.ok and out.kind == "data" and out.changed
    assert all(p.startswith("data/") for p in out.changed)
    assert set(tables) <= set(preview.files)  # every table is still served
    made = [p for p in out.changed if p.endswith(".csv")]
    assert made and any(b"21.37" in preview.files[p] for p in made)
    assert preview.follow_data().changed == []  # nothing left to make


def test_a_build_that_stops_says_where_and_keeps_the_last_good_build(preview: Preview) -> None:
    good = dict(preview.files)
    f = preview.root / ABOUT
    text = f.read_text(encoding="utf-8")
    f.write_text(text + "\n{{ value no_such_indicator }}\n", encoding="utf-8")
    line = len((text + "\n").splitlines()) + 1
    out = preview.build({f})
    assert not out.ok and out.changed == []
    assert [p.where for p in out.problems] == [f"{ABOUT}:{line}"]
    assert "no_such_indicator" in out.problems[0].message
    assert preview.files == good  # the last good build is still what is served
    f.write_text(text, encoding="utf-8")
    back = preview.build({f})
    assert back.ok and back.problems == [] and preview.problems == []


def test_the_pdfs_follow_the_pages(preview: Preview) -> None:
    out = preview.print()
    assert out.ok and {"report.pdf", "deck.pdf"} <= set(preview.files)
    assert preview.files["report.pdf"].startswith(b"%PDF")
    assert "報告書（PDF、" in _text(preview.files["index.html"])  # linked with its pages
    again = preview.print()
    assert again.ok and again.changed == []  # nothing changed: nothing compiled or replaced


# ── in a browser ──────────────────────────────────────────────────────────────────────────────


@pytest.fixture
def served(tmp_path: Path, example_dir: Path) -> Iterator[tuple[str, Path]]:
    if not Path(CHROMIUM).exists():
        print("SKIP reason: chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    ws = tmp_path / "ws"
    shutil.copytree(example_dir, ws)
    hub = Hub()
    watcher = Watcher(Preview(ws, "ja"), hub, pdf=False)
    watcher.start()
    server = SiteServer(preview_app(watcher.preview, hub), bind("127.0.0.1", 0))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.url, ws
    finally:
        hub.close()
        watcher.stop()
        server.shutdown()
        server.server_close()


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.status, r.read()


def test_the_open_page_reloads_and_shows_problems_over_the_last_good_build(
    served: tuple[str, Path],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, ws = served
    about = ws / ABOUT
    original = about.read_text(encoding="utf-8")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(base + ABOUT_PAGE, wait_until="load")
        page.wait_for_selector("html[data-nenpo-live=open]", state="attached")
        # An edit: the page reloads itself and shows it.
        about.write_text(original + "\n保存すると表示される一文。\n", encoding="utf-8")
        expect(page.locator("main")).to_contain_text("保存すると表示される一文。", timeout=60_000)
        # A build that stops: the page shows what and where, over the last good build.
        broken = original + "\n保存すると表示される一文。\n\n{{ value no_such_indicator }}\n"
        about.write_text(broken, encoding="utf-8")
        line = len(broken.splitlines())
        box = page.locator("#nenpo-problems")
        expect(box).to_be_visible(timeout=60_000)
        expect(box).to_have_attribute("role", "alert")
        expect(box.locator(".nenpo-where")).to_have_text(f"{ABOUT}:{line}")
        expect(box).to_contain_text("no_such_indicator")
        expect(page.locator("main")).to_contain_text("保存すると表示される一文。")
        status, body = _get(base + ABOUT_PAGE)  # what is served is still the last good build
        assert status == 200 and "保存すると表示される一文。" in _text(body)
        assert "no_such_indicator" not in _text(body)
        # A page opened now shows the problems too.
        other = browser.new_page()
        other.goto(base, wait_until="load")
        expect(other.locator("#nenpo-problems .nenpo-where")).to_have_text(f"{ABOUT}:{line}")
        # Fixed: the problems go, the page shows the fix.
        about.write_text(original + "\n直した一文。\n", encoding="utf-8")
        expect(page.locator("main")).to_contain_text("直した一文。", timeout=60_000)
        expect(page.locator("#nenpo-problems")).to_have_count(0)
        expect(other.locator("#nenpo-problems")).to_have_count(0, timeout=60_000)
        browser.close()


def test_the_preview_serves_no_hidden_file_and_only_its_pages_get_the_script(
    served: tuple[str, Path],
) -> None:
    base, _ws = served
    status, body = _get(base)
    assert status == 200 and b'<script src="/_nenpo/live.js?v=' in body
    status, css = _get(base + "static/nenpo.css")
    assert status == 200 and b"/_nenpo/" not in css
    for path in (".nenpo-build", "static/.hidden", "nope.html"):
        with pytest.raises(urllib.error.HTTPError) as err:
            _get(base + path)
        assert err.value.code == 404
