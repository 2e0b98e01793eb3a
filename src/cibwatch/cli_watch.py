"""The ``cibwatch watch`` commands: the recidivism watch (:mod:`cibwatch.watch`) and its alerts.

``cibwatch watch --db STORE`` scores the store's unactioned accounts against the networks
the case store's approved takedowns removed and writes alerts; ``watch list``, ``watch show``,
``watch confirm`` and ``watch dismiss`` review them. A token says who acts (``--token`` or
``$CIBWATCH_TOKEN``), as for ``cibwatch case``. ``cli.py`` registers the group with
:func:`register`; heavy imports happen inside the commands.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from .cli_cases import DEFAULT_STORE, CaseDbOpt, StoreOpt, TokenOpt, _actor_service, _fail, _print

__all__ = ["register", "watch_app"]

watch_app = typer.Typer(help="The recidivism watch: accounts linked to networks already taken "
                        "down become alerts of the case store.", invoke_without_command=True)

AlertArg = Annotated[int, typer.Argument(help="The alert's id (`cibwatch watch list`).")]
NoteOpt = Annotated[str, typer.Option("--note", help="Why (kept with the alert and audited).")]
VersionOpt = Annotated[int | None, typer.Option(
    "--version", help="Fail if the alert changed since it was read at this version.")]


def _since(text: str | None) -> dt.datetime | None:
    from .errors import ConfigError

    if text is None:
        return None
    try:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(f"--since {text!r} is not a date or time",
                          remedy="writing --since as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ") from None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


@watch_app.callback()
def watch_run(
    ctx: typer.Context,
    db: StoreOpt = DEFAULT_STORE,
    case_db: CaseDbOpt = None,
    since: Annotated[str | None, typer.Option(
        "--since", help="Only take up of the removed networks' items in posts from this day or "
        "time on (UTC), e.g. the start of the latest ingest \\[default: the takedown].")] = None,
    threshold: Annotated[float | None, typer.Option(
        "--threshold", help="Least score of an alert, in (0, 1] \\[default: 0.6].")] = None,
    run_id: Annotated[str | None, typer.Option(
        "--run", help="The detection run whose networks give group evidence \\[default: the "
        "latest finished run].")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Score and print, write no alert.")] = False,
    token: TokenOpt = None,
) -> None:
    """Score every account no decision acted on against the removed networks (item take-up,
    persona reuse, creation after the takedown, group evidence) and write the alerts above the
    threshold; prints a summary (JSON). Re-running adds no duplicate: an open alert is updated,
    a dismissed one reopens only on new evidence. The subcommands review the alerts."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        from .progress import RichReporter
        from .store import Store
        from .watch import THRESHOLD, WatchConfig, watch

        cfg = WatchConfig(threshold=THRESHOLD if threshold is None else threshold,
                          since=_since(since), run_id=run_id)
        cfg.check()
        if not Path(db).is_file():
            from .errors import StoreError

            raise StoreError(f"no investigation store {db} (--db)",
                             remedy="giving the store of your ingests (--db PATH)")
        actor, svc = _actor_service(case_db, db, token)
        from .cli import err_console

        with Store(db, create=False) as store:
            result = watch(store, svc, actor, config=cfg, reporter=RichReporter(err_console),
                           write=not dry_run)
        svc.store.close()
        out = result.as_dict()
        if dry_run:
            out["would_alert"] = result.alerts[:200]
        _print(out)
    except Exception as exc:
        _fail(exc)


@watch_app.command("list")
def watch_list(
    status: Annotated[str | None, typer.Option(
        "--status", help="open, confirmed or dismissed \\[default: all].")] = None,
    token: TokenOpt = None, case_db: CaseDbOpt = None, db: StoreOpt = DEFAULT_STORE,
) -> None:
    """List the alerts, highest score first (JSON, without their evidence rows)."""
    try:
        actor, svc = _actor_service(case_db, db, token)
        _print(svc.list_alerts(actor, status=status, limit=1000))
    except Exception as exc:
        _fail(exc)


@watch_app.command("show")
def watch_show(alert_id: AlertArg, token: TokenOpt = None, case_db: CaseDbOpt = None,
               db: StoreOpt = DEFAULT_STORE) -> None:
    """Show one alert with its evidence rows (JSON)."""
    try:
        actor, svc = _actor_service(case_db, db, token)
        _print(svc.get_alert(actor, alert_id))
    except Exception as exc:
        _fail(exc)


@watch_app.command("confirm")
def watch_confirm(alert_id: AlertArg, note: NoteOpt = "", version: VersionOpt = None,
                  token: TokenOpt = None, case_db: CaseDbOpt = None,
                  db: StoreOpt = DEFAULT_STORE) -> None:
    """Confirm an alert: the account is a re-establishment attempt of the removed network
    (counted by `cibwatch report period`). Needs a person with the approver role."""
    try:
        actor, svc = _actor_service(case_db, db, token)
        _print(svc.confirm_alert(actor, alert_id, note, version))
    except Exception as exc:
        _fail(exc)


@watch_app.command("dismiss")
def watch_dismiss(alert_id: AlertArg, note: NoteOpt = "", version: VersionOpt = None,
                  token: TokenOpt = None, case_db: CaseDbOpt = None,
                  db: StoreOpt = DEFAULT_STORE) -> None:
    """Dismiss an alert, saying why (--note); the same evidence will not reopen it."""
    try:
        actor, svc = _actor_service(case_db, db, token)
        _print(svc.dismiss_alert(actor, alert_id, note, version))
    except Exception as exc:
        _fail(exc)


def register(app: typer.Typer) -> None:
    """Add ``cibwatch watch ...`` to the application."""
    app.add_typer(watch_app, name="watch")
