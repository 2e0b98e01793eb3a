"""One random source for the whole world.

Everything draws from a single ``numpy.random.Generator`` seeded by ``--seed``.
Scalar draws come from buffered blocks of that generator (fast in Python);
vector draws call the generator directly.  The order of calls is fixed by the
program, so a seed always yields the same world.
"""
from __future__ import annotations

import bisect
import math

import numpy as np

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_HEX = "0123456789abcdef"
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_ALNUM_LOW = "abcdefghijklmnopqrstuvwxyz0123456789"


class Rand:
    BLOCK = 1 << 16

    def __init__(self, seed: int):
        self.g = np.random.default_rng(seed)
        self._u = self.g.random(self.BLOCK)
        self._i = 0
        self._n = self.g.standard_normal(self.BLOCK)
        self._j = 0

    # ---- scalars -------------------------------------------------------
    def u(self) -> float:
        if self._i >= self.BLOCK:
            self._u = self.g.random(self.BLOCK)
            self._i = 0
        v = self._u[self._i]
        self._i += 1
        return float(v)

    def normal(self, mu: float = 0.0, sd: float = 1.0) -> float:
        if self._j >= self.BLOCK:
            self._n = self.g.standard_normal(self.BLOCK)
            self._j = 0
        v = self._n[self._j]
        self._j += 1
        return mu + sd * float(v)

    def lognormal(self, median: float, sigma: float) -> float:
        return median * math.exp(self.normal(0.0, sigma))

    def expo(self, mean: float) -> float:
        return -mean * math.log(1.0 - self.u())

    def randint(self, lo: int, hi: int | None = None) -> int:
        """randint(n) -> [0, n); randint(lo, hi) -> [lo, hi] inclusive."""
        if hi is None:
            return min(int(self.u() * lo), lo - 1)
        return lo + min(int(self.u() * (hi - lo + 1)), hi - lo)

    def chance(self, p: float) -> bool:
        return self.u() < p

    def choice(self, seq):
        return seq[min(int(self.u() * len(seq)), len(seq) - 1)]

    def wchoice(self, seq, weights):
        cum = list(_accumulate(weights))
        return seq[self.wpick(cum)]

    def wpick(self, cum) -> int:
        """Index drawn from a cumulative-weight list."""
        x = self.u() * cum[-1]
        return min(bisect.bisect_right(cum, x), len(cum) - 1)

    def sample(self, seq, k: int):
        """k distinct items, order random."""
        k = min(k, len(seq))
        idx = self.g.choice(len(seq), size=k, replace=False)
        return [seq[int(i)] for i in idx]

    def wsample(self, seq, weights, k: int):
        """k distinct items drawn with probability proportional to weights."""
        w = np.asarray(weights, dtype=float)
        k = min(k, int((w > 0).sum()))
        if k <= 0:
            return []
        # Efraimidis-Spirakis keys: largest u**(1/w)
        keys = np.log(self.g.random(len(w))) / np.where(w > 0, w, 1e-300)
        keys[w <= 0] = -np.inf
        idx = np.argsort(-keys, kind="stable")[:k]
        return [seq[int(i)] for i in idx]

    def poisson(self, lam: float) -> int:
        if lam <= 0:
            return 0
        return int(self.g.poisson(lam))

    def geometric(self, mean: float) -> int:
        """>= 1 with the given mean."""
        if mean <= 1:
            return 1
        p = 1.0 / mean
        return 1 + int(math.log(1.0 - self.u()) / math.log(1.0 - p))

    def shuffled(self, seq):
        seq = list(seq)
        perm = self.g.permutation(len(seq))
        return [seq[int(i)] for i in perm]

    # ---- strings -------------------------------------------------------
    def hexs(self, n: int) -> str:
        return "".join(_HEX[self.randint(16)] for _ in range(n))

    def b64(self, n: int) -> str:
        return "".join(_B64[self.randint(64)] for _ in range(n))

    def b36(self, n: int) -> str:
        return "".join(_B36[self.randint(36)] for _ in range(n))

    def alnum(self, n: int) -> str:
        return "".join(_ALNUM_LOW[self.randint(36)] for _ in range(n))

    def digits(self, n: int) -> str:
        return "".join(str(self.randint(10)) for _ in range(n))


def _accumulate(ws):
    s = 0.0
    for w in ws:
        s += w
        yield s


def cumulative(ws):
    return list(_accumulate(ws))


def flip_bits(hex16: str, r: Rand, nbits: int) -> str:
    """A near-duplicate perceptual hash: flip a few of the 64 bits."""
    v = int(hex16, 16)
    for _ in range(nbits):
        v ^= 1 << r.randint(64)
    return format(v, "016x")
