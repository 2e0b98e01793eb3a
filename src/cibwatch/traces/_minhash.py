"""Compiled kernels for near-duplicate text: shingling, MinHash, LSH banding, verification.

Written with numba because the per-text work (decode, shingle, hash, take minima) is a tight
loop that Python libraries run one text at a time: rensa and gaoya take 40-60 s and datasketch
about 400 s for 1 M short texts on this project's 2-core machine (docs/PEERS.md), against about
a second here. The algorithms are the textbook ones:

* MinHash: Broder, "On the resemblance and containment of documents" (1997); each of the
  ``num_perm`` hash functions is ``(a * x + b) >> 32`` over a 64-bit mixed shingle hash
  (multiply-shift, Dietzfelbinger et al. 1997).
* LSH banding: Leskovec, Rajaraman and Ullman, *Mining of Massive Datasets*, ch. 3.4: ``bands``
  bands of ``rows`` minima; two texts are candidates when a band agrees.
* Verification: exact Jaccard similarity of the two (filtered) shingle sets, only for
  candidates whose texts are not yet in one cluster (union-find).

Texts arrive as an Arrow string array (UTF-8 bytes and offsets, no copy); code points are
decoded here. All kernels are deterministic (the seeds are parameters).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = [
    "shingle_hashes",
    "stop_bitmap",
    "minhash_signatures",
    "candidate_pairs",
    "link_candidates",
    "STOP_BITS",
]

#: Size (log2 bits) of the bitmap marking stop shingles: 2^24 bits = 2 MB. A shingle is taken
#: for a stop shingle when its bit is set: with a few thousand stop shingles, one other shingle
#: in several thousand shares a bit, which changes similarities negligibly.
STOP_BITS = 24

_FNV_OFFSET = np.uint64(14695981039346656037)
_FNV_PRIME = np.uint64(1099511628211)


@njit(cache=True, inline="always")
def _mix64(x: np.uint64) -> np.uint64:  # pragma: no cover - compiled
    # splitmix64 finaliser
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


@njit(cache=True)
def _decode_utf8(buf: np.ndarray, start: int, end: int, out: np.ndarray) -> int:  # pragma: no cover
    """Decode UTF-8 bytes ``buf[start:end]`` into code points ``out``; returns the count."""
    n = 0
    i = start
    while i < end:
        c = np.uint32(buf[i])
        if c < 0x80:
            cp = c
            i += 1
        elif c < 0xE0 and i + 1 < end:
            cp = ((c & 0x1F) << 6) | (np.uint32(buf[i + 1]) & 0x3F)
            i += 2
        elif c < 0xF0 and i + 2 < end:
            cp = ((c & 0x0F) << 12) | ((np.uint32(buf[i + 1]) & 0x3F) << 6) | (
                np.uint32(buf[i + 2]) & 0x3F
            )
            i += 3
        elif i + 3 < end:
            cp = (
                ((c & 0x07) << 18)
                | ((np.uint32(buf[i + 1]) & 0x3F) << 12)
                | ((np.uint32(buf[i + 2]) & 0x3F) << 6)
                | (np.uint32(buf[i + 3]) & 0x3F)
            )
            i += 4
        else:
            cp = c
            i += 1
        out[n] = cp
        n += 1
    return n


@njit(cache=True, parallel=True)
def _shingle_kernel(
    buf: np.ndarray, offsets: np.ndarray, k: int, seed: np.uint64, out_off: np.ndarray,
    out: np.ndarray,
) -> None:  # pragma: no cover
    n = offsets.shape[0] - 1
    for d in prange(n):
        start = offsets[d]
        end = offsets[d + 1]
        cps = np.empty(end - start + 1, np.uint32)
        m = _decode_utf8(buf, start, end, cps)
        base = out_off[d]
        if m <= k:
            h = _FNV_OFFSET ^ seed
            for j in range(m):
                h = (h ^ np.uint64(cps[j])) * _FNV_PRIME
            out[base] = np.uint32(_mix64(h) >> np.uint64(32))
            for i in range(1, out_off[d + 1] - base):
                out[base + i] = out[base]
        else:
            for i in range(m - k + 1):
                h = _FNV_OFFSET ^ seed
                for j in range(k):
                    h = (h ^ np.uint64(cps[i + j])) * _FNV_PRIME
                out[base + i] = np.uint32(_mix64(h) >> np.uint64(32))
            # fewer code points than bytes: repeat the last shingle (sets are unchanged)
            for i in range(m - k + 1, out_off[d + 1] - base):
                out[base + i] = out[base + m - k]


def shingle_hashes(
    buf: np.ndarray, offsets: np.ndarray, k: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """32-bit hashes of the ``k``-code-point shingles of each text (with repeats).

    ``buf``/``offsets`` are an Arrow string array's UTF-8 data and offsets. Returns CSR arrays
    ``(values, starts)``: text ``d``'s shingles are ``values[starts[d]:starts[d + 1]]``. A text
    of at most ``k`` code points is one shingle.
    """
    offsets = offsets.astype(np.int64)
    nbytes = np.diff(offsets)
    counts = np.maximum(1, nbytes - k + 1)
    starts = np.zeros(counts.shape[0] + 1, np.int64)
    np.cumsum(counts, out=starts[1:])
    out = np.empty(starts[-1], np.uint32)
    _shingle_kernel(buf, offsets, k, np.uint64(seed), starts, out)
    return out, starts


@njit(cache=True, parallel=True)
def _unique_counts_kernel(
    values: np.ndarray, starts: np.ndarray, picks: np.ndarray, out_off: np.ndarray,
    out: np.ndarray, out_len: np.ndarray,
) -> None:  # pragma: no cover
    for t in prange(picks.shape[0]):
        d = picks[t]
        seg = np.sort(values[starts[d] : starts[d + 1]])
        u = 0
        base = out_off[t]
        for i in range(seg.shape[0]):
            if i == 0 or seg[i] != seg[i - 1]:
                out[base + u] = seg[i]
                u += 1
        out_len[t] = u


@njit(cache=True)
def _set_bits(bitmap: np.ndarray, hashes: np.ndarray, bits: int) -> None:  # pragma: no cover
    shift = np.uint32(32 - bits)
    for h in hashes:
        b = np.uint32(h) >> shift
        bitmap[b >> np.uint32(6)] |= np.uint64(1) << np.uint64(b & np.uint32(63))


def stop_bitmap(
    values: np.ndarray, starts: np.ndarray, stop_df: float, sample: int, min_texts: int = 1000
) -> tuple[np.ndarray, int]:
    """Bitmap of the shingles found in more than ``stop_df`` of the texts (document frequency
    estimated on an even sample of at most ``sample`` texts). No stop shingles when there are
    fewer than ``min_texts`` texts. Returns ``(bitmap, number of stop shingles)``."""
    bitmap = np.zeros((1 << STOP_BITS) // 64, np.uint64)
    n = starts.shape[0] - 1
    if stop_df <= 0 or n < min_texts:
        return bitmap, 0
    picks = np.arange(0, n, max(1, n // sample), dtype=np.int64)
    lens = starts[picks + 1] - starts[picks]
    out_off = np.zeros(picks.shape[0] + 1, np.int64)
    np.cumsum(lens, out=out_off[1:])
    out = np.empty(out_off[-1], np.uint32)
    out_len = np.empty(picks.shape[0], np.int64)
    _unique_counts_kernel(values, starts, picks, out_off, out, out_len)
    mask = np.zeros(out.shape[0], np.bool_)
    for t in range(picks.shape[0]):  # keep each text's unique prefix
        mask[out_off[t] : out_off[t] + out_len[t]] = True
    uniq, counts = np.unique(out[mask], return_counts=True)
    stop = uniq[counts > stop_df * picks.shape[0]]
    _set_bits(bitmap, stop.astype(np.uint32), STOP_BITS)
    return bitmap, int(stop.shape[0])


@njit(cache=True, inline="always")
def _is_stop(bitmap: np.ndarray, h: np.uint32, shift: np.uint32) -> bool:  # pragma: no cover
    b = h >> shift
    return (bitmap[b >> np.uint32(6)] >> np.uint64(b & np.uint32(63))) & np.uint64(1) != 0


@njit(cache=True, parallel=True)
def _minhash_kernel(
    values: np.ndarray, starts: np.ndarray, bitmap: np.ndarray, shift: np.uint32,
    a: np.ndarray, b: np.ndarray, sig: np.ndarray, kept: np.ndarray,
) -> None:  # pragma: no cover
    n = starts.shape[0] - 1
    p = a.shape[0]
    for d in prange(n):
        s0 = starts[d]
        # the text's set, in place: stop shingles dropped, then sorted and made unique
        m = 0
        for i in range(s0, starts[d + 1]):
            h = values[i]
            if not _is_stop(bitmap, h, shift):
                values[s0 + m] = h
                m += 1
        seg = values[s0 : s0 + m]
        seg.sort()
        u = 0
        for i in range(m):
            if i == 0 or seg[i] != seg[i - 1]:
                seg[u] = seg[i]
                u += 1
        kept[d] = u
        for j in range(p):
            sig[d, j] = np.uint32(0xFFFFFFFF)
        for i in range(s0, s0 + u):
            x = _mix64(np.uint64(values[i]))
            for j in range(p):
                v = np.uint32((a[j] * x + b[j]) >> np.uint64(32))
                if v < sig[d, j]:
                    sig[d, j] = v


def minhash_signatures(
    values: np.ndarray, starts: np.ndarray, bitmap: np.ndarray, num_perm: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures (``n_texts x num_perm`` uint32) of each text's set of shingles that
    are not stop shingles, and the size of that set (0: no signature).

    Each text's set is also left in ``values`` (sorted, unique), at the start of its segment:
    ``values[starts[d]:starts[d] + size[d]]``, ready for exact verification.
    """
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, num_perm, dtype=np.uint64)
    sig = np.empty((starts.shape[0] - 1, num_perm), np.uint32)
    kept = np.empty(starts.shape[0] - 1, np.int64)
    _minhash_kernel(values, starts, bitmap, np.uint32(32 - STOP_BITS), a, b, sig, kept)
    return sig, kept


