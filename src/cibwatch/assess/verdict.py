"""The verdict per network: ``inauthentic`` or ``coordinated``, a kind, a score, reasons with
their strength.

Coordination alone is not a violation (DOMAIN.md): fans, activists and news bots coordinate
too. Platforms act when coordination comes with fake or concealed identity, and practitioners
require evidence "from independent signal families, compared against a baseline". A network
reported by detection is coordinated beyond chance; it is assessed ``inauthentic`` when at
least ``min_families`` of four independent families each carry evidence of at least
``min_strength``:

``timing``      an office clock (weekday working hours of one time zone), posting regular like
                a machine, or members that post around the clock or at machine volume;
``accounts``    repurposed accounts, creation batches, generated handles;
``identity``    reused profile images, repeated bios, claimed homes far from the clock's zone;
``engagement``  engagement that comes almost only from inside the network.

**Graded evidence, no cliffs.** Each reason is a test of the network against the rate at which
the data's own accounts show the same thing (:class:`.baseline.Baseline`), and its *strength*
is ``-log10 p`` (capped at :data:`MAX_STRENGTH`): 2 means that random accounts of this data
would look like that about once in a hundred times. The office clock compares the members'
posts in weekday office hours (in the network's best-fitting zone) with each ordinary account's
share in its own best zone (a beta-binomial null: posts of one account are not independent);
counted fingerprints (repurposed, generated handles, reused images and bios, far claimed
homes, members that never rest) are binomial tails against the data's rate; a creation batch
is a scan test against the data's creation times; inward engagement a binomial tail against
the members' share of all reshares and replies. A network posting 94 % in weekday office
hours with a few weekend posts is therefore as strong as its numbers, not out for missing a
5 % limit; reasons weaker than :data:`MIN_REPORTED` are not listed. A family's strength is its
strongest reason's (reasons of one family are not independent). Words: weak under 2, moderate
under 5, strong under 10, very strong above.

The score is the sum over the four families of their strength capped at 10, over 40: 0 with
no evidence, 0.5 with two families at 10 or more. It is monotone: more or stronger evidence
never lowers it.

Disclosed automation (a majority of members saying in their profile that they are bots or
feeds) is coordination, not deception: assessed ``coordinated``, kind ``disclosed_automation``.
The kind of an inauthentic network comes from what it posts: ``spam`` when at least
``min_commercial`` of its members' posts read as commerce (:data:`COMMERCE`), otherwise
``influence_operation``.

Every reason is a sentence with the numbers a reviewer can check, its strength, and a code;
codes map to DISARM Red Framework techniques (v1.6, CC BY-SA 4.0) where one fits
(:data:`DISARM`).
"""

from __future__ import annotations

import csv
import functools
import math
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Final

import numpy as np

from .clock import AccountRhythms, tz_name
from .creation import CreationBatches

__all__ = ["DISARM", "COMMERCE", "FAMILIES", "Reason", "Verdict", "decide",
           "disarm_techniques", "strength_of", "binomial_tail", "office_tail"]


def _stats() -> Any:
    """``scipy.stats``, imported when a test is first computed (importing it takes about a
    second, which commands that test nothing should not pay)."""
    from scipy import stats

    return stats

#: Reason code -> (DISARM technique id, name) where one fits (DISARM Red Framework v1.6).
DISARM: Final[dict[str, tuple[str, str] | None]] = {
    "shift_clock": None,
    "machine_regularity": ("T0049.003", "Bots Amplify via Automated Forwarding and Reposting"),
    "round_the_clock": None,
    "location_mismatch": ("T0097.101", "Local Persona"),
    "repurposed": ("T0150.004", "Repurposed Asset"),
    "bulk_created": ("T0150.008", "Bulk Created Asset"),
    "generated_handles": ("T0150.008", "Bulk Created Asset"),
    "image_reuse": ("T0145.001", "Copy Account Imagery"),
    "repeated_bios": None,
    "inward_engagement": ("T0049.001", "Trolls Amplify and Manipulate"),
    "copypasta": ("T0084.001", "Use Copypasta"),
    "cross_platform": ("T0119.002", "Post across Platform"),
    "reply_flooding": ("T0049", "Flood Information Space"),
    "disclosed_automation": None,
}



