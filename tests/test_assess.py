"""Fingerprints and verdicts on small hand-made cases with known answers."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cibwatch import Store, ingest_files
from cibwatch.assess import (
    DISARM,
    AccountRhythms,
    CreationBatches,
    IdentityReuse,
    InwardEngagement,
    PostingClock,
    Repurposing,
)
from cibwatch.assess.clock import city_offset
from cibwatch.assess.verdict import decide, disarm_techniques

from .conftest import post, write_posts_csv

MONDAY = datetime(2026, 3, 2, tzinfo=UTC).timestamp()  # a Monday, 00:00 UTC
HOUR = 3600.0
DAY = 86400.0


def office_posts(utc_offset: float, weeks: int = 4, per_hour: int = 3, lunch_per_hour: int = 0,
                 seed: int = 0) -> np.ndarray:
    """Posts on weekdays 09:00-12:00 and 13:30-18:00 local time (lunch 12:00-13:30 at
    ``lunch_per_hour``), as UTC epoch seconds."""
    rng = np.random.default_rng(seed)
    out = []
    for d in range(weeks * 7):
        if d % 7 >= 5:
            continue
        local_midnight = MONDAY + d * DAY
        for h in np.arange(9.0, 18.0, 0.5):
            rate = lunch_per_hour if 12.0 <= h < 13.5 else per_hour
            for _ in range(rate):
                out.append(local_midnight + (h + rng.uniform(0, 0.5)) * HOUR)
    return np.array(out) - utc_offset * HOUR


# -- posting clock ---------------------------------------------------------------------------

def test_beijing_office_hours_come_out_as_utc_plus_8_with_a_lunch_dip() -> None:
    clock = PostingClock().fit(office_posts(8, lunch_per_hour=1))
    assert clock.fitted_ and clock.offset_ == 8.0
    assert clock.weekend_share_ == 0.0
    assert clock.lunch_ratio_ < 0.5  # 1 post an hour at lunch against 3 around it
    assert clock.shift_share_ > 0.85
    assert clock.is_office()
    text = clock.describe()
    assert "UTC+8" in text and "09:00-18:00" in text and "12:00-13:30" in text
    # the heatmap's profile is in local time: Monday 10:00 busy, Saturday empty, 03:00 empty
    assert clock.profile_[0, 10] > 0 and clock.profile_[5].sum() == 0
    assert clock.profile_[:, 3].sum() == 0


@pytest.mark.parametrize("offset", [-5.0, 0.0, 3.0, 5.5])
def test_the_offset_is_recovered_anywhere(offset: float) -> None:
    assert PostingClock().fit(office_posts(offset, lunch_per_hour=0)).offset_ == offset


def test_evening_and_weekend_posting_is_not_an_office() -> None:
    rng = np.random.default_rng(1)
    days = rng.integers(0, 28, 400)
    hours = rng.choice([19, 20, 21, 22, 7, 8], 400) + rng.uniform(0, 1, 400)
    weekend = rng.integers(0, 2, 150) + 5 + 7 * rng.integers(0, 4, 150)
    t = np.concatenate([MONDAY + days * DAY + hours * HOUR,
                        MONDAY + weekend * DAY + rng.uniform(10, 22, 150) * HOUR]) + 5 * HOUR
    clock = PostingClock().fit(t)
    assert clock.fitted_ and not clock.is_office()
    assert clock.weekend_share_ > 0.2


def test_no_lunch_dip_is_not_an_office() -> None:
    clock = PostingClock().fit(office_posts(8, lunch_per_hour=3))
    assert clock.offset_ == 8.0 and clock.lunch_ratio_ > 0.8 and not clock.is_office()


def test_too_few_posts_give_no_clock() -> None:
    clock = PostingClock(min_posts=20).fit(office_posts(8)[:19])
    assert not clock.fitted_ and "too few posts (19)" in clock.describe()


def test_machine_regularity() -> None:
    regular = PostingClock().fit(MONDAY + np.arange(200) * 600.0)
    human = PostingClock().fit(MONDAY + np.cumsum(np.random.default_rng(2).exponential(600, 200)))
    assert regular.regularity_ < 0.05 and 0.7 < human.regularity_ < 1.3


def test_claimed_locations() -> None:
    assert city_offset("Brooklyn, New York") == -5
    assert city_offset("Beijing, China") == 8
    assert city_offset("somewhere nice") is None and city_offset(None) is None
    assert city_offset("York") is None  # not "new york"


# -- account fingerprints on a store -----------------------------------------------------------

def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, tz=UTC).isoformat()


def _accounts_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    header = ["platform", "account_id", "handle", "created_at", "followers", "bio", "location",
              "profile_image_hash"]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, header)
        w.writeheader()
        for r in rows:
            w.writerow({"platform": "twitter", **r})
    return path


def _networks(store: Store, members: dict[str, str]) -> None:
    """Make ``members`` and ``networks`` tables: account_id -> network_id."""
    store.execute("CREATE OR REPLACE TABLE members (aid INTEGER, network_id VARCHAR)")
    for account, nid in members.items():
        store.execute("INSERT INTO members SELECT aid, ? FROM account_index "
                      "WHERE account_id = ?", [nid, account])
    store.execute("CREATE OR REPLACE TABLE networks AS "
                  "SELECT DISTINCT network_id FROM members")


def test_repurposed_account_is_found(store: Store, tmp_path: Path) -> None:
    start = MONDAY - 400 * DAY
    rows = []
    fashion = ["new spring dresses in the shop window", "summer sandals and linen shirts",
               "fashion week runway colours", "handbags and scarves for autumn",
               "vintage denim jackets restored", "silk blouse styling ideas"]
    politics = ["the western media lies about our peaceful development",
                "sanctions hurt ordinary workers everywhere",
                "the election was stolen by corrupt elites",
                "foreign interference must stop now", "peaceful development benefits all",
                "corrupt elites spread lies about development"]
    for i in range(6):  # R: fashion, 200 days of silence, politics
        rows.append(post(f"r{i}", "R", _iso(start + i * DAY), text=fashion[i], lang="en"))
        rows.append(post(f"s{i}", "R", _iso(start + 210 * DAY + i * DAY), text=politics[i],
                         lang="en"))
    for i in range(6):  # K: the same topics before and after a long silence
        rows.append(post(f"k{i}", "K", _iso(start + i * DAY), text=fashion[i], lang="en"))
        rows.append(post(f"l{i}", "K", _iso(start + 210 * DAY + i * DAY), text=fashion[5 - i],
                         lang="en"))
    for i in range(12):  # Q: changes topic without any silence
        rows.append(post(f"q{i}", "Q", _iso(start + i * 3 * DAY),
                         text=(fashion if i < 6 else politics)[i % 6], lang="en"))
    for i in range(6):  # Z: changes language after a silence
        rows.append(post(f"z{i}", "Z", _iso(start + i * DAY), text=fashion[i], lang="en"))
        rows.append(post(f"y{i}", "Z", _iso(start + 100 * DAY + i * DAY),
                         text=f"时尚 新款 连衣裙 {fashion[i]}", lang="zh"))
    ingest_files(store, [write_posts_csv(tmp_path / "p.csv", rows)])
    store.execute("CREATE TEMP TABLE aids AS SELECT aid FROM account_index")
    rep = Repurposing().fit(store, "aids")
    found = {store.scalar("SELECT account_id FROM account_index WHERE aid = ?", [a]): r
             for a, r in rep.results_.items()}
    assert set(found) == {"R", "Z"}
    assert found["R"]["gap_days"] == pytest.approx(205, abs=1)
    assert found["R"]["posts_before"] == 6 and found["R"]["posts_after"] == 6
    assert found["Z"]["lang_before"] == "en" and found["Z"]["lang_after"] == "zh"
    assert "silent 95 days after 6 posts" in found["Z"]["description"]


def test_creation_batches_and_generated_handles(store: Store, tmp_path: Path) -> None:
    t0 = MONDAY - 30 * DAY
    accounts = [{"account_id": f"b{i}", "handle": f"JohnSmith{10000000 + i}",
                 "created_at": _iso(t0 + i * 1800)} for i in range(5)]
    accounts += [{"account_id": f"o{i}", "handle": f"real_person_{i}",
                  "created_at": _iso(t0 - i * 300 * DAY)} for i in range(5)]
    accounts += [{"account_id": "x", "handle": "Xiaoming2024", "created_at": ""}]
    rows = [post(f"p{a['account_id']}", a["account_id"], _iso(MONDAY)) for a in accounts]
    ingest_files(store, [write_posts_csv(tmp_path / "p.csv", rows),
                         _accounts_csv(tmp_path / "a.csv", accounts)])
    _networks(store, {**{f"b{i}": "bulk" for i in range(5)},
                      **{f"o{i}": "old" for i in range(5)}, "x": "old"})
    res = CreationBatches().fit(store).results_
    assert res["bulk"]["batch"] == 5 and res["bulk"]["batched"]
    assert res["bulk"]["generated_handles"] == 5 and res["bulk"]["generated"]
    assert res["old"]["batch"] == 1 and not res["old"]["batched"]
    assert res["old"]["created_known"] == 5 and res["old"]["members"] == 6
    assert res["old"]["generated_handles"] == 0 and not res["old"]["generated"]


def test_identity_reuse(store: Store, tmp_path: Path) -> None:
    accounts = [{"account_id": f"a{i}", "profile_image_hash": "img1", "bio": "Truth seeker"}
                for i in range(3)]
    accounts += [{"account_id": "a3", "profile_image_hash": "img2", "bio": "Love peace"}]
    # a default avatar used by 60 accounts in the store is not a reuse
    accounts += [{"account_id": f"d{i}", "profile_image_hash": "default", "bio": f"bio {i}"}
                 for i in range(60)]
    rows = [post(f"p{a['account_id']}", a["account_id"], _iso(MONDAY)) for a in accounts]
    ingest_files(store, [write_posts_csv(tmp_path / "p.csv", rows),
                         _accounts_csv(tmp_path / "a.csv", accounts)])
    _networks(store, {"a0": "n1", "a1": "n1", "a2": "n1", "a3": "n1",
                      "d0": "n2", "d1": "n2", "d2": "n2", "d3": "n2"})
    res = IdentityReuse().fit(store).results_
    assert res["n1"]["image_reused"] == 3 and res["n1"]["images"]
    assert res["n1"]["bio_repeated"] == 3 and res["n1"]["bios"]
    assert res["n2"]["image_reused"] == 0 and not res["n2"]["images"]
    assert res["n2"]["bio_repeated"] == 0 and not res["n2"]["bios"]


def test_inward_engagement(store: Store, tmp_path: Path) -> None:
    rows = []
    # network "in": A's posts reshared 12 times by B and C (members), once by an outsider
    for i in range(4):
        rows.append(post(f"a{i}", "A", _iso(MONDAY + i * HOUR), text="ours"))
        rows.append(post(f"b{i}", "B", _iso(MONDAY + i * HOUR + 60), reshare_of=f"a{i}"))
        rows.append(post(f"c{i}", "C", _iso(MONDAY + i * HOUR + 90), reshare_of=f"a{i}"))
        rows.append(post(f"d{i}", "B", _iso(MONDAY + i * HOUR + 120), reply_to=f"a{i}"))
    rows.append(post("o1", "O", _iso(MONDAY + 9 * HOUR), reshare_of="a0"))
    # network "out": E's posts reshared only by outsiders
    for i in range(12):
        rows.append(post(f"e{i}", "E", _iso(MONDAY + i * HOUR), text="news"))
        rows.append(post(f"f{i}", f"U{i}", _iso(MONDAY + i * HOUR + 60), reshare_of=f"e{i}"))
    ingest_files(store, [write_posts_csv(tmp_path / "p.csv", rows)])
    _networks(store, {"A": "in", "B": "in", "C": "in", "E": "out", "F": "out"})
    res = InwardEngagement().fit(store).results_
    assert res["in"]["received"] == 13 and res["in"]["inward"] == 12
    assert res["in"]["inward_share"] == pytest.approx(12 / 13, abs=1e-3) and res["in"]["inward_flag"]
    assert res["out"]["received"] == 12 and res["out"]["inward"] == 0
    assert not res["out"]["inward_flag"]


# -- the verdict -------------------------------------------------------------------------------

def _office_clock() -> PostingClock:
    return PostingClock().fit(office_posts(8, lunch_per_hour=1))


BASELINE = {"office_mu": 0.3, "office_rho": 0.1, "far_location": 0.2, "generated": 0.02,
            "image_shared": 0.02, "bio_shared": 0.02, "repurposed": 0.02}


def _office(inside: int, per_member: list[int]) -> dict[str, Any]:
    return {"inside": inside, "posts": np.array(per_member, float)}


def test_two_families_make_an_influence_operation() -> None:
    facts = {"size": 10, "platforms": 2, "clock": _office_clock(), "baseline": BASELINE,
             "office": _office(380, [40] * 10),
             "creation": {"batch": 8, "created_known": 10, "window_share": 0.01,
                          "windows": 100.0},
             "traces": {"text_near": 40, "url_seed": 3}, "commercial_share": 0.0}
    v = decide("N1", facts)
    assert v.assessment == "inauthentic" and v.kind == "influence_operation"
    assert v.families == ["accounts", "timing"]
    # 95 % in office hours against 30 %, a group allowed to differ by 0.2: z = 3.25
    assert 3 < v.family_strength["timing"] < 3.5
    # 8 of 10 created in a day holding 1 % of the data's accounts (x 100 days scanned)
    assert 10 < v.family_strength["accounts"] < 13
    assert v.score == pytest.approx((v.family_strength["timing"] + 10) / 40, abs=1e-3)
    assert v.utc_offset == 8.0
    codes = v.codes().split(";")
    assert "T0150.008" in codes and "T0084.001" in codes and "T0119.002" in codes
    text = v.reason_text()
    assert "UTC+8" in text and "8 of 10 accounts were created" in text
    assert "very strong" in text and "against the data's accounts" in text


def test_no_cliff_at_the_weekend_limit() -> None:
    # 94 % in weekday office hours of UTC+3 with 6 % at weekends: the retweet ring of the
    # independent world, which fell off the former 5 % weekend limit
    clock = _office_clock()
    facts = {"size": 45, "clock": clock, "baseline": BASELINE,
             "office": _office(int(0.94 * 45 * 30), [30] * 45),
             "identity": {"bio_repeated": 45, "image_reused": 0}}
    v = decide("R", facts)
    assert v.family_strength["timing"] >= 2 and "shift_clock" in [r.code for r in v.reasons]
    assert v.assessment == "inauthentic" and v.families == ["identity", "timing"]
    # weaker and weaker office clocks give weaker and weaker evidence, never a jump to zero
    strengths = []
    for share in (0.95, 0.8, 0.6, 0.45, 0.35):
        f = {**facts, "office": _office(int(share * 45 * 30), [30] * 45)}
        strengths.append(decide("R", f).family_strength.get("timing", 0.0))
    assert strengths == sorted(strengths, reverse=True) and strengths[-1] < 1 < strengths[1]
    # a large group's modest excess is not strong evidence: 59 % of 1,700 posts (a fandom
    # awake in the daytime) against 41 % is at most weak
    f = {**facts, "baseline": {**BASELINE, "office_mu": 0.41, "office_sd": 0.15},
         "office": _office(1003, [15] * 113)}
    assert decide("F", f).family_strength.get("timing", 0.0) < 2


def test_one_family_is_only_coordination() -> None:
    v = decide("N2", {"size": 10, "clock": _office_clock(), "baseline": BASELINE,
                      "office": _office(380, [40] * 10), "traces": {"reshare": 50}})
    assert v.assessment == "coordinated" and v.kind == "coordination"
    assert v.families == ["timing"] and 0 < v.score < 0.1


def test_a_rate_the_data_shows_anyway_is_no_evidence() -> None:
    # 3 of 10 members with generated handles: strong where 2 % of handles are generated,
    # nothing where 30 % are
    cr = {"generated_handles": 3, "handles": 10, "members": 10}
    rare = decide("G", {"size": 10, "creation": cr, "baseline": BASELINE})
    common = decide("G", {"size": 10, "creation": cr,
                          "baseline": {**BASELINE, "generated": 0.3}})
    assert rare.family_strength["accounts"] >= 2
    assert "accounts" not in common.family_strength  # under the reporting floor


def test_commerce_makes_spam() -> None:
    facts = {"size": 20, "baseline": BASELINE,
             "creation": {"batch": 20, "created_known": 20, "window_share": 0.01,
                          "windows": 50.0, "generated_handles": 20, "handles": 20,
                          "members": 20},
             "identity": {"bio_repeated": 20}, "commercial_share": 0.9}
    v = decide("S", facts)
    assert v.assessment == "inauthentic" and v.kind == "spam"
    assert "T0150.008" in v.codes()


def test_disclosed_automation_is_not_inauthentic() -> None:
    facts = {"size": 12, "clock": _office_clock(), "baseline": BASELINE,
             "office": _office(400, [40] * 12),
             "creation": {"batch": 12, "created_known": 12, "window_share": 0.01,
                          "windows": 10.0},
             "disclosed_share": 1.0}
    v = decide("B", facts)
    assert v.assessment == "coordinated" and v.kind == "disclosed_automation"
    assert v.reasons[0].code == "disclosed_automation"


def test_location_mismatch_is_identity_evidence() -> None:
    facts = {"size": 6, "clock": _office_clock(), "baseline": BASELINE,
             "office": _office(230, [40] * 6), "claimed_offsets": [-5, -5, 0, -5, 8]}
    v = decide("L", facts)
    assert v.families == ["identity", "timing"] and v.assessment == "inauthentic"
    assert "4 of 5 members" in v.reason_text()


def test_disarm_codes_are_real_techniques() -> None:
    techniques = disarm_techniques()
    assert len(techniques) > 300 and techniques["T0084.001"][0] == "Use Copypasta"
    for code, ref in DISARM.items():
        if ref is not None:
            assert techniques[ref[0]][0] == ref[1], code


def test_dates_helper_is_a_monday() -> None:
    assert datetime.fromtimestamp(MONDAY, tz=UTC).weekday() == 0
    assert (timedelta(seconds=office_posts(0)[0] - MONDAY)).seconds // 3600 == 9


def test_rest_gives_the_home_time_zone_of_a_non_office_clock() -> None:
    # a person in UTC-5 who sleeps 00:00-07:30 local and posts at any other hour, all week
    rng = np.random.default_rng(3)
    local_hours = rng.uniform(7.5, 24.0, 600)
    days = rng.integers(0, 28, 600)
    clock = PostingClock().fit(MONDAY + days * DAY + (local_hours + 5) * HOUR)
    assert not clock.is_office() and clock.quiet_share_ < 0.02
    assert clock.rest_offset_ is not None and abs(clock.rest_offset_ - -5) <= 1
    assert clock.home_offset_ == clock.rest_offset_
    assert "rest at 01:00-07:00 UTC-" in clock.describe()
    # posting evenly round the clock: no rest, no home time zone
    even = PostingClock().fit(MONDAY + rng.uniform(0, 28 * DAY, 2000))
    assert even.quiet_share_ > 0.2 and even.rest_offset_ is None and even.home_offset_ is None
    assert "no nightly rest" in even.describe()


def test_account_rhythms(store: Store, tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    rows = []
    for k in range(4):  # shift-run accounts: posts at every hour of the day
        for i in range(80):  # hour i % 24 of day i // 8, at a random minute
            t = MONDAY + (i // 8) * DAY + (i % 24 + rng.uniform(0, 1)) * HOUR
            rows.append(post(f"s{k}-{i}", f"S{k}", _iso(float(t))))
    for k in range(4):  # people: 09:00-23:00 UTC only
        for i in range(80):
            t = MONDAY + int(rng.integers(0, 10)) * DAY + rng.uniform(9, 23) * HOUR
            rows.append(post(f"p{k}-{i}", f"P{k}", _iso(float(t))))
    for i in range(100):  # a machine: 100 posts in one afternoon, resting at night
        rows.append(post(f"m{i}", "M", _iso(MONDAY + 13 * HOUR + i * 60)))
    for i in range(10):  # too few posts to judge
        rows.append(post(f"f{i}", "F", _iso(MONDAY + i * 7 * HOUR)))
    ingest_files(store, [write_posts_csv(tmp_path / "p.csv", rows)])
    _networks(store, {"S0": "shift", "S1": "shift", "S2": "shift", "P0": "shift",
                      "P1": "people", "P2": "people", "P3": "people", "M": "people",
                      "F": "people"})
    rh = AccountRhythms().fit(store)
    assert rh.results_["shift"] == {"judged": 4, "restless": 3, "machine_volume": 0,
                                    "flag": True}
    assert rh.results_["people"] == {"judged": 4, "restless": 0, "machine_volume": 1,
                                     "flag": False}  # one machine in four: under 3 accounts
    assert rh.baseline_ == pytest.approx(4 / 9)  # S0-S3 of the 9 judged accounts
