from pathlib import Path

import pytest
from pydantic import ValidationError

from hrm.core.errors import ConfigurationError
from hrm.core.settings import Settings


def test_placeholder_secrets_are_refused_outside_development(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="placeholder"):
        Settings(env="production", data_dir=tmp_path, jwt_secret="changeme")
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(env="production", data_dir=tmp_path, jwt_secret="short-but-not-a-placeholder")
    # Development accepts them, so a laptop setup is never blocked.
    assert Settings(env="development", data_dir=tmp_path, jwt_secret="changeme").jwt_secret is not None


def test_embedded_defaults_keep_a_random_jwt_secret(tmp_path: Path) -> None:
    settings = Settings(env="development", data_dir=tmp_path / "state", jwt_secret=None)
    first = settings.resolved_jwt_secret()
    assert len(first) >= 32 and first == settings.resolved_jwt_secret()
    secret_file = tmp_path / "state" / "jwt_secret"
    assert secret_file.stat().st_mode & 0o777 == 0o600
    with pytest.raises(ConfigurationError):
        Settings(env="production", data_dir=tmp_path, jwt_secret=None).resolved_jwt_secret()


def test_environment_prefix_and_provider_choice(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HRM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HRM_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    settings = Settings()
    assert settings.data_dir == tmp_path and settings.effective_llm_provider == "openai_compatible"
    monkeypatch.delenv("HRM_LLM_BASE_URL")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("HRM_OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("HRM_ANTHROPIC_API_KEY", raising=False)
    assert Settings().effective_llm_provider == "none"
