"""The reframer Coach uses: the LLM engine when it is configured and answers well, else the rules.

``build_reframer(settings)`` is called once by the composition root. Its ``reframe(text)``
always answers: the LLM's reframe when OPENAI_API_KEY is set and the model's answer passes
the quality rules within its deadline (``engine == "llm"``), otherwise the offline rules
engine's (``engine == "rules"``). ``bot.llm`` (and with it ``openai``) is imported only
when the LLM is enabled, so an offline deployment never pays for it.
"""

from __future__ import annotations

from typing import Protocol

from bot.domain.reframing import Reframe, reframe_with_rules
from bot.settings import Settings


class ReframeEngine(Protocol):
    """An engine that may decline: a compliant ``Reframe``, or ``None`` to let the rules answer."""

    def reframe(self, text: str) -> Reframe | None: ...


class Reframer:
    """Question-led coaching prompts for any feedback text, from the first engine that answers."""

    def __init__(self, engine: ReframeEngine | None = None) -> None:
        self.engine = engine

    def reframe(self, text: str) -> Reframe:
        if self.engine is not None:
            answer = self.engine.reframe(text)
            if answer is not None:
                return answer
        return reframe_with_rules(text)


def build_reframer(settings: Settings) -> Reframer:
    """The LLM in front of the rules when OPENAI_API_KEY is set; the rules alone otherwise."""
    if not settings.llm_enabled:
        return Reframer()
    from bot.llm import LlmReframer  # imports openai: only paid for when it is used

    return Reframer(LlmReframer(settings))
