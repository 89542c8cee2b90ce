"""``hrm bench --suite load``: the real server on loopback under concurrent clients.

Starts the application with uvicorn on 127.0.0.1 (a free port, a process of its own), then
``clients`` HTTP clients, each as a person of an organisation the run creates, alternate skill
searches and chat turns for ``seconds``. Reports throughput, latency percentiles per endpoint and
errors; it passes when there were no errors (any non-2xx answer or transport failure counts).

Rate limits are switched off for the run: they exist to stop one caller flooding the service, and
here 50 callers do exactly that on purpose; what is measured is the service behind them.
"""

import asyncio
import contextlib
import os
import socket
import statistics
import sys
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
from pydantic import SecretStr

from hrm.core.db import Database
from hrm.core.identity import principal_by_email
from hrm.core.principals import Principal
from hrm.core.settings import Settings
from hrm.core.tokens import mint
from hrm.retrieval.embeddings import Embedder, FakeEmbedder
from hrm.tools.org_import import import_org

ORG = "bench-load"
SEARCHES = ["python", "kubernetes", "data engineering", "negotiation", "sql", "machine learning", "react"]
QUESTIONS = ["what skills do I have?", "search skills for docker", "what roles could I grow into?", "hi"]


def _people_csv(count: int) -> str:
    rows = ["email,first_name,last_name,job_title,department,manager_email,location,role,slack_user_id"]
    rows.append(f"lead@{ORG}.test,Lee,Lead,Engineering Manager,Engineering,,Berlin,manager,")
    for i in range(count):
        rows.append(f"p{i}@{ORG}.test,Pat{i},Bench,Software Engineer,Engineering,lead@{ORG}.test,Berlin,employee,")
    return "\n".join(rows) + "\n"


def _skills_csv(count: int) -> str:
    rows = ["email,skill,level,source"]
    for i in range(count):
        rows.append(f"p{i}@{ORG}.test,Python,{1 + i % 5},self")
        rows.append(f"p{i}@{ORG}.test,SQL,{1 + (i + 2) % 5},self")
    return "\n".join(rows) + "\n"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))] if ordered else 0.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def app_from_env() -> Any:
    """The application from ``HRM_*`` settings: the factory the benchmark's server process runs."""
    from hrm.channels.rest.app import create_app  # the channel layer, only in the server process

    return create_app(Settings())


def _env_for(settings: Settings, embedder: Embedder, pool_max_size: int) -> dict[str, str]:
    """The settings as ``HRM_*`` variables, so the server process uses the same database and secrets."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HRM_")}
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if value is None:
            continue
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        env[f"HRM_{name.upper()}"] = str(value).lower() if isinstance(value, bool) else str(value)
    env.update(
        {
            "HRM_JWT_SECRET": settings.resolved_jwt_secret(),
            "HRM_EMBEDDER": "fake" if isinstance(embedder, FakeEmbedder) else settings.embedder,
            "HRM_RATE_LIMIT_ENABLED": "false",
            "HRM_WORKERS": "0",
            "HRM_POOL_MAX_SIZE": str(pool_max_size),
        }
    )
    return env


@contextlib.asynccontextmanager
async def serve(db: Database, embedder: Embedder, *, pool_max_size: int = 20) -> AsyncIterator[str]:
    """The application under uvicorn in a process of its own on a free loopback port.

    A separate process, so the clients' own work does not share the server's event loop and core.
    """
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", f"{__name__}:app_from_env"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"]
    process = await asyncio.create_subprocess_exec(*command, env=_env_for(db.settings, embedder, pool_max_size))
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=2.0) as http:
            for _ in range(600):
                if process.returncode is not None:
                    raise RuntimeError(f"the server exited with code {process.returncode}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await http.get("/health")).status_code == 200:
                        break
                await asyncio.sleep(0.1)
            else:
                raise RuntimeError("the server did not start within 60 s")
        yield base
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), timeout=15)
            except TimeoutError:
                process.kill()
                await process.wait()


async def run_load_bench(db: Database, embedder: Embedder, clients: int = 50, seconds: float = 60) -> dict[str, Any]:
    await import_org(db, ORG, name="Load bench", people_csv=_people_csv(clients), skills_csv=_skills_csv(clients))
    people: list[Principal] = [await principal_by_email(db, ORG, f"p{i}@{ORG}.test") for i in range(clients)]
    secret = db.settings.resolved_jwt_secret()
    latencies: dict[str, list[float]] = {"search": [], "chat": []}
    errors: dict[str, int] = {}

    async with serve(db, embedder) as base:
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30.0) as http:

            async def client(n: int, deadline: float) -> None:
                person = people[n]
                headers = {"Authorization": f"Bearer {mint(secret, person, timedelta(hours=1))}"}
                prefix = f"/api/v2/organizations/{ORG}"
                i = n
                while time.perf_counter() < deadline:
                    kind = "chat" if i % 2 else "search"
                    started = time.perf_counter()
                    try:
                        if kind == "chat":
                            response = await http.post(
                                f"{prefix}/chat", json={"message": QUESTIONS[i % len(QUESTIONS)]}, headers=headers
                            )
                        else:
                            response = await http.get(
                                f"{prefix}/skills", params={"q": SEARCHES[i % len(SEARCHES)]}, headers=headers
                            )
                        ok = 200 <= response.status_code < 300
                        label = f"http_{response.status_code}"
                    except httpx.HTTPError as exc:
                        ok, label = False, exc.__class__.__name__
                    elapsed = (time.perf_counter() - started) * 1000
                    if ok:
                        latencies[kind].append(elapsed)
                    else:
                        errors[label] = errors.get(label, 0) + 1
                    i += 1

            # A short warm-up (model and caches), not measured.
            await asyncio.gather(*(client(n, time.perf_counter() + 1.0) for n in range(min(clients, 4))))
            for values in latencies.values():
                values.clear()
            errors.clear()
            started = time.perf_counter()
            await asyncio.gather(*(client(n, started + seconds) for n in range(clients)))
            wall = time.perf_counter() - started

    every = latencies["search"] + latencies["chat"]
    total_errors = sum(errors.values())
    metrics: dict[str, Any] = {
        "clients": clients,
        "seconds": round(wall, 1),
        "requests": len(every) + total_errors,
        "requests_per_second": round((len(every) + total_errors) / wall, 1),
        "p50_ms": round(statistics.median(every), 1) if every else None,
        "p95_ms": round(percentile(every, 0.95), 1) if every else None,
        "errors": total_errors,
        "errors_by_kind": errors,
    }
    for kind, values in latencies.items():
        metrics[kind] = {
            "requests": len(values),
            "p50_ms": round(statistics.median(values), 1) if values else None,
            "p95_ms": round(percentile(values, 0.95), 1) if values else None,
        }
    return {"suite": "load", "metrics": metrics, "passed": total_errors == 0 and bool(every)}
