"""What every listener, flow and job needs, built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.after_ack import AfterAckExecutor
from bot.clock import Clock
from bot.reframer import Reframer
from bot.settings import Settings


@dataclass(frozen=True)
class Services:
    settings: Settings
    engine: Engine
    clock: Clock
    slack: WebClient
    reframer: Reframer
    # Answers built after an ack (see after_ack.py); sweeps and scripts never use it.
    after_ack: AfterAckExecutor = field(default_factory=lambda: AfterAckExecutor(4))
