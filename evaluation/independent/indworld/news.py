"""News outlets, the wire, aggregator bots and breaking-news bursts."""
from __future__ import annotations

import datetime as dt

import numpy as np

from . import names as N
from . import text as TX
from .timeutil import HOUR, UTC, awake_prob, epoch

# name, handle, domain, url style, tz, lang, topics
OUTLETS = [
    ("AP News", "AP", "apnews.com", "ap", -4, "en", None),
    ("Reuters", "Reuters", "www.reuters.com", "reuters", 0, "en", None),
    ("BBC News (World)", "BBCWorld", "www.bbc.com", "bbc", 1, "en", None),
    ("The Guardian", "guardian", "www.theguardian.com", "guardian", 1, "en", None),
    ("The New York Times", "nytimes", "www.nytimes.com", "nyt", -4, "en", None),
    ("CNN", "CNN", "www.cnn.com", "cnn", -4, "en", None),
    ("Al Jazeera English", "AJEnglish", "www.aljazeera.com", "aj", 3, "en", None),
    ("DW News", "dwnews", "www.dw.com", "dw", 2, "en", None),
    ("The Verge", "verge", "www.theverge.com", "verge", -4, "en", ["tech", "science", "movies"]),
    ("ESPN", "espn", "www.espn.com", "espn", -4, "en", ["football", "basketball"]),
    ("Le Monde", "lemondefr", "www.lemonde.fr", "lemonde", 2, "fr", None),
    ("EL PAÍS", "el_pais", "elpais.com", "elpais", 2, "es", None),
    ("Folha de S.Paulo", "folha", "www1.folha.uol.com.br", "folha", -3, "pt", None),
    ("NDTV", "ndtv", "www.ndtv.com", "ndtv", 5.5, "en", None),
    ("South China Morning Post", "SCMPNews", "www.scmp.com", "scmp", 8, "en", None),
    ("The Japan Times", "japantimes", "www.japantimes.co.jp", "jt", 9, "en", None),
    ("ABC News Australia", "abcnews", "www.abc.net.au", "abc", 10, "en", None),
]
NEWS_TOPICS = ["us_politics", "world_news", "tech", "science", "climate", "finance", "football",
               "basketball", "music", "movies", "health", "china_affairs", "crypto", "travel", "food"]
NEWS_TOPIC_W = [14, 18, 8, 4, 4, 6, 5, 3, 3, 3, 3, 3, 1, 1, 1]

HEADLINES = ["{E} moves ahead on {T} despite opposition", "What {T} means for {E}", "Poll: voters split on {T}",
             "Live updates: {T}", "{E} faces pressure over {T}", "Analysis: {T} exposes rifts in {E}",
             "{E} announces {T}", "Explainer: what to know about {T}", "Exclusive: {E} weighs {T}",
             "{E} under fire after {T}", "How {T} could reshape {E}", "{E} signals shift on {T}",
             "Inside the fight over {T}", "{E} and the battle over {T}", "Opinion: {T} is a test for {E}",
             "{T}: {E} responds", "Five takeaways from {T}", "{E} delays decision on {T}",
             "Why {T} has {E} worried", "{E} set to unveil {T} next week",
             "{E} hit by backlash over {T}", "The real story behind {T}", "{E} backs {T} in surprise move",
             "Experts warn {T} could hurt {E}", "{E} reaches deal on {T}"]
POLITICAL_HEADLINES = ["Poll: voters split on {T}", "{E} moves ahead on {T} despite opposition",
                       "{E} signals shift on {T}", "Opinion: {T} is a test for {E}", "{E} delays decision on {T}"]
SOFT_HEADLINES = ["What to know about {T}", "{E}: the story behind {T}", "Review: {E} and {T}",
                  "Why everyone is talking about {E}", "The best of {T} this week", "{E} fans react to {T}",
                  "{E} announces {T}", "How {T} is changing {E}", "{E} set to unveil {T} next week",
                  "The real story behind {T}", "Five takeaways from {T}", "Explainer: what to know about {T}"]
