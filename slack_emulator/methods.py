"""The Web API methods the emulator answers, one small function each, in `METHODS`.

Handlers are `(state, params) -> body`. They run with the workspace's lock held, validate
everything before changing anything (a refused call leaves no trace but its record), and
raise `ApiError` to answer `ok: false`.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from typing import Any

from slack_emulator.objects import Ephemeral, UploadedFile
from slack_emulator.state import WorkspaceState
from slack_emulator.wire import ApiError, JsonDict, Params

Handler = Callable[[WorkspaceState, Params], JsonDict]


def message_content(params: Params, *, required: bool = True) -> JsonDict:
    """The text, blocks and attachments a message carries; Slack refuses one with none."""
    blocks, attachments = params.get("blocks"), params.get("attachments")
    if blocks is not None and not _is_list_of_dicts(blocks):
        raise ApiError("invalid_blocks")
    if attachments is not None and not _is_list_of_dicts(attachments):
        raise ApiError("invalid_attachments")
    text = params.text("text")
    if required and not (text or blocks or attachments):
        raise ApiError("no_text")
    metadata = params.get("metadata")
    return {
        "text": text,
        "blocks": blocks or None,
        "attachments": attachments or None,
        "metadata": metadata if isinstance(metadata, dict) else None,
    }


def _is_list_of_dicts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def _view_payload(params: Params, *, kind: str) -> JsonDict:
    view = params.get("view")
    if not isinstance(view, dict) or view.get("type") != kind:
        raise ApiError("invalid_arguments")
    return copy.deepcopy(view)


def _auth_test(ws: WorkspaceState, params: Params) -> JsonDict:
    return {
        "url": ws.url,
        "team": ws.team_name,
        "user": ws.bot_name,
        "team_id": ws.team_id,
        "user_id": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "is_enterprise_install": False,
        **({"enterprise_id": ws.enterprise_id} if ws.enterprise_id else {}),
    }


def _users_info(ws: WorkspaceState, params: Params) -> JsonDict:
    user = ws.require_user(params.text("user"))
    body = user.to_slack(team_id=ws.team_id, now=ws.now())
    if params.text("include_locale").lower() in {"1", "true"}:
        body["locale"] = user.locale  # Slack adds it only when asked
    return {"user": body}


def _conversations_open(ws: WorkspaceState, params: Params) -> JsonDict:
    if params.text("channel"):
        channel = ws.require_channel(params.text("channel"))
        if not (channel.is_im or channel.is_mpim):
            raise ApiError("method_not_supported_for_channel_type")
        existed = True
    else:
        ids = [u.strip() for u in params.text("users").split(",") if u.strip()]
        if not ids:
            raise ApiError("users_list_not_supplied")
        users = [ws.require_user(user_id) for user_id in ids]
        if any(user.deleted for user in users):
            raise ApiError("user_disabled")
        existed_before = set(ws.channels)
        channel = ws.open_dm(users[0]) if len(users) == 1 else ws.open_group_dm(users)
        existed = channel.id in existed_before
    full = params.flag("return_im")
    body: JsonDict = {
        "channel": channel.to_slack(bot_user_id=ws.bot_user_id) if full else {"id": channel.id}
    }
    if existed:
        body.update(no_op=True, already_open=True)
    return body


def _conversations_info(ws: WorkspaceState, params: Params) -> JsonDict:
    channel = ws.require_channel(params.text("channel"))
    include = params.flag("include_num_members")
    return {"channel": channel.to_slack(bot_user_id=ws.bot_user_id, include_num_members=include)}


def _conversations_members(ws: WorkspaceState, params: Params) -> JsonDict:
    channel = ws.require_channel(params.text("channel"))
    limit = max(1, params.integer("limit", 100))
    start = _offset_from_cursor(params.text("cursor"))
    page = channel.members[start : start + limit]
    more = start + limit < len(channel.members)
    cursor = _cursor_for_offset(start + limit) if more else ""
    return {"members": list(page), "response_metadata": {"next_cursor": cursor}}


def _conversations_history(ws: WorkspaceState, params: Params) -> JsonDict:
    """Newest first, top-level messages only (thread replies are not in history), as Slack
    answers it; a message's metadata only when ``include_all_metadata`` is asked for."""
    channel = ws.require_channel(params.text("channel"))
    if not channel.has(ws.bot_user_id):
        raise ApiError("not_in_channel")
    oldest, latest = params.text("oldest"), params.text("latest")
    messages = [
        message
        for message in reversed(ws.messages.get(channel.id, []))
        if (message.thread_ts in (None, message.ts))
        and (not oldest or float(message.ts) > float(oldest))
        and (not latest or float(message.ts) < float(latest))
    ]
    limit = max(1, min(params.integer("limit", 100), 999))
    start = _offset_from_cursor(params.text("cursor"))
    page = messages[start : start + limit]
    more = start + limit < len(messages)
    with_metadata = params.flag("include_all_metadata")
    shown = []
    for message in page:
        body = message.to_slack()
        if not with_metadata:
            body.pop("metadata", None)
        shown.append(body)
    return {
        "messages": shown,
        "has_more": more,
        "response_metadata": {"next_cursor": _cursor_for_offset(start + limit) if more else ""},
    }


