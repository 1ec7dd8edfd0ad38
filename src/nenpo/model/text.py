"""Text in the report's languages: Japanese required, English optional."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema


class I18n(BaseModel):
    """A text in Japanese (`ja`, required) and English (`en`); a plain string means Japanese."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ja: str
    en: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_plain_string(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"ja": data}
        return data

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # The schema says what authors may write: a plain string (Japanese) or {ja, en}.
        return {"anyOf": [{"type": "string"}, handler(core_schema)]}

    def get(self, lang: str = "ja") -> str:
        """The text in `lang`, falling back to Japanese where no translation exists."""
        if lang == "en" and self.en:
            return self.en
        return self.ja

    def __str__(self) -> str:
        return self.ja
