"""``hrm init``: migrate, load the built-in taxonomy, optionally (re)create the demo organisation."""

from dataclasses import dataclass, field

from hrm.core.db import Database
from hrm.core.migrations import migrate
from hrm.retrieval.builtin_resources import load_builtin_resources
from hrm.retrieval.builtin_taxonomy import load_builtin, read_builtin
from hrm.retrieval.embed_store import Progress, embed_missing
from hrm.retrieval.embeddings import Embedder
from hrm.tools.demo_org import build_demo
from hrm.tools.org_import import ImportReport, import_org

DEMO_SLUG = "demo"


@dataclass
class InitReport:
    migrations_applied: list[str]
    taxonomy: dict[str, int]
    demo: ImportReport | None = None
    emails_to_try: dict[str, str] = field(default_factory=dict)


def migrate_and_load(
    db: Database, embedder: Embedder, *, progress: Progress | None = None
) -> tuple[list[str], dict[str, int]]:
    """Migrate, load the built-in taxonomy and embed whatever lacks a vector (cached by text)."""
    with db.owner_connect() as conn:
        applied = migrate(conn)
        counts = load_builtin(conn)
        counts["learning_resources"] = load_builtin_resources(conn)
        embed_missing(conn, embedder, progress=progress)
    return [f"{m.version:04d}_{m.name}" for m in applied], counts


async def reset_demo(db: Database) -> None:
    with db.owner_connect() as conn, conn.transaction():
        # The owner has no row access to tenant tables (RLS is forced), so it removes the demo
        # organisation through a scoped session of its own.
        row = conn.execute("SELECT hrm_resolve_org(%s) AS id", (DEMO_SLUG,)).fetchone()
        if row and row["id"]:
            conn.execute("SELECT set_config('app.org_id', %s, true)", (str(row["id"]),))
            conn.execute("DELETE FROM organizations WHERE id = %s", (row["id"],))


async def init(
    db: Database, embedder: Embedder, *, demo: bool, reset: bool, progress: Progress | None = None
) -> InitReport:
    """``db`` not yet opened: the application role its pool logs in as is created by the migrations."""
    applied, counts = migrate_and_load(db, embedder, progress=progress)
    report = InitReport(applied, counts)
    if demo:
        if reset:
            await reset_demo(db)
        csvs = build_demo(read_builtin())
        await db.open()
        try:
            report.demo = await import_org(
                db, DEMO_SLUG, name="Demo Company", people_csv=csvs.people, skills_csv=csvs.skills
            )
        finally:
            await db.close()
        report.emails_to_try = csvs.emails_to_try
    return report
