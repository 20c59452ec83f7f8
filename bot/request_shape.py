"""Whether a verified request body has the shape Slack sends, before Bolt reads it.

Bolt assumes Slack's shapes: a signed ``{"type": "event_callback", "event": "s"}``, a
``view: null`` or a ``team: 1`` made it raise, and the sender got a 500. A body that is
signed but not shaped like Slack's is the sender's mistake, so it gets a 400 here. The
rules are Slack's own: ids and names are strings, objects are objects, lists are lists.
"""

from __future__ import annotations

from typing import Any

# Nesting deeper than any payload Slack sends (a modal's state is about 6 levels).
MAX_DEPTH = 32
# Wherever these keys appear, their value is a string (or absent / null).
STRINGS = frozenset(
    {
        "type",
        "subtype",
        "action_id",
        "block_id",
        "callback_id",
        "private_metadata",
        "trigger_id",
        "response_url",
        "ts",
        "thread_ts",
        "event_id",
        "event_ts",
        "team_id",
        "user_id",
        "channel_id",
        "enterprise_id",
        "api_app_id",
        "command",
        "challenge",
        "value",
        "id",
        "name",
        "selected_date",
    }
)
# An id or the object it names: "U123" or {"id": "U123", …}.
REFERENCES = frozenset({"team", "user", "enterprise", "channel", "bot_id"})
OBJECTS = frozenset({"event", "view", "message", "container", "state", "selected_option"})
LISTS_OF_OBJECTS = frozenset({"authorizations", "actions", "response_urls", "blocks"})
# What each payload type must carry, and as what.
REQUIRED = {
    "event_callback": {"event": dict},
    "block_actions": {"actions": list, "user": dict, "team": dict},
    "view_submission": {"view": dict, "user": dict, "team": dict},
    "view_closed": {"view": dict, "user": dict, "team": dict},
    "message_action": {"message": dict, "user": dict, "team": dict, "channel": dict},
    "shortcut": {"user": dict, "team": dict},
    "url_verification": {"challenge": str},
}


def shape_problem(body: Any) -> str | None:
    """None when ``body`` is shaped as Slack sends it, else what is wrong (for the log)."""
    if not isinstance(body, dict):
        return "not an object"
    problem = _walk(body, depth=0)
    if problem:
        return problem
    if "ssl_check" in body:
        return None
    if "command" in body:  # a slash command's form
        missing = [k for k in ("command", "team_id", "user_id") if not isinstance(body.get(k), str)]
        return f"slash command without {missing[0]}" if missing else None
    for key, kind in REQUIRED.get(str(body.get("type") or ""), {}).items():
        if not isinstance(body.get(key), kind) or (kind is list and not body[key]):
            return f"{body.get('type')} without {key}"
    return None


def _walk(node: Any, *, depth: int) -> str | None:
    if depth > MAX_DEPTH:
        return "nested too deep"
    if isinstance(node, list):
        return next((p for item in node if (p := _walk(item, depth=depth + 1))), None)
    if not isinstance(node, dict):
        return None
    for key, value in node.items():
        if key == "values" and isinstance(value, dict):
            problem = _state_values_problem(value, depth=depth + 1)
            if problem:
                return problem
            continue
        problem = _field_problem(key, value)
        if problem:
            return problem
        if isinstance(value, dict | list):
            problem = _walk(value, depth=depth + 1)
            if problem:
                return problem
    return None


def _state_values_problem(values: dict[str, Any], *, depth: int) -> str | None:
    """A modal's ``state.values``: block id → action id → element state. The ids are the
    app's own names (one of Coach's action ids is ``value``), so only the states below
    them follow the usual rules."""
    for actions in values.values():
        if not isinstance(actions, dict) or not all(isinstance(a, dict) for a in actions.values()):
            return "state values are not objects"
        for element in actions.values():
            problem = _walk(element, depth=depth + 2)
            if problem:
                return problem
    return None


def _field_problem(key: str, value: Any) -> str | None:
    if value is None:  # Bolt iterates these lists whenever the key is there
        return f"{key} is null" if key in LISTS_OF_OBJECTS else None
    if key in STRINGS and not isinstance(value, str):
        return f"{key} is not a string"
    if key in REFERENCES and not isinstance(value, str | dict):
        return f"{key} is neither an id nor an object"
    if key in OBJECTS and not isinstance(value, dict):
        return f"{key} is not an object"
    if key in LISTS_OF_OBJECTS and not (
        isinstance(value, list) and all(isinstance(item, dict) for item in value)
    ):
        return f"{key} is not a list of objects"
    return None
