"""Build the world of one scenario of the family (:mod:`.scenario` draws its structure).

Groups (truth), each built in its own method, in this order:

``organic``
    ordinary users in twelve regions (time zone, language: en, es, zh, ru, ar; a city),
    daily rhythms, heavy-tailed (log-normal) activity, two interests each. **Homophily**: each
    interest has its own sites, whose articles (Pareto popularity) the users of that interest
    share over days, often with the share button's text, with the interest's hashtags; so
    people with shared interests share the same links and hashtags without any coordination.
    Popularity-driven reshares and replies; a few outspoken critics (reply-flood targets).
``fandom_<k>`` (authentic)
    fans with ordinary histories push votes at an agreed hour on several days: the band's
    hashtags in the same order, the fan club's post reshared.
``activists_<k>`` (authentic)
    a campaign toolkit's suggested texts and link at an agreed local hour on campaign days.
``niche_<k>`` (authentic)
    a small community sharing one small site's articles over weeks, hours to days after each
    is published: rare links, days apart, nobody else uses them.
``news_bots`` (authentic, disclosed)
    identical headlines and links within seconds of each other, all day.
``breaking_news`` (authentic)
    bursts: tens to hundreds of ordinary users share one link within minutes, mostly with the
    share button's text.
``spam``
    commercial spam: bulk-made accounts posting a few templated texts with referral links at
    random times (no clock, no waves), some as replies under popular posts.
``op_<name>``
    the planted operations (:func:`operation`): a pool of accounts (bulk-made, repurposed with a
    past life, or ordinary-looking), each member with its own activity budget (2 to 200 posts,
    log-normal within the operation); messages pushed by a crew of a drawn share of the pool,
    their copies spread over seconds to days, on a shift clock of a time zone (strict, leaky,
    or none); styles ``crew``, ``ring`` and ``paraphrase`` (:data:`.scenario.OP_STYLES`).
``resharers`` (authentic)
    ordinary users who reshare some of an operation's posts; they are not part of it.
``hijacked`` (authentic)
    an ordinary account taken over by an operation for a few days: it posts the operation's
    copies then; its owner is a victim.

All randomness comes from ``numpy.random.default_rng(SeedSequence([seed, 1]))``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from .language import EMOJI, FIRST_NAMES, LAST_NAMES, NEWS_DOMAINS, TOPICS
from .phrases import (
    CAPTIONS,
    NARRATIVES,
    OP_HASHTAGS,
    SPAM_ITEMS,
    SPAM_TEXTS,
    TOOLKIT_TEXTS,
    FastWriter,
)
from .scenario import RANGES, REGIONS
from .world import ATTACKS, DAY, World, _Builder

__all__ = ["build_scenario_world", "SHIFT"]

#: Office shift of a clocked operation: weekdays, local hours (lunch break between).
SHIFT: tuple[tuple[float, float], ...] = ((9.0, 12.0), (13.5, 18.0))
#: How far back (days) an ordinary share looks for an article of its interest.
ARTICLE_WINDOW_DAYS = 5.0
BIOS = ("Love peace and truth", "Truth seeker", "World citizen", "Family first", "",
        "Proud patriot", "Just sharing what I see")
CITIES: dict[str, float] = {"New York": -5, "London": 0, "Toronto": -5, "Sydney": 10,
                            "Los Angeles": -8, "Berlin": 1, "Chicago": -6, "Paris": 1}


class Person(NamedTuple):
    platform: str
    aid: str
    tz: float
    lang: str
    interests: tuple[str, ...]
    rate: float


@dataclass
class _Articles:
    """An interest's articles: publication times (sorted), cumulative popularity, URLs,
    headlines."""

    pub: np.ndarray
    cum: np.ndarray
    urls: list[str]
    headlines: list[str]


class _FamilyBuilder(_Builder):
    def __init__(self, params: dict[str, Any]) -> None:
        cfg = {"world": {"start": params["start"], "days": params["days"]}}
        super().__init__(cfg, 0, 1.0)
        self.p = params
        self.rng = np.random.default_rng(np.random.SeedSequence([int(params["seed"]), 1]))
        self.w: FastWriter = FastWriter(self.rng)
        self.queue: list[tuple[str, str, str, str]] = []
        self.users: list[Person] = []
        self.op_originals: dict[str, dict[str, list[tuple[str, float]]]] = {}
        self.op_messages: dict[str, list[tuple[str, float, str, str]]] = {}
        self.members: dict[str, dict[str, list[str]]] = {}
        self.breaking = 0

    def u(self) -> float:
        return float(self.w.uniform(1)[0])

    def ui(self, n: int) -> int:
        """A uniform integer in [0, n) from the pre-drawn block."""
        return min(n - 1, int(self.u() * n))

    # -- people -------------------------------------------------------------------------------
    def people(self, k: int, group: str, *, topics: tuple[str, ...] | None = None,
               tz_lang: tuple[float, str] | None = None,
               platforms: dict[str, float] | None = None) -> list[Person]:
        """Accounts with ordinary histories (accounts only; posts: :meth:`person_posts`)."""
        o = self.p["organic"]
        rng, w = self.rng, self.w
        regs = self.p["regions"]
        rkeys = list(regs)
        rp = np.array([regs[r] for r in rkeys], dtype=float)
        reg = rng.choice(len(rkeys), size=k, p=rp / rp.sum())
        plats = platforms or self.p["platforms"]
        pkeys = list(plats)
        pp = np.array([plats[x] for x in pkeys], dtype=float)
        plat = rng.choice(len(pkeys), size=k, p=pp / pp.sum())
        n_topics = len(TOPICS) - 1  # kpop is the fandoms'
        t1 = rng.integers(0, n_topics, size=k)
        t2 = (t1 + rng.integers(1, n_topics, size=k)) % n_topics
        rate = rng.lognormal(math.log(o["posts_per_day_median"]), o["posts_per_day_sigma"], k)
        created = self.t0 - rng.uniform(60, 15 * 365, k) * DAY
        followers = rng.lognormal(5, 1.5, k).astype(int)
        following = rng.lognormal(5, 1, k).astype(int)
        out = []
        for i in range(k):
            tz, lang, city = REGIONS[rkeys[int(reg[i])]]
            if tz_lang is not None:
                tz, lang = tz_lang
            interests = topics or (TOPICS[int(t1[i])], TOPICS[int(t2[i])])
            platform = pkeys[int(plat[i])]
            aid = self.account(
                platform, group, handle=w.handle("human"),
                display_name=f"{w.pick(FIRST_NAMES)} {w.pick(LAST_NAMES)}",
                created=float(created[i]), followers=int(followers[i]),
                following=int(following[i]),
                bio=w.sentence(lang, interests[0], 3 + self.ui(7)), lang=lang,
                location=city if self.u() < 0.6 else "", image=self.image())
            out.append(Person(platform, aid, float(tz), lang, tuple(interests), float(rate[i])))
        return out

    def _articles(self) -> dict[str, _Articles]:
        """Per interest: its sites' articles over the period (homophily's shared links)."""
        rng, w = self.rng, self.w
        out = {}
        for topic in TOPICS:
            sites = [f"{topic}-{x}.example" for x in ("today", "insider", "hub")]
            n = max(5, int(self.days * rng.uniform(2, 8)))
            pub = np.sort(self.t0 + rng.uniform(-3, self.days, n) * DAY)
            weight = rng.pareto(1.1, n) + 0.05
            heads = [w.headline(topic) for _ in range(n)]
            urls = [w.news_url(sites[int(rng.integers(0, 3))], h, int(rng.integers(0, 10**6)))
                    for h in heads]
            out[topic] = _Articles(pub, np.cumsum(weight), urls, heads)
        return out

    def article(self, topic: str, t: float) -> tuple[str, str] | None:
        a = self.articles[topic]
        lo = int(np.searchsorted(a.pub, t - ARTICLE_WINDOW_DAYS * DAY))
        hi = int(np.searchsorted(a.pub, t, side="right"))
        if hi <= lo:
            return None
        base = a.cum[lo - 1] if lo else 0.0
        r = base + self.u() * (a.cum[hi - 1] - base)
        j = min(hi - 1, max(lo, int(np.searchsorted(a.cum, r, side="right"))))
        return a.urls[j], a.headlines[j]

    def person_posts(self, users: list[Person]) -> None:
        """Original posts now; reshares and replies queued for :meth:`popularity_actions`."""
        o = self.p["organic"]
        w = self.w
        counts = self.rng.poisson(np.array([u.rate for u in users]) * self.days)
        for user, k in zip(users, counts, strict=True):
            if k == 0:
                continue
            times = np.sort(self.local_times(int(k), user.tz))
            for t in times:
                r = self.u()
                if r < o["reshare_share"]:
                    self.queue.append(("reshare", user.platform, user.aid, user.lang))
                    continue
                if r < o["reshare_share"] + o["reply_share"]:
                    self.queue.append(("reply", user.platform, user.aid, user.lang))
                    continue
                topic = user.interests[self.ui(len(user.interests))]
                text = w.sentence(user.lang, topic)
                urls = tags = None
                if self.u() < o["url_share"] and (art := self.article(topic, float(t))):
                    urls = [art[0]]
                    text = (art[1] if self.u() < o["button_text_share"] else text) + " " + art[0]
                if self.u() < o["hashtag_share"]:
                    tags = w.hashtags(topic, 1 + self.ui(2))
                    text = text + " " + " ".join("#" + h for h in tags)
                self.post(user.platform, user.aid, float(t), text, urls=urls, hashtags=tags,
                          lang=user.lang, virality=float(self.rng.pareto(1.3)) + 0.05)

    def popularity_actions(self) -> None:
        """Queued reshares and replies: targets weighted by virality, delays after the post."""
        pools = {}
        for platform, items in self.originals.items():
            v = np.array([x[2] for x in items])
            pools[platform] = (items, np.cumsum(v) / v.sum())
        done: set[tuple[str, str, str]] = set()
        delays = self.rng.lognormal(0, 1.5, len(self.queue))
        for (kind, platform, aid, lang), d in zip(self.queue, delays, strict=True):
            if platform not in pools:
                continue
            items, cum = pools[platform]
            j = int(np.searchsorted(cum, self.u()))
            pid, t, _, author = items[min(j, len(items) - 1)]
            if author == aid or (kind, aid, pid) in done:
                continue
            done.add((kind, aid, pid))
            when = t + (1800.0 if kind == "reshare" else 900.0) * float(d)
            if when > self.t1:
                continue
            if kind == "reshare":
                self.post(platform, aid, when, reshare_of=pid, lang=lang)
            else:
                self.post(platform, aid, when, self.w.sentence(lang, None, 3 + self.ui(12)),
                          reply_to=pid, lang=lang)
        self.queue = []

    def organic(self) -> None:
        self.articles = self._articles()
        self.users = self.people(self.p["organic"]["accounts"], "organic")
        self.person_posts(self.users)
        by_rate = sorted(self.users, key=lambda x: -x.rate)
        critics = by_rate[: self.p["organic"]["critics"] * 4 : 4]
        for c in critics:  # critics post on politics, often
            for t in self.local_times(int(self.days * 2), c.tz):
                pid = self.post(c.platform, c.aid, float(t), self.w.sentence(c.lang, "politics"),
                                lang=c.lang, virality=2.0)
                self.critic_posts.append((c.platform, pid, float(t)))

    # -- authentic coordination ---------------------------------------------------------------
    def fandoms(self) -> None:
        w = self.w
        for i, f in enumerate(self.p["fandoms"], 1):
            fans = self.people(f["accounts"], f"fandom_{i}", topics=("kpop", "music"),
                               platforms={"twitter": 0.8, "tiktok": 0.2})
            self.person_posts(fans)
            band = f["band"]
            tags = [band, "MAMA2026"]
            texts = (f"Voting for #{band} at #MAMA2026 every day, let's win this",
                     f"Daily vote done for #{band} at #MAMA2026, fighting",
                     f"Don't forget to vote #{band} at #MAMA2026 today")
            club = fans[0]
            url = f"https://vote.mama2026.example/{band.lower()}"
            days = min(f["voting_days"], int(self.days))
            for d in range(days):
                t = self.t0 + (int(self.days) - days + d) * DAY + f["hour_utc"] * 3600
                club_post = self.post(club.platform, club.aid, t, f"It's voting time! Vote for "
                                      f"#{band} at #MAMA2026 {url}", urls=[url], hashtags=tags,
                                      lang="en")
                for fan in fans[1:]:
                    if self.u() < 0.15:
                        continue
                    when = min(self.t1 - 1, t + self.u() * f["window_s"])
                    if self.u() < 0.5 and fan.platform == club.platform:
                        self.post(fan.platform, fan.aid, when, reshare_of=club_post, lang=fan.lang)
                    else:
                        base = w.pick(texts)
                        text = w.small_edit(base) if self.u() < 0.5 else base + " " + w.pick(EMOJI)
                        self.post(fan.platform, fan.aid, when, text, hashtags=tags, lang=fan.lang)

    def activists(self) -> None:
        rng, w = self.rng, self.w
        for i, a in enumerate(self.p["activists"], 1):
            tz, lang = float(a["utc_offset"]), a["lang"]
            people = self.people(a["accounts"], f"activists_{i}", topics=("politics", "weather"),
                                 tz_lang=(tz, lang), platforms={"twitter": 0.7, "facebook": 0.3})
            self.person_posts(people)
            pool = TOOLKIT_TEXTS[lang]
            texts = [pool[int(j)] for j in rng.choice(len(pool), min(a["texts"], len(pool)),
                                                      replace=False)]
            url = f"https://coalition-{i}.example/act"
            tag = ("ActNow", "JuntosYa")[lang == "es"]
            days = rng.choice(int(self.days) - 1, size=a["campaign_days"], replace=False) + 1
            for d in sorted(days.tolist()):
                t = self.t0 + d * DAY + (a["hour_local"] - tz) * 3600
                for person in people:
                    if self.u() < 0.2:
                        continue
                    base = w.pick(texts)
                    text = base if self.u() < 0.7 else w.small_edit(base)
                    self.post(person.platform, person.aid,
                              min(self.t1 - 1, t + self.u() * a["window_s"]),
                              f"{text} #{tag} {url}", urls=[url], hashtags=[tag], lang=lang)

    def niche(self) -> None:
        rng, w = self.rng, self.w
        for i, n in enumerate(self.p["niche"], 1):
            topic = w.pick(TOPICS[:-1])
            people = self.people(n["accounts"], f"niche_{i}", topics=(topic,))
            self.person_posts(people)
            t = self.t0 + self.u() * n["article_every_days"] * DAY
            k = 0
            while t < self.t1:
                k += 1
                url = f"https://{n['site']}/posts/{k:04d}-{w.headline(topic).lower()[:24]}"
                url = url.replace(" ", "-")
                for person in people:
                    if self.u() >= n["share_prob"]:
                        continue
                    when = t + n["delay_median_s"] * float(rng.lognormal(0, 1.0))
                    if when < self.t1:
                        self.post(person.platform, person.aid, when,
                                  w.sentence(person.lang, topic, 4 + self.ui(10)) + " " + url,
                                  urls=[url], lang=person.lang)
                t += n["article_every_days"] * DAY * float(rng.uniform(0.5, 1.5))

    def news_bots(self) -> None:
        nb = self.p["news_bots"]
        if not nb:
            return
        rng, w = self.rng, self.w
        bots: list[tuple[str, str, frozenset[str]]] = []
        for i in range(nb["accounts"]):
            name = f"{w.pick(('World', 'Daily', 'Global', 'Metro', 'Breaking'))}" \
                   f"{w.pick(('Wire', 'Feed', 'Headlines', 'Digest'))}{i}"
            platform = "twitter" if self.u() < 0.7 else "facebook"
            aid = self.account(platform, "news_bots", handle=name,
                               display_name=f"{name} (automated)",
                               created=self.t0 - float(rng.uniform(200, 3000)) * DAY,
                               followers=int(rng.lognormal(7, 1)), following=0,
                               bio="Automated news feed: headlines from major outlets. Bot.",
                               lang="en", location="", image=self.image())
            bots.append((platform, aid, frozenset(d for d in NEWS_DOMAINS if self.u() < 0.6)))
        for _ in range(int(nb["headlines_per_day"] * self.days)):
            t = self.t0 + self.u() * self.days * DAY
            dom = w.pick(NEWS_DOMAINS)
            headline = w.headline(w.pick(("politics", "sports", "finance", "tech", "weather")))
            url = w.news_url(dom, headline, int(rng.integers(10**6, 10**7)))
            for platform, aid, follows in bots:
                if dom in follows:
                    self.post(platform, aid, min(self.t1 - 1, t + 5 + self.u() * 115),
                              f"{headline} {url}", urls=[url], lang="en")

    def breaking_news(self) -> None:
        b = self.p["breaking_news"]
        rng, w = self.rng, self.w
        pool = [u for u in self.users if u.platform != "reddit"]
        if not pool:
            return
        rates = np.array([u.rate for u in pool])
        cap = max(10, int(0.15 * len(pool)))
        for _ in range(b["events"]):
            t = self.t0 + float(rng.uniform(1, self.days - 1)) * DAY
            topic = w.pick(("politics", "weather", "sports", "finance", "tech"))
            dom = w.pick(NEWS_DOMAINS)
            headline = w.headline(topic)
            url = w.news_url(dom, headline, int(rng.integers(10**5, 10**6)))
            k = min(cap, int(rng.integers(b["sharers_min"], b["sharers_max"] + 1)))
            for i in rng.choice(len(pool), size=k, replace=False, p=rates / rates.sum()):
                user = pool[int(i)]
                when = t + float(rng.exponential(b["delay_mean_s"]))
                share_url = url + ("?utm_source=share" if user.platform != "facebook"
                                   else "?fbclid=IwAR" + str(int(rng.integers(0, 10**6))))
                if self.u() < b["default_text_share"]:
                    text = f"{headline} via @{dom.split('.')[0]} {share_url}"
                else:
                    text = w.sentence(user.lang, topic, 3 + self.ui(7)) + " " + share_url
                self.post(user.platform, user.aid, when, text, urls=[share_url], lang=user.lang)
                self._relabel(user.platform, user.aid, "breaking_news")
                self.breaking += 1

    # -- spam ---------------------------------------------------------------------------------
    def spam(self) -> None:
        s = self.p["spam"]
        if not s:
            return
        rng, w = self.rng, self.w
        batch = self.t0 - float(rng.uniform(20, 60)) * DAY
        lang = s["lang"]
        pool = SPAM_TEXTS[lang]
        templates = [pool[int(i)] for i in rng.choice(len(pool), min(s["templates"], len(pool)),
                                                      replace=False)]
        domains = [f"{w.pick(('mega', 'super', 'best', 'top'))}-{w.pick(('deals', 'outlet', 'shop'))}"
                   f"-{int(rng.integers(10, 99))}.example" for _ in range(s["domains"])]
        lo, hi = RANGES["posts_per_member"]
        counts = np.clip(rng.lognormal(math.log(s["posts_per_member_median"]), 0.6,
                                       s["accounts"]), lo, hi * 1.5).astype(int)
        viral = {p: sorted(items, key=lambda x: -x[2])[:200] for p, items in self.originals.items()}
        for i in range(s["accounts"]):
            platform = w.pick(s["platforms"])
            aid = self.account(platform, "spam", handle=w.handle("generated"),
                               display_name=f"{w.pick(FIRST_NAMES)} {w.pick(LAST_NAMES)}",
                               created=batch + self.u() * 3 * 3600,
                               followers=int(rng.integers(0, 30)),
                               following=int(rng.integers(100, 2000)), bio="Best deals online",
                               lang=lang, location="", image=self.image())
            ref = f"{int(rng.integers(0, 16**6)):06x}"
            for t in self.t0 + rng.random(int(counts[i])) * self.days * DAY:  # random times
                text = w.pick(templates).format(pct=(3 + self.ui(6)) * 10, item=w.pick(SPAM_ITEMS))
                url = f"https://{w.pick(domains)}/p/{self.ui(40)}?ref={ref}"
                cand = viral.get(platform, [])
                reply = cand[self.ui(len(cand))][0] if cand and self.u() < s["reply_share"] \
                    else None
                self.post(platform, aid, float(t), f"{text} {url}", urls=[url], reply_to=reply,
                          lang=lang)

    # -- operations ---------------------------------------------------------------------------
    def operation(self, op: dict[str, Any]) -> None:
        rng, w = self.rng, self.w
        group = f"op_{op['name']}"
        tz = float(op["clock"]["utc_offset"])
        images = [self.image() for _ in range(4)]
        batches = [self.t0 - float(rng.uniform(15, 90)) * DAY for _ in range(3)]
        bio = w.pick(BIOS[:-1]) + " " + w.pick(EMOJI)
        far = [c for c, z in CITIES.items() if abs(z - tz) >= 5] or list(CITIES)
        members: list[tuple[str, str]] = []
        for platform, count in op["accounts"].items():
            for _ in range(count):
                repurposed = self.u() < op["repurposed_share"]
                if repurposed:
                    created = self.t0 - float(rng.uniform(3 * 365, 8 * 365)) * DAY
                    handle = w.handle("human")
                elif op["bulk_created"]:
                    created = w.pick(batches) + self.u() * 4 * 3600
                    handle = w.handle("generated")
                else:
                    created = self.t0 - float(rng.uniform(60, 4 * 365)) * DAY
                    handle = w.handle("human")
                claim = op["claimed_location"]
                location = (w.pick(far) if claim == "far" else "" if claim == "none"
                            else w.pick((*far, "", w.pick(list(CITIES)))))
                aid = self.account(
                    platform, group, handle=handle,
                    display_name=f"{w.pick(FIRST_NAMES)} {w.pick(LAST_NAMES)}", created=created,
                    followers=int(rng.integers(50, 500) if repurposed else rng.integers(0, 60)),
                    following=int(rng.integers(20, 300)),
                    bio=bio if op["shared_bio"] else w.pick(BIOS), lang=op["languages"][0],
                    location=location,
                    image=w.pick(images) if op["bulk_created"] and not repurposed else self.image())
                members.append((platform, aid))
                if repurposed:
                    self._past_life(platform, aid)
        by_platform: dict[str, list[str]] = {}
        for p, a in members:
            by_platform.setdefault(p, []).append(a)
        self.members[group] = by_platform
        lo, hi = RANGES["posts_per_member"]
        budget = np.clip(np.round(rng.lognormal(math.log(op["posts_per_member_median"]),
                                                op["posts_per_member_sigma"], len(members))),
                         lo, hi).astype(np.int64)
        ctx = _OpContext(self, op, members, tz)
        self.op_originals[group] = ctx.originals
        self.op_messages[group] = ctx.messages
        if op["style"] == "ring":
            ctx.ring(budget)
        else:
            ctx.crews(budget)

    def resharers_and_hijacked(self) -> None:
        """Ordinary users resharing operations' posts; accounts hijacked by an operation."""
        rng = self.rng
        for op in self.p["operations"]:
            group = f"op_{op['name']}"
            originals = self.op_originals.get(group, {})
            free = [u for u in self.users if u.platform in originals and
                    self.group[self.acc_index[(u.platform, u.aid)]] == "organic"]
            k = min(len(free), op["organic_resharers"])
            for i in (rng.choice(len(free), k, replace=False) if k else []):
                user = free[int(i)]
                posts = originals[user.platform]
                for _ in range(1 + self.ui(4)):
                    pid, t = posts[self.ui(len(posts))]
                    when = t + 1800 * float(rng.lognormal(0, 1.5))
                    if when < self.t1:
                        self.post(user.platform, user.aid, when, reshare_of=pid, lang=user.lang)
                self._relabel(user.platform, user.aid, "resharers")
            messages = self.op_messages.get(group, [])
            platforms = {m[0] for m in messages}
            free = [u for u in self.users if u.platform in platforms and
                    self.group[self.acc_index[(u.platform, u.aid)]] == "organic"]
            for _ in range(min(op["hijacked"], len(free))):
                user = free[self.ui(len(free))]
                if self.group[self.acc_index[(user.platform, user.aid)]] != "organic":
                    continue
                start = self.t0 + self.u() * max(1.0, self.days - 5) * DAY
                end = start + float(rng.uniform(1, 5)) * DAY
                for platform, t, text, _lang in messages:
                    if platform == user.platform and start <= t < end and self.u() < 0.6:
                        self.post(platform, user.aid, min(self.t1 - 1, t + self.u() * 600),
                                  self.w.small_edit(text), lang=_lang)
                self._relabel(user.platform, user.aid, "hijacked")

    def seed_files(self) -> dict[str, list[tuple[str, str]]]:
        """Four random members of each operation on each platform where it has >= 8."""
        out = {}
        for group, by_platform in sorted(self.members.items()):
            for platform, aids in sorted(by_platform.items()):
                if len(aids) >= 8:
                    pick = self.rng.choice(len(aids), 4, replace=False)
                    out[f"{group}_{platform}_four"] = sorted((platform, aids[int(i)]) for i in pick)
        return out


