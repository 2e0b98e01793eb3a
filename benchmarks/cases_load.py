"""Load benchmark of the case API (issue 13): a benchmark that prints a table, not a timed test.

    python benchmarks/cases_load.py [--clients 50] [--seconds 60] [--case-db URL]

1. A real uvicorn server on 127.0.0.1 (a subprocess) over a fresh case store and a synthetic
   investigation source: one network of 10,000 members, one of 30,000, 200 small ones.
2. ``--clients`` concurrent clients for ``--seconds`` seconds, each in a closed loop (the next
   request when the last one answered, no think time) over a mix of reads (a 100-member page
   of the 10,000-member network at a random offset, case lists, one case, network lists) and
   writes (notes, tags, assignments guarded by the case version). Counted: errors (any 5xx,
   any transport error, any status the operation should not give), conflicts (409 on a stale
   version: the correct answer, not an error), latency percentiles per operation. Then every
   acknowledged write is looked for (no lost writes) and the audit chain is verified.
3. One terminate decision on the 30,000-account network through the API: propose, approve
   (fan-out: 30,000 affected accounts and statements of reasons), export, and every batch
   fetched; times and the export rate (statements per second).

Targets: zero errors and lost writes; p95 < 300 ms for the network page; fan-out + export
< 60 s; export >= 1,000 statements/s. Results are recorded in docs/BENCHMARKS.md.
Only loopback traffic; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

BIG, HUGE, SMALL = 10_000, 30_000, 200


def build_source() -> Any:
    from cibwatch.cases import Member, MemorySource, NetworkSnapshot, Reason

    def net(nid: str, n: int, prefix: str) -> NetworkSnapshot:
        return NetworkSnapshot(
            network_id=nid, run_id="run-bench", label=nid, assessment="inauthentic",
            kind="shift_work", score=0.9, size=n, platforms=("twitter",),
            reasons=(Reason("shift_work-1", "shift_work", "Posting in office-hour shifts",
                            "T0049", 0.9),
                     Reason("coordination-1", "coordination",
                            f"Coordination: {n} accounts acting together", None, None)),
            members=tuple(Member("twitter", f"{prefix}{i:06d}", f"{prefix}_h{i}", i % 5000)
                          for i in range(n)),
            evidence_refs=(f"edges:twitter:{prefix}000000|twitter:{prefix}000001",),
            first_activity="2024-03-01T08:00:00Z", last_activity="2024-04-30T17:00:00Z",
            languages=("en",))

    nets = [net("net-10k", BIG, "b"), net("net-30k", HUGE, "h")]
    nets += [net(f"net-s{i:03d}", 20, f"s{i:03d}x") for i in range(SMALL)]
    return MemorySource(nets)


def serve(case_db: str, port: int) -> None:
    import uvicorn

    from cibwatch.cases import CaseService, CaseStore
    from cibwatch.web import create_app

    svc = CaseService(CaseStore.open(case_db, pool_size=20), build_source())
    uvicorn.run(create_app(svc), host="127.0.0.1", port=port, log_level="warning",
                access_log=False)


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = int(s.getsockname()[1])
    s.close()
    return port


def pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


class Conn:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams: the load generator must cost
    little CPU next to the server it measures (both share the machine)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, token: str,
                      body: dict[str, Any] | None = None) -> tuple[int, Any]:
        import orjson

        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        data = orjson.dumps(body) if body is not None else b""
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n"
                f"Authorization: Bearer {token}\r\nContent-Length: {len(data)}\r\n")
        if body is not None:
            head += "Content-Type: application/json\r\n"
        self.writer.write(head.encode() + b"\r\n" + data)
        assert self.reader is not None
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("connection closed")
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            k, _, v = line.partition(b":")
            if k.strip().lower() == b"content-length":
                length = int(v)
        raw = await self.reader.readexactly(length) if length else b""
        return status, (orjson.loads(raw) if raw else None)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def load(host: str, port: int, prefix: str, tokens: list[str], case_ids: list[int],
               clients: int, seconds: float, seed: int, think_s: float) -> dict[str, Any]:
    lat: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    conflicts = 0
    acked_notes: dict[int, set[int]] = defaultdict(set)
    acked_tags: dict[int, set[str]] = defaultdict(set)
    deadline = time.perf_counter() + seconds

    async def client(k: int) -> None:
        nonlocal conflicts
        rnd = random.Random(seed * 1000 + k)
        tok = tokens[k % len(tokens)]
        conn = Conn(host, port)
        n = 0
        while time.perf_counter() < deadline:
            n += 1
            r_ = rnd.random()
            cid = rnd.choice(case_ids)
            t0 = time.perf_counter()
            status, out = 0, None
            try:
                if r_ < 0.40:
                    op = "GET network page (10k)"
                    status, out = await conn.request(
                        "GET", f"{prefix}/networks/net-10k/members?limit=100&offset="
                        f"{rnd.randrange(0, BIG, 100)}", tok)
                    ok = status == 200 and len(out["items"]) == 100
                elif r_ < 0.50:
                    op = "GET networks"
                    status, out = await conn.request("GET", f"{prefix}/networks?limit=50", tok)
                    ok = status == 200
                elif r_ < 0.62:
                    op = "GET cases"
                    status, out = await conn.request("GET", f"{prefix}/cases?limit=50", tok)
                    ok = status == 200
                elif r_ < 0.72:
                    op = "GET case"
                    status, out = await conn.request("GET", f"{prefix}/cases/{cid}", tok)
                    ok = status == 200
                elif r_ < 0.87:
                    op = "POST note"
                    status, out = await conn.request("POST", f"{prefix}/cases/{cid}/notes", tok,
                                                     {"text": f"client {k} note {n}"})
                    ok = status == 201
                    if ok:
                        acked_notes[cid].add(out["id"])
                elif r_ < 0.93:
                    op = "POST tag"
                    name = f"c{k}-{n}"
                    status, out = await conn.request("POST", f"{prefix}/cases/{cid}/tags", tok,
                                                     {"name": name})
                    ok = status == 201
                    if ok:
                        acked_tags[cid].add(name)
                else:
                    op = "POST assign (versioned)"
                    _, cur = await conn.request("GET", f"{prefix}/cases/{cid}", tok)
                    t0 = time.perf_counter()
                    status, out = await conn.request(
                        "POST", f"{prefix}/cases/{cid}/assign", tok,
                        {"assignee": f"analyst{k % len(tokens)}", "version": cur["version"]})
                    ok = status == 200
                    if status == 409:
                        conflicts += 1
                        ok = True
            except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError) as exc:
                op, ok = "transport", False
                errors.append(f"{type(exc).__name__}: {exc}")
                conn.close()
                conn = Conn(host, port)
            lat[op].append((time.perf_counter() - t0) * 1000)
            if not ok and status:
                errors.append(f"{op}: {status} {str(out)[:200]}")
            if think_s:
                await asyncio.sleep(rnd.expovariate(1 / think_s))
        conn.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(clients)))
    wall = time.perf_counter() - t0
    return {"lat": lat, "errors": errors, "conflicts": conflicts, "wall": wall,
            "notes": acked_notes, "tags": acked_tags}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--case-db", default=None, help="case store URL [default: a fresh SQLite]")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--think", type=float, default=0.0,
                    help="mean think time between a client's requests, seconds (exponential; "
                    "0: closed loop, the next request as soon as the last is answered)")
    ap.add_argument("--serve", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve is not None:
        serve(args.case_db, args.serve)
        return 0

    import httpx

    from cibwatch.cases import CaseStore

    tmp = Path(tempfile.mkdtemp(prefix="cibwatch-bench-"))
    case_db = args.case_db or f"sqlite:///{tmp / 'cases.sqlite'}"
    store = CaseStore.open(case_db)
    from cibwatch.cases import CaseService

    admin_svc = CaseService(store)
    _, root = admin_svc.add_user(None, "root", "admin")
    store.close()

    port = _free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(port), "--case-db", case_db],
                            env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        t_end = time.time() + 120
        while time.time() < t_end:
            try:
                httpx.get(f"{base}/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        h = {"Authorization": f"Bearer {root}"}
        tokens = [httpx.post(f"{base}/users", headers=h, json={"name": f"analyst{i}",
                                                               "role": "analyst"}).json()["token"]
                  for i in range(10)]
        approver = httpx.post(f"{base}/users", headers=h,
                              json={"name": "approver", "role": "approver"}).json()["token"]
        ha = {"Authorization": f"Bearer {tokens[0]}"}
        case_ids = [httpx.post(f"{base}/cases", headers=ha,
                               json={"network_id": f"net-s{i:03d}"}).json()["id"]
                    for i in range(50)]

        res = asyncio.run(load("127.0.0.1", port, "/api/v1", tokens, case_ids, args.clients,
                               args.seconds, args.seed, args.think))

        lost_notes = lost_tags = 0
        for cid in case_ids:
            notes = httpx.get(f"{base}/cases/{cid}/notes", headers=ha,
                              params={"limit": 1000}, timeout=60).json()
            have = {n["id"] for n in notes["items"]}
            offset = 1000
            while offset < notes["total"]:
                more = httpx.get(f"{base}/cases/{cid}/notes", headers=ha,
                                 params={"limit": 1000, "offset": offset}, timeout=60).json()
                have |= {n["id"] for n in more["items"]}
                offset += 1000
            lost_notes += len(res["notes"][cid] - have)
            tags = {t["name"] for t in httpx.get(f"{base}/cases/{cid}/tags", headers=ha,
                                                  timeout=60).json()}
            lost_tags += len(res["tags"][cid] - tags)
        verify = httpx.get(f"{base}/audit/verify", headers=h, timeout=300).json()

        # ---- one decision fanned out to 30,000 accounts -----------------------------------
        hb = {"Authorization": f"Bearer {approver}"}
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        c = httpx.post(f"{base}/cases", headers=ha, json={"network_id": "net-30k"},
                       timeout=300).json()
        httpx.post(f"{base}/cases/{c['id']}/transition", headers=ha, json={"to": "in_review"})
        timings["open case (snapshot of 30,000)"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        d = httpx.post(f"{base}/cases/{c['id']}/decisions", headers=ha, timeout=300, json={
            "action": "terminate", "policy_clause": "Community rules 4.2"}).json()
        timings["propose (snapshot)"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        d = httpx.post(f"{base}/decisions/{d['id']}/approve", headers=hb, json={},
                       timeout=300).json()
        timings["approve: fan-out + statements"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        exp = httpx.post(f"{base}/exports", headers=hb, json={"decision_id": d["id"]},
                         timeout=300).json()
        t_validate = time.perf_counter() - t0
        n_st = 0
        for b in range(exp["batches"]):
            n_st += len(httpx.get(f"{base}/exports/{exp['id']}/batches/{b}", headers=hb,
                                  timeout=60).json()["statements"])
        t_export = time.perf_counter() - t0
        timings["export: validate + mark"] = t_validate
        timings[f"export: {exp['batches']} batches fetched"] = t_export - t_validate
        total_fan = sum(v for k, v in timings.items() if not k.startswith("open"))
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    lat = res["lat"]
    n_req = sum(len(v) for v in lat.values())
    backend = "PostgreSQL" if case_db.startswith("postgres") else "SQLite (WAL)"
    print(f"\n## Case API load: {args.clients} clients x {args.seconds:.0f} s (think time "
          f"{args.think:g} s), uvicorn on 127.0.0.1, {backend}, {os.cpu_count()} CPUs\n")
    print("| operation | requests | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|")
    for op in sorted(lat):
        xs = lat[op]
        print(f"| {op} | {len(xs):,} | {statistics.median(xs):.1f} | {pct(xs, 95):.1f} | "
              f"{pct(xs, 99):.1f} |")
    allx = [x for v in lat.values() for x in v]
    print(f"| **all** | {n_req:,} | {statistics.median(allx):.1f} | {pct(allx, 95):.1f} | "
          f"{pct(allx, 99):.1f} |")
    print(f"\nthroughput {n_req / res['wall']:.0f} requests/s; errors {len(res['errors'])}; "
          f"version conflicts (409, expected) {res['conflicts']}; lost writes: notes "
          f"{lost_notes} of {sum(len(v) for v in res['notes'].values()):,}, tags {lost_tags} of "
          f"{sum(len(v) for v in res['tags'].values()):,}; audit chain "
          f"{'verified' if verify['ok'] else 'BROKEN'} ({verify['n_events']:,} events)")
    for e in res["errors"][:10]:
        print("  error:", e)
    print(f"\n## One decision on a {HUGE:,}-account network\n")
    print("| step | seconds |")
    print("|---|---:|")
    for k, v in timings.items():
        print(f"| {k} | {v:.2f} |")
    print(f"| **propose + approve + export** | {total_fan:.2f} |")
    print(f"\n{d['n_affected']:,} accounts, {n_st:,} statements exported in {exp['batches']} "
          f"batches; export rate {n_st / t_export:,.0f} statements/s")
    page95 = pct(lat.get("GET network page (10k)", []), 95)
    ok = (not res["errors"] and lost_notes == 0 and lost_tags == 0 and verify["ok"]
          and page95 < 300 and total_fan < 60 and n_st / t_export >= 1000 and n_st == HUGE)
    print(f"\ntargets: {'all met' if ok else 'NOT MET'} (p95 network page {page95:.0f} ms < 300; "
          f"fan-out + export {total_fan:.1f} s < 60; export {n_st / t_export:,.0f}/s >= 1,000)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
