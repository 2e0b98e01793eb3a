"""The seam between detection and the case store: what a case needs to know about a network.

The case store never reads the investigation store's tables. It reads networks through an
:class:`InvestigationSource`, a small protocol of five reads, and keeps what it was shown as an
immutable snapshot (:class:`NetworkSnapshot`, stored as canonical JSON in ``evidence``).

Three implementations live here:

* :class:`MemorySource`, built from snapshots in memory (tests, benchmarks, scripts);
* :class:`DetectDirSource`, which reads ``detect``/``expand`` output directories
  (``networks.csv``, ``accounts.csv``, ``edges.parquet``, ``run.json``): one directory is one run;
* :class:`StoreSource`, which reads the DuckDB investigation store itself (read-only): every
  finished run it keeps (:mod:`cibwatch.runs`), networks by their stable ids, so that a case
  follows its network from run to run.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from ..api import NetworkSummary
from .errors import NotFound

__all__ = [
    "AccountRef",
    "Reason",
    "Member",
    "RunInfo",
    "NetworkSummary",
    "NetworkSnapshot",
    "PairEvidence",
    "Page",
    "InvestigationSource",
    "MemorySource",
    "DetectDirSource",
    "StoreSource",
]

T = TypeVar("T")


@dataclass(frozen=True)
class AccountRef:
    """An account by platform and platform-local id (``twitter:12345`` in text form)."""

    platform: str
    account_id: str

    @classmethod
    def parse(cls, text: str) -> AccountRef:
        platform, sep, account_id = text.partition(":")
        if not sep or not platform or not account_id:
            from .errors import ValidationFailed

            raise ValidationFailed(f"cannot read the account {text!r}",
                                   remedy="writing it as PLATFORM:ACCOUNT_ID, e.g. twitter:123")
        return cls(platform, account_id)

    def __str__(self) -> str:
        return f"{self.platform}:{self.account_id}"


@dataclass(frozen=True)
class Reason:
    """One reason a network was flagged: a stable ``code``, its ``family`` (coordination,
    inauthenticity, ...), a sentence for people, the DISARM technique it evidences, if any,
    and its strength (a score in [0, 1] or a count; None when not measured)."""

    code: str
    family: str
    text: str
    disarm_id: str | None = None
    strength: float | None = None


@dataclass(frozen=True)
class Member:
    platform: str
    account_id: str
    handle: str | None = None
    followers: int | None = None

    @property
    def ref(self) -> AccountRef:
        return AccountRef(self.platform, self.account_id)


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    created_at: str | None = None
    cibwatch_version: str | None = None
    kind: str = "detect"
    n_networks: int = 0
    description: str = ""



@dataclass(frozen=True)
class NetworkSnapshot(NetworkSummary):
    """Everything a case keeps about a network as it was when a case was opened or a decision
    was made: its :class:`NetworkSummary` fields, then these. ``evidence_refs`` are opaque
    strings the source can resolve (post pairs, files)."""

    reasons: tuple[Reason, ...] = ()
    members: tuple[Member, ...] = ()
    evidence_refs: tuple[str, ...] = ()
    first_activity: str | None = None
    last_activity: str | None = None
    content_types: tuple[str, ...] = ("text",)
    languages: tuple[str, ...] = ()

    def summary(self) -> NetworkSummary:
        return NetworkSummary(self.network_id, self.run_id, self.label, self.assessment,
                              self.kind, self.score, self.size, self.platforms)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> NetworkSnapshot:
        d = dict(d)
        d["platforms"] = tuple(d.get("platforms", ()))
        d["reasons"] = tuple(Reason(**r) for r in d.get("reasons", ()))
        d["members"] = tuple(Member(**m) for m in d.get("members", ()))
        for k in ("evidence_refs", "content_types", "languages"):
            d[k] = tuple(d.get(k, ()))
        return cls(**d)


@dataclass(frozen=True)
class PairEvidence:
    """What two members did together: per trace and window, the co-actions kept as evidence."""

    a: AccountRef
    b: AccountRef
    trace: str
    window_s: float
    n_coactions: int
    items: tuple[dict[str, Any], ...] = ()
    ref: str = ""


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


@runtime_checkable
class InvestigationSource(Protocol):
    """The reads the case store and the API need from detection. Networks are addressed by
    their stable ``network_id``; ``run_id`` None means the latest run that has the network."""

    def runs(self) -> list[RunInfo]: ...

    def networks(self, run_id: str | None = None, *, assessment: str | None = None,
                 min_size: int | None = None, limit: int = 100,
                 offset: int = 0) -> Page[NetworkSummary]: ...

    def network(self, network_id: str, run_id: str | None = None) -> NetworkSnapshot: ...

    def members(self, network_id: str, run_id: str | None = None, *, limit: int = 100,
                offset: int = 0) -> Page[Member]: ...

    def pair_evidence(self, network_id: str, a: AccountRef, b: AccountRef,
                      run_id: str | None = None) -> list[PairEvidence]: ...


def _member_page(snap: NetworkSnapshot, limit: int, offset: int) -> Page[Member]:
    return Page(list(snap.members[offset:offset + limit]), len(snap.members), limit, offset)


class MemorySource:
    """An :class:`InvestigationSource` over snapshots held in memory. Runs are ordered as
    first seen; the latest run holding a network is the last one added."""

    def __init__(self, snapshots: Iterable[NetworkSnapshot] = (),
                 runs: Iterable[RunInfo] = (),
                 evidence: Iterable[tuple[str, PairEvidence]] = ()) -> None:
        self._runs: dict[str, RunInfo] = {r.run_id: r for r in runs}
        self._nets: dict[tuple[str, str], NetworkSnapshot] = {}
        self._order: list[tuple[str, str]] = []
        self._evidence: dict[str, list[PairEvidence]] = {}
        for s in snapshots:
            self.add(s)
        for net, ev in evidence:
            self._evidence.setdefault(net, []).append(ev)

    def add(self, snapshot: NetworkSnapshot) -> None:
        key = (snapshot.run_id, snapshot.network_id)
        if key not in self._nets:
            self._order.append(key)
        self._nets[key] = snapshot
        if snapshot.run_id not in self._runs:
            self._runs[snapshot.run_id] = RunInfo(snapshot.run_id)
        n = sum(1 for r, _ in self._order if r == snapshot.run_id)
        old = self._runs[snapshot.run_id]
        self._runs[snapshot.run_id] = RunInfo(old.run_id, old.created_at, old.cibwatch_version,
                                              old.kind, n, old.description)

    def add_evidence(self, network_id: str, ev: PairEvidence) -> None:
        self._evidence.setdefault(network_id, []).append(ev)

    def runs(self) -> list[RunInfo]:
        return list(self._runs.values())

    def _resolve(self, network_id: str, run_id: str | None) -> NetworkSnapshot:
        if run_id is not None:
            snap = self._nets.get((run_id, network_id))
        else:
            keys = [k for k in self._order if k[1] == network_id]
            snap = self._nets[keys[-1]] if keys else None
        if snap is None:
            where = f" in run {run_id}" if run_id else ""
            raise NotFound(f"no network {network_id!r}{where}",
                           remedy="listing the networks with GET /api/v1/networks")
        return snap

    def networks(self, run_id: str | None = None, *, assessment: str | None = None,
                 min_size: int | None = None, limit: int = 100,
                 offset: int = 0) -> Page[NetworkSummary]:
        if run_id is not None and run_id not in self._runs:
            raise NotFound(f"no run {run_id!r}", remedy="listing the runs with GET /api/v1/runs")
        rows = [self._nets[k].summary() for k in self._order
                if (run_id is None or k[0] == run_id)]
        rows = [r for r in rows if (assessment is None or r.assessment == assessment)
                and (min_size is None or r.size >= min_size)]
        return Page(rows[offset:offset + limit], len(rows), limit, offset)

    def network(self, network_id: str, run_id: str | None = None) -> NetworkSnapshot:
        return self._resolve(network_id, run_id)

    def members(self, network_id: str, run_id: str | None = None, *, limit: int = 100,
                offset: int = 0) -> Page[Member]:
        return _member_page(self._resolve(network_id, run_id), limit, offset)

    def pair_evidence(self, network_id: str, a: AccountRef, b: AccountRef,
                      run_id: str | None = None) -> list[PairEvidence]:
        self._resolve(network_id, run_id)
        pair = {a, b}
        return [e for e in self._evidence.get(network_id, []) if {e.a, e.b} == pair]


_DISARM = re.compile(r"\s*\[(T\d{4}(?:\.\d{3})?)\]")
_SENTENCE = re.compile(r"\.\s+(?=[A-Z0-9])")


def _reasons(text: str, kind: str, disarm: str, score: float | None) -> tuple[Reason, ...]:
    """Split the ``reasons`` column of networks.csv into one :class:`Reason` per sentence.

    A sentence starting ``Coordination:`` is the coordination family; the others are the
    assessment's (``kind``). A ``[T0084.001]`` tag is the DISARM id. This reads today's text
    layout; the detection seam will hand structured reasons instead."""
    out: list[Reason] = []
    counts: dict[str, int] = {}
    for piece in _SENTENCE.split(text.strip()):
        piece = piece.strip().rstrip(".")
        if not piece:
            continue
        family = "coordination" if piece.startswith("Coordination:") else (kind or "assessment")
        m = _DISARM.search(piece)
        did = m.group(1) if m else None
        if did is None and family != "coordination" and disarm:
            did = disarm.split(";")[0] or None
        counts[family] = counts.get(family, 0) + 1
        out.append(Reason(code=f"{family}-{counts[family]}", family=family,
                          text=_DISARM.sub("", piece), disarm_id=did,
                          strength=score if family != "coordination" else None))
    return tuple(out)


def _int(v: str | None) -> int | None:
    try:
        return int(float(v)) if v not in (None, "") else None
    except ValueError:
        return None


class DetectDirSource:
    """An :class:`InvestigationSource` reading ``detect`` output directories, one per run.

    The run id is ``run.json``'s ``run_id`` when present, else ``dir-`` and the first twelve hex
    digits of the SHA-256 of ``run.json`` (stable for a given run). Directories are read once,
    when the source is made (memory: the members of every network; fine for tens of thousands).
    Evidence references are ``edges:PLATFORM:ID|PLATFORM:ID`` for the pairs inside a network,
    resolved by :meth:`pair_evidence` from ``edges.parquet``.
    """

    def __init__(self, directories: Sequence[str | Path]) -> None:
        self.directories = [Path(d) for d in directories]
        self._mem = MemorySource()
        self._edges: dict[str, Path] = {}
        for d in self.directories:
            self._load(d)

    def _load(self, d: Path) -> None:
        from ..errors import InputError

        nets_path, acc_path = d / "networks.csv", d / "accounts.csv"
        if not nets_path.exists() or not acc_path.exists():
            raise InputError(f"{d} is not a detect output directory (no networks.csv/accounts.csv)",
                             remedy="pointing --results at the directory `cibwatch detect --out` "
                             "wrote")
        run_path = d / "run.json"
        info: dict[str, Any] = {}
        if run_path.exists():
            raw = run_path.read_bytes()
            info = json.loads(raw)
            run_id = str(info.get("run_id") or "dir-" + hashlib.sha256(raw).hexdigest()[:12])
        else:
            run_id = "dir-" + hashlib.sha256(str(d.resolve()).encode()).hexdigest()[:12]
        members: dict[str, list[Member]] = {}
        langs: dict[str, set[str]] = {}
        with open(acc_path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                members.setdefault(row["network_id"], []).append(Member(
                    row["platform"], row["account_id"], row.get("handle") or None,
                    _int(row.get("followers"))))
                if row.get("lang"):
                    langs.setdefault(row["network_id"], set()).add(row["lang"])
        pairs: dict[str, list[str]] = {}
        edges = d / "edges.parquet"
        if edges.exists():
            import pyarrow.parquet as pq

            t = pq.read_table(edges, columns=["platform_a", "account_id_a", "platform_b",
                                              "account_id_b", "network_id"]).to_pylist()
            for r in t:
                if r["network_id"]:
                    ref = (f"edges:{r['platform_a']}:{r['account_id_a']}|"
                           f"{r['platform_b']}:{r['account_id_b']}")
                    lst = pairs.setdefault(r["network_id"], [])
                    if not lst or lst[-1] != ref:
                        lst.append(ref)
            self._edges[run_id] = edges
        n = 0
        with open(nets_path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                nid = row["network_id"]
                score = float(row.get("score") or 0.0)
                kind = row.get("kind") or "coordination"
                self._mem.add(NetworkSnapshot(
                    network_id=nid, run_id=run_id, label=row.get("label") or nid,
                    assessment=row.get("assessment") or "coordinated", kind=kind,
                    score=score, size=int(row.get("size") or len(members.get(nid, []))),
                    platforms=tuple(p for p in (row.get("platforms") or "").split(";") if p),
                    reasons=_reasons(row.get("reasons") or "", kind, row.get("disarm") or "",
                                     score),
                    members=tuple(members.get(nid, [])),
                    evidence_refs=tuple(dict.fromkeys(pairs.get(nid, []))),
                    first_activity=(row.get("first_coaction") or None),
                    last_activity=(row.get("last_coaction") or None),
                    content_types=("text",),
                    languages=tuple(sorted(langs.get(nid, set()))),
                ))
                n += 1
        self._mem._runs[run_id] = RunInfo(run_id, info.get("created_at"),
                                          info.get("cibwatch_version"),
                                          "expand" if "expansion" in info else "detect", n,
                                          str(d))

    def runs(self) -> list[RunInfo]:
        return self._mem.runs()

    def networks(self, run_id: str | None = None, *, assessment: str | None = None,
                 min_size: int | None = None, limit: int = 100,
                 offset: int = 0) -> Page[NetworkSummary]:
        return self._mem.networks(run_id, assessment=assessment, min_size=min_size,
                                  limit=limit, offset=offset)

    def network(self, network_id: str, run_id: str | None = None) -> NetworkSnapshot:
        return self._mem.network(network_id, run_id)

    def members(self, network_id: str, run_id: str | None = None, *, limit: int = 100,
                offset: int = 0) -> Page[Member]:
        return self._mem.members(network_id, run_id, limit=limit, offset=offset)

    def pair_evidence(self, network_id: str, a: AccountRef, b: AccountRef,
                      run_id: str | None = None) -> list[PairEvidence]:
        snap = self._mem.network(network_id, run_id)
        path = self._edges.get(snap.run_id)
        if path is None:
            return []
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        t = pq.read_table(path)
        out: list[PairEvidence] = []
        for x, y in ((a, b), (b, a)):
            mask = pc.and_(pc.and_(pc.equal(t["platform_a"], x.platform),
                                   pc.equal(t["account_id_a"], x.account_id)),
                           pc.and_(pc.equal(t["platform_b"], y.platform),
                                   pc.equal(t["account_id_b"], y.account_id)))
            for r in t.filter(mask).to_pylist():
                out.append(PairEvidence(x, y, r["trace"], float(r["window_s"] or 0.0),
                                        int(r["n_coactions"]), tuple(r["evidence"] or ()),
                                        f"edges:{x}|{y}"))
        return out



#: Snapshots a :class:`StoreSource` keeps in memory (finished runs never change).
_SNAPSHOT_CACHE = 512


class StoreSource:
    """An :class:`InvestigationSource` reading the investigation store (a DuckDB file) made by
    ``detect`` and ``expand``, through the use cases of :mod:`cibwatch.api`: its finished runs,
    their networks, members and pair evidence (the kept results, :mod:`cibwatch.runs`).
    Networks are addressed by their stable id (a label such as ``N0003`` is also taken, in the
    run asked for or the latest).

    The store is opened read-only for each read and closed again, so that a ``detect`` or
    ``expand`` can open it between reads; while one holds it, a read raises
    :class:`~cibwatch.cases.errors.Unavailable` (HTTP 503). Finished runs never change: their
    snapshots are kept in memory (the last :data:`_SNAPSHOT_CACHE`).

    ``networks(None)`` lists every network once, in the latest run that has it (latest run
    first, then by label); ``networks(run_id)`` lists that run's networks by label. Evidence
    references are ``edges:PLATFORM:ID|PLATFORM:ID``, as :class:`DetectDirSource` gives them.
    """

    def __init__(self, path: str | Path) -> None:
        from ..errors import InputError

        self.path = Path(path)
        if not self.path.is_file():
            raise InputError(f"no investigation store {self.path} (path)",
                             remedy="giving the store of a detect or expand run (--db PATH)")
        self._snapshots: dict[tuple[str, str], NetworkSnapshot] = {}
        with self._open() as store:
            if not store.table_exists("runs"):
                raise InputError(
                    f"the store {self.path} keeps no runs: it was written by a cibwatch before "
                    "0.6 (path)", remedy="running 'cibwatch detect --db STORE' on it once")

    @contextmanager
    def _open(self) -> Iterator[Any]:
        """The store, read-only; the API's errors in the case store's terms."""
        from ..errors import ConfigError, NotInStoreError, StoreError, StoreVersionError
        from ..store import Store
        from .errors import Unavailable, ValidationFailed

        try:
            store = Store(self.path, create=False, read_only=True, threads=1,
                          memory_limit="1GB")
        except StoreVersionError as exc:  # waiting does not help: the remedy says what does
            raise Unavailable(f"the investigation store {self.path} cannot be read: "
                              f"{exc.message}", remedy=exc.remedy) from exc
        except StoreError as exc:
            raise Unavailable(f"the investigation store {self.path} cannot be read now: "
                              f"{exc.message}", remedy="retrying when the detect or expand "
                              "run that holds it has finished") from exc
        try:
            yield store
        except NotInStoreError as exc:
            raise NotFound(exc.message, exc.remedy) from exc
        except ConfigError as exc:
            raise ValidationFailed(exc.message, exc.remedy) from exc
        finally:
            store.close()

    def runs(self) -> list[RunInfo]:
        from ..api import list_runs

        with self._open() as store:
            runs = [r for r in list_runs(store) if r.status == "finished"]
        return [RunInfo(r.run_id, None if r.started is None else
                        r.started.strftime("%Y-%m-%dT%H:%M:%SZ"), r.cibwatch_version, r.kind,
                        int(r.n_networks or 0), ", ".join(Path(s["path"]).name
                                                          for s in r.sources))
                for r in runs]

    def networks(self, run_id: str | None = None, *, assessment: str | None = None,
                 min_size: int | None = None, limit: int = 100,
                 offset: int = 0) -> Page[NetworkSummary]:
        from ..api import list_networks

        with self._open() as store:
            page = list_networks(store, run_id, assessment=assessment, min_size=min_size,
                                 limit=limit, offset=offset)
        return Page([NetworkSummary(r.network_id, r.run_id, r.label, r.assessment, r.kind,
                                    r.score, r.size, r.platforms) for r in page.items],
                    page.total, limit, offset)

    def network(self, network_id: str, run_id: str | None = None) -> NetworkSnapshot:
        from ..api import locate_network, network_summary

        with self._open() as store:
            key = locate_network(store, network_id, run_id)
            snap = self._snapshots.get(key)
            if snap is None:
                snap = _snapshot(network_summary(store, key[1], key[0]))
                if len(self._snapshots) >= _SNAPSHOT_CACHE:
                    self._snapshots.pop(next(iter(self._snapshots)))
                self._snapshots[key] = snap
        return snap

    def members(self, network_id: str, run_id: str | None = None, *, limit: int = 100,
                offset: int = 0) -> Page[Member]:
        return _member_page(self.network(network_id, run_id), limit, offset)

    def pair_evidence(self, network_id: str, a: AccountRef, b: AccountRef,
                      run_id: str | None = None) -> list[PairEvidence]:
        from ..api import pair_evidence

        with self._open() as store:
            rows = pair_evidence(store, network_id, (a.platform, a.account_id),
                                 (b.platform, b.account_id), run_id)
        out = []
        for r in rows:
            x, y = AccountRef(*r.a), AccountRef(*r.b)
            out.append(PairEvidence(x, y, r.trace, r.window_s, r.n_coactions, r.evidence,
                                    f"edges:{x}|{y}"))
        return out


def _snapshot(s: Any) -> NetworkSnapshot:
    """A :class:`NetworkSnapshot` of an :class:`cibwatch.api.NetworkSummary`."""
    r = s.row
    traces = ", ".join(f"{t} {n} co-actions" for t, n in r.traces)
    coordination = (f"Coordination: {r.size} accounts ({';'.join(r.platforms)}), "
                    f"{len(s.pairs)} linked pairs" + (f" acting together: {traces}"
                                                      if traces else ""))
    text = (s.reasons.strip().rstrip(".") + ". " if s.reasons else "") + coordination
    return NetworkSnapshot(
        network_id=r.network_id, run_id=r.run_id, label=r.label, assessment=r.assessment,
        kind=r.kind, score=r.score, size=r.size, platforms=r.platforms,
        reasons=_reasons(text, r.kind, s.disarm, r.score),
        members=tuple(Member(m.platform, m.account_id, m.handle, m.followers)
                      for m in s.members),
        evidence_refs=tuple(f"edges:{pa}:{ia}|{pb}:{ib}" for pa, ia, pb, ib in s.pairs),
        first_activity=s.first_activity, last_activity=s.last_activity,
        content_types=("text",),
        languages=tuple(sorted({m.lang for m in s.members if m.lang})),
    )
