#!/usr/bin/env python3
"""Independent simulated social-media world for evaluating cibwatch.

    python evaluation/independent/generate.py --out DIR [--seed N] [--scale X] [--days D]
        [--format parquet|jsonl|both] [--comeback] [--comeback-days N] [--start YYYY-MM-DD]

Written without reading the detector.  See README.md next to this file.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from indworld import VERSION  # noqa: E402
from indworld import events as EV  # noqa: E402
from indworld import news as NW  # noqa: E402
from indworld import ops as OP  # noqa: E402
from indworld import output as OUT  # noqa: E402
from indworld.people import Interactions, People, PersonSpec  # noqa: E402
from indworld.rand import Rand  # noqa: E402
from indworld.timeutil import DAY, Clock, epoch, iso  # noqa: E402
from indworld.world import PLATFORMS, World  # noqa: E402

DESCRIPTIONS = {
    "organic": ("authentic", "Ordinary people on all five platforms: time zones from 25 regions, their own daily rhythm "
                "(weekday/weekend curves, chronotype, sessions, bursty days, vacations), 1-4 interests, 13 languages, "
                "heavy-tailed activity (lognormal), original posts, reshares and replies chosen by popularity, topic "
                "(homophily) and friendship, links to news articles (often the share-button text), to their own sites "
                "and to niche hobby sites, viral memes (shared media hashes), default avatars and default handles for some."),
    "breaking_news": ("authentic", "News-following people with ordinary lives who pile onto breaking stories: within minutes "
                      "hundreds share one article URL, about half with the share button's default text "
                      "('<headline> <url> via @outlet'), others retweet the outlet or add a short reaction."),
    "news_outlets": ("authentic", "Official outlet accounts (AP, Reuters, BBC, ...) posting their own articles with links, "
                     "around the clock in their own newsroom time zone; some also post videos."),
    "news_aggregators": ("authentic", "Disclosed automated feeds ('Bot', 'Automated account' in bio/name) that repost outlet "
                         "headlines with identical text and URL at their RSS polling tick (every 5-30 minutes), 24/7."),
    "fandom": ("authentic", "Fans of the (fictional) K-pop group NOVA7 with long diverse histories, plus the official "
               "artist account and fanbase/voting-team accounts: MV release stream party, weekly music-show voting "
               "hours and an award-voting week where fans post the voting guide's template many times with filler "
               "words, mass retweets of fanbase posts, a birthday hashtag trend at midnight KST."),
    "activists": ("authentic", "Climate campaigners and the NGO 'Clean Air Alliance': on three action days they post the "
                  "toolkit's suggested texts (verbatim or with a personal line) with the same petition link, hashtags "
                  "and officials' handles at the agreed hour (12:00 CEST in Europe, noon ET in America); some scheduled to the second."),
    "sports_fans": ("authentic", "Fans of (fictional) Riverside FC and the club account: during matches they post with the "
                    "match hashtag, and within a minute or two of each goal dozens post near-identical 'GOAAAL' posts or "
                    "retweet the club's goal post."),
    "local_community": ("authentic", "Residents of a small UK town, mostly on Facebook, densely befriended, sharing the local "
                        "gazette's links (same story within hours) and resharing each other."),
    "creators": ("authentic", "Video creators who cross-post the same video (same media hash, same caption) to TikTok, "
                 "YouTube and Twitter/Facebook within minutes, with the same handle, name, bio and profile photo everywhere."),
    "critics": ("authentic", "Journalists and researchers covering China, human rights and disinformation; their posts are "
                "targets of the operation's reply floods."),
    "state_media": ("authentic", "Overt state-affiliated media and officials (fictional 'China Horizon TV', 'Horizon Daily', "
                    "a ministry spokesperson, an embassy): under their own names, posting official narratives close to "
                    "the operation's, in Beijing daytime every day. Transparent, so not covert; the operation reshares and "
                    "links them."),
    "unwitting_amplifiers": ("authentic", "Real people (global mix) with ordinary lives who occasionally reshare or comment "
                             "on the operation's posts; they are not part of it."),
    "hijacked": ("authentic", "Ordinary accounts taken over for 1-3 days: most post a crypto-giveaway scam with one shared "
                 "template, a few are used by op_spamouflage to post its drops in Beijing office hours; the owner is silent "
                 "during the hijack and then posts an apology. Victims, not operators."),
    "spam": ("spam", "Commercial spam (sneakers, crypto signals, followers, casino, weight loss, essays): a few spun "
             "templates with per-account referral links, posted as own posts and as reply spam under popular posts at "
             "random times of day over the whole period (Poisson, no synchrony); some accounts stop early."),
    "op_spamouflage": ("operation", "A Spamouflage-style network: half bought accounts with a past life (older, earlier posts "
                       "on other topics/languages/clock inside the period or before it, a dormant gap, usually a rename) "
                       "and half bulk-made in tight creation batches with generated handles and reused stock profile "
                       "images. Each drop pushes one seed message as edited copies (typos, swapped words, emoji, extra "
                       "hashtags; English, Chinese, sometimes machine-translated) through a random 4-12% of the active pool "
                       "within 1-2 hours of Beijing office time (workdays incl. make-up days, 09:00-18:00 UTC+8, lunch "
                       "12:00-13:30), often linking its own YouTube/TikTok channels' videos or its own sites/blogs; "
                       "camouflage posts (scenery, food, sport, animals) with identical captions and shared clips; reply "
                       "floods under critics' posts; a few inward reshares."),
    "op_spamouflage_comeback": ("operation", "After the takedown the operation returns with new accounts created in batches "
                                "after the takedown date, about 45% reusing a removed account's persona (similar handle, "
                                "same display name and bio, same or near-identical profile image hash), posting the same "
                                "narratives (plus complaints about censorship) with links to the same sites and videos, "
                                "and resharing surviving members."),
    "op_stealth": ("operation", "A small, careful persona network: aged accounts with believable US lives (ordinary posts, "
                   "replies and reshares) that every few days post real paraphrases (hand-written, not edits) of four "
                   "claims, with links to the operation's three websites."),
    "op_ring": ("operation", "A retweet ring: a few leaders post US-partisan content and the members reshare each leader "
                "post (and some outside posts) within a minute, in weekday office hours of UTC+3 (Russian holidays off; "
                "about 6% of posts at weekends), while profiles claim US homes and share one bio; members add a "
                "little everyday camouflage."),
    "op_doppelganger": ("operation", "A Doppelganger-style operation: waves of throwaway accounts (X default handles, almost "
                        "no followers) created during the Moscow working day, each used for 2-6 days, replying under "
                        "popular posts in German, French or English with links through one-off redirect domains or to "
                        "cloned news sites, often with the same cartoon images; some open with a harmless 'hello' post."),
}


def build(seed=1, scale=1.0, days=60, comeback=False, comeback_days=21, start="2024-04-01"):
    t_start = time.time()
    r = Rand(seed)
    y, m, d = (int(x) for x in start.split("-"))
    clock = Clock(epoch(y, m, d), days, comeback_days if comeback else 0)
    w = World(r, clock, scale)

    def S(n, lo=1):
        return max(lo, int(round(n * scale)))

    params = {}
    # ---------------------------------------------------------------- news
    n_out = min(len(NW.OUTLETS), max(4, int(round(17 * min(1.0, scale ** 0.5)))))
    per_day = max(2.0, 14.0 * scale / (n_out / 17))
    news = NW.News(w, n_out, per_day)
    news.make_outlets()
    news.make_articles()
    news.post_articles()
    params["news_outlets"] = dict(outlets=n_out, articles_per_outlet_per_day=round(per_day, 2))
    people = People(w, news)

    # ---------------------------------------------------------------- authentic people
    organic = people.make("organic", S(3900, 10), PersonSpec())
    params["organic"] = dict(activity="lognormal(median 27 posts/60d, sigma 1.45) x platform factor",
                             multi_platform_p=0.22, friend_share_of_interactions=0.3,
                             topic_share_of_interactions=0.65, action_mix=dict(twitter=[.42, .33, .25],
                             facebook=[.5, .2, .3], tiktok=[.25, .03, .72], youtube=[.04, 0, .96], reddit=[.18, 0, .82]))
    breaking = people.make("breaking_news", S(380, 5), PersonSpec(
        interests=[("world_news", 1.0), ("us_politics", .6)], platforms={"twitter": .6, "facebook": .25, "reddit": .15},
        activity_median=40.0, url_p=(0.2, 0.5)))
    hij = people.make("hijacked", S(12, 2), PersonSpec(platforms={"twitter": .8, "facebook": .2}, activity_median=40.0))
    hplans = EV.hijack_plan(w, hij, op_share=1 / 3)
    amps = people.make("unwitting_amplifiers", S(60, 3), EV.amplifier_spec())
    crit = EV.critics(w, people, S(30, 3))
    fans, fanlog = EV.fandom(w, people, S(300, 10))
    acts, actlog = EV.activists(w, people, S(150, 6))
    sportf, sportlog = EV.sports(w, people, S(260, 8))
    local, loclog = EV.local_community(w, people, S(90, 5))
    creators, crlog = EV.creators(w, people, S(16, 2))
    NW.make_aggregators(w, news, S(40, 2))
    state, state_posts = EV.state_media(w, 4 if scale >= 0.3 else 2)
    params["state_media"] = dict(accounts=len(state), posts_per_day="6 (outlets), 1.5 (officials)",
                                 clock="07:00-23:00 UTC+8, every day")
    params["news_aggregators"] = dict(poll_intervals_s=[300, 600, 900, 1800], sources_per_bot="1-4",
                                      keep_share="0.2-0.7")

    persons = [a for a in organic + breaking + amps + crit + fans + acts + sportf + local if "person" in a.attrs]
    people.plan(persons)

    def suppress(a, t):
        h = a.attrs.get("hijack")
        return h is not None and h["start"] <= t < h["end"]

    people.plan(hij, suppress=suppress)
    n_break = max(1, int(round(clock.total_days / 5)))
    blog = NW.breaking_news(w, news, people, breaking, organic, n_break)
    params["breaking_news"] = dict(events=len(blog), member_join_p=0.55, organic_join_p=0.05,
                                   delay="60% exp(7 min), 30% exp(45 min), 10% uniform 12 h",
                                   default_text_share=0.55, retweet_share=0.25)
    EV.hijack_scam_posts(w, hij)
    params["hijacked"] = dict(window_days="1-3", by_op=sum(1 for p in hplans.values() if p["kind"] == "op"),
                              by_scam=sum(1 for p in hplans.values() if p["kind"] == "scam"))
    params["fandom"] = dict(events=fanlog, fanbase_accounts=max(2, S(300, 10) // 40))
    params["activists"] = dict(action_days=actlog, toolkit_texts=len(EV.TOOLKIT), verbatim_share=0.55,
                               agreed_hour="12:00 CEST / 12:00 EDT", scheduled_share=0.2)
    params["sports_fans"] = dict(matches=len(sportlog), goal_burst_delay="exp(70 s)")
    params["local_community"] = loclog
    params["creators"] = dict(personas=len(crlog), platforms_each=3, videos_per_week="2-5")
    params["critics"] = dict(report_posts_each="4-14")

    # ---------------------------------------------------------------- operations
    op = OP.Spamouflage(w, people, news, crit)
    op.state_posts = state_posts
    op.make_accounts(S(335, 12))
    op.past_lives()
    op_hij = [a for a in hij if a.attrs["hijack"]["kind"] == "op"]
    op.run(0, days, drops_per_day=2.2, extra_pool=op_hij)
    op.camouflage(0, days)
    popular = OP.popular_pools(w)
    OP.spam(w, S(50, 3), popular)
    params["spam"] = dict(campaigns=list(OP.TO.SPAM_CAMPAIGNS), templates_per_campaign=2,
                          rate_per_day="lognormal(median 1.8, sigma 0.7)", reply_spam_share=0.45,
                          stop_early_share=0.3)
    stealth_accts, n_claims = OP.stealth(w, people, S(22, 4))
    params["op_stealth"] = dict(claims=list(OP.TO.STEALTH_CLAIMS), paraphrases_per_claim=12,
                                sites=OP.TO.STEALTH_SITES, claim_posts=n_claims, claims_per_member="2-4, each 1-2 times",
                                link_share=0.7)
    ring_accts, ringlog = OP.ring(w, S(45, 4), popular["twitter"])
    params["op_ring"] = dict(leaders=len(ringlog["leaders"]), leader_posts=ringlog["leader_posts"],
                             reshare_delay_s="lognormal(median 18 s) clipped to 2-60 s",
                             participation="0.60-0.95 per member", shift="09:00-18:00 UTC+3, lunch 13-14",
                             weekend_rate_factor=0.11, shared_bio=OP.TO.RING_BIO)
    dopp_accts, n_dopp = OP.doppelganger(w, S(70, 4), popular)
    params["op_doppelganger"] = dict(lifetime_days="2-6", posts_each="5-25", reply_share=0.7,
                                     redirect_link_share=0.75, cartoon_image_share=0.6,
                                     clone_domains=sum(OP.TO.DOPP_CLONES.values(), []))
    cb = None
    removed = []
    takedown = None
    if comeback:
        cb, removed, survivors, reuse, joint = OP.comeback(w, op, S(140, 6), 0.12, op_hij)
        takedown = clock.end_main
        params["op_spamouflage_comeback"] = dict(takedown=iso(takedown), comeback_days=comeback_days,
                                                 new_accounts=len(cb.members), persona_reuse=len(reuse),
                                                 survivors_not_removed=len(survivors), removed=len(removed),
                                                 drops_per_workday=1.6, drops=len(joint.drops))
    params["op_spamouflage"] = dict(
        accounts=len(op.members), bought=sum(1 for a in op.members if a.attrs["kind"] == "bought"),
        bulk=sum(1 for a in op.members if a.attrs["kind"] == "bulk"),
        bought_with_past_life_in_period=sum(1 for a in op.members if "old" in a.attrs),
        channels=len(op.channels), drops=len(op.drops), drops_per_workday=2.2, drop_fraction="0.04-0.12 of active pool",
        drop_span_minutes="60-120", shift="09:00-18:00 UTC+8, lunch 12:00-13:30, CN holidays off, make-up days on",
        reply_floods=len(op.floods), own_sites=OP.TO.OP_SITES, blogs=len(op.blogs),
        camouflage_share="5-45% per member", inward_reshare_p=0.1)
    amp_posts = op.drop_posts + (cb.drop_posts if cb else [])
    n_amp = EV.amplify(w, people, amps, amp_posts)
    params["unwitting_amplifiers"] = dict(reshares_or_comments_of_op_posts=n_amp)

    # ---------------------------------------------------------------- interactions
    inter = Interactions(w, people)
    all_people = [a for a in w.accounts if "person" in a.attrs and a.group in
                  {g for g, (k, _) in DESCRIPTIONS.items() if k == "authentic"} | {"op_stealth"}]
    inter.build_friends(all_people)
    inter.run()
    _sanity(w)
    return w, dict(clock=clock, takedown=takedown, removed=removed, cb=cb, op=op, params=params,
                   seconds=time.time() - t_start)


def _sanity(w):
    """Replies and reshares come after their targets; nobody posts before their account exists."""
    r = w.r
    for i in range(len(w.p_t)):
        j = w.p_reshare[i] if w.p_reshare[i] >= 0 else w.p_reply[i]
        if j >= 0 and w.p_plat[j] != w.p_plat[i]:
            raise AssertionError(f"cross-platform reference {w.p_plat[i]} -> {w.p_plat[j]}: {w.p_text[i][:60]!r}")
        if j >= 0 and w.p_t[i] <= w.p_t[j]:
            w.p_t[i] = w.p_t[j] + 1 + r.randint(0, 30)
    first = {}
    for i in range(len(w.p_t)):
        a = w.p_acct[i]
        if a not in first or w.p_t[i] < first[a]:
            first[a] = w.p_t[i]
    for a, t in first.items():
        acc = w.accounts[a]
        if t < acc.created_at:
            acc.created_at = t - r.randint(3600, 3 * DAY)
    # drop anything after the end (reply-backs near the end)
    end = w.clock.end
    for i in range(len(w.p_t)):
        if w.p_t[i] >= end:
            w.p_t[i] = end - 1 - r.randint(0, 600)


def write(w, info, out, fmt="parquet", seed=1, scale=1.0, days=60, start="2024-04-01", comeback=False,
          comeback_days=21):
    OUT.ensure_dir(out)
    r = w.r
    order = OUT.post_order(w)
    pcols = OUT.post_columns(w, order)
    aorder = OUT.account_order(w)
    acols = OUT.account_columns(w, aorder)
    if fmt in ("parquet", "both"):
        OUT.write_parquet(os.path.join(out, "posts.parquet"), pcols, OUT.POST_SCHEMA)
        OUT.write_parquet(os.path.join(out, "accounts.parquet"), acols, OUT.ACCOUNT_SCHEMA)
    if fmt in ("jsonl", "both"):
        OUT.write_jsonl(os.path.join(out, "posts.jsonl"), pcols, OUT.POST_SCHEMA)
        OUT.write_jsonl(os.path.join(out, "accounts.jsonl"), acols, OUT.ACCOUNT_SCHEMA)
    OUT.write_csv(os.path.join(out, "truth.csv"), ["platform", "account_id", "group"],
                  [(w.accounts[i].platform, w.accounts[i].account_id, w.accounts[i].group) for i in aorder])
    # groups
    posts_by_group = {}
    plat_posts = {}
    for i in range(len(w.p_t)):
        g = w.accounts[w.p_acct[i]].group
        posts_by_group[g] = posts_by_group.get(g, 0) + 1
        plat_posts[w.p_plat[i]] = plat_posts.get(w.p_plat[i], 0) + 1
    groups = {}
    members = {}
    for a in w.accounts:
        members.setdefault(a.group, []).append(a)
    for g in sorted(members):
        kind, desc = DESCRIPTIONS[g]
        plats = {}
        for a in members[g]:
            plats[a.platform] = plats.get(a.platform, 0) + 1
        groups[g] = dict(kind=kind, accounts=len(members[g]), posts=posts_by_group.get(g, 0),
                         platforms={p: plats[p] for p in PLATFORMS if p in plats}, description=desc,
                         parameters=info["params"].get(g, {}))
    OUT.write_json(os.path.join(out, "groups.json"), groups)
    # seeds
    sd = os.path.join(out, "seeds")
    OUT.ensure_dir(sd)
    n_posts = {}
    for i in range(len(w.p_t)):
        n_posts[w.p_acct[i]] = n_posts.get(w.p_acct[i], 0) + 1
    seed_files = []
    for g in sorted(members):
        if DESCRIPTIONS[g][0] != "operation":
            continue
        for p in PLATFORMS:
            ms = sorted((a for a in members[g] if a.platform == p), key=lambda a: a.account_id)
            if len(ms) < 8:
                continue
            active = [a for a in ms if n_posts.get(a.idx, 0) >= 2] or ms
            pick = r.sample(active, 4)
            name = f"{g}_{p}_four.csv"
            OUT.write_csv(os.path.join(sd, name), ["platform", "account_id"], [(a.platform, a.account_id) for a in pick])
            seed_files.append("seeds/" + name)
    clock = info["clock"]
    world = dict(generator="cibwatch-independent-world", generator_version=VERSION, seed=seed, scale=scale, days=days,
                 start=iso(clock.start), end=iso(clock.end), comeback=comeback,
                 comeback_days=comeback_days if comeback else 0,
                 takedown=iso(info["takedown"]) if info["takedown"] else None,
                 counts=dict(posts=len(w.p_t), accounts=len(w.accounts),
                             posts_by_platform={p: plat_posts.get(p, 0) for p in PLATFORMS},
                             accounts_by_group={g: len(members[g]) for g in sorted(members)},
                             posts_by_group={g: posts_by_group.get(g, 0) for g in sorted(members)}),
                 seed_files=seed_files, format=fmt)
    if comeback:
        OUT.write_csv(os.path.join(out, "removed.csv"), ["platform", "account_id"],
                      sorted((a.platform, a.account_id) for a in info["removed"]))
        OUT.write_json(os.path.join(out, "takedown.json"),
                       dict(date=iso(info["takedown"])[:10], takedown_at=iso(info["takedown"]),
                            group="op_spamouflage", removed_accounts=len(info["removed"]),
                            comeback_group="op_spamouflage_comeback", comeback_days=comeback_days))
    OUT.write_json(os.path.join(out, "world.json"), world)
    return world


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies account counts (and so posts)")
    ap.add_argument("--days", type=int, default=60, help="length of the main period")
    ap.add_argument("--format", choices=["parquet", "jsonl", "both"], default="parquet")
    ap.add_argument("--comeback", action="store_true", help="add a takedown and a comeback phase")
    ap.add_argument("--comeback-days", type=int, default=21)
    ap.add_argument("--start", default="2024-04-01", help="first day (UTC), YYYY-MM-DD")
    a = ap.parse_args(argv)
    if a.days < 7:
        ap.error("--days must be at least 7")
    if a.scale <= 0:
        ap.error("--scale must be positive")
    w, info = build(a.seed, a.scale, a.days, a.comeback, a.comeback_days, a.start)
    world = write(w, info, a.out, a.format, a.seed, a.scale, a.days, a.start, a.comeback, a.comeback_days)
    c = world["counts"]
    print(f"wrote {c['posts']} posts, {c['accounts']} accounts to {a.out} "
          f"in {info['seconds']:.1f}s (+ writing)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
