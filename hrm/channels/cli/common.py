"""Shared CLI plumbing: settings, running async work, and mapping domain errors to exit code 2."""

import asyncio
import json
import sys
from collections.abc import Coroutine
from typing import Any, NoReturn, TypeVar

import typer
from pydantic import ValidationError

from hrm.core.errors import HRMError
from hrm.core.settings import Settings

T = TypeVar("T")

EXIT_USER_ERROR = 2


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(EXIT_USER_ERROR)


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        fail("invalid settings: " + "; ".join(str(e["msg"]) for e in exc.errors()))


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro``; a domain error becomes a message on stderr and exit code 2."""
    try:
        return asyncio.run(coro)
    except HRMError as exc:
        fail(exc.message)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        raise typer.Exit(130) from None


def print_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, default=str) + "\n")
