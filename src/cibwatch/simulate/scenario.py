"""The scenario family: a world's structure drawn at random from one seed.

``cibwatch simulate --scenario SEED`` draws every structural choice of a world here (sizes,
activity, crews, timing, clocks, languages, tactics, the hard negatives), writes them to
``scenario.json`` and builds the world from them (:mod:`.family`). The default world
(``default_world.toml``) has operations whose members post about a hundred times each in teams
that meet often, so that every pair of members co-acts often; the family spans the range the
real cases span (issue 10, DOMAIN.md), so that an evaluation over many seeds measures the
method rather than one simulator setting.

The ranges are :data:`RANGES` (each documented there); draws are uniform on a log scale for
sizes, activity, shares and times (``log-uniform``), uniform otherwise. Two separate random
streams are used: ``SeedSequence([seed, 0])`` for the structure (this module: cheap, so that
tests can check the ranges over many seeds without building worlds) and
``SeedSequence([seed, 1])`` for the world itself (:mod:`.family`).

Budget: a world holds 30 k to 300 k posts (its ``posts_target``, drawn log-uniform; the
operations' and other groups' expected posts are taken out of it and the rest goes to
organic users, at least 40 %). The operations of one world post at most 150 k posts together
(expected), so that the world stays under the ceiling: a draw over it is drawn again. This
conditions the joint distribution (a 1,000-account operation is less likely to also post 200
times per member), not the ranges.
"""

from __future__ import annotations

import math
from typing import Any, Final

import numpy as np

from ..evaluate import group_type
from .phrases import LANGUAGES

__all__ = ["RANGES", "FAMILY", "draw_scenario", "group_type", "REGIONS", "PLATFORMS",
           "OP_STYLES"]

#: Name and version of the family: a change of what a seed draws changes the version.
FAMILY: Final = "cibwatch-scenarios-1"

#: Platforms of the family's worlds (organic users and operations).
PLATFORMS: Final = ("twitter", "facebook", "reddit", "tiktok")

#: Regions of ordinary users: UTC offset, language, a city for profiles.
REGIONS: Final[dict[str, tuple[float, str, str]]] = {
    "us_east": (-5, "en", "New York"), "us_west": (-8, "en", "Los Angeles"),
    "uk": (0, "en", "London"), "india": (5.5, "en", "Mumbai"),
    "spain": (1, "es", "Madrid"), "mexico": (-6, "es", "Mexico City"),
    "argentina": (-3, "es", "Buenos Aires"), "russia": (3, "ru", "Moscow"),
    "china": (8, "zh", "Shanghai"), "taiwan": (8, "zh", "Taipei"),
    "egypt": (2, "ar", "Cairo"), "gulf": (4, "ar", "Dubai"),
}

#: Operation styles: ``crew`` (rotating crews push each message: copies with or without
#: edits, own links, inward reshares, reply floods, camouflage), ``ring`` (a reshare ring:
#: leaders post, members reshare), ``paraphrase`` (slow: paraphrases of a claim, hours to days
#: apart, often with a link to the operation's own websites).
OP_STYLES: Final = {"crew": 0.5, "ring": 0.2, "paraphrase": 0.3}

#: UTC offsets an operation's clock may keep.
OP_OFFSETS: Final = (-5.0, 0.0, 1.0, 2.0, 3.0, 3.5, 4.5, 5.5, 7.0, 8.0, 9.0)

OP_NAMES: Final = ("kestrel", "heron", "lynx", "marten", "osprey", "wren", "ibis", "jackal",
                   "otter", "stoat", "plover", "gannet")
BANDS: Final = ("NovaBand", "StarLight", "BlueOrbit", "MoonRiver", "NeonSeoul", "SkyHigh")
NICHE_WORDS: Final = ("birding", "vintage-radio", "sourdough", "chess-endgames", "bonsai",
                      "tram-history", "mycology", "retro-gaming", "orchid", "ham-radio")

