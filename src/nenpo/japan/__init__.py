"""The Japanese conventions nenpo lives on, one implementation each: the bottom layer.

- `periods`: 年, 年度, 月 and 和暦 (eras and their boundaries): parse and print;
- `numbers`: 万/億, 割, ポイント and rounding words (約, 超, 未満 …): parse and print, ja and en;
- `codes`: JIS X 0401 prefecture and JIS X 0402 municipality codes (check digits), names.

Nothing here imports another part of nenpo but `nenpo.errors`: ingest, check, report, charts,
portfolio and render all build on it.
"""
