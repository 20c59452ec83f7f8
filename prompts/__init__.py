"""Every word Coach says, and every LLM prompt, kept as TOML data files beside this module.

Text lives here rather than in code so that a sales leader can change the bot's voice
without touching Python. Placeholders use ``string.Template`` syntax (``$name``), which
cannot evaluate expressions or attributes the way ``str.format`` can.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from string import Template
from typing import Any


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed contents of ``prompts/<name>.toml`` (``name`` may contain ``/``)."""
    resource = resources.files(__name__).joinpath(*f"{name}.toml".split("/"))
    return tomllib.loads(resource.read_text(encoding="utf-8"))


def text(name: str, key: str, /, **values: object) -> str:
    """One message from ``prompts/<name>.toml``, with ``$placeholders`` filled in.

    ``key`` may be dotted (``"errors.bad_date"``) to reach a nested table.
    """
    node: Any = load(name)
    for part in key.split("."):
        node = node[part]
    if not isinstance(node, str):
        raise TypeError(f"prompts/{name}.toml: {key} is not a string")
    return Template(node).substitute({k: str(v) for k, v in values.items()})
