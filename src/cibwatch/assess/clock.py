"""The posting clock: when an account (or a network) posts, in which time zone that looks like
office work, and whether it rests on weekends.

Operations run like offices: Spamouflage posts "in shifts during Beijing office hours with
lunch breaks" (Meta, Q2 2023; Graphika's Spamouflage reports); the IRA worked day and night
shifts in St Petersburg. This module fits a working-week template to the hour-of-week profile
of a set of posts under every UTC offset and keeps the best one.

Template: weekdays, ``work_start``-``lunch_start`` and ``lunch_end``-``work_end`` local time.
For an offset, the *shift share* is the share of posts inside the template; the *weekend
share* the share on Saturday and Sunday; the *lunch ratio* the posting rate during lunch over
the rate in the working hours around it. An office shows a high shift share (ordinary people
post in the evening and at weekends), a weekend share near zero (a 7-day week gives 2/7 =
0.29) and a lunch ratio well under 1. The best offset is the one with the highest shift share
(ties: the one closest to UTC). ``regularity_`` flags machine-like posting (the coefficient of
variation of the gaps between posts; Poisson-like human posting has about 1 or more).

People rest at night: Twitter activity has a deep trough in the small hours in every culture
studied (Golder and Macy, Science 2011). The *quiet share* is the share of posts in the
quietest six consecutive hours (UTC): a person, or a group living in one region, puts a few
per cent there; posting spread evenly over the day puts 25 %. When a set of posts is not an
office, its home time zone is read from that rest instead (``rest_offset_``: the offset that
puts the quietest six hours at 01:00-07:00 local), and reported only when the rest is clear.
:class:`AccountRhythms` applies the same measure to each account of a network, with its
posting volume: accounts that post around the clock, or more than 72 times a day (the
Atlantic Council DFRLab's rule of thumb for automation), are machine- or shift-run.

Cost: O(posts x offsets) with 53 half-hour offsets, vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["PostingClock", "AccountRhythms", "OFFSETS", "city_offset", "quiet_share", "quiet_shares"]

#: UTC offsets tried, in hours: -12 to +14 by half hours.
OFFSETS = np.arange(-12.0, 14.01, 0.5)

#: Claimed locations that name a place with one time zone (standard time), for comparing a
#: profile's claimed home with its working clock. Small on purpose: an unknown place gives no
#: reason rather than a guessed one.
_CITIES: dict[str, float] = {
    "new york": -5, "washington": -5, "boston": -5, "toronto": -5, "miami": -5, "atlanta": -5,
    "chicago": -6, "houston": -6, "dallas": -6, "denver": -7, "los angeles": -8,
    "san francisco": -8, "seattle": -8, "vancouver": -8, "london": 0, "dublin": 0,
    "lisbon": 0, "paris": 1, "berlin": 1, "madrid": 1, "rome": 1, "amsterdam": 1,
    "brussels": 1, "warsaw": 1, "kyiv": 2, "kiev": 2, "athens": 2, "cairo": 2,
    "istanbul": 3, "moscow": 3, "saint petersburg": 3, "st petersburg": 3, "tehran": 3.5,
    "dubai": 4, "karachi": 5, "delhi": 5.5, "mumbai": 5.5, "bangkok": 7, "jakarta": 7,
    "beijing": 8, "shanghai": 8, "hong kong": 8, "taipei": 8, "singapore": 8, "manila": 8,
    "seoul": 9, "tokyo": 9, "sydney": 10, "são paulo": -3, "sao paulo": -3,
    "buenos aires": -3, "mexico city": -6, "lagos": 1, "nairobi": 3,
    "usa": -5, "united states": -5, "uk": 0, "united kingdom": 0, "china": 8, "russia": 3,
}


#: :data:`_CITIES` names, longest first ("new york" is found before "york").
_CITIES_LONGEST_FIRST: tuple[str, ...] = tuple(sorted(_CITIES, key=len, reverse=True))


def city_offset(location: str | None) -> float | None:
    """UTC offset of a claimed location, when it names a place of :data:`_CITIES`."""
    if not location:
        return None
    loc = location.lower()
    for name in _CITIES_LONGEST_FIRST:
        if name in loc:
            return _CITIES[name]
    return None


@dataclass
class PostingClock:
    """Hour-of-week profile and the working clock that fits it best.

    Parameters
    ----------
    work_start, lunch_start, lunch_end, work_end:
        The working-day template, in local hours (default 09:00-12:00 and 13:30-18:00).
    min_posts:
        Fewer posts give no verdict (``fitted_`` stays False).
    max_quiet:
        The rest is clear (and ``rest_offset_`` set) when the quietest six hours hold at most
        this share of the posts (default 0.08).
    """

    work_start: float = 9.0
    lunch_start: float = 12.0
    lunch_end: float = 13.5
    work_end: float = 18.0
    min_posts: int = 20
    max_quiet: float = 0.08
    fitted_: bool = field(default=False, init=False)
    offset_: float = field(default=0.0, init=False)
    shift_share_: float = field(default=0.0, init=False)
    weekend_share_: float = field(default=0.0, init=False)
    lunch_ratio_: float = field(default=1.0, init=False)
    regularity_: float = field(default=float("nan"), init=False)
    quiet_share_: float = field(default=float("nan"), init=False)
    rest_offset_: float | None = field(default=None, init=False)
    profile_: np.ndarray = field(default_factory=lambda: np.zeros((7, 24)), init=False)
    n_posts_: int = field(default=0, init=False)

    def fit(self, epoch_s: np.ndarray) -> PostingClock:
        """Fit on post times (seconds since the epoch, UTC)."""
        t = np.sort(np.asarray(epoch_s, dtype=float))
        self.n_posts_ = int(t.shape[0])
        if self.n_posts_ < self.min_posts:
            return self
        best = (-1.0, 0.0)
        shares = self._shift_shares(t)
        for off, share in zip(OFFSETS, shares, strict=True):
            if share > best[0] + 1e-12 or (abs(share - best[0]) <= 1e-12
                                           and abs(off) < abs(best[1])):
                best = (share, float(off))
        self.shift_share_, self.offset_ = best
        local = t + self.offset_ * 3600
        day, hour = _weekday_hour(local)
        self.weekend_share_ = float(np.mean(day >= 5))
        self.profile_ = np.zeros((7, 24))
        np.add.at(self.profile_, (day, hour.astype(int)), 1)
        weekday = day < 5
        lunch = weekday & (hour >= self.lunch_start) & (hour < self.lunch_end)
        around = weekday & (((hour >= self.lunch_start - 2) & (hour < self.lunch_start))
                            | ((hour >= self.lunch_end) & (hour < self.lunch_end + 2)))
        lunch_rate = lunch.sum() / (self.lunch_end - self.lunch_start)
        around_rate = around.sum() / 4.0
        self.lunch_ratio_ = float(lunch_rate / around_rate) if around_rate else 1.0
        utc_hours = np.bincount(((t % 86400.0) // 3600).astype(int), minlength=24)
        self.quiet_share_, rest_start = quiet_share(utc_hours)
        if self.quiet_share_ <= self.max_quiet:
            off = (1 - rest_start) % 24
            self.rest_offset_ = float(off - 24 if off > 14 else off)
        gaps = np.diff(t)
        gaps = gaps[gaps > 0]
        self.regularity_ = float(gaps.std() / gaps.mean()) if gaps.shape[0] >= 10 else float("nan")
        self.fitted_ = True
        return self

    def _shift_shares(self, t: np.ndarray) -> list[float]:
        """The shift share under every offset of :data:`OFFSETS`. When the template and the
        offsets fall on half hours, from one histogram of half-hours of the week, rotated
        (the same counts as shifting every post); otherwise post by post."""
        edges = np.array([self.work_start, self.lunch_start, self.lunch_end, self.work_end,
                          *OFFSETS])
        if not np.allclose(edges * 2, np.round(edges * 2)):
            return [self._shift_share(t + off * 3600) for off in OFFSETS]
        day, hour = _weekday_hour(t)
        hist = np.bincount(day * 48 + (hour * 2).astype(int), minlength=336).astype(float)
        b = np.arange(336)
        h = (b % 48) / 2.0
        mask = (b // 48 < 5) & (((h >= self.work_start) & (h < self.lunch_start))
                                | ((h >= self.lunch_end) & (h < self.work_end)))
        n = float(t.shape[0])
        # a post in UTC bin u is in local bin u + 2 * off: the share is the histogram rotated
        return [float(np.roll(hist, int(round(off * 2)))[mask].sum() / n) for off in OFFSETS]

    def _shift_share(self, local: np.ndarray) -> float:
        day, hour = _weekday_hour(local)
        inside = (day < 5) & (((hour >= self.work_start) & (hour < self.lunch_start))
                              | ((hour >= self.lunch_end) & (hour < self.work_end)))
        return float(inside.mean())

    def is_office(self, min_shift: float = 0.8, max_weekend: float = 0.05,
                  max_lunch: float = 0.6) -> bool:
        """Does the profile look like office work (see the module docstring)?"""
        return (self.fitted_ and self.shift_share_ >= min_shift
                and self.weekend_share_ <= max_weekend and self.lunch_ratio_ <= max_lunch)

    @property
    def home_offset_(self) -> float | None:
        """The clock's time zone: the office's when it is one, else the rest's (or None)."""
        if self.is_office():
            return self.offset_
        return self.rest_offset_

    def describe(self) -> str:
        """One sentence a reviewer can check against the heatmap."""
        if not self.fitted_:
            return f"too few posts ({self.n_posts_}) to read a clock"
        ls, le = _hm(self.lunch_start), _hm(self.lunch_end)
        office = (f"{round(100 * self.shift_share_)} % of {self.n_posts_} posts fall "
                  f"{_hm(self.work_start)}-{_hm(self.work_end)} {tz_name(self.offset_)} on "
                  f"weekdays, {round(100 * self.weekend_share_)} % at weekends, posting at "
                  f"{ls}-{le} runs at {round(100 * self.lunch_ratio_)} % of the hours around it")
        if self.is_office():
            return office
        if self.rest_offset_ is not None:
            rest = (f"rest at 01:00-07:00 {tz_name(self.rest_offset_)} (the quietest six hours "
                    f"hold {round(100 * self.quiet_share_, 1)} % of {self.n_posts_} posts)")
        else:
            rest = (f"no nightly rest: the quietest six hours hold "
                    f"{round(100 * self.quiet_share_, 1)} % of {self.n_posts_} posts (even "
                    f"posting: 25 %)")
        return (f"{rest}; {round(100 * self.weekend_share_)} % at weekends; no office shift "
                f"(best fit: {round(100 * self.shift_share_)} % of posts in weekday office "
                f"hours at {tz_name(self.offset_)})")


