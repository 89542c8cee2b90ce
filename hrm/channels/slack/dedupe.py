"""Slack event de-duplication in Postgres, so a retried event is answered once across replicas.

Slack re-sends an event when the ack is late or lost, possibly to another replica; the first replica
to insert the event id wins and the others drop the retry. The in-process cache in front of it saves
the round trip for retries that reach the same replica.
"""

import logging
import random

from hrm.channels.slack.handlers import RecentEvents
from hrm.core.db import Database

log = logging.getLogger(__name__)

KEEP = "1 day"  # Slack retries within minutes; a day is ample
_PRUNE_ONE_IN = 200  # prune on a small share of inserts instead of with a scheduler


class EventDeduplicator:
    def __init__(self, *, recent: RecentEvents | None = None) -> None:
        self._recent = recent or RecentEvents()

    async def first_time(self, db: Database, event_id: str | None) -> bool:
        """True for the first delivery of ``event_id`` anywhere; events without an id always pass."""
        if not event_id:
            return True
        if not self._recent.first_time(event_id):
            return False
        try:
            async with db.org_tx(None) as conn:
                cur = await conn.execute(
                    "INSERT INTO slack_events (event_id) VALUES (%s) ON CONFLICT DO NOTHING RETURNING event_id",
                    (event_id[:200],),
                )
                first = await cur.fetchone() is not None
                if first and random.randrange(_PRUNE_ONE_IN) == 0:  # noqa: S311 - not security relevant
                    await conn.execute(f"DELETE FROM slack_events WHERE received_at < now() - interval '{KEEP}'")
        except Exception:
            # Answering a retry twice is better than dropping a first delivery: the database may
            # be back by the time the agent needs it.
            log.exception("could not record Slack event %s; answering it", event_id)
            return True
        return first
