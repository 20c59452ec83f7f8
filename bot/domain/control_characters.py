"""Characters nobody means to type, removed from everything people send before it is used.

A NUL byte cannot be stored in a PostgreSQL text column (the check-in note was lost and
the goal form answered "something went wrong"), a lone surrogate cannot be encoded at
all, and other C0 controls only ever arrive by accident or by attack. Tabs and line
breaks are what people type, so they stay.
"""

from __future__ import annotations

import re
from typing import Any

_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def without_control_characters(text: str) -> str:
    return _UNWANTED.sub("", text)


def clean_in_place(node: Any) -> Any:
    """Every string in a parsed JSON value, cleaned; dicts and lists are changed in place
    (Bolt hands the same objects to every listener), and the cleaned value returned."""
    if isinstance(node, str):
        return without_control_characters(node)
    if isinstance(node, dict):
        for key, value in node.items():
            node[key] = clean_in_place(value)
    elif isinstance(node, list):
        node[:] = [clean_in_place(item) for item in node]
    return node
