"""A property-based fuzz of the published OpenAPI schema (schemathesis): no request, however
malformed, gets a 5xx."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from cibwatch.cases import CaseStore
from cibwatch.web import create_app

from .cases_support import make_world

_DIR = Path(__file__).resolve().parent
_store: CaseStore | None = None


def _app():  # type: ignore[no-untyped-def]
    import tempfile

    global _store
    path = Path(tempfile.mkdtemp(prefix="cibwatch-fuzz-")) / "cases.sqlite"
    _store = CaseStore.open(f"sqlite:///{path}")
    world = make_world(_store)
    # something to find: a case with an approved decision, statements, an appeal
    w = world
    case = w.svc.open_case(w["ana"], "net-1")
    w.svc.transition(w["ana"], case["id"], "in_review")
    from cibwatch.cases import DecisionInput

    d = w.svc.propose_decision(w["ana"], case["id"], DecisionInput("terminate", "Rules 4.2"))
    w.svc.approve(w["apo"], d["id"])
    w.svc.lodge_appeal(w["ben"], d["id"], ["twitter:acct00000"], "other")
    app = create_app(world.svc)
    app.state.world = world
    return app


APP = _app()
WORLD = APP.state.world
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)
_token = {"value": WORLD.tokens["root"]}


def _admin_token() -> str:
    """The fuzz may revoke its own token or demote its user: make a new admin then."""
    try:
        actor = WORLD.svc.authenticate(_token["value"])
        if actor.role == "admin":
            return _token["value"]
    except Exception:
        pass
    import uuid

    _, tok = WORLD.svc.add_user(None, "fuzz-" + uuid.uuid4().hex[:8], "admin")
    _token["value"] = tok
    return tok


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {_admin_token()}"},
                           checks=[not_a_server_error])
