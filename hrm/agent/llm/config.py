"""Knobs of the LLM planner, read from ``HRM_LLM_*`` environment variables.

The provider, model, base URL and API keys live in the main settings; these are the budgets around
them. Built once by whoever builds the responder and passed down, like the main settings.
"""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class LLMOptions(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HRM_LLM_", env_file=".env", extra="ignore")

    timeout_seconds: float = Field(20.0, gt=0, description="Per request to the provider (the SDK's own timeout).")
    max_retries: int = Field(
        2, ge=0, le=5, description="The SDK's own retries (429, 5xx, timeouts); nothing else retries on top."
    )
    turn_timeout_seconds: float = Field(
        45.0, gt=0, description="Budget for the whole LLM part of one turn, retries included, before falling back."
    )
    max_steps: int = Field(6, ge=1, le=20, description="Model calls per turn (each may call tools).")
    max_output_tokens: int = Field(1024, ge=64, le=8192)
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    breaker_failures: int = Field(3, ge=1, description="Consecutive provider failures that open the breaker.")
    breaker_cooldown_seconds: float = Field(60.0, gt=0, description="How long an open breaker skips the provider.")
    history_turns: int = Field(6, ge=0, le=50, description="Earlier messages of the conversation sent along.")
    tool_output_chars: int = Field(12_000, ge=500, description="Longest tool output passed to the model.")
    prices: dict[str, tuple[float, float]] = Field(
        default_factory=dict,
        description="Extra or overriding prices, USD per million tokens (input, output), by model name; "
        "e.g. HRM_LLM_PRICES='{\"my-model\": [0.2, 0.6]}'.",
    )