class _OpContext:
    """One operation's message generation: budgets, crews, clock and texts."""

    def __init__(self, b: _FamilyBuilder, op: dict[str, Any], members: list[tuple[str, str]],
                 tz: float) -> None:
        self.b, self.op, self.members, self.tz = b, op, members, tz
        self.rng = b.rng
        self.group = f"op_{op['name']}"
        self.platform_of = np.array([p for p, _ in members])
        self.originals: dict[str, list[tuple[str, float]]] = {}
        self.messages: list[tuple[str, float, str, str]] = []
        self.articles: list[str] = []
        self.clock = op["clock"]["kind"]
        if self.clock != "none":
            self._axis()

    # -- clock --------------------------------------------------------------------------------
    def _axis(self) -> None:
        """The working-time axis: shift intervals (weekdays, :data:`SHIFT`, local time) over
        the period, and their cumulative length."""
        b = self.b
        starts, ends = [], []
        day0 = -1
        for d in range(day0, int(b.days) + 1):
            midnight = b.t0 + d * DAY - self.tz * 3600
            if dt.datetime.fromtimestamp(midnight + self.tz * 3600, dt.UTC).weekday() >= 5:
                continue
            for h0, h1 in SHIFT:
                s, e = max(b.t0, midnight + h0 * 3600), min(b.t1, midnight + h1 * 3600)
                if e > s:
                    starts.append(s)
                    ends.append(e)
        self.s = np.array(starts)
        self.cum = np.concatenate([[0.0], np.cumsum(np.array(ends) - self.s)])
        self.work_total = float(self.cum[-1])
        self.work_fraction = self.work_total / (b.t1 - b.t0)

    def _to_real(self, w: np.ndarray) -> np.ndarray:
        w = np.clip(w, 0, self.work_total - 1)
        i = np.searchsorted(self.cum, w, side="right") - 1
        return self.s[i] + (w - self.cum[i])

    def times(self, n: int, spread: float | None = None) -> np.ndarray:
        """Times of ``n`` copies of one message: the first at a random moment of the period
        (on the shift, for clocked operations), the others spread after it over ``spread``
        seconds (working seconds on a shift clock: over a day, the spread is scaled to the
        working share of the week); a leaky clock moves a share of copies off the shift."""
        rng, b = self.rng, self.b
        spread = self.op["spread_s"] if spread is None else spread
        off = np.sort(rng.random(n)) * spread
        off[0] = 0.0
        if self.clock == "none":
            t0 = b.t0 + rng.random() * (b.t1 - b.t0)
            return np.minimum(b.t1 - 1, t0 + off)
        shift_len = (SHIFT[0][1] - SHIFT[0][0] + SHIFT[1][1] - SHIFT[1][0]) * 3600
        if spread > shift_len:
            off = off * max(shift_len / spread, self.work_fraction)
        w0 = rng.random() * self.work_total
        t = self._to_real(w0 + off)
        if self.clock == "leaky":
            leak = rng.random(n) < self.op["clock"]["off_shift_share"]
            if leak.any():
                t[leak] = np.minimum(b.t1 - 1, t[0] + rng.random(int(leak.sum()))
                                     * max(self.op["spread_s"], 2 * DAY))
        return t

    # -- crews --------------------------------------------------------------------------------
    def crew(self, remaining: np.ndarray, size: int, platform: str | None = None) -> np.ndarray:
        """``size`` members with budget left, weighted by it (Efraimidis-Spirakis sampling)."""
        ok = remaining > 0
        if platform is not None:
            ok &= self.platform_of == platform
        cand = np.flatnonzero(ok)
        if len(cand) <= size:
            return cand
        keys = self.rng.random(len(cand)) ** (1.0 / remaining[cand])
        return cand[np.argpartition(-keys, size - 1)[:size]]

    def crew_size(self, pool: int) -> int:
        return max(2, int(round(self.op["crew_share"] * pool * self.rng.uniform(0.5, 1.5))))

    def text(self, lang: str) -> tuple[str, tuple[tuple[str, ...], ...], tuple[int, ...]]:
        templates = NARRATIVES[lang]
        template = templates[self.b.ui(len(templates))]
        choice = tuple(int(x) for x in self.rng.integers(0, 4, len(template)))
        return self.b.w.fill(template, lang, choice), template, choice

    def article(self) -> str:
        """A link to the operation's own site: a new article, or one pushed before."""
        if self.articles and self.b.u() < 0.3:
            return self.articles[self.b.ui(len(self.articles))]
        dom = self.op["own_domains"][self.b.ui(len(self.op["own_domains"]))]
        url = f"https://{dom}/{len(self.articles):05d}-{int(self.rng.integers(0, 10**6))}"
        self.articles.append(url)
        return url

    def crews(self, budget: np.ndarray) -> None:
        """Crew and paraphrase styles: messages of drawn types until the budgets are spent."""
        op, b = self.op, self.b
        remaining = budget.copy()
        kinds = list(op["mix"])
        probs = np.array([op["mix"][k] for k in kinds])
        pool = len(self.members)
        while remaining.sum() > 0:
            kind = kinds[int(self.rng.choice(len(kinds), p=probs / probs.sum()))]
            platform = None
            if kind in ("reshare", "reply_flood"):
                left = {p: int(remaining[self.platform_of == p].sum())
                        for p in set(self.platform_of.tolist())}
                if kind == "reply_flood":
                    critics = {p for p, _, _ in b.critic_posts}
                    left = {p: v for p, v in left.items() if p in critics}
                left = {p: v for p, v in sorted(left.items()) if v > 0}
                if not left or sum(left.values()) < 2:
                    kind = "paraphrase" if op["style"] == "paraphrase" else "copy"
                else:
                    keys = list(left)
                    pw = np.array([left[k] for k in keys], dtype=float)
                    platform = keys[int(self.rng.choice(len(keys), p=pw / pw.sum()))]
            crew = self.crew(remaining, self.crew_size(pool), platform)
            if len(crew) == 0:
                break
            remaining[crew] -= 1
            getattr(self, "_" + kind)(crew)

    def _emit(self, crew: np.ndarray, times: np.ndarray, texts: list[str], lang: str,
              urls: list[str] | None, tags: list[str] | None = None,
              media: list[str] | None = None) -> None:
        for i, t, text in zip(crew, times, texts, strict=True):
            platform, aid = self.members[int(i)]
            pid = self.b.post(platform, aid, float(t), text, urls=urls, hashtags=tags,
                              media=media, lang=lang)
            self.originals.setdefault(platform, []).append((pid, float(t)))
            self.messages.append((platform, float(t), text, lang))

    def _tags(self, lang: str) -> list[str] | None:
        if self.b.u() >= self.op["hashtag_share"]:
            return None
        tags = OP_HASHTAGS[lang]
        return [tags[self.b.ui(len(tags))], f"{self.op['name'].capitalize()}Voice"]

    def _copy(self, crew: np.ndarray, link: bool = False) -> None:
        lang = self.op["languages"][self.b.ui(len(self.op["languages"]))]
        base, _, _ = self.text(lang)
        tags = self._tags(lang)
        url = self.article() if link else None
        texts = []
        for _ in crew:
            t = self.b.w.small_edit(base, tags) if self.b.u() < self.op["edit_share"] else base
            texts.append(t + (f" {url}" if url else ""))
        self._emit(crew, self.times(len(crew)), texts, lang, [url] if url else None, tags)

    def _link(self, crew: np.ndarray) -> None:
        if self.op["style"] == "paraphrase":
            self._paraphrase(crew, link=True)
        else:
            self._copy(crew, link=True)

    def _paraphrase(self, crew: np.ndarray, link: bool = False) -> None:
        lang = self.op["languages"][self.b.ui(len(self.op["languages"]))]
        _, template, _ = self.text(lang)
        url = self.article() if link else None
        texts = [self.b.w.fill(template, lang) + (f" {url}" if url else "") for _ in crew]
        self._emit(crew, self.times(len(crew)), texts, lang, [url] if url else None)

    def _camouflage(self, crew: np.ndarray) -> None:
        lang = self.op["languages"][0]
        caption = self.b.w.pick(CAPTIONS[lang]) + " " + self.b.w.pick(EMOJI)
        media = [f"img:{int(self.rng.integers(0, 2**48)):012x}"]
        self._emit(crew, self.times(len(crew), min(self.op["spread_s"], 3 * 3600)),
                   [caption] * len(crew), lang, None, None, media)

    def _reshare(self, crew: np.ndarray) -> None:
        """One member posts, the others (same platform) reshare it."""
        lang = self.op["languages"][self.b.ui(len(self.op["languages"]))]
        base, _, _ = self.text(lang)
        times = self.times(len(crew))
        lead_platform, lead = self.members[int(crew[0])]
        pid = self.b.post(lead_platform, lead, float(times[0]), base, lang=lang)
        self.originals.setdefault(lead_platform, []).append((pid, float(times[0])))
        for i, t in zip(crew[1:], times[1:], strict=True):
            platform, aid = self.members[int(i)]
            self.b.post(platform, aid, max(float(t), float(times[0]) + 2), reshare_of=pid,
                        lang=lang)

    def _reply_flood(self, crew: np.ndarray) -> None:
        platform = self.members[int(crew[0])][0]
        targets = [c for c in self.b.critic_posts if c[0] == platform]
        _, target, t0 = targets[self.b.ui(len(targets))]
        w = self.b.w
        for i in crew:
            p, aid = self.members[int(i)]
            t = min(self.b.t1 - 1, t0 + 60 + self.b.u() * min(self.op["spread_s"], 6 * 3600))
            self.b.post(p, aid, t, w.small_edit(w.pick(ATTACKS)), reply_to=target, lang="en")

    # -- ring ---------------------------------------------------------------------------------
    def ring(self, budget: np.ndarray) -> None:
        """A reshare ring: per platform, leaders (the most active members) post, and a crew of
        the platform's other members reshares each post; camouflage as its mix says."""
        op, rng = self.op, self.rng
        hi = RANGES["posts_per_member"][1]
        camo = op["mix"].get("camouflage", 0.0)
        for platform in sorted(set(self.platform_of.tolist())):
            idx = np.flatnonzero(self.platform_of == platform)
            if len(idx) < 2:
                self._solo(idx, budget)
                continue
            order = idx[np.argsort(-budget[idx], kind="stable")]
            c = max(1, int(round(op["crew_share"] * len(idx))))
            messages = int(budget[order].sum() / (c + 1)) + 1
            n_lead = int(min(len(idx) - 1, max(1, round(len(idx) * float(rng.uniform(0.03, 0.1))),
                                                math.ceil(messages / hi))))
            leaders, rest = order[:n_lead], order[n_lead:]
            remaining = budget.copy()
            remaining[leaders] = 0
            mask = np.zeros(len(budget), dtype=bool)
            mask[rest] = True
            remaining[~mask] = 0
            k = 0
            while remaining.sum() > 0:
                crew = self.crew(remaining, self.crew_size(len(rest)) if c > 1 else 1)
                if len(crew) == 0:
                    break
                remaining[crew] -= 1
                leader = leaders[k % len(leaders)]
                k += 1
                if self.b.u() < camo:
                    self._camouflage(np.concatenate([[leader], crew]))
                else:
                    self._reshare(np.concatenate([[leader], crew]))

    def _solo(self, idx: np.ndarray, budget: np.ndarray) -> None:
        """A lone member on a platform: posts the operation's texts on its own."""
        for i in idx:
            for _ in range(int(budget[int(i)])):
                self._copy(np.array([int(i)]))


def build_scenario_world(params: dict[str, Any]) -> tuple[World, dict[str, list[tuple[str, str]]]]:
    """The world of a drawn scenario (:func:`.scenario.draw_scenario`) and its seed files
    (name -> four ``(platform, account_id)`` of one operation on one platform)."""
    b = _FamilyBuilder(params)
    b.organic()
    b.fandoms()
    b.activists()
    b.niche()
    b.popularity_actions()
    b.news_bots()
    b.breaking_news()
    b.spam()
    for op in params["operations"]:
        b.operation(op)
    b.resharers_and_hijacked()
    seeds = b.seed_files()
    posts, accounts, truth = b.tables()
    groups: dict[str, int] = {}
    for g in b.group:
        groups[g] = groups.get(g, 0) + 1
    counts = {"posts": posts.num_rows, "accounts": accounts.num_rows,
              "groups": dict(sorted(groups.items())), "breaking_news_shares": b.breaking}
    return World(posts, accounts, truth, counts), seeds
