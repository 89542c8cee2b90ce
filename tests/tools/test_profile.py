import pytest

from hrm.core.errors import InvalidInput, NotFound, PermissionDenied
from hrm.tools import registry
from hrm.tools.context import Deps
from hrm.tools.profile import GetProfileOutput
from tests.conftest import PrincipalFactory


async def _profile(deps: Deps, as_person: PrincipalFactory, caller: str, person: str | None) -> GetProfileOutput:
    principal = await as_person(caller)
    out = await registry.call("get_profile", {"person": person}, principal, deps, channel="test")
    assert isinstance(out, GetProfileOutput)
    return out


async def test_employee_sees_own_skills(deps: Deps, as_person: PrincipalFactory) -> None:
    out = await _profile(deps, as_person, "marta@acme.test", None)
    assert out.is_self and out.person.email == "marta@acme.test"
    by_name = {s.name: s for s in out.skills}
    assert set(by_name) == {"Python", "Kubernetes", "PostgreSQL"}
    assert by_name["Python"].level == 4 and by_name["Python"].level_label == "Advanced"
    assert by_name["Kubernetes"].sources == ["manager"]


@pytest.mark.parametrize(
    ("caller", "target"),
    [
        ("sam@acme.test", "marta@acme.test"),  # employee -> colleague
        ("marta@acme.test", "eve@acme.test"),  # employee role, even with a report
        ("nina@acme.test", "marta@acme.test"),  # manager -> someone else's report
        ("mike@acme.test", "ada@acme.test"),  # manager -> their own manager
    ],
)
async def test_forbidden_people_are_refused(deps: Deps, as_person: PrincipalFactory, caller: str, target: str) -> None:
    with pytest.raises(PermissionDenied) as caught:
        await _profile(deps, as_person, caller, target)
    assert "Python" not in caught.value.message


@pytest.mark.parametrize(
    ("caller", "target"),
    [
        ("mike@acme.test", "marta@acme.test"),  # direct report
        ("mike@acme.test", "eve@acme.test"),  # indirect report
        ("hana@acme.test", "sam@acme.test"),  # HR sees everyone
        ("ada@acme.test", "eve@acme.test"),  # admin
    ],
)
async def test_allowed_people(deps: Deps, as_person: PrincipalFactory, caller: str, target: str) -> None:
    out = await _profile(deps, as_person, caller, target)
    assert out.person.email == target and not out.is_self


async def test_people_by_name(deps: Deps, as_person: PrincipalFactory) -> None:
    assert (await _profile(deps, as_person, "hana@acme.test", "Marta")).person.email == "marta@acme.test"
    assert (await _profile(deps, as_person, "hana@acme.test", "marta bianchi")).person.email == "marta@acme.test"


async def test_other_organisations_people_do_not_exist(deps: Deps, as_person: PrincipalFactory) -> None:
    with pytest.raises(NotFound):
        await _profile(deps, as_person, "ada@acme.test", "otto@globex.test")
    with pytest.raises(NotFound):
        await _profile(deps, as_person, "ada@acme.test", "Otto")


async def test_ambiguous_names_ask_which(deps: Deps, as_person: PrincipalFactory) -> None:
    with pytest.raises(NotFound):
        await _profile(deps, as_person, "hana@acme.test", "Nobody Atall")
    # "a" is nobody's whole first or last name; an empty-ish reference falls back to self.
    assert (await _profile(deps, as_person, "hana@acme.test", "me")).is_self
    with pytest.raises(InvalidInput):
        await registry.call("get_profile", {"person": "x" * 500}, await as_person("hana@acme.test"), deps, channel="t")
