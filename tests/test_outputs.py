"""The detect output directory: contract columns, evidence that resolves, same bytes twice."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cibwatch import DetectConfig, Store, detect, ingest_files, pair_evidence
from cibwatch.report.outputs import write_outputs
from cibwatch.traces import make_traces

from .conftest import DEMO, post, write_posts_csv

FILES = ("accounts.csv", "networks.csv", "edges.parquet", "summary.md", "bounded_keys.csv",
         "run.json", "network.graphml")


def _detect(files: list[Path], out: Path, db: Path | None = None, **cfg: object) -> Store:
    store = Store(db)
    ingest_files(store, files)
    result = detect(store, DetectConfig(**cfg))  # type: ignore[arg-type]
    write_outputs(store, result, out, graphml=True, inputs=[str(f) for f in files])
    return store


@pytest.fixture(scope="module")
def ira_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Store]:
    out = tmp_path_factory.mktemp("ira")
    return out, _detect([DEMO / "ira_tweets_2016-10.parquet"], out, max_neighbours=50)


def test_contract_columns(ira_run: tuple[Path, Store]) -> None:
    out, _ = ira_run
    for f in FILES:
        assert (out / f).exists(), f
    with open(out / "networks.csv") as fh:
        nets = list(csv.DictReader(fh))
    with open(out / "accounts.csv") as fh:
        accs = list(csv.DictReader(fh))
    assert nets and accs
    for col in ("network_id", "assessment", "size", "platforms", "reasons"):
        assert col in nets[0]
    for col in ("platform", "account_id", "network_id", "reasons"):
        assert col in accs[0]
    # every network is assessed, with a kind, a score and reasons with codes
    assert {n["assessment"] for n in nets} <= {"coordinated", "inauthentic"}
    for n in nets:
        assert 0.0 <= float(n["score"]) <= 1.0
        assert n["reasons"] and n["disarm"] is not None
        if n["assessment"] == "inauthentic":
            assert n["kind"] in ("influence_operation", "spam")
            assert float(n["score"]) > 0 and "[T0" in n["reasons"]
            strong = [f for f in n["strengths"].split(";") if float(f.split("=")[1]) >= 2]
            assert len(strong) >= 2, n["strengths"]  # two families at p <= 0.01
        else:
            assert n["kind"] in ("coordination", "disclosed_automation")
    assert {a["assessment"] for a in accs} <= {"coordinated", "inauthentic"}
    by_net = {n["network_id"]: n["assessment"] for n in nets}
    assert all(a["assessment"] == by_net[a["network_id"]] for a in accs)
    # pictures of the largest networks, linked from the summary
    summary = (out / "summary.md").read_text()
    for n in nets[:10]:
        for kind in ("clock", "timeline", "graph"):
            png = out / "networks" / f"{n['label']}_{kind}.png"
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            assert f"(networks/{png.name})" in summary
    sizes = {n["network_id"]: int(n["size"]) for n in nets}
    per_net: dict[str, int] = {}
    for a in accs:
        per_net[a["network_id"]] = per_net.get(a["network_id"], 0) + 1
    assert per_net == sizes
    assert all(int(n["size"]) >= 3 for n in nets)
    labels = [n["label"] for n in nets]  # ordered by label; ids are stable (issue 12)
    assert labels == sorted(labels) and labels[0] == "N0001"
    assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}",
                            n["network_id"]) for n in nets)
    assert {n["run_id"] for n in nets} == {a["run_id"] for a in accs} == {
        json.loads((out / "run.json").read_text())["run_id"]}
    edges = pq.read_table(out / "edges.parquet")
    for col in ("platform_a", "account_id_a", "platform_b", "account_id_b", "trace",
                "n_coactions", "n_keys", "weight", "network_id", "evidence"):
        assert col in edges.column_names
    rows = edges.to_pylist()
    pair_rows = [e for e in rows if not e["trace"].startswith("items:")]
    group_rows = [e for e in rows if e["trace"].startswith("items:")]
    assert pair_rows and max(e["pair_q_value"] for e in pair_rows) <= 0.01  # significant only
    # group links join two members of one network on one of its items, with examples
    assert all(e["network_id"] and e["evidence"] and e["pair_q_value"] is None
               for e in group_rows)
    for n in nets:  # every network is beyond chance: by its pairs or as a group
        by_pairs = n["q_value"] != "" and float(n["q_value"]) <= 0.01
        by_group = n["group_q_value"] != "" and float(n["group_q_value"]) <= 0.01
        assert by_pairs or by_group, n
        assert "beyond chance" in n["reasons"] or "expected by chance" in n["reasons"]


def test_evidence_resolves_to_stored_posts(ira_run: tuple[Path, Store]) -> None:
    out, store = ira_run
    edges = pq.read_table(out / "edges.parquet").to_pylist()
    ids = {(e["platform_a"], ev["post_id_a"]) for e in edges for ev in e["evidence"]}
    ids |= {(e["platform_b"], ev["post_id_b"]) for e in edges for ev in e["evidence"]}
    found = store.scalar(
        "SELECT count(*) FROM posts WHERE (platform, post_id) IN "
        "(SELECT unnest(?::STRUCT(p VARCHAR, i VARCHAR)[]))".replace(
            "(platform, post_id) IN (SELECT unnest(?::STRUCT(p VARCHAR, i VARCHAR)[]))",
            "list_contains(?::VARCHAR[], platform || '|' || post_id)"),
        [[f"{p}|{i}" for p, i in ids]])
    assert found == len(ids) > 0
    # the full evidence of one pair edge, recomputed from the store, contains its examples
    e = next(x for x in edges if not x["trace"].startswith("items:"))
    a = store.aid_of(e["platform_a"], e["account_id_a"])
    b = store.aid_of(e["platform_b"], e["account_id_b"])
    assert a is not None and b is not None
    full = pair_evidence(store, a, b).to_pylist()
    mine = [f for f in full if f["trace"] == e["trace"]]
    assert len(mine) >= e["n_coactions"]
    got = {(f["post_id_a"], f["post_id_b"]) for f in mine}
    assert {(ev["post_id_a"], ev["post_id_b"]) for ev in e["evidence"]} <= got
    assert all(f["dt_s"] <= f["window_s"] for f in mine)


def test_same_input_same_bytes(ira_run: tuple[Path, Store], tmp_path: Path) -> None:
    out, _ = ira_run
    again = tmp_path / "again"
    _detect([DEMO / "ira_tweets_2016-10.parquet"], again, max_neighbours=50).close()
    for f in FILES:
        if f == "run.json":
            continue
        assert (out / f).read_bytes() == (again / f).read_bytes(), f
    pictures = sorted(p.name for p in (out / "networks").iterdir())
    assert pictures and pictures == sorted(p.name for p in (again / "networks").iterdir())
    for name in pictures:
        assert (out / "networks" / name).read_bytes() == \
            (again / "networks" / name).read_bytes(), name
    r1, r2 = (json.loads((d / "run.json").read_text()) for d in (out, again))
    assert r1 == r2


def test_summary_reports_rejects_and_bounded_keys(tmp_path: Path) -> None:
    rows = [post(str(i), f"u{i}", i, reshare_of="viral") for i in range(30)]
    rows += [post("bad", "x", "not a time")]
    path = write_posts_csv(tmp_path / "p.csv", rows)
    out = tmp_path / "out"
    _detect([path], out, max_neighbours=5, min_weight=1).close()
    summary = (out / "summary.md").read_text()
    assert "1 record(s) could not be loaded" in summary
    assert "twitter:viral" in summary and "bounded" in summary.lower()
    with open(out / "rejects.csv") as fh:
        rej = list(csv.DictReader(fh))
    assert rej[0]["line"] == "32" and rej[0]["field"] == "created_at"
    with open(out / "bounded_keys.csv") as fh:
        b = list(csv.DictReader(fh))
    assert b[0]["key"] == "twitter:viral" and b[0]["n_actions"] == "30"
    assert b[0]["n_bounded_actions"] == "24"


def test_weights_count_a_post_once_across_traces(tmp_path: Path) -> None:
    """A breaking-news share with the share button's text: one event, not two."""
    rows = [post("1", "a", 0, text="Breaking: earthquake hits the city centre",
                 urls=["https://news.example/quake"]),
            post("2", "b", 20, text="Breaking: earthquake hits the city centre",
                 urls=["https://news.example/quake"])]
    path = write_posts_csv(tmp_path / "p.csv", rows)
    with Store(None) as store:
        ingest_files(store, [path])
        fixed = {"min_size": 2, "significance": False,
                 "traces": tuple(make_traces(["text_exact", "url"]))}
        detect(store, DetectConfig(min_weight=1, **fixed))  # type: ignore[arg-type]
        assert store.fetchall("SELECT weight FROM edges") == [(1.0,)]
        detect(store, DetectConfig(min_weight=1, weight="keys", **fixed))  # type: ignore[arg-type]
        assert store.fetchall("SELECT weight FROM edges") == [(2.0,)]
        detect(store, DetectConfig(min_weight=2, **fixed))  # type: ignore[arg-type]
        assert store.scalar("SELECT count(*) FROM networks") == 0
        detect(store, DetectConfig(min_size=2))  # one co-action is no evidence: chance
        assert store.scalar("SELECT count(*) FROM networks") == 0
