import pytest
from pydantic import BaseModel

from hrm.core.db import Database
from hrm.core.errors import InvalidInput, PermissionDenied
from hrm.core.principals import Permission
from hrm.tools import registry
from hrm.tools.context import Deps, ToolContext
from hrm.tools.registry import Registry
from tests.conftest import PrincipalFactory


async def _audit_rows(db: Database, org_id: object, tool: str) -> list[dict[str, object]]:
    async with db.org_tx(org_id) as conn:  # type: ignore[arg-type]
        cur = await conn.execute(
            "SELECT tool, ok, error_code, result_sha256, duration_ms, args, actor_role FROM audit_log "
            "WHERE tool = %s ORDER BY id DESC",
            (tool,),
        )
        return list(await cur.fetchall())


def test_every_tool_is_declared_with_description_and_models() -> None:
    assert {"search_skills", "get_profile"} <= set(registry.names())
    for name in registry.names():
        spec = registry.get(name)
        assert spec.description and issubclass(spec.input_model, BaseModel)
        assert spec.json_schema()["type"] == "object"


def test_duplicate_names_are_rejected() -> None:
    local = Registry()

    class Args(BaseModel):
        pass

    async def thing(args: Args, ctx: ToolContext) -> Args:
        """Does a thing."""
        return args

    local.tool(permission=Permission.SKILLS_READ)(thing)
    with pytest.raises(ValueError, match="registered twice"):
        local.tool(permission=Permission.SKILLS_READ)(thing)


async def test_successful_call_is_audited_with_a_result_hash(deps: Deps, as_person: PrincipalFactory) -> None:
    marta = await as_person("marta@acme.test")
    out = await registry.call("search_skills", {"query": "python"}, marta, deps, channel="test")
    assert out.model_dump()["results"]
    rows = await _audit_rows(deps.db, marta.org_id, "search_skills")
    latest = rows[0]
    assert latest["ok"] is True and latest["error_code"] is None
    assert isinstance(latest["result_sha256"], str) and len(latest["result_sha256"]) == 64
    assert latest["args"] == {"query": "python", "limit": 10, "offset": 0, "taxonomy": "all"}
    assert isinstance(latest["duration_ms"], float) and latest["duration_ms"] > 0


async def test_invalid_arguments_name_the_field_and_are_audited(deps: Deps, as_person: PrincipalFactory) -> None:
    marta = await as_person("marta@acme.test")
    with pytest.raises(InvalidInput, match="limit"):
        await registry.call("search_skills", {"query": "python", "limit": 5000}, marta, deps, channel="test")
    latest = (await _audit_rows(deps.db, marta.org_id, "search_skills"))[0]
    assert latest["ok"] is False and latest["error_code"] == "invalid_input"


async def test_permission_is_checked_before_the_tool_runs(deps: Deps, as_person: PrincipalFactory) -> None:
    sam = await as_person("sam@acme.test")
    with pytest.raises(PermissionDenied):
        await registry.call("get_profile", {"person": "marta@acme.test"}, sam, deps, channel="test")
    latest = (await _audit_rows(deps.db, sam.org_id, "get_profile"))[0]
    assert latest["ok"] is False and latest["error_code"] == "permission_denied" and latest["actor_role"] == "employee"


async def test_unknown_tool_is_invalid(deps: Deps, as_person: PrincipalFactory) -> None:
    marta = await as_person("marta@acme.test")
    with pytest.raises(InvalidInput, match="no tool"):
        await registry.call("drop_tables", {}, marta, deps, channel="test")


async def test_irreversible_tools_are_kept_out_of_chat(as_person: PrincipalFactory) -> None:
    admin = await as_person("ada@acme.test")
    everything = {s.name for s in registry.available_to(admin)}
    in_chat = {s.name for s in registry.available_to(admin, in_chat=True)}
    assert {"erase_my_data", "set_consent", "apply_retention"} <= everything - in_chat
    assert {"get_profile", "export_my_data", "match_roles"} <= in_chat
