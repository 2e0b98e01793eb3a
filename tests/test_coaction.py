"""THE window join, against a brute-force definition."""

from __future__ import annotations

import itertools

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from cibwatch import Store
from cibwatch.coaction import JoinSpec, bounded_keys_sql, coaction_sql, ranked_actions_sql

Action = tuple[str, int, int, int, str | None]  # key, aid, pid, ts (us), variant


def run_join(actions: list[Action], spec: JoinSpec) -> tuple[set[tuple], list[tuple]]:
    t = pa.table({
        "key": pa.array([a[0] for a in actions], pa.string()),
        "aid": pa.array([a[1] for a in actions], pa.int32()),
        "pid": pa.array([a[2] for a in actions], pa.int64()),
        "ts": pa.array([a[3] for a in actions], pa.int64()),
        "variant": pa.array([a[4] for a in actions], pa.string()),
    })
    with Store(None) as s, s.registered("acts", t):
        s.execute(f"CREATE TEMP TABLE ranked AS {ranked_actions_sql('acts', spec)}")
        rows = s.fetchall(f"SELECT key, aid_a, pid_a, aid_b, pid_b, dt FROM ({coaction_sql('ranked', spec)})")
        bounded = s.fetchall(f"SELECT key, n_actions, n_bounded_actions FROM ({bounded_keys_sql('ranked', spec)}) ORDER BY key")
    pairs = [(r[0], *sorted([(r[1], r[2]), (r[3], r[4])]), r[5]) for r in rows]
    assert len(pairs) == len(set(pairs)), "each pair of actions at most once"
    assert all(r[1] <= r[3] for r in rows), "canonical order aid_a <= aid_b"
    return set(pairs), bounded


def brute(actions: list[Action], window_us: int, self_loops: bool = False) -> set[tuple]:
    out = set()
    for x, y in itertools.combinations(actions, 2):
        if x[0] != y[0] or abs(x[3] - y[3]) > window_us:
            continue
        if x[1] == y[1] and not self_loops:
            continue
        if x[4] is not None and y[4] is not None and x[4] == y[4]:
            continue
        a, b = sorted([(x[1], x[2]), (y[1], y[2])])
        out.add((x[0], a, b, abs(x[3] - y[3])))
    return out


def test_window_is_inclusive_and_accounts_differ() -> None:
    s = 1_000_000
    acts: list[Action] = [("k", 1, 1, 0, None), ("k", 2, 2, 60 * s, None),
                          ("k", 3, 3, 60 * s + 1, None), ("k", 1, 4, 30 * s, None),
                          ("other", 4, 5, 0, None)]
    got, _ = run_join(acts, JoinSpec(60, None))
    assert got == brute(acts, 60 * s)
    assert ("k", (1, 1), (2, 2), 60 * s) in got      # exactly the window: in
    assert not any(p[1] == (1, 1) and p[2] == (3, 3) for p in got)  # 1 us more: out
    loops, _ = run_join(acts, JoinSpec(60, None, self_loops=True))
    assert ("k", (1, 1), (1, 4), 30 * s) in loops


def test_variants_do_not_pair() -> None:
    acts: list[Action] = [("k", 1, 1, 0, "v1"), ("k", 2, 2, 1, "v1"), ("k", 3, 3, 2, "v2")]
    got, _ = run_join(acts, JoinSpec(60, None))
    assert {(p[1][0], p[2][0]) for p in got} == {(1, 3), (2, 3)}


actions_strategy = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c"]),
        st.integers(1, 6),
        st.integers(0, 200_000_000),
        st.sampled_from([None, None, "x", "y"]),
    ),
    min_size=0,
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(actions_strategy, st.sampled_from([0.0, 1.0, 10.0, 60.0]), st.booleans())
def test_join_equals_brute_force(raw: list, window: float, loops: bool) -> None:
    acts: list[Action] = [(k, a, i + 1, t, v) for i, (k, a, t, v) in enumerate(raw)]
    spec_unbounded = JoinSpec(window, None, loops)
    got, _ = run_join(acts, spec_unbounded)
    assert got == brute(acts, spec_unbounded.window_us, loops)
    # a bound larger than any key's action count changes nothing
    got_bounded, bounded = run_join(acts, JoinSpec(window, 64, loops))
    assert got_bounded == got and bounded == []


@settings(max_examples=100, deadline=None)
@given(actions_strategy, st.integers(1, 4))
def test_bound_keeps_the_closest_predecessors_and_reports_keys(raw: list, m: int) -> None:
    acts: list[Action] = [(k, a, i + 1, t, None) for i, (k, a, t, _) in enumerate(raw)]
    spec = JoinSpec(100.0, m)
    got, bounded = run_join(acts, spec)
    full = brute(acts, spec.window_us)
    assert got <= full
    # every missing pair is on a reported key, and is further apart in rank than m
    order = {k: sorted((x for x in acts if x[0] == k), key=lambda x: (x[3], x[2])) for k in "abc"}
    rank = {(x[0], x[2]): i for k in order for i, x in enumerate(order[k])}
    bounded_keys = {b[0] for b in bounded}
    for p in full - got:
        assert p[0] in bounded_keys
        assert abs(rank[(p[0], p[1][1])] - rank[(p[0], p[2][1])]) > m
    for p in got:
        assert abs(rank[(p[0], p[1][1])] - rank[(p[0], p[2][1])]) <= m
    # a key is reported only when an action had more than m predecessors in the window
    for key, _, n_b in bounded:
        assert n_b > 0
        xs = order[key]
        assert any(xs[i][3] - xs[i - m - 1][3] <= spec.window_us for i in range(m + 1, len(xs)))


def test_hot_key_work_is_linear() -> None:
    # 3,000 actions of one key within one second: unbounded that is 4.5 M pairs, bounded 30 k
    acts: list[Action] = [("viral", i, i, i * 300, None) for i in range(3000)]
    got, bounded = run_join(acts, JoinSpec(60, 10))
    assert len(got) == sum(min(i, 10) for i in range(3000))
    assert bounded == [("viral", 3000, 3000 - 11)]
