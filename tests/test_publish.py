"""Editions: publish, diff, drafted 更新履歴, immutability, atomic writes under SIGKILL."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from nenpo import core
from nenpo.publish import pipeline
from nenpo.publish.editions import EditionError, list_editions
from nenpo.settings import Settings
from nenpo.store import Store, open_store

BASE = Path(__file__).resolve().parent / "errata" / "base"


@pytest.fixture
def env(tmp_path: Path) -> tuple[Path, Settings, Store]:
    ws = tmp_path / "ws"
    shutil.copytree(BASE, ws)
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'n.db'}",
        editions_dir=str(tmp_path / "editions"),
        public_dir=str(tmp_path / "public"),
    )
    store = open_store(settings.database_url)
    core.load(ws, store)
    return ws, settings, store


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _three_corrections(ws: Path) -> None:
    # One legend label, one axis label (an observation's date) and one value.
    _edit(
        ws / "surveys.yaml", "{id: bad, label: 良いと思わない}", "{id: bad, label: 良くないと思う}"
    )
    _edit(ws / "observations" / "data.csv", "staff_count,2022-07,750", "staff_count,2022-08,750")
    _edit(
        ws / "observations" / "data.csv",
        "card_holding_rate,2024-08,75",
        "card_holding_rate,2024-08,74",
    )


def test_publish_then_correct_three_things(env: tuple[Path, Settings, Store]) -> None:
    ws, settings, store = env
    first = pipeline.publish(store, "承認者A", day=date(2024, 9, 2), settings=settings)
    assert first.edition.id == "2024-09-02" and first.edition.entries == []
    _three_corrections(ws)
    core.load(ws, store)
    second = pipeline.publish(store, "承認者A", day=date(2024, 9, 4), settings=settings)
    kinds = sorted((c.kind, c.page) for c in second.changes)
    assert kinds == [
        ("axis", "deck/p29.html"),
        ("legend", "deck/p16.html"),
        ("value", "deck/p10.html"),
    ]
    texts = [e.text for e in second.edition.entries]
    assert len(texts) == 3
    # Each entry cites the page of report.pdf the change is printed on, as the seed's errata do.
    pages = json.loads((second.path / "site" / "pages.json").read_text(encoding="utf-8"))
    assert texts[0].startswith(f"報告書{pages['report']['deck/p10.html']}ページ、")
    assert texts[1].startswith(f"報告書{pages['report']['chart:approval']}ページ、")
    assert texts[2].startswith(f"報告書{pages['report']['chart:staff']}ページ、")
    legend = next(t for t in texts if "凡例" in t)
    assert (
        "デジタル社会の賛同の凡例に誤りがありましたので修正しました(正:C良くないと思う)" in legend
    )
    axis = next(t for t in texts if "年月" in t)
    assert (
        "職員数の年月に誤りがありましたので修正しました(正:2021.9、2022.8、2023.7、2024.7)" in axis
    )
    value = next(t for t in texts if "記載" in t)
    assert "74%" in value
    # Quoted as the page reads: no space the page's markup put beside Japanese text.
    assert not re.search(r"[぀-ヿ一-鿿] | [぀-ヿ一-鿿]", value), value
    # nenpo diff gives the same three changes from the stored editions.
    changes, entries = pipeline.diff("2024-09-02", "2024-09-04", settings)
    assert sorted(c.kind for c in changes) == ["axis", "legend", "value"]
    assert [c.where for c in changes] == [t.split("、")[0] for t in texts]
    assert [e.text for e in entries] == texts


def test_history_page_feed_and_stable_urls(env: tuple[Path, Settings, Store]) -> None:
    ws, settings, store = env
    pipeline.publish(store, "承認者A", day=date(2024, 9, 2), settings=settings)
    _three_corrections(ws)
    core.load(ws, store)
    pipeline.publish(store, "承認者A", day=date(2024, 9, 4), settings=settings)
    public = Path(settings.public_dir)
    for ident in ("2024-09-02", "2024-09-04"):
        for output in ("index.html", "report.pdf", "history.html", "feed.xml"):
            assert (public / "editions" / ident / output).is_file(), (ident, output)
    page = BeautifulSoup(
        (public / "editions" / "2024-09-04" / "history.html").read_text(), "html.parser"
    )
    section = page.select_one("section.revision")
    assert section.h2.get_text() == "2024年9月4日更新"
    links = section.select("li a")
    assert len(links) == 3
    for a in links:  # each entry links to the changed page, which exists
        assert (public / "editions" / "2024-09-04" / a["href"]).is_file()
    assert "承認者A" not in (public / "editions" / "2024-09-04" / "history.html").read_text()
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(public / "feed.xml").getroot()
    (entry,) = feed.findall(f"{atom}entry")
    assert "2024年9月4日更新" in (entry.findtext(f"{atom}title") or "")
    assert "凡例" in (entry.findtext(f"{atom}content") or "")
    index = (public / "index.html").read_text()
    assert "editions/2024-09-04/index.html" in index
    assert not list(public.rglob("snapshot.json")), "snapshots stay internal"


def test_published_edition_cannot_be_overwritten(env: tuple[Path, Settings, Store]) -> None:
    ws, settings, store = env
    pipeline.publish(store, "承認者A", day=date(2024, 9, 2), settings=settings)
    _three_corrections(ws)
    core.load(ws, store)
    before = _tree_hash(Path(settings.editions_dir))
    with pytest.raises(EditionError, match="already published and cannot be overwritten"):
        pipeline.publish(store, "承認者A", ident="2024-09-02", settings=settings)
    assert _tree_hash(Path(settings.editions_dir)) == before


def test_nothing_to_publish_is_refused(env: tuple[Path, Settings, Store]) -> None:
    _ws, settings, store = env
    pipeline.publish(store, "承認者A", day=date(2024, 9, 2), settings=settings)
    with pytest.raises(EditionError, match="nothing changed"):
        pipeline.publish(store, "承認者A", day=date(2024, 9, 3), settings=settings)


def test_editor_rewrites_the_draft(env: tuple[Path, Settings, Store], tmp_path: Path) -> None:
    ws, settings, store = env
    pipeline.publish(store, "承認者A", day=date(2024, 9, 2), settings=settings)
    _three_corrections(ws)
    core.load(ws, store)
    drafted = pipeline.publish(
        store, "承認者A", day=date(2024, 9, 4), draft_only=True, settings=settings
    )
    assert drafted.path is None and len(list_editions(Path(settings.editions_dir))) == 1
    f = tmp_path / "errata.yaml"
    pipeline.write_entries(drafted.drafted, f)
    f.write_text(
        f.read_text(encoding="utf-8").replace("凡例に誤り", "凡例の表記に誤り"), encoding="utf-8"
    )
    final = pipeline.publish(
        store, "承認者A", day=date(2024, 9, 4), entries=pipeline.read_entries(f), settings=settings
    )
    assert any("凡例の表記に誤り" in e.text for e in final.edition.entries)


def _tree_hash(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.relative_to(root).as_posix().startswith(".")
    }


def test_sigkill_at_random_moments_never_leaves_half_an_edition(
    env: tuple[Path, Settings, Store],
) -> None:
    ws, settings, store = env
    pipeline.publish(store, "承認者A", day=date(2024, 9, 1), settings=settings)
    root = Path(settings.editions_dir)
    envvars = {
        **os.environ,
        "NENPO_DATABASE_URL": settings.database_url,
        "NENPO_EDITIONS_DIR": settings.editions_dir,
        "NENPO_PUBLIC_DIR": settings.public_dir,
    }
    cmd = [sys.executable, "-m", "nenpo.cli", "publish", "--approver", "承認者A"]
    # How long a whole publish takes here, to spread the kills over it.
    t0 = time.perf_counter()
    _edit(
        ws / "observations" / "data.csv",
        "card_holders,2024-08,93080000",
        "card_holders,2024-08,93080001",
    )
    core.load(ws, store)
    subprocess.run(cmd, env=envvars, check=True, capture_output=True)
    duration = time.perf_counter() - t0
    rng = random.Random(20240904)
    value = 93080001
    outcomes = {"kept": 0, "added": 0}
    for _ in range(20):
        before_ids = {e.id for e in list_editions(root)}
        before = _tree_hash(root)
        value += 1
        _edit(
            ws / "observations" / "data.csv",
            f"card_holders,2024-08,{value - 1}",
            f"card_holders,2024-08,{value}",
        )
        core.load(ws, store)
        proc = subprocess.Popen(
            cmd, env=envvars, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0, duration * 1.1))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        after_ids = {e.id for e in list_editions(root)}
        new = after_ids - before_ids
        assert before_ids <= after_ids and len(new) <= 1
        after = _tree_hash(root)
        for name, digest in before.items():  # every earlier file is byte-identical
            assert after[name] == digest, name
        if new:
            (ident,) = new
            outcomes["added"] += 1
            ed = root / ident
            for part in (
                "edition.json",
                "snapshot.json",
                "units.json",
                "site/index.html",
                "site/history.html",
            ):
                assert (ed / part).is_file(), part
        else:
            outcomes["kept"] += 1
    print(f"SIGKILL outcomes over 20 runs: {outcomes} (a publish takes {duration:.1f} s)")


def test_drafts_cite_every_slide_and_split_a_rewording_from_an_addition(tmp_path: Path) -> None:
    """Without a build: units as two editions would hold them, pages.json as the PDFs write it."""
    from nenpo.publish.diff import diff_units
    from nenpo.publish.errata import Locator, draft
    from nenpo.publish.units import Unit

    def slide(texts: list[str]) -> list[Unit]:
        return [
            Unit(
                f"paragraph:deck.pdf#30:{i}",
                "paragraph",
                "deck.pdf#30",
                "安全性",
                t[:40],
                {"text": t},
            )
            for i, t in enumerate(texts)
        ]

    def chart(path: str, title: str, legend: list[str]) -> Unit:
        rows = [[lab, "1"] for lab in legend]
        fields = {"title": title, "legend": legend, "axis": [], "columns": [], "rows": rows}
        return Unit(f"chart:{path}:sat", "chart", path, "p", title, fields)

    before = [
        chart("progress.html", "満足", ["A", "C", "B"]),
        chart("en/progress.html", "Satisfaction", ["A", "C", "B"]),
        *slide(["安全性", "個人情報保護の徹底：100%"]),
    ]
    after = [
        chart("progress.html", "満足", ["A", "B", "C"]),
        chart("en/progress.html", "Satisfaction", ["A", "B", "C"]),
        *slide(["安全性", "個人情報保護研修の受講率：100%", "【取組】一", "二"]),
    ]
    (tmp_path / "pages.json").write_text(
        json.dumps({"deck": {"chart:sat": 5}, "slides": {"chart:sat": [5, 16]}, "report": {}}),
        encoding="utf-8",
    )
    entries = draft(diff_units(before, after), Locator(tmp_path))
    assert [(e.text.split("、")[0], e.page) for e in entries] == [
        ("会見資料5ページ", "deck.pdf#page=5"),
        ("会見資料16ページ", "deck.pdf#page=16"),
        ("会見資料30ページ", "deck.pdf#page=30"),
        ("会見資料30ページ", "deck.pdf#page=30"),
    ]
    assert "満足の凡例" in entries[0].text  # the first language's title, once per slide
    assert "(正:個人情報保護研修の受講率：100%)" in entries[2].text
    assert "補足を追記しました(追記:【取組】一" in entries[3].text
