"""Time travel: which sweeps the real scheduler would have run between two moments.

`wait 8 days` must deliver what Coach would have delivered in those eight days, no more:
nudges on weekday mornings, the digest on its day, check-ins on theirs, each at its
person's own local hour. So the moments come from the scheduler's own cron triggers
(`bot.scheduler.sweep_triggers`), and the sandbox moves its clock to each in turn and runs
the sweeps due then, in the order `coach tick` runs them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Protocol

# Cron triggers fire on whole seconds; asking from just after a firing finds the next one.
_JUST_AFTER = timedelta(microseconds=1)


class Trigger(Protocol):
    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None: ...


def fire_times(
    triggers: Mapping[str, Trigger], after: datetime, until: datetime
) -> Iterator[tuple[datetime, list[str]]]:
    """Each moment in (after, until] when at least one sweep fires, with the names of the
    sweeps firing then (in the triggers' order)."""
    cursor = after
    while True:
        upcoming = {
            name: trigger.get_next_fire_time(None, cursor + _JUST_AFTER)
            for name, trigger in triggers.items()
        }
        moments = [moment for moment in upcoming.values() if moment is not None]
        if not moments:
            return
        moment = min(moments)
        if moment > until:
            return
        yield moment, [name for name, when in upcoming.items() if when == moment]
        cursor = moment
