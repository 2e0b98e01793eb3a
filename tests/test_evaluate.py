"""Metrics against a ground truth, on hand-made results with known answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from cibwatch import InputError
from cibwatch.evaluate import evaluate


def _write(path: Path, header: str, rows: list[str]) -> None:
    path.write_text("\n".join([header, *rows]) + "\n")


def test_metrics(tmp_path: Path) -> None:
    truth = tmp_path / "truth.csv"
    _write(truth, "platform,account_id,group",
           [f"x,o{i},op_red" for i in range(10)] + [f"x,f{i},fandom" for i in range(20)]
           + [f"x,u{i},organic" for i in range(100)])
    res = tmp_path / "res"
    res.mkdir()
    members = ([f"x,o{i},N0001" for i in range(8)] + ["x,u0,N0001", "x,u1,N0001"]
               + [f"x,f{i},N0002" for i in range(5)] + ["x,o8,N0003", "x,u2,N0003", "x,u3,N0003"])
    _write(res / "accounts.csv", "platform,account_id,network_id", members)
    _write(res / "networks.csv", "network_id,assessment",
           ["N0001,inauthentic", "N0002,coordinated", "N0003,coordinated"])
    rep = evaluate(truth, res)
    op = rep["groups"]["op_red"]
    assert op["recall"] == 0.9                      # 9 of 10 in some network
    assert op["attributed_networks"] == ["N0001"]   # N0003's majority is organic
    assert op["precision_attributed"] == 0.8        # 8 of N0001's 10
    assert op["recall_attributed"] == 0.8
    assert op["completeness"] == 0.8 and op["networks_touched"] == 2
    assert rep["groups"]["organic"]["rate_in_networks"] == 0.04
    assert rep["groups"]["fandom"]["rate_in_networks"] == 0.25
    s = rep["summary"]
    assert s["purity_min"] == round(2 / 3, 4)
    assert s["purity_weighted"] == round((8 + 5 + 2) / 18, 4)
    assert s["inauthentic_precision"] == 0.8 and s["inauthentic_recall"] == 0.8
    assert rep["groups"]["organic"]["rate_inauthentic"] == 0.02


def test_missing_files(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        evaluate(tmp_path / "nope.csv", tmp_path)