#: The family's ranges: (low, high) of each drawn quantity.
RANGES: Final[dict[str, tuple[float, float]]] = {
    # world
    "days": (14, 60),                      # length of the period
    "posts_target": (30_000, 300_000),     # posts in the world (log-uniform)
    "operations": (1, 3),                  # planted operations per world
    # operations
    "operation_accounts": (10, 1000),      # accounts of one operation (log-uniform)
    "posts_per_member": (2, 200),          # one member's posts over the period (clipped)
    "posts_per_member_median": (2, 120),   # an operation's median member (log-uniform)
    "posts_per_member_sigma": (0.2, 1.2),  # log-normal spread within an operation
    "crew_share": (0.02, 0.5),             # share of the pool pushing one message (log-unif.)
    "spread_s": (5, 259_200),              # copies of a message: seconds to 3 days (log-unif.)
    "paraphrase_spread_s": (21_600, 432_000),  # paraphrase style: 6 h to 5 days (log-unif.)
    "off_shift_share": (0.02, 0.12),       # a leaky shift clock: posts off the shift
    "repurposed_share": (0.1, 0.7),        # bought accounts with a past life, when used
    "edit_share": (0.3, 1.0),              # copies edited, when copies are not exact
    "own_domains": (1, 5),                 # the operation's websites, when it links
    "organic_resharers": (3, 150),         # ordinary users resharing its posts (log-unif.)
    # others
    "spam_accounts": (10, 300),            # commercial spammers (log-uniform)
    "spam_posts_per_member_median": (3, 80),
    "breaking_events": (2, 20),
    "breaking_sharers_min": (30, 150),     # least sharers of a burst (log-uniform; at most
                                           # 15 % of the users off Reddit)
    "fandom_accounts": (30, 600),          # log-uniform; communities scaled down (below)
    "activist_accounts": (20, 400),        # log-uniform
    "news_bots": (3, 30),
    "niche_accounts": (10, 80),            # a niche community (log-uniform)
    "organic_posts_per_day_median": (0.1, 0.6),
    "organic_accounts": (800, 30_000),     # derived from the budget, clipped
}

#: Largest expected posts of a world's operations together (see the module docstring).
OPS_POSTS_MAX: Final = 150_000
#: Least share of the posts target left to people with ordinary histories.
ORGANIC_SHARE_MIN: Final = 0.4
#: Largest share of those people in authentic communities (fandoms, activists, niches); larger
#: draws are scaled down, to at least :data:`COMMUNITY_MIN` accounts each.
COMMUNITY_SHARE_MAX: Final = 0.4
COMMUNITY_MIN: Final = 10


class _Draw:
    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def log(self, key: str, lo: float | None = None, hi: float | None = None) -> float:
        a, b = RANGES[key]
        a, b = (lo if lo is not None else a), (hi if hi is not None else b)
        return float(math.exp(self.rng.uniform(math.log(a), math.log(b))))

    def logint(self, key: str) -> int:
        a, b = RANGES[key]
        return int(min(b, max(a, round(self.log(key)))))

    def uni(self, key: str) -> float:
        a, b = RANGES[key]
        return float(self.rng.uniform(a, b))

    def int(self, key: str) -> int:
        a, b = RANGES[key]
        return int(self.rng.integers(int(a), int(b) + 1))

    def p(self, prob: float) -> bool:
        return bool(self.rng.random() < prob)

    def pick(self, seq: tuple[Any, ...] | list[Any]) -> Any:
        return seq[int(self.rng.integers(0, len(seq)))]

    def weights(self, keys: tuple[str, ...], alpha: float = 1.0) -> dict[str, float]:
        w = self.rng.dirichlet([alpha] * len(keys))
        return {k: round(float(v), 4) for k, v in zip(keys, w, strict=True)}


def _expected_member_posts(median: float, sigma: float) -> float:
    lo, hi = RANGES["posts_per_member"]
    return float(min(hi, max(lo, median * math.exp(sigma * sigma / 2))))


