"""Near-duplicate co-text: accounts posting nearly the same text within the window.

Copypasta with small edits (typos, swapped words, emoji, appended hashtags), also in Chinese
and other scripts without spaces (DOMAIN.md). Method:

1. every distinct normalised text (:func:`cibwatch.normalize.normalize_text_sql`) of at least
   ``min_chars`` characters becomes a set of character ``shingle``-grams (code points, so any
   script works);
2. shingles found in more than ``stop_df`` of the texts (estimated on a sample) are dropped:
   they are the language's common letter groups ("the ", "ing "), which make unrelated texts
   look alike and flood the candidate buckets (the "stop shingles" of Theobald et al., SpotSigs,
   SIGIR 2008);
3. MinHash signatures (``bands x rows`` permutations) and LSH banding give candidate pairs
   (Broder 1997; Leskovec, Rajaraman and Ullman, *Mining of Massive Datasets*, ch. 3);
4. candidates are kept when the exact Jaccard similarity of their shingle sets is at least
   ``threshold``;
5. kept pairs are joined into clusters (connected components, as VIGINUM's D3lta does), and
   each post of a cluster with two or more distinct texts becomes an action whose key is the
   cluster (shown as its earliest text, in load order) and whose ``variant`` is the exact text:
   identical copies
   are the exact-text trace's evidence, so the two traces never count the same pair twice.

Defaults and why: ``shingle=4`` (one typo changes at most 4 shingles; 4 Chinese characters are
already specific); ``threshold=0.5`` (a 100-character post keeps Jaccard >= 0.5 through 3-5
word edits or appended hashtags; unrelated texts on the same topic stay under 0.2 after stop
shingles are removed); 32 bands of 4 rows find a pair at Jaccard 0.5 with probability 0.87 and
at 0.6 with 0.99 (1 - (1 - s^4)^32), and clusters recover most of the rest through a third
text; ``min_chars=20``: shorter texts have too few shingles for a similarity to mean anything.
Measured recall and precision are in docs/EVALUATION.md.

Cost: linear in the total text length (compiled kernels, both cores), plus a sort of
``n_texts x bands`` band keys. Memory: 4 bytes per shingle and ``4 x bands x rows`` bytes per
distinct text.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..engine import DuckDBBackend
from .base import NORM_TABLE, Trace, ensure_normalized_text

if TYPE_CHECKING:
    from ..progress import Reporter
    from ..store import Store

__all__ = ["NearDuplicateText", "near_duplicate_labels"]

#: Table of near-duplicate clusters made by ``prepare``: (tid, norm, label, rep).
CLUSTER_TABLE = "near_text"
#: The distinct normalised texts, numbered (scratch, while the clusters are made).
_NORMS = "_near_norms"


def near_duplicate_labels(
    texts: pa.Array,
    *,
    shingle: int = 4,
    bands: int = 32,
    rows: int = 4,
    threshold: float = 0.5,
    stop_df: float = 0.01,
    stop_sample: int = 100_000,
    seed: int = 0,
) -> np.ndarray:
    """Cluster label of each text (the index of the cluster's first text; -1: no signature).

    ``texts`` is an Arrow string array of normalised texts. Texts whose shingles are all stop
    shingles get no signature and the label -1.
    """
    from . import _minhash as mh  # compiled kernels: imported (and JIT-loaded) only when used

    arr = pc.cast(texts, pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    if n == 0:
        return np.empty(0, np.int64)
    _, off_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(off_buf, np.int64, count=n + 1, offset=arr.offset * 8)
    data = (
        np.frombuffer(data_buf, np.uint8) if data_buf is not None else np.zeros(1, np.uint8)
    )
    values, starts = mh.shingle_hashes(data, offsets, shingle, seed)
    bitmap, _ = mh.stop_bitmap(values, starts, stop_df, stop_sample)
    sig, kept = mh.minhash_signatures(values, starts, bitmap, bands * rows, seed)
    has = kept > 0
    left, right = mh.candidate_pairs(sig, has, bands, rows)
    labels, _ = mh.link_candidates(n, values, starts, kept, left, right, threshold)
    labels[~has] = -1
    return labels


@dataclass(frozen=True)
class NearDuplicateText(Trace):
    """Nearly the same normalised text (not identical), by different accounts within the window.

    Parameters
    ----------
    shingle:
        Shingle length in characters (code points).
    bands, rows:
        LSH banding: ``bands * rows`` MinHash permutations.
    threshold:
        Least Jaccard similarity of two texts' shingle sets.
    min_chars:
        Shortest normalised text considered.
    stop_df:
        Shingles in more than this share of the texts are ignored.
    seed:
        Seed of the hash functions (results are deterministic for a seed).
    """

    name: ClassVar[str] = "text_near"
    summary: ClassVar[str] = "posted nearly the same text"
    cross_platform: ClassVar[bool] = True
    shingle: int = 4
    bands: int = 32
    rows: int = 4
    threshold: float = 0.5
    min_chars: int = 20
    stop_df: float = 0.01
    seed: int = 0

    def prepare(self, store: Store, reporter: Reporter) -> None:
        ensure_normalized_text(store)
        # the distinct texts numbered (a scratch table), then the stage table of their clusters
        store.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {_NORMS} AS
            SELECT norm, (row_number() OVER (ORDER BY first_pid) - 1)::BIGINT AS tid
            FROM (SELECT norm, min(pid) AS first_pid FROM {NORM_TABLE}
                  WHERE length(norm) >= {int(self.min_chars)} GROUP BY norm)
            """
        )
        texts = store.arrow(f"SELECT norm FROM {_NORMS} ORDER BY tid").column(0)
        # the clusters depend on these texts, in this order, and the settings alone: a run on
        # the same texts takes back those of the run before (cibwatch.memo)
        from .. import memo
        from . import _minhash

        key = memo.digest("near_text", memo.source_digest(sys.modules[__name__], _minhash),
                          dataclasses.asdict(self), memo.arrow_digest(texts))
        kept = memo.kept_table(store, "near_text", key)
        if kept is not None:
            DuckDBBackend(store).replace(CLUSTER_TABLE, f"SELECT * FROM {kept}")
            store.execute(f"DROP TABLE {_NORMS}")
            return
        labels = near_duplicate_labels(
            texts,
            shingle=self.shingle,
            bands=self.bands,
            rows=self.rows,
            threshold=self.threshold,
            stop_df=self.stop_df,
            seed=self.seed,
        )
        lab = pa.table({"tid": pa.array(np.arange(len(labels)), pa.int64()),
                        "label": pa.array(labels, pa.int64())})
        with store.registered("near_labels", lab):
            DuckDBBackend(store).replace(
                CLUSTER_TABLE,
                f"""
                WITH l AS (
                  SELECT n.tid, n.norm, x.label FROM {_NORMS} n
                  JOIN near_labels x USING (tid) WHERE x.label >= 0),
                big AS (SELECT label FROM l GROUP BY label HAVING count(*) > 1)
                SELECT l.tid, l.norm, l.label, r.norm AS rep
                FROM l JOIN big USING (label) JOIN l r ON r.tid = l.label
                """
            )
        memo.remember_query(store, "near_text", key, f"SELECT * FROM {CLUSTER_TABLE}")
        store.execute(f"DROP TABLE {_NORMS}")

    def actions_sql(self) -> str:
        return f"""
            SELECT c.rep AS key, p.aid, p.pid, p.ts, CAST(c.tid AS VARCHAR) AS variant
            FROM {NORM_TABLE} p JOIN {CLUSTER_TABLE} c ON c.norm = p.norm
        """

    def describe_key(self) -> str:
        return "near-duplicate text"
