"""Bearer-token authentication for the REST API."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from hrm.channels.runtime import Runtime
from hrm.core.errors import NotFound, Unauthenticated
from hrm.core.identity import principal_for
from hrm.core.principals import Principal
from hrm.core.tokens import verify

_bearer = HTTPBearer(auto_error=False, description="A token from `hrm token --org SLUG --as EMAIL`.")


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def current_principal(
    runtime: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None:
        raise Unauthenticated("a bearer token is required")
    org_id, person_id = verify(runtime.deps.settings.resolved_jwt_secret(), credentials.credentials)
    try:
        # Re-read the person: a role change or removal takes effect before the token expires.
        return await principal_for(runtime.db, org_id, person_id=person_id)
    except NotFound:
        raise Unauthenticated("the token's person no longer exists") from None


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def require_org(principal: Principal, org: str) -> None:
    """A path naming another organisation is answered as if it did not exist."""
    if org not in (principal.org_slug, str(principal.org_id)):
        raise NotFound(f"no organisation {org!r}")