@functools.cache
def disarm_techniques() -> dict[str, tuple[str, str]]:
    """DISARM Red Framework v1.6 techniques: id -> (name, tactic). Bundled as
    ``disarm_techniques.csv`` (ids, names and tactics of the DISARM Foundation's framework,
    CC BY-SA 4.0, https://github.com/DISARMFoundation/DISARMframeworks)."""
    text = resources.files(__package__).joinpath("disarm_techniques.csv").read_text("utf-8")
    return {r["technique_id"]: (r["name"], r["tactic"])
            for r in csv.DictReader(text.splitlines())}


#: Thresholds of the verdict's own rules (the fingerprints' parameters are those of their
#: estimators, :class:`cibwatch.assess.AssessParams`):
#: posting gaps whose coefficient of variation is under this are machine-regular (a rule with
#: no baseline: its strength is :data:`RULE_STRENGTH`);
MAX_REGULARITY: Final = 0.2
RULE_STRENGTH: Final = 2.0
#: a claimed home at least this many hours from the clock's time zone does not match it;
FAR_HOURS: Final = 3.0
#: co-actions replying to the same posts from which replies are a flood (a technique noted);
MIN_REPLY_COACTIONS: Final = 10
#: share of members whose profile says they are automated for the network to be disclosed.
MIN_DISCLOSED_SHARE: Final = 0.5
#: strength (-log10 p) is capped here; reasons under MIN_REPORTED are not listed.
MAX_STRENGTH: Final = 30.0
MIN_REPORTED: Final = 1.0
#: per family, the strength above which it counts towards ``min_families`` (default of
#: :class:`cibwatch.assess.AssessParams`): p <= 0.01 against the data's baseline.
MIN_STRENGTH: Final = 2.0
#: Between-group variation allowed around the data's rate of a counted fingerprint: authentic
#: groups are not random draws of accounts (a club shares a bio, a town its location), so a
#: group's share must exceed the data's rate by clearly more than this to be strong evidence
#: (an assumption, stated: measured effects are in docs/EVALUATION.md).
GROUP_TAU: Final = 0.1
#: claimed locations cluster more in authentic groups (a town, a country's diaspora)
LOCATION_TAU: Final = 0.15
#: a rest is clear enough to give a home zone when the quietest six hours hold at most this
#: share of the posts
CLEAR_REST: Final = 0.05
#: Inward engagement: the share of a community's engagement that stays inside it at most
#: (an ordinary community reshares its own; a network whose engagement is almost all inward
#: is the sign), and the between-group variation around it.
COMMUNITY_INWARD: Final = 0.3
INWARD_TAU: Final = 0.2
#: rates used when the data is too small to measure its own baseline (conservative: high).
FALLBACK_RATES: Final = {"office_mu": 0.35, "office_rho": 0.2, "office_sd": 0.2,
                         "far_location": 0.3,
                         "generated": 0.05, "image_shared": 0.05, "bio_shared": 0.05,
                         "repurposed": 0.05, "restless": 0.1}

#: Words of commerce (several languages' shop vocabulary kept to English: a small, explicit
#: list rather than a classifier).
COMMERCE: Final = re.compile(
    r"\b(deals?|discounts?|sale|shop|store|outlet|buy|prices?|cheap|promo|coupon|order now|"
    r"free shipping|limited stock|off\b|bargain|best price)",
    re.IGNORECASE,
)
#: A post reads as commerce when it has at least this many :data:`COMMERCE` words.
COMMERCE_MIN_WORDS: Final = 2

#: Profiles that say they are automated.
DISCLOSED = re.compile(r"\b(bot|automated|auto-?posted|news ?feed|rss)\b", re.IGNORECASE)

#: Families of inauthenticity evidence.
FAMILIES: Final = ("timing", "accounts", "identity", "engagement")


def strength_of(p: float) -> float:
    """``-log10 p``, capped at :data:`MAX_STRENGTH` (0 for p >= 1)."""
    if p != p or p >= 1:  # NaN or no evidence
        return 0.0
    return float(min(MAX_STRENGTH, -math.log10(max(p, 1e-300))))


def strength_word(s: float) -> str:
    return ("very strong" if s >= 10 else "strong" if s >= 5 else "moderate" if s >= 2
            else "weak")


