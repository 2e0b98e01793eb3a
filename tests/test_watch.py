"""The recidivism watch (:mod:`cibwatch.watch`): a hand-made store and case store where a
takedown removed five accounts; new accounts reuse a removed persona, take up the operation's
site after the takedown, or act in a network with the remaining members; authentic accounts
that share a popular URL do not alert. Idempotence, dismissal, the periodic report, roles, the
command line and the migration from a case store made before the alerts."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from cibwatch import Store, ingest_files
from cibwatch.cases import (
    CaseService,
    CaseStore,
    DecisionInput,
    Member,
    MemorySource,
    PermissionDenied,
    ValidationFailed,
)
from cibwatch.cases.errors import Conflict
from cibwatch.cli import app
from cibwatch.watch import WatchConfig, watch

from .cases_support import snapshot
from .conftest import post, write_posts_csv

T0 = 1709280000  # 2024-03-01 08:00 UTC
DAY = 86400
OPS = [f"op{i}" for i in range(5)]
TAKEDOWN = T0 + 20 * DAY  # the removed accounts' last post is just before it
SITE = "https://harbour-truth.example/a/"
NEWS = "https://news.example.com/big-story"
AUTH = [f"auth{i}" for i in range(30)]


def _iso(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _data(tmp: Path) -> tuple[Path, Path]:
    rows: list[dict[str, Any]] = []
    for k in range(20):  # before the takedown: the operation's site, a popular news URL
        for j, a in enumerate(OPS):
            rows.append(post(f"{a}_{k}", a, T0 + k * DAY + 60 * j,
                             text=f"harbour project story number {k} is a triumph",
                             urls=[f"{SITE}{k}"]))
    rows.append(post("op0_news", "op0", TAKEDOWN - 600, urls=[NEWS], text="look"))
    rows.append(post("surv_0", "survivor", T0 + 3 * DAY, urls=[f"{SITE}3"]))
    for i, a in enumerate(AUTH):  # authentic: the news URL, before and after the takedown
        rows.append(post(f"{a}_0", a, T0 + 5 * DAY + i * 977, urls=[NEWS],
                         text=f"wow {i} news"))
        rows.append(post(f"{a}_1", a, TAKEDOWN + 2 * DAY + i * 977, urls=[NEWS],
                         text=f"still {i} talking"))
    # after the takedown
    rows.append(post("late_0", "latecomer", TAKEDOWN + 3 * DAY, urls=[NEWS], text="late"))
    rows.append(post("fan_0", "fan", TAKEDOWN + 3 * DAY, reshare_of="op1_3",
                     urls=[f"{SITE}3"], text="harbour project story number 3 is a triumph"))
    rows.append(post("new1_0", "new1", TAKEDOWN + 4 * DAY, text="hello again everyone"))
    rows.append(post("new2_0", "new2", TAKEDOWN + 4 * DAY, urls=[f"{SITE}99"],
                     text="censorship will not stop the truth"))
    rows.append(post("quiet_0", "quiet", TAKEDOWN + 5 * DAY, text="just a quiet post"))
    posts = write_posts_csv(tmp / "posts.csv", rows)
    accounts = tmp / "accounts.csv"
    with open(accounts, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["platform", "account_id", "handle", "display_name", "created_at", "bio",
                    "profile_image_hash"])
        for i, a in enumerate(OPS):
            w.writerow(["twitter", a, f"MiaChen{i}1234567", f"Mia Chen {i}", _iso(T0 - DAY),
                        f"Truth seeker number {i}", f"a1b2c3d4e5f6071{i}"])
        w.writerow(["twitter", "new1", "MiaChen87654321", "Mia Chen 0", _iso(TAKEDOWN + DAY),
                    "Truth seeker number 0", "a1b2c3d4e5f60710"])
        w.writerow(["twitter", "new2", "BobStone55555555", "Bob Stone",
                    _iso(TAKEDOWN + DAY), "", "ffffffffffffffff"])
        w.writerow(["twitter", "quiet", "quiet_one", "Quiet", _iso(TAKEDOWN + DAY), "",
                    "0123012301230123"])
        w.writerow(["twitter", "latecomer", "late", "Late", _iso(TAKEDOWN + DAY), "",
                    "9999999999999999"])
        for a in AUTH:
            w.writerow(["twitter", a, a, a.title(), _iso(T0 - 400 * DAY), "", "default"])
    return posts, accounts


class Setup:
    def __init__(self, tmp: Path, case_url: str) -> None:
        self.tmp = tmp
        self.db = tmp / "inv.duckdb"
        with Store(self.db) as store:
            ingest_files(store, list(_data(tmp)))
            # a finished run whose network holds the remaining member, two comeback
            # accounts and a quiet one (group evidence)
            store.execute(
                "CREATE TABLE IF NOT EXISTS run_members (aid INTEGER, network_id VARCHAR, "
                "label VARCHAR, run_id VARCHAR);"
                "INSERT INTO runs (run_id, seq, kind, status) VALUES "
                "('0001-test', 1, 'detect', 'finished');"
                "INSERT INTO run_members SELECT aid, 'net-after', 'N0001', '0001-test' "
                "FROM account_index WHERE account_id IN ('survivor', 'new1', 'new2', 'quiet')")
        snap = snapshot("net-op", "run-0", 5, prefix="op")
        members = tuple(Member("twitter", a, a, 10) for a in [*OPS, "survivor"])
        snap = type(snap)(**{**vars(snap), "members": members, "size": len(members)})
        self.case_db = case_url
        self.cases = CaseStore.open(case_url)
        self.svc = CaseService(self.cases, MemorySource([snap]))
        self.tokens: dict[str, str] = {}
        for name, role, kind in (("ana", "analyst", "human"), ("apo", "approver", "human"),
                                 ("bot", "analyst", "service"), ("viewer", "viewer", "human"),
                                 ("rev", "approver", "service")):
            _, self.tokens[name] = self.svc.add_user(None, name, role, kind)
        self.a = {n: self.svc.authenticate(t) for n, t in self.tokens.items()}
        case = self.svc.open_case(self.a["ana"], "net-op")
        self.svc.transition(self.a["ana"], case["id"], "in_review")
        d = self.svc.propose_decision(self.a["ana"], case["id"], DecisionInput(
            "terminate", "Rules 4.2: inauthentic behaviour",
            exceptions=[{"account": "twitter:survivor", "action": "exclude",
                         "reason": "left to watch"}]))
        self.decision = self.svc.approve(self.a["apo"], d["id"])

    def run(self, **kw: Any) -> Any:
        with Store(self.db) as store:
            return watch(store, self.svc, self.a["bot"], config=WatchConfig(**kw))

    def alerts(self) -> dict[str, dict[str, Any]]:
        items = self.svc.list_alerts(self.a["viewer"])["items"]
        return {x["account"]: x for x in items}


@pytest.fixture
def setup(tmp_path: Path, case_url: str) -> Iterator[Setup]:
    """On SQLite and PostgreSQL (:mod:`tests.cases_support`)."""
    s = Setup(tmp_path, case_url)
    yield s
    s.cases.close()


def test_comeback_accounts_alert_and_authentic_sharers_do_not(setup: Setup) -> None:
    res = setup.run()
    assert res.takedowns == 1 and res.removed == 5
    assert res.takedown_times == {setup.decision["id"]: _iso(TAKEDOWN - 600)}
    alerts = setup.alerts()
    assert set(alerts) == {"twitter:new1", "twitter:new2", "twitter:quiet"}
    one = setup.svc.get_alert(setup.a["viewer"], alerts["twitter:new1"]["id"])
    sig = {e["signal"]: e for e in one["evidence"]}
    assert {"image", "display_name", "bio", "handle", "created_after"} <= set(sig)
    assert sig["image"]["removed"] == ["twitter:op0"] and sig["image"]["spec"] > 0.6
    assert one["decision_id"] == setup.decision["id"] and one["status"] == "open"
    two = setup.svc.get_alert(setup.a["viewer"], alerts["twitter:new2"]["id"])
    dom = next(e for e in two["evidence"] if e["signal"] == "item:domain")
    assert dom["value"] == "harbour-truth.example" and dom["removed_accounts"] == 5
    assert dom["post_id"] == "new2_0"
    quiet = setup.svc.get_alert(setup.a["viewer"], alerts["twitter:quiet"]["id"])
    assert [e["signal"] for e in quiet["evidence"]] == ["group"]
    assert quiet["run_id"] == "0001-test"
    # the news URL was everybody's; the fan only reshared; the survivor was excepted
    assert not {"twitter:latecomer", "twitter:fan", "twitter:survivor"} & set(alerts)
    assert not any(a.startswith("twitter:auth") for a in alerts)


def test_rerunning_adds_nothing_and_a_dismissal_holds_until_new_evidence(setup: Setup) -> None:
    first = setup.run()
    assert first.written["opened"] == 3
    again = setup.run()
    assert again.written["opened"] == 0 and again.written["unchanged"] == 3
    alerts = setup.alerts()
    assert len(alerts) == 3
    new2 = alerts["twitter:new2"]
    with pytest.raises(ValidationFailed):
        setup.svc.dismiss_alert(setup.a["ana"], new2["id"], " ")
    setup.svc.dismiss_alert(setup.a["ana"], new2["id"], "a blogger, not the operation")
    assert setup.run().written["kept_dismissed"] == 1
    assert setup.alerts()["twitter:new2"]["status"] == "dismissed"
    # new evidence: new2 now wears op3's profile image
    with Store(setup.db) as store:
        store.execute("UPDATE accounts SET profile_image_hash = 'a1b2c3d4e5f60713' "
                      "WHERE account_id = 'new2'")
    assert setup.run().written["reopened"] == 1
    assert setup.alerts()["twitter:new2"]["status"] == "open"
    actions = [e["action"] for e in setup.svc.audit_events(setup.a["apo"], limit=1000)["items"]]
    assert actions.count("alert.open") == 3 and "alert.dismiss" in actions
    assert "alert.reopen" in actions
    assert setup.svc.verify_audit().ok


def test_since_limits_the_take_up_and_the_threshold_is_checked(setup: Setup) -> None:
    # no post after 2030: new2's take-up of the site does not count (its group evidence
    # does), new1's persona does
    setup.run(since=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    alerts = setup.alerts()
    new2 = setup.svc.get_alert(setup.a["viewer"], alerts["twitter:new2"]["id"])
    assert "group" in new2["signals"] and not any(x.startswith("item:") for x in new2["signals"])
    assert "image" in alerts["twitter:new1"]["signals"]
    from cibwatch.errors import ConfigError

    with pytest.raises(ConfigError, match="--threshold"):
        setup.run(threshold=0)


def test_confirmed_alert_counts_as_re_establishment(setup: Setup) -> None:
    from cibwatch.report.period import period_report

    setup.run()
    alert = setup.alerts()["twitter:new1"]
    with pytest.raises(PermissionDenied):  # analysts dismiss, approvers confirm
        setup.svc.confirm_alert(setup.a["ana"], alert["id"])
    with pytest.raises(PermissionDenied):  # a service user is no person
        setup.svc.confirm_alert(setup.a["rev"], alert["id"])
    with pytest.raises(PermissionDenied):
        setup.svc.record_alerts(setup.a["viewer"], [])
    done = setup.svc.confirm_alert(setup.a["apo"], alert["id"], "same persona as op0")
    assert done["status"] == "confirmed" and done["reviewed_by"] == "apo"
    with pytest.raises(Conflict):
        setup.svc.confirm_alert(setup.a["apo"], alert["id"])
    assert setup.run().written["kept_confirmed"] == 1
    # the takedown itself in an earlier period, so that this one holds only the alert
    setup.cases.raw("UPDATE decisions SET decided_at = '2025-01-01 00:00:00'")
    today = dt.datetime.now(dt.UTC).date()
    with Store(setup.db) as store:
        rep = period_report(store, setup.cases, today, today)
    assert rep.rows == () and rep.reestablished_accounts == 1
    assert rep.reestablished_alerts == 1


def test_command_line(setup: Setup) -> None:
    base = ["--db", str(setup.db), "--case-db", setup.case_db]
    r = CliRunner().invoke(app, ["watch", *base, "--token", setup.tokens["bot"]])
    assert r.exit_code == 0, r.output
    assert '"opened": 3' in r.output
    r = CliRunner().invoke(app, ["watch", "list", *base, "--token", setup.tokens["viewer"]])
    assert r.exit_code == 0 and "twitter:new1" in r.output
    first = setup.alerts()["twitter:new1"]["id"]
    r = CliRunner().invoke(app, ["watch", "confirm", str(first), *base, "--note", "persona",
                                 "--token", setup.tokens["apo"]])
    assert r.exit_code == 0 and '"status": "confirmed"' in r.output
    r = CliRunner().invoke(app, ["watch", *base, "--threshold", "2",
                                 "--token", setup.tokens["bot"]])
    assert r.exit_code != 0 and "--threshold" in r.output
    r = CliRunner().invoke(app, ["watch", "--db", str(setup.tmp / "none.duckdb"),
                                 "--case-db", setup.case_db, "--token",
                                 setup.tokens["bot"]])
    assert r.exit_code != 0 and "--db" in r.output
    r = CliRunner().invoke(app, ["watch", *base, "--since", "yesterday",
                                 "--token", setup.tokens["bot"]])
    assert r.exit_code != 0 and "--since" in r.output


def test_a_case_store_made_before_the_alerts_is_upgraded(case_url: str) -> None:
    url = case_url
    old = CaseStore.open(url, migrate=False)
    old.upgrade("0001")
    assert "alerts" not in inspect(old.engine).get_table_names()
    svc = CaseService(old)
    svc.add_user(None, "ana", "analyst")
    old.close()
    new = CaseStore.open(url)
    assert "alerts" in inspect(new.engine).get_table_names()
    with new.engine.connect() as c:
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0002"
        assert c.execute(text("SELECT name FROM users")).scalar() == "ana"
    assert CaseService(new).verify_audit().ok
    new.close()
