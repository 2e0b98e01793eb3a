"""The investigator's workspace: server-rendered pages over the same use cases as the API.

Pages (Jinja2 templates in ``templates/``, a little vanilla JavaScript and the vendored
Cytoscape.js in ``static/``) are served by the API's FastAPI app: no second server, nothing
from a CDN. Every page and action goes through :class:`~cibwatch.cases.CaseService` as the
logged-in user, so the role rules are the API's own; what a role may not do is not offered
(the templates ask :func:`can`), and refused by the service if asked for anyway.

Log-in
    With an API token (``cibwatch user add NAME --role ROLE`` prints one): the token is
    checked, and a session is kept server-side (in this process) under a random id sent as
    the cookie ``cibwatch_session`` (HttpOnly, SameSite=Strict, Secure over HTTPS, path /).
    The token is re-authenticated on every request, so a revoked token or a deactivated user
    ends the session. Sessions end on log-out, after :data:`SESSION_IDLE` without a request,
    and after :data:`SESSION_MAX`.

CSRF
    Every state-changing request (every POST) must carry the session's CSRF token (a form
    field ``csrf`` or the header ``X-CSRF-Token``), compared in constant time; else 403. The
    log-in form has its own double-submit token (cookie ``cibwatch_login_csrf``).

Headers
    A Content-Security-Policy allowing only this origin's scripts and styles (no inline
    script), ``X-Frame-Options: DENY``, ``Referrer-Policy: same-origin``, ``no-store`` caching
    of pages.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from .._version import __version__
from ..cases import dsa
from ..cases.auth import ROLES, Actor, role_at_least
from ..cases.errors import CaseError, NotFound, PermissionDenied, Unauthenticated
from ..cases.service import APPEAL_BASES, CaseService, DecisionInput
from ..cases.source import AccountRef, NetworkSnapshot
from ..errors import CibwatchError
from .data import DAYS, WorkspaceData, reason_items

__all__ = ["install_workspace", "SESSION_COOKIE", "CSRF_HEADER", "Sessions", "ACTIONS_NEED"]

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "cibwatch_session"
LOGIN_CSRF_COOKIE = "cibwatch_login_csrf"
CSRF_HEADER = "X-CSRF-Token"
#: A session ends after this long without a request (seconds) ...
SESSION_IDLE = 8 * 3600
#: ... and at the latest this long after log-in.
SESSION_MAX = 24 * 3600
#: Rows per page of the queue and of a network's members.
PAGE = 25
#: Most members offered for per-account exceptions in the decision form.
MAX_EXCEPTION_ROWS = 500

#: The least role each workspace action needs (the same as the API's endpoint behind it).
ACTIONS_NEED = {"open_case": "analyst", "assign": "analyst", "note": "analyst", "tag": "analyst",
                "transition": "analyst", "propose": "analyst", "approve": "approver",
                "reject": "approver", "lodge_appeal": "analyst", "decide_appeal": "approver",
                "audit": "approver"}

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
#: The headers of every page (set on the page's response: no middleware, which would slow
#: every API request down).
PAGE_HEADERS = {"Content-Security-Policy": CSP, "X-Frame-Options": "DENY",
                "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
                "Cache-Control": "no-store"}


@dataclass
class UiSession:
    sid: str
    token: str
    csrf: str
    created: float
    seen: float
    flash: list[tuple[str, str]] = field(default_factory=list)


class Sessions:
    """Server-side sessions of this process (a restart logs everybody out)."""

    def __init__(self) -> None:
        self._s: dict[str, UiSession] = {}
        self._lock = threading.Lock()

    def new(self, token: str) -> UiSession:
        now = time.monotonic()
        s = UiSession(secrets.token_urlsafe(32), token, secrets.token_urlsafe(32), now, now)
        with self._lock:
            if len(self._s) > 10000:
                self._expire(now)
            self._s[s.sid] = s
        return s

    def _expire(self, now: float) -> None:
        for k in [k for k, v in self._s.items()
                  if now - v.seen > SESSION_IDLE or now - v.created > SESSION_MAX]:
            del self._s[k]

    def get(self, sid: str | None) -> UiSession | None:
        if not sid:
            return None
        now = time.monotonic()
        with self._lock:
            s = self._s.get(sid)
            if s is None:
                return None
            if now - s.seen > SESSION_IDLE or now - s.created > SESSION_MAX:
                del self._s[sid]
                return None
            s.seen = now
            return s

    def drop(self, sid: str | None) -> None:
        with self._lock:
            self._s.pop(sid or "", None)


def can(actor: Actor, action: str) -> bool:
    return role_at_least(actor.role, ACTIONS_NEED[action])


class _Redirect(Exception):
    def __init__(self, url: str) -> None:
        self.url = url


@dataclass
class Ctx:
    request: Request
    svc: CaseService
    data: WorkspaceData
    session: UiSession
    actor: Actor


def _templates() -> Any:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")),
                             autoescape=jinja2.select_autoescape(["html"]),
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True)
    env.filters["q"] = lambda v: urllib.parse.quote(str(v), safe="")
    env.filters["num"] = _fmt_num
    env.filters["when"] = _when
    env.globals.update(version=__version__, can=can, DAYS=DAYS, ROLES=ROLES)
    return env


def _when(v: Any) -> str:
    """A time as ``YYYY-MM-DD HH:MM:SS UTC`` (to the second)."""
    if not v:
        return ""
    text = str(v).replace("T", " ")
    text = re.sub(r"(\d{2}:\d{2}:\d{2})\.\d+", r"\1", text)
    text = re.sub(r"(Z|\+00:00)$", "", text).strip()
    return text + " UTC" if re.search(r"\d{2}:\d{2}", text) else text


def _fmt_num(v: Any, digits: int = 3) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e15:
            return f"{int(v):,}"
        return f"{v:.{digits}g}" if abs(v) < 1e-3 else f"{v:,.{digits}f}".rstrip("0").rstrip(".")
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def _qs(params: dict[str, Any], **changes: Any) -> str:
    d = {k: v for k, v in (params | changes).items() if v not in (None, "")}
    return "?" + urllib.parse.urlencode(d) if d else ""


class Workspace:
    def __init__(self, app: FastAPI, svc: CaseService, data: WorkspaceData) -> None:
        self.svc, self.data = svc, data
        self.sessions = Sessions()
        self.env = _templates()
        self.router = APIRouter(include_in_schema=False)
        self._routes()
        app.include_router(self.router)
        app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")


    # ---- plumbing ------------------------------------------------------------------------

    def render(self, ctx: Ctx | None, name: str, code: int = 200, **kw: Any) -> HTMLResponse:
        flash: list[tuple[str, str]] = []
        if ctx is not None:
            flash, ctx.session.flash = ctx.session.flash, []
        html = self.env.get_template(name).render(
            actor=ctx.actor if ctx else None, csrf=ctx.session.csrf if ctx else "",
            flash=flash, path=ctx.request.url.path if ctx else "", **kw)
        return HTMLResponse(html, status_code=code, headers=PAGE_HEADERS)

    async def ctx(self, request: Request) -> Ctx:
        s = self.sessions.get(request.cookies.get(SESSION_COOKIE))
        if s is None:
            raise _Redirect("/login" + _qs({"next": _here(request)}))
        try:
            cached = self.svc.cached_actor(s.token)
            actor = cached if cached is not None else await run_in_threadpool(
                self.svc.authenticate, s.token)
        except Unauthenticated:
            self.sessions.drop(s.sid)
            raise _Redirect("/login" + _qs({"next": _here(request)})) from None
        return Ctx(request, self.svc, self.data, s, actor)

    async def form(self, request: Request, ctx: Ctx) -> dict[str, list[str]]:
        body = (await request.body()).decode("utf-8", "replace")
        form = urllib.parse.parse_qs(body, keep_blank_values=True, max_num_fields=20000)
        sent = request.headers.get(CSRF_HEADER) or (form.get("csrf") or [""])[0]
        if not sent or not hmac.compare_digest(sent.encode(), ctx.session.csrf.encode()):
            raise PermissionDenied("the form's CSRF token is missing or wrong",
                                   remedy="reloading the page and sending the form again")
        return form

    def page(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap a GET page: log-in, then errors as an error page."""
        async def handler(request: Request) -> Response:
            try:
                ctx = await self.ctx(request)
            except _Redirect as r:
                return RedirectResponse(r.url, status_code=303)
            try:
                out: Response = await run_in_threadpool(fn, ctx, request)
                return out
            except CibwatchError as exc:
                return self.error(ctx, exc)
        handler.__name__ = fn.__name__
        return handler

    def action(self, fn: Callable[..., str]) -> Callable[..., Any]:
        """Wrap a POST: log-in, CSRF, then the use case; redirect back (303) with a message.
        Without a session or with a wrong CSRF token nothing happens (401/403 page)."""
        async def handler(request: Request) -> Response:
            try:
                ctx = await self.ctx(request)
            except _Redirect:
                return self.render(None, "error.html", 401, status=401,
                                   message="this needs you to log in", remedy="")
            try:
                form = await self.form(request, ctx)
            except PermissionDenied as exc:
                return self.error(ctx, exc)
            back = _safe_next((form.get("back") or [""])[0]) or request.headers.get(
                "referer", "/") or "/"
            try:
                msg = await run_in_threadpool(fn, ctx, request, form)
            except PermissionDenied as exc:
                return self.error(ctx, exc)
            except CibwatchError as exc:
                ctx.session.flash.append(("error", _message(exc)))
                return RedirectResponse(_safe_next(back) or "/", status_code=303)
            if msg.startswith("/"):
                url, _, note = msg.partition(" ")
                if note:
                    ctx.session.flash.append(("ok", note))
                return RedirectResponse(url, status_code=303)
            ctx.session.flash.append(("ok", msg))
            return RedirectResponse(_safe_next(back) or "/", status_code=303)
        handler.__name__ = fn.__name__
        return handler

    def error(self, ctx: Ctx, exc: CibwatchError) -> HTMLResponse:
        status = exc.status if isinstance(exc, CaseError) else 400
        return self.render(ctx, "error.html", status, status=status, message=str(exc),
                           remedy=getattr(exc, "remedy", "") or "")

    # ---- routes ----------------------------------------------------------------------------

    def _routes(self) -> None:
        r = self.router
        r.add_api_route("/login", self.login_page, methods=["GET"])
        r.add_api_route("/login", self.login, methods=["POST"])
        r.add_api_route("/logout", self.logout, methods=["POST"])
        r.add_api_route("/", self.page(self.queue), methods=["GET"])
        r.add_api_route("/networks/{network_id}", self.page(self.network), methods=["GET"])
        r.add_api_route("/networks/{network_id}/graph.json", self.page(self.graph),
                        methods=["GET"])
        r.add_api_route("/networks/{network_id}/evidence", self.page(self.evidence),
                        methods=["GET"])
        r.add_api_route("/networks/{network_id}/item", self.page(self.item), methods=["GET"])
        r.add_api_route("/accounts/{ref:path}", self.page(self.account), methods=["GET"])
        r.add_api_route("/cases", self.page(self.cases), methods=["GET"])
        r.add_api_route("/cases/{case_id}", self.page(self.case), methods=["GET"])
        for path, fn in (("/networks/{network_id}/case", self.open_case),
                         ("/cases/{case_id}/assign", self.assign),
                         ("/cases/{case_id}/networks", self.add_network),
                         ("/cases/{case_id}/note", self.note),
                         ("/cases/{case_id}/tag", self.tag),
                         ("/cases/{case_id}/untag", self.untag),
                         ("/cases/{case_id}/transition", self.transition),
                         ("/cases/{case_id}/decisions", self.propose),
                         ("/decisions/{decision_id}/approve", self.approve),
                         ("/decisions/{decision_id}/reject", self.reject),
                         ("/decisions/{decision_id}/appeal", self.lodge_appeal),
                         ("/appeals/{appeal_id}/decide", self.decide_appeal)):
            r.add_api_route(path, self.action(fn), methods=["POST"])

    # ---- log-in ----------------------------------------------------------------------------

    async def login_page(self, request: Request) -> Response:
        nxt = _safe_next(request.query_params.get("next", "")) or "/"
        token = secrets.token_urlsafe(32)
        resp = self.render(None, "login.html", login_csrf=token, next=nxt, message="")
        self._cookie(resp, request, LOGIN_CSRF_COOKIE, token, max_age=3600)
        return resp

    async def login(self, request: Request) -> Response:
        body = (await request.body()).decode("utf-8", "replace")
        form = urllib.parse.parse_qs(body, keep_blank_values=True, max_num_fields=10)
        sent = (form.get("csrf") or [""])[0]
        cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        nxt = _safe_next((form.get("next") or [""])[0]) or "/"
        fresh = secrets.token_urlsafe(32)
        if not sent or not cookie or not hmac.compare_digest(sent.encode(), cookie.encode()):
            resp = self.render(None, "login.html", 403, login_csrf=fresh, next=nxt,
                               message="The log-in form expired or its CSRF token is missing; "
                               "please try again.")
            self._cookie(resp, request, LOGIN_CSRF_COOKIE, fresh, max_age=3600)
            return resp
        token = (form.get("token") or [""])[0].strip()
        try:
            actor = await run_in_threadpool(self.svc.authenticate, token)
        except Unauthenticated:
            resp = self.render(None, "login.html", 401, login_csrf=fresh, next=nxt,
                               message="That token is unknown or revoked.")
            self._cookie(resp, request, LOGIN_CSRF_COOKIE, fresh, max_age=3600)
            return resp
        s = self.sessions.new(token)
        s.flash.append(("ok", f"Logged in as {actor.name} ({actor.role})."))
        done = RedirectResponse(nxt, status_code=303)
        self._cookie(done, request, SESSION_COOKIE, s.sid, max_age=SESSION_MAX)
        done.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
        return done

    async def logout(self, request: Request) -> Response:
        s = self.sessions.get(request.cookies.get(SESSION_COOKIE))
        if s is not None:
            body = (await request.body()).decode("utf-8", "replace")
            sent = (urllib.parse.parse_qs(body).get("csrf") or [""])[0]
            if not hmac.compare_digest(sent.encode(), s.csrf.encode()):
                return self.render(None, "error.html", 403, status=403,
                                   message="the form's CSRF token is missing or wrong",
                                   remedy="reloading the page")
            self.sessions.drop(s.sid)
        resp = RedirectResponse("/login", status_code=303)
        resp.delete_cookie(SESSION_COOKIE, path="/")
        return resp

    @staticmethod
    def _cookie(resp: Response, request: Request, name: str, value: str, max_age: int) -> None:
        resp.set_cookie(name, value, max_age=max_age, path="/", httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")

    # ---- queue -----------------------------------------------------------------------------

    def _case_index(self, ctx: Ctx) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        offset = 0
        while True:
            page = ctx.svc.list_cases(ctx.actor, limit=1000, offset=offset)
            for c in page["items"]:
                for n in [c["network_id"]]:
                    out.setdefault(n, c)
            offset += len(page["items"])
            if offset >= page["total"] or not page["items"]:
                return out

    def _all_networks(self, ctx: Ctx, run_id: str | None) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        offset = 0
        while True:
            page = ctx.svc.networks(ctx.actor, run_id, limit=1000, offset=offset)
            rows += page["items"]
            offset += len(page["items"])
            if offset >= page["total"] or not page["items"]:
                return rows

    def queue(self, ctx: Ctx, request: Request) -> Response:
        q = {k: request.query_params.get(k, "") for k in (
            "run", "assessment", "kind", "min_score", "max_score", "min_size", "max_size",
            "platform", "state", "assignee", "sort", "order", "page")}
        runs = ctx.svc.runs(ctx.actor)
        run_ids = [r["run_id"] for r in runs]
        run = q["run"] if q["run"] in run_ids else (run_ids[0] if run_ids else None)
        nets = self._all_networks(ctx, run) if run else []
        cases = self._case_index(ctx)
        for n in nets:
            n["case"] = cases.get(n["network_id"])
        facets = {
            "assessment": sorted({n["assessment"] for n in nets}),
            "kind": sorted({n["kind"] for n in nets}),
            "platform": sorted({p for n in nets for p in n["platforms"]}),
            "state": ["none", *sorted({n["case"]["state"] for n in nets if n["case"]})],
            "assignee": sorted({n["case"]["assignee"] for n in nets
                                if n["case"] and n["case"]["assignee"]}),
        }

        def fnum(k: str) -> float | None:
            try:
                return float(q[k]) if q[k] else None
            except ValueError:
                return None

        def keep(n: dict[str, Any]) -> bool:
            c = n["case"]
            return ((not q["assessment"] or n["assessment"] == q["assessment"])
                    and (not q["kind"] or n["kind"] == q["kind"])
                    and (fnum("min_score") is None or n["score"] >= (fnum("min_score") or 0))
                    and (fnum("max_score") is None or n["score"] <= (fnum("max_score") or 0))
                    and (fnum("min_size") is None or n["size"] >= (fnum("min_size") or 0))
                    and (fnum("max_size") is None or n["size"] <= (fnum("max_size") or 0))
                    and (not q["platform"] or q["platform"] in n["platforms"])
                    and (not q["state"] or (q["state"] == "none" and c is None)
                         or (c is not None and c["state"] == q["state"]))
                    and (not q["assignee"] or (c is not None and c["assignee"] == q["assignee"])))
        shown = [n for n in nets if keep(n)]
        sort = q["sort"] if q["sort"] in ("score", "size", "label", "assessment", "kind",
                                          "state") else "score"
        desc = (q["order"] or ("asc" if sort in ("label", "assessment", "kind", "state")
                               else "desc")) == "desc"

        def key(n: dict[str, Any]) -> tuple[Any, ...]:
            v = (n["case"]["state"] if n["case"] else "") if sort == "state" else n[sort]
            return (v, n["label"], n["network_id"])
        shown.sort(key=key, reverse=desc)
        counts = {"all": len(nets), "shown": len(shown),
                  "by_assessment": {a: sum(1 for n in shown if n["assessment"] == a)
                                    for a in facets["assessment"]},
                  "with_case": sum(1 for n in shown if n["case"])}
        page = max(1, int(q["page"]) if q["page"].isdigit() else 1)
        pages = max(1, -(-len(shown) // PAGE))
        page = min(page, pages)
        params = {k: v for k, v in q.items() if v} | {"run": run or ""}
        return self.render(ctx, "queue.html", runs=runs, run=run, q=q, facets=facets,
                           rows=shown[(page - 1) * PAGE: page * PAGE], counts=counts,
                           page=page, pages=pages, sort=sort, desc=desc,
                           qs=lambda **kw: _qs(params, **kw))

    # ---- network ---------------------------------------------------------------------------

    def _snap(self, ctx: Ctx, network_id: str, run: str | None) -> NetworkSnapshot:
        ctx.svc.network(ctx.actor, network_id, run)  # permission, and NotFound
        return ctx.svc.source.network(network_id, run)

    def network(self, ctx: Ctx, request: Request) -> Response:
        nid = request.path_params["network_id"]
        run = request.query_params.get("run") or None
        net = ctx.svc.network(ctx.actor, nid, run)
        snap = ctx.svc.source.network(nid, run)
        row = ctx.data.network_row(snap)
        offset = _float(row.get("utc_offset"))
        activity = ctx.data.activity(snap, offset)
        top = ctx.data.top_items(snap)
        members = ctx.data.member_rows(snap)
        msort = request.query_params.get("msort", "strength")
        if msort not in ("ref", "handle", "n_posts", "degree", "strength", "coaction_share",
                         "followers"):
            msort = "strength"
        mdesc = request.query_params.get("morder", "desc" if msort not in ("ref", "handle")
                                         else "asc") == "desc"
        members.sort(key=lambda m: (m[msort] is None, m[msort] if m[msort] is not None else 0,
                                    m["ref"]), reverse=False)
        if mdesc:
            have = [m for m in members if m[msort] is not None]
            none = [m for m in members if m[msort] is None]
            have.sort(key=lambda m: m["ref"])
            have.sort(key=lambda m: m[msort], reverse=True)
            members = have + none
        mpage = request.query_params.get("mpage", "1")
        mpage_n = max(1, int(mpage) if mpage.isdigit() else 1)
        mpages = max(1, -(-len(members) // PAGE))
        mpage_n = min(mpage_n, mpages)
        reasons = reason_items(snap, row)
        base = {"run": snap.run_id, "msort": msort, "morder": "desc" if mdesc else "asc"}
        graph_data = ctx.data.graph(snap)
        pairs = sorted(graph_data["edges"], key=lambda e: (-e["weight"], e["source"],
                                                           e["target"]))[:15]
        return self.render(ctx, "network.html", net=net, snap=snap, row=row, reasons=reasons,
                           activity=activity, top=top, timeline=_timeline_svg(activity),
                           members=members[(mpage_n - 1) * PAGE: mpage_n * PAGE],
                           n_members=len(members), mpage=mpage_n, mpages=mpages,
                           msort=msort, mdesc=mdesc, pairs=pairs,
                           n_edges=len(graph_data["edges"]), lineage=ctx.data.lineage(snap),
                           communities=graph_data["communities"],
                           mqs=lambda **kw: _qs(base, **kw),
                           heat=lambda c: _heat(c, activity.get("clock_max", 0)))

    def graph(self, ctx: Ctx, request: Request) -> Response:
        snap = self._snap(ctx, request.path_params["network_id"],
                          request.query_params.get("run") or None)
        return Response(orjson.dumps(ctx.data.graph(snap)), media_type="application/json",
                        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})

    def evidence(self, ctx: Ctx, request: Request) -> Response:
        nid = request.path_params["network_id"]
        run = request.query_params.get("run") or None
        a, b = request.query_params.get("a", ""), request.query_params.get("b", "")
        ctx.svc.pair_evidence(ctx.actor, nid, a, b, run)  # permission and validation
        snap = ctx.svc.source.network(nid, run)
        traces = ctx.data.pair(snap, AccountRef.parse(a), AccountRef.parse(b))
        return self.render(ctx, "evidence.html", snap=snap, a=a, b=b, traces=traces,
                           has_posts=ctx.data.has_posts(snap.run_id))

    def item(self, ctx: Ctx, request: Request) -> Response:
        snap = self._snap(ctx, request.path_params["network_id"],
                          request.query_params.get("run") or None)
        kind = request.query_params.get("kind", "")
        value = request.query_params.get("value", "")
        posts = ctx.data.item_posts(snap, kind, value)
        return self.render(ctx, "item.html", snap=snap, kind=kind, value=value, posts=posts,
                           accounts=len({p["ref"] for p in posts}),
                           has_posts=ctx.data.has_posts(snap.run_id))

    # ---- accounts --------------------------------------------------------------------------

    def account(self, ctx: Ctx, request: Request) -> Response:
        ref = AccountRef.parse(request.path_params["ref"])
        ctx.svc.runs(ctx.actor)  # permission: reading the investigation
        info = ctx.data.account(ref)
        decisions = _account_decisions(ctx, ref)
        appeals = [a for a in ctx.svc.list_appeals(ctx.actor) if str(ref) in a["accounts"]]
        if info["profile"] is None and not info["networks"] and not decisions:
            raise NotFound(f"no account {ref} in the runs served",
                           remedy="opening it from a network's members")
        return self.render(ctx, "account.html", info=info, decisions=decisions,
                           appeals=appeals, bars=_bars_svg(info["days"]))

    # ---- cases -----------------------------------------------------------------------------

    def cases(self, ctx: Ctx, request: Request) -> Response:
        state = request.query_params.get("state") or None
        assignee = request.query_params.get("assignee") or None
        page = ctx.svc.list_cases(ctx.actor, state, assignee, limit=1000)
        return self.render(ctx, "cases.html", cases=page["items"], total=page["total"],
                           state=state or "", assignee=assignee or "",
                           states=("new", "in_review", "proposed", "decided", "appealed",
                                   "upheld", "reversed", "closed"))

    def case(self, ctx: Ctx, request: Request) -> Response:
        case_id = _int(request.path_params["case_id"])
        case = ctx.svc.get_case(ctx.actor, case_id)
        notes = ctx.svc.list_notes(ctx.actor, case_id, limit=1000)["items"]
        decisions = ctx.svc.list_decisions(ctx.actor, case_id)
        appeals = [a for d in decisions for a in ctx.svc.list_appeals(ctx.actor,
                                                                      decision_id=d["id"])]
        affected: dict[int, list[dict[str, Any]]] = {}
        for d in decisions:
            if d["status"] == "approved":
                affected[d["id"]] = ctx.svc.decision_accounts(ctx.actor, d["id"],
                                                              limit=1000)["items"]
        net = case["networks"][-1] if case["networks"] else None
        snap = None
        if net is not None:
            try:
                snap = ctx.svc.source.network(net["network_id"], net["run_id"])
            except NotFound:
                snap = None
        trail = _case_trail(ctx, case, decisions, appeals, notes) if can(ctx.actor, "audit") \
            else None
        return self.render(ctx, "case.html", case=case, notes=notes, decisions=decisions,
                           appeals=appeals, affected=affected, snap=snap, trail=trail,
                           members=(snap.members[:MAX_EXCEPTION_ROWS] if snap else ()),
                           actions=dsa.ACTIONS, exception_actions=dsa.EXCEPTION_ACTIONS,
                           bases=APPEAL_BASES, explanation=DecisionInput.explanation)

    # ---- actions (return a message, or "/url message") -----------------------------------

    def open_case(self, ctx: Ctx, request: Request, form: dict[str, list[str]]) -> str:
        nid = request.path_params["network_id"]
        c = ctx.svc.open_case(ctx.actor, nid, _one(form, "run") or None, _one(form, "title"))
        return f"/cases/{c['id']} Opened case {c['id']}."

    def assign(self, ctx: Ctx, request: Request, form: dict[str, list[str]]) -> str:
        cid = _int(request.path_params["case_id"])
        who = _one(form, "assignee").strip() or None
        if _one(form, "me"):
            who = ctx.actor.name
        ctx.svc.assign(ctx.actor, cid, who, _opt_int(_one(form, "version")))
        return f"Assigned to {who}." if who else "Unassigned."

    def add_network(self, ctx: Ctx, request: Request, form: dict[str, list[str]]) -> str:
        cid = _int(request.path_params["case_id"])
        nid, run = _one(form, "network_id"), _one(form, "run") or None
        ctx.svc.add_network(ctx.actor, cid, nid, run)
        return f"Added {nid} of run {run} to case {cid} (with a snapshot)."

    def note(self, ctx: Ctx, request: Request, form: dict[str, list[str]]) -> str:
        ctx.svc.add_note(ctx.actor, _int(request.path_params["case_id"]), _one(form, "text"))
        return "Note added."

    def tag(self, ctx: Ctx, request: Request, form: dict[str, list[str]]) -> str:
        name = _one(form, "name").strip()
        ctx.svc.add_tag(ctx.actor, _int(request.path_params["case_id"]), name)
        return f"Tagged {name}."

    def untag(self, ctx: Ctx, request: Request, form: dict[str, list[str]]) -> str:
        name = _one(form, "name")
        ctx.svc.remove_tag(ctx.actor, _int(request.path_params["case_id"]), name)
        return f"Removed the tag {name}."

    def transition(self, ctx: Ctx, request: Request, form: dict[str, list[str]]) -> str:
        to = _one(form, "to")
        ctx.svc.transition(ctx.actor, _int(request.path_params["case_id"]), to,
                           _opt_int(_one(form, "version")), _one(form, "why"))
        return f"The case is now {to}."

    def propose(self, ctx: Ctx, request: Request, form: dict[str, list[str]]) -> str:
        cid = _int(request.path_params["case_id"])
        exceptions = []
        for k, vs in sorted(form.items()):
            if k.startswith("exc:") and vs and vs[0]:
                ref = k[4:]
                exceptions.append({"account": ref, "action": vs[0],
                                   "reason": _one(form, "excr:" + ref)})
        d = DecisionInput(action=_one(form, "action"),
                          policy_clause=_one(form, "policy_clause"),
                          explanation=_one(form, "explanation") or DecisionInput.explanation,
                          facts=_one(form, "facts") or None,
                          reason_codes=form.get("reason_code") or None,
                          end_date=_one(form, "end_date") or None,
                          exceptions=exceptions)
        out = ctx.svc.propose_decision(ctx.actor, cid, d)
        return (f"Proposed decision {out['id']} ({out['action']}, {len(exceptions)} "
                "exception(s)); another approver must approve it.")

    def approve(self, ctx: Ctx, request: Request, form: dict[str, list[str]]) -> str:
        out = ctx.svc.approve(ctx.actor, _int(request.path_params["decision_id"]),
                              _one(form, "note"), _opt_int(_one(form, "version")))
        return (f"Approved decision {out['id']}: {out['n_affected']} account(s) affected, "
                f"{out['n_statements']} statement(s) of reasons.")

    def reject(self, ctx: Ctx, request: Request, form: dict[str, list[str]]) -> str:
        out = ctx.svc.reject(ctx.actor, _int(request.path_params["decision_id"]),
                             _one(form, "note"), _opt_int(_one(form, "version")))
        return f"Rejected decision {out['id']}."

    def lodge_appeal(self, ctx: Ctx, request: Request, form: dict[str, list[str]]) -> str:
        out = ctx.svc.lodge_appeal(ctx.actor, _int(request.path_params["decision_id"]),
                                   form.get("account") or [], _one(form, "basis"),
                                   _one(form, "text"))
        return f"Registered appeal {out['id']} for {len(out['accounts'])} account(s)."

    def decide_appeal(self, ctx: Ctx, request: Request, form: dict[str, list[str]]) -> str:
        outcome = _one(form, "outcome")
        out = ctx.svc.decide_appeal(ctx.actor, _int(request.path_params["appeal_id"]),
                                    outcome, _one(form, "reason"),
                                    (form.get("account") or None) if outcome == "reversed"
                                    else None, _opt_int(_one(form, "version")))
        return f"Appeal {out['id']} {out['status']}."


# ---- helpers -----------------------------------------------------------------------------

def _here(request: Request) -> str:
    return request.url.path + (("?" + request.url.query) if request.url.query else "")


def _safe_next(url: str) -> str:
    """Only a path of this site (no scheme, no host, no //): an open redirect is refused."""
    if not url:
        return ""
    if "://" in url:
        parts = urllib.parse.urlsplit(url)
        url = parts.path + (("?" + parts.query) if parts.query else "")
    if not url.startswith("/") or url.startswith("//") or "\\" in url:
        return ""
    return url


def _message(exc: CibwatchError) -> str:
    remedy = getattr(exc, "remedy", "")
    return f"{exc}" + (f" (try {remedy})" if remedy else "")


def _one(form: dict[str, list[str]], key: str) -> str:
    v = form.get(key)
    return v[0] if v else ""


def _int(v: str) -> int:
    from ..cases.errors import ValidationFailed

    try:
        n = int(v)
    except ValueError:
        raise NotFound(f"no such item {v!r}") from None
    if not 1 <= n < 2**31:
        raise ValidationFailed(f"{n} is out of range")
    return n


def _opt_int(v: str) -> int | None:
    return int(v) if v.strip().isdigit() else None


def _float(v: str | None) -> float | None:
    try:
        return float(v) if v not in (None, "") else None
    except ValueError:
        return None


def _heat(c: int, top: int) -> str:
    """The CSS class of a clock cell: h0 (none) to h9 (the busiest hour)."""
    if c <= 0 or top <= 0:
        return "h0"
    return f"h{min(9, 1 + int(8 * c / top))}"


PLATFORM_COLOURS = {"twitter": "#1d9bf0", "facebook": "#4267b2", "instagram": "#c13584",
                    "youtube": "#e00000", "tiktok": "#111111", "reddit": "#ff4500",
                    "medium": "#00ab6c", "telegram": "#229ed9"}
_OTHER = ("#8e44ad", "#16a085", "#d35400", "#7f8c8d", "#2c3e50", "#c0392b")


def platform_colour(p: str) -> str:
    if p in PLATFORM_COLOURS:
        return PLATFORM_COLOURS[p]
    return _OTHER[sum(p.encode()) % len(_OTHER)]


def _timeline_svg(activity: dict[str, Any]) -> dict[str, Any] | None:
    """Daily posts per platform as SVG polylines (viewBox 1000 x 200)."""
    if not activity.get("available") or not activity.get("days"):
        return None
    days = activity["days"]
    series = activity["series"]
    top = max((max(v) for v in series.values()), default=1) or 1
    n = len(days)
    w, h = 1000.0, 200.0

    def x(i: int) -> float:
        return round(w * i / max(n - 1, 1), 1)
    lines = []
    for p, vals in sorted(series.items()):
        pts = " ".join(f"{x(i)},{round(h - h * v / top, 1)}" for i, v in enumerate(vals))
        lines.append({"platform": p, "points": pts, "colour": platform_colour(p),
                      "total": sum(vals)})
    ticks = [{"x": x(i), "label": days[i]} for i in sorted({0, n // 2, n - 1})]
    return {"lines": lines, "top": top, "ticks": ticks, "first": days[0], "last": days[-1]}


def _bars_svg(days: list[tuple[str, int]]) -> dict[str, Any] | None:
    """An account's posts per day as SVG bars, one per calendar day from its first to last."""
    if not days:
        return None
    first = dt.date.fromisoformat(days[0][0])
    last = dt.date.fromisoformat(days[-1][0])
    n = (last - first).days + 1
    counts = dict(days)
    top = max(c for _, c in days)
    bw = 1000.0 / n
    bars = []
    for i in range(n):
        d = (first + dt.timedelta(days=i)).isoformat()
        c = counts.get(d, 0)
        if c:
            bars.append({"x": round(i * bw, 2), "w": round(max(bw * 0.8, 1.0), 2),
                         "h": round(150 * c / top, 1), "y": round(150 - 150 * c / top, 1),
                         "day": d, "n": c})
    return {"bars": bars, "top": top, "first": first.isoformat(), "last": last.isoformat()}


def _account_decisions(ctx: Ctx, ref: AccountRef) -> list[dict[str, Any]]:
    """Approved decisions that act on the account (the fan-out), with its status there."""
    from sqlalchemy import select

    from ..cases.auth import require
    from ..cases.models import AffectedAccount, Decision

    require(ctx.actor, "viewer", "reading decisions")
    with ctx.svc.store.read() as s:
        rows = s.execute(select(AffectedAccount, Decision).join(
            Decision, AffectedAccount.decision_id == Decision.id).where(
            AffectedAccount.platform == ref.platform,
            AffectedAccount.account_id == ref.account_id).order_by(Decision.id)).all()
        return [{"decision_id": d.id, "case_id": d.case_id, "network_id": d.network_id,
                 "action": a.action, "status": a.status, "decision_status": d.status,
                 "restored_at": a.restored_at.isoformat() if a.restored_at else None}
                for a, d in rows]


def _case_trail(ctx: Ctx, case: dict[str, Any], decisions: list[dict[str, Any]],
                appeals: list[dict[str, Any]], notes: list[dict[str, Any]]
                ) -> list[dict[str, Any]]:
    """The audit events of a case and of its decisions, appeals, notes and snapshots, in
    order (approver and above, as the audit log)."""
    objs = [("case", case["id"])] + [("decision", d["id"]) for d in decisions] + [
        ("appeal", a["id"]) for a in appeals] + [("note", n["id"]) for n in notes] + [
        ("evidence", e["id"]) for e in ctx.svc.list_evidence(ctx.actor, case["id"])]
    events: dict[int, dict[str, Any]] = {}
    for kind, oid in objs:
        after = 0
        while True:
            page = ctx.svc.audit_events(ctx.actor, after, 1000, kind, str(oid))
            for e in page["items"]:
                events[e["seq"]] = e
            if len(page["items"]) < 1000:
                break
            after = page["next_after"]
    return [events[k] for k in sorted(events)]


def install_workspace(app: FastAPI, service: CaseService,
                      stores: list[str | Path] | None = None) -> Workspace:
    """Add the workspace's pages to the API's app (``stores``: DuckDB stores to read posts
    from when a run's directory has none)."""
    return Workspace(app, service, WorkspaceData(service.source, stores or []))
