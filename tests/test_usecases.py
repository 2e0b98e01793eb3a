"""The use-case layer over the store (cibwatch.api): runs, networks, summaries, pair evidence."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cibwatch import DetectConfig, Store, detect, ingest_files
from cibwatch.api import (
    Inputs,
    list_networks,
    list_runs,
    locate_network,
    network_summary,
    pair_evidence,
)
from cibwatch.errors import ConfigError, NotInStoreError

from .conftest import post, write_posts_csv


def _store(tmp_path: Path) -> Store:
    rows = []
    for c, size in ((0, 5), (1, 4), (2, 3)):
        for k in range(12):
            t = 1_600_000_000 + c * 100_000 + k * 3_000
            for i in range(size):
                rows.append(post(f"c{c}k{k}m{i}", f"c{c}m{i}", t + i, reshare_of=f"o{c}-{k}",
                                 urls=[f"https://ex.com/{c}/{k}"] if k % 3 == 0 else []))
    for u in range(30):
        for k in range(3):
            rows.append(post(f"bg{u}-{k}", f"bg{u}", 1_600_000_000 + u * 977 + k * 50_000,
                             reshare_of=f"bgitem{u}-{k}"))
    store = Store(tmp_path / "s.duckdb")
    ingest_files(store, [write_posts_csv(tmp_path / "p.csv", rows)])
    return store


CFG = dict(significance=False, min_weight=3.0)


def test_networks_of_a_run_and_of_the_latest_runs(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        r1 = str(detect(store, DetectConfig(**CFG)).run_id)  # type: ignore[arg-type]
        r2 = str(detect(store, DetectConfig(**CFG, min_size=4)).run_id)  # type: ignore[arg-type]
        assert [r.run_id for r in list_runs(store)] == [r1, r2]
        first = list_networks(store, r1)
        assert first.total == 3 and [n.label for n in first.items] == ["N0001", "N0002", "N0003"]
        top = first.items[0]
        assert (top.size, top.platforms, top.n_pairs) == (5, ("twitter",), 10)
        traces = dict(top.traces)  # 10 pairs x 12 reshares, x 4 links, at the 1-minute window
        assert traces["reshare"] == 120 and traces["url"] == 40 and set(traces) == {
            "reshare", "url", "url_seed"}
        assert top.traces_text.startswith("reshare=120;url=40;url_seed=")
        # each network once, in the latest run that has it: two from r2, the small one from r1
        latest = list_networks(store)
        assert [(n.run_id, n.size) for n in latest.items] == [(r2, 5), (r2, 4), (r1, 3)]
        assert list_networks(store, limit=1, offset=2).items[0].size == 3
        page = list_networks(store, limit=2, offset=5)
        assert page.items == [] and page.total == 3
        assert list_networks(store, min_size=4).total == 2
        assert list_networks(store, assessment="inauthentic").total == 0
        with pytest.raises(NotInStoreError, match="run_id"):
            list_networks(store, "9999-nope")
        with pytest.raises(ConfigError, match="limit"):
            list_networks(store, limit=-1)


def test_network_summary_and_pair_evidence(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        run = str(detect(store, DetectConfig(**CFG)).run_id)  # type: ignore[arg-type]
        nid = list_networks(store, run).items[2].network_id
        assert locate_network(store, "N0003") == (run, nid) == locate_network(store, nid, run)
        s = network_summary(store, "N0003")
        assert s.row.network_id == nid and s.row.size == 3 and len(s.members) == 3
        assert [m.account_id for m in s.members] == ["c2m0", "c2m1", "c2m2"]
        assert {m.source for m in s.members} == {"pairs"}
        assert s.pairs == (("twitter", "c2m0", "twitter", "c2m1"),
                           ("twitter", "c2m0", "twitter", "c2m2"),
                           ("twitter", "c2m1", "twitter", "c2m2"))
        assert s.first_activity == "2020-09-15T20:00:00Z" and s.last_activity  # 1_600_200_000
        ev = pair_evidence(store, nid, ("twitter", "c2m1"), ("twitter", "c2m0"))
        assert {(e.trace, e.window_s) for e in ev} == {
            ("reshare", 60.0), ("reshare", 600.0), ("url", 60.0), ("url", 600.0),
            ("url_seed", 259200.0)}
        assert all(e.a == ("twitter", "c2m0") for e in ev)
        one = next(e for e in ev if (e.trace, e.window_s) == ("reshare", 60.0))
        assert one.n_coactions == 12 and one.evidence[0]["post_id_a"] == "c2k0m0"
        assert pair_evidence(store, nid, ("twitter", "c2m1"), ("twitter", "ghost")) == []
        with pytest.raises(NotInStoreError, match="network_id"):
            network_summary(store, "N0009")
        with pytest.raises(NotInStoreError, match="run_id"):
            network_summary(store, nid, "0001-00000000")


# -- the workflows: ingest, detection, expansion, called without the command line -------------

def _posts_file(tmp_path: Path) -> Path:
    rows = []
    for c, size in ((0, 5), (1, 4)):
        for k in range(12):
            t = 1_600_000_000 + c * 100_000 + k * 3_000
            for i in range(size):
                rows.append(post(f"c{c}k{k}m{i}", f"c{c}m{i}", t + i, reshare_of=f"o{c}-{k}"))
    for u in range(30):
        for k in range(3):
            rows.append(post(f"bg{u}-{k}", f"bg{u}", 1_600_000_000 + u * 977 + k * 50_000,
                             reshare_of=f"bgitem{u}-{k}"))
    return write_posts_csv(tmp_path / "p.csv", rows)


def _without_run(text: str, run_id: str) -> str:
    return text.replace(run_id, "RUN")


def test_run_detection_writes_what_the_command_line_writes(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cibwatch.api import DetectOptions, DetectRequest, Inputs, run_detection
    from cibwatch.cli import app

    posts = _posts_file(tmp_path)
    cli_out = tmp_path / "cli"
    r = CliRunner().invoke(app, ["detect", str(posts), "--out", str(cli_out),
                                 "--no-significance", "--min-weight", "3", "--pictures", "0"])
    assert r.exit_code == 0, r.output
    got = run_detection(DetectRequest(
        tmp_path / "api", Inputs([posts]), pictures=0,
        options=DetectOptions(significance=False, min_weight=3.0)))
    assert got.result.n_networks == 2 and got.ingest is not None
    assert got.store_path == tmp_path / "api" / "store.duckdb"
    assert [n.size for n in got.networks.items] == [5, 4]
    cli_run = json.loads((cli_out / "run.json").read_text())["run_id"]
    for name in ("networks.csv", "accounts.csv", "summary.md"):
        a = _without_run((cli_out / name).read_text(), cli_run)
        b = _without_run((tmp_path / "api" / name).read_text(), str(got.result.run_id))
        a = a.replace(str(cli_out), "OUT").replace(str(posts), "IN")
        b = b.replace(str(tmp_path / "api"), "OUT").replace(str(posts), "IN")
        assert a == b, name
    # the same store, no new files: detection again, on what the store holds
    again = run_detection(DetectRequest(tmp_path / "again", store_path=got.store_path,
                                        pictures=0, options=DetectOptions(
                                            significance=False, min_weight=3.0)))
    assert (again.result.n_networks, again.ingest) == (2, None)
    assert [x.run_id for x in list_runs(Store(got.store_path, read_only=True))] == [
        str(got.result.run_id), str(again.result.run_id)]


def test_ingest_and_expansion_use_cases(tmp_path: Path) -> None:
    from cibwatch.api import DetectOptions, ExpandRequest, ingest, run_expansion

    db = tmp_path / "s.duckdb"
    res = ingest(db, [_posts_file(tmp_path)])
    assert (res.n_posts, res.rejects_path, res.report.files[0].rows_loaded) == (
        198, None, 198)
    seeds = tmp_path / "seeds.csv"
    seeds.write_text("platform,account_id\ntwitter,c0m0\ntwitter,c0m1\n", encoding="utf-8")
    x = run_expansion(ExpandRequest(tmp_path / "x", seeds=seeds, store_path=db, pictures=0,
                                    options=DetectOptions(fdr=0.05)))
    assert len(x.seeds) == 2 and x.seed_problems == ()
    assert x.paths.accounts.is_file() and x.networks.items[0].label == "E0001"
    assert {m.account_id for m in network_summary(Store(db, read_only=True), "E0001").members
            } >= {"c0m0", "c0m1"}


@pytest.mark.parametrize(("options", "parameter", "flags"), [
    ({"min_size": 0}, "min_size", ["--min-size", "0"]),
    ({"window": "a minute"}, "window", ["--window", "a minute"]),
    ({"trace_windows": ["url"]}, "trace_windows", ["--trace-window", "url"]),
    ({"fdr": 1.5}, "fdr", ["--fdr", "1.5"]),
])
def test_errors_name_the_parameter_and_the_command_line_the_flag(
        tmp_path: Path, options: dict[str, object], parameter: str, flags: list[str]) -> None:
    from typer.testing import CliRunner

    from cibwatch.api import DetectOptions, DetectRequest, run_detection
    from cibwatch.cli import app

    posts = _posts_file(tmp_path)
    with pytest.raises(ConfigError) as caught:
        run_detection(DetectRequest(tmp_path / "o", options=DetectOptions(**options)))
    err = caught.value
    assert err.parameter == parameter and parameter in err.message
    assert "--" not in err.message + (err.remedy or "")
    assert not (tmp_path / "o").exists()  # checked before any work
    r = CliRunner().invoke(app, ["detect", str(posts), "--out", str(tmp_path / "c"), *flags])
    assert r.exit_code == 2
    flag = flags[0]
    assert flag in r.output and not re.search(rf"(?<![-\w]){parameter}\b", r.output)
    shown = " ".join(r.output.split())
    assert " ".join(err.naming(lambda p: flag).message.split()) in shown


def test_a_missing_store_names_the_store_parameter(tmp_path: Path) -> None:
    from cibwatch.api import DetectRequest, run_detection
    from cibwatch.cli_errors import as_user_error
    from cibwatch.errors import StoreError

    with pytest.raises(StoreError) as caught:
        run_detection(DetectRequest(tmp_path / "o"))
    assert caught.value.parameters == ("store_path",)
    assert "store_path with a store" in str(caught.value.remedy)
    assert "--db with a store" in str(as_user_error(caught.value).remedy)


def test_coaction_evidence_use_case(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cibwatch.api import DetectOptions, DetectRequest, coaction_evidence, run_detection
    from cibwatch.cli import app

    got = run_detection(DetectRequest(tmp_path / "o", Inputs([_posts_file(tmp_path)]),
                                      pictures=0, options=DetectOptions(significance=False)))
    t = coaction_evidence(got.store_path, "twitter:c0m0", "twitter:c0m1", "60s")
    assert t.num_rows >= 12 and set(t.column("trace").to_pylist()) == {"reshare"}
    with pytest.raises(ConfigError) as caught:
        coaction_evidence(got.store_path, "twitter:c0m0", "nobody")
    assert caught.value.parameter == "account_b" and "(account_b)" in caught.value.message
    r = CliRunner().invoke(app, ["evidence", "--db", str(got.store_path), "twitter:c0m0",
                                 "nobody"])
    assert r.exit_code == 2 and "(ACCOUNT_B)" in r.output and "account_b" not in r.output


def test_output_errors_name_out_and_overwrite(tmp_path: Path) -> None:
    from cibwatch.api import DetectRequest, run_detection
    from cibwatch.cli_errors import as_user_error
    from cibwatch.errors import OutputError

    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "networks.csv").write_text("not ours\n")
    with pytest.raises(OutputError) as caught:
        run_detection(DetectRequest(tmp_path / "o", Inputs([_posts_file(tmp_path)])))
    err = caught.value
    assert err.parameters == ("out", "overwrite") and err.message.startswith("out ")
    assert "--" not in err.message + str(err.remedy)
    shown = as_user_error(err)
    assert shown.message.startswith("--out ") and "--overwrite removes" in str(shown.remedy)
