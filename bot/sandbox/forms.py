"""Filling in a modal the way Slack's client does: typed values → `view.state.values`.

Slack's client, not the app, refuses to submit a form with a required field empty or an
option that is not on the list; the sandbox plays the client, so it does the same before
anything reaches Coach. Fields are named by their input block's `block_id`, which the
renderer prints next to each label (`✎ competency = one of: …`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

JsonDict = dict[str, Any]
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class FormProblem(ValueError):
    """Why the client would not submit the form, in words to show."""


def state_values(
    view: JsonDict, typed: Mapping[str, str], find_user: Callable[[str], str | None]
) -> JsonDict:
    """`state.values` for this modal, from `typed` (block_id → text) and initial values.
    `find_user` turns "@alex" into a user id (None: nobody by that name)."""
    inputs = [b for b in view.get("blocks") or [] if b.get("type") == "input"]
    names = {str(b.get("block_id")) for b in inputs}
    unknown = [name for name in typed if name not in names]
    if unknown:
        listed = ", ".join(sorted(names)) or "none"
        raise FormProblem(f"This form has no field `{unknown[0]}`. Its fields: {listed}.")
    values: JsonDict = {}
    for block in inputs:
        name, element = str(block.get("block_id")), block.get("element") or {}
        state = _element_state(element, typed.get(name), find_user)
        if _is_empty(state) and not block.get("optional"):
            raise FormProblem(f"`{name}` is required: add `{name}=…` to submit.")
        values[name] = {str(element.get("action_id")): state}
    return values


def _element_state(
    element: JsonDict, typed: str | None, find_user: Callable[[str], str | None]
) -> JsonDict:
    kind = str(element.get("type"))
    if kind in ("static_select", "radio_buttons"):
        option = _option(element, typed) if typed else element.get("initial_option")
        return {"type": kind, "selected_option": option}
    if kind == "datepicker":
        if typed and not _DATE.fullmatch(typed):
            raise FormProblem(f"`{typed}` isn't a date: the date picker gives YYYY-MM-DD.")
        return {"type": kind, "selected_date": typed or element.get("initial_date")}
    if kind == "users_select":
        user = find_user(typed) if typed else element.get("initial_user")
        if typed and user is None:
            raise FormProblem(f"There's nobody called {typed} to choose.")
        return {"type": kind, "selected_user": user}
    return {"type": kind, "value": typed if typed is not None else element.get("initial_value")}


def _option(element: JsonDict, typed: str) -> JsonDict:
    """The option whose value or label is `typed` (any case)."""
    wanted = typed.strip().lower()
    for option in element.get("options") or []:
        label = str((option.get("text") or {}).get("text", ""))
        if wanted in (str(option.get("value", "")).lower(), label.lower()):
            return {"text": option.get("text"), "value": option.get("value")}
    choices = ", ".join(str(o.get("value")) for o in element.get("options") or [])
    raise FormProblem(f"`{typed}` isn't one of the choices: {choices}.")


def _is_empty(state: JsonDict) -> bool:
    return not any(v for k, v in state.items() if k != "type")