BREAKING = [("world_news", "Magnitude {M} earthquake strikes off the coast of {P}; tsunami warning issued"),
            ("world_news", "Passenger jet makes emergency landing in {C} after engine fire, all on board safe"),
            ("us_politics", "Supreme Court rules on {T} in landmark {V} decision"),
            ("world_news", "Explosion reported near government buildings in {C}"),
            ("tech", "Global outage takes down {S} for millions of users"),
            ("finance", "Central bank unexpectedly cuts interest rates by half a point"),
            ("music", "{E} announces surprise retirement from touring"),
            ("world_news", "Prime minister of {P} resigns after no-confidence vote"),
            ("science", "NASA confirms {X} spacecraft lost contact during landing"),
            ("football", "{E} sack manager after run of defeats"),
            ("world_news", "Bridge collapses in {C} after being struck by cargo ship"),
            ("us_politics", "Jury reaches verdict in high-profile {V} trial"),
            ("health", "WHO declares new outbreak a public health emergency"),
            ("world_news", "Wildfire forces evacuation of thousands near {C}")]
PLACES = ["Japan", "Chile", "Indonesia", "Turkey", "Peru", "the Philippines", "New Zealand", "Greece"]
CITIES = ["Frankfurt", "Denver", "Lisbon", "Nairobi", "Toronto", "Madrid", "Osaka", "Athens", "Melbourne"]


