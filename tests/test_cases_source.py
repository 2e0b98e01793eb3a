"""The seam with detection: the in-memory source and the detect-output-directory source."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cibwatch.cases import (
    AccountRef,
    DetectDirSource,
    InvestigationSource,
    MemorySource,
    NetworkSnapshot,
    NotFound,
)

from .cases_support import snapshot
from .conftest import FIXTURES

DETECT = FIXTURES / "cases_detect"  # `cibwatch detect tests/fixtures/qut/tiny_all_networks.csv`


def test_detect_dir_source_reads_a_detect_output_directory() -> None:
    src = DetectDirSource([DETECT])
    assert isinstance(src, InvestigationSource)
    (run,) = src.runs()
    assert run.run_id.startswith("dir-") and run.n_networks == 2
    page = src.networks()
    assert page.total == 2 and [n.network_id for n in page.items] == ["N0001", "N0002"]
    net = src.network("N0001")
    assert net.size == 3 and net.platforms == ("twitter",) and net.run_id == run.run_id
    assert {m.account_id for m in net.members} == {"A", "B", "C"}
    assert net.members[0].handle == "alice"
    assert net.reasons[0].disarm_id == "T0084.001" and "[" not in net.reasons[0].text
    assert net.reasons[-1].family == "coordination"
    assert net.first_activity == "1970-01-01T00:16:40Z" and net.evidence_refs
    members = src.members("N0001", limit=2, offset=1)
    assert members.total == 3 and len(members.items) == 2
    ev = src.pair_evidence("N0001", AccountRef("twitter", "A"), AccountRef("twitter", "B"))
    assert ev and all(e.n_coactions > 0 and e.items for e in ev)
    assert {e.trace for e in ev} >= {"reshare"}
    with pytest.raises(NotFound):
        src.network("N9999")
    assert src.networks(min_size=3).total == 1 and src.networks(assessment="x").total == 0


def test_two_directories_are_two_runs_and_latest_wins(tmp_path: Path) -> None:
    other = tmp_path / "later"
    shutil.copytree(DETECT, other)
    (other / "run.json").write_text('{"run_id": "run-later"}\n')
    src = DetectDirSource([DETECT, other])
    assert [r.run_id for r in src.runs()][-1] == "run-later"
    assert src.network("N0001").run_id == "run-later"
    assert src.networks("run-later").total == 2
    with pytest.raises(NotFound):
        src.networks("no-such-run")


def test_not_a_detect_directory(tmp_path: Path) -> None:
    from cibwatch.errors import InputError

    with pytest.raises(InputError, match="not a detect output directory"):
        DetectDirSource([tmp_path])


def test_memory_source_and_snapshot_round_trip() -> None:
    s1, s2 = snapshot(), snapshot("net-1", "run-2", 7)
    src = MemorySource([s1, s2])
    assert src.network("net-1").run_id == "run-2" and src.network("net-1", "run-1") == s1
    assert NetworkSnapshot.from_dict(s1.to_dict()) == s1
    assert src.members("net-1", "run-2", limit=5).total == 7
    with pytest.raises(Exception, match="PLATFORM:ACCOUNT_ID"):
        AccountRef.parse("no-colon")
