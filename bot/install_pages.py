"""The pages of "Add to Slack" in a browser: the install page and the redirect's outcome.

Bolt's OAuth flow calls these (``CoachOAuthFlow.build_install_page_html`` and the
``CallbackOptions`` of ``build_oauth_settings``); the words are in prompts/install.toml.
"""

from __future__ import annotations

from html import escape

import prompts

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"


def _page(heading: str, body: str, link: tuple[str, str] | None = None) -> str:
    button = ""
    if link is not None:
        href, label = link
        button = f'<p><a class="button" href="{escape(href)}">{escape(label)}</a></p>'
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(prompts.text('install', 'title'))}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;"
        "padding:0 1rem;color:#1d1c1d}a.button{display:inline-block;padding:.7rem 1.2rem;"
        "background:#1f4e5f;color:#fff;border-radius:6px;text-decoration:none}</style>"
        f"</head><body><h1>{escape(heading)}</h1><p>{escape(body)}</p>{button}</body></html>"
    )


def install_page(authorize_url: str) -> str:
    return _page(
        prompts.text("install", "install_heading"),
        prompts.text("install", "install_body"),
        (authorize_url, prompts.text("install", "install_button")),
    )


def success_page(workspace: str, *, returning: bool) -> str:
    body = prompts.text("install", "success_body")
    if returning:
        body = f"{body} {prompts.text('install', 'success_back')}"
    return _page(prompts.text("install", "success_heading", workspace=workspace), body)


def failure_page(reason: str) -> str:
    key = "failure_cancelled" if reason == "access_denied" else "failure_body"
    return _page(
        prompts.text("install", "failure_heading"),
        prompts.text("install", key),
        (INSTALL_PATH, prompts.text("install", "failure_again")),
    )
