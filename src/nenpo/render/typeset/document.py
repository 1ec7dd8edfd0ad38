"""A Typst document to compile: its source, the files it reads, and what each part prints."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

END = "#metadata(none) <nenpo-end>"  # every document ends with it: the engine reads its page


@dataclass
class Document:
    """One PDF to compile: its Typst source and the files it reads (name → bytes).

    `places`: (first line in `main`, what that part prints — "projects/a.html", "slide 3"),
    so that an error Typst reports at a line can name what the reader would look for.
    """

    name: str
    main: str
    files: dict[str, bytes] = field(default_factory=dict)
    lang: str = "ja"
    places: list[tuple[int, str]] = field(default_factory=list)

    def place_of(self, line: int) -> str | None:
        """What the part holding `line` (1-based) of the source prints, if known."""
        starts = [start for start, _ in self.places]
        i = bisect.bisect_right(starts, line) - 1
        return self.places[i][1] if i >= 0 else None


def assemble(name: str, parts: list[tuple[str | None, str]], lang: str) -> Document:
    """A document from its parts — (what it prints or None, Typst source) — in order, ending
    with END."""
    main, places, line = [], [], 1
    for where, source in [*parts, (None, END)]:
        if not source:
            continue
        places.append((line, where or ""))
        main.append(source)
        line += source.count("\n") + 2  # the blank line between parts
    return Document(name, "\n\n".join(main) + "\n", lang=lang, places=places)
