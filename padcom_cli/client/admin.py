"""The API calls of administration (staff and admins): organizations, people, tokens, audit.

Plain functions over ``PadcomClient.call``, used by ``padcom admin ...`` and the
admin app's administration screens. Each raises what ``call`` raises (an agent
asking for an admin's change gets NotAuthorized, 403).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from padcom_cli.client.jsontypes import Json

if TYPE_CHECKING:
    from padcom_cli.client.api import PadcomClient


def _params(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None and v != ""}


def organizations(client: PadcomClient, q: str | None = None, limit: int = 200) -> list[Json]:
    found: list[Json] = client.call("GET", "/organizations", params=_params(q=q, limit=limit))
    return found


def add_organization(client: PadcomClient, name: str, customer_number: str) -> Json:
    body = {"name": name, "customer_number": customer_number}
    made: Json = client.call("POST", "/organizations", json=body)
    return made


def change_organization(client: PadcomClient, org_id: int, values: Json) -> Json:
    made: Json = client.call("PATCH", f"/organizations/{org_id}", json=values)
    return made


def services(client: PadcomClient, org_id: int) -> list[Json]:
    found: list[Json] = client.call("GET", f"/organizations/{org_id}/services")
    return found


def add_service(client: PadcomClient, org_id: int, values: Json) -> Json:
    made: Json = client.call("POST", f"/organizations/{org_id}/services", json=values)
    return made


def users(
    client: PadcomClient,
    role: str | None = None,
    organization: int | None = None,
    q: str | None = None,
    limit: int = 200,
) -> list[Json]:
    params = _params(role=role, organization=organization, q=q, limit=limit)
    found: list[Json] = client.call("GET", "/users", params=params)
    return found


def user(client: PadcomClient, user_id: int) -> Json:
    found: Json = client.call("GET", f"/users/{user_id}")
    return found


def invite(
    client: PadcomClient, email: str, name: str, role: str, organization: int | None
) -> Json:
    body = {"email": email, "name": name, "role": role, "organization": organization}
    made: Json = client.call("POST", "/invitations", json=body)
    return made


def change_user(client: PadcomClient, user_id: int, values: Json) -> Json:
    made: Json = client.call("PATCH", f"/users/{user_id}", json=values)
    return made


def sign_out(client: PadcomClient, user_id: int) -> None:
    client.call("POST", f"/users/{user_id}/revoke-tokens")


def reset_totp(client: PadcomClient, user_id: int) -> None:
    client.call("POST", f"/users/{user_id}/reset-totp")


def reinvite(client: PadcomClient, user_id: int) -> None:
    client.call("POST", f"/users/{user_id}/invite")


def tokens(client: PadcomClient, user_id: int | None = None) -> list[Json]:
    found: list[Json] = client.call("GET", "/tokens", params=_params(user=user_id))
    return found


def revoke_token(client: PadcomClient, token_id: int) -> None:
    client.call("DELETE", f"/tokens/{token_id}")


def audit(client: PadcomClient, **filters: Any) -> Json:
    """A page of ``GET /audit``: ``{"items", "next_cursor"}``; filters as the route names them."""
    found: Json = client.call("GET", "/audit", params=_params(**filters))
    return found


def security(client: PadcomClient) -> Json:
    """``{"totp_required": [roles]}``: who must use two-factor sign-in."""
    found: Json = client.call("GET", "/settings/security")
    return found


def set_security(client: PadcomClient, totp_required: list[str]) -> Json:
    made: Json = client.call("PUT", "/settings/security", json={"totp_required": totp_required})
    return made


def find_user(client: PadcomClient, ref: str) -> Json:
    """A person by id or email. Raises NotFound (client error) when nobody matches."""
    from padcom_cli.client.errors import NotFound

    if ref.isdigit():
        return user(client, int(ref))
    wanted = ref.strip().lower()
    for found in users(client, q=wanted, limit=50):
        if found["email"] == wanted:
            return found
    raise NotFound(f"no user with email {wanted}", status=404)


def find_organization(client: PadcomClient, ref: str) -> Json:
    """An organization by id, customer number or name. Raises NotFound."""
    from padcom_cli.client.errors import NotFound

    for found in organizations(client, limit=500):
        if ref in (str(found["id"]), found["customer_number"], found["name"]):
            return found
    raise NotFound(f"no organization {ref}", status=404)