def tz_name(offset: float) -> str:
    """``UTC+8``, ``UTC-3:30``."""
    sign = "+" if offset >= 0 else "-"
    off = abs(offset)
    return f"UTC{sign}{int(off)}" + (":30" if off % 1 else "")


#: Hours of the quiet window of :func:`quiet_share` (a night's sleep).
QUIET_HOURS = 6


def _window_sums(counts: np.ndarray) -> np.ndarray:
    """Posts in each ``QUIET_HOURS``-hour window (wrapping midnight) of 24-hour profiles,
    the window starting at hour h in column h."""
    out = np.zeros_like(counts, dtype=float)
    for k in range(QUIET_HOURS):
        out += np.roll(counts, -k, axis=-1)
    return out


def quiet_share(hour_counts: np.ndarray) -> tuple[float, int]:
    """Share of the posts in the quietest six consecutive hours of a 24-hour profile, and the
    hour that window starts at."""
    counts = np.asarray(hour_counts, dtype=float)
    total = counts.sum()
    if total <= 0:
        return float("nan"), 0
    windows = _window_sums(counts)
    start = int(np.argmin(windows))
    return float(windows[start] / total), start


def quiet_shares(profiles: np.ndarray) -> np.ndarray:
    """:func:`quiet_share` of every row of an (accounts x 24) matrix of hourly counts at once
    (NaN for an empty row)."""
    profiles = np.asarray(profiles, dtype=float)
    totals = profiles.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, _window_sums(profiles).min(axis=1) / totals, np.nan)


