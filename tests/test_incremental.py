"""Incremental runs (``cibwatch detect --db STORE NEW_FILES --incremental``,
:mod:`cibwatch.stage`) give the same results as a full run on the same store.

Each test reads the same files into two stores in the same order (so posts and accounts get
the same numbers): on one, a full run after the first files and an incremental run after the
last; on the other, one full run after the last. ``edges.parquet``, ``networks.csv`` and
``accounts.csv`` must be byte for byte the same, and the incremental run must have been an
update that joined only part of the actions again, and say what it added.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from cibwatch import Store
from cibwatch.api import DetectOptions, DetectRequest, EngineOptions, Inputs, run_detection
from cibwatch.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "demo" / "data"
SAME_FILES = ("edges.parquet", "networks.csv", "accounts.csv")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def split_world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A simulated world's posts cut in time: the first 80 % and the last 20 %."""
    from cibwatch.simulate import simulate

    tmp = tmp_path_factory.mktemp("world")
    simulate(tmp / "world", seed=3, scale=0.05)
    posts = pq.read_table(tmp / "world" / "posts.parquet")
    ts = pc.cast(posts.column("created_at"), pa.int64())
    cut = pc.quantile(ts, 0.8)[0].as_py()
    pq.write_table(posts.filter(pc.less(ts, cut)), tmp / "early.parquet")
    pq.write_table(posts.filter(pc.greater_equal(ts, cut)), tmp / "late.parquet")
    return {"early": tmp / "early.parquet", "late": tmp / "late.parquet",
            "accounts": tmp / "world" / "accounts.parquet"}


def _run(store: Path, out: Path, files: list[Path], options: DetectOptions,
         incremental: bool = False, accounts: tuple[Path, ...] = ()) -> Any:
    return run_detection(DetectRequest(out=out, store_path=store, inputs=Inputs(files,
                                       list(accounts)), options=options, pictures=0,
                                       incremental=incremental)).result


def _both(tmp: Path, first: list[Path], then: list[Path], options: DetectOptions,
          accounts: tuple[Path, ...] = (), first_options: DetectOptions | None = None
          ) -> tuple[Any, Path, Path]:
    """The incremental run (after a full one on ``first``) and the full run on the same
    store; returns the incremental run's result and both output directories."""
    _run(tmp / "inc.duckdb", tmp / "inc1", first, first_options or options, accounts=accounts)
    result = _run(tmp / "inc.duckdb", tmp / "inc2", then, options, incremental=True)
    _run(tmp / "full.duckdb", tmp / "full1", first, first_options or options, accounts=accounts)
    _run(tmp / "full.duckdb", tmp / "full2", then, options)
    return result, tmp / "inc2", tmp / "full2"


def _assert_same(a: Path, b: Path) -> None:
    for name in SAME_FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), \
            f"{name} differs between the incremental and the full run"


def test_an_incremental_run_equals_a_full_run(split_world: dict[str, Path],
                                              tmp_path: Path) -> None:
    result, inc, full = _both(tmp_path, [split_world["early"]], [split_world["late"]],
                              DetectOptions(), (split_world["accounts"],))
    _assert_same(inc, full)
    assert result.n_networks >= 1
    up = result.increment
    late = pq.read_metadata(split_world["late"]).num_rows
    assert up["mode"] == "update" and up["posts_added"] == late
    assert up["actions_added"] > 0 and up["keys_changed"] > 0
    # only the changed keys were joined again, and most co-actions were kept
    with Store(tmp_path / "inc.duckdb", create=False, read_only=True) as store:
        n_actions = int(store.scalar("SELECT count(*) FROM actions"))
        recorded = store.fetchall("SELECT mode, posts_added, keys_changed FROM run_increments")
    assert 0 < up["actions_rejoined"] < n_actions
    assert 0 < up["coactions_kept"] < up["coactions"]
    assert recorded == [("update", late, up["keys_changed"])]


