"""Commands of the case store: ``serve``, ``user add``, ``audit verify``, ``case ...``.

Each is a thin wrapper over :class:`cibwatch.cases.CaseService` (the same use cases as the
HTTP API). ``cli.py`` registers them with :func:`register`. The heavy imports (SQLAlchemy,
FastAPI) happen inside the commands, so that ``cibwatch --help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from .cases import CaseService

__all__ = ["register", "user_app", "audit_app", "case_app"]

user_app = typer.Typer(help="Users of the case store and their API tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="The case store's audit log.", no_args_is_help=True)
case_app = typer.Typer(help="Cases, decisions, statements and appeals, for scripts (the same use "
                       "cases as the HTTP API; a token says who acts).", no_args_is_help=True)

CaseDbOpt = Annotated[str | None, typer.Option(
    "--case-db", help="The case store: a SQLAlchemy URL (postgresql://user@host/db, "
    "sqlite:///path) or a file path \\[default: $CIBWATCH_CASE_DB, else STORE.cases.sqlite "
    "beside --db].")]
FromOpt = Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD (UTC).")]
ToOpt = Annotated[str, typer.Option("--to", help="Last day, inclusive, YYYY-MM-DD (UTC).")]
StoreOpt = Annotated[Path, typer.Option(
    "--db", help="The investigation store (DuckDB file): networks of its runs are served from "
    "it; the default case store sits beside it.")]
ResultsOpt = Annotated[list[Path] | None, typer.Option(
    "--results", help="A detect/expand output directory to serve networks from instead of "
    "--db (repeatable; "
    "one directory is one run).")]
TokenOpt = Annotated[str | None, typer.Option(
    "--token", envvar="CIBWATCH_TOKEN", help="API token of the acting user [env CIBWATCH_TOKEN].")]
DEFAULT_STORE = Path("cibwatch.duckdb")


def _fail(exc: Exception) -> None:
    from .cli_errors import fail
    from .errors import CibwatchError

    if isinstance(exc, CibwatchError):
        fail(exc)
    raise exc


def _service(case_db: str | None, db: Path, results: list[Path] | None = None,
             networks: bool = False) -> CaseService:
    """The case service; with ``networks`` (or ``results``), over the networks of ``results``
    (output directories) or else of the investigation store ``db`` when it exists."""
    from .cases import CaseService, CaseStore, DetectDirSource, MemorySource, StoreSource

    if results:
        source: Any = DetectDirSource(results)
    elif networks and db.is_file():
        source = StoreSource(db)
    else:
        source = MemorySource()
    return CaseService(CaseStore.open(case_db, db, pool_size=5), source)


def _print(obj: Any) -> None:
    typer.echo(json.dumps(obj, indent=2, sort_keys=True, default=str))


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="The user's name (unique).")],
    role: Annotated[str, typer.Option("--role", help="viewer, analyst, approver or admin.")],
    kind: Annotated[str, typer.Option(
        "--kind", help="human, or service for an automated client (which may not approve "
        "decisions or decide appeals).")] = "human",
    case_db: CaseDbOpt = None,
    db: StoreOpt = DEFAULT_STORE,
) -> None:
    """Create a user and print its new API token, alone on the last line (shown only once)."""
    try:
        svc = _service(case_db, db)
        user, token = svc.add_user(None, name, role, kind)
        svc.store.close()
    except Exception as exc:
        _fail(exc)
        return
    typer.echo(f"user {user['name']} ({user['role']}, {user['kind']}) created in "
               f"{svc.store.url.render_as_string()}; its token, shown once:", err=True)
    typer.echo(token)


@user_app.command("list")
def user_list(case_db: CaseDbOpt = None, db: StoreOpt = DEFAULT_STORE) -> None:
    """List the users (names, roles; never tokens)."""
    try:
        from .cases.models import User
        svc = _service(case_db, db)
        with svc.store.read() as s:
            from sqlalchemy import select

            for u in s.execute(select(User).order_by(User.id)).scalars():
                typer.echo(f"{u.name}\t{u.role}\t{u.kind}\t{'active' if u.active else 'inactive'}")
    except Exception as exc:
        _fail(exc)


@audit_app.command("verify")
def audit_verify(case_db: CaseDbOpt = None, db: StoreOpt = DEFAULT_STORE) -> None:
    """Recompute the audit log's hash chain; exit 1 naming the first bad event if any event was
    edited, reordered or deleted."""
    try:
        svc = _service(case_db, db)
        result = svc.verify_audit()
        svc.store.close()
    except Exception as exc:
        _fail(exc)
        return
    if result.ok:
        typer.echo(f"audit log intact: {result.n_events} events, chain verified")
        return
    typer.echo(f"audit log BROKEN at event {result.first_bad_seq}: {result.problem} "
               f"({result.n_events} events verified before it)", err=True)
    raise typer.Exit(1)


def _actor_service(case_db: str | None, db: Path, token: str | None,
                   results: list[Path] | None = None,
                   networks: bool = False) -> tuple[Any, CaseService]:
    svc = _service(case_db, db, results, networks)
    return svc.authenticate(token), svc


@case_app.command("list")
def case_list(
    state: Annotated[str | None, typer.Option("--state", help="Only cases in this state.")] = None,
    token: TokenOpt = None, case_db: CaseDbOpt = None, db: StoreOpt = DEFAULT_STORE,
) -> None:
    """List cases (JSON)."""
    try:
        actor, svc = _actor_service(case_db, db, token)
        _print(svc.list_cases(actor, state=state, limit=1000))
    except Exception as exc:
        _fail(exc)


@case_app.command("open")
def case_open(
    network_id: Annotated[str, typer.Argument(help="The network's stable id.")],
    results: ResultsOpt = None,
    run_id: Annotated[str | None, typer.Option("--run", help="Run id \\[default: latest].")] = None,
    token: TokenOpt = None, case_db: CaseDbOpt = None, db: StoreOpt = DEFAULT_STORE,
) -> None:
    """Open a case on a network (a snapshot of it is kept as evidence)."""
    try:
        actor, svc = _actor_service(case_db, db, token, results, networks=True)
        _print(svc.open_case(actor, network_id, run_id))
    except Exception as exc:
        _fail(exc)


@case_app.command("show")
def case_show(case_id: Annotated[int, typer.Argument(help="Case id.")], token: TokenOpt = None,
              case_db: CaseDbOpt = None, db: StoreOpt = DEFAULT_STORE) -> None:
    """Show one case (JSON)."""
    try:
        actor, svc = _actor_service(case_db, db, token)
        _print(svc.get_case(actor, case_id))
    except Exception as exc:
        _fail(exc)


@case_app.command("note")
def case_note(case_id: Annotated[int, typer.Argument(help="Case id.")],
              text: Annotated[str, typer.Argument(help="The note.")], token: TokenOpt = None,
              case_db: CaseDbOpt = None, db: StoreOpt = DEFAULT_STORE) -> None:
    """Add a note to a case."""
    try:
        actor, svc = _actor_service(case_db, db, token)
        _print(svc.add_note(actor, case_id, text))
    except Exception as exc:
        _fail(exc)


@case_app.command("export")
def case_export(
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for batch-NNNN.json.")],
    decision: Annotated[int | None, typer.Option("--decision", help="Only this decision.")] = None,
    token: TokenOpt = None, case_db: CaseDbOpt = None, db: StoreOpt = DEFAULT_STORE,
) -> None:
    """Export the statements of reasons not yet exported, validated, as JSON batches of at most
    100 (each the body of the Transparency Database's POST /api/v1/statements)."""
    try:
        actor, svc = _actor_service(case_db, db, token)
        exp = svc.export_statements(actor, decision)
        out.mkdir(parents=True, exist_ok=True)
        for i, batch in enumerate(svc.export_all_batches(actor, exp["id"])):
            (out / f"batch-{i + 1:04d}.json").write_text(
                json.dumps(batch, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        typer.echo(f"export {exp['id']}: {exp['statements']} statements in {exp['batches']} "
                   f"batch(es) in {out}", err=True)
    except Exception as exc:
        _fail(exc)


@case_app.command("figures")
def case_figures(
    start: FromOpt, end: ToOpt, token: TokenOpt = None, case_db: CaseDbOpt = None, db: StoreOpt = DEFAULT_STORE,
) -> None:
    """The Art. 15(1)(d) appeal figures of a period (JSON)."""
    try:
        from .errors import ConfigError

        try:
            a, b = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        except ValueError:
            raise ConfigError("--from and --to must be dates YYYY-MM-DD",
                              remedy="writing them like 2025-01-31") from None
        actor, svc = _actor_service(case_db, db, token)
        _print(svc.appeal_figures(actor, a, b))
    except Exception as exc:
        _fail(exc)


def serve(
    db: StoreOpt = DEFAULT_STORE,
    case_db: CaseDbOpt = None,
    results: ResultsOpt = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port.")] = 8000,
    threads: Annotated[int, typer.Option(
        "--threads", min=1, max=64, help="Worker threads for the use cases (few is faster on "
        "SQLite; more can help PostgreSQL).")] = 4,
) -> None:
    """Serve the investigator's web workspace (at /, log in with an API token) and the HTTP API
    (cases, decisions, statements, appeals, audit) with uvicorn; OpenAPI at
    /api/v1/openapi.json, every other endpoint needs a token. Networks come from the
    investigation store --db (every finished run, stable network ids), or from the output
    directories given with --results instead."""
    try:
        import uvicorn

        from .web import create_app

        if not results and not db.is_file():
            typer.echo(f"no --results given and no investigation store {db}: the network "
                       "endpoints will be empty (cases already in the case store are served)",
                       err=True)
        svc = _service(case_db, db, results, networks=True)
        app = create_app(svc, threads=threads, stores=[db])
    except Exception as exc:
        _fail(exc)
        return
    typer.echo(f"cibwatch workspace on http://{host}:{port}/ (log in with an API token), API "
               f"on http://{host}:{port}/api/v1 (case store "
               f"{svc.store.url.render_as_string(hide_password=True)})", err=True)
    uvicorn.run(app, host=host, port=port, log_level=os.environ.get("CIBWATCH_LOG", "warning"),
                access_log=False)


def register(app: typer.Typer) -> None:
    """Add the case-store commands to the ``cibwatch`` application."""
    app.command("serve")(serve)
    app.add_typer(user_app, name="user")
    app.add_typer(audit_app, name="audit")
    app.add_typer(case_app, name="case")
