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
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from .errors import InputError

__all__ = ["evaluate", "is_operation"]


def is_operation(group: str) -> bool:
    return group.startswith("op_")


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


def evaluate(truth_path: str | Path, results: str | Path) -> dict[str, Any]:
    """Compare a results directory with a truth file; see the module docstring."""
    truth_rows = _read_csv(Path(truth_path), ("platform", "account_id", "group"))
    results = Path(results)
    acc_rows = _read_csv(results / "accounts.csv", ("platform", "account_id", "network_id"))
    net_path = results / "networks.csv"
    net_rows = _read_csv(net_path, ("network_id",)) if net_path.exists() else []
    truth = {(r["platform"], r["account_id"]): r["group"] for r in truth_rows}
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
            })
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
    if any(a == "inauthentic" for a in assessment.values()):
        inauth_pred = [k for k, nid in member.items() if assessment.get(nid) == "inauthentic"]
        inauth_true = [k for k in inauth_pred
                       if is_operation(truth.get(k, "")) or truth.get(k) == "spam"]
        bad_total = op_total + sizes.get("spam", 0)
        p = len(inauth_true) / len(inauth_pred) if inauth_pred else 0.0
        r = len(inauth_true) / bad_total if bad_total else 0.0
        summary.update({
            "inauthentic_precision": round(p, 4),
            "inauthentic_recall": round(r, 4),
            "inauthentic_f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        })
    networks = {
        nid: {"size": sum(c.values()), "majority": majority[nid], "purity": round(purity[nid], 4),
              "assessment": assessment.get(nid, "coordinated"),
              "groups": dict(sorted(c.items()))}
        for nid, c in sorted(nets.items())
    }
    return {"truth": str(truth_path), "results": str(results), "summary": summary,
            "groups": groups, "networks": networks}


def write_evaluation(report: dict[str, Any], path: str | Path) -> None:
    Path(path).write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")


__all__ += ["write_evaluation"]
