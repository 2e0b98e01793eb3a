"""``cibwatch evaluate``: detection results against a ground truth.

The truth is a CSV with ``platform, account_id, group`` (``cibwatch simulate`` writes one).
Groups named ``op_<name>`` are planted operations; ``spam`` is commercial spam; every other
group is authentic (``organic``, ``breaking_news``, ``fandom``, ``activists``,
``news_aggregators`` in simulated worlds). Results are a ``detect`` (or ``expand``) output
directory: its ``accounts.csv`` says which accounts are in which network, its
``networks.csv`` how each network is assessed.

Metrics (all account-level):

* per operation: **recall** (share of its accounts in any reported network: the issue's target
  measure), and precision, recall and F1 of the networks *attributed* to it (those whose
  largest group it is); **completeness** (largest share of its accounts in one network) and
  the number of networks it is spread over;
* per authentic group: the **false-positive rate** (share of its accounts in any reported
  network), and, when networks carry an ``inauthentic`` assessment, the share assessed
  ``inauthentic``;
* per group, the kinds (``influence_operation``, ``spam``) of the networks its accounts
  assessed ``inauthentic`` are in; overall, **inauthentic precision and recall**: accounts in
  networks assessed ``inauthentic`` against the accounts of operations and spam;
* per network: **purity** (share of its largest group); the size-weighted mean over networks,
  and the least.

With the posts (``posts=``, e.g. the world's ``posts.parquet``), each operation's median
posts per member is counted (posts at or after ``since`` only, when given: a repurposed
account's past life is not activity of the operation) and the operation is **eligible** for
the recall target when it has at least ``min_accounts`` accounts (10) and its median member
posted at least ``min_median_posts`` times (3): issue 10's rule, below which no method can
be asked to find an operation. Members that never posted count as 0.

Every proportion comes with a **Wilson score interval** (95 %, :func:`wilson`; Wilson 1927;
Brown, Cai and DasGupta 2001 recommend it over the normal interval for small counts and rates
near 0 or 1): ``*_ci`` keys, ``[low, high]``.

With the seeds of an expansion (``seeds=``, a CSV ``platform,account_id``; ``results`` the
``expand`` output directory), ``expansion`` says which operation the seeds belong to (their
largest truth group) and on which platform (their most common), and measures, seeds
included: **recall on the seeds' platform** (share of the operation's accounts there that
were found), **recall overall** (all its accounts), **precision** (share of the accounts found
that are its own), recall on the platform beyond the seeds, and what else was found, by group.

Group types: a truth group's type is its name without a trailing ``_<number>``
(``fandom_2`` -> ``fandom``); every ``op_*`` group is of type ``operation``
(:func:`group_type`).
"""

from __future__ import annotations

import csv
import json
import math
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from .errors import InputError

__all__ = ["evaluate", "is_operation", "wilson", "group_type", "Z95", "MIN_ACCOUNTS",
           "MIN_MEDIAN_POSTS"]

#: The normal quantile of a two-sided 95 % interval.
Z95 = 1.959963984540054
#: Eligibility of an operation for the recall target (issue 10): at least this many accounts,
MIN_ACCOUNTS = 10
#: ... and at least this many posts by its median member.
MIN_MEDIAN_POSTS = 3.0


def is_operation(group: str) -> bool:
    return group.startswith("op_")


def group_type(group: str) -> str:
    """The type of a truth group: ``operation`` for ``op_*``, else the name without a trailing
    ``_<number>`` (``fandom_2`` -> ``fandom``, ``breaking_news`` stays)."""
    if is_operation(group):
        return "operation"
    head, sep, tail = group.rpartition("_")
    return head if sep and tail.isdigit() else group


