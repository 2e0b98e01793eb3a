"""Operations and commercial spam."""
from __future__ import annotations

import numpy as np

from . import names as N
from . import text as TX
from . import text_ops as TO
from .people import TOPIC_ID, PersonSpec
from .rand import Rand, flip_bits
from .timeutil import (
    CN_HOLIDAYS,
    CN_MAKEUP,
    DAY,
    HOUR,
    MINUTE,
    RU_HOLIDAYS,
    RU_MAKEUP,
    epoch,
    in_shift,
    is_workday,
    local_hour,
    sample_shift_time,
    shift_profile,
)
from .world import Account, World

CN = 8.0
MSK = 3.0
CN_SHIFT = (9.0, (12.0, 13.5), 18.0)
CN_PROFILE = shift_profile(9.0, (12.0, 13.5), 18.0, peaks=[(9.5, 11.5, 1.7), (14.0, 16.5, 1.4)])
RU_SHIFT = (9.0, (13.0, 14.0), 18.0)
RU_PROFILE = shift_profile(9.0, (13.0, 14.0), 18.0, peaks=[(10.0, 12.0, 1.3), (14.0, 17.0, 1.2)])
T_CHINA = TOPIC_ID["china_affairs"]
T_WORLD = TOPIC_ID["world_news"]
T_POL = TOPIC_ID["us_politics"]

GENERIC_BIOS = ["Love life, love peace", "Travel | Food | Music", "热爱生活", "Just a normal person",
                "Peace and love 🌍", "世界和平", "Seeking the truth", "Life is a journey", "News and views",
                "关注时事", "Speak the truth", "Positive energy every day", "喜欢旅游和美食"]
GENERIC_LOCS = ["", "", "", "", "United States", "New York", "London", "Hong Kong", "Los Angeles", "Toronto",
                "Sydney", "Earth", "中国", "Singapore"]


def cn_workday(clock, t):
    from .timeutil import date_of
    return is_workday(date_of(t, CN), CN_HOLIDAYS, CN_MAKEUP)


def shifted(t, tz, shift, lo_ok=True):
    """Move t into the next in-shift moment if it falls in a break (keeps the excess)."""
    a, (l0, l1), b = shift
    h = local_hour(t, tz)
    if l0 <= h < l1:
        # work resumes after lunch: keep the spread, shifted by the length of the break
        return int(t + (l1 - l0) * HOUR)
    return t


