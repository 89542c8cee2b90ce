"""Settings, read from ``HRM_*`` environment variables (and a ``.env`` file).

Settings are built once by the caller (CLI, server, tests) and passed down explicitly; nothing
imports a module-level settings object.
"""

import os
import secrets
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from hrm.core.errors import ConfigurationError

# Values people paste from examples; refused outside development mode.
_PLACEHOLDERS = {"", "changeme", "change-me", "secret", "password", "xxx", "todo", "placeholder", "test"}

LLMProvider = Literal["none", "openai", "anthropic", "openai_compatible"]


def default_data_dir() -> Path:
    """A per-user data folder, never under root's home.

    The embedded Postgres runs as its own system user when started by root and makes every parent
    of its data folder world-readable, so root gets a system state folder instead of ``~``.
    """
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return Path("/var/lib/ai-hrm")
    return Path(platformdirs.user_data_dir("ai-hrm"))


def _is_placeholder(value: SecretStr | None) -> bool:
    if value is None:
        return False
    raw = value.get_secret_value().strip().lower()
    return raw in _PLACEHOLDERS or raw.startswith(("your-", "your_", "<"))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HRM_", env_file=".env", extra="ignore")

    env: Literal["development", "test", "production"] = Field(
        "development", description="Deployment mode; placeholder secrets are refused outside development."
    )
    data_dir: Path = Field(default_factory=default_data_dir, description="Embedded database and local state.")
    database_url: SecretStr | None = Field(
        None, description="Postgres (with pgvector) URL of the schema owner; unset = embedded Postgres."
    )
    app_database_url: SecretStr | None = Field(
        None,
        description="URL for the application role (no table ownership, no BYPASSRLS); "
        "unset = the owner URL with SET ROLE hrm_app.",
    )
    embedder: Literal["minilm", "fake"] = Field(
        "minilm", description="Embedding model; 'fake' (deterministic hashing) is for tests and offline demos only."
    )
    workers: int = Field(1, ge=0, le=16, description="Background job workers inside `hrm serve` (0: none).")
    pool_min_size: int = 1
    pool_max_size: int = 10
    pool_timeout_seconds: float = Field(5.0, gt=0, description="Longest wait for a database connection.")

    llm_provider: LLMProvider | None = Field(None, description="Unset: chosen from the API keys present.")
    llm_model: str | None = None
    llm_base_url: str | None = None
    openai_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("HRM_OPENAI_API_KEY", "OPENAI_API_KEY")
    )
    anthropic_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("HRM_ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY")
    )

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str = Field("https://slack.com/api/", description="Slack Web API base URL.")

    jwt_secret: SecretStr | None = None
    jwt_ttl_minutes: int = Field(12 * 60, ge=1)

    # Abuse limits. Token buckets held in each process: with N replicas behind a load balancer a
    # person may get up to N times these rates, which bounds abuse well enough; divide the rates by
    # the replica count when a tighter ceiling matters.
    rate_limit_enabled: bool = Field(True, description="Per-person and per-organisation request limits.")
    rate_person_per_minute: float = Field(120, gt=0, description="Sustained REST requests per person per minute.")
    rate_person_burst: int = Field(40, ge=1, description="Requests a person may make at once before being slowed.")
    rate_org_per_minute: float = Field(3000, gt=0, description="Sustained REST requests per organisation per minute.")
    rate_org_burst: int = Field(300, ge=1, description="Organisation-wide burst.")
    rate_chat_per_minute: float = Field(20, gt=0, description="Chat turns per person per minute (REST and Slack).")
    rate_chat_burst: int = Field(8, ge=1, description="Chat turns a person may send at once.")
    max_body_bytes: int = Field(
        1_000_000, ge=1024, description="Largest JSON or form body accepted (uploads have their own limit)."
    )
    max_upload_bytes: int = Field(
        55_000_000, ge=1024, description="Largest multipart upload (up to ten files of 5 MB, with headroom)."
    )

    @model_validator(mode="after")
    def _refuse_placeholders(self) -> "Settings":
        if self.env == "development":
            return self
        for name in ("jwt_secret", "slack_signing_secret", "slack_bot_token", "openai_api_key", "anthropic_api_key"):
            if _is_placeholder(getattr(self, name)):
                raise ValueError(f"HRM_{name.upper()} holds a placeholder value; set a real secret")
        if self.jwt_secret is not None and len(self.jwt_secret.get_secret_value()) < 32:
            raise ValueError("HRM_JWT_SECRET must be at least 32 characters outside development")
        return self

    @property
    def effective_llm_provider(self) -> LLMProvider:
        if self.llm_provider is not None:
            return self.llm_provider
        if self.llm_base_url:
            return "openai_compatible"
        if self.openai_api_key is not None:
            return "openai"
        if self.anthropic_api_key is not None:
            return "anthropic"
        return "none"

    def resolved_jwt_secret(self) -> str:
        """The configured secret, or a random one kept in the data folder (embedded defaults)."""
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        if self.env == "production":
            raise ConfigurationError("HRM_JWT_SECRET must be set in production")
        path = self.data_dir / "jwt_secret"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(48)
        # Create with owner-only permissions before writing the secret into it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(value)
        return value
