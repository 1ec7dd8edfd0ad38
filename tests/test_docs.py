"""Docs stay true: the schema is the generated one; every command and setting is documented."""

from __future__ import annotations

import json
from pathlib import Path

from nenpo.cli import app
from nenpo.ingest.schema import workspace_schema
from nenpo.settings import Settings

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_committed_schema_is_current() -> None:
    committed = json.loads((DOCS / "schema.json").read_text(encoding="utf-8"))
    assert committed == workspace_schema(), "run: nenpo schema --out docs/schema.json"


def test_every_command_is_documented() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    for cmd in app.registered_commands:
        name = cmd.name or cmd.callback.__name__  # type: ignore[union-attr]
        assert f"## nenpo {name}" in text, name


def test_every_setting_is_documented() -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        assert f"NENPO_{name.upper()}" in text, name
        assert field.description, name


def _jsonable(value: object) -> object:
    """YAML dates → ISO strings, as JSON Schema sees YAML through a JSON lens."""
    import datetime

    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def test_schema_validates_the_example_and_rejects_a_typo(example_dir: Path) -> None:
    import jsonschema
    import yaml

    schema = workspace_schema()["properties"]
    for name, sub in schema.items():
        files = sorted(example_dir.glob(name))
        for f in files:
            data = _jsonable(yaml.safe_load(f.read_text(encoding="utf-8")))
            jsonschema.validate(data, sub)
    bad = _jsonable(yaml.safe_load((example_dir / "indicators.yaml").read_text()))
    bad[0]["unti"] = "人"  # type: ignore[index]
    try:
        jsonschema.validate(bad, schema["indicators.yaml"])
    except jsonschema.ValidationError as exc:
        assert "unti" in exc.message
    else:
        raise AssertionError("the schema accepted an unknown field")


def test_every_check_rule_is_documented() -> None:
    from nenpo.check import RULES

    text = (DOCS / "check.md").read_text(encoding="utf-8")
    for rule, (severity, _what) in RULES.items():
        assert f"| `{rule}` | {severity} |" in text, rule


def test_every_exit_code_is_documented() -> None:
    """Each error class's exit code, and the bug and file-access codes, are in cli.md's table."""
    import nenpo.ingest.importer
    import nenpo.ingest.tables
    import nenpo.portfolio.allocate
    import nenpo.portfolio.view
    import nenpo.publish.editions  # noqa: F401 - they define error classes
    from nenpo.cli import BUG_EXIT
    from nenpo.errors import NenpoError

    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    table = text[text.index("## Exit codes") :]
    classes: list[type] = [NenpoError]
    codes = {BUG_EXIT}
    while classes:
        cls = classes.pop()
        codes.add(cls.exit_code)  # type: ignore[attr-defined]
        classes.extend(cls.__subclasses__())
    for code in codes:
        assert f"\n| {code} |" in table, code