class News:
    def __init__(self, w, n_outlets: int, per_day: float):
        self.w = w
        self.outlet_accts = []   # per outlet: dict platform -> Account
        self.articles = []       # dicts
        self.videos = []         # (t, url, topic)
        self.meme_pool = {}
        self.n_outlets = n_outlets
        self.per_day = per_day
        self._art_by_topic = {}

    # ------------------------------------------------------------ outlets
    def make_outlets(self):
        w = self.w
        r = w.r
        chosen = OUTLETS[:self.n_outlets]
        for (name, handle, domain, style, tz, lang, topics) in chosen:
            accts = {}
            img = r.hexs(16)
            for p in ["twitter", "facebook", "youtube", "tiktok", "reddit"]:
                if p == "reddit" or (p == "tiktok" and not r.chance(0.4)) or (p == "youtube" and not r.chance(0.7)):
                    continue
                created = epoch(2007 + r.randint(0, 3), r.randint(1, 12), r.randint(1, 28)) if p != "tiktok" \
                    else epoch(2019 + r.randint(0, 2), r.randint(1, 12), 1)
                fol = int(r.lognormal(4_000_000 if p != "tiktok" else 600_000, 0.8))
                h = handle if p != "facebook" else handle.lower()
                a = w.add_account(p, "news_outlets", h, name, created, fol, r.randint(50, 2000),
                                  f"Official {name} account. News, analysis and live coverage. {domain.replace('www.', '')}",
                                  lang, "", img, tz=tz, langs=[(lang, 1.0)], interests=topics or NEWS_TOPICS)
                a.pop = fol ** 0.55
                accts[p] = a
            self.outlet_accts.append(dict(name=name, handle=handle, domain=domain, style=style, tz=tz,
                                          lang=lang, topics=topics, accts=accts))

    def url_for(self, o, headline, t):
        r = self.w.r
        d = dt.datetime.fromtimestamp(t, UTC)
        slug = TX.slugify(headline)
        st = o["style"]
        dom = o["domain"]
        if st == "ap":
            return f"https://{dom}/article/{slug}-{r.hexs(32)}"
        if st == "reuters":
            return f"https://{dom}/world/{slug}-{d:%Y-%m-%d}/"
        if st == "bbc":
            return f"https://{dom}/news/articles/c{r.alnum(10)}o"
        if st == "guardian":
            return f"https://{dom}/world/{d:%Y/%b/%d}/{slug}".lower()
        if st == "nyt":
            return f"https://{dom}/{d:%Y/%m/%d}/{r.choice(['us', 'world', 'business', 'technology'])}/{slug[:60]}.html"
        if st == "cnn":
            return f"https://{dom}/{d:%Y/%m/%d}/{r.choice(['politics', 'world', 'business'])}/{slug[:50]}/index.html"
        if st == "aj":
            return f"https://{dom}/news/{d.year}/{d.month}/{d.day}/{slug}"
        if st == "dw":
            return f"https://{dom}/en/{slug[:50]}/a-{r.randint(60000000, 69999999)}"
        if st == "lemonde":
            return f"https://{dom}/international/article/{d:%Y/%m/%d}/{slug[:60]}_{r.randint(6000000, 6299999)}_3210.html"
        if st == "elpais":
            return f"https://{dom}/internacional/{d:%Y-%m-%d}/{slug[:60]}.html"
        if st == "folha":
            return f"https://{dom}/mundo/{d:%Y/%m}/{slug[:60]}.shtml"
        if st == "scmp":
            return f"https://{dom}/news/china/article/{r.randint(3250000, 3270000)}/{slug[:60]}"
        return f"https://{dom}/news/{d:%Y-%m-%d}/{slug[:60]}/{r.randint(100000, 999999)}"

    def headline(self, topic):
        r = self.w.r
        if topic in ("us_politics", "world_news", "china_affairs", "climate", "finance"):
            pat = r.choice(HEADLINES)
        else:
            pat = r.choice(SOFT_HEADLINES)
        h = TX.fill(r, pat, topic)
        return h[0].upper() + h[1:]

    def make_articles(self):
        """The wire: each outlet publishes through the day in its own clock."""
        w = self.w
        r = w.r
        clock = w.clock
        from .timeutil import WEEKDAY
        hw = WEEKDAY / WEEKDAY.sum()
        for oi, o in enumerate(self.outlet_accts):
            n = int(self.per_day * clock.total_days * r.lognormal(1.0, 0.3))
            days = r.g.integers(0, clock.total_days, n)
            hours = r.g.choice(24, size=n, p=hw * 0.7 + 0.3 / 24)
            secs = r.g.integers(0, 3600, n)
            for d, h, s in zip(days, hours, secs, strict=False):
                t = clock.to_utc(int(d), int(h) * 3600 + int(s), o["tz"])
                if t < clock.start or t >= clock.end:
                    continue
                tops = o["topics"] or NEWS_TOPICS
                tw = [NEWS_TOPIC_W[NEWS_TOPICS.index(x)] if x in NEWS_TOPICS else 1 for x in tops]
                topic = r.wchoice(tops, tw)
                hl = self.headline(topic)
                if o["lang"] != "en":
                    hl = self._local_headline(o["lang"], topic)
                art = dict(t=int(t), outlet=oi, topic=topic, headline=hl, url=self.url_for(o, hl, t),
                           pop=r.lognormal(1.0, 1.3), lang=o["lang"], posts={})
                self.articles.append(art)
        self.articles.sort(key=lambda a: (a["t"], a["url"]))
        self._index()

    def _local_headline(self, lang, topic):
        r = self.w.r
        d = TX.TOPICS[topic]
        e = r.choice(d["ents"])
        t = r.choice(d["things"])
        pats = {"fr": ["{e} : ce qu'il faut retenir de {t}", "{t} : {e} sous pression", "Ce que change {t} pour {e}"],
                "es": ["{e} y la batalla por {t}", "Claves de {t}: lo que se sabe", "{e}, bajo presión por {t}"],
                "pt": ["{e} sob pressão por {t}", "Entenda {t} e o papel de {e}", "O que muda com {t}"]}[lang]
        return r.choice(pats).replace("{e}", e).replace("{t}", t)

    def _index(self):
        self._art_t = np.array([a["t"] for a in self.articles], dtype=np.int64)
        self._art_by_topic = {}
        for i, a in enumerate(self.articles):
            self._art_by_topic.setdefault(a["topic"], []).append(i)
        self._topic_arrays = {}
        for k, lst in self._art_by_topic.items():
            ts = np.array([self.articles[i]["t"] for i in lst], dtype=np.int64)
            cw = np.cumsum([self.articles[i]["pop"] for i in lst])
            self._topic_arrays[k] = (lst, ts, cw)
        cw = np.cumsum([a["pop"] for a in self.articles])
        self._topic_arrays[None] = (list(range(len(self.articles))), self._art_t, cw)

    def post_articles(self):
        """Outlets post their own articles on their accounts."""
        w = self.w
        r = w.r
        for art in self.articles:
            o = self.outlet_accts[art["outlet"]]
            for p, a in o["accts"].items():
                if p == "youtube":
                    if r.chance(0.08):
                        vid = w.add_post(a, art["t"] + r.randint(600, 7200), art["headline"], [], [], [],
                                         ["vid_" + r.hexs(16)], lang=art["lang"], weight=r.lognormal(3, 0.8),
                                         topic=_tid(art["topic"]))
                        self.videos.append((w.p_t[vid], "https://www.youtube.com/watch?v=" + w.p_id[vid],
                                            art["topic"]))
                    continue
                if p == "tiktok":
                    if r.chance(0.05):
                        w.add_post(a, art["t"] + r.randint(1800, 14400), art["headline"] + " #news",
                                   [], ["news"], [], ["vid_" + r.hexs(16)], lang=art["lang"],
                                   weight=r.lognormal(2, 0.8), topic=_tid(art["topic"]))
                    continue
                if p == "facebook" and r.chance(0.4):
                    continue
                delay = r.randint(0, 300) if p == "twitter" else r.randint(60, 1800)
                text = art["headline"] + " " + art["url"]
                media = ["img_" + r.hexs(16)] if r.chance(0.6) else []
                pi = w.add_post(a, art["t"] + delay, text, [art["url"]], [], [], media, lang=art["lang"],
                                weight=art["pop"] * 2.0, topic=_tid(art["topic"]))
                art["posts"][p] = pi

    # ------------------------------------------------------------ helpers for people
    def pick_article(self, t, topic):
        r = self.w.r
        key = topic if topic in self._topic_arrays else None
        lst, ts, cw = self._topic_arrays[key]
        hi = int(np.searchsorted(ts, t - 60, side="right"))
        lag = int(r.lognormal(5 * HOUR, 1.0))
        lo = int(np.searchsorted(ts, t - lag - 12 * HOUR, side="left"))
        if hi <= lo:
            if hi == 0:
                return None
            lo = max(0, hi - 20)
        c0 = cw[lo - 1] if lo > 0 else 0.0
        c1 = cw[hi - 1]
        j = int(np.searchsorted(cw, c0 + r.u() * (c1 - c0), side="right"))
        j = min(max(j, lo), hi - 1)
        return self.articles[lst[j]]

    def share_text(self, a, art, lang):
        """What a person writes when sharing an article (often the share-button default)."""
        r = self.w.r
        o = self.outlet_accts[art["outlet"]]
        url = art["url"]
        if r.chance(0.12):
            url = url + r.choice(["?utm_source=twitter&utm_medium=social", "?smid=tw-share",
                                  "?utm_source=facebook", "?s=09", "#comments"])
            if "?" in art["url"]:
                url = art["url"]
        p = a.platform
        x = r.u()
        if p == "reddit":
            return art["headline"], [url]
        if p == "facebook":
            if x < 0.45:
                return url, [url]
            return TX.share_comment(r, lang) + " " + url, [url]
        if x < 0.35:
            return f"{art['headline']} {url} via @{o['handle']}", [url]
        if x < 0.5:
            return f"{art['headline']} {url}", [url]
        c = TX.share_comment(r, lang)
        if r.chance(0.3) and lang == "en":
            c = c + " " + TX.organic_reply(r, "en", art["topic"])
        return f"{c} {url}", [url]

    def random_video(self, t, topic):
        r = self.w.r
        if not self.videos:
            return None
        cand = [v for v in self.videos[-400:] if v[0] < t and (topic is None or v[2] == topic)]
        if not cand:
            return None
        return r.choice(cand)[1]

    def meme(self, topic, video=False):
        r = self.w.r
        key = (topic, video)
        if key not in self.meme_pool:
            k = 30
            hs = [("vid_" if video else "img_") + r.hexs(16) for _ in range(k)]
            cw = np.cumsum([1.0 / (i + 1) ** 1.1 for i in range(k)])
            self.meme_pool[key] = (hs, cw)
        hs, cw = self.meme_pool[key]
        return hs[int(np.searchsorted(cw, r.u() * cw[-1], side="right")) % len(hs)]


