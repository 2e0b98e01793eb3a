"""One network as a STIX 2.1 bundle, for sharing with other platforms and researchers.

Built with the OASIS ``stix2`` library (which validates every object as it is made):

- an ``identity`` for the producer (cibwatch) and an ``intrusion-set`` for the network, named
  after it, its description the assessment and its reasons;
- one ``user-account`` observable per member (``account_type`` = platform, ``user_id`` =
  account id, ``account_login`` = handle, or the id when there is no handle) and one
  ``indicator`` per member with the pattern
  ``[user-account:account_login = '...' AND user-account:account_type = '...']``;
- ``indicator``\\ s for the URLs and the domains the network pushed together (keys of its
  co-URL and link-seeding co-actions shared by at least ``min_accounts`` members, crowd keys
  left out: links a crowd shared are not the network's), ``[url:value = '...']`` and
  ``[domain-name:value = '...']``;
- one ``attack-pattern`` per DISARM technique the assessment found (``external_references``:
  source ``DISARM``, the technique id and its page; the name and, as a kill-chain phase
  ``disarm``, the tactic slug as DISARM's own bundle writes it, e.g. ``plan-objectives``, from
  the bundled DISARM v1.6 table);
- ``relationship``\\ s: the intrusion set ``uses`` each attack pattern, each indicator
  ``indicates`` the intrusion set, each account is ``related-to`` it;
- a TLP marking (``clear``/``white``, ``green``, ``amber``, ``red``; TLP 1.0 as predefined in
  STIX 2.1) on every object that can carry one.

Identifiers are UUIDv5 of their content (a namespace of our own), and ``created``/``modified``
are the time of the last post in the store, so the same store gives the same bundle, byte for
byte. :func:`cibwatch.intel.indicators.read_indicators` reads the bundle back (round trip).
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..store import Store

__all__ = ["network_bundle", "write_bundle", "TLP_LEVELS"]

#: UUIDv5 namespace of cibwatch's STIX identifiers.
NAMESPACE = uuid.UUID("6d1f2c8e-4a39-5b8e-9a55-0c1b5e0f7a21")
TLP_LEVELS = ("clear", "white", "green", "amber", "red")
_DISARM_PAGES = ("https://github.com/DISARMFoundation/DISARMframeworks/blob/main/"
                 "generated_pages/techniques")
_TECHNIQUE = re.compile(r"^T\d{4}(\.\d{3})?$")


def _id(kind: str, *parts: object) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, '|'.join(str(p) for p in (kind, *parts)))}"


def _quote(value: str) -> str:
    """A string literal of a STIX pattern."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _tlp(level: str) -> Any:
    import stix2

    level = level.lower()
    table = {"clear": stix2.TLP_WHITE, "white": stix2.TLP_WHITE, "green": stix2.TLP_GREEN,
             "amber": stix2.TLP_AMBER, "red": stix2.TLP_RED}
    if level not in table:
        raise ConfigError(f"unknown TLP level {level!r}",
                          remedy="choosing one of: " + ", ".join(TLP_LEVELS))
    return table[level]