def _operation(d: _Draw, name: str, organic_platforms: dict[str, float]) -> dict[str, Any]:
    style = str(d.rng.choice(list(OP_STYLES), p=list(OP_STYLES.values())))
    size = d.logint("operation_accounts")
    n_platforms = 1 if style == "ring" and d.p(0.6) else int(d.rng.integers(1, 5))
    plats = list(organic_platforms)
    pw = np.array([organic_platforms[p] for p in plats])
    chosen = [plats[int(i)] for i in d.rng.choice(len(plats), n_platforms, replace=False,
                                                  p=pw / pw.sum())]
    split = d.rng.dirichlet([2.0] * len(chosen))
    counts = np.maximum(1, np.floor(split * size)).astype(int)
    counts[int(np.argmax(counts))] += size - int(counts.sum())
    accounts = {p: int(c) for p, c in sorted(zip(chosen, counts, strict=True)) if c > 0}
    median = d.log("posts_per_member_median")
    sigma = d.uni("posts_per_member_sigma")
    kind = str(d.rng.choice(["shift", "leaky", "none"], p=[0.45, 0.25, 0.3]))
    clock = {"kind": kind, "utc_offset": float(d.pick(OP_OFFSETS)),
             "off_shift_share": round(d.uni("off_shift_share"), 4) if kind == "leaky" else 0.0}
    langs = [str(d.pick(LANGUAGES))]
    if d.p(0.35):
        other = str(d.pick(LANGUAGES))
        if other != langs[0]:
            langs.append(other)
    spread = d.log("paraphrase_spread_s") if style == "paraphrase" else d.log("spread_s")
    if style == "crew":
        present = {"copy": True, "link": d.p(0.6), "reshare": d.p(0.4),
                   "reply_flood": d.p(0.3), "camouflage": d.p(0.5)}
    elif style == "ring":
        present = {"reshare": True, "camouflage": d.p(0.3)}
    else:
        present = {"paraphrase": True, "link": d.p(0.7), "camouflage": d.p(0.4)}
    raw = {k: (float(d.rng.gamma(1.0)) + (0.5 if i == 0 else 0.0)) if on else 0.0
           for i, (k, on) in enumerate(present.items())}
    total = sum(raw.values())
    mix = {k: round(v / total, 4) for k, v in raw.items() if v > 0}
    links = "link" in mix
    exact = style == "crew" and d.p(0.3)
    return {
        "name": name,
        "style": style,
        "accounts": accounts,
        "posts_per_member_median": round(median, 3),
        "posts_per_member_sigma": round(sigma, 3),
        "crew_share": round(d.log("crew_share"), 4),
        "spread_s": round(spread, 1),
        "clock": clock,
        "languages": langs,
        "edit_share": 0.0 if exact else round(d.uni("edit_share"), 3),
        "mix": mix,
        "own_domains": [f"{name}-{w}.example" for w in
                        ("news", "report", "daily", "insight", "voice")[:d.int("own_domains")]]
        if links else [],
        "repurposed_share": round(d.uni("repurposed_share"), 3) if d.p(0.5) else 0.0,
        "bulk_created": d.p(0.6),
        "shared_bio": d.p(0.3),
        "claimed_location": str(d.pick(("far", "far", "none", "mixed"))),
        "hashtag_share": round(float(d.rng.uniform(0.0, 0.6)), 3),
        "organic_resharers": d.logint("organic_resharers") if d.p(0.6) else 0,
        "hijacked": int(d.rng.integers(1, 3)) if style != "ring" and d.p(0.3) else 0,
    }


