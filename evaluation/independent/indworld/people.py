"""Ordinary people: personas, accounts, own posts, and the interaction pass."""
from __future__ import annotations

import numpy as np

from . import names as N
from . import text as TX
from .rand import Rand
from .timeutil import DAY, day_weights, epoch, rhythm, sample_person_times
from .world import PLATFORMS, Account, World

TOPIC_ID = {t: i for i, t in enumerate(TX.TOPIC_NAMES)}

PLATFORM_SHARE = {"twitter": .40, "facebook": .22, "tiktok": .14, "youtube": .10, "reddit": .14}
PLATFORM_START = {"twitter": epoch(2007, 1, 1), "facebook": epoch(2006, 9, 26),
                  "tiktok": epoch(2018, 8, 2), "youtube": epoch(2006, 1, 1),
                  "reddit": epoch(2006, 1, 1)}
ACTION_MIX = {"twitter": (.42, .33, .25), "facebook": (.50, .20, .30), "tiktok": (.25, .03, .72),
              "youtube": (.04, 0.0, .96), "reddit": (.18, 0.0, .82)}
PLATFORM_ACTIVITY = {"twitter": 1.3, "facebook": 0.8, "tiktok": 0.8, "youtube": 0.55, "reddit": 1.0}

BIO_ROLES = ["Teacher", "Nurse", "Software engineer", "Student", "Designer", "Dad of 2", "Mom of 3",
             "Retired", "Writer", "Barista", "PhD candidate", "Photographer", "Accountant",
             "Small business owner", "Lawyer", "Chef", "Musician", "Data nerd", "Mechanic",
             "Firefighter", "Marketing", "Librarian", "Nurse practitioner", "Civil servant",
             "Bartender", "Electrician", "Grad student", "Product manager", "Artist", "Pharmacist"]
BIO_BITS = {"us_politics": ["policy wonk", "voter", "civic nerd"], "world_news": ["news junkie", "history buff"],
            "tech": ["builds things", "dev", "open source"], "gaming": ["gamer", "casual streamer"],
            "football": ["matchday regular", "season ticket holder"], "basketball": ["hoops fan"],
            "music": ["music lover", "concert goer", "vinyl collector"], "movies": ["film buff", "cinephile"],
            "food": ["home cook", "foodie"], "travel": ["traveler", "40 countries and counting"],
            "pets": ["dog mom", "cat person", "rescue advocate"], "fitness": ["runner", "gym rat"],
            "finance": ["investing nerd", "FIRE curious"], "crypto": ["HODL", "web3 curious"],
            "science": ["space nerd", "science enthusiast"], "climate": ["climate optimist", "cyclist"],
            "fashion": ["thrifter", "style diary"], "parenting": ["parent", "toddler wrangler"],
            "books": ["bookworm", "reads a lot"], "cars": ["car guy", "weekend mechanic"],
            "anime": ["anime fan", "manga reader"], "health": ["wellness", "mental health advocate"],
            "local": ["local volunteer"], "china_affairs": ["Asia watcher"],
            "kpop": ["NOVA7 stan 💜", "multifandom", "kpop and kdramas"]}
