"""The world container: accounts, posts and platform id conventions."""
from __future__ import annotations

from .rand import Rand
from .timeutil import Clock, epoch

PLATFORMS = ["twitter", "facebook", "tiktok", "youtube", "reddit"]
TW_EPOCH_MS = 1288834974657
T2005 = epoch(2005, 6, 1)
T2011 = epoch(2010, 11, 4)


class Account:
    __slots__ = ("idx", "platform", "account_id", "handle", "display_name", "created_at",
                 "followers", "following", "bio", "lang", "location", "profile_image_hash",
                 "group", "tz", "langs", "interests", "person", "handle_history", "friends",
                 "pop", "attrs", "posts")

    def __init__(self):
        self.handle_history = []  # [(until_t, old_handle)]
        self.friends = []
        self.attrs = {}
        self.posts = []
        self.pop = 1.0

    def handle_at(self, t: int) -> str:
        for until, h in self.handle_history:
            if t < until:
                return h
        return self.handle


class World:
    def __init__(self, r: Rand, clock: Clock, scale: float):
        self.r = r
        self.clock = clock
        self.scale = scale
        self.accounts: list[Account] = []
        self._acct_ids = {p: set() for p in PLATFORMS}
        self._handles = {p: set() for p in PLATFORMS}
        self._post_ids = {p: set() for p in PLATFORMS}
        # post columns
        self.p_plat = []
        self.p_acct = []
        self.p_t = []
        self.p_text = []
        self.p_urls = []
        self.p_tags = []
        self.p_mentions = []
        self.p_media = []
        self.p_reshare = []
        self.p_reply = []
        self.p_lang = []
        self.p_id = []
        self.p_topic = []
        self.p_weight = []
        self.p_kind = []  # 0 original, 1 reshare, 2 reply
        self.groups = {}  # name -> dict(kind, description, params)
        self.notes = {}

    # ---- groups ------------------------------------------------------------
    def declare_group(self, name, kind, description, params):
        self.groups[name] = dict(kind=kind, description=description, params=params)

    # ---- accounts ----------------------------------------------------------
    def new_account_id(self, platform: str, created: int) -> str:
        r = self.r
        for _ in range(100):
            if platform == "twitter":
                if created < T2011:
                    frac = max(0.0, (created - epoch(2006, 3, 21)) / (T2011 - epoch(2006, 3, 21)))
                    v = str(int(1_000_000 + frac * 220_000_000 + r.randint(0, 999_999)))
                else:
                    ms = created * 1000 + r.randint(0, 999) - TW_EPOCH_MS
                    v = str((ms << 22) | r.randint(0, (1 << 22) - 1))
            elif platform == "facebook":
                if created < epoch(2009, 6, 1):
                    frac = max(0.0, (created - epoch(2004, 2, 4)) / (epoch(2009, 6, 1) - epoch(2004, 2, 4)))
                    v = str(int(500_000 + frac * 1_500_000_000) + r.randint(0, 99_999))
                else:
                    v = "1000" + r.digits(11)
            elif platform == "tiktok":
                c = max(created, epoch(2016, 9, 1))
                v = str((c << 32) | r.randint(0, (1 << 32) - 1))
            elif platform == "youtube":
                v = "UC" + r.b64(21) + r.choice("AQgw")
            else:
                frac = max(0.0, (created - T2005) / (epoch(2025, 1, 1) - T2005))
                n = int(frac ** 2.2 * 36 ** 8) + r.randint(0, 36 ** 4)
                v = "t2_" + _b36(n)
            if v not in self._acct_ids[platform]:
                self._acct_ids[platform].add(v)
                return v
        raise RuntimeError("could not allocate account id")

    def unique_handle(self, platform: str, h: str) -> str:
        base = h or "user"
        cand = base
        k = 0
        while cand.lower() in self._handles[platform]:
            k += 1
            cand = base + (str(self.r.randint(1, 99)) if k < 5 else self.r.digits(4))
        self._handles[platform].add(cand.lower())
        return cand

    def handle_taken(self, platform: str, h: str) -> bool:
        return h.lower() in self._handles[platform]

    def add_account(self, platform, group, handle, display_name, created_at, followers, following,
                    bio, lang, location, image, tz=0.0, langs=None, interests=None, person=None,
                    pop=None) -> Account:
        a = Account()
        a.idx = len(self.accounts)
        a.platform = platform
        a.account_id = self.new_account_id(platform, created_at)
        if platform == "facebook" and not handle:
            handle = a.account_id
        a.handle = self.unique_handle(platform, handle)
        a.display_name = display_name
        a.created_at = int(created_at)
        a.followers = int(max(0, followers))
        a.following = int(max(0, following))
        a.bio = bio
        a.lang = lang
        a.location = location
        a.profile_image_hash = image
        a.group = group
        a.tz = tz
        a.langs = langs or [(lang or "en", 1.0)]
        a.interests = interests or []
        a.person = person
        a.pop = pop if pop is not None else (a.followers + 5) ** 0.7
        self.accounts.append(a)
        return a

    # ---- posts -------------------------------------------------------------
    def new_post_id(self, platform: str, t: int, kind: int) -> str:
        r = self.r
        ids = self._post_ids[platform]
        for _ in range(100):
            if platform == "twitter":
                ms = t * 1000 + r.randint(0, 999) - TW_EPOCH_MS
                v = str((ms << 22) | r.randint(0, (1 << 22) - 1))
            elif platform == "facebook":
                v = r.digits(1).replace("0", "1") + r.digits(15)
            elif platform == "tiktok":
                v = str((int(t) << 32) | r.randint(0, (1 << 32) - 1))
            elif platform == "youtube":
                v = r.b64(11) if kind == 0 else "Ug" + r.choice("wxyz") + r.b64(20) + "4AaABAg"
            else:
                v = ("t3_1" + r.b36(6)) if kind == 0 else ("t1_k" + r.b36(6))
            if v not in ids:
                ids.add(v)
                return v
        raise RuntimeError("could not allocate post id")

    def add_post(self, acct: Account, t: int, text: str = "", urls=(), tags=(), mentions=(),
                 media=(), reshare: int = -1, reply: int = -1, lang=None, topic: int = -1,
                 weight: float = 1.0) -> int:
        kind = 1 if reshare >= 0 else (2 if reply >= 0 else 0)
        pid = self.new_post_id(acct.platform, int(t), kind)
        if acct.platform == "facebook":
            pid = acct.account_id + "_" + pid
        i = len(self.p_t)
        self.p_plat.append(acct.platform)
        self.p_acct.append(acct.idx)
        self.p_t.append(int(t))
        self.p_text.append(text)
        self.p_urls.append(list(urls))
        self.p_tags.append(list(tags))
        self.p_mentions.append(list(mentions))
        self.p_media.append(list(media))
        self.p_reshare.append(reshare)
        self.p_reply.append(reply)
        self.p_lang.append(lang)
        self.p_id.append(pid)
        self.p_topic.append(topic)
        self.p_weight.append(weight)
        self.p_kind.append(kind)
        acct.posts.append(i)
        return i

    def reshare(self, acct: Account, t: int, target: int, comment: str = "", lang=None, extra_tags=()):
        """A platform-appropriate reshare of post ``target``."""
        # reshares point at the original, not at another reshare
        while self.p_reshare[target] >= 0:
            target = self.p_reshare[target]
        src = self.accounts[self.p_acct[target]]
        plat = acct.platform
        mentions = []
        if plat == "twitter":
            h = src.handle_at(t)
            text = ("RT @" + h + ": " + self.p_text[target])
            if len(text) > 280:
                text = text[:279] + "…"
            mentions = [h] + [m for m in self.p_mentions[target] if m != h]
            tags = list(self.p_tags[target])
            urls = list(self.p_urls[target])
            media = list(self.p_media[target])
            lang = self.p_lang[target]
        else:
            text = comment
            tags = list(extra_tags)
            urls = []
            media = []
            lang = lang if comment else None
        return self.add_post(acct, t, text, urls, tags, mentions, media, reshare=target,
                             lang=lang, topic=self.p_topic[target], weight=0.0)

    def reply(self, acct: Account, t: int, target: int, text: str, lang, urls=(), tags=(),
              media=(), extra_mentions=(), weight: float = 0.3):
        src = self.accounts[self.p_acct[target]]
        mentions = []
        if acct.platform in ("twitter",):
            h = src.handle_at(t)
            mentions = [h] + [m for m in extra_mentions if m != h]
            text = "@" + h + " " + text
        elif extra_mentions:
            mentions = list(extra_mentions)
        return self.add_post(acct, t, text, urls, tags, mentions, media, reply=target,
                             lang=lang, topic=self.p_topic[target], weight=weight)


def _b36(n: int) -> str:
    s = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = []
    while True:
        n, k = divmod(n, 36)
        out.append(s[k])
        if n == 0:
            break
    return "".join(reversed(out))
