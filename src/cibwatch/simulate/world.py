"""Build a simulated world: accounts, posts and the ground truth of who is who.

Scenarios, each in its own method, in this order (later ones may use what earlier ones made):

organic users
    time zones and daily rhythms (local evening peak, night lull), languages that follow the
    time zone, two interests each, heavy-tailed (log-normal) activity, popularity-driven
    reshares and replies (targets weighted by a Pareto "virality", delays log-normal after the
    post), links to news sites, hashtags; a few outspoken critics.
breaking news (authentic)
    hundreds of organic users share one article within minutes, most with the share button's
    text (the headline) and its tracking parameters.
fandom (authentic)
    fans with ordinary histories push votes at an agreed hour on several days: the same
    hashtags in the same order, the fan club's post reshared.
activists (authentic)
    a campaign toolkit's suggested texts posted at an agreed hour on campaign days.
news aggregators (authentic, disclosed bots)
    identical headlines and links within seconds of each other, all day.
commercial spam
    bulk-made accounts posting promotions in waves and under popular posts.
operations (planted; tactics from the config)
    teams of accounts pushing the same message with small edits (also in Chinese), camouflage
    captions with the same image, inward reshares, links to the operation's own videos and
    articles on other platforms, reply floods under critics, all on an office-hours shift in the
    operation's time zone; repurposed accounts with a past life and a dormant gap;
    bulk-created accounts with generated handles and reused profile images. The ``stealthy``
    tactic instead spreads paraphrased versions of a message over hours or days.

All randomness comes from one ``numpy.random.Generator`` seeded by the caller.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from ..model import ACCOUNTS_SCHEMA, POSTS_SCHEMA
from .language import (
    EMOJI,
    FIRST_NAMES,
    LAST_NAMES,
    NEWS_DOMAINS,
    TOPICS,
    Writer,
)

__all__ = ["World", "build_world", "GROUPS_AUTHENTIC"]

#: Ground-truth groups of authentic accounts (operations are ``op_<name>``; ``spam`` is
#: commercial spam).
GROUPS_AUTHENTIC = ("organic", "breaking_news", "fandom", "activists", "news_aggregators")

DAY = 86400.0
#: Local-hour activity of ordinary users (evening peak, night lull).
DIURNAL = np.array([1.0, 0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.5, 2.0, 2.0, 2.0, 2.2, 2.5, 2.2, 2.0,
                    2.0, 2.2, 2.6, 3.0, 3.4, 3.6, 3.4, 2.8, 1.8])
DIURNAL = DIURNAL / DIURNAL.sum()
TZ_LANG: dict[float, tuple[tuple[str, float], ...]] = {
    -8: (("en", 1.0),), -5: (("en", 0.85), ("es", 0.15)), -3: (("pt", 0.9), ("es", 0.1)),
    0: (("en", 1.0),), 1: (("en", 0.6), ("es", 0.4)), 3: (("ru", 1.0),), 8: (("zh", 1.0),),
    9: (("en", 0.5), ("zh", 0.5)),
}
TZ_CITY: dict[float, str] = {-8: "Los Angeles", -5: "New York", -3: "São Paulo", 0: "London", 1: "Madrid",
           3: "Moscow", 8: "Shanghai", 9: "Seoul"}

NARRATIVES_EN = (
    "The western media keeps lying about Xinjiang while ignoring its own problems at home",
    "Taiwan's leaders are selling out the island to foreign weapons dealers",
    "America is the real threat to world peace and everyone can see it now",
    "The so-called human rights report is nothing but a political smear campaign",
    "China's development brings prosperity to the whole region, the facts speak for themselves",
    "Why does the US government fund chaos in other countries but not fix its own cities",
)
NARRATIVES_ZH = (
    "西方媒体一直在散布关于新疆的谎言，却对自己国家的问题视而不见",
    "台湾当局正在把台湾出卖给外国军火商，大家要看清真相",
    "美国才是世界和平的真正威胁，事实胜于雄辩",
    "中国的发展造福整个地区，所谓的人权报告不过是政治抹黑",
)
ATTACKS = (
    "You are a liar paid by foreign money, nobody believes your fake reports",
    "Stop spreading rumours, your articles are full of lies and hatred",
    "Shameless propaganda again, you should apologise for your lies",
    "Another fake story from a paid agent, everyone knows who funds you",
)
CAMOUFLAGE = (
    "Beautiful sunset by the lake tonight", "Morning walk in the mountains, so peaceful",
    "What a goal in the match yesterday", "Fresh flowers in the spring garden",
    "Cute kitten sleeping in the sun", "Street food night market is the best",
)
STEALTH_TEMPLATES: tuple[list[tuple[str, ...]], ...] = (
    [("Honestly,", "Let's be real,", "Think about it:", "Funny how"),
     ("the mainstream press", "the big media outlets", "western newspapers", "the news channels"),
     ("never report", "keep ignoring", "won't cover", "refuse to mention"),
     ("the economic progress", "the real development", "the growth and stability"),
     ("in the region.", "over there.", "that people actually see."),
     ("Ask yourself why.", "Who benefits?", "Draw your own conclusions.", "")],
    [("Another week,", "Once again,", "As usual,", "Yet again"),
     ("Washington", "the US administration", "American officials", "the White House"),
     ("lectures others", "preaches to the world", "points fingers"),
     ("about freedom", "on human rights", "about democracy"),
     ("while", "but meanwhile", "even as"),
     ("its own streets are in chaos.", "its cities fall apart.", "its people struggle at home.")],
    [("Read this", "Worth reading", "Important read", "Must read"),
     ("before you believe", "if you still trust", "before you share"),
     ("the latest accusations.", "what the media tells you.", "the official story.")],
)
SPAM_TEMPLATES = (
    "HOT DEAL {pct}% OFF {item} today only, limited stock",
    "Best prices on {item}, {pct}% discount, free shipping worldwide",
    "Get your {item} now with {pct}% off, offer ends tonight",
)
SPAM_ITEMS = ("sneakers", "smart watches", "sunglasses", "headphones", "handbags", "phone cases")
SPAM_DOMAINS = ("mega-deals-shop.example", "cheap-brand-outlet.example", "best-price-store.example")
TOOLKIT_TEXTS = (
    "Our planet cannot wait, tell your representative to pass the climate bill now",
    "Clean air is a right, not a privilege, act on climate today",
    "We stand together for a livable future, support the climate action bill",
    "No more delays, the climate crisis needs action from congress now",
    "Young people demand climate justice, pass the bill this week",
)
FANDOM_TEXTS = (
    "Voting for #NovaBand at #MAMA2026 every day, let's win this",
    "Daily vote done for #NovaBand at #MAMA2026, fighting",
    "Don't forget to vote #NovaBand at #MAMA2026 today",
)


@dataclass
class World:
    """What a simulation made: posts, accounts, truth, and counts for the report."""

    posts: pa.Table
    accounts: pa.Table
    truth: pa.Table
    counts: dict[str, Any] = field(default_factory=dict)


class _Builder:
    def __init__(self, cfg: dict[str, Any], seed: int, scale: float) -> None:
        self.cfg = cfg
        self.scale = scale
        self.rng = np.random.default_rng(seed)
        self.w = Writer(self.rng)
        start = dt.datetime.fromisoformat(cfg["world"]["start"].replace("Z", "+00:00"))
        self.t0 = start.timestamp()
        self.days = float(cfg["world"]["days"])
        self.t1 = self.t0 + self.days * DAY
        self.posts: dict[str, list[Any]] = {c: [] for c in POSTS_SCHEMA.names}
        self.accounts: dict[str, list[Any]] = {c: [] for c in ACCOUNTS_SCHEMA.names}
        self.group: list[str] = []
        self.acc_index: dict[tuple[str, str], int] = {}
        self.next_post = 10**9
        self.next_acc = 10**6
        # per-platform original posts: (post_id, time, virality, account) for targeting
        self.originals: dict[str, list[tuple[str, float, float, str]]] = {}
        self.critic_posts: list[tuple[str, str, float]] = []  # (platform, post_id, time)

    # -- primitives ---------------------------------------------------------------------------
    def n(self, x: float) -> int:
        return max(1, int(round(x * self.scale)))

    def account(self, platform: str, group: str, *, handle: str, display_name: str,
                created: float, followers: int, following: int, bio: str, lang: str,
                location: str, image: str) -> str:
        self.next_acc += int(self.rng.integers(1, 50))
        aid = str(self.next_acc)
        a = self.accounts
        a["platform"].append(platform)
        a["account_id"].append(aid)
        a["handle"].append(handle)
        a["display_name"].append(display_name)
        a["created_at"].append(int(created * 1e6))
        a["followers"].append(int(followers))
        a["following"].append(int(following))
        a["bio"].append(bio)
        a["lang"].append(lang)
        a["location"].append(location)
        a["profile_image_hash"].append(image)
        self.acc_index[(platform, aid)] = len(self.group)
        self.group.append(group)
        return aid

    def post(self, platform: str, account: str, t: float, text: str = "", *,
             urls: list[str] | None = None, hashtags: list[str] | None = None,
             mentions: list[str] | None = None, media: list[str] | None = None,
             reshare_of: str | None = None, reply_to: str | None = None,
             lang: str | None = None, virality: float | None = None) -> str:
        self.next_post += int(self.rng.integers(1, 1000))
        pid = str(self.next_post)
        p = self.posts
        p["platform"].append(platform)
        p["post_id"].append(pid)
        p["account_id"].append(account)
        p["created_at"].append(int(round(t * 1e6)))
        p["text"].append(text)
        p["urls"].append(urls or [])
        p["hashtags"].append(hashtags or [])
        p["mentions"].append(mentions or [])
        p["media"].append(media or [])
        p["reshare_of"].append(reshare_of)
        p["reply_to"].append(reply_to)
        p["lang"].append(lang)
        if virality is not None:
            self.originals.setdefault(platform, []).append((pid, t, virality, account))
        return pid

    def image(self) -> str:
        return f"{int(self.rng.integers(0, 2**63)):016x}"

    def local_times(self, k: int, tz: float, days: float | None = None,
                    start: float | None = None) -> np.ndarray:
        """``k`` times following the ordinary daily rhythm in time zone ``tz``."""
        days = self.days if days is None else days
        start = self.t0 if start is None else start
        day = self.rng.integers(0, int(days), k)
        hour = self.rng.choice(24, size=k, p=DIURNAL)
        sec = self.rng.random(k) * 3600
        return start + day * DAY + hour * 3600 + sec - tz * 3600

    def shift_time(self, tz: float) -> float:
        """A working time: weekday, 09:00-12:00 or 13:30-18:00 local time in ``tz``."""
        rng = self.rng
        while True:
            day = int(rng.integers(0, int(self.days)))
            if (dt.datetime.fromtimestamp(self.t0 + day * DAY, dt.UTC).weekday()) < 5:
                break
        if rng.random() < 3 / 7.5:
            local = 9 * 3600 + rng.random() * 3 * 3600
        else:
            local = 13.5 * 3600 + rng.random() * 4.5 * 3600
        return self.t0 + day * DAY + local - tz * 3600

    # -- organic users ------------------------------------------------------------------------
    def ordinary_accounts(self, k: int, group: str, *, topics: tuple[str, ...] | None = None,
                          tzs: dict[float, float] | None = None,
                          platforms: dict[str, float] | None = None,
                          rate_boost: float = 1.0) -> list[tuple[str, str, float, str, list[str], float]]:
        """Accounts with ordinary histories; returns (platform, id, tz, lang, topics, rate)."""
        cfg = self.cfg["organic"]
        rng, w = self.rng, self.w
        tzs = tzs or {float(z): float(p) for z, p in cfg["timezones"].items()}
        plats = platforms or cfg["platform_share"]
        tz_keys = np.array(list(tzs), dtype=float)
        tz_p = np.array(list(tzs.values()), dtype=float)
        pl_keys = list(plats)
        pl_p = np.array(list(plats.values()), dtype=float)
        out = []
        for _ in range(k):
            tz = float(tz_keys[rng.choice(len(tz_keys), p=tz_p / tz_p.sum())])
            platform = pl_keys[int(rng.choice(len(pl_keys), p=pl_p / pl_p.sum()))]
            langs = TZ_LANG.get(tz, (("en", 1.0),))
            lang = langs[int(rng.choice(len(langs), p=[x[1] for x in langs]))][0]
            interests = list(topics) if topics else [
                TOPICS[int(i)] for i in rng.choice(len(TOPICS) - 1, 2, replace=False)]
            rate = float(rng.lognormal(np.log(cfg["posts_per_day_median"]),
                                       cfg["posts_per_day_sigma"])) * rate_boost
            first, last = w.pick(FIRST_NAMES), w.pick(LAST_NAMES)
            created = self.t0 - float(rng.uniform(60, 15 * 365)) * DAY
            followers = int(rng.lognormal(5, 1.5))
            aid = self.account(
                platform, group, handle=w.handle("human"), display_name=f"{first} {last}",
                created=created, followers=followers, following=int(rng.lognormal(5, 1)),
                bio=w.sentence(lang, interests[0], int(rng.integers(3, 10))), lang=lang,
                location=TZ_CITY.get(tz, "") if rng.random() < 0.6 else "", image=self.image())
            out.append((platform, aid, tz, lang, interests, rate))
        return out

    def ordinary_posts(self, users: list[tuple[str, str, float, str, list[str], float]]) -> None:
        """Original posts of ordinary users now; reshares and replies are queued for later."""
        cfg = self.cfg["organic"]
        rng, w = self.rng, self.w
        for platform, aid, tz, lang, interests, rate in users:
            k = int(rng.poisson(rate * self.days))
            if k == 0:
                continue
            times = np.sort(self.local_times(k, tz))
            kinds = rng.random(k)
            for t, r in zip(times, kinds, strict=True):
                if r < cfg["reshare_share"]:
                    self.queue.append(("reshare", platform, aid, lang))
                    continue
                if r < cfg["reshare_share"] + cfg["reply_share"]:
                    self.queue.append(("reply", platform, aid, lang))
                    continue
                topic = interests[int(rng.integers(0, len(interests)))]
                text = w.sentence(lang, topic)
                urls, tags = None, None
                if rng.random() < cfg["url_share"]:
                    dom = w.pick(NEWS_DOMAINS)
                    urls = [w.news_url(dom, w.headline(topic), int(rng.integers(0, 5000)),
                                       tracking=rng.random() < 0.3)]
                    text = text + " " + urls[0]
                if rng.random() < cfg["hashtag_share"]:
                    tags = w.hashtags(topic, int(rng.integers(1, 3)))
                    text = text + " " + " ".join("#" + h for h in tags)
                self.post(platform, aid, float(t), text, urls=urls, hashtags=tags, lang=lang,
                          virality=float(rng.pareto(1.3)) + 0.05)

    def popularity_actions(self) -> None:
        """Queued reshares and replies: targets weighted by virality, delays after the post."""
        cfg = self.cfg["organic"]
        rng, w = self.rng, self.w
        pools = {}
        for platform, items in self.originals.items():
            v = np.array([x[2] for x in items])
            pools[platform] = (items, np.cumsum(v) / v.sum())
        done: set[tuple[str, str, str]] = set()
        for kind, platform, aid, lang in self.queue:
            if platform not in pools:
                continue
            items, cum = pools[platform]
            j = int(np.searchsorted(cum, rng.random()))
            pid, t, _, author = items[min(j, len(items) - 1)]
            if author == aid or (kind, aid, pid) in done:
                continue  # nobody reshares their own post, or one post twice
            done.add((kind, aid, pid))
            med = cfg["reshare_delay_median_s"] if kind == "reshare" else cfg["reply_delay_median_s"]
            when = t + float(rng.lognormal(np.log(med), 1.5))
            if when > self.t1:
                continue
            if kind == "reshare":
                self.post(platform, aid, when, reshare_of=pid, lang=lang)
            else:
                self.post(platform, aid, when, w.sentence(lang, None, int(rng.integers(3, 15))),
                          reply_to=pid, lang=lang)

    def organic(self) -> None:
        cfg = self.cfg["organic"]
        self.queue: list[tuple[str, str, str, str]] = []
        self.organic_users = self.ordinary_accounts(self.n(cfg["accounts"]), "organic")
        critics = [u for u in self.organic_users if u[0] == "twitter"][: cfg["critics"]]
        self.critics = critics
        self.ordinary_posts(self.organic_users)
        for platform, aid, tz, _, _, _ in critics:  # critics post on politics, often
            for t in self.local_times(int(self.days * 2), tz):
                pid = self.post(platform, aid, float(t), self.w.sentence("en", "politics"),
                                lang="en", virality=2.0)
                self.critic_posts.append((platform, pid, float(t)))

    # -- authentic coordination ---------------------------------------------------------------
    def breaking_news(self) -> None:
        cfg = self.cfg["breaking_news"]
        rng, w = self.rng, self.w
        pool = [u for u in self.organic_users if u[0] in ("twitter", "facebook")]
        rates = np.array([u[5] for u in pool])
        self.breaking = 0
        for _ in range(cfg["events"]):
            t = self.t0 + float(rng.uniform(1, self.days - 1)) * DAY
            topic = w.pick(("politics", "weather", "sports", "finance", "tech"))
            dom = w.pick(NEWS_DOMAINS)
            headline = w.headline(topic)
            url = w.news_url(dom, headline, int(rng.integers(10**5, 10**6)))
            k = min(len(pool), self.n(int(rng.integers(cfg["sharers_min"], cfg["sharers_max"]))))
            who = rng.choice(len(pool), size=k, replace=False, p=rates / rates.sum())
            for i in who:
                platform, aid, _, lang, _, _ = pool[int(i)]
                when = t + float(rng.exponential(cfg["delay_mean_s"]))
                share_url = url + ("?utm_source=twitter&utm_medium=share" if platform == "twitter"
                                   else "?fbclid=IwAR" + str(int(rng.integers(0, 10**6))))
                if rng.random() < cfg["default_text_share"]:
                    text = f"{headline} via @{dom.split('.')[0]} {share_url}"
                else:
                    text = w.sentence(lang, topic, int(rng.integers(3, 10))) + " " + share_url
                self.post(platform, aid, when, text, urls=[share_url], lang=lang)
                self._relabel(platform, aid, "breaking_news")
                self.breaking += 1

    def _relabel(self, platform: str, aid: str, group: str) -> None:
        i = self.acc_index[(platform, aid)]
        if self.group[i] == "organic":
            self.group[i] = group

    def fandom(self) -> None:
        cfg = self.cfg["fandom"]
        rng, w = self.rng, self.w
        fans = self.ordinary_accounts(
            self.n(cfg["accounts"]), "fandom", topics=("kpop", "music"),
            tzs={9.0: 0.4, 8.0: 0.2, -5.0: 0.2, 0.0: 0.1, 1.0: 0.1},
            platforms={"twitter": 1.0})
        self.ordinary_posts(fans)
        club = fans[0]
        for d in range(min(cfg["voting_days"], int(self.days))):
            t = self.t0 + (int(self.days) - cfg["voting_days"] + d) * DAY + cfg["hour_utc"] * 3600
            club_post = self.post(club[0], club[1], t, "It's voting time! Vote for #NovaBand at "
                                  "#MAMA2026 https://vote.mama2026.example/novaband",
                                  urls=["https://vote.mama2026.example/novaband"],
                                  hashtags=["NovaBand", "MAMA2026"], lang="en")
            for platform, aid, _, lang, _, _ in fans[1:]:
                if rng.random() < 0.15:
                    continue  # not every fan every day
                when = t + float(rng.uniform(0, cfg["window_s"]))
                if rng.random() < 0.5:
                    self.post(platform, aid, when, reshare_of=club_post, lang=lang)
                else:
                    text = w.small_edit(w.pick(FANDOM_TEXTS)) if rng.random() < 0.5 else \
                        w.pick(FANDOM_TEXTS) + " " + w.pick(EMOJI)
                    self.post(platform, aid, when, text, hashtags=["NovaBand", "MAMA2026"],
                              lang=lang)

    def activists(self) -> None:
        cfg = self.cfg["activists"]
        rng, w = self.rng, self.w
        tz = float(cfg["utc_offset"])
        people = self.ordinary_accounts(
            self.n(cfg["accounts"]), "activists", topics=("politics", "weather"),
            tzs={tz: 0.8, -8.0: 0.2}, platforms={"twitter": 0.7, "facebook": 0.3})
        self.ordinary_posts(people)
        texts = TOOLKIT_TEXTS[: cfg["toolkit_texts"]]
        url = "https://climatecoalition.example/act"
        days = rng.choice(int(self.days) - 1, size=cfg["campaign_days"], replace=False) + 1
        for d in sorted(days.tolist()):
            t = self.t0 + d * DAY + (cfg["hour_local"] - tz) * 3600
            for platform, aid, _, _, _, _ in people:
                if rng.random() < 0.2:
                    continue
                base = w.pick(texts)
                text = base if rng.random() < 0.7 else w.small_edit(base)
                self.post(platform, aid, t + float(rng.uniform(0, cfg["window_s"])),
                          f"{text} #ClimateActionNow {url}", urls=[url],
                          hashtags=["ClimateActionNow"], lang="en")

    def news_aggregators(self) -> None:
        cfg = self.cfg["news_aggregators"]
        rng, w = self.rng, self.w
        bots: list[tuple[str, frozenset[str]]] = []
        for i in range(self.n(cfg["accounts"])):
            name = f"{w.pick(('World', 'Daily', 'Global', 'Metro', 'Breaking'))}"\
                   f"{w.pick(('Wire', 'Feed', 'Headlines', 'Digest'))}{i}"
            aid = self.account("twitter", "news_aggregators", handle=name,
                               display_name=f"{name} (automated)",
                               created=self.t0 - float(rng.uniform(200, 3000)) * DAY,
                               followers=int(rng.lognormal(7, 1)), following=0,
                               bio="Automated news feed: headlines from major outlets. Bot.",
                               lang="en", location="", image=self.image())
            subs = [d for d in NEWS_DOMAINS if rng.random() < 0.6]
            bots.append((aid, frozenset(subs)))
        n_items = int(cfg["headlines_per_day"] * self.days)
        for _ in range(n_items):
            t = self.t0 + float(rng.uniform(0, self.days)) * DAY
            dom = w.pick(NEWS_DOMAINS)
            topic = w.pick(("politics", "sports", "finance", "tech", "weather", "movies"))
            headline = w.headline(topic)
            url = w.news_url(dom, headline, int(rng.integers(10**6, 10**7)))
            for aid, follows in bots:
                if dom in follows:
                    self.post("twitter", aid, t + float(rng.uniform(5, 120)),
                              f"{headline} {url}", urls=[url], lang="en")

    def spam(self) -> None:
        cfg = self.cfg["spam"]
        rng, w = self.rng, self.w
        batch = self.t0 - float(rng.uniform(20, 60)) * DAY
        spammers = []
        for _ in range(self.n(cfg["accounts"])):
            first, last = w.pick(FIRST_NAMES), w.pick(LAST_NAMES)
            aid = self.account("twitter", "spam", handle=w.handle("generated"),
                               display_name=f"{first} {last}",
                               created=batch + float(rng.uniform(0, 3 * 3600)),
                               followers=int(rng.integers(0, 30)),
                               following=int(rng.integers(100, 2000)), bio="Best deals online",
                               lang="en", location="", image=self.image())
            spammers.append(aid)
        items = [int(rng.integers(1000, 9999)) for _ in range(20)]
        n_waves = int(cfg["waves_per_day"] * self.days)
        per_wave = max(1, int(cfg["posts_per_day"] / cfg["waves_per_day"]))
        viral = sorted(self.originals.get("twitter", []), key=lambda x: -x[2])[:200]
        for _ in range(n_waves):
            t = self.t0 + float(rng.uniform(0, self.days)) * DAY
            for aid in spammers:
                for _ in range(per_wave):
                    text = w.pick(SPAM_TEMPLATES).format(pct=int(rng.integers(3, 9)) * 10,
                                                         item=w.pick(SPAM_ITEMS))
                    url = f"https://{w.pick(SPAM_DOMAINS)}/item/{w.pick(items)}"
                    when = t + float(rng.uniform(0, 600))
                    reply = viral[int(rng.integers(0, len(viral)))][0] if viral and \
                        rng.random() < 0.2 else None
                    self.post("twitter", aid, when, f"{text} {url}", urls=[url],
                              reply_to=reply, lang="en")

    # -- operations ---------------------------------------------------------------------------
    def operation(self, op: dict[str, Any]) -> None:
        rng, w = self.rng, self.w
        tactics = set(op["tactics"])
        group = f"op_{op['name']}"
        tz = float(op["utc_offset"])
        images = [self.image() for _ in range(4)]
        members: dict[str, list[str]] = {}
        batches = [self.t0 - float(rng.uniform(15, 90)) * DAY for _ in range(3)]
        for platform, count in op["accounts"].items():
            for _ in range(self.n(count)):
                repurposed = "repurposed" in tactics and rng.random() < op["repurposed_share"]
                first, last = w.pick(FIRST_NAMES), w.pick(LAST_NAMES)
                if repurposed:
                    created = self.t0 - float(rng.uniform(3 * 365, 8 * 365)) * DAY
                    handle = w.handle("human")
                elif "bulk_created" in tactics:
                    created = w.pick(batches) + float(rng.uniform(0, 4 * 3600))
                    handle = w.handle("generated")
                else:
                    created = self.t0 - float(rng.uniform(60, 4 * 365)) * DAY
                    handle = w.handle("human")
                image = w.pick(images) if "bulk_created" in tactics else self.image()
                aid = self.account(
                    platform, group, handle=handle, display_name=f"{first} {last}",
                    created=created, followers=int(rng.integers(0, 60)),
                    following=int(rng.integers(20, 300)),
                    bio=w.pick(("Love peace and truth", "Truth seeker", "", "World citizen")),
                    lang="en", location=w.pick(("New York", "London", "Toronto", "")),
                    image=image)
                members.setdefault(platform, []).append(aid)
                if repurposed:
                    self._past_life(platform, aid)
        social = [(p, a) for p in ("twitter", "facebook", "reddit") for a in members.get(p, [])]
        if not social:
            return
        budget = int(op["posts_per_day"] * self.days * 5 / 7 * len(social))
        seeds = self._seed_content(op, members, tz)
        made = 0
        lo, hi = op["team_size"]
        while made < budget:
            team_n = min(len(social), int(rng.integers(lo, hi + 1)))
            team = [social[int(i)] for i in rng.choice(len(social), team_n, replace=False)]
            if "stealthy" in tactics:
                made += self._stealth_message(team, tz, op, seeds)
                continue
            r = rng.random()
            t = self.shift_time(tz)
            if r < 0.40 and "copypasta" in tactics:
                made += self._copypasta(team, t, op, "chinese" in tactics)
            elif r < 0.55 and "camouflage" in tactics:
                made += self._camouflage(team, t, op)
            elif r < 0.70 and "inward_amplification" in tactics:
                made += self._amplify(team, t, op)
            elif r < 0.85 and "cross_platform" in tactics and seeds:
                made += self._seed_share(team, op, tz, seeds)
            elif r < 0.93 and "reply_flooding" in tactics and self.critic_posts:
                made += self._reply_flood(team, op)
            else:
                made += self._copypasta(team, t, op, "chinese" in tactics)

    def _past_life(self, platform: str, aid: str) -> None:
        """A bought account's earlier life: another topic, language and clock, then silence."""
        rng, w = self.rng, self.w
        lang = w.pick(("es", "pt", "en"))
        topic = w.pick(("fashion", "sports", "travel", "pets"))
        k = int(rng.integers(15, 60))
        start = self.t0 - float(rng.uniform(300, 420)) * DAY
        for t in self.local_times(k, -3.0, days=float(rng.uniform(60, 150)), start=start):
            self.post(platform, aid, float(t), w.sentence(lang, topic), lang=lang,
                      hashtags=w.hashtags(topic, 1) if rng.random() < 0.4 else None)

    def _seed_content(self, op: dict[str, Any], members: dict[str, list[str]],
                      tz: float) -> list[tuple[str, float]]:
        """The operation's own videos and articles (URL, publication time)."""
        rng, w = self.rng, self.w
        out = []
        site = f"{op['name']}-report.example"
        for platform in ("youtube", "medium"):
            for aid in members.get(platform, []):
                for _ in range(int(self.days // 3)):
                    t = self.shift_time(tz)
                    slug = "-".join(w.pick(NARRATIVES_EN).lower().split()[:5]).strip(",")
                    if platform == "youtube":
                        url = f"https://www.youtube.com/watch?v={int(rng.integers(0, 2**40)):010x}"
                    else:
                        url = f"https://medium.com/@{aid}/{slug}-{int(rng.integers(0, 10**6))}"
                    self.post(platform, aid, t, w.pick(NARRATIVES_EN), urls=[url], lang="en")
                    out.append((url, t))
        if "stealthy" in op["tactics"] or not out:
            for _ in range(int(self.days)):
                t = self.shift_time(tz)
                slug = "-".join(w.pick(NARRATIVES_EN).lower().split()[:4]).strip(",")
                out.append((f"https://{site}/{slug}-{int(rng.integers(0, 10**6))}", t))
        return out

    def _copypasta(self, team: list[tuple[str, str]], t: float, op: dict[str, Any],
                   chinese: bool) -> int:
        rng, w = self.rng, self.w
        zh = chinese and rng.random() < 0.35
        base = w.pick(NARRATIVES_ZH if zh else NARRATIVES_EN)
        tags = ["Xinjiang", "China"] if not zh else ["新疆", "中国"]
        for platform, aid in team:
            text = w.small_edit(base, tags) if rng.random() < 0.8 else base
            self.post(platform, aid, t + float(rng.uniform(0, op["burst_s"])), text,
                      lang="zh" if zh else "en",
                      hashtags=tags if rng.random() < 0.5 else None)
        return len(team)

    def _camouflage(self, team: list[tuple[str, str]], t: float, op: dict[str, Any]) -> int:
        rng, w = self.rng, self.w
        caption = w.pick(CAMOUFLAGE) + " " + w.pick(EMOJI)
        media = f"img:{int(rng.integers(0, 2**48)):012x}"
        for platform, aid in team:
            self.post(platform, aid, t + float(rng.uniform(0, op["burst_s"])), caption,
                      media=[media], lang="en")
        return len(team)

    def _amplify(self, team: list[tuple[str, str]], t: float, op: dict[str, Any]) -> int:
        rng, w = self.rng, self.w
        lead_platform, lead = team[0]
        pid = self.post(lead_platform, lead, t, w.pick(NARRATIVES_EN), lang="en")
        n = 1
        for platform, aid in team[1:]:
            if platform == lead_platform:
                self.post(platform, aid, t + float(rng.uniform(5, op["burst_s"])),
                          reshare_of=pid, lang="en")
                n += 1
        return n

    def _seed_share(self, team: list[tuple[str, str]], op: dict[str, Any], tz: float,
                    seeds: list[tuple[str, float]]) -> int:
        rng, w = self.rng, self.w
        url, published = seeds[int(rng.integers(0, len(seeds)))]
        t = self._to_shift(max(published, self.t0) + float(rng.uniform(60, 3 * 3600)), tz)
        for platform, aid in team:
            comment = w.pick(("Watch this", "Must read", "The truth they hide", "Share widely",
                              "Important"))
            self.post(platform, aid, t + float(rng.uniform(0, op["burst_s"])),
                      f"{comment} {url}", urls=[url], lang="en")
        return len(team)

    def _reply_flood(self, team: list[tuple[str, str]], op: dict[str, Any]) -> int:
        rng, w = self.rng, self.w
        platform, target, t = self.critic_posts[int(rng.integers(0, len(self.critic_posts)))]
        n = 0
        for p, aid in team:
            if p != platform:
                continue
            self.post(p, aid, t + float(rng.uniform(60, 1800)), w.small_edit(w.pick(ATTACKS)),
                      reply_to=target, lang="en")
            n += 1
        return max(n, 1)

    def _stealth_message(self, team: list[tuple[str, str]], tz: float, op: dict[str, Any],
                         seeds: list[tuple[str, float]]) -> int:
        """Paraphrased versions of one message, spread over hours or days, often with the
        operation's own link."""
        rng, w = self.rng, self.w
        template = STEALTH_TEMPLATES[int(rng.integers(0, len(STEALTH_TEMPLATES)))]
        url = seeds[int(rng.integers(0, len(seeds)))][0] if seeds and rng.random() < 0.6 else None
        t_first = self.shift_time(tz)
        for platform, aid in team:
            t = t_first + float(rng.uniform(0, op["spread_s"]))
            # keep to the shift: move to the same local time-of-day window if needed
            t = self._to_shift(t, tz)
            text = w.paraphrase(template)
            self.post(platform, aid, t, text + (f" {url}" if url else ""),
                      urls=[url] if url else None, lang="en")
        return len(team)

    def _to_shift(self, t: float, tz: float) -> float:
        """``t`` if it falls in a shift (weekday 09:00-12:00, 13:30-18:00 local), else the
        start of the next shift plus a few minutes."""
        local = dt.datetime.fromtimestamp(t + tz * 3600, dt.UTC)
        for _ in range(8):
            h = local.hour + local.minute / 60
            if local.weekday() < 5 and (9 <= h < 12 or 13.5 <= h < 18):
                return local.timestamp() - tz * 3600
            day = local.replace(hour=0, minute=0, second=0, microsecond=0)
            jitter = dt.timedelta(seconds=float(self.rng.uniform(0, 1800)))
            if local.weekday() < 5 and h < 9:
                local = day + dt.timedelta(hours=9) + jitter
            elif local.weekday() < 5 and 12 <= h < 13.5:
                local = day + dt.timedelta(hours=13.5) + jitter
            else:
                local = day + dt.timedelta(days=1, hours=9) + jitter
        return local.timestamp() - tz * 3600

    # -- output -------------------------------------------------------------------------------
    def tables(self) -> tuple[pa.Table, pa.Table, pa.Table]:
        posts = pa.table(self.posts, schema=POSTS_SCHEMA)
        order = np.lexsort((np.array(self.posts["post_id"]), np.array(self.posts["platform"]),
                            posts.column("created_at").cast(pa.int64()).to_numpy()))
        posts = posts.take(pa.array(order))
        accounts = pa.table(self.accounts, schema=ACCOUNTS_SCHEMA)
        truth = pa.table({"platform": self.accounts["platform"],
                          "account_id": self.accounts["account_id"], "group": self.group})
        return posts, accounts, truth


def build_world(cfg: dict[str, Any], seed: int = 0, scale: float = 1.0) -> World:
    """Make a world from a config (:func:`cibwatch.simulate.config.load_config`)."""
    b = _Builder(cfg, seed, scale)
    b.organic()
    b.fandom()
    b.activists()
    b.popularity_actions()
    b.breaking_news()
    b.news_aggregators()
    b.spam()
    for op in cfg["operations"]:
        b.operation(op)
    posts, accounts, truth = b.tables()
    groups: dict[str, int] = {}
    for g in b.group:
        groups[g] = groups.get(g, 0) + 1
    counts = {"posts": posts.num_rows, "accounts": accounts.num_rows, "groups": groups,
              "breaking_news_shares": b.breaking}
    return World(posts, accounts, truth, counts)

