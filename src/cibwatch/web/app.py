"""The HTTP API (FastAPI): thin routes over :class:`cibwatch.cases.CaseService`.

Every route is declared through :func:`_route`, which records its method, path and the least
role it needs in :data:`ENDPOINTS` (the one table the role tests are generated from) and makes
the route check the bearer token and that role before anything else. Nothing is readable without
a token (401); a role below the one needed gets 403. The OpenAPI description is public at
``/api/v1/openapi.json`` (and browsable at ``/api/v1/docs``): it holds no data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request, Response, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from .._version import __version__
from ..cases import dsa
from ..cases.auth import ROLES, Actor, role_at_least
from ..cases.errors import PermissionDenied, Unauthenticated
from ..cases.service import APPEAL_BASES, LINK_KINDS, CaseService, DecisionInput
from ..cases.workflow import STATES
from .errors import ERROR_SCHEMA, install_error_handlers

__all__ = ["create_app", "ENDPOINTS", "Endpoint", "PREFIX"]

PREFIX = "/api/v1"
INT32 = 2**31 - 1
BIG = 2**62


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    role: str
    summary: str


#: Every endpoint of the API with the least role it needs (filled when the routes are declared).
ENDPOINTS: list[Endpoint] = []

_bearer = HTTPBearer(auto_error=False, description="An API token: `cibwatch user add NAME "
                     "--role ROLE` prints one.")


async def _service(request: Request) -> CaseService:
    svc: CaseService = request.app.state.service
    return svc


def _actor_for(role: str) -> Callable[..., Any]:
    async def dep(request: Request, cred: Annotated[HTTPAuthorizationCredentials | None,
                                                    Security(_bearer)] = None) -> Actor:
        if cred is None:
            raise Unauthenticated("this needs an API token",
                                  remedy="sending the header Authorization: Bearer TOKEN")
        svc: CaseService = request.app.state.service
        actor = svc.cached_actor(cred.credentials)
        if actor is None:  # one indexed lookup, off the event loop
            actor = await run_in_threadpool(svc.authenticate, cred.credentials)
        if not role_at_least(actor.role, role):
            raise PermissionDenied(f"this needs the {role} role; {actor.name} is {actor.role}",
                                   remedy=f"using a token of a user with the {role} role")
        return actor
    return dep


_ACTORS = {r: _actor_for(r) for r in ROLES}
_ERRORS: dict[int | str, dict[str, Any]] = {
    s: {"description": d, "content": {"application/json": {"schema": {
        "$ref": "#/components/schemas/Error"}}}}
    for s, d in ((401, "No token, or an unknown or revoked one"),
                 (403, "The role may not do this"), (404, "Not found"),
                 (409, "Conflict (stale version, invalid transition, duplicate)"),
                 (422, "Invalid input or a rule of the process refuses it"))}

router = APIRouter(prefix=PREFIX)

ViewerDep = Annotated[Actor, Depends(_ACTORS["viewer"])]
AnalystDep = Annotated[Actor, Depends(_ACTORS["analyst"])]
ApproverDep = Annotated[Actor, Depends(_ACTORS["approver"])]
AdminDep = Annotated[Actor, Depends(_ACTORS["admin"])]
Svc = Annotated[CaseService, Depends(_service)]

Limit = Annotated[int, Query(ge=1, le=1000, description="Page size")]
Offset = Annotated[int, Query(ge=0, le=10**9, description="Items to skip")]
CaseId = Annotated[int, Path(ge=1, le=INT32)]
DecisionId = Annotated[int, Path(ge=1, le=INT32)]
AppealId = Annotated[int, Path(ge=1, le=INT32)]
NetworkId = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[^\x00]+$")]
RunQ = Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00]*$")]
Text = Annotated[str, Field(max_length=10000, pattern=r"^[^\x00]*$")]
Name = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00]+$")]
Short = Annotated[str, Field(max_length=500, pattern=r"^[^\x00]*$")]
AccountText = Annotated[str, Field(min_length=3, max_length=300, pattern=r"^[^:\x00]+:[^\x00]+$")]


def _route(method: str, path: str, role: str, summary: str,
           status_code: int = 200) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    ENDPOINTS.append(Endpoint(method, PREFIX + path, role, summary))

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def endpoint(*args: Any, **kwargs: Any) -> Any:
            out = fn(*args, **kwargs)
            if isinstance(out, Response):
                return out
            # orjson straight from the use case's plain dicts: FastAPI's generic encoder
            # would walk every value again
            return Response(orjson.dumps(out), status_code=status_code,
                            media_type="application/json")

        router.add_api_route(path, endpoint, methods=[method], summary=summary,
                             status_code=status_code, responses=_ERRORS,
                             description=f"Role: **{role}** or above.\n\n" + (fn.__doc__ or ""),
                             tags=[path.split("/")[1]])
        return fn
    return deco


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CaseCreate(_Body):
    network_id: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00]+$")]
    run_id: Short | None = None
    title: Short = ""


class TransitionBody(_Body):
    to: Literal[STATES]  # type: ignore[valid-type]
    version: Annotated[int, Field(ge=1, le=BIG)] | None = None
    why: Short = ""


class AssignBody(_Body):
    assignee: Name | None = None
    version: Annotated[int, Field(ge=1, le=BIG)] | None = None


class NetworkLink(_Body):
    network_id: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00]+$")]
    run_id: Short | None = None


class NoteBody(_Body):
    text: Annotated[str, Field(min_length=1, max_length=10000, pattern=r"^[^\x00]+$")]
    evidence_id: Annotated[int, Field(ge=1, le=INT32)] | None = None


class TagBody(_Body):
    name: Name
    evidence_id: Annotated[int, Field(ge=1, le=INT32)] | None = None


class LinkBody(_Body):
    other_case_id: Annotated[int, Field(ge=1, le=INT32)]
    kind: Literal[LINK_KINDS] = "same_operation"  # type: ignore[valid-type]
    note: Text = ""


class ExceptionBody(_Body):
    account: AccountText
    action: Literal[dsa.EXCEPTION_ACTIONS]  # type: ignore[valid-type]
    reason: Text = ""


class DecisionBody(_Body):
    action: Literal[dsa.ACTIONS]  # type: ignore[valid-type]
    policy_clause: Annotated[str, Field(min_length=1, max_length=500, pattern=r"^[^\x00]+$")]
    explanation: Annotated[str, Field(min_length=1, max_length=2000,
                                      pattern=r"^[^\x00]+$")] = DecisionInput.explanation
    facts: Annotated[str, Field(min_length=1, max_length=5000, pattern=r"^[^\x00]+$")] | None = None
    reason_codes: list[Short] | None = Field(default=None, max_length=1000)
    evidence_refs: list[Short] | None = Field(default=None, max_length=1000)
    detection_source: Literal["internal", "external"] = "internal"
    source_identity: Short = ""
    automated_detection: bool | None = None
    automated_decision: Literal["not_automated", "partially"] = "not_automated"
    category: Literal[dsa.CATEGORIES] = DecisionInput.category  # type: ignore[valid-type]
    category_specification: list[Literal[dsa.KEYWORDS]] | None = Field(  # type: ignore[valid-type]
        default=None, max_length=100)
    territorial_scope: list[Literal[dsa.COUNTRY_CODES]] | None = Field(  # type: ignore[valid-type]
        default=None, max_length=30)
    end_date: dt.date | None = None
    run_id: Short | None = None
    exceptions: list[ExceptionBody] = Field(default_factory=list, max_length=100000)


class ReviewBody(_Body):
    note: Text = ""
    version: Annotated[int, Field(ge=1, le=BIG)] | None = None


class ExportBody(_Body):
    decision_id: Annotated[int, Field(ge=1, le=INT32)] | None = None
    batch_size: Annotated[int, Field(ge=1, le=dsa.MAX_BATCH)] = dsa.MAX_BATCH


class AppealBody(_Body):
    decision_id: Annotated[int, Field(ge=1, le=INT32)]
    accounts: list[AccountText] = Field(min_length=1, max_length=100000)
    basis: Literal[APPEAL_BASES]  # type: ignore[valid-type]
    text: Text = ""
    received_at: Annotated[dt.datetime, Field(ge=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
                                              le=dt.datetime(2100, 1, 1, tzinfo=dt.UTC))] | None = None


class AppealDecisionBody(_Body):
    outcome: Literal["upheld", "reversed"]
    reason: Annotated[str, Field(min_length=1, max_length=10000, pattern=r"^[^\x00]+$")]
    accounts: list[AccountText] | None = Field(default=None, max_length=100000)
    version: Annotated[int, Field(ge=1, le=BIG)] | None = None


class UserBody(_Body):
    name: Name
    role: Literal[ROLES]  # type: ignore[valid-type]
    kind: Literal["human", "service"] = "human"


class UserPatch(_Body):
    role: Literal[ROLES] | None = None  # type: ignore[valid-type]
    active: bool | None = None


class TokenBody(_Body):
    label: Short = ""


# ---- who am I ----------------------------------------------------------------------------

@_route("GET", "/me", "viewer", "The user of the token")
def me(actor: ViewerDep) -> dict[str, Any]:
    return {"id": actor.id, "name": actor.name, "role": actor.role, "kind": actor.kind}


# ---- the investigation -------------------------------------------------------------------

@_route("GET", "/runs", "viewer", "Detection runs")
def runs(actor: ViewerDep, svc: Svc) -> list[dict[str, Any]]:
    return svc.runs(actor)


@_route("GET", "/networks", "viewer", "Networks, filtered and paginated")
def networks(actor: ViewerDep, svc: Svc, run_id: RunQ = None,
             assessment: Annotated[str | None, Query(max_length=50)] = None,
             min_size: Annotated[int | None, Query(ge=0, le=INT32)] = None,
             limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    return svc.networks(actor, run_id, assessment, min_size, limit, offset)


@_route("GET", "/networks/{network_id}", "viewer", "One network: assessment, reasons, refs")
def network(actor: ViewerDep, svc: Svc, network_id: NetworkId, run_id: RunQ = None
            ) -> dict[str, Any]:
    return svc.network(actor, network_id, run_id)


@_route("GET", "/networks/{network_id}/members", "viewer", "A network's members, paginated")
def members(actor: ViewerDep, svc: Svc, network_id: NetworkId, run_id: RunQ = None,
            limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    return svc.members(actor, network_id, run_id, limit, offset)


@_route("GET", "/networks/{network_id}/reasons", "viewer", "Why a network was flagged")
def reasons(actor: ViewerDep, svc: Svc, network_id: NetworkId, run_id: RunQ = None
            ) -> list[dict[str, Any]]:
    return svc.reasons(actor, network_id, run_id)


@_route("GET", "/networks/{network_id}/evidence", "viewer", "What two members did together")
def pair_evidence(actor: ViewerDep, svc: Svc, network_id: NetworkId,
                  a: Annotated[str, Query(min_length=3, max_length=300, pattern=r"^[^:\x00]+:[^\x00]+$")],
                  b: Annotated[str, Query(min_length=3, max_length=300, pattern=r"^[^:\x00]+:[^\x00]+$")],
                  run_id: RunQ = None) -> list[dict[str, Any]]:
    return svc.pair_evidence(actor, network_id, a, b, run_id)


# ---- cases -------------------------------------------------------------------------------

@_route("GET", "/cases", "viewer", "Cases, filtered and paginated")
def list_cases(actor: ViewerDep, svc: Svc,
               state: Annotated[Literal[STATES] | None, Query()] = None,  # type: ignore[valid-type]
               assignee: Annotated[str | None, Query(max_length=100, pattern=r"^[^\x00]*$")] = None,
               network_id: RunQ = None, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    return svc.list_cases(actor, state, assignee, network_id, limit, offset)


@_route("POST", "/cases", "analyst", "Open a case on a network (snapshot taken)", 201)
def open_case(actor: AnalystDep, svc: Svc, body: CaseCreate) -> dict[str, Any]:
    return svc.open_case(actor, body.network_id, body.run_id, body.title)


@_route("GET", "/cases/{case_id}", "viewer", "One case")
def get_case(actor: ViewerDep, svc: Svc, case_id: CaseId) -> dict[str, Any]:
    return svc.get_case(actor, case_id)


@_route("POST", "/cases/{case_id}/transition", "analyst", "Change a case's state")
def transition(actor: AnalystDep, svc: Svc, case_id: CaseId, body: TransitionBody
               ) -> dict[str, Any]:
    """Only start review (new -> in_review), close and reopen are asked for directly; the other
    transitions follow from decisions, approvals and appeals. ``version`` guards against lost
    updates: 409 when the case changed since it was read."""
    return svc.transition(actor, case_id, body.to, body.version, body.why)


@_route("POST", "/cases/{case_id}/assign", "analyst", "Assign a case (null: unassign)")
def assign(actor: AnalystDep, svc: Svc, case_id: CaseId, body: AssignBody) -> dict[str, Any]:
    return svc.assign(actor, case_id, body.assignee, body.version)


@_route("POST", "/cases/{case_id}/networks", "analyst", "Add another run's network to a case",
        201)
def add_network(actor: AnalystDep, svc: Svc, case_id: CaseId, body: NetworkLink
                ) -> dict[str, Any]:
    return svc.add_network(actor, case_id, body.network_id, body.run_id)


@_route("GET", "/cases/{case_id}/notes", "viewer", "A case's notes")
def list_notes(actor: ViewerDep, svc: Svc, case_id: CaseId, limit: Limit = 100,
               offset: Offset = 0) -> dict[str, Any]:
    return svc.list_notes(actor, case_id, limit, offset)


@_route("POST", "/cases/{case_id}/notes", "analyst", "Add a note (append-only)", 201)
def add_note(actor: AnalystDep, svc: Svc, case_id: CaseId, body: NoteBody) -> dict[str, Any]:
    return svc.add_note(actor, case_id, body.text, body.evidence_id)


@_route("GET", "/cases/{case_id}/tags", "viewer", "A case's tags")
def list_tags(actor: ViewerDep, svc: Svc, case_id: CaseId) -> list[dict[str, Any]]:
    return svc.list_tags(actor, case_id)


@_route("POST", "/cases/{case_id}/tags", "analyst", "Tag a case", 201)
def add_tag(actor: AnalystDep, svc: Svc, case_id: CaseId, body: TagBody) -> dict[str, Any]:
    return svc.add_tag(actor, case_id, body.name, body.evidence_id)


@_route("DELETE", "/cases/{case_id}/tags/{name}", "analyst", "Remove a tag", 204)
def remove_tag(actor: AnalystDep, svc: Svc, case_id: CaseId,
               name: Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[^\x00]+$")]
               ) -> Response:
    svc.remove_tag(actor, case_id, name)
    return Response(status_code=204)


@_route("GET", "/cases/{case_id}/links", "viewer", "Cases linked to this one")
def list_links(actor: ViewerDep, svc: Svc, case_id: CaseId) -> list[dict[str, Any]]:
    return svc.list_links(actor, case_id)


@_route("POST", "/cases/{case_id}/links", "analyst", "Link two cases", 201)
def link_cases(actor: AnalystDep, svc: Svc, case_id: CaseId, body: LinkBody) -> dict[str, Any]:
    return svc.link_cases(actor, case_id, body.other_case_id, body.kind, body.note)


@_route("GET", "/cases/{case_id}/evidence", "viewer", "A case's evidence snapshots")
def list_evidence(actor: ViewerDep, svc: Svc, case_id: CaseId) -> list[dict[str, Any]]:
    return svc.list_evidence(actor, case_id)


@_route("GET", "/evidence/{evidence_id}", "viewer", "One snapshot (members paginated)")
def get_evidence(actor: ViewerDep, svc: Svc,
                 evidence_id: Annotated[int, Path(ge=1, le=INT32)],
                 limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    return svc.get_evidence(actor, evidence_id, limit, offset)


# ---- decisions ---------------------------------------------------------------------------

@_route("GET", "/cases/{case_id}/decisions", "viewer", "A case's decisions")
def case_decisions(actor: ViewerDep, svc: Svc, case_id: CaseId) -> list[dict[str, Any]]:
    return svc.list_decisions(actor, case_id)


@_route("POST", "/cases/{case_id}/decisions", "analyst", "Propose a decision", 201)
def propose(actor: AnalystDep, svc: Svc, case_id: CaseId, body: DecisionBody) -> dict[str, Any]:
    """The decision relies on a new snapshot of the network; it takes effect only when another
    user with the approver role approves it (four eyes)."""
    data = body.model_dump()
    data["end_date"] = body.end_date.isoformat() if body.end_date else None
    data["exceptions"] = [e.model_dump() for e in body.exceptions]
    return svc.propose_decision(actor, case_id, DecisionInput(**data))


@_route("GET", "/decisions", "viewer", "Decisions")
def list_decisions(actor: ViewerDep, svc: Svc,
                   status: Annotated[Literal["proposed", "approved", "rejected"] | None,
                                     Query()] = None) -> list[dict[str, Any]]:
    return svc.list_decisions(actor, None, status)


@_route("GET", "/decisions/{decision_id}", "viewer", "One decision")
def get_decision(actor: ViewerDep, svc: Svc, decision_id: DecisionId) -> dict[str, Any]:
    return svc.get_decision(actor, decision_id)


@_route("POST", "/decisions/{decision_id}/approve", "approver",
        "Approve (second pair of eyes): fan-out and statements")
def approve(actor: ApproverDep, svc: Svc, decision_id: DecisionId, body: ReviewBody
            ) -> dict[str, Any]:
    return svc.approve(actor, decision_id, body.note, body.version)


@_route("POST", "/decisions/{decision_id}/reject", "approver", "Reject a proposal")
def reject(actor: ApproverDep, svc: Svc, decision_id: DecisionId, body: ReviewBody
           ) -> dict[str, Any]:
    return svc.reject(actor, decision_id, body.note, body.version)


@_route("GET", "/decisions/{decision_id}/accounts", "viewer", "The accounts a decision acts on")
def decision_accounts(actor: ViewerDep, svc: Svc, decision_id: DecisionId, limit: Limit = 100,
                      offset: Offset = 0) -> dict[str, Any]:
    return svc.decision_accounts(actor, decision_id, limit, offset)


# ---- statements --------------------------------------------------------------------------

@_route("GET", "/statements", "viewer", "Statements of reasons")
def list_statements(actor: ViewerDep, svc: Svc,
                    decision_id: Annotated[int | None, Query(ge=1, le=INT32)] = None,
                    exported: bool | None = None, limit: Limit = 100,
                    offset: Offset = 0) -> dict[str, Any]:
    return svc.list_statements(actor, decision_id, exported, limit, offset)


@_route("GET", "/statements/{puid}", "viewer", "One statement of reasons")
def get_statement(actor: ViewerDep, svc: Svc,
                  puid: Annotated[str, Path(max_length=500, pattern=r"^[a-zA-Z0-9_-]+$")]
                  ) -> dict[str, Any]:
    return svc.get_statement(actor, puid)


@_route("POST", "/exports", "approver", "Export the statements not yet exported", 201)
def export(actor: ApproverDep, svc: Svc, body: ExportBody) -> dict[str, Any]:
    """Validated against the Transparency Database's rules first: if any statement breaks one,
    nothing is exported (422, with the problems)."""
    return svc.export_statements(actor, body.decision_id, body.batch_size)


@_route("GET", "/exports/{export_id}", "approver", "One export")
def get_export(actor: ApproverDep, svc: Svc,
               export_id: Annotated[int, Path(ge=1, le=INT32)]) -> dict[str, Any]:
    return svc.get_export(actor, export_id)


@_route("GET", "/exports/{export_id}/batches/{batch}", "approver",
        "One batch: the body of POST /api/v1/statements of the Transparency Database")
def export_batch(actor: ApproverDep, svc: Svc,
                 export_id: Annotated[int, Path(ge=1, le=INT32)],
                 batch: Annotated[int, Path(ge=0, le=INT32)]) -> Response:
    return Response(svc.export_batch_json(actor, export_id, batch),
                    media_type="application/json")


# ---- appeals -----------------------------------------------------------------------------

@_route("GET", "/appeals", "viewer", "Appeals")
def list_appeals(actor: ViewerDep, svc: Svc,
                 status: Annotated[Literal["open", "upheld", "reversed"] | None, Query()] = None,
                 decision_id: Annotated[int | None, Query(ge=1, le=INT32)] = None
                 ) -> list[dict[str, Any]]:
    return svc.list_appeals(actor, status, decision_id)


@_route("POST", "/appeals", "analyst", "Register an appeal (Art. 20)", 201)
def lodge_appeal(actor: AnalystDep, svc: Svc, body: AppealBody) -> dict[str, Any]:
    return svc.lodge_appeal(actor, body.decision_id, body.accounts, body.basis, body.text,
                            body.received_at)


@_route("GET", "/appeals/{appeal_id}", "viewer", "One appeal")
def get_appeal(actor: ViewerDep, svc: Svc, appeal_id: AppealId) -> dict[str, Any]:
    return svc.get_appeal(actor, appeal_id)


@_route("POST", "/appeals/{appeal_id}/decide", "approver", "Uphold or reverse an appeal")
def decide_appeal(actor: ApproverDep, svc: Svc, appeal_id: AppealId, body: AppealDecisionBody
                  ) -> dict[str, Any]:
    """By a person with the approver role who took no part in the decision. A reversal (of
    all the appeal's accounts or ``accounts`` among them) restores them and issues revised
    statements of reasons."""
    return svc.decide_appeal(actor, appeal_id, body.outcome, body.reason, body.accounts,
                             body.version)


@_route("GET", "/transparency/appeals", "viewer", "Art. 15(1)(d) figures for a period")
def appeal_figures(actor: ViewerDep, svc: Svc,
                   start: Annotated[dt.date, Query(alias="from", ge=dt.date(2000, 1, 1),
                                                   le=dt.date(2100, 1, 1))],
                   end: Annotated[dt.date, Query(alias="to", ge=dt.date(2000, 1, 1),
                                                 le=dt.date(2100, 1, 1))]) -> dict[str, Any]:
    return svc.appeal_figures(actor, start, end)


# ---- audit -------------------------------------------------------------------------------

@_route("GET", "/audit", "approver", "Audit events, in order")
def audit_events(actor: ApproverDep, svc: Svc,
                 after: Annotated[int, Query(ge=0, le=BIG)] = 0, limit: Limit = 100,
                 object_type: Annotated[str | None, Query(max_length=50, pattern=r"^[^\x00]*$")] = None,
                 object_id: Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00]*$")] = None
                 ) -> dict[str, Any]:
    return svc.audit_events(actor, after, limit, object_type, object_id)


@_route("GET", "/audit/verify", "approver", "Verify the audit chain")
def audit_verify(actor: ApproverDep, svc: Svc) -> dict[str, Any]:
    return svc.verify_audit(actor).as_dict()


# ---- users and tokens --------------------------------------------------------------------

@_route("GET", "/users", "admin", "Users")
def list_users(actor: AdminDep, svc: Svc) -> list[dict[str, Any]]:
    return svc.list_users(actor)


@_route("POST", "/users", "admin", "Add a user (its first token is in the answer, once)", 201)
def add_user(actor: AdminDep, svc: Svc, body: UserBody) -> dict[str, Any]:
    user, token = svc.add_user(actor, body.name, body.role, body.kind)
    return user | {"token": token}


@_route("PATCH", "/users/{name}", "admin", "Change a user's role or deactivate it")
def set_user(actor: AdminDep, svc: Svc,
             name: Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[^\x00]+$")],
             body: UserPatch) -> dict[str, Any]:
    return svc.set_user(actor, name, role=body.role, active=body.active)


@_route("GET", "/users/{name}/tokens", "admin", "A user's tokens (never the tokens themselves)")
def user_tokens(actor: AdminDep, svc: Svc,
                name: Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[^\x00]+$")]
                ) -> list[dict[str, Any]]:
    return svc.list_tokens(actor, name)


@_route("POST", "/users/{name}/tokens", "admin", "Issue a token (shown once)", 201)
def issue(actor: AdminDep, svc: Svc,
          name: Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[^\x00]+$")],
          body: TokenBody) -> dict[str, Any]:
    tok, token = svc.new_token(actor, name, body.label)
    return tok | {"token": token}


@_route("GET", "/tokens", "admin", "All tokens (prefixes only)")
def list_tokens(actor: AdminDep, svc: Svc) -> list[dict[str, Any]]:
    return svc.list_tokens(actor)


@_route("DELETE", "/tokens/{token_id}", "admin", "Revoke a token")
def revoke(actor: AdminDep, svc: Svc, token_id: Annotated[int, Path(ge=1, le=INT32)]
           ) -> dict[str, Any]:
    return svc.revoke_token(actor, token_id)


def create_app(service: CaseService, threads: int = 4, *, workspace: bool = True,
               stores: list[Any] | None = None) -> FastAPI:
    """The API over ``service`` (its case store and investigation source), and the
    investigator's workspace (web pages, :mod:`cibwatch.web.ui`) unless ``workspace`` is
    False; ``stores``: DuckDB stores the workspace reads posts from when a run's output
    directory has none.

    ``threads``: worker threads for the (blocking) use cases. Few is faster: the work is
    short and holds the GIL, and every extra thread competing for it delays the one holding
    the store's write lock (measured in benchmarks/cases_load.py)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        yield

    app = FastAPI(title="cibwatch case API", version=__version__, lifespan=lifespan,
                  description="Review and enforcement on detected networks: cases, decisions "
                  "with four eyes, DSA statements of reasons, appeals, audit. Every endpoint "
                  "needs `Authorization: Bearer TOKEN`; see docs/CASES.md.",
                  openapi_url=f"{PREFIX}/openapi.json", docs_url=f"{PREFIX}/docs",
                  redoc_url=None)
    app.state.service = service
    install_error_handlers(app)
    app.include_router(router)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        from fastapi.openapi.utils import get_openapi

        schema = get_openapi(title=app.title, version=app.version,
                             description=app.description, routes=app.routes)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for item in schema.get("paths", {}).values():
            for op in item.values():
                if "422" in op.get("responses", {}):
                    op["responses"]["422"] = _ERRORS[422] | {
                        "description": op["responses"]["422"].get("description", "")}
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
    if workspace:
        from .ui import install_workspace

        install_workspace(app, service, stores)
    return app
