"""Whether a verified request body has the shape Slack sends, before Bolt reads it.

Bolt assumes Slack's shapes: a signed ``{"type": "event_callback", "event": "s"}``, a
``view: null`` or a ``team: 1`` made it raise, and the sender got a 500. A body that is
signed but not shaped like Slack's is the sender's mistake, so it gets a 400 here. The
rules are Slack's own, for the parts Bolt and Coach read: ids and names of things are
strings, objects are objects, lists are lists. What lies deeper (a message's
attachments, whose ``id`` and ``ts`` are numbers, its blocks, files) is left alone,
except that nothing may nest deeper than any Slack payload does.
"""

from __future__ import annotations

from typing import Any

# Nesting deeper than any payload Slack sends (a modal's state is about 6 levels).
MAX_DEPTH = 32
# In the parts checked, these keys hold a string (or are absent / null).
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
        "text",
        "selected_date",
        "channel_type",
    }
)
# An id or the object it names: "U123" or {"id": "U123", …}.
REFERENCES = frozenset({"team", "user", "enterprise", "channel"})
OBJECTS = frozenset({"event", "view", "message", "container", "state", "selected_option"})
# Bolt iterates these whenever the key is there, so not even null will do.
LISTS_OF_OBJECTS = frozenset({"authorizations", "actions", "response_urls"})
# The objects whose own fields are checked, beside the body's.
CHECKED_OBJECTS = ("event", "view", "message", "container")
# What each payload type must carry, and as what.
REQUIRED: dict[str, dict[str, type]] = {
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
    if _too_deep(body):
        return "nested too deep"
    if "ssl_check" in body:
        return None
    if "command" in body:  # a slash command's form
        missing = [k for k in ("command", "team_id", "user_id") if not isinstance(body.get(k), str)]
        return f"slash command without {missing[0]}" if missing else None
    problem = _fields_problem(body) or _nested_problem(body)
    if problem:
        return problem
    for key, kind in REQUIRED.get(str(body.get("type") or ""), {}).items():
        if not isinstance(body.get(key), kind) or (kind is list and not body[key]):
            return f"{body.get('type')} without {key}"
        if key == "user" and not _has_id(body[key]):
            return f"{body.get('type')} without user id"
    return None


def _has_id(reference: dict[str, Any]) -> bool:
    """The person who pressed or typed: every listener reads their id. (A team can be
    absent at an Enterprise Grid org level, so only the user is checked.)"""
    return isinstance(reference.get("id"), str) and bool(reference["id"])


def _nested_problem(body: dict[str, Any]) -> str | None:
    parts: list[Any] = [body.get(key) for key in CHECKED_OBJECTS]
    for key in LISTS_OF_OBJECTS:
        parts += body.get(key) or []
    state = (body.get("view") or {}).get("state") if isinstance(body.get("view"), dict) else None
    parts += _element_states(state if isinstance(state, dict) else body.get("state"))
    for part in parts:
        if isinstance(part, dict):
            problem = _fields_problem(part)
            if problem:
                return problem
    return None


def _element_states(state: Any) -> list[Any]:
    """A modal's ``state.values``: block id → action id → element state. The ids are the
    app's own names (one of Coach's action ids is ``value``): the states are checked."""
    if not isinstance(state, dict) or not isinstance(state.get("values"), dict):
        return []  # a state that is not an object is refused with its parent's fields
    found: list[Any] = []
    for actions in state["values"].values():
        if isinstance(actions, dict):
            found += actions.values()
    return found


def _fields_problem(node: dict[str, Any]) -> str | None:
    for key, value in node.items():
        problem = _field_problem(key, value)
        if problem:
            return problem
    return None


def _field_problem(key: str, value: Any) -> str | None:
    if value is None:
        return f"{key} is null" if key in LISTS_OF_OBJECTS else None
    if (
        key in STRINGS
        and not isinstance(value, str)
        and not (key == "text" and isinstance(value, dict))
    ):
        return f"{key} is not a string"
    if key in REFERENCES:
        if not isinstance(value, str | dict):
            return f"{key} is neither an id nor an object"
        if isinstance(value, dict) and not isinstance(value.get("id", ""), str):
            return f"{key} id is not a string"
    if key in OBJECTS and not isinstance(value, dict):
        return f"{key} is not an object"
    if key in LISTS_OF_OBJECTS and not (
        isinstance(value, list) and all(isinstance(item, dict) for item in value)
    ):
        return f"{key} is not a list of objects"
    return None


def _too_deep(body: Any) -> bool:
    """Whether anything nests deeper than MAX_DEPTH (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(body, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        children = (
            node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        )
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
