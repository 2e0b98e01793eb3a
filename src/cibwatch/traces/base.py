"""What a behavioural trace is: a rule that turns posts into actions.

An action is ``(key, aid, pid, ts, variant)``: account ``aid`` did something identified by
``key`` (the post it reshared, the URL it shared ...) in post ``pid`` at ``ts`` (microseconds
since the epoch, UTC). Two actions with the same key by different accounts within the trace's
window are a co-action (:mod:`cibwatch.coaction`); everything after that is shared by every
trace. ``variant`` (optional) marks actions that should not pair with each other although they
share a key: the near-duplicate trace sets it to the exact text, so that identical copies are
left to the exact-text trace and the two traces count disjoint evidence.

A trace is an estimator-style object: parameters in ``__init__`` and nothing else; the
``actions_sql`` method returns one SELECT over the store's ``posts`` table. A trace that needs
work outside SQL (near-duplicate text) does it in ``prepare``.
"""

from __future__ import annotations

import sys
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from ..engine import DuckDBBackend

if TYPE_CHECKING:
    from ..progress import Reporter
    from ..store import Store

__all__ = ["Trace", "TS_SQL", "ensure_normalized_text", "NORM_TABLE"]

#: Action time: microseconds since the epoch (UTC), from the canonical ``created_at``.
TS_SQL = "epoch_us(created_at)"


#: Table of normalised post texts, shared by the text traces within one detection run.
NORM_TABLE = "post_norm"


def ensure_normalized_text(store: Store) -> str:
    """Create (once per run) ``post_norm(pid, aid, ts, norm)``: the normalised text of every
    post that is not a reshare and has text. Returns the table name.

    The normalised texts are remembered in the store (:mod:`cibwatch.memo`, with a hash of
    each post's text): a later run normalises only the posts that are new or whose text
    changed, as long as the normalisation's code is the same."""
    from .. import memo, normalize

    if store.table_exists(NORM_TABLE):
        return NORM_TABLE
    import duckdb

    key = memo.digest("post_norm", memo.source_digest(normalize, sys.modules[__name__]),
                      duckdb.__version__)
    kept = memo.kept_table(store, "post_norm", key)
    norm = normalize.normalize_text_sql("p.text")
    if kept is None:
        select = f"SELECT p.pid, p.aid, {TS_SQL} AS ts, hash(p.text) AS h, {norm} AS norm " \
                 "FROM posts p WHERE p.reshare_of IS NULL AND p.text <> ''"
    else:
        select = f"""
            SELECT p.pid, p.aid, {TS_SQL} AS ts, hash(p.text) AS h,
                   CASE WHEN k.pid IS NULL THEN {norm} ELSE k.norm END AS norm
            FROM posts p LEFT JOIN {kept} k ON k.pid = p.pid AND k.h = hash(p.text)
            WHERE p.reshare_of IS NULL AND p.text <> ''"""
    store.execute(f"CREATE OR REPLACE TEMP TABLE post_norm_h AS {select}")
    DuckDBBackend(store).materialise(NORM_TABLE, "SELECT pid, aid, ts, norm FROM post_norm_h")
    memo.remember_query(store, "post_norm", key, "SELECT pid, h, norm FROM post_norm_h")
    store.execute("DROP TABLE post_norm_h")
    return NORM_TABLE


@dataclass(frozen=True)
class Trace(ABC):
    """Base class of the traces; see the module docstring."""

    #: Short name used on the command line and in outputs.
    name: ClassVar[str]
    #: One line for ``--help`` and reports.
    summary: ClassVar[str]
    #: Whether ``detect`` runs it when ``--traces`` is not given.
    default: ClassVar[bool] = True
    #: Whether keys are scoped to a platform (ids) or comparable across platforms (URLs, text).
    cross_platform: ClassVar[bool] = False
    #: Default co-action windows (seconds), each tested: one minute for tightly synchronised
    #: action (the peers' usual setting), ten minutes for a team working through a message
    #: together. Longer windows cost much more on popular keys and, measured on the simulated
    #: worlds, mostly add coincidences (docs/EVALUATION.md).
    windows: ClassVar[tuple[float, ...]] = (60.0, 600.0)

    def prepare(self, store: Store, reporter: Reporter) -> None:  # noqa: B027 - optional hook
        """Work to do before ``actions_sql`` can run (default: none)."""

    @abstractmethod
    def actions_sql(self) -> str:
        """SELECT key, aid, pid, ts, variant FROM posts ... (one row per action)."""

    def describe_key(self) -> str:
        """What a key of this trace is, for reports."""
        return "key"
