"""The example's edition history: replay/replay.py publishes the seed's year as three editions.

The replay (in a temporary folder, on SQLite) publishes the first edition with the seed's
mistakes put back (accepted by name: the check refuses them), then the updates of 2024-09-02 and
2024-09-04. Asserted from what it leaves: the parsed 更新履歴 page of the last edition, the drafts
nenpo made from the diffs, the deck's pages each entry links to, and the internal records.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from nenpo.settings import bundled_example

from . import pdfread as pr

SRC = Path(__file__).resolve().parents[1] / "src"
FIRST, UPDATES = "2024-08-30", ("2024-09-02", "2024-09-04")

# The seed's 更新履歴, copied from its text (shared/seed/…txt): the two dated updates, with the
# eleven corrections of the second.
SEED_UPDATES = {
    "2024年9月2日更新": ["デジタル庁年次報告 会見資料8ページの一部を修正しました。"],
    "2024年9月4日更新": [
        "デジタル庁年次報告 会見資料の一部を修正しました。",
        "5ページ、利用満足度の凡例に誤りがありましたので修正しました(正:Bどちらともいえない、C満足していない)",
        "10ページ、住民向け行政サービスのマイナンバーカードの所有について記載を修正しました(正:国民の約75%が所有)",
        "16ページ、デジタル社会の賛同の凡例に誤りがありましたので修正しました(正:A良いと思う、Bどちらともいえない、C良いと思わない)",
        "16ページ、デジタル社会の適応の凡例に誤りがありましたので修正しました(正:A適応できている、Bどちらともいえない、C適応できていない)",
        "16ページ、行政サービスの満足の凡例に誤りがありましたので修正しました(正:Bどちらともいえない、C満足していない)",
        "29ページ、職員数の年月に誤りがありましたので修正しました(正:2021.9、2022.7、2023.7、2024.7)",
        "29ページ、職員構成の凡例に誤りがありましたので修正しました(正:自治体出身)",
        "30ページ、個人情報保護の徹底の記載に誤りがありましたので修正しました(正:個人情報保護研修の受講率)",
        "30ページ、プロジェクト管理と評価における3つの取組について補足を追記しました(追記:【プロジェクト管理における取組】)",
        "32ページ、職員の組織信頼度の年月に誤りがありましたので修正しました(正:2021.11、2022.5、2022.11、2023.11)",
        "38ページ、府省庁の連携強化の記載に誤りがありましたので修正しました(正:各府省庁DX推進連絡会議の実施)",
    ],
}
CORRECTION = re.compile(r"^(\d+)ページ、.*\((?:正|追記):(.+)\)$")


def _corrections() -> list[tuple[int, str]]:
    """(deck page, what the page says after the correction) for each of the eleven."""
    out = []
    for line in SEED_UPDATES["2024年9月4日更新"][1:]:
        m = CORRECTION.match(line)
        assert m, line
        out.append((int(m.group(1)), m.group(2)))
    return out


def test_the_list_is_the_seeds() -> None:
    for parent in Path(__file__).resolve().parents:
        seed = parent / "shared" / "seed"
        if seed.is_dir():
            text = next(seed.glob("*.txt")).read_text(encoding="utf-8")
            for heading, lines in SEED_UPDATES.items():
                assert heading in text
                for line in lines:
                    assert line in text, line
            break
    else:
        print("the seed is not beside this checkout: the list is checked against it elsewhere")
    assert len(_corrections()) == 11


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("replay") / "out"
    script = bundled_example() / "replay" / "replay.py"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }
    for k in ("NENPO_DATABASE_URL", "NENPO_EDITIONS_DIR", "NENPO_PUBLIC_DIR"):
        env.pop(k, None)
    r = subprocess.run(
        [sys.executable, str(script), str(out)], env=env, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return out


def _history(replayed: Path) -> dict[str, list[tuple[str, str]]]:
    page = replayed / "public" / "editions" / UPDATES[-1] / "history.html"
    doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return {
        s.h2.get_text(strip=True): [
            (a.get_text(strip=True), str(a["href"])) for a in s.select("li a")
        ]
        for s in doc.select("main section.revision")
        if s.h2 is not None
    }


def test_the_history_lists_both_updates_and_every_correction_with_its_deck_page(
    replayed: Path,
) -> None:
    history = _history(replayed)
    assert list(history) == list(SEED_UPDATES)
    for heading, lines in SEED_UPDATES.items():
        assert [text for text, _ in history[heading]] == lines
    # Each correction links to its page of the deck; the 2024-09-02 one to that edition's.
    for text, href in history["2024年9月4日更新"][1:]:
        page = CORRECTION.match(text).group(1)  # type: ignore[union-attr]
        assert href == f"deck.pdf#page={page}", (text, href)
    assert history["2024年9月2日更新"] == [
        (SEED_UPDATES["2024年9月2日更新"][0], f"../{UPDATES[0]}/deck.pdf#page=8")
    ]
    # The public tree serves the latest edition at its root, with the same history.
    root = (replayed / "public" / "index.html").read_text(encoding="utf-8")
    assert UPDATES[-1] in root


def test_nenpo_drafted_each_correction_on_the_seeds_page(replayed: Path) -> None:
    """The editor replaced the wording, not the substance: every correction of the seed was
    drafted from the diff, citing the same deck page and the corrected words."""
    drafted = json.loads((replayed / f"draft-{UPDATES[-1]}.json").read_text(encoding="utf-8"))
    entries = [e["text"] for e in drafted["entries"]]
    cited = [re.match(r"会見資料(\d+)ページ、", t) for t in entries]
    assert all(cited), entries  # every drafted entry cites a page of the deck
    pages = Counter(int(m.group(1)) for m in cited if m)
    assert pages == Counter(p for p, _ in _corrections()), entries
    for page, words in _corrections():
        mine = [t for t in entries if t.startswith(f"会見資料{page}ページ、")]
        assert any(words in t for t in mine), (page, words, mine)
    first = json.loads((replayed / f"draft-{UPDATES[0]}.json").read_text(encoding="utf-8"))
    assert [e["text"][:9] for e in first["entries"]] == ["会見資料8ページ、"]


@pytest.mark.skipif(not pr.POPPLER, reason=pr.NO_POPPLER)
def test_each_linked_deck_page_holds_the_correction_and_the_first_edition_the_mistake(
    replayed: Path,
) -> None:
    def deck(edition: str) -> list[str]:
        pdf = replayed / "editions" / edition / "site" / "deck.pdf"
        return [re.sub(r"\s+", "", p) for p in pr.page_texts(pdf)]

    last, first = deck(UPDATES[-1]), deck(FIRST)
    for page, words in _corrections():
        # 「A良いと思う、Bどちらともいえない」: each label without its letter; 【】 as printed.
        for item in (re.sub(r"^[A-C](?=\D)", "", w).strip("【】") for w in words.split("、")):
            assert item in last[page - 1], (page, item)
    assert "国民の約75%が所有" not in first[9] and "国民の約70%が所有" in first[9]
    assert "自治体出身" not in first[28] and "地方自治体" in first[28]
    assert "プロジェクト管理における取組" not in first[29]
    assert "各府省庁DX推進連絡会議の実施" not in first[37]


def test_the_first_edition_records_who_accepted_its_errors_internally(replayed: Path) -> None:
    record = json.loads((replayed / "editions" / FIRST / "accepted.json").read_text("utf-8"))
    assert {r["rule"] for r in record} == {"legend-labels", "axis-labels", "override-text"}
    assert all(r["accepted_by"] and r["reason"] for r in record)
    assert not (replayed / "editions" / UPDATES[-1] / "accepted.json").exists()
    public = [p.name for p in (replayed / "public").rglob("*")]
    assert "accepted.json" not in public


def test_the_last_edition_is_the_example_itself(replayed: Path) -> None:
    """After both updates, every file the replay changed is the example's again."""
    mistakes = yaml.safe_load(
        (bundled_example() / "replay" / "mistakes.yaml").read_text(encoding="utf-8")
    )
    assert {str(m["edition"]) for m in mistakes} == set(UPDATES)
    for name in {m["file"] for m in mistakes}:
        example = (bundled_example() / name).read_text(encoding="utf-8")
        assert (replayed / "ws" / name).read_text(encoding="utf-8") == example, name
    hashes = [
        json.loads((replayed / "editions" / e / "edition.json").read_text("utf-8"))["content_hash"]
        for e in (FIRST, *UPDATES)
    ]
    assert len(set(hashes)) == 3


def test_older_editions_say_they_were_corrected_later(replayed: Path) -> None:
    """A reader on an older edition's page learns that a later edition corrected it."""
    public = replayed / "public" / "editions"

    def notice(path: Path) -> Tag | None:
        doc = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        return doc.select_one("main > p.superseded")

    for edition, corrected_by in ((FIRST, UPDATES[0]), (UPDATES[0], UPDATES[1])):
        pages = sorted((public / edition).rglob("*.html"))
        assert pages
        for page in (pages[0], public / edition / "index.html", public / edition / "history.html"):
            note = notice(page)
            assert note is not None, page
            assert corrected_by in note.get_text()
            link = note.find("a")
            assert link is not None
            target = (page.parent / str(link["href"])).resolve()
            assert target == (public / UPDATES[-1] / "history.html").resolve()
        # The edition as published is unchanged: only its public copy carries the notice.
        kept = replayed / "editions" / edition / "site" / "index.html"
        assert notice(kept) is None
    assert all(notice(p) is None for p in (public / UPDATES[-1]).rglob("*.html"))
