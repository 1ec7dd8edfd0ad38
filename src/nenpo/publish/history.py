"""The revision history (更新履歴) page and its Atom feed, from the editions' entries."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from html import escape

from .editions import Edition

ATOM = "http://www.w3.org/2005/Atom"


def _day(iso: str, lang: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日更新" if lang == "ja" else f"Updated {d.isoformat()}"


def _href(edition: Edition, current: str, path: str) -> str:
    """Link from the current edition's history page to `path` in `edition`."""
    return path if edition.id == current else f"../{edition.id}/{path}"


def history_html(editions: list[Edition], current: str, lang: str = "ja") -> str:
    """The body of history.html in edition `current`: entries grouped by date, as the seed."""
    ja = lang == "ja"
    parts = []
    corrected = [e for e in editions if e.entries]
    if not corrected:
        parts.append(f"<p>{'更新履歴はまだありません。' if ja else 'No revisions yet.'}</p>")
    by_date: dict[str, list[Edition]] = {}
    for e in corrected:
        by_date.setdefault(e.date, []).append(e)
    for day, eds in by_date.items():
        items = "".join(
            f'<li><a href="{escape(_href(e, current, entry.page))}">{escape(entry.text)}</a></li>'
            for e in eds
            for entry in e.entries
        )
        parts.append(
            f'<section class="revision"><h2>{_day(day, lang)}</h2><ul>{items}</ul></section>'
        )
    rows = "".join(
        f'<tr><th scope="row"><a href="{escape(_href(e, current, "index.html"))}">'
        f"{escape(e.id)}</a></th><td>{escape(e.date)}</td>"
        f'<td><a href="{escape(_href(e, current, "report.pdf"))}">PDF</a></td></tr>'
        for e in reversed(editions)
    )
    head = ("版", "公表日", "報告書") if ja else ("Edition", "Published", "Report")
    parts.append(
        f"<h2>{'版の一覧' if ja else 'Editions'}</h2><table><caption>"
        f"{'公表した版' if ja else 'Published editions'}</caption><thead><tr>"
        + "".join(f'<th scope="col">{h}</th>' for h in head)
        + f"</tr></thead><tbody>{rows}</tbody></table>"
        f'<p><a href="feed.xml">{"更新履歴のAtomフィード" if ja else "Atom feed"}</a></p>'
    )
    return "".join(parts)


def atom_feed(editions: list[Edition], title: str, base_url: str = "") -> bytes:
    """An Atom feed with one entry per edition that corrected something, newest first."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = f"{title} 更新履歴"
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"urn:nenpo:history:{title}"
    latest = editions[-1].created_at if editions else "1970-01-01T00:00:00+00:00"
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = latest
    for e in reversed(editions):
        if not e.entries:
            continue
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = _day(e.date, "ja")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:nenpo:edition:{e.id}"
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = e.created_at
        ET.SubElement(entry, f"{{{ATOM}}}link", href=f"{base_url}editions/{e.id}/history.html")
        content = ET.SubElement(entry, f"{{{ATOM}}}content", type="text")
        content.text = "\n".join(x.text for x in e.entries)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