def network_bundle(store: Store, network_id: str, tlp: str = "amber",
                   min_accounts: int = 2) -> Any:
    """The STIX 2.1 bundle of the network ``network_id`` (its stable id, or its label such as
    ``N0003``) of the store's latest run (see the module docstring). Raises
    :class:`ConfigError` when the network is not in the store."""
    import stix2

    from ..assess.verdict import disarm_techniques
    from ..runs import resolve_network

    network_id = resolve_network(store, network_id)
    marking = _tlp(tlp)
    last = store.scalar("SELECT max(created_at) FROM posts")
    when = (last.replace(tzinfo=UTC) if isinstance(last, datetime)
            else datetime(1970, 1, 1, tzinfo=UTC))
    common = {"created": when, "modified": when, "object_marking_refs": [marking]}
    a = store.fetchall(
        "SELECT assessment, kind, score, reasons, disarm FROM assessments WHERE network_id = ?",
        [network_id]) if store.table_exists("assessments") else []
    assessment, kind, score, reasons, disarm = (a[0] if a else
                                                ("coordinated", "coordination", 0.0, "", ""))
    members = store.fetchall(
        """
        SELECT ai.platform, ai.account_id, nullif(acc.handle, ''), acc.display_name
        FROM members m JOIN account_index ai USING (aid) LEFT JOIN accounts acc USING (aid)
        WHERE m.network_id = ? ORDER BY ai.platform, ai.account_id
        """, [network_id])
    links = store.fetchall(
        """
        WITH net AS (SELECT aid FROM members WHERE network_id = ?),
        c AS (SELECT key, aid_a, aid_b FROM coactions
              WHERE trace IN ('url', 'url_seed') AND NOT crowd
                AND aid_a IN (SELECT aid FROM net) AND aid_b IN (SELECT aid FROM net)),
        ends AS (SELECT key, aid_a AS aid FROM c UNION ALL SELECT key, aid_b FROM c)
        SELECT key, count(DISTINCT aid) AS n FROM ends GROUP BY key
        HAVING count(DISTINCT aid) >= ? ORDER BY n DESC, key
        """, [network_id, int(min_accounts)]) if store.table_exists("coactions") else []
    producer = stix2.Identity(id=_id("identity", "cibwatch"), name="cibwatch",
                              identity_class="system", created=when, modified=when)
    name = f"cibwatch {network_id}"
    intrusion = stix2.IntrusionSet(
        id=_id("intrusion-set", network_id, *[m[:2] for m in members]), name=name,
        description=(f"Network {network_id} of {len(members)} accounts, assessed "
                     f"{assessment} ({kind}, score {score}). {reasons or ''}").strip(),
        created_by_ref=producer.id, **common)
    objects: list[Any] = [producer, intrusion]
    for platform, account_id, handle, display in members:
        login = handle or account_id
        account = stix2.UserAccount(
            user_id=account_id, account_login=login, account_type=platform,
            **({"display_name": display} if display else {}))
        pattern = (f"[user-account:account_login = {_quote(login)} AND "
                   f"user-account:account_type = {_quote(platform)}]")
        ind = stix2.Indicator(
            id=_id("indicator", network_id, "account", platform, account_id),
            name=f"{platform} account {login}", pattern=pattern, pattern_type="stix",
            valid_from=when, indicator_types=["attribution"], created_by_ref=producer.id,
            **common)
        objects += [account, ind,
                    _rel(ind.id, "indicates", intrusion.id, common, producer.id),
                    _rel(intrusion.id, "related-to", account.id, common, producer.id)]
    domains: dict[str, int] = {}
    for key, n in links:
        host = key.split("/", 1)[0].split("?", 1)[0].lower()
        if host:
            domains[host] = domains.get(host, 0) + int(n)
        url = key if "://" in key else "https://" + key
        ind = stix2.Indicator(
            id=_id("indicator", network_id, "url", key), name=f"URL pushed by {n} accounts",
            pattern=f"[url:value = {_quote(url)}]", pattern_type="stix", valid_from=when,
            indicator_types=["attribution"], created_by_ref=producer.id, **common)
        objects += [ind, _rel(ind.id, "indicates", intrusion.id, common, producer.id)]
    for host, n in sorted(domains.items()):
        ind = stix2.Indicator(
            id=_id("indicator", network_id, "domain", host),
            name=f"domain of links pushed together ({n} account shares)",
            pattern=f"[domain-name:value = {_quote(host)}]", pattern_type="stix",
            valid_from=when, indicator_types=["attribution"], created_by_ref=producer.id,
            **common)
        objects += [ind, _rel(ind.id, "indicates", intrusion.id, common, producer.id)]
    techniques = disarm_techniques()
    for tid in sorted({c for c in (disarm or "").split(";") if _TECHNIQUE.match(c)}):
        tname, tactic = techniques.get(tid, (tid, ""))
        phase = re.sub(r"[^a-z0-9]+", "-", re.sub(r"^TA\d+\s*", "", tactic).lower()).strip("-")
        ap = stix2.AttackPattern(
            id=_id("attack-pattern", "DISARM", tid), name=tname,
            external_references=[{"source_name": "DISARM", "external_id": tid,
                                  "url": f"{_DISARM_PAGES}/{tid}.md"}],
            **({"kill_chain_phases": [{"kill_chain_name": "disarm", "phase_name": phase}]}
               if phase else {}), **common)
        objects += [ap, _rel(intrusion.id, "uses", ap.id, common, producer.id)]
    return stix2.Bundle(objects=objects, id=_id("bundle", network_id, intrusion.id, len(objects)))


def _rel(src: str, rel: str, dst: str, common: dict[str, Any], creator: str) -> Any:
    import stix2

    return stix2.Relationship(id=_id("relationship", src, rel, dst), source_ref=src,
                              relationship_type=rel, target_ref=dst, created_by_ref=creator,
                              **common)


def write_bundle(bundle: Any, path: str | Path) -> Path:
    """Write ``bundle`` as indented JSON (keys in the library's order)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = bundle.serialize(pretty=True)
    json.loads(text)  # well-formed
    path.write_text(text + "\n", encoding="utf-8")
    return path