def _tid(topic):
    return TX.TOPIC_NAMES.index(topic) if topic in TX.TOPIC_NAMES else -1


# ------------------------------------------------------------------ aggregators
AGG_NAMES = [("World News Feed", "worldnewsfeed"), ("Breaking Wire Bot", "breakingwirebot"),
             ("Tech Headlines Bot", "techheadlinesbot"), ("Politics Feed (auto)", "politicsfeedauto"),
             ("Headline Radar", "headlineradar"), ("News Digest Bot", "newsdigestbot"),
             ("Sports Wire Feed", "sportswirefeed"), ("Global Headlines", "globalheadlines_"),
             ("Science Daily Bot", "sciencedailybot"), ("Market News Bot", "marketnewsbot"),
             ("Climate Wire Feed", "climatewirefeed"), ("Asia News Relay", "asianewsrelay"),
             ("RSS Mirror", "rssmirror"), ("Every Headline", "everyheadline"),
             ("Euro News Relay", "euronewsrelay"), ("AP Top Stories Feed", "aptopstoriesfeed"),
             ("Reuters Feed (unofficial)", "reutersfeedbot"), ("Daily Brief Bot", "dailybriefbot"),
             ("Top Stories Now", "topstoriesnow"), ("NewsBot 3000", "newsbot3000")]
