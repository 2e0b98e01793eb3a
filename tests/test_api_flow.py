"""Done when: through the API alone, a detected network goes from new to an approved takedown
with statements of reasons, an appeal reverses part of it, and the audit log verifies. On
SQLite and on a real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cibwatch.cases import CaseService, CaseStore, MemorySource, dsa
from cibwatch.cli import app as cli_app
from cibwatch.web import PREFIX, create_app

from .cases_support import snapshot


class Api:
    def __init__(self, client: TestClient) -> None:
        self.client = client

    def __call__(self, method: str, path: str, token: str, status: int = 200,
                 **kw: Any) -> Any:
        r = self.client.request(method, PREFIX + path,
                                headers={"Authorization": f"Bearer {token}"}, **kw)
        assert r.status_code == status, (method, path, r.status_code, r.text)
        return r.json() if r.content else None


@pytest.fixture
def api(case_url: str) -> Iterator[tuple[Api, str, CaseService]]:
    store = CaseStore.open(case_url, pool_size=5)
    svc = CaseService(store, MemorySource([snapshot("net-spam", "run-2026-01", 40)]))
    _, root = svc.add_user(None, "root", "admin")  # the first user, from the command line
    with TestClient(create_app(svc)) as client:
        yield Api(client), root, svc
    store.close()


def test_network_to_takedown_appeal_and_audit(api: tuple[Api, str, CaseService],
                                              case_url: str) -> None:
    call, root, _ = api
    tok = {}
    for name, role in (("ana", "analyst"), ("apo", "approver"), ("rev", "approver"),
                       ("vic", "viewer")):
        tok[name] = call("POST", "/users", root, 201, json={"name": name, "role": role})["token"]

    nets = call("GET", "/networks", tok["vic"])
    assert nets["total"] == 1 and nets["items"][0]["network_id"] == "net-spam"
    page = call("GET", "/networks/net-spam/members", tok["vic"], params={"limit": 10,
                                                                         "offset": 30})
    assert page["total"] == 40 and len(page["items"]) == 10
    reasons = call("GET", "/networks/net-spam/reasons", tok["vic"])
    assert {r["code"] for r in reasons} == {"shift_work-1", "coordination-1"}

    case = call("POST", "/cases", tok["ana"], 201, json={"network_id": "net-spam"})
    cid = case["id"]
    call("POST", f"/cases/{cid}/notes", tok["ana"], 201, json={"text": "office-hour shifts"})
    call("POST", f"/cases/{cid}/tags", tok["ana"], 201, json={"name": "state-linked"})
    case = call("POST", f"/cases/{cid}/assign", tok["ana"], json={"assignee": "ana",
                                                                  "version": case["version"]})
    stale = call("POST", f"/cases/{cid}/assign", tok["ana"], 409,
                 json={"assignee": "apo", "version": case["version"] - 1})
    assert stale["error"]["code"] == "stale_version"
    call("POST", f"/cases/{cid}/transition", tok["ana"], json={"to": "in_review"})
    bad = call("POST", f"/cases/{cid}/transition", tok["ana"], 409, json={"to": "decided"})
    assert bad["error"]["code"] == "invalid_transition"

    pd = call("POST", f"/cases/{cid}/decisions", tok["ana"], 422, json={
        "action": "terminate", "policy_clause": "Rules 4.2",
        "facts": "Led by acct_handle7 on twitter."})
    assert pd["error"]["code"] == "personal_data"
    dec = call("POST", f"/cases/{cid}/decisions", tok["ana"], 201, json={
        "action": "terminate", "policy_clause": "Community rules 4.2: inauthentic behaviour",
        "reason_codes": ["shift_work-1", "coordination-1"],
        "exceptions": [{"account": "twitter:acct00003", "action": "recover",
                        "reason": "hijacked; the owner is a victim"},
                       {"account": "twitter:acct00004", "action": "exclude",
                        "reason": "a journalist who quoted the network"}]})
    assert dec["status"] == "proposed" and call("GET", f"/cases/{cid}", tok["vic"])[
        "state"] == "proposed"
    call("POST", f"/decisions/{dec['id']}/approve", tok["ana"], 403, json={})  # an analyst
    dec = call("POST", f"/decisions/{dec['id']}/approve", tok["apo"], json={"note": "agreed"})
    assert dec["status"] == "approved" and dec["n_affected"] == 39
    assert dec["decided_by"] == "apo" and dec["proposed_by"] == "ana"
    assert call("GET", f"/cases/{cid}", tok["vic"])["state"] == "decided"

    exp = call("POST", "/exports", tok["apo"], 201, json={"batch_size": 25})
    assert exp["statements"] == 39 and exp["batches"] == 2
    batch = call("GET", f"/exports/{exp['id']}/batches/0", tok["apo"])
    assert len(batch["statements"]) == 25
    for st in batch["statements"]:
        assert dsa.validate_statement(st) == []
        assert "acct" not in st["decision_facts"]
    call("GET", f"/exports/{exp['id']}/batches/2", tok["apo"], 404)

    appeal = call("POST", "/appeals", tok["ana"], 201, json={
        "decision_id": dec["id"], "accounts": ["twitter:acct00000", "twitter:acct00001"],
        "basis": "not_inauthentic", "text": "we are a student society"})
    assert call("GET", f"/cases/{cid}", tok["vic"])["state"] == "appealed"
    call("POST", f"/appeals/{appeal['id']}/decide", tok["apo"], 403,
         json={"outcome": "reversed", "reason": "x"})  # took part in the decision
    out = call("POST", f"/appeals/{appeal['id']}/decide", tok["rev"], json={
        "outcome": "reversed", "reason": "a real society sharing one office network",
        "accounts": ["twitter:acct00001"]})
    assert out["status"] == "reversed" and out["reviewer"] == "rev"
    assert call("GET", f"/cases/{cid}", tok["vic"])["state"] == "reversed"
    accts = call("GET", f"/decisions/{dec['id']}/accounts", tok["vic"], params={"limit": 100})
    restored = [a["account"] for a in accts["items"] if a["status"] == "restored"]
    assert restored == ["twitter:acct00001"]
    new = call("GET", "/statements", tok["vic"], params={"exported": "false"})
    assert new["total"] == 1 and new["items"][0]["revision"] == 2
    revised = call("GET", f"/statements/{new['items'][0]['puid']}", tok["vic"])["body"]
    assert dsa.validate_statement(revised) == []
    exp2 = call("POST", "/exports", tok["apo"], 201, json={})
    assert exp2["statements"] == 1

    figures = call("GET", "/transparency/appeals", tok["vic"],
                   params={"from": "2000-01-01", "to": "2099-12-31"})
    assert figures["complaints_received"] == 1 and figures["reversals"] == 1
    call("POST", f"/cases/{cid}/transition", tok["ana"], json={"to": "closed"})

    events = call("GET", "/audit", tok["apo"], params={"limit": 1000})["items"]
    actions = [e["action"] for e in events]
    for a in ("case.open", "evidence.snapshot", "decision.propose", "decision.approve",
              "statements.export", "appeal.lodge", "appeal.decide", "note.add"):
        assert a in actions
    assert call("GET", "/audit/verify", tok["rev"])["ok"] is True
    r = CliRunner().invoke(cli_app, ["audit", "verify", "--case-db", case_url])
    assert r.exit_code == 0, r.output