def draw_scenario(seed: int) -> dict[str, Any]:
    """The structure of scenario ``seed``: every parameter :mod:`.family` builds a world from
    (JSON-serialisable; what ``scenario.json`` holds). Cheap: no world is built."""
    d = _Draw(np.random.default_rng(np.random.SeedSequence([int(seed), 0])))
    days = d.int("days")
    target = d.log("posts_target")
    platforms = {p: w for p, w in d.weights(PLATFORMS, 2.0).items()}
    # every family language is spoken in every world: 3 % each at least (before the
    # shares are normalised again: 2.6 % at least after)
    regions = d.weights(tuple(REGIONS), 0.7)
    for lang in LANGUAGES:
        keys = [k for k, v in REGIONS.items() if v[1] == lang]
        have = sum(regions[k] for k in keys)
        if have < 0.03:
            regions[keys[0]] = round(regions[keys[0]] + 0.03 - have, 4)
    total = sum(regions.values())
    regions = {k: round(v / total, 4) for k, v in regions.items()}

    n_ops = d.int("operations")
    names = [str(x) for x in d.rng.choice(OP_NAMES, n_ops, replace=False)]
    for _ in range(100):
        ops = [_operation(d, n, platforms) for n in names]
        ops_posts = sum(sum(o["accounts"].values()) * _expected_member_posts(
            o["posts_per_member_median"], o["posts_per_member_sigma"]) for o in ops)
        if ops_posts <= OPS_POSTS_MAX:
            break
    spam: dict[str, Any] | None = None
    if d.p(0.8):
        spam = {"accounts": d.logint("spam_accounts"),
                "platforms": sorted({str(d.pick(PLATFORMS)) for _ in range(2)}),
                "posts_per_member_median": round(d.log("spam_posts_per_member_median"), 3),
                "templates": int(d.rng.integers(2, 7)), "domains": int(d.rng.integers(1, 4)),
                "reply_share": round(float(d.rng.uniform(0.0, 0.3)), 3),
                "lang": str(d.pick(("en", "en", "es")))}
    lo = d.logint("breaking_sharers_min")
    breaking = {"events": d.int("breaking_events"), "sharers_min": lo,
                "sharers_max": int(lo * d.rng.uniform(2, 6)),
                "delay_mean_s": round(float(d.rng.uniform(60, 600)), 1),
                "default_text_share": round(float(d.rng.uniform(0.4, 0.9)), 3)}
    fandoms: list[dict[str, Any]] = []
    n_fandoms = int(d.rng.choice([0, 1, 2], p=[0.2, 0.5, 0.3]))
    for band in d.rng.choice(BANDS, n_fandoms, replace=False).tolist():
        fandoms.append({"band": band, "accounts": d.logint("fandom_accounts"),
                        "voting_days": int(d.rng.integers(3, 15)),
                        "hour_utc": int(d.rng.integers(0, 24)),
                        "window_s": round(float(d.rng.uniform(600, 3600)), 1)})
    activists: list[dict[str, Any]] = []
    for _ in range(int(d.rng.choice([0, 1, 2], p=[0.25, 0.5, 0.25]))):
        activists.append({"accounts": d.logint("activist_accounts"),
                          "campaign_days": int(d.rng.integers(2, 7)),
                          "hour_local": int(d.rng.integers(9, 21)),
                          "utc_offset": float(d.pick((-8.0, -5.0, -3.0, 0.0, 1.0))),
                          "texts": int(d.rng.integers(3, 6)),
                          "lang": str(d.pick(("en", "en", "es"))),
                          "window_s": round(float(d.rng.uniform(900, 3600)), 1)})
    news_bots: dict[str, Any] | None = None
    if d.p(0.7):
        news_bots = {"accounts": d.int("news_bots"),
                     "headlines_per_day": int(d.rng.integers(10, 61))}
    niche: list[dict[str, Any]] = []
    for word in d.rng.choice(NICHE_WORDS, int(d.rng.integers(0, 4)), replace=False).tolist():
        niche.append({"site": f"{word}-{int(d.rng.integers(10, 99))}.example",
                      "accounts": d.logint("niche_accounts"),
                      "article_every_days": round(float(d.rng.uniform(1, 4)), 2),
                      "share_prob": round(float(d.rng.uniform(0.2, 0.7)), 3),
                      "delay_median_s": round(d.log("spread_s", 3600, 172_800), 1)})
    organic = {
        "posts_per_day_median": round(d.log("organic_posts_per_day_median"), 4),
        "posts_per_day_sigma": round(float(d.rng.uniform(0.8, 1.2)), 3),
        "reshare_share": round(float(d.rng.uniform(0.2, 0.45)), 3),
        "reply_share": round(float(d.rng.uniform(0.05, 0.2)), 3),
        "url_share": round(float(d.rng.uniform(0.1, 0.3)), 3),
        "hashtag_share": round(float(d.rng.uniform(0.1, 0.4)), 3),
        "button_text_share": round(float(d.rng.uniform(0.1, 0.5)), 3),
        "critics": int(d.rng.integers(3, 9)),
    }
    per_user = organic["posts_per_day_median"] * math.exp(
        organic["posts_per_day_sigma"] ** 2 / 2) * days
    target = min(RANGES["posts_target"][1], max(target, ops_posts / 0.6))
    machines = ((spam["accounts"] * spam["posts_per_member_median"] * 1.2 if spam else 0)
                + (news_bots["accounts"] * news_bots["headlines_per_day"] * days * 0.6
                   if news_bots else 0))
    people = max(target - ops_posts - machines, ORGANIC_SHARE_MIN * target) / per_user
    # the authentic communities (ordinary histories too) take at most 40 % of the people
    lo_o, hi_o = RANGES["organic_accounts"]
    communities: list[dict[str, Any]] = [*fandoms, *activists, *niche]
    total_c = sum(c["accounts"] for c in communities)
    if total_c > COMMUNITY_SHARE_MAX * people:
        f = COMMUNITY_SHARE_MAX * people / total_c
        for c in communities:
            c["accounts"] = max(COMMUNITY_MIN, int(c["accounts"] * f))
        total_c = sum(c["accounts"] for c in communities)
    organic["accounts"] = int(min(hi_o, max(lo_o, round(people - total_c))))
    return {
        "family": FAMILY, "seed": int(seed), "start": "2026-03-02T00:00:00Z", "days": days,
        "posts_target": int(round(target)), "platforms": platforms, "regions": regions,
        "organic": organic, "operations": ops, "spam": spam, "breaking_news": breaking,
        "fandoms": fandoms, "activists": activists, "news_bots": news_bots, "niche": niche,
    }
