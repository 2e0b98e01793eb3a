"""The workspace without a browser: log-in, sessions, CSRF, roles, and what the pages read
(graph, clock, evidence with highlighted differences), over a detected simulated world."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cibwatch.cases import CaseService, CaseStore, DetectDirSource
from cibwatch.cases.source import AccountRef
from cibwatch.web import PREFIX, create_app
from cibwatch.web.data import WorkspaceData, strength_of, text_diff
from cibwatch.web.ui import SESSION_COOKIE, _safe_next

from .workspace_support import USERS

VENDOR = Path(__file__).resolve().parents[1] / "src" / "cibwatch" / "web" / "static" / "vendor"


class Ws:
    def __init__(self, client: TestClient, svc: CaseService, tokens: dict[str, str]) -> None:
        self.client, self.svc, self.tokens = client, svc, tokens
        self.run_id = svc.source.runs()[0].run_id

    def login(self, name: str) -> str:
        """Log in as ``name``; returns the session's CSRF token."""
        r = self.client.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', r.text)
        assert csrf
        r = self.client.post("/login", data={"csrf": csrf.group(1), "token": self.tokens[name],
                                             "next": "/"}, follow_redirects=False)
        assert r.status_code == 303, r.text
        page = self.client.get("/")
        assert page.status_code == 200
        m = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert m
        return m.group(1)

    def api(self, method: str, path: str, name: str, **kw: Any) -> Any:
        return self.client.request(method, PREFIX + path,
                                   headers={"Authorization": f"Bearer {self.tokens[name]}"}, **kw)


@pytest.fixture
def ws(world_dir: Path, tmp_path: Path) -> Iterator[Ws]:
    store = CaseStore.open(f"sqlite:///{tmp_path / 'cases.sqlite'}", pool_size=5)
    svc = CaseService(store, DetectDirSource([world_dir]))
    tokens = {n: svc.add_user(None, n, r)[1] for n, r in USERS.items()}
    with TestClient(create_app(svc)) as client:
        yield Ws(client, svc, tokens)
    store.close()


def _top(ws: Ws) -> Any:
    nets = ws.svc.source.networks(ws.run_id).items
    return max(nets, key=lambda n: (n.score, n.network_id))


def test_nothing_readable_without_login(ws: Ws) -> None:
    net = _top(ws).network_id
    m = ws.svc.source.network(net).members
    for path in ["/", "/cases", "/cases/1", f"/networks/{net}", f"/networks/{net}/graph.json",
                 f"/networks/{net}/evidence?a={m[0].ref}&b={m[1].ref}", f"/accounts/{m[0].ref}"]:
        r = ws.client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), path
        assert "inauthentic" not in r.text and str(m[0].ref) not in r.text
    # an action without a session does nothing
    r = ws.client.post(f"/networks/{net}/case", data={"csrf": "x"}, follow_redirects=False)
    assert r.status_code == 401
    assert ws.svc.list_cases(ws.svc.authenticate(ws.tokens["root"]))["total"] == 0


