"""Clocks, calendars and daily rhythms."""
from __future__ import annotations

import datetime as dt

import numpy as np

from .rand import Rand

UTC = dt.UTC
DAY = 86400
HOUR = 3600
MINUTE = 60


def epoch(y, m, d, hh=0, mm=0, ss=0) -> int:
    return int(dt.datetime(y, m, d, hh, mm, ss, tzinfo=UTC).timestamp())


def iso(t: int) -> str:
    return dt.datetime.fromtimestamp(int(t), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def date_of(t: int, tz_hours: float = 0.0) -> dt.date:
    return dt.datetime.fromtimestamp(int(t + tz_hours * HOUR), UTC).date()


# --- public holidays and make-up working days --------------------------------
# China (State Council notices for 2024 and 2025).
CN_HOLIDAYS = set()
CN_MAKEUP = set()
RU_HOLIDAYS = set()
RU_MAKEUP = set()


def _span(s, a, b):
    d = dt.date.fromisoformat(a)
    e = dt.date.fromisoformat(b)
    while d <= e:
        s.add(d)
        d += dt.timedelta(days=1)


for a, b in [("2024-01-01", "2024-01-01"), ("2024-02-10", "2024-02-17"),
             ("2024-04-04", "2024-04-06"), ("2024-05-01", "2024-05-05"),
             ("2024-06-08", "2024-06-10"), ("2024-09-15", "2024-09-17"),
             ("2024-10-01", "2024-10-07"), ("2025-01-01", "2025-01-01"),
             ("2025-01-28", "2025-02-04"), ("2025-04-04", "2025-04-06"),
             ("2025-05-01", "2025-05-05"), ("2025-05-31", "2025-06-02"),
             ("2025-10-01", "2025-10-08")]:
    _span(CN_HOLIDAYS, a, b)
for d in ["2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11",
          "2024-09-14", "2024-09-29", "2024-10-12", "2025-01-26", "2025-02-08",
          "2025-04-27", "2025-09-28", "2025-10-11"]:
    CN_MAKEUP.add(dt.date.fromisoformat(d))
for a, b in [("2024-01-01", "2024-01-08"), ("2024-02-23", "2024-02-23"),
             ("2024-03-08", "2024-03-08"), ("2024-04-29", "2024-05-01"),
             ("2024-05-09", "2024-05-12"), ("2024-06-12", "2024-06-12"),
             ("2024-11-04", "2024-11-04"), ("2024-12-30", "2024-12-31"),
             ("2025-01-01", "2025-01-08"), ("2025-05-01", "2025-05-04"),
             ("2025-05-08", "2025-05-11"), ("2025-06-12", "2025-06-15")]:
    _span(RU_HOLIDAYS, a, b)
for d in ["2024-04-27", "2024-11-02", "2024-12-28", "2025-11-01"]:
    RU_MAKEUP.add(dt.date.fromisoformat(d))


def is_workday(d: dt.date, holidays, makeup) -> bool:
    if d in makeup:
        return True
    if d in holidays:
        return False
    return d.weekday() < 5


class Clock:
    """The simulated period.  Day index 0 is the UTC date of ``start``."""

    def __init__(self, start: int, days: int, extra_days: int = 0):
        self.start = start
        self.days = days
        self.extra_days = extra_days
        self.total_days = days + extra_days
        self.end_main = start + days * DAY
        self.end = start + self.total_days * DAY

    def local_date(self, day: int) -> dt.date:
        return (dt.datetime.fromtimestamp(self.start, UTC) + dt.timedelta(days=day)).date()

    def local_weekday(self, day: int) -> int:
        return self.local_date(day).weekday()

    def to_utc(self, day: int, local_seconds: float, tz_hours: float) -> int:
        return int(self.start + day * DAY + local_seconds - tz_hours * HOUR)

    def workdays(self, holidays, makeup, d0=0, d1=None):
        d1 = self.total_days if d1 is None else d1
        return [d for d in range(d0, d1) if is_workday(self.local_date(d), holidays, makeup)]


# --- daily rhythms -------------------------------------------------------------
# Relative posting intensity by local hour for an ordinary person.
WEEKDAY = np.array([2.0, 1.2, 0.7, 0.4, 0.3, 0.4, 1.0, 2.2, 3.2, 3.4, 3.3, 3.5,
                    4.2, 4.0, 3.4, 3.3, 3.5, 4.0, 4.6, 5.2, 5.8, 6.0, 5.0, 3.5])
WEEKEND = np.array([3.0, 2.2, 1.4, 0.8, 0.5, 0.4, 0.6, 1.2, 2.2, 3.3, 4.0, 4.5,
                    4.6, 4.5, 4.3, 4.2, 4.3, 4.5, 4.8, 5.2, 5.6, 5.6, 5.0, 4.0])
NIGHTSHIFT = np.array([4.5, 4.5, 4.2, 4.0, 3.5, 2.5, 1.5, 0.8, 0.4, 0.3, 0.3, 0.3,
                       0.4, 0.6, 1.0, 1.5, 2.0, 2.5, 3.0, 3.2, 3.5, 3.8, 4.2, 4.5])


def rhythm(r: Rand, kind: str = "normal"):
    """A person's own hourly profile (weekday, weekend), each summing to 1."""
    if kind == "night":
        wd = NIGHTSHIFT.copy()
        we = NIGHTSHIFT.copy()
    else:
        shift = int(round(r.normal(0, 1.1)))
        wd = np.roll(WEEKDAY, shift)
        we = np.roll(WEEKEND, shift)
    noise = r.g.lognormal(0, 0.35, 24)
    wd = wd * noise
    we = we * noise * r.g.lognormal(0, 0.2, 24)
    return wd / wd.sum(), we / we.sum()


def day_weights(r: Rand, n_days: int, weekday_of, weekend_factor: float,
                vacation_p: float = 0.15, burstiness: float = 0.55,
                d0: int = 0, d1: int | None = None):
    """Per-day activity weights: weekly pattern, bursty days, maybe a vacation."""
    d1 = n_days if d1 is None else d1
    w = np.exp(r.g.normal(0, burstiness, n_days))
    for d in range(n_days):
        if weekday_of(d) >= 5:
            w[d] *= weekend_factor
    if r.chance(vacation_p) and n_days > 10:
        a = r.randint(0, n_days - 4)
        b = min(n_days, a + r.randint(3, 12))
        w[a:b] *= 0.04
    w[:d0] = 0
    w[d1:] = 0
    return w


def sample_person_times(r: Rand, clock: Clock, n: int, tz: float, wd, we, dayw,
                        session_mean: float = 1.8, gap_mean: float = 240.0):
    """n post times (UTC seconds, sorted) for an ordinary person."""
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    g = r.g
    # sessions
    sizes = []
    left = n
    while left > 0:
        s = min(left, r.geometric(session_mean))
        sizes.append(s)
        left -= s
    k = len(sizes)
    p = dayw / dayw.sum()
    days = g.choice(len(dayw), size=k, p=p)
    out = []
    wd_c = np.cumsum(wd)
    we_c = np.cumsum(we)
    wk = [clock.local_weekday(int(d)) >= 5 for d in days]
    us = g.random(k)
    mins = g.random(k)
    for i in range(k):
        c = we_c if wk[i] else wd_c
        h = int(np.searchsorted(c, us[i] * c[-1], side="right"))
        h = min(h, 23)
        sec = h * HOUR + mins[i] * HOUR
        t = clock.to_utc(int(days[i]), sec, tz)
        out.append(t)
        for _ in range(sizes[i] - 1):
            t = t + 10 + int(r.expo(gap_mean))
            out.append(t)
    arr = np.array(sorted(out), dtype=np.int64)
    return arr


def shift_profile(start_h: float, lunch: tuple, end_h: float, peaks=()):
    """Half-hour slot weights (48) for an office shift."""
    w = np.zeros(48)
    for s in range(48):
        h = s / 2.0
        if start_h <= h < end_h and not (lunch[0] <= h < lunch[1]):
            w[s] = 1.0
            for (a, b, m) in peaks:
                if a <= h < b:
                    w[s] *= m
    return w / w.sum()


def sample_shift_time(r: Rand, clock: Clock, day: int, tz: float, prof) -> int:
    cum = np.cumsum(prof)
    s = int(np.searchsorted(cum, r.u() * cum[-1], side="right"))
    s = min(s, 47)
    sec = s * 1800 + r.u() * 1800
    return clock.to_utc(day, sec, tz)


def local_hour(t: int, tz: float) -> float:
    return ((t + tz * HOUR) % DAY) / HOUR


def in_shift(t: int, tz: float, start_h, lunch, end_h) -> bool:
    h = local_hour(t, tz)
    return start_h <= h < end_h and not (lunch[0] <= h < lunch[1])


def awake_prob(t: int, tz: float) -> float:
    """Rough chance a person is awake and online at this moment."""
    h = local_hour(t, tz)
    return float(WEEKDAY[int(h) % 24] / WEEKDAY.max())