AGG_BIOS = ["🤖 Automated account. Posts headlines from {src}. Not affiliated with any outlet. Run by @{own}.",
            "Bot. I repost headlines from {src} RSS feeds every few minutes. Not monitored.",
            "Automated news feed ({src}). Maintained by @{own}. Report issues on GitHub.",
            "This is a bot 🤖 | {src} headlines as they are published | not an official account",
            "Unofficial auto-feed of {src}. No opinions, just links."]
AGG_FORMATS = ["{h} {u}", "{h} | {o} {u}", "🔴 {h}\n{u}", "{o}: {h} {u} #news", "{h}\n\n{u}",
               "NEW: {h} {u}", "[{o}] {h} {u}"]


def make_aggregators(w, news: News, n: int):
    r = w.r
    bots = []
    for i in range(n):
        nm, h = AGG_NAMES[i % len(AGG_NAMES)]
        if i >= len(AGG_NAMES):
            nm = nm + " " + str(i // len(AGG_NAMES) + 1)
            h = h + str(i // len(AGG_NAMES) + 1)
        p = r.wchoice(["twitter", "facebook", "reddit"], [0.62, 0.18, 0.2])
        if p == "reddit":
            h = h.replace("_", "") + r.choice(["", "_bot", "-bot"])
        srcs = r.sample(list(range(len(news.outlet_accts))), r.randint(1, 4))
        srcnames = ", ".join(news.outlet_accts[s]["name"] for s in srcs)
        created = epoch(2012 + r.randint(0, 11), r.randint(1, 12), r.randint(1, 28))
        bio = r.choice(AGG_BIOS).replace("{src}", srcnames).replace("{own}", N.chosen_handle(r, *N.person_name(r, "en")))
        a = w.add_account(p, "news_aggregators", h, nm + (" (bot)" if r.chance(0.5) and "bot" not in nm.lower() else ""),
                          created, int(r.lognormal(900, 1.3)), r.randint(0, 40), bio, "en", "", r.hexs(16),
                          tz=0, interests=[])
        a.pop = 3.0
        a.attrs["srcs"] = srcs
        a.attrs["poll"] = r.choice([300, 600, 900, 1800])
        a.attrs["phase"] = r.randint(0, a.attrs["poll"] - 1)
        a.attrs["fmt"] = r.choice(AGG_FORMATS)
        a.attrs["keep"] = r.u() * 0.5 + 0.2
        a.attrs["topics"] = None if r.chance(0.5) else r.sample(NEWS_TOPICS, r.randint(2, 5))
        bots.append(a)
    for art in news.articles:
        for a in bots:
            if art["outlet"] not in a.attrs["srcs"]:
                continue
            if a.attrs["topics"] and art["topic"] not in a.attrs["topics"]:
                continue
            if not r.chance(a.attrs["keep"]):
                continue
            poll = a.attrs["poll"]
            # posted at the next poll tick after publication (cron-like)
            t = art["t"] + 30
            t = t + (poll - (t - a.attrs["phase"]) % poll) + r.randint(0, 40)
            if t >= w.clock.end:
                continue
            o = news.outlet_accts[art["outlet"]]
            txt = a.attrs["fmt"].replace("{h}", art["headline"]).replace("{u}", art["url"]).replace("{o}", o["name"])
            tags = ["news"] if "#news" in txt else []
            if a.platform == "reddit":
                txt = art["headline"]
            w.add_post(a, t, txt, [art["url"]], tags, [], [], lang=art["lang"], weight=0.15,
                       topic=_tid(art["topic"]))
    return bots


# ------------------------------------------------------------------ breaking news
def breaking_news(w, news: News, people, sharers, others, n_events: int):
    """Bursts: hundreds share one article within minutes, often with the default text."""
    r = w.r
    clock = w.clock
    events = []
    big = [o for o in range(len(news.outlet_accts)) if news.outlet_accts[o]["lang"] == "en"]
    for e in range(n_events):
        topic, pat = BREAKING[e % len(BREAKING)]
        d = TX.TOPICS[topic]
        hl = (pat.replace("{M}", f"{r.randint(65, 79) / 10:.1f}").replace("{P}", r.choice(PLACES))
              .replace("{C}", r.choice(CITIES)).replace("{T}", r.choice(d["things"]))
              .replace("{E}", r.choice(d["ents"])).replace("{S}", r.choice(["WhatsApp and Instagram", "Gmail", "AWS", "Microsoft 365", "Discord"]))
              .replace("{V}", r.choice(["5-4", "6-3", "unanimous", "fraud", "corruption"]))
              .replace("{X}", r.choice(["lunar lander", "Mars orbiter", "asteroid probe"])))
        t0 = int(clock.start + (e + r.u()) * (clock.end - clock.start) / max(1, n_events))
        oi = r.choice(big)
        o = news.outlet_accts[oi]
        art = dict(t=t0, outlet=oi, topic=topic, headline="BREAKING: " + hl if r.chance(0.5) else hl,
                   url=news.url_for(o, hl, t0), pop=200.0, lang="en", posts={})
        # outlet posts
        for p, a in o["accts"].items():
            if p in ("twitter", "facebook"):
                art["posts"][p] = w.add_post(a, t0 + r.randint(0, 120), art["headline"] + " " + art["url"],
                                             [art["url"]], [], [], [], lang="en", weight=500.0, topic=_tid(topic))
        news.articles.append(art)
        # other outlets follow within the hour
        for oj in r.sample(big, min(len(big), 5)):
            if oj == oi:
                continue
            o2 = news.outlet_accts[oj]
            a2 = o2["accts"].get("twitter")
            if a2 is not None:
                u2 = news.url_for(o2, hl, t0)
                w.add_post(a2, t0 + r.randint(300, 3600), hl + " " + u2, [u2], [], [], [], lang="en",
                           weight=100.0, topic=_tid(topic))
        n_sh = 0
        reddit_thread = None
        cands = [(a, 0.55) for a in sharers] + [(a, 0.05) for a in others
                                                if topic in (a.interests or []) or "world_news" in (a.interests or [])]
        for a, p in cands:
            if a.platform not in ("twitter", "facebook", "reddit"):
                continue
            if not r.chance(p):
                continue
            x = r.u()
            delay = r.expo(420) if x < 0.6 else (r.expo(2700) if x < 0.9 else r.u() * 12 * HOUR)
            t = t0 + 30 + int(delay)
            if not r.chance(0.35 + 0.65 * awake_prob(t, a.tz)):
                continue
            if t >= clock.end or t < a.created_at:
                continue
            n_sh += 1
            if a.platform == "reddit":
                if reddit_thread is None:
                    reddit_thread = w.add_post(a, t, art["headline"], [art["url"]], [], [], [], lang="en",
                                               weight=300.0, topic=_tid(topic))
                else:
                    txt = TX.organic_reply(r, people.pick_lang(a), topic)
                    w.reply(a, t, reddit_thread, txt, "en", weight=0.5)
                continue
            y = r.u()
            src = art["posts"].get(a.platform)
            if src is not None and y < 0.25:
                w.reshare(a, max(t, w.p_t[src] + 5), src)
            elif y < 0.8:
                if a.platform == "twitter":
                    txt = f"{art['headline']} {art['url']} via @{o['handle']}"
                else:
                    txt = art["url"]
                w.add_post(a, t, txt, [art["url"]], [], [o["handle"]] if a.platform == "twitter" else [], [],
                           lang="en", weight=r.lognormal(1.0, 1.0), topic=_tid(topic))
            else:
                people.pick_lang(a)
                c = r.choice(["Oh no.", "Wow.", "Holy sh*t", "This is terrible", "Praying for everyone there 🙏",
                              "Developing story:", "Just saw this", "Unbelievable", "Whoa", "Stay safe everyone",
                              "Can't believe this", "Huge news", "Not again"])
                w.add_post(a, t, f"{c} {art['url']}", [art["url"]], [], [], [], lang="en",
                           weight=r.lognormal(1.0, 1.0), topic=_tid(topic))
        events.append(dict(t=t0, headline=art["headline"], url=art["url"], sharers=n_sh))
    news._index()
    return events
