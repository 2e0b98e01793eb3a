"""The verdict per network: ``inauthentic`` or ``coordinated``, a kind, a score, reasons.

Coordination alone is not a violation (DOMAIN.md): fans, activists and news bots coordinate
too. Platforms act when coordination comes with fake or concealed identity, and practitioners
require evidence "from independent signal families". A network reported by detection is
coordinated beyond chance (its pairs passed the significance test); it is assessed
``inauthentic`` when at least ``min_families`` of four independent families of inauthenticity
evidence show:

``timing``      an office clock (shift share, silent weekends, lunch dip; :mod:`.clock`),
                posting regular like a machine, or members that post around the clock or at
                machine volume (:class:`.clock.AccountRhythms`);
``accounts``    repurposed accounts (:mod:`.repurpose`), creation batches or generated handles
                (:mod:`.creation`);
``identity``    reused profile images, repeated bios (:mod:`.identity`), or a claimed location
                whose time zone is not the clock's;
``engagement``  engagement that comes almost only from inside the network (:mod:`.engagement`).

Disclosed automation (a majority of members saying in their profile that they are bots or
feeds) is coordination, not deception: assessed ``coordinated``, kind ``disclosed_automation``.

The score is ``1 - prod(1 - w)`` over the families with evidence (weights: timing 0.5,
accounts 0.5, identity 0.4, engagement 0.3): 0 with none, 0.75 with timing and accounts.

The kind of an inauthentic network comes from what it posts: ``spam`` when at least
``min_commercial`` of its members' posts read as commerce (:data:`COMMERCE`: prices, discounts,
shops), otherwise ``influence_operation``.

Every reason is a sentence with the numbers a reviewer can check, and a code; codes map to
DISARM Red Framework techniques (v1.6, CC BY-SA 4.0) where one fits (:data:`DISARM`).
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Final

from .clock import AccountRhythms, tz_name
from .creation import CreationBatches

__all__ = ["DISARM", "COMMERCE", "FAMILY_WEIGHTS", "Reason", "Verdict", "decide",
           "disarm_techniques"]

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


#: Thresholds of the verdict's own rules (the fingerprints' thresholds are parameters of their
#: estimators, :class:`cibwatch.assess.AssessParams`):
#: posting gaps whose coefficient of variation is under this are machine-regular;
MAX_REGULARITY: Final = 0.2
#: a claimed home at least this many hours from the clock's time zone does not match it
#: (a majority, and at least two, of the locatable claims must not);
FAR_HOURS: Final = 3.0
#: repurposed accounts make a reason when they are this share of the members, and at least
#: ``MIN_REPURPOSED``;
MIN_REPURPOSED_SHARE: Final = 0.1
MIN_REPURPOSED: Final = 2
#: co-actions replying to the same posts from which replies are a flood;
MIN_REPLY_COACTIONS: Final = 10
#: share of members whose profile says they are automated for the network to be disclosed.
MIN_DISCLOSED_SHARE: Final = 0.5

#: Weight of each family in the score.
FAMILY_WEIGHTS: Final = {"timing": 0.5, "accounts": 0.5, "identity": 0.4, "engagement": 0.3}

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


@dataclass(frozen=True)
class Reason:
    code: str
    family: str | None  # None: a technique seen, not inauthenticity evidence by itself
    text: str

    @property
    def disarm(self) -> str | None:
        d = DISARM.get(self.code)
        return d[0] if d else None


@dataclass
class Verdict:
    network_id: str
    assessment: str = "coordinated"
    kind: str = "coordination"
    score: float = 0.0
    utc_offset: float | None = None
    reasons: list[Reason] = field(default_factory=list)

    @property
    def families(self) -> list[str]:
        return sorted({r.family for r in self.reasons if r.family})

    def reason_text(self) -> str:
        return "; ".join(
            r.text + (f" [{r.disarm}]" if r.disarm else f" [{r.code}]") for r in self.reasons)

    def codes(self) -> str:
        return ";".join(dict.fromkeys(
            (r.disarm or r.code) for r in self.reasons))


def decide(nid: str, facts: dict[str, Any], min_families: int = 2,
           min_commercial: float = 0.5) -> Verdict:
    """Turn one network's fingerprints (``facts``, built by :func:`cibwatch.assess.assess`)
    into a verdict (see the module docstring)."""
    v = Verdict(nid)
    clock = facts.get("clock")
    size = facts.get("size", 0)
    if clock is not None and clock.fitted_:
        v.utc_offset = clock.home_offset_
        if clock.is_office():
            v.reasons.append(Reason("shift_clock", "timing",
                                    f"office clock: {clock.describe()}"))
        if clock.regularity_ == clock.regularity_ and clock.regularity_ < MAX_REGULARITY:
            v.reasons.append(Reason("machine_regularity", "timing",
                                    f"posts come at regular intervals (coefficient of "
                                    f"variation of the gaps {clock.regularity_:.2f})"))
        claimed = facts.get("claimed_offsets") or []
        home = clock.home_offset_
        if home is not None and claimed:
            far = [c for c in claimed if abs(c - home) >= FAR_HOURS]
            if len(far) >= max(2, len(claimed) // 2 + 1):
                v.reasons.append(Reason(
                    "location_mismatch", "identity",
                    f"{len(far)} of {len(claimed)} members with a locatable profile claim a home "
                    f"{FAR_HOURS:g} or more hours from the {tz_name(home)} "
                    + ("working clock" if clock.is_office() else "clock of their rest")))
    rh = facts.get("rhythms", {})
    if rh.get("flag"):
        base = rh.get("baseline")
        v.reasons.append(Reason(
            "round_the_clock", "timing",
            f"{rh['restless']} of the {rh['judged']} members with "
            f"{rh.get('min_posts', AccountRhythms.min_posts)}+ posts post "
            f"around the clock (no six quiet hours a day)"
            + (f", {rh['machine_volume']} more post more than "
               f"{rh.get('max_per_day', AccountRhythms.max_per_day):g} times a day"
               if rh["machine_volume"] else "")
            + (f"; among all such accounts in the data {round(100 * base)} % post around the "
               f"clock" if base is not None and base == base else "")))
    rep = facts.get("repurposed", [])
    if len(rep) >= max(MIN_REPURPOSED, round(MIN_REPURPOSED_SHARE * size)):
        v.reasons.append(Reason("repurposed", "accounts",
                                f"{len(rep)} of {size} accounts are repurposed; e.g. "
                                f"{rep[0]}"))
    cr = facts.get("creation", {})
    if cr.get("batched"):
        v.reasons.append(Reason("bulk_created", "accounts",
                                f"{cr['batch']} of {cr['created_known']} accounts were created "
                                f"within {cr.get('window_hours', CreationBatches.window_hours):g} "
                                f"hours of each other"))
    if cr.get("generated"):
        v.reasons.append(Reason("generated_handles", "accounts",
                                f"{cr['generated_handles']} of {cr['members']} handles follow the "
                                f"generated NameName12345678 pattern"))
    idn = facts.get("identity", {})
    if idn.get("images"):
        v.reasons.append(Reason("image_reuse", "identity",
                                f"{idn['image_reused']} accounts share a profile image with "
                                f"another member"))
    if idn.get("bios"):
        v.reasons.append(Reason("repeated_bios", "identity",
                                f"{idn['bio_repeated']} accounts share a bio word for word"))
    eng = facts.get("engagement", {})
    if eng.get("inward_flag"):
        v.reasons.append(Reason("inward_engagement", "engagement",
                                f"{round(100 * eng['inward_share'])} % of the {eng['received']} "
                                f"reshares and replies its posts received came from members"))
    tr = facts.get("traces", {})
    if tr.get("text_exact", 0) + tr.get("text_near", 0) > 0:
        v.reasons.append(Reason("copypasta", None,
                                f"{tr.get('text_exact', 0) + tr.get('text_near', 0)} co-actions "
                                f"on the same or nearly the same text"))
    if facts.get("platforms", 1) > 1 and tr.get("url_seed", 0) + tr.get("url", 0) > 0:
        v.reasons.append(Reason("cross_platform", None,
                                f"active on {facts['platforms']} platforms, pushing the same links"))
    if tr.get("reply", 0) >= MIN_REPLY_COACTIONS:
        v.reasons.append(Reason("reply_flooding", None,
                                f"{tr['reply']} co-actions replying to the same posts"))
    fams = v.families
    disclosed = facts.get("disclosed_share", 0.0) >= MIN_DISCLOSED_SHARE
    if disclosed:
        v.reasons.insert(0, Reason("disclosed_automation", None,
                                   f"{round(100 * facts['disclosed_share'])} % of the members "
                                   f"say in their profile that they are automated"))
    score = 1.0
    for f in fams:
        score *= 1 - FAMILY_WEIGHTS[f]
    v.score = round(1 - score, 3)
    if len(fams) >= min_families and not disclosed:
        v.assessment = "inauthentic"
        v.kind = ("spam" if facts.get("commercial_share", 0.0) >= min_commercial
                  else "influence_operation")
    else:
        v.kind = "disclosed_automation" if disclosed else "coordination"
    return v