def binomial_tail(k: int, n: int, rate: float, tau: float = 0.0) -> float:
    """How often ``k`` of ``n`` accounts show a fingerprint that a share ``rate`` of the data's
    accounts has: P(X >= k) for X ~ Binomial(n, rate), and, for a group whose share may differ
    from the data's by ``tau`` (between-group variation: authentic groups are not random draws
    of accounts), the larger of that and the normal tail of the share with variance
    ``rate (1 - rate) / n + tau^2``. Without ``tau`` a large group's modest excess would be
    "certain"; with it, strength needs a large share, not only a large group."""
    if k <= 0 or n <= 0:
        return 1.0
    rate = min(max(rate, 1e-9), 1.0)
    p = float(_stats().binom.sf(k - 1, n, rate))
    if tau > 0:
        sd = math.sqrt(rate * (1 - rate) / n + tau * tau)
        p = max(p, float(_stats().norm.sf((k / n - rate) / sd)))
    return p


def office_tail(x: int, n_posts: np.ndarray, mu: float, rho: float, tau: float = 0.0) -> float:
    """P(X >= x) for the members' posts in office hours, each account's posts beta-binomial
    with mean ``mu`` and intra-account correlation ``rho`` (normal approximation), the group's
    share allowed to differ from ``mu`` by ``tau`` (the spread of single accounts' shares: a
    group of people in one zone is no more uniform than one of them)."""
    n_posts = np.asarray(n_posts, dtype=float)
    total = float(n_posts.sum())
    if total <= 0:
        return 1.0
    var = mu * (1 - mu) * float((n_posts * (1 + (n_posts - 1) * rho)).sum()) / total ** 2
    var += tau * tau
    if var <= 0:
        return 1.0
    return float(_stats().norm.sf((x / total - mu) / math.sqrt(var)))


@dataclass(frozen=True)
class Reason:
    """One reason of a verdict: its code, family (None: a technique seen, not inauthenticity
    evidence by itself), the sentence, its strength (``-log10 p`` against the data's baseline;
    0 for a technique note) and p-value."""

    code: str
    family: str | None  # None: a technique seen, not inauthenticity evidence by itself
    text: str
    strength: float = 0.0
    p: float | None = None

    @property
    def disarm(self) -> str | None:
        d = DISARM.get(self.code)
        return d[0] if d else None

    def full_text(self) -> str:
        if self.family is None:
            return self.text
        how = ("a rule, no baseline" if self.p is None else
               f"p < 1e-{MAX_STRENGTH:g}" if self.strength >= MAX_STRENGTH else
               f"p = {self.p:.2g}")
        how += "" if self.p is None else " against the data's accounts"
        return f"{self.text} ({strength_word(self.strength)}, {self.strength:.1f}: {how})"


@dataclass
class Verdict:
    network_id: str
    assessment: str = "coordinated"
    kind: str = "coordination"
    score: float = 0.0
    utc_offset: float | None = None
    reasons: list[Reason] = field(default_factory=list)
    family_strength: dict[str, float] = field(default_factory=dict)
    min_strength: float = MIN_STRENGTH

    @property
    def families(self) -> list[str]:
        """Families whose evidence reaches ``min_strength`` (sorted)."""
        return sorted(f for f, s in self.family_strength.items() if s >= self.min_strength)

    def reason_text(self) -> str:
        return "; ".join(
            r.full_text() + (f" [{r.disarm}]" if r.disarm else f" [{r.code}]")
            for r in self.reasons)

    def codes(self) -> str:
        return ";".join(dict.fromkeys(
            (r.disarm or r.code) for r in self.reasons))

    def strengths(self) -> str:
        """``family=strength`` for every family with evidence, strongest first."""
        return ";".join(f"{f}={s:.1f}" for f, s in
                        sorted(self.family_strength.items(), key=lambda x: (-x[1], x[0])))


def _rate(facts: dict[str, Any], name: str) -> float:
    base = facts.get("baseline") or {}
    v = base.get(name)
    return float(FALLBACK_RATES[name] if v is None else v)


def _add(v: Verdict, reason: Reason) -> None:
    if reason.family is not None and reason.p is not None and reason.strength < MIN_REPORTED:
        return
    v.reasons.append(reason)
    if reason.family is not None:
        v.family_strength[reason.family] = max(v.family_strength.get(reason.family, 0.0),
                                               reason.strength)


