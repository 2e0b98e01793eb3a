"""Every endpoint x every role, allowed and refused, generated from the one table
(:data:`cibwatch.web.ENDPOINTS`); and the one error shape."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cibwatch.cases import ROLES, CaseStore
from cibwatch.web import ENDPOINTS, PREFIX, create_app

from .cases_support import World, make_world

PATH_VALUES = {"case_id": "1", "decision_id": "1", "appeal_id": "1", "network_id": "net-1",
               "evidence_id": "1", "export_id": "1", "batch": "0", "name": "ana",
               "puid": "cbw-x", "token_id": "99999"}
QUERIES = {f"{PREFIX}/networks/{{network_id}}/evidence": {"a": "twitter:acct00000",
                                                           "b": "twitter:acct00001"},
           f"{PREFIX}/transparency/appeals": {"from": "2025-01-01", "to": "2025-12-31"}}
ROLE_USER = {"viewer": "viewer", "analyst": "ana", "approver": "apo", "admin": "root"}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, World]]:
    path: Path = tmp_path_factory.mktemp("roles") / "cases.sqlite"
    store = CaseStore.open(f"sqlite:///{path}")
    world = make_world(store)
    with TestClient(create_app(world.svc)) as client:
        yield client, world
    store.close()


def _call(client: TestClient, ep: Any, token: str | None) -> Any:
    url = re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES[m.group(1)], ep.path)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    kw: dict[str, Any] = {"headers": headers, "params": QUERIES.get(ep.path, {})}
    if ep.method in ("POST", "PATCH"):
        kw["json"] = {}
    return client.request(ep.method, url, **kw)


MATRIX = [(ep, role) for ep in ENDPOINTS for role in ROLES]


def test_the_table_covers_every_route(api: tuple[TestClient, World]) -> None:
    client, _ = api
    spec = client.get(f"{PREFIX}/openapi.json").json()
    routes = {(m.upper(), p) for p, item in spec["paths"].items() for m in item}
    assert routes == {(e.method, e.path) for e in ENDPOINTS}
    assert len(ENDPOINTS) >= 45
    for p, item in spec["paths"].items():  # each operation says which role it needs
        for op in item.values():
            assert "Role: **" in op["description"], p


@pytest.mark.parametrize("ep", ENDPOINTS, ids=[f"{e.method} {e.path}" for e in ENDPOINTS])
def test_nothing_without_a_token(api: tuple[TestClient, World], ep: Any) -> None:
    client, _ = api
    r = _call(client, ep, None)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"
    assert r.headers.get("www-authenticate") == "Bearer"
    assert _call(client, ep, "cbw_not-a-token").status_code == 401


@pytest.mark.parametrize(("ep", "role"), MATRIX,
                         ids=[f"{e.method} {e.path} as {r}" for e, r in MATRIX])
def test_role(api: tuple[TestClient, World], ep: Any, role: str) -> None:
    client, world = api
    r = _call(client, ep, world.tokens[ROLE_USER[role]])
    allowed = ROLES.index(role) >= ROLES.index(ep.role)
    if allowed:
        assert r.status_code not in (401, 403) and r.status_code < 500, (r.status_code, r.text)
    else:
        assert r.status_code == 403, (r.status_code, r.text)
        assert r.json()["error"]["code"] == "forbidden"


def test_revoked_token_and_inactive_user(api: tuple[TestClient, World]) -> None:
    client, world = api
    admin = {"Authorization": f"Bearer {world.tokens['root']}"}
    r = client.post(f"{PREFIX}/users", headers=admin, json={"name": "temp", "role": "viewer"})
    assert r.status_code == 201
    token, tid = r.json()["token"], None
    listed = client.get(f"{PREFIX}/users/temp/tokens", headers=admin).json()
    assert listed and "token" not in listed[0] and token.startswith(listed[0]["prefix"])
    tid = listed[0]["id"]
    me = {"Authorization": f"Bearer {token}"}
    assert client.get(f"{PREFIX}/me", headers=me).json()["name"] == "temp"
    assert client.delete(f"{PREFIX}/tokens/{tid}", headers=admin).json()["revoked_at"]
    assert client.get(f"{PREFIX}/me", headers=me).status_code == 401
    r = client.post(f"{PREFIX}/users/temp/tokens", headers=admin, json={"label": "second"})
    me2 = {"Authorization": f"Bearer {r.json()['token']}"}
    assert client.get(f"{PREFIX}/me", headers=me2).status_code == 200
    client.patch(f"{PREFIX}/users/temp", headers=admin, json={"active": False})
    assert client.get(f"{PREFIX}/me", headers=me2).status_code == 401


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/nowhere", 404), ("PUT", f"{PREFIX}/cases", 405),
    ("GET", f"{PREFIX}/cases/abc", 422), ("GET", f"{PREFIX}/cases/99", 404),
    ("GET", f"{PREFIX}/cases?limit=0", 422), ("POST", f"{PREFIX}/cases", 422),
    ("GET", f"{PREFIX}/networks/nope", 404),
])
def test_one_error_shape(api: tuple[TestClient, World], method: str, path: str,
                         status: int) -> None:
    client, world = api
    r = client.request(method, path, headers={"Authorization": f"Bearer {world.tokens['root']}"},
                       content=b"{not json" if method == "POST" else None)
    assert r.status_code == status
    err = r.json()["error"]
    assert set(err) == {"status", "code", "message", "remedy", "details"}
    assert err["status"] == status and err["message"]


def test_openapi_is_published_and_declares_the_bearer_scheme(api: tuple[TestClient, World]) -> None:
    client, _ = api
    spec = client.get(f"{PREFIX}/openapi.json").json()
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert "Error" in spec["components"]["schemas"]
    assert len([op for p in spec["paths"].values() for op in p]) == len(ENDPOINTS)


def test_docs_list_every_endpoint_with_its_role() -> None:
    from .conftest import ROOT

    text = (ROOT / "docs" / "CASES.md").read_text()
    for e in ENDPOINTS:
        assert f"| {e.method} | `{e.path}` | {e.role} |" in text, (
            f"docs/CASES.md lacks {e.method} {e.path}: regenerate its endpoint table")