class Spamouflage:
    PLAT_SHARE = {"twitter": .40, "facebook": .21, "tiktok": .15, "youtube": .12, "reddit": .12}

    def __init__(self, w: World, people, news, critics, group="op_spamouflage"):
        self.w = w
        self.people = people
        self.news = news
        self.critics = critics
        self.group = group
        r = w.r
        self.members: list[Account] = []
        self.channels: list[Account] = []
        self.videos = []      # (t, url, post idx, media hash, platform)
        self.drop_posts = []  # post indices of political copies
        self.all_posts = []
        self.stock_imgs = [r.hexs(16) for _ in range(25)]
        self.clips = [r.hexs(16) for _ in range(40)]
        self.drops = []
        self.floods = []
        self.blogs = []       # persona blog bases
        self.state_posts = []  # overt state-media posts the network amplifies

    # ------------------------------------------------------------ accounts
    def _img(self, platform="twitter"):
        r = self.w.r
        x = r.u()
        if x < 0.12:
            return self.people.default_avatar[platform]
        base = r.choice(self.stock_imgs)
        return flip_bits(base, r, r.randint(1, 3)) if r.chance(0.3) else base

    def _persona(self):
        r = self.w.r
        x = r.u()
        if x < 0.5:
            first, last = N.person_name(r, "en")
            dn = f"{first} {last}" if r.chance(0.7) else first + r.digits(r.randint(2, 4))
        elif x < 0.85:
            first, last = N.person_name(r, "zh")
            dn = f"{first} {last}" if r.chance(0.6) else f"{last} {first}"
        else:
            first, last = N.person_name(r, "zh")
            dn = r.choice(N.ZH_HANZI_NAMES)
        return first, last, dn

    def _op_handle(self, platform, first, last):
        r = self.w.r
        if platform == "twitter":
            return N.x_default_handle(r, first, last) if r.chance(0.8) else \
                N.ascii_fold(first + last)[:9] + r.digits(r.randint(2, 4))
        if platform == "tiktok":
            return N.tiktok_default_handle(r) if r.chance(0.75) else N.ascii_fold(first).lower() + r.digits(5)
        if platform == "youtube":
            return N.youtube_default_handle(r) if r.chance(0.6) else N.ascii_fold(first + last).lower() + r.digits(4)
        if platform == "reddit":
            return N.reddit_default_handle(r) if r.chance(0.85) else N.ascii_fold(first + "_" + last) + r.digits(2)
        return ""  # facebook: numeric

    def make_accounts(self, n: int, d_lo: int = 0):
        w = self.w
        r = w.r
        clock = w.clock
        per = {}
        plats = list(self.PLAT_SHARE)
        for p in plats:
            per[p] = max(1, int(round(n * self.PLAT_SHARE[p])))
        diff = n - sum(per.values())
        per["twitter"] = max(1, per["twitter"] + diff)
        for p in plats:
            m = per[p]
            n_bought = m // 2
            n_bulk = m - n_bought
            # bulk batches: tight creation windows
            bsize = max(4, min(18, n_bulk // 3 + 1))
            k = 0
            while k < n_bulk:
                size = min(n_bulk - k, r.randint(max(2, bsize - 4), bsize + 4))
                if r.chance(0.2) and clock.days > 14:
                    day0 = r.randint(0, int(clock.days * 0.4))
                    t_b = clock.to_utc(day0, (9.5 + r.u() * 7) * HOUR, CN)
                else:
                    t_b = epoch(2023, 6, 1) + int(r.u() * (clock.start - 10 * DAY - epoch(2023, 6, 1)))
                    t_b = t_b - (t_b % DAY) + int((1.5 + r.u() * 7) * HOUR)  # 09:30-16:30 Beijing
                offs = sorted(int(r.u() * r.randint(40, 200) * MINUTE) for _ in range(size))
                for o in offs:
                    self._bulk(p, t_b + o)
                k += size
            for _ in range(n_bought):
                self._bought(p)
        # channels that upload the operation's videos
        for p in ("youtube", "tiktok"):
            ms = [a for a in self.members if a.platform == p]
            for a in ms[:max(1, int(round(len(ms) * 0.15)))]:
                a.attrs["channel"] = True
                a.followers = int(r.lognormal(2500, 1.0))
                a.display_name = r.choice(["World Truth Channel", "Global Insight TV", "看世界", "Peace Voice",
                                           "True Story Daily", "东方视角", "Hot News Now", "Real America Files",
                                           "天下事", "Clear View News"]) + ("" if r.chance(0.6) else " " + r.digits(2))
                self.channels.append(a)

    def _bulk(self, p, created):
        w = self.w
        r = w.r
        first, last, dn = self._persona()
        a = w.add_account(p, self.group, self._op_handle(p, first, last), dn, created,
                          int(r.lognormal(6, 1.0)) if r.chance(0.85) else 0, int(r.lognormal(60, 0.9)),
                          r.choice(GENERIC_BIOS) if r.chance(0.4) else "", r.choice(["en", "zh", "zh", "en"]),
                          r.choice(GENERIC_LOCS), self._img(p), tz=CN, interests=[])
        a.attrs["kind"] = "bulk"
        a.attrs["switch"] = max(created + r.randint(1, 20) * DAY, w.clock.start)
        a.attrs["w"] = r.lognormal(1.0, 1.0)
        a.pop = 1.0
        self.members.append(a)
        return a

    def _bought(self, p):
        w = self.w
        r = w.r
        clock = w.clock
        reg = N.REGION_BY_NAME[r.choice(["brazil", "turkey", "india", "indonesia", "us_east", "nigeria", "mexico",
                                         "philippines", "gulf", "us_central", "uk", "spain"])]
        of, ol = N.person_name(r, reg[5])
        created = epoch(2010 + r.randint(0, 11), r.randint(1, 12), r.randint(1, 28))
        if p == "tiktok":
            created = max(created, epoch(2019, 1, 1) + r.randint(0, 900) * DAY)
        old_handle = N.platform_handle(r, p, of, ol, r.choice(["football", "music", "crypto", "gamer", "life"]),
                                       1970 + created // (365 * DAY))
        if p == "facebook" and not old_handle:
            old_handle = ""
        first, last, dn = self._persona()
        rename = r.chance(0.7)
        handle = self._op_handle(p, first, last) if rename else old_handle
        old_lang = reg[2][0][0]
        lang = old_lang if r.chance(0.5) else r.choice(["en", "zh"])
        img = r.hexs(16) if r.chance(0.4) else self._img(p)
        bio = r.choice(GENERIC_BIOS) if r.chance(0.5) else ""
        a = w.add_account(p, self.group, handle, dn, created, int(r.lognormal(350, 1.2)), int(r.lognormal(300, 1.0)),
                          bio, lang, r.choice(GENERIC_LOCS), img, tz=CN, interests=[])
        a.attrs["kind"] = "bought"
        a.attrs["w"] = r.lognormal(1.0, 1.0)
        a.pop = 1.0
        in_window = r.chance(0.5) and clock.days >= 21
        if in_window:
            sw_day = r.randint(max(14, int(clock.days * 0.25)), max(15, int(clock.days * 0.6)))
            gap = r.randint(7, min(20, sw_day - 3))
            a.attrs["switch"] = clock.start + sw_day * DAY
            a.attrs["past_end"] = clock.start + (sw_day - gap) * DAY
            if rename and old_handle and old_handle != handle:
                a.handle_history.append((a.attrs["switch"] - r.randint(1, gap - 1) * DAY, old_handle))
            a.attrs["old"] = dict(region=reg, first=of, last=ol, lang=old_lang)
        else:
            a.attrs["switch"] = clock.start + r.randint(0, max(1, clock.days // 5)) * DAY
        self.members.append(a)
        return a

    def past_lives(self):
        """Earlier lives of bought accounts: other topics, languages and clocks."""
        w = self.w
        r = w.r
        from .timeutil import day_weights, rhythm, sample_person_times
        acc = [a for a in self.members if "old" in a.attrs]
        for a in acc:
            o = a.attrs["old"]
            reg = o["region"]
            ints = r.sample(["football", "music", "crypto", "gaming", "food", "fitness", "movies", "cars"], 2)
            wd, we = rhythm(r)
            spec = PersonSpec(personal_p=0.4, url_p=(0.0, 0.1))
            person = dict(id=-1, region=reg[0], culture=reg[5], first=o["first"], last=o["last"], interests=ints,
                          iw=[1.0, 0.6], langs=[(o["lang"], 1.0)], wd=wd, we=we, act=20, img="", site=None,
                          spec=spec)
            a.attrs["person"] = person
            saved_langs, saved_tz = a.langs, a.tz
            a.langs, a.tz = [(o["lang"], 1.0)], reg[1]
            end_day = int((a.attrs["past_end"] - w.clock.start) // DAY)
            n = r.randint(5, 40)
            dw = day_weights(r, w.clock.total_days, w.clock.local_weekday, 1.2, vacation_p=0, d0=0, d1=end_day)
            ts = sample_person_times(r, w.clock, n, reg[1], wd, we, dw)
            for t in ts:
                t = int(t)
                if t < w.clock.start or t >= a.attrs["past_end"]:
                    continue
                x = r.u()
                if x < 0.55:
                    self.people.original(a, t)
                elif x < 0.8 and a.platform in ("twitter", "facebook"):
                    self.people.events.append((a.idx, t, 1))
                else:
                    self.people.events.append((a.idx, t, 2))
            a.langs, a.tz = saved_langs, saved_tz
            a.attrs["past_langs"] = [(o["lang"], 1.0)]

    # ------------------------------------------------------------ content
    def _article_url(self, t, seed_text=None):
        w = self.w
        r = w.r
        if seed_text and r.chance(0.7):
            words = TO.fill_seed(r, seed_text).replace("'", "").split()
            title = " ".join(words[:r.randint(6, 10)])
        else:
            title = r.choice(TO.ARTICLE_TITLES)
        import datetime as dt
        d = dt.datetime.fromtimestamp(t, dt.UTC)
        x = r.u()
        if x < 0.7:
            return f"https://www.{r.choice(TO.OP_SITES)}/{d:%Y/%m}/{TX.slugify(title)}.html"
        if not self.blogs or (len(self.blogs) < 6 and r.chance(0.4)):
            first, last = N.person_name(r, r.choice(["en", "zh"]))
            self.blogs.append(N.ascii_fold(first + last).lower() + r.digits(2))
        b = r.choice(self.blogs)
        if r.chance(0.5):
            return f"https://medium.com/@{b}/{TX.slugify(title)}-{r.hexs(12)}"
        return f"https://{b}.blogspot.com/{d:%Y/%m}/{TX.slugify(title, 40)}.html"

    def _video(self, t, plat=None):
        """A channel uploads a video; returns (url, post index, clip hash)."""
        w = self.w
        r = w.r
        chans = [c for c in self.channels if self._active(c, t) and (plat is None or c.platform == plat)]
        if not chans:
            return None
        c = r.choice(chans)
        title = TO.fill_seed(r, r.choice(TO.VIDEO_TITLES))
        clip = r.hexs(16)
        tags = []
        if c.platform == "tiktok":
            tags = r.sample(TO.OP_TAGS_EN, 2)
            title = title + " " + " ".join("#" + x for x in tags)
        j = w.add_post(c, t, title, [], tags, [], ["vid_" + clip], lang="zh" if _has_cjk(title) else "en",
                       topic=T_CHINA, weight=0.05)
        if c.platform == "youtube":
            url = "https://www.youtube.com/watch?v=" + w.p_id[j]
        else:
            url = f"https://www.tiktok.com/@{c.handle}/video/{w.p_id[j]}"
        self.videos.append((t, url, j, clip, c.platform))
        self.all_posts.append(j)
        return url, j, clip

    def _active(self, a, t):
        if a.created_at > t or a.attrs.get("switch", 0) > t:
            return False
        rm = a.attrs.get("removed_at")
        return rm is None or t < rm

    def _copy_time(self, t0, span):
        r = self.w.r
        for _ in range(6):
            t = int(t0 + (r.u() ** 1.4) * span)
            t = shifted(t, CN, CN_SHIFT)
            if in_shift(t, CN, *CN_SHIFT):
                return t
        return None

    def run(self, d0, d1, drops_per_day=2.2, extra_pool=(), floods=True, narrative_extra=None):
        w = self.w
        r = w.r
        clock = w.clock
        days = clock.workdays(CN_HOLIDAYS, CN_MAKEUP, d0, d1)
        for d in days:
            for _ in range(r.poisson(drops_per_day)):
                t0 = sample_shift_time(r, clock, d, CN, CN_PROFILE)
                self._drop(t0, extra_pool, narrative_extra)
            if r.chance(0.15):
                self._camo_burst(sample_shift_time(r, clock, d, CN, CN_PROFILE))
            self._amplify_state(d)
        if floods and self.critics:
            nf = max(1, int(round((d1 - d0) / 6)))
            crit_posts = [j for a in self.critics for j in a.posts
                          if w.p_kind[j] == 0 and clock.start + d0 * DAY <= w.p_t[j] < clock.start + d1 * DAY - DAY]
            crit_posts.sort()
            for j in r.sample(crit_posts, min(nf, len(crit_posts))):
                self._flood(j)

    def _drop(self, t0, extra_pool=(), narrative_extra=None):
        w = self.w
        r = w.r
        pool = [a for a in self.members if self._active(a, t0)]
        hij = [a for a in extra_pool if a.attrs["hijack"]["start"] <= t0 < a.attrs["hijack"]["end"]]
        if len(pool) < 3:
            return
        seeds = TO.SEEDS + (narrative_extra or [])
        seed = r.choice(seeds)
        base_en = TO.fill_seed(r, seed["en"])
        base_zh = TO.fill_seed(r, seed["zh"])
        x = r.u()
        mode = "en" if x < 0.5 else ("zh" if x < 0.8 else "both")
        extra_lang = [l for l in ("ja", "es", "fr", "ko") if l in seed]
        link_kind = r.u()
        url = None
        vid = None
        clip = r.choice(self.clips)
        state = [j for j in self.state_posts[-80:] if w.p_t[j] < t0 and w.p_urls[j]]
        if link_kind > 0.9 and state:
            url = w.p_urls[r.choice(state)][0]
        elif link_kind < 0.35:
            vid = self._video(max(w.clock.start, t0 - r.randint(300, 3 * HOUR)))
            if vid:
                url, _, clip = vid
        elif link_kind < 0.65:
            url = self._article_url(t0, seed["en"])
        if url and r.chance(0.25):
            short = "https://bit.ly/" + r.b64(7).replace("-", "x").replace("_", "y")
            url_list = [url, short]
        else:
            url_list = [url] if url else []
        frac = 0.04 + r.u() * 0.08
        k = max(2, int(round(frac * len(pool))))
        chosen = r.wsample(pool, [a.attrs["w"] for a in pool], k)
        chosen += [a for a in hij if r.chance(0.7)]
        span = r.randint(60, 120) * MINUTE
        copies = []
        yt_vids = [v for v in self.videos if v[4] == "youtube" and v[0] < t0]
        tags0 = r.sample(TO.OP_TAGS_EN, r.randint(0, 2))
        for a in chosen:
            t = self._copy_time(t0, span)
            if t is None or t >= w.clock.end:
                continue
            lang = mode if mode != "both" else r.choice(["en", "zh"])
            base = base_en if lang == "en" else base_zh
            if extra_lang and r.chance(0.12):
                lang = r.choice(extra_lang)
                base = TO.fill_seed(r, seed[lang])
            text, tags = TO.edit_copy(r, base, lang if lang in ("en", "zh") else "en", 1.0)
            if lang not in ("en", "zh"):
                text = base + (" " + r.choice(TO.EMO) if r.chance(0.4) else "")
            tags = list(dict.fromkeys(tags0 + tags)) if lang == "en" else tags
            u = r.choice(url_list) if url_list and r.chance(0.85) else None
            p = a.platform
            j = None
            if p in ("twitter", "facebook"):
                s = text + (" " + u if u else "") + ("".join(" #" + x for x in tags))
                media = []
                if r.chance(0.25):
                    media = ["img_" + (flip_bits(clip, r, r.randint(0, 4)) if r.chance(0.5) else clip)]
                ments = []
                if p == "twitter" and r.chance(0.08):
                    ments = [r.choice(["WhiteHouse", "StateDept", "nytimes", "CNN", "BBCWorld", "AP"])]
                    s = s + " @" + ments[0]
                j = w.add_post(a, t, s, [u] if u else [], tags, ments, media, lang=lang, topic=T_CHINA, weight=0.03)
            elif p == "reddit":
                j = w.add_post(a, t, text, [u] if u else [], [], [], [], lang=lang, topic=T_WORLD, weight=0.03)
            elif p == "tiktok":
                s = text + "".join(" #" + x for x in tags + ["fyp"])
                m = flip_bits(clip, r, r.randint(1, 5)) if r.chance(0.4) else clip
                j = w.add_post(a, t, s, [], tags + ["fyp"], [], ["vid_" + m], lang=lang, topic=T_CHINA, weight=0.03)
            elif p == "youtube":
                if a.attrs.get("channel"):
                    m = flip_bits(clip, r, r.randint(1, 5)) if r.chance(0.5) else clip
                    j = w.add_post(a, t, text[:100], [], [], [], ["vid_" + m], lang=lang, topic=T_CHINA, weight=0.03)
                else:
                    target = vid[1] if (vid and w.p_plat[vid[1]] == "youtube") else (
                        r.choice(yt_vids)[2] if yt_vids else None)
                    if target is None or w.p_t[target] >= t:
                        continue
                    j = w.reply(a, t, target, text, lang, weight=0.0)
            if j is not None:
                copies.append(j)
                self.drop_posts.append(j)
                self.all_posts.append(j)
        # inward reshares from other members
        for j in list(copies):
            p = w.p_plat[j]
            if p not in ("twitter", "facebook"):
                continue
            if not r.chance(0.1):
                continue
            mates = [b for b in pool if b.platform == p and b.idx != w.p_acct[j]]
            for b in r.sample(mates, r.randint(1, 2)):
                t = self._copy_time(w.p_t[j] + 120, 3 * HOUR)
                if t is None or t <= w.p_t[j] or t >= w.clock.end:
                    continue
                self.all_posts.append(w.reshare(b, t, j))
        self.drops.append(dict(t=t0, seed=base_en[:60], copies=len(copies), link=url))

    def _amplify_state(self, d):
        """A few members reshare overt state media on most workdays."""
        w = self.w
        r = w.r
        if not self.state_posts:
            return
        t0 = sample_shift_time(r, w.clock, d, CN, CN_PROFILE)
        cand = [j for j in self.state_posts if t0 - DAY < w.p_t[j] < t0 and w.p_plat[j] in ("twitter", "facebook")]
        if not cand:
            return
        j = r.choice(cand)
        pool = [a for a in self.members if a.platform == w.p_plat[j] and self._active(a, t0)]
        for a in r.sample(pool, min(len(pool), r.randint(1, 6))):
            t = self._copy_time(t0, 2 * HOUR)
            if t is not None and t < w.clock.end:
                self.all_posts.append(w.reshare(a, t, j))

    def _camo_burst(self, t0):
        w = self.w
        r = w.r
        pool = [a for a in self.members if self._active(a, t0)]
        if len(pool) < 6:
            return
        cap = r.choice(TO.CAMO_EN + TO.CAMO_ZH)
        clip = r.choice(self.clips)
        for a in r.sample(pool, r.randint(6, min(20, len(pool)))):
            t = self._copy_time(t0, 60 * MINUTE)
            if t is None or t >= w.clock.end:
                continue
            self._camo_post(a, t, cap, clip)

    def _camo_post(self, a, t, cap=None, clip=None):
        w = self.w
        r = w.r
        cap = cap or r.choice(TO.CAMO_EN + TO.CAMO_ZH)
        clip = clip or r.choice(self.clips)
        lang = "zh" if _has_cjk(cap) else "en"
        tags = r.sample(TO.CAMO_TAGS, r.randint(0, 2))
        p = a.platform
        if p == "reddit":
            j = w.add_post(a, t, cap, [], [], [], ["img_" + clip], lang=lang, weight=0.05)
        elif p == "youtube" and not a.attrs.get("channel"):
            vids = [v for v in self.videos if v[4] == "youtube" and v[0] < t]
            if not vids:
                return None
            j = w.reply(a, t, r.choice(vids)[2], cap, lang, weight=0.0)
        else:
            kindm = "vid_" if p in ("tiktok", "youtube") or r.chance(0.5) else "img_"
            s = cap + "".join(" #" + x for x in tags)
            j = w.add_post(a, t, s, [], tags, [], [kindm + clip], lang=lang, weight=0.05)
        self.all_posts.append(j)
        return j

    def camouflage(self, d0, d1):
        """Scenery, food, sport and animal posts in the same shift, plus a floor of 2 posts each."""
        w = self.w
        r = w.r
        clock = w.clock
        days = clock.workdays(CN_HOLIDAYS, CN_MAKEUP, d0, d1)
        if not days:
            return
        count = {}
        for j in self.all_posts:
            count[w.p_acct[j]] = count.get(w.p_acct[j], 0) + 1
        for a in self.members:
            lo = max(a.attrs.get("switch", 0), a.created_at, clock.start + d0 * DAY)
            hi = min(a.attrs.get("removed_at") or clock.end, clock.start + d1 * DAY)
            ok = [d for d in days if lo <= clock.start + d * DAY + 12 * HOUR < hi]
            if not ok:
                continue
            c = count.get(a.idx, 0)
            f = 0.05 + r.u() * 0.4
            n = int(round(c * f / (1 - f))) + r.poisson(0.6)
            n = max(n, 2 - c, r.randint(2, 3) - c if c < 2 else 0)
            for _ in range(n):
                t = sample_shift_time(r, clock, r.choice(ok), CN, CN_PROFILE)
                if lo <= t < hi:
                    self._camo_post(a, t)

    def _flood(self, target):
        w = self.w
        r = w.r
        plat = w.p_plat[target]
        crit = w.accounts[w.p_acct[target]]
        t_post = w.p_t[target]
        # next moment inside the Beijing shift on a workday
        t0 = t_post + r.randint(10, 90) * MINUTE
        for _ in range(96):
            if in_shift(t0, CN, *CN_SHIFT) and cn_workday(w.clock, t0):
                break
            t0 += 30 * MINUTE
        pool = [a for a in self.members if a.platform == plat and self._active(a, t0) and not a.attrs.get("channel")]
        if len(pool) < 3:
            return
        k = min(len(pool), r.randint(12, 40))
        lang0 = r.choice(["en", "en", "zh"])
        n = 0
        for a in r.wsample(pool, [a.attrs["w"] ** 0.5 for a in pool], k):
            t = self._copy_time(t0, r.randint(40, 150) * MINUTE)
            if t is None or t >= w.clock.end:
                continue
            lang = lang0 if r.chance(0.8) else ("zh" if lang0 == "en" else "en")
            base = r.choice(TO.FLOOD_EN if lang == "en" else TO.FLOOD_ZH)
            text, tags = TO.edit_copy(r, base, lang, 0.7)
            if tags and r.chance(0.5):
                text = text + " " + " ".join("#" + x for x in tags)
            else:
                tags = []
            j = w.reply(a, t, target, text, lang, tags=tags, weight=0.0)
            self.all_posts.append(j)
            n += 1
        self.floods.append(dict(target_account=crit.account_id, platform=plat, replies=n, t=t0))


def _has_cjk(s):
    return any("\u4e00" <= ch <= "\u9fff" for ch in s)


# =================================================================== comeback
COMEBACK_SEEDS = [
    dict(en="They deleted our accounts for telling the truth. So much for 'free speech' in America.",
         zh="他们因为我们说真话就删号，这就是美国所谓的'言论自由'。"),
    dict(en="Censorship will not stop the truth. We are back.",
         zh="封号挡不住真相，我们回来了。"),
]


def similar_handle(r: Rand, h: str, platform: str) -> str:
    import re
    m = re.match(r"^(.*?)(\d+)$", h)
    if platform == "reddit" and m:
        return m.group(1) + str(r.randint(10, 9999))
    if m and len(m.group(2)) >= 6:
        return m.group(1) + r.digits(len(m.group(2)))
    if m:
        return m.group(1) + str(int(m.group(2)) + r.randint(1, 9))
    return h + r.choice(["_", "", "0", "_real", "2", "_official"]) + (r.digits(2) if r.chance(0.6) else "")


def comeback(w: World, op: Spamouflage, n_new: int, survivors_frac: float, extra_pool):
    """After the takedown the operation returns with new accounts, some wearing removed personas."""
    r = w.r
    clock = w.clock
    t_down = clock.end_main
    survivors = []
    removed = []
    for a in op.members:
        if r.chance(survivors_frac) and not a.attrs.get("channel"):
            survivors.append(a)
        else:
            a.attrs["removed_at"] = t_down
            removed.append(a)
    cb = Spamouflage(w, op.people, op.news, op.critics, group="op_spamouflage_comeback")
    cb.clips = op.clips
    cb.stock_imgs = op.stock_imgs
    cb.blogs = op.blogs
    cb.videos = [v for v in op.videos]
    plats = list(Spamouflage.PLAT_SHARE)
    per = {p: max(1, int(round(n_new * Spamouflage.PLAT_SHARE[p]))) for p in plats}
    reuse_log = []
    ex = clock.extra_days
    for p in plats:
        batches = max(1, per[p] // 10)
        for b in range(per[p]):
            if b % max(1, (per[p] // batches)) == 0:
                day = r.randint(0, max(0, min(ex - 2, 10)))
                t_b = clock.to_utc(clock.days + day, (9.5 + r.u() * 6) * HOUR, CN)
            created = t_b + r.randint(0, 150) * MINUTE
            src = None
            if r.chance(0.45):
                cands = [a for a in removed if a.platform == p] or removed
                if r.chance(0.15):
                    cands = removed
                if cands:
                    src = r.choice(cands)
            if src is not None:
                hp = src.handle if src.platform != "facebook" else ""
                handle = similar_handle(r, hp, p) if hp else ""
                if p != src.platform and src.platform == "facebook":
                    handle = cb._op_handle(p, *N.person_name(r, "en"))
                img = src.profile_image_hash if r.chance(0.6) else flip_bits(src.profile_image_hash or r.hexs(16), r, r.randint(1, 4))
                a = w.add_account(p, cb.group, handle, src.display_name, created, r.randint(0, 15),
                                  int(r.lognormal(40, 0.8)), src.bio, src.lang, src.location, img, tz=CN)
                a.attrs["persona_of"] = (src.platform, src.account_id)
                reuse_log.append(dict(new=[p, a.account_id], old=[src.platform, src.account_id]))
            else:
                first, last, dn = cb._persona()
                a = w.add_account(p, cb.group, cb._op_handle(p, first, last), dn, created, r.randint(0, 10),
                                  int(r.lognormal(40, 0.8)), r.choice(GENERIC_BIOS) if r.chance(0.4) else "",
                                  r.choice(["en", "zh"]), r.choice(GENERIC_LOCS), cb._img(p), tz=CN)
            a.attrs["kind"] = "comeback"
            a.attrs["switch"] = created + r.randint(1, 3) * DAY
            a.attrs["w"] = r.lognormal(1.0, 1.0)
            a.pop = 1.0
            cb.members.append(a)
    for p in ("youtube", "tiktok"):
        ms = [a for a in cb.members if a.platform == p]
        for a in ms[:max(1, len(ms) // 6)]:
            a.attrs["channel"] = True
            cb.channels.append(a)
    # survivors keep going, and the new accounts reshare them
    op_surv = Spamouflage(w, op.people, op.news, op.critics, group="op_spamouflage")
    op_surv.members = survivors
    op_surv.channels = [a for a in survivors if a.attrs.get("channel")]
    op_surv.videos = cb.videos
    op_surv.clips = op.clips
    op_surv.blogs = op.blogs
    d0, d1 = clock.days, clock.total_days
    cb.members_all = cb.members
    # joint pool: drops go through new accounts and survivors
    joint = Spamouflage(w, op.people, op.news, op.critics, group="mixed")
    joint.members = cb.members + survivors
    joint.channels = cb.channels + op_surv.channels
    joint.videos = cb.videos
    joint.clips = op.clips
    joint.blogs = op.blogs
    joint.state_posts = op.state_posts
    joint.run(d0, d1, drops_per_day=1.6, extra_pool=(), floods=True, narrative_extra=COMEBACK_SEEDS)
    joint.camouflage(d0, d1)
    # reshares of surviving members' posts
    surv_posts = [j for j in joint.all_posts if w.accounts[w.p_acct[j]].group == "op_spamouflage"
                  and w.p_plat[j] in ("twitter", "facebook") and w.p_kind[j] == 0]
    for a in cb.members:
        if a.platform not in ("twitter", "facebook"):
            continue
        cand = [j for j in surv_posts if w.p_plat[j] == a.platform and w.p_t[j] > a.attrs["switch"]]
        for j in r.sample(cand, min(len(cand), r.poisson(1.2))):
            t = op._copy_time(w.p_t[j] + 300, 4 * HOUR)
            if t and t < clock.end and t > w.p_t[j]:
                joint.all_posts.append(w.reshare(a, t, j))
    op.all_posts.extend(j for j in joint.all_posts if w.accounts[w.p_acct[j]].group == "op_spamouflage")
    op.drop_posts.extend(j for j in joint.drop_posts if w.accounts[w.p_acct[j]].group == "op_spamouflage")
    cb.all_posts = [j for j in joint.all_posts if w.accounts[w.p_acct[j]].group == cb.group]
    cb.drop_posts = [j for j in joint.drop_posts if w.accounts[w.p_acct[j]].group == cb.group]
    return cb, removed, survivors, reuse_log, joint


# =================================================================== commercial spam
def spam(w: World, n: int, target_pools):
    r = w.r
    clock = w.clock
    plats = ["twitter", "facebook", "youtube", "tiktok", "reddit"]
    pw = [.4, .2, .15, .1, .15]
    accts = []
    for _i in range(n):
        p = r.wchoice(plats, pw)
        camp = r.choice(list(TO.SPAM_CAMPAIGNS))
        if r.chance(0.5):
            first, last = N.person_name(r, r.choice(["en", "es", "pt", "id"]))
            dn = first + " " + r.choice(["💋", "✨", "💰", "🔥", ""])
            h = N.ascii_fold(first).lower() + r.choice(["_", ".", ""]) + r.alnum(4)
        else:
            dn = {"sneakers": "Sneaker Deals 🔥", "signals": "Crypto Signals VIP 🚀", "followers": "Grow Fast SMM",
                  "casino": "Lucky Spin 🎰", "weightloss": "Slim Secrets", "essays": "Essay Help 24/7"}[camp]
            h = camp + r.choice(["_deals", "hub", "_vip", "247", "_official", "store"]) + r.digits(2)
        created = epoch(2019, 1, 1) + int(r.u() * (clock.start + 20 * DAY - epoch(2019, 1, 1)))
        bio = TO.spin(r, r.choice(TO.SPAM_CAMPAIGNS[camp])).replace("{u}", "👇 link below")
        a = w.add_account(p, "spam", h, dn, created, int(r.lognormal(40, 1.2)), int(r.lognormal(2500, 0.8)),
                          bio, "en", r.choice(["", "USA", "Worldwide", "DM for orders"]), r.hexs(16), tz=0)
        a.pop = 0.5
        code = r.alnum(6)
        dom = r.choice(TO.SPAM_DOMAINS[camp])
        link = r.choice([f"https://{dom}/?ref={code}", f"https://{dom}/r/{code}",
                         "https://bit.ly/" + r.b64(7).replace("-", "a").replace("_", "b")])
        if dom.startswith("t.me"):
            link = "https://" + dom
        rate = r.lognormal(1.8, 0.7)
        stop = clock.end if r.chance(0.7) else clock.start + r.randint(5, clock.total_days) * DAY
        t = max(clock.start, created) + int(r.expo(DAY / rate))
        while t < stop:
            s = TO.spin(r, r.choice(TO.SPAM_CAMPAIGNS[camp])).replace("{u}", link)
            tags = []
            if r.chance(0.3):
                tags = r.sample(["deal", "sale", "giveaway", "crypto", "fashion", "money", "free"], r.randint(1, 3))
                s = s + " " + " ".join("#" + x for x in tags)
            if p != "reddit" and r.chance(0.45):
                pool = target_pools.get(p)
                j = pick_recent_popular(w, pool, t) if pool is not None else -1
                if j >= 0:
                    w.reply(a, t, j, s, "en", urls=[link], tags=tags, weight=0.0)
                    t += int(r.expo(DAY / rate))
                    continue
            if p == "tiktok":
                w.add_post(a, t, s, [link], tags, [], ["vid_" + r.hexs(16)], lang="en", weight=0.002)
            else:
                w.add_post(a, t, s, [link], tags, [], ["img_" + r.hexs(16)] if r.chance(0.3) else [], lang="en",
                           weight=0.002)
            t += int(r.expo(DAY / rate))
        accts.append(a)
    return accts


def popular_pools(w: World):
    """Per platform: (indices, times, cumulative weights) of originals so far."""
    pools = {}
    t = np.array(w.p_t, dtype=np.int64)
    kind = np.array(w.p_kind, dtype=np.int8)
    wt = np.array(w.p_weight) * np.array([w.accounts[a].pop for a in w.p_acct])
    plat = np.array(w.p_plat, dtype=object)
    for p in ("twitter", "facebook", "youtube", "tiktok", "reddit"):
        idx = np.nonzero((plat == p) & (kind == 0) & (wt > 0))[0]
        idx = idx[np.argsort(t[idx], kind="stable")]
        pools[p] = (idx, t[idx], np.cumsum(wt[idx] ** 1.3))
    return pools


def pick_recent_popular(w, pool, t, window=12 * HOUR):
    idx, ts, cw = pool
    hi = int(np.searchsorted(ts, t - 60, side="right"))
    lo = int(np.searchsorted(ts, t - window, side="left"))
    if hi <= lo:
        return -1
    c0 = cw[lo - 1] if lo > 0 else 0.0
    j = int(np.searchsorted(cw, c0 + w.r.u() * (cw[hi - 1] - c0), side="right"))
    return int(idx[min(max(j, lo), hi - 1)])


# =================================================================== stealth
def stealth(w: World, people, n: int):
    r = w.r
    clock = w.clock
    per = {"twitter": max(1, int(round(n * 10 / 22))), "reddit": max(1, int(round(n * 8 / 22)))}
    per["facebook"] = max(0, n - per["twitter"] - per["reddit"])
    accts = []
    for p, m in per.items():
        spec = PersonSpec(regions=[("us_east", 2), ("us_central", 2), ("us_mountain", .5), ("us_pacific", 1)],
                          interests=[("football", .2), ("basketball", .3), ("food", .3), ("cars", .3), ("pets", .3),
                                     ("us_politics", .5)], platforms={p: 1.0}, activity_median=18.0,
                          activity_sigma=0.6, multi_platform_p=0.0, followers_median=300.0, young_bias=0.7,
                          url_p=(0.03, 0.12), night_p=0.0,
                          created_range=(epoch(2014, 1, 1), epoch(2021, 6, 1)))
        accts += people.make("op_stealth", m, spec)
    people.plan(accts)  # camouflage: an ordinary-looking life
    claims = list(TO.STEALTH_CLAIMS)
    used = {c: [] for c in claims}
    n_posts = 0
    for a in accts:
        my_claims = r.sample(claims, r.randint(2, 4))
        for c in my_claims:
            for _rep in range(r.randint(1, 2)):
                d = r.randint(1, clock.total_days - 1)
                t = clock.to_utc(d, (8.5 + r.u() * 12.5) * HOUR, a.tz)
                if t >= clock.end or t < clock.start:
                    continue
                bank = TO.STEALTH_CLAIMS[c]
                avail = [i for i in range(len(bank)) if i not in used[c]] or list(range(len(bank)))
                i = r.choice(avail)
                used[c].append(i)
                para = bank[i]
                intro = r.choice(TO.STEALTH_INTRO)
                outro = r.choice(TO.STEALTH_OUTRO)
                site = r.choice(TO.STEALTH_SITES)
                url = f"https://{site}/{r.choice(['2024', 'news', 'investigations', 'opinion'])}/{r.choice(TO.STEALTH_ARTICLES[c])}" \
                    if r.chance(0.7) else None
                if a.platform == "reddit":
                    text = para if not intro else intro + " " + para[0].lower() + para[1:]
                    w.add_post(a, t, text, [url] if url else [], [], [], [], lang="en", topic=T_POL, weight=0.8)
                else:
                    text = " ".join(x for x in [intro, para, outro] if x)
                    if url:
                        text += " " + url
                    tags = ["news"] if r.chance(0.05) else []
                    w.add_post(a, t, text, [url] if url else [], tags, [], [], lang="en", topic=T_POL, weight=0.8)
                n_posts += 1
    return accts, n_posts


# =================================================================== ring
def ring(w: World, n: int, popular):
    r = w.r
    clock = w.clock
    n_lead = max(1, int(round(n * 0.09)))
    imgs = [r.hexs(16) for _ in range(12)]
    members = []
    for i in range(n):
        first, last = N.person_name(r, "en")
        if r.chance(0.3):
            created = epoch(2014, 1, 1) + int(r.u() * (epoch(2019, 12, 1) - epoch(2014, 1, 1)))
        else:
            created = epoch(2022, 9, 1) + int(r.u() * 75 * DAY)
        h = r.choice([N.ascii_fold(first + last)[:10] + r.digits(r.randint(2, 4)),
                      r.choice(["Patriot", "Eagle", "Freedom", "Liberty", "Texan", "USA"]) + N.ascii_fold(first)[:6] + r.digits(2),
                      N.ascii_fold(first).lower() + "_" + r.choice(["usa", "patriot", "4america", "truth"]) + r.digits(2)])[:15]
        bio = TO.RING_BIO if r.chance(0.85) else (r.choice(TO.RING_BIO_VARIANTS) if r.chance(0.66) else
                                                   "Mom. Wife. Patriot. 🇺🇸")
        img = r.choice(imgs) if r.chance(0.4) else r.hexs(16)
        dn = r.choice([f"{first} {last}", f"{first} {last} 🇺🇸", f"{first} 🇺🇸🦅", f"{first} (Patriot)", f"{first} {last[0]}."])
        a = w.add_account("twitter", "op_ring", h, dn, created, int(r.lognormal(900, 0.8)), int(r.lognormal(1100, 0.6)),
                          bio, "en" if r.chance(0.9) else "ru", r.choice(TO.US_TOWNS), img, tz=MSK)
        a.pop = 2.0 if i < n_lead else 0.6
        a.attrs["part"] = 0.6 + r.u() * 0.35
        members.append(a)
    leaders = members[:n_lead]
    amps = members[n_lead:] if n > n_lead else members
    n_lp = 0
    for d in range(clock.total_days):
        wk = is_workday(clock.local_date(d), RU_HOLIDAYS, RU_MAKEUP)
        for L in leaders:
            lam = 2.0 if wk else 2.0 * 0.11
            for _ in range(r.poisson(lam)):
                t = sample_shift_time(r, clock, d, MSK, RU_PROFILE)
                s = TO.RING_LEAD[r.randint(len(TO.RING_LEAD))].replace("{p}", str(r.randint(20, 45))).replace(
                    "{s}", r.choice(TO.US_STATES))
                s = r.choice(TO.RING_PREFIX) + s
                tags = r.sample(TO.RING_TAGS, r.randint(0, 2))
                s = s + "".join(" #" + x for x in tags)
                media = ["img_" + r.hexs(16)] if r.chance(0.35) else (["vid_" + r.hexs(16)] if r.chance(0.1) else [])
                j = w.add_post(L, t, s, [], tags, [], media, lang="en", topic=T_POL, weight=1.0)
                n_lp += 1
                _ring_burst(w, [m for m in members if m is not L], j, t)
        # amplify an outside post about once per workday (and rarely at weekends)
        if r.chance(0.9 if wk else 0.1) and popular is not None:
            t = sample_shift_time(r, clock, d, MSK, RU_PROFILE)
            j = pick_recent_popular(w, popular, t, 6 * HOUR)
            if j >= 0 and w.p_topic[j] in (T_POL, T_WORLD):
                _ring_burst(w, members, j, t)
        # members' own occasional posts
        for m in amps:
            if r.chance(0.12 if wk else 0.01):
                t = sample_shift_time(r, clock, d, MSK, RU_PROFILE)
                w.add_post(m, t, r.choice(TO.RING_OWN), [], [], [], ["img_" + r.choice(imgs)] if r.chance(0.3) else [],
                           lang="en", topic=T_POL, weight=0.3)
    return members, dict(leaders=[a.account_id for a in leaders], leader_posts=n_lp)


def _ring_burst(w, members, j, t):
    r = w.r
    for m in members:
        if m.idx == w.p_acct[j] or not r.chance(m.attrs["part"]):
            continue
        dt = min(60, max(2, int(r.lognormal(18, 0.6))))
        tt = max(t, w.p_t[j]) + dt
        if tt < w.clock.end:
            w.reshare(m, tt, j)


# =================================================================== doppelganger
def doppelganger(w: World, n: int, popular):
    r = w.r
    clock = w.clock
    cartoons = [r.hexs(16) for _ in range(20)]
    accts = []
    n_tw = max(1, int(round(n * 5 / 7)))
    for i in range(n):
        p = "twitter" if i < n_tw else "facebook"
        lang = r.wchoice(["de", "fr", "en"], [0.5, 0.3, 0.2])
        culture = {"de": "de", "fr": "fr", "en": "en"}[lang]
        first, last = N.person_name(r, culture)
        # waves of throwaway accounts created in the Moscow working day
        wave_day = r.randint(-3, max(0, clock.total_days - 5))
        created = clock.to_utc(wave_day, (9.5 + r.u() * 7.5) * HOUR, MSK)
        h = N.x_default_handle(r, first, last) if p == "twitter" else ""
        a = w.add_account(p, "op_doppelganger", h, f"{first} {last}", created, r.randint(0, 6), r.randint(0, 35),
                          "", lang, "", r.choice(cartoons[:4]) if r.chance(0.2) else r.hexs(16), tz=MSK)
        a.pop = 0.3
        a.attrs["lang"] = lang
        accts.append(a)
    n_posts = 0
    for a in accts:
        life = r.randint(2, 6)
        k = r.randint(5, 25)
        lang = a.attrs["lang"]
        start_day = int((a.created_at - clock.start) // DAY) + 1
        if r.chance(0.4):  # a harmless first post to look alive
            t = a.created_at + r.randint(600, 5 * HOUR)
            if clock.start <= t < clock.end:
                w.add_post(a, t, r.choice(TO.DOPP_WARMUP[lang]), [], [], [], [], lang=lang, weight=0.01)
                n_posts += 1
        for _ in range(k):
            d = start_day + r.randint(0, life - 1)
            if d < 0 or d >= clock.total_days:
                continue
            if not is_workday(clock.local_date(d), RU_HOLIDAYS, RU_MAKEUP) and r.chance(0.85):
                continue
            t = sample_shift_time(r, clock, d, MSK, RU_PROFILE)
            if t < a.created_at or t >= clock.end:
                continue
            txt = r.choice(TO.DOPP_TEXT[lang])
            if r.chance(0.75):
                u = f"https://{r.alnum(5)}.{r.choice(TO.DOPP_TLDS)}/{r.alnum(6)}"
            else:
                u = f"https://{r.choice(TO.DOPP_CLONES[lang])}/{r.choice(['politik', 'wirtschaft', 'international', 'world'])}/{TX.slugify(txt, 40)}-{r.digits(6)}"
            s = txt + " " + u
            media = ["img_" + r.choice(cartoons)] if r.chance(0.6) else []
            j = -1
            if r.chance(0.7) and popular.get(a.platform) is not None:
                j = pick_recent_popular(w, popular[a.platform], t, 8 * HOUR)
            if j >= 0:
                w.reply(a, t, j, s, lang, urls=[u], media=media, weight=0.0)
            else:
                w.add_post(a, t, s, [u], [], [], media, lang=lang, topic=T_WORLD, weight=0.01)
            n_posts += 1
    return accts, n_posts
