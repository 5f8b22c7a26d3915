"""How each modelled column turns into a Service field and back, and the derived fields."""

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from outsidein.exchange.gc_inventory.layout import (
    CHANNEL_VOLUMES,
    CLIENT_TYPES,
    ONLINE_FLAGS,
)
from outsidein.standards.models import Service
from outsidein.standards.vocabulary import Channel


class ColumnInvalid(ValueError):
    """A source value the model cannot take; the message is the reason shown to the user."""


def _max_length(field: str) -> int:
    return Service._meta.get_field(field).max_length


def _text_in(raw: str) -> str:
    return raw.strip()


def _text_out(value: str) -> str:
    return value


def _fee_in(raw: str) -> bool:
    flag = raw.strip().upper()
    if flag not in {"Y", "N"}:
        raise ColumnInvalid("must be Y or N")
    return flag == "Y"


def _fee_out(value: bool) -> str:
    return "Y" if value else "N"


# One quoted Python-style string literal, as the publisher writes each program name.
_QUOTED = re.compile(r"""\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\s*(?:,|$)""", re.DOTALL)
_PROGRAM_SEPARATOR = "; "


def program_names(raw: str) -> list[str]:
    """The program names of a program_name_* value (`'A', "B's"`), or the bare text as one."""
    names, position = [], 0
    text = raw.strip()
    while position < len(text):
        match = _QUOTED.match(text, position)
        if match is None:
            return [text] if text else []
        token = match.group(1)
        if "\\" not in token:
            names.append(token[1:-1])  # the common case, without the cost of literal_eval
        else:
            try:
                names.append(ast.literal_eval(token))
            except (SyntaxError, ValueError):
                return [text]
        position = match.end()
    return names


def _program_in(raw: str) -> str:
    return _PROGRAM_SEPARATOR.join(program_names(raw))


def _program_out(value: str) -> str:
    names = value.split(_PROGRAM_SEPARATOR) if value else []
    return ", ".join(repr(name) for name in names)


_url_valid = URLValidator(schemes=["http", "https"])
_SPACE = re.compile(r"\s")


def _url_in(raw: str) -> str:
    candidate = raw.strip()
    if not candidate or _SPACE.search(candidate):
        return ""
    if "://" not in candidate:
        # The publisher's file often gives "www.canada.ca/..." without a scheme.
        candidate = f"https://{candidate}"
    if len(candidate) > _max_length("url_en"):
        return ""
    try:
        _url_valid(candidate)
    except ValidationError:
        return ""
    return candidate


@dataclass(frozen=True)
class Codec:
    """A modelled column: the Service field it fills, reading a source value, writing one."""

    field: str
    decode: Callable[[str], Any]
    encode: Callable[[Any], str]


# Columns held in Service fields. Any source value that encode(decode(value)) does not give
# back is also kept verbatim in source_attributes, so an export reproduces the file.
CODECS: dict[str, Codec] = {
    "service_id": Codec("code", _text_in, _text_out),
    "service_name_en": Codec("name_en", _text_in, _text_out),
    "service_name_fr": Codec("name_fr", _text_in, _text_out),
    "service_description_en": Codec("description_en", _text_in, _text_out),
    "service_description_fr": Codec("description_fr", _text_in, _text_out),
    "service_fee": Codec("has_fee", _fee_in, _fee_out),
    "program_name_en": Codec("program_en", _program_in, _program_out),
    "program_name_fr": Codec("program_fr", _program_in, _program_out),
    "service_uri_en": Codec("url_en", _url_in, _text_out),
    "service_uri_fr": Codec("url_fr", _url_in, _text_out),
}


def source_value(column: str, service: Service, attributes: Mapping[str, Any]) -> str:
    """The value to export for a modelled column: the original while the field still matches."""
    codec = CODECS[column]
    value = getattr(service, codec.field)
    original = attributes.get(column)
    if isinstance(original, str):
        try:
            if codec.decode(original) == value:
                return original
        except ColumnInvalid:
            pass
    return codec.encode(value)


_CHANNEL_ORDER = tuple(Channel.values)


def _codes(raw: str | None) -> list[str]:
    return [code.strip().upper() for code in (raw or "").split(",") if code.strip()]


def client_types_served(row: Mapping[str, str | None]) -> list[str]:
    """ClientType values for the row's client_target_groups, in ClientType order."""
    wanted = {CLIENT_TYPES[code] for code in _codes(row.get("client_target_groups"))
              if code in CLIENT_TYPES}
    return [value for value in CLIENT_TYPES.values() if value in wanted]


def _reports_use(raw: str | None) -> bool:
    value = (raw or "").strip().replace(",", "")
    return value.isdigit() and int(value) > 0


def channels_offered(row: Mapping[str, str | None]) -> list[str]:
    """Channels the row shows clients using: a positive volume, or an online-enabled step."""
    offered = {channel for channel, columns in CHANNEL_VOLUMES.items()
               if any(_reports_use(row.get(column)) for column in columns)}
    if any((row.get(flag) or "").strip().upper() == "Y" for flag in ONLINE_FLAGS):
        offered.add(Channel.ONLINE)
    return [value for value in _CHANNEL_ORDER if value in offered]
