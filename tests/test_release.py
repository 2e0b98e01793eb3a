"""The researcher data release (issue 15): no raw identifier of a hashed account survives."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from cibwatch import DetectConfig, Store, detect, ingest_files
from cibwatch.errors import CibwatchError, InputError, OutputError
from cibwatch.ingest.twitter_io import TWEETS_COLUMNS, USERS_COLUMNS
from cibwatch.report import release as rel

from .conftest import DEMO

KEY = b"k" * 32


@pytest.fixture(scope="module")
def ira(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, list[str]]:
    """Detection on the bundled IRA month (real accounts, follower counts, @mentions)."""
    store = Store(tmp_path_factory.mktemp("ira") / "store.duckdb")
    ingest_files(store, [DEMO / "ira_tweets_2016-10.parquet"])
    detect(store, DetectConfig(max_neighbours=50))
    ids = [r[0] for r in store.fetchall(
        "SELECT network_id FROM run_networks ORDER BY size DESC, network_id LIMIT 3")]
    assert ids
    return store, ids


def _release(store: Store, ids: list[str], out: Path, key: bytes = KEY, **kw: object
             ) -> rel.ReleaseResult:
    return rel.write_release(store, ids, out, key, **kw)  # type: ignore[arg-type]


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _members(store: Store, ids: list[str]) -> list[tuple[str, str, str | None, int | None]]:
    marks = ",".join("?" * len(ids))
    return [(r[0], r[1], r[2], r[3]) for r in store.fetchall(f"""
        SELECT DISTINCT i.platform, i.account_id, a.handle, a.followers
        FROM run_members m JOIN account_index i USING (aid) LEFT JOIN accounts a USING (aid)
        WHERE m.network_id IN ({marks})""", ids)]


def test_layout_and_hashing(ira: tuple[Store, list[str]], tmp_path: Path) -> None:
    store, ids = ira
    r = _release(store, ids, tmp_path / "r", follower_threshold=5000)
    users = _rows(tmp_path / "r" / "cibwatch_twitter_users_csv_hashed.csv")
    tweets = _rows(tmp_path / "r" / "cibwatch_twitter_tweets_csv_hashed.csv")
    assert list(users[0]) == list(USERS_COLUMNS) and len(USERS_COLUMNS) == 10
    assert list(tweets[0]) == list(TWEETS_COLUMNS) and len(TWEETS_COLUMNS) == 31
    members = _members(store, ids)
    assert len(users) == len({(p, a) for p, a, _, _ in members}) == r.accounts
    hashed = [m for m in members if m[3] is None or m[3] < 5000]
    public = [m for m in members if m[3] is not None and m[3] >= 5000]
    assert hashed, "the IRA month has accounts under 5,000 followers"
    assert r.hashed_accounts == len({(p, a) for p, a, _, _ in hashed})
    hexes = {u["userid"] for u in users if re.fullmatch(r"[0-9a-f]{64}", u["userid"])}
    assert len(hexes) == r.hashed_accounts
    for u in users:
        if u["userid"] in hexes:  # id, handle and name: one value; no bio, no profile URL
            assert u["user_screen_name"] == u["user_display_name"] == u["userid"]
            assert u["user_profile_description"] == u["user_profile_url"] == ""
    kept = {u["userid"] for u in users} - hexes
    assert kept == {a for _, a, _, _ in public}
    # An independent scan: no raw handle or id of a hashed account anywhere, as a word.
    blob = "\n".join(f.read_text(encoding="utf-8") for f in (tmp_path / "r").iterdir())
    for _, acc, handle, _ in hashed:
        for raw in {acc, handle} - {None, ""}:
            assert raw is not None
            assert not re.search(rf"(?<![\w.]){re.escape(raw)}(?![\w])", blob, re.I), raw
    assert len(tweets) <= r.posts and sum(
        len(_rows(f)) for f in (tmp_path / "r").glob("*_tweets_*.csv")) == r.posts


def test_mentions_and_links_in_texts_are_replaced(ira: tuple[Store, list[str]],
                                                  tmp_path: Path) -> None:
    store, ids = ira
    _release(store, ids, tmp_path / "r")
    tweets = _rows(tmp_path / "r" / "cibwatch_twitter_tweets_csv_hashed.csv")
    texts = [t["tweet_text"] for t in tweets]
    # mentions as the platform parses them (not e-mail addresses)
    at = [m for t in texts for m in re.findall(r"(?<![A-Za-z0-9_@])@(\w+)", t)]
    assert at, "the IRA month's texts mention accounts"
    members = _members(store, ids)
    public = {h.lower() for _, _, h, f in members if h and f is not None and f >= 5000}
    # every @ left in the clear is a public account known to the store
    clear = [m for m in at if not re.fullmatch(r"[0-9a-f]{64}", m)]
    assert len(clear) < len(at)  # some were replaced
    known_public = {r[0].lower() for r in store.fetchall(
        "SELECT handle FROM accounts WHERE followers >= 5000 AND handle IS NOT NULL")}
    assert set(m.lower() for m in clear) <= known_public | public


def test_same_key_same_bytes_new_key_unlinks(ira: tuple[Store, list[str]],
                                             tmp_path: Path) -> None:
    store, ids = ira
    _release(store, ids, tmp_path / "a")
    _release(store, ids, tmp_path / "b")
    _release(store, ids, tmp_path / "c", key=b"z" * 32)
    for f in sorted((tmp_path / "a").iterdir()):
        assert f.read_bytes() == (tmp_path / "b" / f.name).read_bytes(), f.name
    ua = {u["userid"] for u in _rows(tmp_path / "a" / "cibwatch_twitter_users_csv_hashed.csv")}
    uc = {u["userid"] for u in _rows(tmp_path / "c" / "cibwatch_twitter_users_csv_hashed.csv")}
    hexa = {u for u in ua if len(u) == 64}
    assert hexa and not hexa & uc  # a new key: no hash in common
    # one network alone, same key: its hashes are those of the bigger release (linkable)
    _release(store, ids[:1], tmp_path / "d")
    ud = {u["userid"] for u in _rows(tmp_path / "d" / "cibwatch_twitter_users_csv_hashed.csv")}
    assert ud <= ua


def test_check_catches_a_leak_planted_in_every_column(ira: tuple[Store, list[str]],
                                                      tmp_path: Path) -> None:
    store, ids = ira
    _release(store, ids, tmp_path / "r")
    members = _members(store, ids)
    victim = next(m for m in members if m[2] and (m[3] is None or m[3] < 5000))
    raw = {victim[1].lower(): "account id", victim[2].lower(): "handle"}  # type: ignore[union-attr]
    assert rel.check_release(tmp_path / "r", raw) == []
    for path in sorted((tmp_path / "r").glob("*.csv")):
        original = path.read_text(encoding="utf-8")
        header = next(csv.reader([original.splitlines()[0]]))
        for col in header:
            for planted, kind in ((victim[2], "handle"), ("see @" + str(victim[2]), "handle"),
                                  (victim[1], "account id")):
                rows = list(csv.reader(original.splitlines()))
                if len(rows) < 2:
                    continue
                rows[1][header.index(col)] = str(planted)
                with open(path, "w", newline="", encoding="utf-8") as fh:
                    csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
                leaks = rel.check_release(tmp_path / "r", raw)
                assert [(lk.file, lk.line, lk.column) for lk in leaks] == [
                    (path.name, 2, col)], (path.name, col, planted)
                assert leaks[0].kind in {kind, raw[str(planted).lower().removeprefix("see @")]}
        path.write_text(original, encoding="utf-8")
    # the README and the manifest are scanned too
    readme = tmp_path / "r" / "README.md"
    readme.write_text(readme.read_text() + f"\ncontact {victim[2]}\n")
    assert [lk.file for lk in rel.check_release(tmp_path / "r", raw)] == ["README.md"]


def test_a_leaking_writer_is_refused(ira: tuple[Store, list[str]], tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    store, ids = ira
    monkeypatch.setattr(rel._Scrubber, "__call__", lambda self, text, mentions=None: text or "")
    monkeypatch.setattr(rel._Scrubber, "cells", lambda self, cols, row: row)
    with pytest.raises(OutputError, match="re-identify"):
        _release(store, ids, tmp_path / "r")
    assert not (tmp_path / "r").exists() and not (tmp_path / "r.partial").exists()


def test_release_reingests_as_the_archive_layout(ira: tuple[Store, list[str]],
                                                 tmp_path: Path) -> None:
    store, ids = ira
    r = _release(store, ids, tmp_path / "r")
    back = Store(None)
    report = ingest_files(back, sorted((tmp_path / "r").glob("*_tweets_*.csv")))
    assert report.rejected == 0 and report.rows_read == r.posts
    assert back.count_posts() == r.posts
    back.close()


def test_bad_arguments(ira: tuple[Store, list[str]], tmp_path: Path) -> None:
    store, ids = ira
    (tmp_path / "short.key").write_bytes(b"x" * 8)
    with pytest.raises(InputError, match="at least 32"):
        rel.read_key(tmp_path / "short.key")
    with pytest.raises(InputError, match="does not exist"):
        rel.read_key(tmp_path / "none.key")
    with pytest.raises(CibwatchError, match="N9999"):
        _release(store, ["N9999"], tmp_path / "x")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "f").write_text("x")
    with pytest.raises(OutputError, match="not an empty directory"):
        _release(store, ids, tmp_path / "full")


def test_the_demo_release_makes_a_private_key(world_dir: Path, tmp_path: Path) -> None:
    """``make demo``'s release: the simulated world's largest inauthentic network, hashed with
    a new key that only its owner can read."""
    from cibwatch.demo import _release_demo
    from cibwatch.runs import latest_run

    with Store(world_dir / "store.duckdb", read_only=True) as store:
        run = latest_run(store)
        assert run is not None
        key = tmp_path / "release.key"
        said = _release_demo(store, run.run_id, tmp_path / "release", key)
        assert "data release of N" in said, said
        assert (key.stat().st_mode & 0o777) == 0o600 and len(key.read_bytes()) == 32
        first = (tmp_path / "release" / "manifest.json").read_bytes()
        _release_demo(store, run.run_id, tmp_path / "release", key)  # a new key: new hashes
        assert (tmp_path / "release" / "manifest.json").read_bytes() != first
