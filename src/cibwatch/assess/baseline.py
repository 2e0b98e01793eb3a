"""The data's own baseline for every fingerprint: how often do ordinary accounts of *this* data
look like that?

DOMAIN.md's practice: "require coordination AND evidence of fake or concealed identity from
independent signal families, compared against a baseline". A fixed threshold ("at least 80 %
of posts in office hours", "at most 5 % at weekends") is a cliff: a network at 94 % and 6 %
falls off it. Instead each fingerprint of a network is compared with the rate at which the
data's accounts show it, and its strength is the evidence against that baseline, ``-log10 p``
(:mod:`.verdict`): 2 means a network of random accounts of this data would look like that
about once in a hundred times.

What is measured once per assessment run (all of it on the store, no outside reference):

``office``
    per-account propensity to post in weekday office hours: for accounts with at least
    ``min_posts`` posts (a deterministic sample of at most ``sample`` of them), the share of
    their posts in the working-week template (:class:`.clock.PostingClock`) in the time zone
    that fits *each account* best (a conservative baseline: an account's best zone flatters
    it). Its mean ``mu`` and intra-account correlation ``rho`` (beta-binomial moments) give the
    null of a network's pooled office share, and the spread ``sd`` of the shares of accounts
    with 50 or more posts the between-group variation allowed around it.
``far_location``
    share of accounts whose claimed location (a place of :data:`.clock._CITIES`) lies
    ``far_hours`` or more from the time zone of their own nightly rest.
``generated``, ``image_shared``, ``bio_shared``
    share of accounts with a generated handle (:data:`.creation.GENERATED_HANDLE`), with a
    profile image another account uses (defaults used by more than ``max_common`` accounts
    excluded), with a bio that two or more other accounts have word for word.
``created``
    the creation times of every account (for the scan test of creation batches).
``repurposed``
    share of repurposed accounts (:class:`.repurpose.Repurposing`) in a deterministic sample of
    accounts with a long enough history.

Cost: one grouped pass over the posts of the sampled accounts (half-hours of the week), a
(sample x 336) x (336 x 53) matrix product, and group-bys over the accounts table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..engine import dialect
from .clock import OFFSETS, PostingClock, city_offset, quiet_shares
from .creation import GENERATED_HANDLE

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["Baseline", "office_mask", "MIN_OFFICE_SD"]

#: The least between-group spread of office shares allowed (a data set of very uniform
#: accounts, such as a simulated one, would otherwise make any modest excess "strong").
MIN_OFFICE_SD = 0.1


def office_mask(clock: PostingClock) -> np.ndarray:
    """(336 x len(OFFSETS)) 0/1 matrix: half-hour ``b`` of the UTC week is inside the working
    template when the local time is UTC + offset ``o``."""
    b = np.arange(336)
    out = np.zeros((336, OFFSETS.shape[0]))
    for j, off in enumerate(OFFSETS):
        local = (b + int(round(off * 2))) % 336
        day, h = local // 48, (local % 48) / 2.0
        out[:, j] = (day < 5) & (((h >= clock.work_start) & (h < clock.lunch_start))
                                 | ((h >= clock.lunch_end) & (h < clock.work_end)))
    return out


@dataclass
class Baseline:
    """Rates of each fingerprint among the data's accounts (see the module docstring).

    Parameters
    ----------
    min_posts:
        Accounts with fewer posts do not enter the office and rest baselines (default 20).
    sample:
        Most accounts sampled for the office, rest and repurposing baselines (default 20,000;
        a deterministic sample by a hash of the account).
    far_hours:
        A claimed home this many hours or more from the rest's zone is far (default 3).
    max_common:
        A profile image used by more accounts is a default avatar (default 50).
    min_bio_copies:
        A bio is shared when at least this many accounts have it word for word (default 3).
    """

    min_posts: int = 20
    sample: int = 20_000
    far_hours: float = 3.0
    max_common: int = 50
    min_bio_copies: int = 3
    clock: PostingClock = field(default_factory=PostingClock)
    office_mu_: float = field(default=0.3, init=False)
    office_rho_: float = field(default=0.1, init=False)
    office_sd_: float = field(default=0.2, init=False)
    office_accounts_: int = field(default=0, init=False)
    far_location_: float = field(default=0.25, init=False)
    far_location_n_: int = field(default=0, init=False)
    generated_: float = field(default=0.0, init=False)
    image_shared_: float = field(default=0.0, init=False)
    bio_shared_: float = field(default=0.0, init=False)
    created_: np.ndarray = field(default_factory=lambda: np.zeros(0), init=False)
    repurposed_: float = field(default=0.0, init=False)
    repurposed_n_: int = field(default=0, init=False)
    n_accounts_: int = field(default=0, init=False)

    def fit(self, store: Store) -> Baseline:
        self._office_and_rest(store)
        self._profiles(store)
        self._repurposing(store)
        return self

    def _office_and_rest(self, store: Store) -> None:
        store.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE _base_acc AS
            SELECT aid, ROW_NUMBER() OVER (ORDER BY md5(CAST(aid AS VARCHAR)), aid) - 1 AS row
            FROM posts GROUP BY aid HAVING count(*) >= {int(self.min_posts)}
            ORDER BY md5(CAST(aid AS VARCHAR)), aid LIMIT {int(self.sample)}
            """
        )
        hist = store.arrow(
            """
            SELECT b.row, CAST((isodow(p.created_at) - 1) * 48 + hour(p.created_at) * 2
                               + minute(p.created_at) // 30 AS INTEGER) AS bin, count(*) AS n
            FROM posts p JOIN _base_acc b USING (aid) GROUP BY 1, 2
            """
        )
        loc = store.fetchall(
            "SELECT b.row, a.location FROM _base_acc b JOIN accounts a USING (aid) "
            "WHERE coalesce(a.location, '') <> ''")
        n_acc = int(store.scalar("SELECT count(*) FROM _base_acc") or 0)
        store.execute("DROP TABLE _base_acc")
        self.office_accounts_ = n_acc
        if n_acc < 10:
            return
        h = np.zeros((n_acc, 336), np.float32)
        h[hist.column("row").to_numpy(), hist.column("bin").to_numpy()] = \
            hist.column("n").to_numpy()
        n = h.sum(axis=1)
        inside = h @ office_mask(self.clock).astype(np.float32)  # accounts x offsets
        share = inside.max(axis=1) / n
        mu = float(share.mean())
        var = float(share.var())
        inv_n = float((1.0 / n).mean())
        base = mu * (1 - mu)
        rho = (var / base - inv_n) / (1 - inv_n) if base > 0 else 0.1
        self.office_mu_ = min(max(mu, 1e-3), 1 - 1e-3)
        self.office_rho_ = float(min(max(rho, 0.01), 1.0))
        heavy = n >= 50  # accounts whose own share is measured well
        if heavy.sum() >= 10:
            self.office_sd_ = float(max(share[heavy].std(), MIN_OFFICE_SD))
        # rest: the zone that puts the quietest six hours at 01:00-07:00 local
        hourly = h.reshape(n_acc, 7, 24, 2).sum(axis=(1, 3))
        quiet = quiet_shares(hourly)
        windows = np.zeros_like(hourly)
        for k in range(6):
            windows += np.roll(hourly, -k, axis=1)
        start = windows.argmin(axis=1)
        rest_off = (1 - start) % 24
        rest_off = np.where(rest_off > 14, rest_off - 24, rest_off).astype(float)
        far = checked = 0
        for row, location in loc:
            off = city_offset(location)
            if off is None or not quiet[row] <= self.clock.max_quiet:
                continue
            checked += 1
            d = abs(off - rest_off[row])
            far += int(min(d, 24 - d) >= self.far_hours)
        self.far_location_n_ = checked
        if checked >= 20:
            self.far_location_ = (far + 1) / (checked + 2)

    def _profiles(self, store: Store) -> None:
        n, gen_n, img, bio = store.fetchone(
            f"""
            WITH img AS (
              SELECT profile_image_hash AS h, count(*) AS c FROM accounts
              WHERE coalesce(profile_image_hash, '') <> '' GROUP BY 1),
            bio AS (
              SELECT trim(bio) AS b, count(*) AS c FROM accounts
              WHERE coalesce(trim(bio), '') <> '' GROUP BY 1)
            SELECT count(*),
                   count(*) FILTER (WHERE regexp_full_match(coalesce(a.handle, ''),
                                                            '{GENERATED_HANDLE.pattern}')),
                   count(*) FILTER (WHERE img.c BETWEEN 2 AND {int(self.max_common)}),
                   count(*) FILTER (WHERE bio.c >= {int(self.min_bio_copies)})
            FROM accounts a LEFT JOIN img ON img.h = a.profile_image_hash
            LEFT JOIN bio ON bio.b = trim(a.bio)
            """
        ) or (0, 0, 0, 0)
        self.n_accounts_ = int(n)
        d = max(int(n), 1) + 2
        self.generated_ = (int(gen_n) + 1) / d
        self.image_shared_ = (int(img) + 1) / d
        self.bio_shared_ = (int(bio) + 1) / d
        created = store.arrow(f"SELECT {dialect.epoch_s('created_at')} AS t FROM accounts "
                              "WHERE created_at IS NOT NULL ORDER BY t")
        self.created_ = created.column("t").to_numpy().astype(float)

    def _repurposing(self, store: Store) -> None:
        from .repurpose import Repurposing

        store.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE _base_rep AS
            SELECT aid FROM posts GROUP BY aid HAVING count(*) >= 10
            ORDER BY md5(CAST(aid AS VARCHAR)), aid LIMIT {min(int(self.sample), 2000)}
            """
        )
        k = int(store.scalar("SELECT count(*) FROM _base_rep") or 0)
        rep = Repurposing().fit(store, "_base_rep")
        store.execute("DROP TABLE _base_rep")
        self.repurposed_n_ = k
        self.repurposed_ = (len(rep.results_) + 1) / (k + 2)

    def creation_window_share(self, start: float, hours: float) -> float:
        """Share of the data's accounts created in ``[start, start + hours)``."""
        c = self.created_
        if c.shape[0] == 0:
            return 1.0
        lo = np.searchsorted(c, start, side="left")
        hi = np.searchsorted(c, start + hours * 3600, side="left")
        return float((hi - lo + 1) / (c.shape[0] + 2))

    def creation_windows(self, hours: float) -> float:
        """How many disjoint windows of ``hours`` the data's creation times span (at least 1):
        the multiplicity of the creation scan test."""
        c = self.created_
        if c.shape[0] < 2:
            return 1.0
        return max(1.0, (c[-1] - c[0]) / (hours * 3600))
