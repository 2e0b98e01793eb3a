"""``cibwatch report threat``: every section filled from a store the test builds, escaping,
the PDF, same bytes twice, a bad network id named; the Breakout Scale rule."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cibwatch import Store, ingest_files
from cibwatch.api import list_networks, network_summary
from cibwatch.cli import app
from cibwatch.errors import NotInStoreError
from cibwatch.intel.refang import defang, refang
from cibwatch.pipeline import DetectConfig, detect
from cibwatch.report.threat import (
    MIN_OUTSIDE_ENGAGERS,
    breakout_level,
    threat_entry,
    write_threat_report,
)

from .conftest import post, write_posts_csv

T0 = 1696208400  # Monday 2023-10-02 01:00 UTC, 09:00 at UTC+8
ROUNDS = 60
#: fixed thresholds (the peers' way): the significance test needs a population this small
#: world does not have
DETECT = DetectConfig(significance=False)
HOSTILE = '<script>alert("x")</script>'
OPS = [f"op{i}" for i in range(1, 6)]
WORDS = ("garden tomato rain bicycle river coffee morning school football bread window "
         "music cat train market summer").split()
ENGAGERS = [f"fan{i}" for i in range(MIN_OUTSIDE_ENGAGERS + 2)]


def _world(tmp: Path, with_op5: bool) -> tuple[Path, Path]:
    """Five accounts (four in the first file, the fifth in the second) posting the same
    texts, links and hashtags within seconds, in weekday office hours at UTC+8, replying to
    and mentioning one critic; forty ordinary accounts; twelve outsiders replying to the
    operation."""
    rows: list[dict[str, Any]] = []
    ops = OPS if with_op5 else OPS[:4]
    for k in range(ROUNDS):  # weekdays, 09:00-16:00 at UTC+8 with a lunch break
        day, slot = divmod(k, 6)
        t = T0 + (day + 2 * (day // 5)) * 86400 + (0, 1, 2, 4, 5, 6)[slot] * 3600 + 60 * k
        rows.append(post(f"c{k}", "critic_one", t - 600, text=f"critic says thing {k} today"))
        for j, a in enumerate(ops):
            rows.append(post(f"{a}_{k}", a, t + 3 * j, text=f"The harbour project {k} is a "
                             "triumph of friendship @critic_one lies",
                             urls=[f"https://evil.example.com/story/{k % 3}"],
                             hashtags=["Harbour", "Truth"], mentions=["critic_one"],
                             reply_to=f"c{k}" if k % 2 else "", lang="zh"))
    for i, fan in enumerate(ENGAGERS):
        rows.append(post(f"{fan}_r", fan, T0 + 5000 + i * 977, reply_to="op1_3",
                         text=f"{WORDS[i]} {WORDS[-i]} reply"))
    words = random.Random(0)
    for i in range(40):
        for k in range(12):
            text = " ".join(words.choice(WORDS) for _ in range(8))
            rows.append(post(f"bg{i}_{k}", f"bg{i}", T0 + (i * 7919 + k * 104729) % 900000,
                             text=text, lang="en"))
    if with_op5:  # the second file adds only op5's posts
        rows = [r for r in rows if r["account_id"] == "op5"]
    posts = write_posts_csv(tmp / ("posts5.csv" if with_op5 else "posts4.csv"), rows)
    accounts = tmp / "accounts.csv"
    with open(accounts, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["platform", "account_id", "handle", "followers", "location"])
        for a in OPS:
            w.writerow(["twitter", a, HOSTILE if a == "op1" else a, 100, "Beijing"])
    return posts, accounts


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("threat")
    four, accounts = _world(tmp, False)
    five, _ = _world(tmp, True)
    store = Store(tmp / "store.duckdb")
    ingest_files(store, [four, accounts])
    first = detect(store, DETECT)
    ingest_files(store, [five])
    second = detect(store, DETECT)
    nets = list_networks(store, second.run_id).items
    op = [n for n in nets if {m.account_id for m in network_summary(
        store, n.network_id, second.run_id).members} >= set(OPS)]
    assert op, [(n.label, n.size, n.assessment) for n in nets]
    nid = op[0].network_id
    out = tmp / "report"
    evidence = tmp / "evidence.json"
    evidence.write_text(json.dumps({nid: {"media": ["Daily Planet, 2 October 2023"]}}))
    entries = write_threat_report(store, [nid], out)
    store.close()
    return {"tmp": tmp, "db": tmp / "store.duckdb", "nid": nid, "out": out,
            "entry": entries[0], "first": first.run_id, "second": second.run_id,
            "evidence": evidence}


def test_sections_from_the_data(built: dict[str, Any]) -> None:
    e = built["entry"]
    assert e.network_id == built["nid"] and e.run_id == built["second"]
    assert e.first == "2023-10-02" and e.last == "2023-10-13"
    # origin: an assessment with a confidence, from the clock, languages and claimed homes
    assert e.origin.startswith("We assess with ") and " confidence " in e.origin
    assert "UTC+8" in e.origin and "China" in e.origin and "Beijing" in e.origin
    assert e.languages[0][0] == "zh"
    # targets
    assert e.replied_to[0] == ("critic_one", 5)
    assert e.mentioned[0] == ("critic_one", 5)
    assert {"#harbour", "#truth"} <= {h for h, _ in e.hashtags}
    # assets and reach (5 accounts x 100 followers)
    assert e.assets == [("twitter", 5, 5 * ROUNDS)]
    assert e.reach == "About 500 accounts followed one or more of these accounts."
    # narratives, quoted; links and sites defanged
    assert all(n == 5 for _, n in e.texts) and "harbour project" in e.texts[0][0]
    assert e.urls[0][0].startswith("hxxps://evil[.]example[.]com/story/")
    assert e.domains == [("evil[.]example[.]com", 5)]
    # tactics: coordination is phase 3; every DISARM id has a phase
    assert e.techniques[0][2] == "3 Coordinating and planning"
    assert all(phase for _, _, phase in e.techniques)
    assert "text_exact" in e.techniques[0][1]
    # detection source, lineage (the four-account network of the first run), breakout
    assert e.detection.startswith("Internal: found by cibwatch detect run " + e.run_id)
    assert [(r, s) for r, _, s, _ in e.lineage] == [(built["first"], 4)]
    assert e.breakout.level == 2  # one platform, twelve outside engagers
    assert any(f"{len(ENGAGERS)} account(s) outside" in s for s in e.breakout.evidence)
    # indicators: defanged, every member
    kinds = [t for t, _, _, _ in e.indicators]
    assert kinds.count("account") == 5 and "url" in kinds and "domain" in kinds
    assert ("domain", "evil[.]example[.]com", "linked by 5 account(s)", "") in e.indicators
    assert ("account", "hxxps://x[.]com/op2", "twitter account op2", "twitter") in e.indicators


@pytest.mark.parametrize("name", ["indicators.csv", "report.md"])
def test_indicators_round_trip(built: dict[str, Any], name: str) -> None:
    """indicators.csv (Meta's kill-chain layout) and the indicator table of report.md (Meta's
    Markdown layout) read back through the indicator import as the network's accounts, links
    and site."""
    from cibwatch.intel.indicators import read_indicators

    path = built["out"] / name
    if name.endswith(".csv"):
        assert path.read_text().splitlines()[0] == "Tactic,Technique,Procedure,Indicator,Note"
    else:
        assert "| Indicator Type | Indicator Value | Note |" in path.read_text()
    got = read_indicators(path)
    assert not got.rejects
    accounts = {(i.platform, i.value) for i in got.indicators if i.type == "account"}
    assert {("twitter", a) for a in OPS[1:]} <= accounts
    assert len(got.indicators) == len(built["entry"].indicators)  # none lost (the hostile
    # handle's percent-encoded profile URL reads back as a URL)
    urls = {i.value for i in got.indicators if i.type == "url"}
    assert {f"https://evil.example.com/story/{k}" for k in range(3)} <= urls
    assert {i.value for i in got.indicators if i.type == "domain"} == {"evil.example.com"}
    if name.endswith(".csv"):
        assert all(built["nid"] in i.note for i in got.indicators)


def test_files_escaping_and_defanging(built: dict[str, Any]) -> None:
    out = built["out"]
    md = (out / "report.md").read_text()
    html = (out / "report.html").read_text()
    for title in ("Assessed origin", "Targets", "Assets", "Reach", "Narratives",
                  "Tactics and techniques", "Breakout Scale", "Detection source", "Lineage",
                  "Indicators (defanged)"):
        assert f"### {title}" in md and f"<h3>{title}</h3>" in html
    assert built["nid"] in md and built["nid"] in html
    # the hostile handle is text, never markup
    assert HOSTILE not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<script" not in md and "&lt;script&gt;" in md
    # no live link to the operation's site anywhere
    for text in (md, html):
        assert "evil.example.com" not in text and "https://evil" not in text
    # pictures beside the report, linked, no remote resource
    for kind in ("graph", "clock", "timeline", "platforms"):
        png = out / built["entry"].pictures[kind]
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f'src="{built["entry"].pictures[kind]}"' in html
    assert "http://" not in html and "https://" not in html and "//cdn" not in html


def test_pdf_has_text_and_pictures(built: dict[str, Any]) -> None:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(str(built["out"] / "report.pdf"))
    assert len(reader.pages) > 0
    text = "\n".join(p.extract_text() for p in reader.pages)
    flat = "".join(text.split())
    assert built["nid"] in flat
    for title in ("Assessed origin", "Targets", "Reach", "Narratives", "Breakout Scale",
                  "Tactics and techniques", "Lineage", "Indicators (defanged)"):
        assert title in text, title
    assert "evil.example.com" not in flat and "evil[.]example[.]com" in flat
    images = sum(len(p.images) for p in reader.pages)
    assert images >= 4


def test_same_bytes_twice(built: dict[str, Any]) -> None:
    with Store(built["db"], create=False, read_only=True) as store:
        again = built["tmp"] / "again"
        write_threat_report(store, [built["nid"]], again)
    for name in ("report.md", "report.html", "report.pdf", "img/" + built["entry"].label
                 + "_graph.png"):
        assert (again / name).read_bytes() == (built["out"] / name).read_bytes(), name


def test_earlier_run_and_bad_id(built: dict[str, Any]) -> None:
    with Store(built["db"], create=False, read_only=True) as store:
        with pytest.raises(NotInStoreError, match="'no-such-network'"):
            write_threat_report(store, [built["nid"], "no-such-network"],
                                built["tmp"] / "bad")
        # the network is not in the first run (op5 joined later)
        with pytest.raises(NotInStoreError, match=built["nid"]):
            threat_entry(store, built["nid"], built["first"])
    assert not (built["tmp"] / "bad").exists()


def test_cli(built: dict[str, Any]) -> None:
    runner = CliRunner()
    out = built["tmp"] / "cli"
    r = runner.invoke(app, ["report", "threat", built["nid"], "--db", str(built["db"]),
                            "--out", str(out), "--evidence", str(built["evidence"])])
    assert r.exit_code == 0, r.output
    md = (out / "report.md").read_text()
    assert "Level 4: picked up by mainstream media" in md and "Daily Planet" in md
    # an earlier run's network, by --run
    earlier = built["entry"].lineage[0][1]
    r = runner.invoke(app, ["report", "threat", earlier, "--run", built["first"], "--db",
                            str(built["db"]), "--out", str(built["tmp"] / "cli-first")])
    assert r.exit_code == 0, r.output
    md = (built["tmp"] / "cli-first" / "report.md").read_text()
    assert earlier in md and f"run {built['first']}" in md and "| twitter | 4 |" in md
    r = runner.invoke(app, ["report", "threat", "N9999", "--db", str(built["db"]),
                            "--out", str(built["tmp"] / "cli2")])
    assert r.exit_code != 0 and "N9999" in r.output


def test_breakout_rule() -> None:
    few, many = MIN_OUTSIDE_ENGAGERS - 1, MIN_OUTSIDE_ENGAGERS
    assert breakout_level(["twitter"], {"twitter": few}, {}).level == 1
    assert breakout_level(["twitter"], {"twitter": many}, {}).level == 2
    assert breakout_level(["reddit", "twitter"], {}, {}).level == 2
    assert breakout_level(["reddit", "twitter"], {"twitter": many}, {}).level == 3
    assert breakout_level(["twitter"], {}, {"high_profile": ["@celebrity"]}).level == 5
    b = breakout_level(["twitter"], {}, {"policy_response": ["a minister's statement"]})
    assert b.level == 6 and any("a minister's statement" in s for s in b.evidence)


@pytest.mark.parametrize("value", ["https://evil.example.com/a.b?c=d.e", "info@amc239.com",
                                   "evil.example.com", "10.0.0.1", "http://x.org"])
def test_defang_round_trip(value: str) -> None:
    d = defang(value)
    assert "." not in d.split("/")[0].replace("[.]", "") or "://" in d
    assert not d.startswith("http") and refang(d) == value


def test_period_report(built: dict[str, Any]) -> None:
    """Two takedowns: the four-account network, then the five-account one, whose case is
    linked as its re-establishment; a labelled-only network is no takedown."""
    from cibwatch.cases import CaseService, DecisionInput
    from cibwatch.cases.db import CaseStore
    from cibwatch.cases.source import StoreSource

    earlier = built["entry"].lineage[0][1]
    case_db = built["tmp"] / "cases.sqlite"
    cases = CaseStore.open(str(case_db))
    svc = CaseService(cases, StoreSource(built["db"]))
    ana = svc.authenticate(svc.add_user(None, "ana", "analyst", "human")[1])
    apo = svc.authenticate(svc.add_user(None, "apo", "approver", "human")[1])
    ids = []
    for nid, run, source in ((earlier, built["first"], "external"),
                             (built["nid"], built["second"], "internal")):
        case = svc.open_case(ana, nid, run)
        svc.transition(ana, case["id"], "in_review")
        d = svc.propose_decision(ana, case["id"], DecisionInput(
            "terminate", "Rules 4.2: inauthentic behaviour", detection_source=source,
            source_identity="journalists' report" if source == "external" else "",
            run_id=run))
        svc.approve(apo, d["id"])
        ids.append(case["id"])
    svc.link_cases(ana, ids[1], ids[0], "re_establishment")
    cases.close()
    today = __import__("datetime").datetime.now(__import__("datetime").UTC).date().isoformat()
    out = built["tmp"] / "period"
    r = CliRunner().invoke(app, ["report", "period", "--from", today, "--to", today,
                                 "--db", str(built["db"]), "--case-db", str(case_db),
                                 "--out", str(out)])
    assert r.exit_code == 0, r.output
    with open(out / "period.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(x["network_id"], x["detection_source"], x["accounts_in_network"],
             x["followers_of_network"]) for x in rows] == [(earlier, "External", "4", "400")]
    assert rows[0]["description"].startswith("We assess with ")
    assert ("confidence that this network operated from China, Taiwan, Singapore or the "
            "Philippines (its posting clock's time zone, UTC+8) and targeted an audience "
            "posting in zh, replying to or mentioning critic_one most") in rows[0]["description"]
    html = (out / "period.html").read_text()
    assert "We removed 5 accounts associated with previously disrupted networks" in html
    assert HOSTILE not in html
    pypdf = pytest.importorskip("pypdf")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(str(out / "period.pdf")).pages)
    flat = "".join(text.split())
    assert "DetectionSource" in flat and "Weremoved5accounts" in flat and earlier in flat
    # nothing decided in another period; a bad date is named
    r = CliRunner().invoke(app, ["report", "period", "--from", "2020-01-01", "--to",
                                 "2020-01-31", "--db", str(built["db"]), "--case-db",
                                 str(case_db), "--out", str(built["tmp"] / "empty")])
    assert r.exit_code == 0, r.output
    assert (built["tmp"] / "empty" / "period.csv").read_text().count("\n") == 1
    r = CliRunner().invoke(app, ["report", "period", "--from", "2020-13-01", "--to",
                                 "2020-01-31", "--db", str(built["db"]), "--out",
                                 str(built["tmp"] / "x")])
    assert r.exit_code != 0 and "--from" in r.output
