"""Events Coach receives but has nothing to do with: acknowledged so Slack won't retry."""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


def handle_ignored_event(event: dict[str, Any]) -> None:
    logger.debug("ignoring %s event", event.get("type"))
