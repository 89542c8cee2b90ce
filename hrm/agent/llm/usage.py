"""Tokens and cost of the language model, per turn and per conversation.

A turn's usage is stored in the assistant message's ``data["usage"]``; a conversation's total is
the sum over its messages, so nothing else keeps a counter that could drift.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from langchain_core.messages import AIMessage, BaseMessage

from hrm.core.db import Conn

# USD per million tokens (input, output), as the providers list them; models missing here are
# counted in tokens only. Extend or override with HRM_LLM_PRICES.
PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "claude-3-5-haiku-latest": (0.80, 4.00),
    "claude-haiku-4-5": (1.00, 5.00),
    "claude-sonnet-4-5": (3.00, 15.00),
    "claude-sonnet-4-0": (3.00, 15.00),
    "claude-opus-4-1": (15.00, 75.00),
}


@dataclass
class Usage:
    model: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    calls: int = 0
    cost_usd: float | None = None  # None: the model has no known price

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    def to_json(self) -> dict[str, object]:
        return {
            "model": self.model,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "total_tokens": self.total_tokens,
            "calls": self.calls,
            "cost_usd": self.cost_usd,
        }


def price_of(model: str, extra: Mapping[str, tuple[float, float]] | None = None) -> tuple[float, float] | None:
    table = {**PRICES, **(extra or {})}
    if model in table:
        return table[model]
    # Dated snapshots ("gpt-4o-mini-2024-07-18") cost what their family costs; longest name wins.
    family = [name for name in table if model.startswith(name + "-")]
    return table[max(family, key=len)] if family else None


def cost(
    model: str, input_tokens: int, output_tokens: int, extra: Mapping[str, tuple[float, float]] | None = None
) -> float | None:
    price = price_of(model, extra)
    if price is None:
        return None
    return round((input_tokens * price[0] + output_tokens * price[1]) / 1_000_000, 6)


def usage_of(
    messages: Iterable[BaseMessage], model: str, extra: Mapping[str, tuple[float, float]] | None = None
) -> Usage:
    """Sum the providers' own token counts (``usage_metadata``) over the model's messages."""
    usage = Usage(model=model)
    for message in messages:
        if not isinstance(message, AIMessage):
            continue
        usage.calls += 1
        if message.usage_metadata:
            usage.input_tokens += message.usage_metadata.get("input_tokens", 0)
            usage.output_tokens += message.usage_metadata.get("output_tokens", 0)
    usage.cost_usd = cost(model, usage.input_tokens, usage.output_tokens, extra)
    return usage


async def conversation_usage(conn: Conn, conversation_id: str) -> Usage:
    """Total usage of one conversation (row-level security scopes it to the connection's org)."""
    cur = await conn.execute(
        """SELECT coalesce(sum((data->'usage'->>'input_tokens')::bigint), 0) AS input_tokens,
                  coalesce(sum((data->'usage'->>'output_tokens')::bigint), 0) AS output_tokens,
                  coalesce(sum((data->'usage'->>'calls')::bigint), 0) AS calls,
                  sum((data->'usage'->>'cost_usd')::numeric) AS cost_usd,
                  count(*) FILTER (WHERE data->'usage' ? 'input_tokens'
                                     AND data->'usage'->'cost_usd' = 'null'::jsonb) AS unpriced,
                  max(data->'usage'->>'model') AS model
           FROM messages WHERE conversation_id = %s AND data ? 'usage'""",
        (conversation_id,),
    )
    row = await cur.fetchone()
    assert row is not None
    priced = row["cost_usd"] is not None and row["unpriced"] == 0
    return Usage(
        model=row["model"] or "",
        input_tokens=int(row["input_tokens"]),
        output_tokens=int(row["output_tokens"]),
        calls=int(row["calls"]),
        cost_usd=float(row["cost_usd"]) if priced else None,
    )