@dataclass
class AccountRhythms:
    """Per network: members that post around the clock or at machine volume.

    Parameters
    ----------
    min_posts:
        Accounts with fewer posts are not judged (default 50).
    min_quiet:
        An account whose quietest six hours hold at least this share of its posts does not
        rest (default 0.18, near the 0.25 of even posting; people who sleep put under 0.1
        there, and in simulated worlds, where reshares and replies follow popular posts at any
        hour, 90 % of ordinary accounts with 50+ posts stay under 0.16).
    max_per_day:
        Posts per active day above which an account posts at machine volume (default 72).
    min_share, min_accounts:
        A network is flagged when at least ``min_accounts`` members, and ``min_share`` of its
        judged members, do not rest or post at machine volume (defaults 3 and 0.5).
    """

    min_posts: int = 50
    min_quiet: float = 0.18
    max_per_day: float = 72.0
    min_share: float = 0.5
    min_accounts: int = 3
    results_: dict[str, dict[str, Any]] = field(default_factory=dict, init=False)
    baseline_: float = field(default=float("nan"), init=False)
    judged_: int = field(default=0, init=False)

    def fit(self, store: Store) -> AccountRhythms:
        """Judge the members of every network; ``baseline_`` is the share of all accounts
        with ``min_posts`` posts in the store that do not rest, for comparison."""
        store.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE _rhythm AS
            SELECT aid, count(*) AS n, count(DISTINCT CAST(created_at AS DATE)) AS days,
                   ROW_NUMBER() OVER (ORDER BY aid) - 1 AS row
            FROM posts GROUP BY aid HAVING count(*) >= {int(self.min_posts)}
            """
        )
        acc = store.arrow("SELECT r.row, r.n, r.days, m.network_id FROM _rhythm r "
                          "LEFT JOIN members m USING (aid) ORDER BY r.row")
        hourly = store.arrow("SELECT r.row, hour(p.created_at) AS h, count(*) AS n "
                             "FROM posts p JOIN _rhythm r USING (aid) GROUP BY 1, 2")
        store.execute("DROP TABLE _rhythm")
        n_acc = acc.num_rows
        profiles = np.zeros((n_acc, 24))
        profiles[hourly.column("row").to_numpy(), hourly.column("h").to_numpy()] = \
            hourly.column("n").to_numpy()
        restless = quiet_shares(profiles) >= self.min_quiet if n_acc else np.zeros(0, bool)
        per_day = acc.column("n").to_numpy() / np.maximum(acc.column("days").to_numpy(), 1)
        heavy = (per_day > self.max_per_day) & ~restless  # machine volume, if not restless
        self.baseline_ = float(restless.mean()) if n_acc else float("nan")
        self.judged_ = int(n_acc)
        self.results_ = {}
        nets = acc.column("network_id").combine_chunks().dictionary_encode()
        codes = nets.indices.to_numpy(zero_copy_only=False)
        member = ~np.asarray(nets.is_null())
        k, names = len(nets.dictionary), nets.dictionary.to_pylist()
        idx = codes[member].astype(int)
        judged = np.bincount(idx, minlength=k)
        n_restless = np.bincount(idx, weights=restless[member], minlength=k).astype(int)
        n_heavy = np.bincount(idx, weights=heavy[member], minlength=k).astype(int)
        for i in np.argsort(names, kind="stable"):
            flagged = int(n_restless[i] + n_heavy[i])
            self.results_[names[i]] = {
                "judged": int(judged[i]), "restless": int(n_restless[i]),
                "machine_volume": int(n_heavy[i]),
                "flag": bool(flagged >= self.min_accounts
                             and flagged / judged[i] >= self.min_share),
            }
        return self


def _weekday_hour(local_epoch_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    days = np.floor(local_epoch_s / 86400.0)
    weekday = ((days + 3) % 7).astype(int)  # 1970-01-01 was a Thursday: Monday = 0
    hour = (local_epoch_s - days * 86400.0) / 3600.0
    return weekday, hour


def _hm(h: float) -> str:
    return f"{int(h):02d}:{int(round((h % 1) * 60)):02d}"