def _cursor_for_offset(offset: int) -> str:
    return base64.b64encode(f"offset:{offset}".encode()).decode()


def _offset_from_cursor(cursor: str) -> int:
    if not cursor:
        return 0
    try:
        return int(base64.b64decode(cursor).decode().removeprefix("offset:"))
    except ValueError:
        raise ApiError("invalid_cursor") from None


def _conversations_join(ws: WorkspaceState, params: Params) -> JsonDict:
    channel = ws.require_channel(params.text("channel"))
    if channel.is_private or channel.is_im or channel.is_mpim:
        raise ApiError("method_not_supported_for_channel_type")
    body: JsonDict = {}
    if channel.has(ws.bot_user_id):
        body["warning"] = "already_in_channel"
        body["response_metadata"] = {"warnings": ["already_in_channel"]}
    else:
        channel.members.append(ws.bot_user_id)
    return {"channel": channel.to_slack(bot_user_id=ws.bot_user_id), **body}


def _chat_post_message(ws: WorkspaceState, params: Params) -> JsonDict:
    channel = ws.post_target(params.text("channel"))
    if not channel.has(ws.bot_user_id):
        raise ApiError("not_in_channel")
    content = message_content(params)
    message = ws.add_message(channel, ws.bot_user_id, content, params.text("thread_ts") or None)
    return {"channel": channel.id, "ts": message.ts, "message": message.to_slack()}


def _chat_post_ephemeral(ws: WorkspaceState, params: Params) -> JsonDict:
    channel = ws.post_target(params.text("channel"))
    user = ws.require_user(params.text("user"))
    if not channel.has(ws.bot_user_id):
        raise ApiError("not_in_channel")
    if not channel.has(user.id) or user.deleted:
        raise ApiError("user_not_in_channel")
    content = message_content(params)
    ephemeral = Ephemeral(
        channel.id,
        user.id,
        ws.next_ts(),
        content["text"],
        content["blocks"],
        content["attachments"],
        params.text("thread_ts") or None,
    )
    ws.ephemerals.append(ephemeral)
    return {"message_ts": ephemeral.message_ts}


def _chat_update(ws: WorkspaceState, params: Params) -> JsonDict:
    channel = ws.require_channel(params.text("channel"))
    message = ws.require_message(channel.id, params.text("ts"))
    if message.user != ws.bot_user_id:
        raise ApiError("cant_update_message")
    content = message_content(params, required=False)
    if not any(name in params for name in ("text", "blocks", "attachments")):
        raise ApiError("no_text")
    for name in ("text", "blocks", "attachments"):
        if name in params:
            setattr(message, name, content[name])
    message.edited = {"user": ws.bot_user_id, "ts": ws.next_ts()}
    return {
        "channel": channel.id,
        "ts": message.ts,
        "text": message.text,
        "message": message.to_slack(),
    }


def _chat_delete(ws: WorkspaceState, params: Params) -> JsonDict:
    channel = ws.require_channel(params.text("channel"))
    message = ws.require_message(channel.id, params.text("ts"))
    if message.user != ws.bot_user_id:
        raise ApiError("cant_delete_message")
    ws.messages[channel.id].remove(message)
    return {"channel": channel.id, "ts": message.ts}


def _chat_get_permalink(ws: WorkspaceState, params: Params) -> JsonDict:
    channel = ws.require_channel(params.text("channel"))
    message = ws.require_message(channel.id, params.text("message_ts"))
    link = f"{ws.url}archives/{channel.id}/p{message.ts.replace('.', '')}"
    if message.thread_ts and message.thread_ts != message.ts:
        link += f"?thread_ts={message.thread_ts}&cid={channel.id}"
    return {"channel": channel.id, "permalink": link}


def _reactions_add(ws: WorkspaceState, params: Params) -> JsonDict:
    if not params.text("channel") or not params.text("timestamp"):
        raise ApiError("no_item_specified")
    name = params.require("name", "invalid_name").strip(":")
    channel = ws.require_channel(params.text("channel"))
    message = ws.require_message(channel.id, params.text("timestamp"))
    reacted = message.reactions.setdefault(name, [])
    if ws.bot_user_id in reacted:
        raise ApiError("already_reacted")
    reacted.append(ws.bot_user_id)
    return {}


def _views_open(ws: WorkspaceState, params: Params) -> JsonDict:
    trigger_id = params.require("trigger_id", "invalid_arguments")
    payload = _view_payload(params, kind="modal")
    _refuse_duplicate_external_id(ws, payload)
    view = ws.new_view(payload, user_id=ws.triggers.get(trigger_id))
    return {"view": ws.view_body(view)}


