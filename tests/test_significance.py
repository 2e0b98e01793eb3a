"""The null model of chance co-action, FDR control and the data-driven window."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
from scipy.stats import poisson

from cibwatch import DetectConfig, Store, detect, ingest_files
from cibwatch.significance import (
    BH_BUCKETS,
    bh_sql,
    estimate_window_sql,
    poisson_upper_tail,
)
from cibwatch.traces import make_traces

from .conftest import post, write_posts_csv


def test_poisson_tail_matches_scipy() -> None:
    k = np.array([0, 1, 2, 5, 10, 30])
    lam = np.array([0.5, 0.5, 0.01, 3.0, 2.0, 4.0])
    expected = np.where(k > 0, poisson.sf(k - 1, lam), 1.0)
    assert np.allclose(poisson_upper_tail(k, lam), expected, rtol=1e-9, atol=1e-300)


def test_benjamini_hochberg_against_the_definition() -> None:
    """q is the smallest p * m / rank from a row's rank on, to the bit: with p-values in every
    bucket the ranks are counted in (BH_BUCKETS), on a bucket's edge, tied, 0 and 1, the
    many significant ones in one bucket and in several."""
    rng = np.random.default_rng(0)
    edges = np.array(BH_BUCKETS)
    p = np.concatenate([rng.random(50), rng.random(10) * 1e-6, rng.random(40) * 1e-3,
                        10.0 ** -rng.uniform(0, 300, 60), edges, edges[::7], [0.0, 1.0, 1.0],
                        np.repeat(rng.random(5), 3)])
    for m in (1000, len(p), 10**9):
        t = pa.table({"k": pa.array(np.arange(len(p))), "p": pa.array(p)})
        with Store(None) as s, s.registered("pt", t):
            rows = s.fetchall(f"SELECT k, q_value, significant FROM "
                              f"({bh_sql('pt', 'k', m, 0.05)}) ORDER BY k")
        assert [r[0] for r in rows] == list(range(len(p)))  # every row, once
        q = np.array([r[1] for r in rows])
        order = np.lexsort((np.arange(len(p)), p))
        ps = p[order]
        ref = np.minimum.accumulate([ps[j] * m / (j + 1) for j in range(len(ps))][::-1])[::-1]
        assert (q[order] == np.minimum(ref, 1.0)).all()
        assert (q >= np.minimum(p, 1.0)).all()
        assert [r[2] for r in rows] == list(q <= 0.05)
        assert 0 < sum(r[2] for r in rows) < len(p) or m == 10**9


def test_window_estimate_follows_the_fastest_keys() -> None:
    # 10 keys: in two of them (the fastest 10 %... here 20 %) the second action comes after
    # 5 s and half of the actions within 30 s; in the others after an hour
    rows = []
    pid = 0
    for k in range(10):
        fast = k < 1
        times = [0, 5, 20, 30, 40] if fast else [0, 3600, 7200, 9000, 9600]
        for i, t in enumerate(times):
            pid += 1
            rows.append((f"k{k}", i + 1, pid, t * 1_000_000))
    t = pa.table({"key": [r[0] for r in rows], "aid": [r[1] for r in rows],
                  "pid": [r[2] for r in rows], "ts": pa.array([r[3] for r in rows], pa.int64())})
    with Store(None) as s, s.registered("acts", t):
        est = s.scalar(estimate_window_sql("acts", q=0.1, p=0.5))
    assert est == 20.0  # the fast key reaches 3 of 5 actions (60 % > 50 %) after 20 s


def test_bursts_are_chance_and_repeated_rare_coaction_is_not(tmp_path: Path) -> None:
    rows = []
    pid = 0
    # a breaking-news burst: 60 accounts share one URL within two minutes, once
    for i in range(60):
        pid += 1
        rows.append(post(str(pid), f"fan{i}", 1000 + 2 * i, urls=["https://news.example/big"]))
    # background: every account shares other links at other times
    rng = np.random.default_rng(1)
    for i in range(60):
        for _ in range(5):
            pid += 1
            rows.append(post(str(pid), f"fan{i}", float(rng.uniform(10_000, 900_000)),
                             urls=[f"https://blog.example/{pid}"]))
    # two accounts sharing the same obscure links within seconds, eight times
    for j in range(8):
        for who, dt in (("opA", 0), ("opB", 7)):
            pid += 1
            rows.append(post(str(pid), who, 50_000 + j * 20_000 + dt,
                             urls=[f"https://op-site.example/story{j}"]))
    store = Store(None)
    ingest_files(store, [write_posts_csv(tmp_path / "p.csv", rows)])
    detect(store, DetectConfig(min_size=2))
    sig = store.fetchall(
        "SELECT a.account_id, b.account_id FROM pair_scores s "
        "JOIN account_index a ON a.aid = s.aid_a JOIN account_index b ON b.aid = s.aid_b "
        "WHERE s.significant")
    assert sig == [("opA", "opB")]
    # the burst is a crowd (60 accounts > 50): its co-actions are kept as evidence, not tested
    assert store.scalar("SELECT count(*) FROM coactions WHERE crowd") >= 60 * 59 / 2 * 0.5
    assert store.scalar("SELECT count(*) FROM coactions WHERE crowd AND win > 60") == 0
    assert store.scalar("SELECT count(*) FROM members") == 2
    # without the test, the burst links everyone
    detect(store, DetectConfig(min_size=2, significance=False, min_weight=1))
    assert store.scalar("SELECT count(*) FROM members") == 62


def test_peripheral_accounts_are_attached_to_the_network_as_a_whole(tmp_path: Path) -> None:
    """A channel whose videos the network shares meets each member once: no single pair is
    significant, the sum over the network is."""
    rows = []
    pid = 0
    members = [f"op{i}" for i in range(12)]
    rng = np.random.default_rng(3)
    for j in range(30):  # the core: teams of 8 post the same text within seconds
        team = rng.choice(members, 8, replace=False)
        for k, who in enumerate(team):
            pid += 1
            rows.append(post(str(pid), str(who), 10_000 + j * 5_000 + k * 3,
                             text=f"the same talking point number {j} pushed again today"))
    for j, who in enumerate(members):  # each member shares one of the channel's videos
        pid += 1
        url = f"https://video.example/v{j}"
        rows.append(post(str(pid), "channel", 200_000 + j * 10_000, urls=[url],
                         platform="youtube"))
        pid += 1
        rows.append(post(str(pid), who, 200_000 + j * 10_000 + 600, urls=[url]))
    for i in range(300):  # background: ordinary accounts sharing their own links
        for _ in range(3):
            pid += 1
            rows.append(post(str(pid), f"user{i}", float(rng.uniform(0, 400_000)),
                             urls=[f"https://blog.example/{pid}"],
                             text=f"my own thoughts on item {pid} and more words"))
    for v in range(40):  # ... and crowds: most co-action is organic (the null's baseline)
        t0 = float(rng.uniform(0, 400_000))
        for i in rng.choice(300, 60, replace=False):
            pid += 1
            rows.append(post(str(pid), f"user{i}", t0 + float(rng.exponential(300)),
                             reshare_of=f"viral{v}", text=""))
            pid += 1
            rows.append(post(str(pid), f"user{i}", t0 + float(rng.exponential(300)),
                             text=f"happy new year everyone from the {v} crowd",
                             urls=[f"https://news.example/story{v}"]))
    store = Store(None)
    ingest_files(store, [write_posts_csv(tmp_path / "p.csv", rows)])
    detect(store, DetectConfig())
    got = dict(store.fetchall(
        "SELECT ai.account_id, m.attached FROM members m JOIN account_index ai USING (aid)"))
    assert set(got) == {*members, "channel"}
    assert got["channel"] is True and not any(got[m] for m in members)
    assert store.scalar(
        "SELECT count(*) FROM pair_scores s JOIN account_index ai ON ai.aid IN (s.aid_a, s.aid_b) "
        "WHERE ai.account_id = 'channel' AND s.significant") == 0
    detect(store, DetectConfig(attach=False))
    assert store.scalar("SELECT count(*) FROM members") == 12


def test_crowd_limit_grows_with_the_data(store: Store, tmp_path: Path) -> None:
    """Default crowd limit: 2 % of the accounts with actions, at least 50. An item 55 accounts
    pushed is a crowd among 1,000 accounts (limit 50), not among 3,000 (limit 60)."""
    t0 = 1_600_000_000
    rows = [post(f"u{i}", f"a{i}", t0 + i * 97, urls=[f"http://site.org/{i}"])
            for i in range(3000)]
    rows += [post(f"s{i}", f"a{i}", t0 + 50_000 + i, urls=["http://op.org/x"]) for i in range(55)]
    ingest_files(store, [write_posts_csv(tmp_path / "p.csv", rows)])
    res = detect(store, DetectConfig(traces=tuple(make_traces(["url"])), assess=False))
    assert res.trace_counts["url"]["crowd_accounts"] == 60
    assert store.scalar("SELECT count(*) FROM coactions WHERE crowd") == 0
    res = detect(store, DetectConfig(traces=tuple(make_traces(["url"])), assess=False,
                                     crowd_accounts=50))
    assert res.trace_counts["url"]["crowd_accounts"] == 50
    assert store.scalar("SELECT count(*) FROM coactions WHERE crowd") == 55 * 54 // 2