BIO_LOCAL = {
    "es": ["Amante del café", "Vivir y dejar vivir", "Madre", "Padre de dos", "Esposa", "Soñadora", "Ingeniero",
           "Fútbol", "Familia", "Profe", "Estudiante de medicina", "Diseñadora", "Viajero", "Cinéfilo", "Fan del Barça",
           "Abogada", "Periodista", "Mexicano de corazón", "Lectora", "Perros > personas", "Opiniones propias"],
    "pt": ["Amo minha família", "Flamenguista", "Corintiana", "Vivendo um dia de cada vez", "Professora", "Mãe",
           "Cristã", "Engenheiro", "Estudante", "Fotografia", "Café e livros", "Designer", "Pai de pet", "Enfermeira",
           "Carioca", "Paulistano", "Música é vida", "Gamer nas horas vagas"],
    "de": ["Meinungen sind meine eigenen", "Kaffee", "Bücher", "Fußball", "Papa", "Mama", "Läuferin", "Nerd",
           "Ingenieur", "Lehrerin", "Radfahrer", "Hundemensch", "Studentin", "Fotografie", "FC-Fan", "Kulturfan"],
    "fr": ["Passionné de cinéma", "Prof", "Maman", "Papa", "Café", "Livres", "Voyages", "Ingénieure", "Étudiant",
           "Photographe", "Fan de foot", "Cuisinier amateur", "Avis perso", "Parisienne", "Lyonnais"],
    "id": ["Hidup itu indah", "Pecinta kopi", "Mahasiswa", "Ibu rumah tangga", "Karyawan swasta", "Pecinta kucing",
           "Suka traveling", "Wibu", "Bismillah", "Pemain futsal"],
    "ja": ["猫と音楽が好き", "会社員です", "ゲーム", "アニメ", "無言フォロー失礼します", "大学生", "カフェ巡り",
           "カメラ", "野球観戦", "旅行好き", "本の虫"],
    "ko": ["음악 좋아해요", "일상 계정", "커피 중독", "대학생", "고양이 집사", "여행", "운동", "영화"],
    "zh": ["热爱生活", "随便说说", "喜欢旅行", "美食", "日常碎碎念", "学生党", "猫奴", "摄影", "读书", "音乐"],
    "tr": ["Hayat güzel", "Öğretmen", "Kitap kurdu", "Futbol", "Kahve", "Mühendis", "Öğrenci", "Gezgin"],
    "ar": ["الحمد لله دائما", "أحب القهوة", "طالب", "مهندس", "كرة القدم", "سفر", "قراءة"],
    "tl": ["Simple lang", "God first 🙏", "Nanay", "Estudyante", "Foodie", "Laging masaya"],
    "hi": ["Desi at heart", "Foodie", "Traveller", "Engineer", "Cricket lover", "Chai addict", "Bollywood fan"],
    "sw": ["Mwalimu", "Mpenda mpira", "Mfanyabiashara", "Maisha ni safari"],
}
BIO_TAILS = ["Opinions my own.", "Views mine.", "she/her", "he/him", "they/them", "🌻", "🏳️‍🌈",
             "No DMs please", "Coffee addict", "Living my best life", "IG: same handle", "🇺🇸",
             "Be kind", "Here for the memes", "Trying my best", "", "", ""]


def make_bio(r: Rand, interests, location: str, lang: str) -> str:
    if r.chance(0.28):
        return ""
    if lang not in ("en",) and r.chance(0.6):
        bank = BIO_LOCAL.get(lang, ["..."])
        k = 1 if r.chance(0.5) else r.randint(2, 3)
        parts = []
        for _ in range(k):
            x = r.choice(bank)
            if x not in parts:
                parts.append(x)
        out = r.choice([" | ", ". ", " • ", ", ", " / ", " "]).join(parts)
        if r.chance(0.35):
            out += " " + r.choice(["☕", "✨", "🌻", "⚽", "🎶", "📚", "🙏", "💙", "🌸", "🐾", "🇧🇷", "🇲🇽", "🇯🇵", "🇩🇪"])
        if location and r.chance(0.2):
            out += " · " + location.split(",")[0]
        return out[:160]
    parts = []
    if r.chance(0.55):
        parts.append(r.choice(BIO_ROLES))
    for t in interests[:r.randint(1, 3)]:
        parts.append(r.choice(BIO_BITS.get(t, ["fan"])))
    if location and r.chance(0.25):
        parts.append(location.split(",")[0])
    sep = r.choice([" | ", ". ", ", ", " • ", " / "])
    s = sep.join(parts)
    tail = r.choice(BIO_TAILS)
    if tail:
        s = (s + " " + tail).strip()
    return s[:160]


def created_time(r: Rand, platform: str, now: int, young_bias: float = 1.0) -> int:
    lo = PLATFORM_START[platform]
    # skewed towards recent years
    u = r.u() ** (0.75 * young_bias)
    t = int(now - u * (now - lo))
    return t


