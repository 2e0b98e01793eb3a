"""The case store's use cases on SQLite and on a real PostgreSQL (see cases_support.py)."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from sqlalchemy import inspect, select, text

from cibwatch.cases import (
    CaseStore,
    Conflict,
    DecisionInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    PersonalDataError,
    RuleViolation,
    StaleVersion,
    ValidationFailed,
    dsa,
)
from cibwatch.cases.models import AuditEvent, Setting, Statement

from .cases_support import World, make_world, snapshot

CLAUSE = "Community rules 4.2: inauthentic behaviour"


def _to_proposed(w: World, action: str = "terminate", **kw: object) -> tuple[int, dict]:
    case = w.svc.open_case(w["ana"], "net-1")
    w.svc.transition(w["ana"], case["id"], "in_review")
    d = w.svc.propose_decision(w["ana"], case["id"],
                               DecisionInput(action=action, policy_clause=CLAUSE, **kw))  # type: ignore[arg-type]
    return case["id"], d


def _approved(w: World, **kw: object) -> tuple[int, dict]:
    cid, d = _to_proposed(w, **kw)  # type: ignore[arg-type]
    return cid, w.svc.approve(w["apo"], d["id"])


# ---- migrations ------------------------------------------------------------------------

def test_migrations_make_every_table_and_reopening_is_a_no_op(case_store: CaseStore,
                                                              case_url: str) -> None:
    names = set(inspect(case_store.engine).get_table_names())
    assert {"cases", "evidence", "notes", "tags", "case_links", "decisions", "statements",
            "appeals", "audit_events", "audit_head", "users", "api_tokens",
            "alembic_version"} <= names
    again = CaseStore.open(case_url)
    with again.engine.connect() as c:
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0002"
    again.close()


def test_the_migrations_make_what_the_models_describe(case_store: CaseStore) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from cibwatch.cases.models import Base

    with case_store.engine.connect() as c:
        assert compare_metadata(MigrationContext.configure(c), Base.metadata) == []


def test_sqlite_store_is_in_wal_mode(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = CaseStore.open(str(tmp_path / "x.cases.sqlite"))
    with store.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    store.close()


# ---- workflow --------------------------------------------------------------------------

def test_walk_from_new_to_closed(world: World) -> None:
    w = world
    cid, d = _approved(w)
    assert w.svc.get_case(w["viewer"], cid)["state"] == "decided"
    assert d["status"] == "approved" and d["n_affected"] == 5 and d["n_statements"] == 5
    closed = w.svc.transition(w["ana"], cid, "closed")
    assert closed["state"] == "closed"
    assert w.svc.transition(w["ana"], cid, "in_review")["state"] == "in_review"  # reopened


@pytest.mark.parametrize("target", ["proposed", "decided", "appealed", "upheld", "closed"])
def test_manual_transitions_out_of_new_are_refused(world: World, target: str) -> None:
    case = world.svc.open_case(world["ana"], "net-1")
    with pytest.raises(InvalidTransition):
        world.svc.transition(world["ana"], case["id"], target)


def test_decided_cannot_be_forced_by_hand(world: World) -> None:
    cid, _ = _to_proposed(world)
    with pytest.raises(InvalidTransition):
        world.svc.transition(world["ana"], cid, "decided")
    with pytest.raises(InvalidTransition):
        world.svc.transition(world["ana"], cid, "nonsense")


def test_one_case_per_network_and_it_follows_the_network_across_runs(world: World) -> None:
    w = world
    case = w.svc.open_case(w["ana"], "net-1")
    with pytest.raises(Conflict):
        w.svc.open_case(w["ben"], "net-1")
    w.source.add(snapshot("net-1", "run-2", 6))  # the same network found again by a later run
    w.source.add(snapshot("net-9", "run-2", 4, prefix="new"))  # a re-established network
    w.svc.add_network(w["ana"], case["id"], "net-1", "run-2")
    full = w.svc.add_network(w["ana"], case["id"], "net-9", "run-2")
    assert [(n["network_id"], n["run_id"]) for n in full["networks"]] == [
        ("net-1", "run-1"), ("net-1", "run-2"), ("net-9", "run-2")]
    assert len(w.svc.list_evidence(w["viewer"], case["id"])) == 3
    assert w.svc.list_cases(w["viewer"], network_id="net-9")["total"] == 1
    with pytest.raises(Conflict):
        w.svc.add_network(w["ana"], case["id"], "net-9", "run-2")
    # a decision proposed now relies on the latest run's network
    w.svc.transition(w["ana"], case["id"], "in_review")
    d = w.svc.propose_decision(w["ana"], case["id"], DecisionInput("label", CLAUSE))
    assert (d["network_id"], d["run_id"]) == ("net-9", "run-2")


def test_notes_tags_links_assignment(world: World) -> None:
    w = world
    a = w.svc.open_case(w["ana"], "net-1")
    b = w.svc.open_case(w["ana"], "net-2")
    ev = w.svc.list_evidence(w["viewer"], a["id"])[0]
    n = w.svc.add_note(w["ana"], a["id"], "shift pattern matches the 2023 operation", ev["id"])
    assert n["evidence_id"] == ev["id"] and n["author"] == "ana"
    w.svc.add_tag(w["ana"], a["id"], "spamouflage")
    with pytest.raises(Conflict):
        w.svc.add_tag(w["ben"], a["id"], "spamouflage")
    w.svc.link_cases(w["ana"], a["id"], b["id"], "same_operation", "same texts on two platforms")
    assert w.svc.list_links(w["viewer"], b["id"])[0]["other_case_id"] == a["id"]
    with pytest.raises(ValidationFailed):
        w.svc.link_cases(w["ana"], a["id"], a["id"])
    assigned = w.svc.assign(w["ana"], a["id"], "ben", version=a["version"])
    assert assigned["assignee"] == "ben"
    with pytest.raises(RuleViolation):
        w.svc.assign(w["ana"], a["id"], "viewer")
    assert w.svc.get_case(w["viewer"], a["id"])["tags"] == ["spamouflage"]
    w.svc.remove_tag(w["ana"], a["id"], "spamouflage")
    assert w.svc.list_tags(w["viewer"], a["id"]) == []
    assert w.svc.list_notes(w["viewer"], a["id"])["total"] == 1
    with pytest.raises(NotFound):
        w.svc.add_note(w["ana"], 999, "x")
    with pytest.raises(PermissionDenied):
        w.svc.add_note(w["viewer"], a["id"], "viewers cannot write")


# ---- evidence is immutable ---------------------------------------------------------------

@pytest.mark.parametrize("table", ["evidence", "notes", "audit_events"])
def test_append_only_tables_refuse_update_and_delete(world: World, table: str) -> None:
    w = world
    case = w.svc.open_case(w["ana"], "net-1")
    w.svc.add_note(w["ana"], case["id"], "a note")
    col = {"evidence": "purpose", "notes": "text", "audit_events": "actor"}[table]
    with pytest.raises(Exception, match="append-only"):
        w.svc.store.raw(f"UPDATE {table} SET {col} = 'changed'")
    with pytest.raises(Exception, match="append-only"):
        w.svc.store.raw(f"DELETE FROM {table}")


def test_evidence_snapshot_is_what_the_decision_acts_on(world: World) -> None:
    w = world
    cid, d = _to_proposed(w)
    w.source.add(snapshot("net-1", "run-1", 50))  # the source changes after the proposal
    d = w.svc.approve(w["apo"], d["id"])
    assert d["n_affected"] == 5  # the reviewed snapshot, not what the source says now
    ev = w.svc.get_evidence(w["viewer"], d["evidence_id"], 2, 0)
    assert ev["intact"] and ev["members"]["total"] == 5 and len(ev["members"]["items"]) == 2


# ---- decisions and four eyes -------------------------------------------------------------

def test_four_eyes(world: World) -> None:
    w = world
    _, d = _to_proposed(w)
    with pytest.raises(PermissionDenied):
        w.svc.approve(w["ana"], d["id"])  # an analyst
    with pytest.raises(PermissionDenied):
        w.svc.approve(w["bot"], d["id"])  # an automated client
    assert w.svc.get_decision(w["viewer"], d["id"])["status"] == "proposed"
    assert w.svc.decision_accounts(w["viewer"], d["id"])["total"] == 0  # no effect yet


def test_an_approver_cannot_approve_their_own_proposal(world: World) -> None:
    w = world
    case = w.svc.open_case(w["apo"], "net-1")
    w.svc.transition(w["apo"], case["id"], "in_review")
    d = w.svc.propose_decision(w["apo"], case["id"], DecisionInput("suspend", CLAUSE,
                                                                   end_date="2030-01-01"))
    with pytest.raises(PermissionDenied, match="four eyes"):
        w.svc.approve(w["apo"], d["id"])
    assert w.svc.approve(w["rev"], d["id"])["status"] == "approved"
    with pytest.raises(Conflict):
        w.svc.approve(w["root"], d["id"])  # already approved


def test_rejection_sends_the_case_back_to_review(world: World) -> None:
    w = world
    cid, d = _to_proposed(w)
    with pytest.raises(ValidationFailed):
        w.svc.reject(w["apo"], d["id"], "")
    w.svc.reject(w["apo"], d["id"], "evidence too thin for a takedown")
    assert w.svc.get_case(w["viewer"], cid)["state"] == "in_review"
    d2 = w.svc.propose_decision(w["ana"], cid, DecisionInput("label", CLAUSE))
    assert w.svc.approve(w["apo"], d2["id"])["n_statements"] == 5


def test_exceptions_per_account(world: World) -> None:
    w = world
    _, d = _approved(w, exceptions=[
        {"account": "twitter:acct00001", "action": "recover", "reason": "hijacked"},
        {"account": "twitter:acct00002", "action": "exclude", "reason": "a journalist"}])
    accts = {a["account"]: a["action"] for a in
             w.svc.decision_accounts(w["viewer"], d["id"])["items"]}
    assert accts == {"twitter:acct00000": "terminate", "twitter:acct00001": "recover",
                     "twitter:acct00003": "terminate", "twitter:acct00004": "terminate"}
    bodies = [s["body"] for s in w.svc.list_statements(w["viewer"], d["id"])["items"]]
    rec = [b for b in bodies if "decision_provision" in b]
    assert len(rec) == 1 and "KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING" in rec[0][
        "category_specification"]
    other = w.svc.open_case(w["ana"], "net-2")["id"]
    w.svc.transition(w["ana"], other, "in_review")
    with pytest.raises(ValidationFailed):
        w.svc.propose_decision(w["ana"], other,
                               DecisionInput("terminate", CLAUSE, exceptions=[
                                   {"account": "twitter:nobody", "action": "exclude"}]))


def test_dismissal_issues_no_statement(world: World) -> None:
    _, d = _approved(world, action="dismiss")
    assert d["n_statements"] == 0 and d["n_affected"] == 0


def test_decision_records_what_it_relied_on(world: World) -> None:
    w = world
    _, d = _to_proposed(w, detection_source="external",
                        source_identity="indicators published by another platform",
                        reason_codes=["shift_work-1"])
    assert d["reason_codes"] == ["shift_work-1"] and d["evidence_refs"]
    assert d["detection_source"] == "external" and d["automated_detection"] is False
    assert d["cibwatch_version"] and d["run_id"] == "run-1" and d["proposed_by"] == "ana"
    d = w.svc.approve(w["apo"], d["id"])
    body = w.svc.list_statements(w["viewer"], d["id"])["items"][0]["body"]
    assert body["source_type"] == "SOURCE_TYPE_OTHER_NOTIFICATION"
    assert body["automated_detection"] == "No" and body["content_language"] == "EN"
    assert body["content_type"] == ["CONTENT_TYPE_TEXT", "CONTENT_TYPE_IMAGE"]


def test_inverted_automated_detection_flag_is_refused(world: World) -> None:
    with pytest.raises(ValidationFailed, match="automated_detection"):
        _to_proposed(world, automated_detection=False)


def test_decision_facts_with_personal_data_are_refused(world: World) -> None:
    w = world
    cid = _case_in_review(w)
    for facts in ("Run by acct_handle3 and friends.", "See @someone for details.",
                  "Profile: https://twitter.com/acct_handle1", "Account acct00004 led it.",
                  "Write to owner@example.org."):
        with pytest.raises(PersonalDataError):
            w.svc.propose_decision(w["ana"], cid, DecisionInput("terminate", CLAUSE,
                                                                facts=facts))
    ok = w.svc.propose_decision(w["ana"], cid, DecisionInput(
        "terminate", CLAUSE, facts="Five accounts posted the same texts within 60 s, in "
        "office-hour shifts, 2024-03-01 to 2024-04-30."))
    assert ok["status"] == "proposed"


def _case_in_review(w: World) -> int:
    c = w.svc.open_case(w["ana"], "net-1")
    w.svc.transition(w["ana"], c["id"], "in_review")
    return int(c["id"])


# ---- statements --------------------------------------------------------------------------

def test_statements_are_valid_idempotent_and_exported_in_batches(case_store: CaseStore) -> None:
    w = make_world(case_store, [snapshot(n=250)])
    _, d = _approved(w)
    with case_store.read() as s:
        key = bytes.fromhex(s.get(Setting, "puid_key").value)  # type: ignore[union-attr]
        rows = s.execute(select(Statement)).scalars().all()
    assert len(rows) == 250
    for st in rows:
        body = json.loads(st.body)
        assert dsa.validate_statement(body) == []
        assert body["decision_account"] == "DECISION_ACCOUNT_TERMINATED"
    uid = d["uid"]
    assert rows[0].puid == dsa.make_puid(key, uid, "twitter", "acct00000")  # same -> same
    exp = w.svc.export_statements(w["apo"])
    assert exp["statements"] == 250 and exp["batches"] == 3
    batches = w.svc.export_all_batches(w["apo"], exp["id"])
    assert [len(b["statements"]) for b in batches] == [100, 100, 50]
    assert batches[2] == w.svc.export_batch(w["apo"], exp["id"], 2)
    puids = [x["puid"] for b in batches for x in b["statements"]]
    assert len(set(puids)) == 250
    again = w.svc.export_statements(w["apo"])  # nothing new: an empty export
    assert again["statements"] == 0
    with pytest.raises(PermissionDenied):
        w.svc.export_statements(w["ana"])


def test_an_invalid_statement_stops_the_whole_export(world: World) -> None:
    w = world
    _, d = _approved(w)
    with w.svc.store.write() as s:  # a statement broken behind the service's back
        st = s.execute(select(Statement)).scalars().first()
        assert st is not None
        body = json.loads(st.body)
        body["category"] = "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT"  # v1 only
        st.body = json.dumps(body)
    with pytest.raises(ValidationFailed) as err:
        w.svc.export_statements(w["apo"])
    assert err.value.details[0]["field"] == "category"
    assert w.svc.list_statements(w["viewer"], exported=True)["total"] == 0
    with w.svc.store.write() as s:  # put it right, then break one puid of identical bodies
        st = s.execute(select(Statement).order_by(Statement.id)).scalars().all()
        good = json.loads(st[1].body)
        st[0].body = json.dumps(good | {"puid": good["puid"][:-1] + "!"})
    with pytest.raises(ValidationFailed) as err:
        w.svc.export_statements(w["apo"])
    assert [(e["statement"], e["field"]) for e in err.value.details] == [(st[0].id, "puid")]


# ---- appeals -----------------------------------------------------------------------------

def test_partial_reversal_restores_and_revises(world: World) -> None:
    w = world
    cid, d = _approved(w)
    ap = w.svc.lodge_appeal(w["ben"], d["id"], ["twitter:acct00000", "twitter:acct00001"],
                            "not_inauthentic", "we are a real fan club")
    assert w.svc.get_case(w["viewer"], cid)["state"] == "appealed"
    out = w.svc.decide_appeal(w["rev"], ap["id"], "reversed", "genuine accounts, shared wifi",
                              accounts=["twitter:acct00001"])
    assert out["status"] == "reversed" and out["reversed_accounts"] == ["twitter:acct00001"]
    assert w.svc.get_case(w["viewer"], cid)["state"] == "reversed"
    status = {a["account"]: a["status"] for a in
              w.svc.decision_accounts(w["viewer"], d["id"])["items"]}
    assert status["twitter:acct00001"] == "restored" and status["twitter:acct00000"] == "in_force"
    sts = w.svc.list_statements(w["viewer"], d["id"])["items"]
    revised = [s for s in sts if s["revision"] == 2]
    assert len(revised) == 1 and revised[0]["puid"].endswith("-r2")
    body = revised[0]["body"]
    assert dsa.validate_statement(body) == []
    assert body["end_date_account_restriction"] == body["application_date"] or \
        body["end_date_account_restriction"] >= body["application_date"]
    assert "reversed on appeal" in body["decision_facts"]
    assert len(sts) == 6


def test_appeal_reviewer_must_have_taken_no_part(world: World) -> None:
    w = world
    _, d = _approved(w)
    ap = w.svc.lodge_appeal(w["ben"], d["id"], ["twitter:acct00000"], "procedural")
    with pytest.raises(PermissionDenied):
        w.svc.decide_appeal(w["apo"], ap["id"], "upheld", "x")  # approved the decision
    with pytest.raises(PermissionDenied):
        w.svc.decide_appeal(w["ana"], ap["id"], "upheld", "x")  # proposed it (and an analyst)
    with pytest.raises(PermissionDenied, match="automated"):
        w.svc.decide_appeal(w["bot"], ap["id"], "upheld", "x")  # not solely automated
    with pytest.raises(ValidationFailed):
        w.svc.decide_appeal(w["rev"], ap["id"], "upheld", "  ")  # a reason is required
    assert w.svc.decide_appeal(w["rev"], ap["id"], "upheld", "clear shift pattern")[
        "status"] == "upheld"
    with pytest.raises(Conflict):
        w.svc.decide_appeal(w["root"], ap["id"], "reversed", "again")


def test_appeals_are_accepted_for_six_months(world: World) -> None:
    w = world
    _, d = _approved(w)
    from cibwatch.cases.service import add_months

    now = dt.datetime.now(dt.UTC)

    def decided(at: dt.datetime) -> None:  # move the notice into the past
        w.svc.store.raw("UPDATE decisions SET decided_at = :t WHERE id = :i",
                        t=at.replace(tzinfo=None), i=d["id"])

    decided(add_months(now, -6) + dt.timedelta(minutes=10))
    ok = w.svc.lodge_appeal(w["ben"], d["id"], ["twitter:acct00002"], "other")
    assert ok["status"] == "open"
    decided(add_months(now, -6) - dt.timedelta(minutes=10))
    with pytest.raises(RuleViolation, match="appeal period"):
        w.svc.lodge_appeal(w["ben"], d["id"], ["twitter:acct00003"], "other")
    with pytest.raises(ValidationFailed):
        w.svc.lodge_appeal(w["ben"], d["id"], ["twitter:stranger"], "other",
                           received_at=now + dt.timedelta(days=1))
    assert add_months(dt.datetime(2025, 8, 31, tzinfo=dt.UTC), 6).date() == dt.date(2026, 2, 28)


def test_appeal_figures(world: World) -> None:
    w = world
    _, d = _approved(w)
    a1 = w.svc.lodge_appeal(w["ben"], d["id"], ["twitter:acct00000"], "not_inauthentic")
    a2 = w.svc.lodge_appeal(w["ben"], d["id"], ["twitter:acct00001", "twitter:acct00002"],
                            "hijacked_account")
    w.svc.lodge_appeal(w["ben"], d["id"], ["twitter:acct00003"], "not_inauthentic")
    w.svc.decide_appeal(w["rev"], a1["id"], "upheld", "shift pattern")
    w.svc.decide_appeal(w["rev"], a2["id"], "reversed", "hijacked by the operation")
    today = dt.datetime.now(dt.UTC).date()
    f = w.svc.appeal_figures(w["viewer"], today - dt.timedelta(days=1),
                             today + dt.timedelta(days=1))
    assert f["complaints_received"] == 3 and f["decided"] == 2
    assert f["basis"] == {"hijacked_account": 1, "not_inauthentic": 2}
    assert f["outcomes"] == {"upheld": 1, "reversed": 1} and f["reversals"] == 1
    assert f["accounts_restored"] == 2 and f["open_at_end"] == 1
    assert f["median_handling_days"] is not None and f["median_handling_days"] >= 0
    assert w.svc.appeal_figures(w["viewer"], dt.date(2001, 1, 1), dt.date(2001, 2, 1))[
        "complaints_received"] == 0


# ---- concurrency -------------------------------------------------------------------------

def test_no_lost_updates_under_concurrent_writers(world: World) -> None:
    w = world
    case = w.svc.open_case(w["ana"], "net-1")
    results: list[str] = []
    lock = threading.Lock()

    def assign(name: str) -> None:
        try:
            w.svc.assign(w["ana"], case["id"], name, version=case["version"])
            r = "ok:" + name
        except StaleVersion:
            r = "stale"
        with lock:
            results.append(r)

    threads = [threading.Thread(target=assign, args=(n,)) for n in ["ana", "ben"] * 4]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    oks = [r for r in results if r.startswith("ok")]
    assert len(oks) == 1 and results.count("stale") == 7  # exactly one writer wins
    winner = oks[0].split(":")[1]
    assert w.svc.get_case(w["viewer"], case["id"])["assignee"] == winner

    def notes(k: int) -> None:
        for i in range(10):
            w.svc.add_note(w["ben"], case["id"], f"note {k}-{i}")

    threads = [threading.Thread(target=notes, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert w.svc.list_notes(w["viewer"], case["id"])["total"] == 60
    assert w.svc.verify_audit().ok  # the chain stayed linear


# ---- audit ---------------------------------------------------------------------------------

def _unprotect(store: CaseStore) -> None:
    if store.is_sqlite:
        store.raw("DROP TRIGGER audit_events_no_update")
        store.raw("DROP TRIGGER audit_events_no_delete")
    else:
        store.raw("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")


def _events(world: World) -> int:
    _approved(world)
    with world.svc.store.read() as s:
        return len(s.execute(select(AuditEvent.seq)).all())


def test_audit_events_carry_old_and_new_values(world: World) -> None:
    w = world
    cid, _ = _approved(w)
    ev = w.svc.audit_events(w["apo"], object_type="case", object_id=str(cid), limit=100)["items"]
    moves = [(e["old"]["state"], e["new"]["state"]) for e in ev
             if e["action"] == "case.transition"]
    assert moves == [("new", "in_review"), ("in_review", "proposed"), ("proposed", "decided")]
    assert all(e["actor"] and e["at"].endswith("Z") for e in ev)
    with pytest.raises(PermissionDenied):
        w.svc.audit_events(w["ana"])


def test_audit_verify_detects_an_edited_event(world: World) -> None:
    n = _events(world)
    assert world.svc.verify_audit().ok
    _unprotect(world.svc.store)
    world.svc.store.raw("UPDATE audit_events SET new = :v WHERE seq = :s",
                        v='{"status":"rejected"}', s=n - 2)
    r = world.svc.verify_audit()
    assert not r.ok and r.first_bad_seq == n - 2 and "altered" in r.problem


def test_audit_verify_detects_reordered_events(world: World) -> None:
    n = _events(world)
    _unprotect(world.svc.store)
    st = world.svc.store
    # swap the contents of events 3 and 4, hashes included (a careful forger)
    cols = "at, actor, action, object_type, object_id, old, new, prev_hash, hash"
    with st.engine.begin() as c:
        r3 = c.execute(text(f"SELECT {cols} FROM audit_events WHERE seq = 3")).one()
        r4 = c.execute(text(f"SELECT {cols} FROM audit_events WHERE seq = 4")).one()
        sets = ", ".join(f"{k} = :{k}" for k in cols.split(", "))
        c.execute(text(f"UPDATE audit_events SET {sets} WHERE seq = 3"), dict(r4._mapping))
        c.execute(text(f"UPDATE audit_events SET {sets} WHERE seq = 4"), dict(r3._mapping))
    r = world.svc.verify_audit()
    assert not r.ok and r.first_bad_seq == 3 and n > 4


def test_audit_verify_detects_deleted_events(world: World) -> None:
    n = _events(world)
    _unprotect(world.svc.store)
    world.svc.store.raw("DELETE FROM audit_events WHERE seq = 5")
    r = world.svc.verify_audit()
    assert not r.ok and r.first_bad_seq == 5 and "missing" in r.problem
    world.svc.store.raw("DELETE FROM audit_events WHERE seq >= 5")  # cut the tail instead
    r = world.svc.verify_audit()
    assert not r.ok and r.first_bad_seq == 5 and f"head records event {n}" in r.problem


def test_audit_verify_detects_a_renumbered_chain(world: World) -> None:
    _events(world)
    _unprotect(world.svc.store)
    world.svc.store.raw("DELETE FROM audit_events WHERE seq = 2")
    world.svc.store.raw("UPDATE audit_events SET seq = seq - 1 WHERE seq > 2")
    r = world.svc.verify_audit()
    assert not r.ok and r.first_bad_seq == 2