@njit(cache=True, parallel=True)
def _band_kernel(
    sig: np.ndarray, idx: np.ndarray, bands: int, rows: int, idx_bits: int, out: np.ndarray
) -> None:  # pragma: no cover
    low = (np.uint64(1) << np.uint64(idx_bits)) - np.uint64(1)
    for t in prange(idx.shape[0]):
        d = idx[t]
        for bnd in range(bands):
            h = _FNV_OFFSET ^ (np.uint64(bnd + 1) * np.uint64(0x9E3779B97F4A7C15))
            for r in range(rows):
                h = (h ^ np.uint64(sig[d, bnd * rows + r])) * _FNV_PRIME
            out[t * bands + bnd] = (_mix64(h) & ~low) | np.uint64(t)


@njit(cache=True)
def _scan_kernel(keys: np.ndarray, idx: np.ndarray, idx_bits: int, left: np.ndarray,
                 right: np.ndarray) -> int:  # pragma: no cover
    low = (np.uint64(1) << np.uint64(idx_bits)) - np.uint64(1)
    n = 0
    head = np.int64(-1)
    prev = np.int64(-1)
    for i in range(keys.shape[0]):
        t = np.int64(keys[i] & low)
        if i > 0 and (keys[i] & ~low) == (keys[i - 1] & ~low):
            left[n] = idx[head]
            right[n] = idx[t]
            n += 1
            if prev != head:
                left[n] = idx[prev]
                right[n] = idx[t]
                n += 1
        else:
            head = t
        prev = t
    return n


