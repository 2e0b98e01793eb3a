"""Fusion and communities."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

import cibwatch
from cibwatch import ConfigError, DetectConfig, config_from
from cibwatch.network import leiden_membership


def _two_cliques_and_a_bridge() -> pa.Table:
    a, b, w = [], [], []
    for base in (0, 10):
        for i in range(base, base + 6):
            for j in range(i + 1, base + 6):
                a.append(i)
                b.append(j)
                w.append(5.0)
    a.append(5)
    b.append(10)
    w.append(1.0)
    a.append(3)
    b.append(3)  # a self-loop: ignored
    w.append(9.0)
    return pa.table({"aid_a": a, "aid_b": b, "weight": w})


def test_leiden_splits_cliques_and_is_seeded() -> None:
    t = _two_cliques_and_a_bridge()
    aids, labels = leiden_membership(t, seed=3)
    assert aids.tolist() == list(range(6)) + list(range(10, 16))
    groups = {tuple(aids[labels == lab].tolist()) for lab in np.unique(labels)}
    assert groups == {tuple(range(6)), tuple(range(10, 16))}
    again = leiden_membership(t, seed=3)[1]
    assert (again == labels).all()
    shuffled = t.take(pa.array(np.random.default_rng(0).permutation(t.num_rows)))
    assert (leiden_membership(shuffled, seed=3)[1] == labels).all()


def test_empty_graph() -> None:
    aids, labels = leiden_membership(pa.table({"aid_a": [1], "aid_b": [1], "weight": [1.0]}))
    assert aids.size == 0 and labels.size == 0


def test_config_validation_and_presets() -> None:
    with pytest.raises(ConfigError):
        DetectConfig(weight="magic")  # type: ignore[arg-type]
    with pytest.raises(ConfigError):
        DetectConfig(window_s=-1)
    with pytest.raises(ConfigError):
        DetectConfig(trace_windows={"nope": 10})
    with pytest.raises(ConfigError):
        config_from("botometer")
    c = config_from("coortweet", window_s=30.0)
    assert c.window_s == 30 and c.min_participation == 5 and c.max_neighbours is None
    assert [t.name for t in c.traces] == ["reshare"]
    assert DetectConfig(trace_windows={"text_near": 3600}).window_for("text_near") == 3600


def test_public_api() -> None:
    for name in cibwatch.__all__:
        assert hasattr(cibwatch, name), name