def test_login_cookie_and_logout(ws: Ws) -> None:
    r = ws.client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)  # type: ignore[union-attr]
    bad = ws.client.post("/login", data={"csrf": csrf, "token": "cbw_wrong"})
    assert bad.status_code == 401 and "unknown or revoked" in bad.text
    r = ws.client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)  # type: ignore[union-attr]
    ok = ws.client.post("/login", data={"csrf": csrf, "token": ws.tokens["ana"],
                                        "next": "https://evil.example/x"},
                        follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/x"  # no open redirect
    cookie = ok.headers["set-cookie"]
    assert cookie.startswith(SESSION_COOKIE + "=") and "HttpOnly" in cookie
    assert "SameSite=strict" in cookie and "Path=/" in cookie
    assert ws.tokens["ana"] not in cookie
    page = ws.client.get("/")
    assert page.status_code == 200 and "ana" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    sess_csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    ws.client.post("/logout", data={"csrf": sess_csrf})
    assert ws.client.get("/", follow_redirects=False).status_code == 303


def test_login_form_needs_its_csrf_token(ws: Ws) -> None:
    r = ws.client.post("/login", data={"token": ws.tokens["ana"]}, follow_redirects=False)
    assert r.status_code == 403
    assert ws.client.get("/", follow_redirects=False).status_code == 303


def test_revoked_token_ends_the_session(ws: Ws) -> None:
    ws.login("ana")
    root = ws.svc.authenticate(ws.tokens["root"])
    tok = [t for t in ws.svc.list_tokens(root, "ana")][0]
    ws.svc.revoke_token(root, tok["id"])
    assert ws.client.get("/", follow_redirects=False).status_code == 303


def test_csrf_missing_or_wrong_is_refused(ws: Ws) -> None:
    csrf = ws.login("ana")
    net = _top(ws).network_id
    for data in ({"run": ws.run_id}, {"run": ws.run_id, "csrf": "not-the-token"}):
        r = ws.client.post(f"/networks/{net}/case", data=data, follow_redirects=False)
        assert r.status_code == 403 and "CSRF" in r.text
    root = ws.svc.authenticate(ws.tokens["root"])
    assert ws.svc.list_cases(root)["total"] == 0
    r = ws.client.post(f"/networks/{net}/case", data={"run": ws.run_id, "csrf": csrf},
                       follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/cases/1"
    # the header works too (for scripts of the pages)
    r = ws.client.post("/cases/1/note", data={"text": "by header"},
                       headers={"X-CSRF-Token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    r = ws.client.post("/cases/1/note", data={"text": "no token"}, follow_redirects=False)
    assert r.status_code == 403
    notes = [n["text"] for n in ws.svc.list_notes(root, 1)["items"]]
    assert notes == ["by header"]


def test_roles_what_is_not_allowed_is_not_offered_and_refused(ws: Ws) -> None:
    net = _top(ws)
    ana = ws.svc.authenticate(ws.tokens["ana"])
    case = ws.svc.open_case(ana, net.network_id, ws.run_id)
    ws.svc.transition(ana, case["id"], "in_review")
    from cibwatch.cases.service import DecisionInput

    dec = ws.svc.propose_decision(ana, case["id"], DecisionInput("terminate", "ToS 4.2"))
    # the viewer: no case button, no forms
    csrf = ws.login("vic")
    page = ws.client.get(f"/cases/{case['id']}").text
    assert 'data-testid="approve"' not in page and 'action="/cases/1/note"' not in page
    assert "Awaiting a user with the approver role" in page
    r = ws.client.post(f"/cases/{case['id']}/note", data={"csrf": csrf, "text": "x"},
                       follow_redirects=False)
    assert r.status_code == 403
    # the analyst who proposed: no approve button, refused by the page and by the API
    csrf = ws.login("ana")
    page = ws.client.get(f"/cases/{case['id']}").text
    assert 'data-testid="approve"' not in page and 'action="/cases/1/note"' in page
    r = ws.client.post(f"/decisions/{dec['id']}/approve", data={"csrf": csrf},
                       follow_redirects=False)
    assert r.status_code == 403 and "approver" in r.text
    assert ws.api("POST", f"/decisions/{dec['id']}/approve", "ana", json={}).status_code == 403
    # an approver sees the button
    ws.login("bob")
    assert 'data-testid="approve"' in ws.client.get(f"/cases/{case['id']}").text
    assert ws.svc.get_decision(ana, dec["id"])["status"] == "proposed"


def test_queue_filters_sort_counts(ws: Ws) -> None:
    ws.login("ana")
    nets = ws.svc.source.networks(ws.run_id).items
    page = ws.client.get(f"/?run={ws.run_id}").text
    assert f"<strong data-testid=\"shown\">{len(nets)}</strong> of {len(nets)}" in page
    inauth = [n for n in nets if n.assessment == "inauthentic"]
    page = ws.client.get(f"/?run={ws.run_id}&assessment=inauthentic").text
    assert f"<strong data-testid=\"shown\">{len(inauth)}</strong>" in page
    big = [n for n in nets if n.size >= 5]
    page = ws.client.get(f"/?run={ws.run_id}&min_size=5&sort=size&order=asc").text
    assert f"<strong data-testid=\"shown\">{len(big)}</strong>" in page
    labels = re.findall(r'data-testid="network-link">([^<]+)<', page)
    want = [n.label for n in sorted(big, key=lambda n: (n.size, n.label, n.network_id))]
    assert labels == want[:25]
    page = ws.client.get(f"/?run={ws.run_id}&state=none").text
    assert f"<strong data-testid=\"shown\">{len(nets)}</strong>" in page


def test_graph_is_deterministic_and_complete(ws: Ws) -> None:
    snap = ws.svc.source.network(_top(ws).network_id)
    data = WorkspaceData(ws.svc.source)
    g1, g2 = data.graph(snap), WorkspaceData(ws.svc.source).graph(snap)
    assert g1 == g2
    assert {n["id"] for n in g1["nodes"]} == {str(m.ref) for m in snap.members}
    assert g1["edges"] and all(e["source"] != e["target"] for e in g1["edges"])
    assert all(0 <= n["x"] <= 1000 and 0 <= n["y"] <= 1000 for n in g1["nodes"])


def test_activity_clock_in_the_inferred_zone(ws: Ws) -> None:
    snap = ws.svc.source.network(_top(ws).network_id)
    data = WorkspaceData(ws.svc.source)
    utc, plus8 = data.activity(snap, 0.0), data.activity(snap, 8.0)
    assert utc["total"] == plus8["total"] > 0
    # eight hours later on the clock: hour h in UTC is hour h+8 at UTC+8
    flat = [c for row in utc["clock"] for c in row]
    flat8 = [c for row in plus8["clock"] for c in row]
    assert flat8 == flat[-8:] + flat[:-8]
    assert sum(sum(v) for v in utc["series"].values()) == utc["total"]


def test_evidence_has_both_posts_and_differences() -> None:
    a, b, ratio = text_diff("the report is a smear campaign", "the report is a political smear")
    assert "".join(c for _, c in a) == "the report is a smear campaign"
    assert "".join(c for _, c in b) == "the report is a political smear"
    assert [c.strip() for ch, c in a if ch] == ["campaign"]
    assert [c.strip() for ch, c in b if ch] == ["political"]
    assert 0 < ratio < 1
    assert text_diff("same", "same")[2] == 1.0
    # no spaces between Chinese words: one character is what differs
    a, b, _ = text_diff("台湾领导人出卖", "台湾领导者出卖")
    assert [c for ch, c in a if ch] == ["人"] and [c for ch, c in b if ch] == ["者"]


def test_pair_evidence_page(ws: Ws) -> None:
    snap = ws.svc.source.network(_top(ws).network_id)
    g = WorkspaceData(ws.svc.source).graph(snap)
    e = max(g["edges"], key=lambda e: (e["weight"], e["id"]))
    traces = WorkspaceData(ws.svc.source).pair(snap, AccountRef.parse(e["source"]),
                                               AccountRef.parse(e["target"]))
    items = [it for t in traces for it in t["coactions"]]
    assert items and all(it["a"] and it["b"] for it in items)
    ws.login("ana")
    page = ws.client.get(f"/networks/{snap.network_id}/evidence",
                         params={"a": e["source"], "b": e["target"], "run": snap.run_id}).text
    assert page.count('data-testid="post-a"') == len(items) == page.count('data-testid="post-b"')


def test_strength_and_safe_next() -> None:
    assert strength_of("21 of 36 handles (strong, 7.5: p = 3e-08)") == ("strong", 7.5)
    assert strength_of("nothing") == (None, None)
    assert _safe_next("//evil.example") == "" and _safe_next("/cases/1?x=1") == "/cases/1?x=1"
    assert _safe_next("javascript:alert(1)") == ""


def test_vendored_cytoscape_is_the_one_documented() -> None:
    readme = (VENDOR / "README.md").read_text()
    digest = hashlib.sha256((VENDOR / "cytoscape.min.js").read_bytes()).hexdigest()
    assert digest in readme
    assert (VENDOR / "cytoscape.LICENSE").read_text().startswith("Copyright")


def test_item_view_lists_the_members_posts_of_an_item(ws: Ws) -> None:
    snap = ws.svc.source.network(_top(ws).network_id)
    data = WorkspaceData(ws.svc.source)
    url, accounts, posts = data.top_items(snap)["urls"][0]
    got = data.item_posts(snap, "url", url)
    assert len(got) == posts and len({p["ref"] for p in got}) == accounts
    assert [p["created_at"] for p in got] == sorted(p["created_at"] for p in got)
    ws.login("ana")
    page = ws.client.get(f"/networks/{snap.network_id}/item",
                         params={"run": snap.run_id, "kind": "url", "value": url}).text
    assert page.count('data-testid="item-post"') == posts
    assert ws.client.get(f"/networks/{snap.network_id}/item",
                         params={"kind": "nope", "value": "x"}).status_code == 422


def test_lineage_by_shared_members(world_dir: Path, tmp_path: Path) -> None:
    import json
    import shutil

    again = tmp_path / "again"
    shutil.copytree(world_dir, again, ignore=shutil.ignore_patterns("store.duckdb*", "world"))
    info = json.loads((again / "run.json").read_text())
    (again / "run.json").write_text(json.dumps(info | {"run_id": "run-again"}))
    src = DetectDirSource([world_dir, again])
    first = src.runs()[0].run_id
    net = max(src.networks(first).items, key=lambda n: (n.score, n.network_id))
    lin = WorkspaceData(src).lineage(src.network(net.network_id, first))
    assert lin[0] == {"run_id": "run-again", "kind": "detect", "network_id": net.network_id,
                      "shared": net.size, "size": net.size, "jaccard": 1.0}
    assert all(r["run_id"] == "run-again" for r in lin)


def test_readme_and_docs_show_the_command_make_demo_prints() -> None:
    from cibwatch.demo import WORKSPACE_COMMAND

    root = Path(__file__).resolve().parents[1]
    cmd = WORKSPACE_COMMAND.format(out="demo-out")
    assert cmd in (root / "README.md").read_text()
    assert " ".join((root / "docs" / "WORKSPACE.md").read_text().replace("\\\n", " ").split()
                    ).count(cmd) == 1


def test_follow_a_case_into_another_run_from_the_lineage(world_dir: Path,
                                                         tmp_path: Path) -> None:
    import json
    import shutil

    again = tmp_path / "again"
    shutil.copytree(world_dir, again, ignore=shutil.ignore_patterns("store.duckdb*", "world"))
    info = json.loads((again / "run.json").read_text())
    (again / "run.json").write_text(json.dumps(info | {"run_id": "run-again"}))
    store = CaseStore.open(f"sqlite:///{tmp_path / 'cases.sqlite'}", pool_size=5)
    svc = CaseService(store, DetectDirSource([world_dir, again]))
    tokens = {n: svc.add_user(None, n, r)[1] for n, r in USERS.items()}
    with TestClient(create_app(svc)) as client:
        ws = Ws(client, svc, tokens)
        net = _top(ws)
        ana = svc.authenticate(tokens["ana"])
        case = svc.open_case(ana, net.network_id, ws.run_id)
        csrf = ws.login("ana")
        page = client.get(f"/networks/{net.network_id}?run={ws.run_id}").text
        assert 'data-testid="add-to-case"' in page
        r = client.post(f"/cases/{case['id']}/networks", follow_redirects=False,
                        data={"csrf": csrf, "network_id": net.network_id, "run": "run-again"})
        assert r.status_code == 303
        runs = [n["run_id"] for n in svc.get_case(ana, case["id"])["networks"]]
        assert runs == [ws.run_id, "run-again"]
        ws.login("vic")  # a viewer is not offered it
        page = client.get(f"/networks/{net.network_id}?run={ws.run_id}").text
        assert 'data-testid="add-to-case"' not in page
    store.close()


def test_sessions_end_when_idle_and_at_the_latest(monkeypatch: pytest.MonkeyPatch) -> None:
    import cibwatch.web.ui as ui

    now = [1000.0]
    monkeypatch.setattr(ui.time, "monotonic", lambda: now[0])
    sessions = ui.Sessions()
    s = sessions.new("cbw_x")
    assert sessions.get(s.sid) is s and sessions.get("other") is None
    now[0] += ui.SESSION_IDLE - 1
    assert sessions.get(s.sid) is s  # a request keeps it alive ...
    for _ in range(int(ui.SESSION_MAX // (ui.SESSION_IDLE - 1)) + 1):
        now[0] += ui.SESSION_IDLE - 1
        if sessions.get(s.sid) is None:
            break
    assert sessions.get(s.sid) is None  # ... but not past SESSION_MAX
    assert now[0] - 1000.0 <= ui.SESSION_MAX + ui.SESSION_IDLE
    t = sessions.new("cbw_y")
    now[0] += ui.SESSION_IDLE + 1
    assert sessions.get(t.sid) is None  # idle too long
    u = sessions.new("cbw_z")
    sessions.drop(u.sid)
    assert sessions.get(u.sid) is None


def test_graph_from_the_store_without_edges_parquet(world_dir: Path, tmp_path: Path) -> None:
    """A source whose runs have no output directory with edges.parquet (a store-backed one):
    the graph comes from the store's edges between members."""
    import shutil

    bare = tmp_path / "bare"
    shutil.copytree(world_dir, bare, ignore=shutil.ignore_patterns("edges.parquet", "world"))
    src = DetectDirSource([bare])
    run = src.runs()[0].run_id
    net = max(src.networks(run).items, key=lambda n: (n.score, n.network_id))
    snap = src.network(net.network_id, run)
    g = WorkspaceData(src).graph(snap)
    full = WorkspaceData(DetectDirSource([world_dir])).graph(
        DetectDirSource([world_dir]).network(net.network_id))
    assert len(g["nodes"]) == net.size and g["edges"]
    pairs = {(e["source"], e["target"]) for e in g["edges"]}
    assert pairs <= {(e["source"], e["target"]) for e in full["edges"]} | {
        (e["target"], e["source"]) for e in full["edges"]}


def test_graph_from_the_store_reads_its_own_run(world_dir: Path, tmp_path: Path) -> None:
    """A later run on the store (other settings) does not change an earlier run's graph."""
    import shutil

    from cibwatch import DetectConfig, Store, detect

    bare = tmp_path / "bare"
    shutil.copytree(world_dir, bare, ignore=shutil.ignore_patterns("edges.parquet", "world"))
    src = DetectDirSource([bare])
    run = src.runs()[0].run_id
    net = max(src.networks(run).items, key=lambda n: (n.score, n.network_id))
    before = WorkspaceData(src).graph(src.network(net.network_id, run))["edges"]
    with Store(bare / "store.duckdb") as store:
        detect(store, DetectConfig(fdr=1e-6))  # fewer edges: the stage table changes
        counts = store.fetchall("SELECT run_id, count(*) FROM run_edges GROUP BY 1 ORDER BY 1")
        assert len(counts) == 2 and counts[0][1] != counts[1][1]
    after = WorkspaceData(src).graph(src.network(net.network_id, run))["edges"]
    assert before and after == before