def test_the_runs_list_says_what_an_incremental_run_added(split_world: dict[str, Path],
                                                         tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cibwatch.cli import app

    db = tmp_path / "s.duckdb"
    _run(db, tmp_path / "o1", [split_world["early"]], DetectOptions(group_evidence=False),
         accounts=(split_world["accounts"],))
    runner = CliRunner()
    res = runner.invoke(app, ["detect", "--db", str(db), "--out", str(tmp_path / "o2"),
                              "--no-group-evidence", "--pictures", "0", "--incremental",
                              str(split_world["late"])], env={"COLUMNS": "400"})
    assert res.exit_code == 0, res.output
    listing = runner.invoke(app, ["runs", "--db", str(db)], env={"COLUMNS": "400"})
    late = pq.read_metadata(split_world["late"]).num_rows
    assert f"update: +{late:,} posts" in listing.output
    # a flag that needs a kept store says so, by its name on the command line
    res = runner.invoke(app, ["detect", "--out", str(tmp_path / "o3"), "--incremental",
                              str(split_world["late"])], env={"COLUMNS": "400"})
    assert res.exit_code != 0 and "--incremental" in res.output and "--db" in res.output


@pytest.mark.parametrize("options", [
    DetectOptions(window="auto", group_evidence=False),   # windows estimated: they move
    DetectOptions(significance=False, group_evidence=False, min_size=2),
    DetectOptions(crowd_accounts=40, trace_windows=("url=30s,1h",), group_evidence=False),
], ids=["estimated-windows", "no-test", "crowd-and-windows"])
def test_an_incremental_run_equals_a_full_run_with_other_settings(
        split_world: dict[str, Path], tmp_path: Path, options: DetectOptions) -> None:
    result, inc, full = _both(tmp_path, [split_world["early"]], [split_world["late"]],
                              options, (split_world["accounts"],))
    _assert_same(inc, full)
    assert result.increment["mode"] == "update"
    assert len((full / "accounts.csv").read_text().splitlines()) > 3


def test_an_incremental_run_equals_a_full_run_on_real_data(tmp_path: Path) -> None:
    """The bundled IRA tweets first, then CooRTweet's Russian tweets (another layout, some
    accounts in both)."""
    ira = DEMO / "ira_tweets_2016-10.parquet"
    coor = DEMO / "russian_coord_tweets.csv.gz"
    result, inc, full = _both(tmp_path, [ira], [coor], DetectOptions())
    _assert_same(inc, full)
    assert result.increment["mode"] == "update" and result.increment["posts_added"] > 1000
    assert len((full / "networks.csv").read_text().splitlines()) > 10


def test_other_settings_or_the_participation_filter_make_a_full_run(
        split_world: dict[str, Path], tmp_path: Path) -> None:
    result, inc, full = _both(tmp_path / "a", [split_world["early"]], [split_world["late"]],
                              DetectOptions(group_evidence=False),
                              (split_world["accounts"],),
                              first_options=DetectOptions(max_neighbours=50,
                                                          group_evidence=False))
    _assert_same(inc, full)
    assert result.increment["mode"] == "full"
    assert "other co-action settings" in result.increment["reason"]
    result, inc, full = _both(tmp_path / "b", [split_world["early"]], [split_world["late"]],
                              DetectOptions(preset="coortweet"), (split_world["accounts"],))
    _assert_same(inc, full)
    assert result.increment["mode"] == "full" and "participation" in result.increment["reason"]


def test_a_failed_update_leaves_no_tables_a_later_update_would_trust(
        split_world: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cibwatch.stage as stage

    db = tmp_path / "s.duckdb"
    opts = DetectOptions(group_evidence=False)
    _run(db, tmp_path / "o1", [split_world["early"]], opts, accounts=(split_world["accounts"],))

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(stage, "_pairs_and_edges", broken)
    with pytest.raises(RuntimeError):
        _run(db, tmp_path / "o2", [split_world["late"]], opts, incremental=True)
    monkeypatch.undo()
    # the co-action tables were half updated: the next incremental run must not trust them
    result = _run(db, tmp_path / "o3", [], opts, incremental=True)
    assert result.increment["mode"] == "full"
    _run(tmp_path / "f.duckdb", tmp_path / "f1", [split_world["early"]], opts,
         accounts=(split_world["accounts"],))
    _run(tmp_path / "f.duckdb", tmp_path / "f2", [split_world["late"]], opts)
    # the same results; only the run's id differs (the failed run took number 2)
    import pyarrow.csv as pacsv

    for name in SAME_FILES:
        read = pq.read_table if name.endswith(".parquet") else pacsv.read_csv
        a, b = (read(d / name) for d in (tmp_path / "o3", tmp_path / "f2"))
        assert a.column("run_id")[0].as_py().startswith("0003-")
        assert a.drop_columns(["run_id"]).equals(b.drop_columns(["run_id"])), name


def test_incremental_needs_a_kept_store_and_the_store_engine(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as e:
        run_detection(DetectRequest(out=tmp_path / "o", incremental=True))
    assert e.value.parameters == ("incremental", "store_path")
    with pytest.raises(ConfigError) as e:
        run_detection(DetectRequest(out=tmp_path / "o", store_path=tmp_path / "s.duckdb",
                                    incremental=True, engine=EngineOptions("spark")))
    assert e.value.parameters == ("incremental", "engine")