def candidate_pairs(
    sig: np.ndarray, has: np.ndarray, bands: int, rows: int
) -> tuple[np.ndarray, np.ndarray]:
    """LSH candidates among the texts with a signature: within each (band, band hash) bucket,
    every member with the bucket's first member and with its predecessor (linear in the bucket
    size, and enough to connect the bucket). The text index is packed into the low bits of each
    band key so that one ``np.sort`` groups the buckets."""
    idx = np.nonzero(has)[0].astype(np.int64)
    if idx.shape[0] == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    idx_bits = max(1, int(idx.shape[0] - 1).bit_length())
    keys = np.empty(idx.shape[0] * bands, np.uint64)
    _band_kernel(sig, idx, bands, rows, idx_bits, keys)
    keys.sort()
    left = np.empty(2 * keys.shape[0], np.int64)
    right = np.empty(2 * keys.shape[0], np.int64)
    n = _scan_kernel(keys, idx, idx_bits, left, right)
    return left[:n], right[:n]


@njit(cache=True)
def _jaccard_at_least(sa: np.ndarray, sb: np.ndarray, threshold: float) -> bool:  # pragma: no cover
    na = sa.shape[0]
    nb = sb.shape[0]
    if na == 0 or nb == 0:
        return False
    inter = 0
    x = 0
    y = 0
    while x < na and y < nb:
        if sa[x] == sb[y]:
            inter += 1
            x += 1
            y += 1
        elif sa[x] < sb[y]:
            x += 1
        else:
            y += 1
    return inter >= threshold * (na + nb - inter)


@njit(cache=True)
def _find(parent: np.ndarray, x: int) -> int:  # pragma: no cover
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


@njit(cache=True)
def _link_kernel(
    n: int, values: np.ndarray, starts: np.ndarray, sizes: np.ndarray,
    left: np.ndarray, right: np.ndarray, threshold: float,
) -> tuple[np.ndarray, int]:  # pragma: no cover
    parent = np.arange(n)
    verified = 0
    for t in range(left.shape[0]):
        a = _find(parent, left[t])
        b = _find(parent, right[t])
        if a == b:
            continue  # already in one cluster: nothing to learn from this candidate
        i, j = left[t], right[t]
        sa = values[starts[i] : starts[i] + sizes[i]]
        sb = values[starts[j] : starts[j] + sizes[j]]
        verified += 1
        if _jaccard_at_least(sa, sb, threshold):
            if a < b:
                parent[b] = a
            else:
                parent[a] = b
    for x in range(n):
        parent[x] = _find(parent, x)
    return parent, verified


def link_candidates(
    n: int, values: np.ndarray, starts: np.ndarray, sizes: np.ndarray, left: np.ndarray,
    right: np.ndarray, threshold: float,
) -> tuple[np.ndarray, int]:
    """Cluster labels from candidate pairs, verifying a pair only when its two texts are not
    yet in one cluster (a near-identical pair is a candidate in almost every band). Returns the
    labels (each the cluster's smallest index) and the number of pairs verified. The sets are
    those :func:`minhash_signatures` left in ``values`` (``sizes`` long)."""
    return _link_kernel(n, values, starts, sizes, left.astype(np.int64),
                        right.astype(np.int64), threshold)