def _views_push(ws: WorkspaceState, params: Params) -> JsonDict:
    trigger_id = params.require("trigger_id", "invalid_arguments")
    payload = _view_payload(params, kind="modal")
    _refuse_duplicate_external_id(ws, payload)
    user_id = ws.triggers.get(trigger_id)
    below = [v for v in ws.views.values() if v.is_open and v.payload.get("type") == "modal"]
    below = [v for v in below if user_id is None or v.user_id == user_id]
    view = ws.new_view(payload, user_id=user_id)
    if below:
        view.previous_view_id = below[-1].id
        view.root_view_id = below[-1].root_view_id
    return {"view": ws.view_body(view)}


def _refuse_duplicate_external_id(ws: WorkspaceState, payload: JsonDict) -> None:
    external_id = payload.get("external_id")
    if external_id and any(v.payload.get("external_id") == external_id for v in ws.views.values()):
        raise ApiError("duplicate_external_id")


def _views_update(ws: WorkspaceState, params: Params) -> JsonDict:
    view = ws.find_view(params)
    payload = params.get("view")
    if not isinstance(payload, dict):
        raise ApiError("invalid_arguments")
    if params.text("hash") and params.text("hash") != view.hash:
        raise ApiError("hash_conflict")
    view.payload = {"type": view.payload.get("type"), **copy.deepcopy(payload)}
    view.hash = ws.new_hash()
    return {"view": ws.view_body(view)}


def _views_publish(ws: WorkspaceState, params: Params) -> JsonDict:
    user = ws.require_user(params.text("user_id"))
    payload = _view_payload(params, kind="home")
    current = ws.views.get(ws.homes.get(user.id, ""))
    if current is None:
        current = ws.new_view(payload, user_id=user.id)
        ws.homes[user.id] = current.id
    elif params.text("hash") and params.text("hash") != current.hash:
        raise ApiError("hash_conflict")
    else:
        current.payload = payload
        current.hash = ws.new_hash()
    return {"view": ws.view_body(current)}


def _files_get_upload_url_external(ws: WorkspaceState, params: Params) -> JsonDict:
    """Reserve a file: its id, and the URL the client POSTs the bytes to (no token there)."""
    name = params.text("filename").strip()
    if not name:
        raise ApiError("invalid_arguments")
    try:
        length = int(params.text("length"))
    except ValueError:
        raise ApiError("invalid_arguments") from None
    if length <= 0:
        raise ApiError("invalid_arguments")
    file_id = ws.new_id("F", f"file:{ws.next_ts()}")
    ws.files[file_id] = UploadedFile(
        file_id, name, length, ws.bot_user_id, int(ws.clock()), params.text("alt_txt")
    )
    return {"upload_url": f"{ws.upload_root}{file_id}", "file_id": file_id}


def _files_complete_upload_external(ws: WorkspaceState, params: Params) -> JsonDict:
    """Finish uploads whose bytes arrived; share them in ``channel_id`` as one message."""
    listed = params.get("files")
    if not _is_list_of_dicts(listed) or not listed:
        raise ApiError("invalid_arguments")
    files = []
    for item in listed:
        uploaded = ws.files.get(str(item.get("id") or ""))
        if uploaded is None:
            raise ApiError("file_not_found")
        if uploaded.data is None or len(uploaded.data) != uploaded.length:
            raise ApiError("file_upload_incomplete")
        files.append((uploaded, str(item.get("title") or "")))
    channel = None
    if params.text("channel_id"):
        channel = ws.post_target(params.text("channel_id"))
        if not channel.has(ws.bot_user_id):
            raise ApiError("not_in_channel")
    for uploaded, title in files:
        uploaded.completed = True
        uploaded.title = title or uploaded.name
        if channel is not None and channel.id not in uploaded.channels:
            uploaded.channels.append(channel.id)
    if channel is not None:
        content = {
            "text": params.text("initial_comment"),
            "files": [f.to_slack() for f, _ in files],
        }
        ws.add_message(channel, ws.bot_user_id, content, params.text("thread_ts") or None)
    return {"files": [{"id": f.id, "title": f.title} for f, _ in files]}


def _apps_connections_open(ws: WorkspaceState, params: Params) -> JsonDict:
    return {"url": ws.socket_url}


def _apps_uninstall(ws: WorkspaceState, params: Params) -> JsonDict:
    """Answered once the token checked out; the server revokes the workspace's tokens."""
    return {}


METHODS: dict[str, Handler] = {
    "apps.uninstall": _apps_uninstall,
    "apps.connections.open": _apps_connections_open,
    "auth.test": _auth_test,
    "users.info": _users_info,
    "conversations.open": _conversations_open,
    "conversations.info": _conversations_info,
    "conversations.members": _conversations_members,
    "conversations.join": _conversations_join,
    "conversations.history": _conversations_history,
    "chat.postMessage": _chat_post_message,
    "chat.postEphemeral": _chat_post_ephemeral,
    "chat.update": _chat_update,
    "chat.delete": _chat_delete,
    "chat.getPermalink": _chat_get_permalink,
    "reactions.add": _reactions_add,
    "views.open": _views_open,
    "views.push": _views_push,
    "views.update": _views_update,
    "views.publish": _views_publish,
    "files.getUploadURLExternal": _files_get_upload_url_external,
    "files.completeUploadExternal": _files_complete_upload_external,
}
