"""Accounts made in bulk: creation times in tight batches, generated handles.

DISARM T0150.008 Bulk Created Asset; DOMAIN.md: "creation times in tight batches;
auto-generated handles like FirstnameLast + 8 digits (the X default pattern)". Per network:
the largest number of members created within any ``window_hours`` (a sliding window over the
sorted creation times), and the share of members whose handle matches the default pattern
(:data:`GENERATED_HANDLE`). Ordinary people who coordinate (fans, activists) opened their
accounts over years.

Cost: a sort of the members' creation times per network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine import dialect

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["CreationBatches", "GENERATED_HANDLE"]

#: The handle X suggests when a name is taken: a first and a last name and eight digits.
GENERATED_HANDLE = re.compile(r"^[A-Z][a-z]+[A-Z][a-z]+[0-9]{8}$")


@dataclass
class CreationBatches:
    """Creation batches and generated handles per network.

    Parameters
    ----------
    window_hours:
        Width of a creation batch (default 24 hours).
    min_batch, min_share:
        A network has a batch when at least ``min_batch`` members, and ``min_share`` of the
        members whose creation time is known, were created within one window (defaults 3 and
        0.3).
    min_generated, min_generated_accounts:
        Share of members with generated handles that counts (default 0.3), and the least
        number of such members (default 2).
    """

    window_hours: float = 24.0
    min_batch: int = 3
    min_share: float = 0.3
    min_generated: float = 0.3
    min_generated_accounts: int = 2
    results_: dict[str, dict[str, Any]] = field(default_factory=dict, init=False)

    def fit(self, store: Store) -> CreationBatches:
        rows = store.fetchall(
            f"""
            SELECT m.network_id, {dialect.epoch_s('a.created_at')}, a.handle
            FROM members m LEFT JOIN accounts a USING (aid)
            ORDER BY m.network_id, m.aid
            """
        )
        by_net: dict[str, list[tuple[float | None, str | None]]] = {}
        for nid, created, handle in rows:
            by_net.setdefault(nid, []).append((created, handle))
        w = self.window_hours * 3600
        self.results_ = {}
        for nid, items in by_net.items():
            created = np.sort(np.array([c for c, _ in items if c is not None], float))
            batch, start = 0, None
            if created.shape[0]:
                ends = np.searchsorted(created, created + w, side="right")
                counts = ends - np.arange(created.shape[0])
                i = int(np.argmax(counts))
                batch, start = int(counts[i]), float(created[i])
            handles = [h for _, h in items if h]
            generated = sum(1 for h in handles if GENERATED_HANDLE.match(h))
            known = int(created.shape[0])
            self.results_[nid] = {
                "members": len(items),
                "created_known": known,
                "batch": batch,
                "batch_start": start,
                "batched": (known > 0 and batch >= self.min_batch
                            and batch / known >= self.min_share),
                "generated_handles": generated,
                "handles": len(handles),
                "generated": (bool(handles) and generated >= self.min_generated_accounts
                              and generated / len(handles) >= self.min_generated),
            }
        return self