def wilson(k: int, n: int, z: float = Z95) -> list[float] | None:
    """Wilson score interval ``[low, high]`` of the proportion ``k / n`` (None when ``n`` is 0).

    ``(p + z^2/2n +- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)``; Wilson (1927), "Probable
    inference, the law of succession, and statistical inference", JASA 22; Brown, Cai and
    DasGupta (2001), "Interval estimation for a binomial proportion", Statistical Science 16.
    """
    if n <= 0:
        return None
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return [round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)]


def _ratio(k: int, n: int) -> float | None:
    return round(k / n, 4) if n else None


def post_counts(posts: str | Path, since: str | None = None) -> Counter[tuple[str, str]]:
    """Posts per ``(platform, account_id)`` in a canonical posts Parquet file (at or after
    ``since``, an ISO time, when given)."""
    import datetime as dt

    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    path = Path(posts)
    if not path.exists():
        raise InputError(f"{path}: no such file", remedy="passing the world's posts.parquet")
    t = pq.read_table(path, columns=["platform", "account_id", "created_at"])
    if since:
        try:
            when = dt.datetime.fromisoformat(since.replace("Z", "+00:00"))
        except ValueError:
            raise InputError(f"cannot read the time {since!r}",
                             remedy="writing it like 2026-03-02T00:00:00Z") from None
        if when.tzinfo is not None:
            when = when.astimezone(dt.UTC).replace(tzinfo=None)
        t = t.filter(pc.greater_equal(t.column("created_at"), pa.scalar(
            when, type=t.schema.field("created_at").type)))
    g = t.group_by(["platform", "account_id"]).aggregate([([], "count_all")])
    return Counter({(p, a): int(n) for p, a, n in zip(
        g.column("platform").to_pylist(), g.column("account_id").to_pylist(),
        g.column("count_all").to_pylist(), strict=True)})