class PersonSpec:
    """Knobs for a population of ordinary people (an authentic group)."""

    def __init__(self, **kw):
        self.regions = None        # list of (region_name, weight) or None for global mix
        self.interests = None      # list of (topic, weight) forced/boosted
        self.n_interests = (1, 4)
        self.platforms = PLATFORM_SHARE
        self.activity_median = 27.0
        self.activity_sigma = 1.45
        self.multi_platform_p = 0.22
        self.url_p = (0.04, 0.35)  # range of per-account chance a post carries a news link
        self.personal_p = 0.3
        self.followers_median = 140.0
        self.young_bias = 1.0
        self.night_p = 0.05
        self.site_p = 0.07
        self.mix = None
        self.created_range = None  # (lo, hi) epoch seconds, overrides the platform-age draw
        for k, v in kw.items():
            setattr(self, k, v)


class People:
    """Generates people and their accounts; keeps what the interaction pass needs."""

    def __init__(self, w: World, news):
        self.w = w
        self.news = news
        self.events = []   # (acct_idx, t, type) type 1 reshare, 2 reply
        self.person_count = 0
        self.default_avatar = {p: w.r.hexs(16) for p in PLATFORMS}

    # ---------------------------------------------------------------- personas
    def _region(self, spec: PersonSpec):
        r = self.w.r
        if spec.regions:
            name = r.wchoice([a for a, _ in spec.regions], [b for _, b in spec.regions])
            return N.REGION_BY_NAME[name]
        return r.wchoice(N.REGIONS, [reg[3] for reg in N.REGIONS])

    def make(self, group: str, n_accounts: int, spec: PersonSpec) -> list[Account]:
        w = self.w
        r = w.r
        out = []
        plats = list(spec.platforms.keys())
        pw = list(spec.platforms.values())
        while len(out) < n_accounts:
            reg = self._region(spec)
            rname, tz, langs, _, locs, culture = reg
            first, last = N.person_name(r, culture)
            # interests
            k = r.randint(*spec.n_interests)
            ints = []
            if spec.interests:
                for t, p in spec.interests:
                    if r.chance(p):
                        ints.append(t)
            while len(ints) < k:
                t = r.choice(TX.TOPIC_NAMES)
                if t not in ints and t not in ("china_affairs",) or (t == "china_affairs" and r.chance(0.2) and t not in ints):
                    ints.append(t)
            iw = [r.lognormal(1.0, 0.6) for _ in ints]
            lang_list = [(l, p) for l, p in langs]
            primary = r.wchoice([l for l, _ in lang_list], [p for _, p in lang_list])
            # many non-English speakers also post in English sometimes
            if primary != "en" and r.chance(0.35):
                lang_list = [(primary, 0.8), ("en", 0.2)]
            else:
                lang_list = [(primary, 1.0)]
            kind = "night" if r.chance(spec.night_p) else "normal"
            wd, we = rhythm(r, kind)
            act = r.lognormal(spec.activity_median, spec.activity_sigma)
            act = min(act, 1000.0 * r.lognormal(1.0, 0.25))  # even the heaviest users sleep
            img = r.hexs(16)
            site = None
            if r.chance(spec.site_p):
                site = r.choice([N.ascii_fold(first + last).lower() + ".com",
                                 N.ascii_fold(first).lower() + r.choice(["writes", "blogs", "makes"]) + ".net",
                                 N.ascii_fold(first + last).lower() + ".substack.com",
                                 N.ascii_fold(last).lower() + r.choice(["photography", "studio", "designs"]) + ".com",
                                 N.ascii_fold(first).lower() + "-" + N.ascii_fold(last).lower() + ".medium.com"])
            person = dict(id=self.person_count, region=rname, culture=culture, first=first, last=last,
                          interests=ints, iw=iw, langs=lang_list, wd=wd, we=we, act=act, img=img,
                          site=site, spec=spec)
            self.person_count += 1
            n_plat = 1
            if r.chance(spec.multi_platform_p):
                n_plat = 2 if r.chance(0.75) else 3
            chosen = []
            for _ in range(n_plat):
                for _try in range(10):
                    p = r.wchoice(plats, pw)
                    if p not in chosen:
                        chosen.append(p)
                        break
            same_name = r.chance(0.7)
            loc = r.choice(locs) if r.chance(0.6) else ""
            dname0 = N.display_name(r, first, last, culture, TX.TOPIC_WORD.get(ints[0], ""))
            for p in chosen:
                if len(out) >= n_accounts:
                    break
                out.append(self._account(group, p, person, reg, tz, primary, lang_list, ints, loc,
                                         dname0 if same_name else N.display_name(r, first, last, culture),
                                         spec))
        return out

    def _account(self, group, platform, person, reg, tz, primary, lang_list, ints, loc, dname, spec):
        w = self.w
        r = w.r
        now = w.clock.start
        created = created_time(r, platform, now, spec.young_bias)
        if spec.created_range:
            lo, hi = spec.created_range
            created = int(max(lo, PLATFORM_START[platform]) + r.u() * (hi - max(lo, PLATFORM_START[platform])))
        elif r.chance(0.03):  # joined during the period
            created = int(w.clock.start + r.u() * (w.clock.end - w.clock.start) * 0.5)
        year = 1970 + created // (365.25 * DAY)
        handle = N.platform_handle(r, platform, person["first"], person["last"],
                                   TX.TOPIC_WORD.get(ints[0], ""), int(year))
        age_years = max(0.05, (now - created) / (365.25 * DAY))
        fol = r.lognormal(spec.followers_median, 1.6) * (0.4 + min(age_years, 10) / 6.0) * \
            (0.5 + person["act"] / 40.0) ** 0.5
        if platform == "youtube":
            fol *= 0.3
        if platform == "reddit":
            fol = r.lognormal(3, 1.5)  # reddit followers are rare
        fing = r.lognormal(230, 1.0) if platform not in ("reddit", "youtube") else r.lognormal(8, 1.2)
        img = person["img"] if r.chance(0.6) else (self.default_avatar[platform] if r.chance(0.12) else r.hexs(16))
        bio = make_bio(r, ints, loc, primary)
        a = w.add_account(platform, group, handle, dname, created, int(fol), int(fing), bio, primary,
                          loc if r.chance(0.85) else "", img, tz=tz, langs=lang_list,
                          interests=ints, person=person["id"])
        a.attrs["person"] = person
        a.attrs["wd"] = person["wd"]
        a.attrs["we"] = person["we"]
        return a

    # ------------------------------------------------------------- own posts
    def plan(self, accts, d0: int = 0, d1: int | None = None, activity_factor: float = 1.0,
             suppress=None):
        """Sample each account's post times; write originals now, queue interactions.

        suppress: optional function(acct, t) -> True to drop a post (e.g. hijack window).
        """
        w = self.w
        r = w.r
        clock = w.clock
        nd = clock.total_days
        for a in accts:
            person = a.attrs["person"]
            spec = person["spec"]
            start_day = max(d0, int((a.created_at - clock.start) // DAY) + 1 if a.created_at > clock.start else d0)
            if start_day >= (d1 if d1 is not None else nd):
                continue
            n = person["act"] * PLATFORM_ACTIVITY[a.platform] * activity_factor * (d1 - d0 if d1 else nd - d0) / 60.0
            n = int(n * r.lognormal(1.0, 0.3))
            if a.platform == "youtube" and r.chance(0.12):
                a.attrs["uploader"] = True
            mix = spec.mix or ACTION_MIX[a.platform]
            if a.attrs.get("uploader"):
                mix = (0.45, 0.0, 0.55)
            m = r.g.dirichlet(np.array(mix) * 8 + 1e-3)
            if a.platform in ("youtube", "reddit"):
                m[1] = 0.0
                m = m / m.sum()
            a.attrs["url_p"] = spec.url_p[0] + r.u() * (spec.url_p[1] - spec.url_p[0])
            a.attrs["media_p"] = {"twitter": 0.22, "facebook": 0.3, "tiktok": 1.0, "youtube": 1.0,
                                  "reddit": 0.12}[a.platform] * r.lognormal(1.0, 0.3)
            wkend = r.lognormal(1.0, 0.3)
            dw = day_weights(r, nd, clock.local_weekday, wkend, d0=start_day, d1=d1)
            ts = sample_person_times(r, clock, n, a.tz, person["wd"], person["we"], dw,
                                     session_mean=1.5 + min(person["act"] / 60.0, 3.0))
            lo = max(clock.start, a.created_at)
            hi = clock.end if d1 is None else clock.start + d1 * DAY
            cm = np.cumsum(m)
            for t in ts:
                t = int(t)
                if t < lo or t >= hi:
                    continue
                if suppress is not None and suppress(a, t):
                    continue
                x = r.u()
                if x < cm[0]:
                    self.original(a, t)
                elif x < cm[1]:
                    self.events.append((a.idx, t, 1))
                else:
                    self.events.append((a.idx, t, 2))

    def pick_lang(self, a: Account) -> str:
        ls = a.langs
        if len(ls) == 1:
            return ls[0][0]
        return self.w.r.wchoice([l for l, _ in ls], [p for _, p in ls])

    def pick_topic(self, a: Account):
        person = a.attrs.get("person")
        if not person or not person["interests"]:
            return None
        return self.w.r.wchoice(person["interests"], person["iw"])

    def original(self, a: Account, t: int, topic=None, force_url=None):
        w = self.w
        r = w.r
        person = a.attrs["person"]
        lang = self.pick_lang(a)
        if topic is None:
            topic = self.pick_topic(a) if not r.chance(person["spec"].personal_p) else None
        urls = []
        media = []
        tags = []
        plat = a.platform
        text = None
        weight = r.lognormal(1.0, 1.0)
        # a news link?
        if plat != "tiktok" and (force_url or r.chance(a.attrs.get("url_p", 0.1))):
            art = self.news.pick_article(t, topic) if force_url is None else force_url
            if art is not None:
                text, urls = self.news.share_text(a, art, lang)
                topic = art["topic"]
        if text is None:
            if plat == "reddit":
                text = TX.reddit_title(r, lang, topic)
            elif plat == "youtube":
                text = TX.video_title(r, lang, topic)
            else:
                text, tags = TX.organic_post(r, lang, topic, plat, person["spec"].personal_p)
            x = r.u()
            if person.get("site") and x < 0.06:
                urls = ["https://" + person["site"] + "/" + r.choice(["", "blog/", "posts/", "p/", "20" + str(r.randint(22, 24)) + "/"]) +
                        TX.slugify(text.split("#")[0], 40)]
            elif topic and x < 0.1:
                d = TX.TOPICS[topic]
                urls = ["https://" + r.choice(d["sites"]) + "/" + r.choice(["", "posts/", "reviews/", "news/"]) +
                        TX.slugify(r.choice(d["things"]) + " " + r.choice(d["ents"]), 50)]
            elif x < 0.13 and plat in ("twitter", "facebook", "reddit"):
                v = self.news.random_video(t, topic)
                if v:
                    urls = [v]
            if urls and plat in ("twitter", "facebook"):
                text = text + " " + urls[0]
        if plat in ("tiktok", "youtube"):
            if topic and r.chance(0.05):
                media = [self.news.meme(topic, video=True)]
            else:
                media = ["vid_" + r.hexs(16)]
        elif r.chance(a.attrs.get("media_p", 0.2)):
            media = [self.news.meme(topic)] if topic and r.chance(0.25) else ["img_" + r.hexs(16)]
        lang_out = TX.detect_lang_of(text, lang)
        return w.add_post(a, t, text, urls, tags, [], media, lang=lang_out,
                          topic=TOPIC_ID.get(topic, -1) if topic else -1, weight=weight)


# ---------------------------------------------------------------- interactions
class Interactions:
    """Reshares and replies of ordinary people, chosen by popularity, topic and friendship."""

    def __init__(self, w: World, people: People):
        self.w = w
        self.people = people

    def build_friends(self, accts):
        w = self.w
        r = w.r
        buckets = {}
        by_plat = {}
        for a in accts:
            person = a.attrs.get("person")
            if not person:
                continue
            key = (a.platform, a.group if a.group not in ("organic",) else person["region"][:5],
                   person["interests"][0] if person["interests"] else "")
            buckets.setdefault(key, []).append(a.idx)
            by_plat.setdefault(a.platform, []).append(a.idx)
            a.attrs["fkey"] = key
        for a in accts:
            if "fkey" not in a.attrs:
                continue
            same = buckets[a.attrs["fkey"]]
            allp = by_plat[a.platform]
            k = max(1, int(r.lognormal(6, 0.7)))
            fr = []
            for _ in range(k):
                pool = same if (r.chance(0.7) and len(same) > 1) else allp
                f = r.choice(pool)
                if f != a.idx and f not in fr:
                    fr.append(f)
            a.friends.extend(fr)
        # friendship is mostly mutual
        for a in accts:
            for f in list(a.friends):
                b = w.accounts[f]
                if a.idx not in b.friends and r.chance(0.6):
                    b.friends.append(a.idx)

    def _pools(self):
        w = self.w
        len(w.p_t)
        plat = np.array(w.p_plat, dtype=object)
        t = np.array(w.p_t, dtype=np.int64)
        kind = np.array(w.p_kind, dtype=np.int8)
        topic = np.array(w.p_topic, dtype=np.int32)
        pop = np.array([w.accounts[a].pop for a in w.p_acct], dtype=float)
        wt = np.array(w.p_weight, dtype=float) * pop
        pools = {}
        for p in PLATFORMS:
            m = (plat == p) & (kind == 0) & (wt > 0)
            idx = np.nonzero(m)[0]
            idx = idx[np.argsort(t[idx], kind="stable")]
            pools[(p, -1)] = (idx, t[idx], np.cumsum(wt[idx]))
            for k in range(len(TX.TOPIC_NAMES)):
                sub = idx[topic[idx] == k]
                if len(sub):
                    pools[(p, k)] = (sub, t[sub], np.cumsum(wt[sub]))
        return pools

    def _sample(self, pools, key, times, lags, win):
        """Vectorised weighted choice of a target near (time - lag) for each event."""
        if key not in pools:
            return np.full(len(times), -1, dtype=np.int64)
        idx, pt, cw = pools[key]
        r = self.w.r
        center = times - lags
        lo = np.searchsorted(pt, center - win, side="left")
        hi = np.searchsorted(pt, np.minimum(center + win, times - 20), side="right")
        ok = hi > lo
        c0 = np.where(lo > 0, cw[np.maximum(lo - 1, 0)], 0.0)
        c1 = np.where(hi > 0, cw[np.maximum(hi - 1, 0)], 0.0)
        u = c0 + r.g.random(len(times)) * (c1 - c0)
        j = np.searchsorted(cw, u, side="right")
        j = np.clip(j, lo, np.maximum(hi - 1, lo))
        out = np.where(ok & (c1 > c0), idx[np.clip(j, 0, len(idx) - 1)], -1)
        return out

    def run(self):
        w = self.w
        r = w.r
        ev = self.people.events
        if not ev:
            return
        pools = self._pools()
        ev = sorted(ev, key=lambda e: (e[1], e[0], e[2]))
        E = len(ev)
        acct = np.array([e[0] for e in ev], dtype=np.int64)
        t = np.array([e[1] for e in ev], dtype=np.int64)
        typ = np.array([e[2] for e in ev], dtype=np.int8)
        plat = np.array([w.accounts[a].platform for a in acct], dtype=object)
        # lag: replies and reshares come soon after; comments on videos later
        lag = np.exp(r.g.normal(0, 1.4, E)) * np.where(typ == 1, 5400, 2400)
        lag = np.where(np.isin(plat, ["youtube"]), lag * 6, lag)
        win = np.maximum(1800, lag * 0.5)
        # which events go to friends, to a topic pool, or to the whole platform
        u = r.g.random(E)
        target = np.full(E, -1, dtype=np.int64)
        topic_choice = np.full(E, -1, dtype=np.int64)
        for i in range(E):
            a = w.accounts[acct[i]]
            person = a.attrs.get("person")
            if person and person["interests"] and u[i] > 0.35:
                tp = r.wchoice(person["interests"], person["iw"])
                topic_choice[i] = TOPIC_ID[tp]
        friend_p = 0.3
        fmask = u < friend_p
        # friends: the most recent posts of friends
        self._friend_targets(acct, t, fmask, target)
        for p in PLATFORMS:
            for k in range(-1, len(TX.TOPIC_NAMES)):
                m = (plat == p) & (topic_choice == k) & (target < 0)
                if not m.any():
                    continue
                sel = np.nonzero(m)[0]
                target[sel] = self._sample(pools, (p, k), t[sel], lag[sel], win[sel])
            # fallback to the whole platform
            m = (plat == p) & (target < 0)
            if m.any():
                sel = np.nonzero(m)[0]
                target[sel] = self._sample(pools, (p, -1), t[sel], lag[sel], win[sel] * 4)
        people = self.people
        p_acct = w.p_acct
        for i in range(E):
            j = int(target[i])
            a = w.accounts[acct[i]]
            ti = int(t[i])
            if j < 0 or p_acct[j] == a.idx:
                continue
            if typ[i] == 1 and a.platform in ("twitter", "facebook", "tiktok"):
                comment = ""
                lang = None
                if a.platform == "facebook" and r.chance(0.3):
                    lang = people.pick_lang(a)
                    comment = TX.share_comment(r, lang)
                w.reshare(a, ti, j, comment, lang)
            else:
                lang = people.pick_lang(a)
                tl = w.p_lang[j]
                if tl and any(l == tl for l, _ in a.langs):
                    lang = tl
                tp = w.p_topic[j]
                text = TX.organic_reply(r, lang, TX.TOPIC_NAMES[tp] if tp >= 0 else None)
                w.reply(a, ti, j, text, TX.detect_lang_of(text, lang))
        self._threads()

    def _friend_targets(self, acct, t, fmask, target):
        w = self.w
        r = w.r
        sel = np.nonzero(fmask)[0]
        by_acct = {}
        for i in sel:
            by_acct.setdefault(int(acct[i]), []).append(int(i))
        p_t = w.p_t
        p_kind = w.p_kind
        for ai, evs in by_acct.items():
            a = w.accounts[ai]
            fp = []
            for f in a.friends:
                fp.extend(j for j in w.accounts[f].posts if p_kind[j] == 0)
            if not fp:
                continue
            fp.sort(key=lambda j: p_t[j])
            ft = np.array([p_t[j] for j in fp], dtype=np.int64)
            for i in evs:
                ti = int(t[i])
                hi = int(np.searchsorted(ft, ti - 30, side="right"))
                lo = int(np.searchsorted(ft, ti - 4 * DAY, side="left"))
                if hi > lo:
                    k = hi - min(hi - lo, r.geometric(2.5))
                    target[i] = fp[k]

    def _threads(self):
        """Authors answer some replies; on Reddit and YouTube comments nest."""
        w = self.w
        r = w.r
        n0 = len(w.p_t)
        authentic = {g for g, d in w.groups.items() if d["kind"] == "authentic"}
        by_root = {}
        for i in range(n0):
            if w.p_kind[i] == 2:
                by_root.setdefault(w.p_reply[i], []).append(i)
        for root, reps in list(by_root.items()):
            ra = w.accounts[w.p_acct[root]]
            if ra.group not in authentic or "person" not in ra.attrs:
                continue
            reps.sort(key=lambda i: w.p_t[i])
            for i in reps:
                if w.accounts[w.p_acct[i]].group not in authentic:
                    continue
                if w.p_acct[i] != ra.idx and r.chance(0.1):
                    tt = w.p_t[i] + int(r.lognormal(1200, 1.2))
                    if tt < w.clock.end:
                        lang = self.people.pick_lang(ra)
                        text = TX.organic_reply(r, lang, None)
                        w.reply(ra, tt, i, text, TX.detect_lang_of(text, lang))
            # nested comment chains on reddit / youtube / facebook
            if ra.platform in ("reddit", "youtube", "facebook") and len(reps) > 2:
                for k in range(1, len(reps)):
                    if r.chance(0.35 if ra.platform == "reddit" else 0.15):
                        parent = reps[r.randint(0, k - 1)]
                        if w.p_t[parent] < w.p_t[reps[k]] and w.p_acct[parent] != w.p_acct[reps[k]]:
                            w.p_reply[reps[k]] = parent
