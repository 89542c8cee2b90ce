"""The chat model for the configured provider, with explicit timeouts and the SDK's own retries.

The SDKs retry 429s, 5xx and timeouts with backoff and honour ``Retry-After``; they are the one
retry owner. Nothing wraps them in another retry loop, so a failing provider costs at most
``(max_retries + 1) × timeout_seconds`` before the breaker and the fallback take over.
"""

from langchain_core.language_models import BaseChatModel
from pydantic import SecretStr

from hrm.agent.llm.config import LLMOptions
from hrm.core.errors import ConfigurationError
from hrm.core.settings import Settings

DEFAULT_MODELS = {"openai": "gpt-4o-mini", "anthropic": "claude-3-5-haiku-latest"}

# Local OpenAI-compatible servers (vLLM, llama.cpp, Ollama) ignore the key but the client wants one.
_NO_KEY = SecretStr("not-needed")


def model_name(settings: Settings) -> str:
    provider = settings.effective_llm_provider
    if settings.llm_model:
        return settings.llm_model
    if provider in DEFAULT_MODELS:
        return DEFAULT_MODELS[provider]
    raise ConfigurationError(
        "an OpenAI-compatible server needs a model name: set HRM_LLM_MODEL to the name the server serves"
    )


def chat_model(settings: Settings, options: LLMOptions) -> BaseChatModel | None:
    """The provider's chat model, or None when no provider is configured."""
    provider = settings.effective_llm_provider
    if provider == "none":
        return None
    name = model_name(settings)
    if provider == "anthropic":
        from langchain_anthropic import ChatAnthropic

        if settings.anthropic_api_key is None:
            raise ConfigurationError("the anthropic provider needs ANTHROPIC_API_KEY (or HRM_ANTHROPIC_API_KEY)")
        return ChatAnthropic(
            model=name,
            api_key=settings.anthropic_api_key,
            base_url=settings.llm_base_url,
            timeout=options.timeout_seconds,
            max_retries=options.max_retries,
            max_tokens=options.max_output_tokens,
            temperature=options.temperature,
            stop=None,
        )

    from langchain_openai import ChatOpenAI

    if provider == "openai" and settings.openai_api_key is None and not settings.llm_base_url:
        raise ConfigurationError("the openai provider needs OPENAI_API_KEY (or HRM_OPENAI_API_KEY)")
    if provider == "openai_compatible" and not settings.llm_base_url:
        raise ConfigurationError("an OpenAI-compatible provider needs HRM_LLM_BASE_URL, e.g. http://localhost:8000/v1")
    return ChatOpenAI(
        model=name,
        api_key=settings.openai_api_key or _NO_KEY,
        base_url=settings.llm_base_url,
        timeout=options.timeout_seconds,
        max_retries=options.max_retries,
        max_completion_tokens=options.max_output_tokens,
        temperature=options.temperature,
        # Chat Completions is what every OpenAI-compatible server speaks.
        use_responses_api=False,
    )