def _median(values: list[int]) -> float:
    v = sorted(values)
    n = len(v)
    if not n:
        return 0.0
    return float(v[n // 2]) if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def _read_csv(path: Path, need: tuple[str, ...]) -> list[dict[str, str]]:
    if not path.exists():
        raise InputError(f"{path}: no such file", remedy="passing the right file or directory")
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
        missing = [c for c in need if rows and c not in rows[0]]
        if missing or (not rows and need):
            header = fh.name
            if missing:
                raise InputError(f"{header}: missing column(s) {missing}",
                                 remedy="checking that it is the right file")
    return rows


def evaluate(truth_path: str | Path, results: str | Path, *, posts: str | Path | None = None,
             since: str | None = None, seeds: str | Path | None = None,
             min_accounts: int = MIN_ACCOUNTS,
             min_median_posts: float = MIN_MEDIAN_POSTS) -> dict[str, Any]:
    """Compare a results directory with a truth file; see the module docstring.

    Parameters
    ----------
    posts, since
        The world's posts (Parquet) and the start of its period: operations' posts per member
        and their eligibility (None: not counted, no eligibility).
    seeds
        The seeds file of an expansion whose output ``results`` is: adds ``expansion``.
    min_accounts, min_median_posts
        The eligibility rule (issue 10: 10 accounts, a median of 3 posts per member).
    """
    truth_rows = _read_csv(Path(truth_path), ("platform", "account_id", "group"))
    results = Path(results)
    acc_rows = _read_csv(results / "accounts.csv", ("platform", "account_id", "network_id"))
    net_path = results / "networks.csv"
    net_rows = _read_csv(net_path, ("network_id",)) if net_path.exists() else []
    truth = {(r["platform"], r["account_id"]): r["group"] for r in truth_rows}
    counts = post_counts(posts, since) if posts is not None else None
    sizes = Counter(truth.values())
    member: dict[tuple[str, str], str] = {
        (r["platform"], r["account_id"]): r["network_id"] for r in acc_rows if r["network_id"]
    }
    assessment = {r["network_id"]: r.get("assessment", "coordinated") for r in net_rows}
    kind = {r["network_id"]: r.get("kind", "") for r in net_rows}
    unknown = [k for k in member if k not in truth]

    nets: dict[str, Counter[str]] = defaultdict(Counter)
    for key, nid in member.items():
        nets[nid][truth.get(key, "(not in truth)")] += 1
    majority = {nid: c.most_common(1)[0][0] for nid, c in nets.items()}
    purity = {nid: c.most_common(1)[0][1] / sum(c.values()) for nid, c in nets.items()}
    total = sum(sum(c.values()) for c in nets.values())

    groups: dict[str, Any] = {}
    for g, n in sorted(sizes.items()):
        in_net = [k for k, grp in truth.items() if grp == g and k in member]
        inauth = [k for k in in_net if assessment.get(member[k]) == "inauthentic"]
        entry: dict[str, Any] = {
            "accounts": n,
            "in_networks": len(in_net),
            "rate_in_networks": round(len(in_net) / n, 4),
            "assessed_inauthentic": len(inauth),
            "rate_inauthentic": round(len(inauth) / n, 4),
            "kind": "operation" if is_operation(g) else ("spam" if g == "spam" else "authentic"),
            "assessed_kinds": dict(sorted(Counter(
                kind.get(member[k]) or "coordination" for k in inauth).items())),
            "type": group_type(g),
            "rate_in_networks_ci": wilson(len(in_net), n),
            "rate_inauthentic_ci": wilson(len(inauth), n),
        }
        if is_operation(g):
            attributed = [nid for nid, m in majority.items() if m == g]
            pred = sum(sum(nets[nid].values()) for nid in attributed)
            tp = sum(nets[nid][g] for nid in attributed)
            prec = tp / pred if pred else 0.0
            rec = tp / n
            entry.update({
                "recall": round(len(in_net) / n, 4),
                "attributed_networks": sorted(attributed),
                "precision_attributed": round(prec, 4),
                "recall_attributed": round(rec, 4),
                "f1_attributed": round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0,
                "completeness": round(max((c[g] for c in nets.values()), default=0) / n, 4),
                "networks_touched": sum(1 for c in nets.values() if c[g]),
                "recall_ci": wilson(len(in_net), n),
                "inauthentic_recall": round(len(inauth) / n, 4),
                "inauthentic_recall_ci": wilson(len(inauth), n),
            })
            if counts is not None:
                med = _median([counts.get(k, 0) for k, grp in truth.items() if grp == g])
                entry["median_posts"] = med
                entry["eligible"] = n >= min_accounts and med >= min_median_posts
        groups[g] = entry

    ops = [g for g in sizes if is_operation(g)]
    op_total = sum(sizes[g] for g in ops)
    op_found = sum(groups[g]["in_networks"] for g in ops)
    op_attr_nets = [nid for nid, m in majority.items() if is_operation(m)]
    pred = sum(sum(nets[nid].values()) for nid in op_attr_nets)
    tp = sum(sum(v for k, v in nets[nid].items() if is_operation(k)) for nid in op_attr_nets)
    authentic = [g for g in sizes if not is_operation(g) and g != "spam"]
    auth_total = sum(sizes[g] for g in authentic)
    auth_in = sum(groups[g]["in_networks"] for g in authentic)
    summary = {
        "operation_accounts": op_total,
        "operation_recall": round(op_found / op_total, 4) if op_total else None,
        "operation_precision_attributed": round(tp / pred, 4) if pred else None,
        "authentic_accounts": auth_total,
        "authentic_rate_in_networks": round(auth_in / auth_total, 4) if auth_total else None,
        "networks": len(nets),
        "accounts_in_networks": total,
        "purity_weighted": round(
            sum(purity[n] * sum(nets[n].values()) for n in nets) / total, 4) if total else None,
        "purity_min": round(min(purity.values()), 4) if purity else None,
        "members_not_in_truth": len(unknown),
    }
    inauth_pred = [k for k, nid in member.items() if assessment.get(nid) == "inauthentic"]
    inauth_true = [k for k in inauth_pred
                   if is_operation(truth.get(k, "")) or truth.get(k) == "spam"]
    bad_total = op_total + sizes.get("spam", 0)
    p = len(inauth_true) / len(inauth_pred) if inauth_pred else 0.0
    r = len(inauth_true) / bad_total if bad_total else 0.0
    auth_inauth = sum(groups[g]["assessed_inauthentic"] for g in authentic)
    summary.update({
        # share of the accounts in networks assessed inauthentic that are operations or spam
        # (None: no such network)
        "inauthentic_precision": round(p, 4) if inauth_pred else None,
        "inauthentic_precision_ci": wilson(len(inauth_true), len(inauth_pred)),
        "inauthentic_accounts": len(inauth_pred),
        "inauthentic_correct": len(inauth_true),
        "inauthentic_recall": round(r, 4),
        "inauthentic_f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "authentic_rate_inauthentic": _ratio(auth_inauth, auth_total),
        "operation_recall_ci": wilson(op_found, op_total),
    })
    if counts is not None:
        summary["eligibility_rule"] = (
            f"an operation is eligible when it has at least {min_accounts} accounts and its "
            f"median member posted at least {min_median_posts:g} times"
            + (f" since {since}" if since else ""))
        elig = [g for g in ops if groups[g].get("eligible")]
        n_el = sum(sizes[g] for g in elig)
        f_el = sum(groups[g]["in_networks"] for g in elig)
        summary.update({
            "eligible_operations": sorted(elig),
            "eligible_accounts": n_el,
            "eligible_recall": _ratio(f_el, n_el),
            "eligible_recall_ci": wilson(f_el, n_el),
        })
    networks = {
        nid: {"size": sum(c.values()), "majority": majority[nid], "purity": round(purity[nid], 4),
              "assessment": assessment.get(nid, "coordinated"),
              "groups": dict(sorted(c.items()))}
        for nid, c in sorted(nets.items())
    }
    report = {"truth": str(truth_path), "results": str(results), "summary": summary,
              "groups": groups, "networks": networks}
    if seeds is not None:
        report["expansion"] = evaluate_expansion(truth, set(member), Path(seeds))
    return report


def evaluate_expansion(truth: dict[tuple[str, str], str], found: set[tuple[str, str]],
                       seeds_path: Path) -> dict[str, Any]:
    """An expansion's recall and precision against the operation of its seeds (see the module
    docstring)."""
    rows = _read_csv(seeds_path, ("platform", "account_id"))
    seeds = {(r["platform"], r["account_id"]) for r in rows}
    if not seeds:
        raise InputError(f"{seeds_path}: no seeds", remedy="passing the seeds file of the run")
    op = Counter(truth.get(k, "(not in truth)") for k in seeds).most_common(1)[0][0]
    platform = Counter(p for p, _ in seeds).most_common(1)[0][0]
    mine = {k for k, g in truth.items() if g == op}
    there = {k for k in mine if k[0] == platform}
    hit = found & mine
    beyond = there - seeds
    return {
        "seeds": str(seeds_path), "operation": op, "platform": platform,
        "accounts_on_platform": len(there), "accounts": len(mine), "found": len(found),
        "found_on_platform": len(hit & there), "found_of_operation": len(hit),
        "recall_on_platform": _ratio(len(hit & there), len(there)),
        "recall_on_platform_ci": wilson(len(hit & there), len(there)),
        "recall_beyond_seeds": _ratio(len(hit & beyond), len(beyond)),
        "recall": _ratio(len(hit), len(mine)),
        "recall_ci": wilson(len(hit), len(mine)),
        "precision": _ratio(len(hit), len(found)),
        "precision_ci": wilson(len(hit), len(found)),
        "others_found": dict(sorted(Counter(truth.get(k, "(not in truth)")
                                            for k in found - mine).items())),
    }


def write_evaluation(report: dict[str, Any], path: str | Path) -> None:
    Path(path).write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")


__all__ += ["write_evaluation", "evaluate_expansion", "post_counts"]