def decide(nid: str, facts: dict[str, Any], min_families: int = 2,
           min_commercial: float = 0.5, min_strength: float = MIN_STRENGTH) -> Verdict:
    """Turn one network's fingerprints (``facts``, built by :func:`cibwatch.assess.assess`;
    ``facts["baseline"]`` holds the data's rates, :class:`.baseline.Baseline`) into a verdict
    (see the module docstring)."""
    v = Verdict(nid, min_strength=min_strength)
    clock = facts.get("clock")
    size = int(facts.get("size", 0))
    if clock is not None and clock.fitted_:
        v.utc_offset = clock.home_offset_
        office = facts.get("office")
        if office is not None and office["posts"].size:
            x = int(office["inside"])
            n_posts = office["posts"]
            mu, rho = _rate(facts, "office_mu"), _rate(facts, "office_rho")
            p = office_tail(x, n_posts, mu, rho, _rate(facts, "office_sd"))
            share = x / float(n_posts.sum())
            _add(v, Reason("shift_clock", "timing",
                           f"office clock: {round(100 * share)} % of the members' "
                           f"{int(n_posts.sum())} posts fall in weekday working hours "
                           f"{_hm(clock.work_start)}-{_hm(clock.work_end)} "
                           f"{tz_name(clock.offset_)}, where the data's accounts put "
                           f"{round(100 * mu)} % of theirs in their own best zone; "
                           f"{round(100 * clock.weekend_share_)} % at weekends, posting at "
                           f"{_hm(clock.lunch_start)}-{_hm(clock.lunch_end)} runs at "
                           f"{round(100 * clock.lunch_ratio_)} % of the hours around it",
                           strength_of(p), p))
        elif clock.is_office():
            _add(v, Reason("shift_clock", "timing", f"office clock: {clock.describe()}",
                           RULE_STRENGTH))
        if clock.regularity_ == clock.regularity_ and clock.regularity_ < MAX_REGULARITY:
            _add(v, Reason("machine_regularity", "timing",
                           f"posts come at regular intervals (coefficient of variation of the "
                           f"gaps {clock.regularity_:.2f})", RULE_STRENGTH))
        claimed = facts.get("claimed_offsets") or []
        # the clock's zone: the office's when the office clock is evidence, else the nightly
        # rest's when the rest is clear
        office_strong = any(r.code == "shift_clock" and r.strength >= min_strength
                            for r in v.reasons)
        home = clock.offset_ if office_strong else (
            clock.rest_offset_ if clock.quiet_share_ <= CLEAR_REST else None)
        v.utc_offset = home if home is not None else clock.home_offset_
        if home is not None and claimed:
            far = [c for c in claimed if min(abs(c - home), 24 - abs(c - home)) >= FAR_HOURS]
            p = binomial_tail(len(far), len(claimed), _rate(facts, "far_location"),
                              LOCATION_TAU)
            _add(v, Reason(
                "location_mismatch", "identity",
                f"{len(far)} of {len(claimed)} members with a locatable profile claim a home "
                f"{FAR_HOURS:g} or more hours from the {tz_name(home)} clock (of the data's "
                f"accounts, {round(100 * _rate(facts, 'far_location'))} % do, from their own "
                "rest)", strength_of(p), p))
    rh = facts.get("rhythms", {})
    if rh.get("judged"):
        k = int(rh["restless"]) + int(rh.get("machine_volume", 0))
        base = rh.get("baseline")
        rate = float(base) if base is not None and base == base else FALLBACK_RATES["restless"]
        p = binomial_tail(k, int(rh["judged"]), max(rate, 1.0 / (rh.get("accounts", 100) + 2)),
                          GROUP_TAU)
        _add(v, Reason(
            "round_the_clock", "timing",
            f"{rh['restless']} of the {rh['judged']} members with "
            f"{rh.get('min_posts', AccountRhythms.min_posts)}+ posts post around the clock (no "
            f"six quiet hours a day)"
            + (f", {rh['machine_volume']} more post more than "
               f"{rh.get('max_per_day', AccountRhythms.max_per_day):g} times a day"
               if rh.get("machine_volume") else "")
            + f"; among all such accounts in the data {round(100 * rate)} % post around the "
              "clock", strength_of(p), p))
    rep = facts.get("repurposed", [])
    if rep:
        p = binomial_tail(len(rep), size, _rate(facts, "repurposed"), GROUP_TAU)
        _add(v, Reason("repurposed", "accounts",
                       f"{len(rep)} of {size} accounts are repurposed (of a sample of the "
                       f"data's accounts, {100 * _rate(facts, 'repurposed'):.1f} % are); e.g. "
                       f"{rep[0]}", strength_of(p), p))
    cr = facts.get("creation", {})
    if cr.get("batch", 0) >= 2 and cr.get("created_known"):
        q = float(cr.get("window_share", 1.0))
        p = min(1.0, binomial_tail(int(cr["batch"]), int(cr["created_known"]), q, GROUP_TAU)
                * float(cr.get("windows", 1.0)))
        _add(v, Reason("bulk_created", "accounts",
                       f"{cr['batch']} of {cr['created_known']} accounts were created within "
                       f"{cr.get('window_hours', CreationBatches.window_hours):g} hours of each "
                       f"other (a span in which {100 * q:.2g} % of the data's accounts were "
                       "created)", strength_of(p), p))
    if cr.get("generated_handles"):
        n_h = int(cr.get("handles", cr.get("members", size)))
        p = binomial_tail(int(cr["generated_handles"]), n_h, _rate(facts, "generated"),
                          GROUP_TAU)
        _add(v, Reason("generated_handles", "accounts",
                       f"{cr['generated_handles']} of {n_h} handles follow the generated "
                       f"NameName12345678 pattern ({100 * _rate(facts, 'generated'):.2g} % of "
                       "the data's handles do)", strength_of(p), p))
    idn = facts.get("identity", {})
    if idn.get("image_reused"):
        p = binomial_tail(int(idn["image_reused"]), size, _rate(facts, "image_shared"),
                          GROUP_TAU)
        _add(v, Reason("image_reuse", "identity",
                       f"{idn['image_reused']} accounts share a profile image with another "
                       f"member ({100 * _rate(facts, 'image_shared'):.2g} % of the data's "
                       "accounts share one with anybody)", strength_of(p), p))
    if idn.get("bio_repeated"):
        p = binomial_tail(int(idn["bio_repeated"]), size, _rate(facts, "bio_shared"),
                          GROUP_TAU)
        _add(v, Reason("repeated_bios", "identity",
                       f"{idn['bio_repeated']} accounts share a bio word for word "
                       f"({100 * _rate(facts, 'bio_shared'):.2g} % of the data's accounts "
                       "share theirs with two or more others)", strength_of(p), p))
    eng = facts.get("engagement", {})
    if eng.get("received"):
        expected = float(eng.get("expected_share", 0.05))
        base = max(expected, COMMUNITY_INWARD)
        p = binomial_tail(int(eng["inward"]), int(eng["received"]), base, INWARD_TAU)
        _add(v, Reason("inward_engagement", "engagement",
                       f"{round(100 * eng['inward_share'])} % of the {eng['received']} reshares "
                       f"and replies its posts received came from members (their share of all "
                       f"reshares and replies is {100 * expected:.2g} %; a community keeps up "
                       f"to about {round(100 * base)} % of its engagement inside)",
                       strength_of(p), p))
    tr = facts.get("traces", {})
    items = facts.get("items", {})
    copy = tr.get("text_exact", 0) + tr.get("text_near", 0)
    if copy > 0 or items.get("text", 0) > 0:
        v.reasons.append(Reason("copypasta", None,
                                f"{copy} co-actions on the same or nearly the same text"
                                if copy else
                                f"{items['text']} texts posted by several members (the same "
                                "or nearly the same) and by almost nobody else"))
    if facts.get("platforms", 1) > 1 and (tr.get("url_seed", 0) + tr.get("url", 0) > 0
                                           or items.get("url", 0) + items.get("domain", 0) > 0):
        v.reasons.append(Reason("cross_platform", None,
                                f"active on {facts['platforms']} platforms, pushing the same links"))
    if tr.get("reply", 0) >= MIN_REPLY_COACTIONS or items.get("reply", 0) >= 3:
        v.reasons.append(Reason("reply_flooding", None,
                                f"{tr['reply']} co-actions replying to the same posts"
                                if tr.get("reply", 0) >= MIN_REPLY_COACTIONS else
                                f"{items['reply']} posts replied to by several members"))
    disclosed = facts.get("disclosed_share", 0.0) >= MIN_DISCLOSED_SHARE
    if disclosed:
        v.reasons.insert(0, Reason("disclosed_automation", None,
                                   f"{round(100 * facts['disclosed_share'])} % of the members "
                                   f"say in their profile that they are automated"))
    v.score = round(sum(min(s, 10.0) for s in v.family_strength.values()) / 40.0, 3)
    if len(v.families) >= min_families and not disclosed:
        v.assessment = "inauthentic"
        v.kind = ("spam" if facts.get("commercial_share", 0.0) >= min_commercial
                  else "influence_operation")
    else:
        v.kind = "disclosed_automation" if disclosed else "coordination"
    return v


def _hm(h: float) -> str:
    return f"{int(h):02d}:{int(round((h % 1) * 60)):02d}"
