"""Every word Coach says, and every LLM prompt, kept as TOML data files beside this module.

Text lives here rather than in code so that a sales leader can change the bot's voice
without touching Python. Placeholders use ``string.Template`` syntax (``$name``), which
cannot evaluate expressions or attributes the way ``str.format`` can.

A message that counts something is a table of plural forms (``one = "…"``, ``other =
"…"``, and for other languages ``few``, ``many``…); :func:`plural` picks the form with
Babel's CLDR plural rules for the locale, so "1 day" and "2 days" are data, not ``if``s.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from string import Template
from typing import Any

from babel import Locale

DEFAULT_LOCALE = "en"


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed contents of ``prompts/<name>.toml`` (``name`` may contain ``/``)."""
    resource = resources.files(__name__).joinpath(*f"{name}.toml".split("/"))
    return tomllib.loads(resource.read_text(encoding="utf-8"))


def text(name: str, key: str, /, **values: object) -> str:
    """One message from ``prompts/<name>.toml``, with ``$placeholders`` filled in.

    ``key`` may be dotted (``"errors.bad_date"``) to reach a nested table.
    """
    node = _node(name, key)
    if not isinstance(node, str):
        raise TypeError(f"prompts/{name}.toml: {key} is not a string")
    return Template(node).substitute({k: str(v) for k, v in values.items()})


def plural(
    name: str, key: str, count: int, /, locale: str = DEFAULT_LOCALE, **values: object
) -> str:
    """The form of a counted message that fits ``count`` (``$count`` is filled in too).

    The table at ``key`` holds one string per CLDR plural category; a category the table
    lacks falls back to ``other``, which every table must have.
    """
    node = _node(name, key)
    if not isinstance(node, dict) or not isinstance(other := node.get("other"), str):
        raise TypeError(f"prompts/{name}.toml: {key} is not a table of plural forms")
    form = node.get(plural_form(count, locale))
    template = form if isinstance(form, str) else other
    return Template(template).substitute(
        {"count": str(count), **{k: str(v) for k, v in values.items()}}
    )


@cache
def _rules(locale: str) -> Locale:
    return Locale.parse(locale.replace("-", "_"))


def plural_form(count: int, locale: str = DEFAULT_LOCALE) -> str:
    """CLDR's plural category for ``count`` in ``locale``: "one", "few", "other"…"""
    return str(_rules(locale).plural_form(count))


def _node(name: str, key: str) -> object:
    node: object = load(name)
    for part in key.split("."):
        if not isinstance(node, dict):
            raise TypeError(f"prompts/{name}.toml: {key}: {part} is not in a table")
        node = node[part]
    return node
