"""Authentic hard negatives: fandom pushes, activist days, match days, a local
community, cross-posting creators, critics, hijacked accounts, unwitting amplifiers."""
from __future__ import annotations

from . import names as N
from . import text as TX
from .people import TOPIC_ID, PersonSpec
from .timeutil import DAY, HOUR, MINUTE, awake_prob, epoch

KST = 9.0


def _tid(t):
    return TOPIC_ID.get(t, -1)


# =============================================================== fandom
FAN_VOTE = ["I vote #NOVA7 for #TheShowChoice @theshow_official",
            "I'm voting for #NOVA7 (@NOVA7official) for #TopSocialArtist #BBMAs",
            "#NOVA7 #SUPERNOVA_WIN I vote NOVA7 for the win @mcountdown",
            "I vote #NOVA7 for #BestFandom at the #KStarAwards2024",
            "Voting #NOVA7 #SUPERNOVA for #MusicBankKChart"]
FAN_FILLER = ["💜", "💜💜", "go go go", "lets win this", "vote vote vote", "for our boys",
              "stream supernova", "one more", "🌟", "keep going novas", "from Brazil 🇧🇷", "from PH 🇵🇭",
              "novas fighting", "we can do this", "don't stop", "💫", "we love you", "sleep later vote now",
              "nova7 deserves it", "proud nova", "✨✨", "#NOVA7_SUPERNOVA", "{n}", "again", "x{n}"]
FAN_TREND = ["#HappyKaiDay 🎂 happy birthday to the sunshine of my life",
             "#NOVA7_SUPERNOVA is OUT NOW!! stream stream stream",
             "#SUPERNOVA_MV 10M views let's gooo", "#NOVA7_1stWin we did it novas 😭💜",
             "#WeLoveYouNOVA7 thank you for everything"]


def fandom(w, people, n):
    r = w.r
    spec = PersonSpec(regions=[("philippines", 3), ("indonesia", 2.5), ("us_east", 2), ("us_pacific", 1),
                               ("brazil", 2), ("mexico", 1.5), ("korea", 1), ("japan", .6), ("uk", .7),
                               ("india", .6), ("singapore_my", .5), ("turkey", .3), ("gulf", .3)],
                      interests=[("kpop", 1.0), ("music", 0.5), ("anime", 0.2), ("movies", 0.2)],
                      platforms={"twitter": .66, "tiktok": .2, "youtube": .14},
                      activity_median=60.0, activity_sigma=1.1, personal_p=0.35, young_bias=1.4,
                      url_p=(0.0, 0.05), multi_platform_p=0.3)
    fans = people.make("fandom", n, spec)
    # the official artist account and fanbase / voting-team accounts
    img = r.hexs(16)
    official = {}
    for p in ("twitter", "youtube", "tiktok"):
        a = w.add_account(p, "fandom", "NOVA7official", "NOVA7 (노바세븐)", epoch(2021, 2, 14), 2_800_000 if p != "youtube" else 1_900_000,
                          12, "NOVA7 Official. 'SUPERNOVA' out now 💫", "ko", "Seoul", img, tz=KST,
                          interests=["kpop"])
        a.pop = 4000.0
        official[p] = a
    bases = []
    for i in range(max(2, n // 40)):
        h = r.choice(["NOVA7_VoteTeam", "NOVA7GlobalStream", "nova7data", "NOVA7_Charts", "novasunion",
                      "NOVA7PH_", "NOVA7Brasil", "NOVA7Indo", "nova7translations"]) + (str(i) if i > 8 else "")
        a = w.add_account("twitter", "fandom", h, h.replace("_", " ") + " 💜", epoch(2021, r.randint(3, 12), r.randint(1, 28)),
                          int(r.lognormal(40000, 0.8)), r.randint(50, 800),
                          "Fanbase dedicated to @NOVA7official. Voting guides, streaming goals, translations. Fan account.",
                          "en", "", r.hexs(16), tz=KST, interests=["kpop"])
        a.pop = 300.0
        bases.append(a)
    devotion = {a.idx: 0.3 + 0.65 * r.u() for a in fans}
    clock = w.clock
    evlog = []
    nd = clock.total_days
    # event calendar (days relative to start)
    comeback_day = min(nd - 1, max(1, int(nd * 0.33)))
    votes = [d for d in range(3, nd, 7)][:6]        # weekly music-show voting (Tuesdays-ish)
    award = list(range(int(nd * 0.55), min(nd, int(nd * 0.55) + 8)))
    bday = min(nd - 1, int(nd * 0.45))
    mv = None
    t_mv = clock.to_utc(comeback_day, 18 * HOUR, KST)
    mv = w.add_post(official["youtube"], t_mv, "NOVA7 (노바세븐) 'SUPERNOVA' Official MV", [], [], [],
                    ["vid_" + r.hexs(16)], lang="ko", weight=2000.0, topic=_tid("kpop"))
    mv_url = "https://www.youtube.com/watch?v=" + w.p_id[mv]
    ann = w.add_post(official["twitter"], t_mv + 5, "NOVA7 'SUPERNOVA' MV OUT NOW 💫 " + mv_url +
                     " #NOVA7 #NOVA7_SUPERNOVA #SUPERNOVA_MV", [mv_url], ["NOVA7", "NOVA7_SUPERNOVA", "SUPERNOVA_MV"],
                     [], ["img_" + r.hexs(16)], lang="en", weight=3000.0, topic=_tid("kpop"))
    # comeback: stream party + MV comments
    for a in fans:
        if not r.chance(devotion[a.idx]):
            continue
        k = r.randint(1, 6)
        for _j in range(k):
            t = t_mv + int(r.expo(1500)) + 30
            if a.platform == "youtube":
                txt = r.choice(["streaming from {c} 💜", "NOVA7 we love you", "1M views let's go novas",
                                "the choreo at 2:14!!!", "Haneul's high note omg", "who's here before 10M?",
                                "this song is a masterpiece", "{c} loves you NOVA7"]).replace(
                    "{c}", r.choice(["Brazil", "Philippines", "Indonesia", "Mexico", "USA", "India", "Turkey"]))
                w.reply(a, t, mv, txt, "en", weight=0.2)
            elif a.platform == "twitter":
                if r.chance(0.35):
                    w.reshare(a, t, ann)
                else:
                    s = r.choice(FAN_TREND[1:3]) + " " + r.choice(FAN_FILLER).replace("{n}", str(r.randint(1, 50)))
                    if r.chance(0.4):
                        s += " " + mv_url
                    w.add_post(a, t, s, [mv_url] if mv_url in s else [], _tags(s), [], [], lang="en",
                               weight=0.5, topic=_tid("kpop"))
            else:
                s = "dance challenge " + r.choice(["#SUPERNOVAchallenge", "#NOVA7_SUPERNOVA"]) + " " + r.choice(FAN_FILLER).replace("{n}", "")
                w.add_post(a, t, s, [], _tags(s) + ["fyp"], [], ["vid_" + r.hexs(16)], lang="en", weight=1.0,
                           topic=_tid("kpop"))
    evlog.append(dict(kind="comeback", day=comeback_day))
    # voting windows: 20:00-21:00 KST, mass voting posts with filler to dodge spam filters
    for d in votes + award:
        t0 = clock.to_utc(d, (20 if d in votes else 21) * HOUR, KST)
        tmpl = r.choice(FAN_VOTE)
        guide = w.add_post(r.choice(bases), t0 - r.randint(1800, 7200),
                           "VOTING GUIDE 🗳️ Tonight 8PM KST copy & paste, add random words, don't spam the same tweet: " + tmpl,
                           [], _tags(tmpl), [], ["img_" + r.hexs(16)], lang="en", weight=100.0, topic=_tid("kpop"))
        for a in fans:
            if a.platform != "twitter" or not r.chance(devotion[a.idx] * 0.9):
                continue
            if r.chance(0.3):
                w.reshare(a, t0 - r.randint(60, 1700), guide)
            k = r.geometric(5)
            for _j in range(min(k, 25)):
                t = t0 + int(r.u() * (3600 if d in votes else 7200))
                s = tmpl
                for _ in range(r.randint(1, 3)):
                    s = s + " " + r.choice(FAN_FILLER).replace("{n}", str(r.randint(1, 99)))
                w.add_post(a, t, s, [], _tags(s), _mentions(s), [], lang="en", weight=0.05, topic=_tid("kpop"))
        evlog.append(dict(kind="vote", day=d))
    # birthday trend at 00:00 KST
    t0 = clock.to_utc(bday, 0, KST)
    for a in fans:
        if a.platform == "twitter" and r.chance(devotion[a.idx]):
            for _j in range(r.randint(1, 4)):
                t = t0 + int(r.expo(2400))
                msg = r.choice(["happy birthday to our sunshine", "may all your dreams come true Kai",
                                "thank you for existing", "you make me so happy every day", "saranghae Kai",
                                "my favorite person turns 24 today", "the world is brighter because of you"])
                s = "#HappyKaiDay " + msg + " " + r.choice(TX.EMOJI) + (" #카이_생일ㅊㅋ" if r.chance(0.4) else "")
                w.add_post(a, t, s, [], _tags(s), [], ["img_" + r.hexs(16)] if r.chance(0.5) else [],
                           lang="en", weight=0.3, topic=_tid("kpop"))
    evlog.append(dict(kind="birthday_trend", day=bday))
    return fans + list(official.values()) + bases, evlog


def _tags(s):
    out = []
    for tok in s.split():
        if tok.startswith("#") and len(tok) > 1:
            t = tok[1:].rstrip(".,!?")
            if t and t not in out:
                out.append(t)
    return out


def _mentions(s):
    out = []
    for tok in s.split():
        if tok.startswith("@") and len(tok) > 1:
            m = tok[1:].rstrip(".,!?):;'\"")
            if m and m not in out:
                out.append(m)
    return out


# =============================================================== activists
TOOLKIT = [
    "Every child deserves clean air. Tell @{off} to back the Clean Air Act now: {u} #CleanAirNow",
    "Air pollution cuts short 7 million lives a year. We can't wait. Sign & share: {u} #CleanAirNow #ActOnAir",
    "I'm joining thousands today to demand clean air in our cities. Add your name: {u} #CleanAirNow",
    "Dear @{off}: our lungs are not negotiable. Pass strong clean air rules. {u} #ActOnAir",
    "Today is #CleanAirDay of action. Our kids are breathing dirty air on the way to school. Act now @{off} {u}",
    "Clean air is a human right. Support the petition: {u} #CleanAirNow #ClimateAction",
]
OFFICIALS = ["EnvMinistry", "EU_Environment", "MayorOffice", "UKParliament", "EPA"]
PERSONAL_ADD = ["My daughter has asthma.", "I walk my kids past a motorway every day.", "Please share!",
                "Done ✅", "Signed.", "This matters to me.", "Join us!", "For my grandkids.", "💚",
                "We marched last year too.", "RT please 🙏", "Proud to be part of this."]


def activists(w, people, n, n_days_action=3):
    r = w.r
    spec = PersonSpec(regions=[("uk", 3), ("germany", 1.5), ("france", 1), ("us_east", 1.5), ("us_pacific", 1),
                               ("spain", 0.6), ("canada", 0.5), ("australia", 0.4)],
                      interests=[("climate", 1.0), ("us_politics", 0.3), ("world_news", 0.4), ("health", 0.2)],
                      platforms={"twitter": .62, "facebook": .3, "tiktok": .08}, activity_median=28.0,
                      url_p=(0.05, 0.3))
    acts = people.make("activists", n, spec)
    ngo = []
    img = r.hexs(16)
    for p in ("twitter", "facebook"):
        a = w.add_account(p, "activists", "CleanAirAlliance", "Clean Air Alliance 💚", epoch(2015, 5, 2),
                          86000, 2100, "Campaigning for clean air for everyone. Join the movement 👇 act.cleanairalliance.org",
                          "en", "London · Brussels · Washington", img, tz=1, interests=["climate"])
        a.pop = 200.0
        ngo.append(a)
    clock = w.clock
    url = "https://act.cleanairalliance.org/petition/clean-air-act"
    days = [int(clock.total_days * f) for f in (0.17, 0.52, 0.83)][:n_days_action]
    log = []
    for d in days:
        # toolkit goes out the day before
        t_kit = clock.to_utc(d - 1, 15 * HOUR, 1)
        kit = w.add_post(ngo[0], t_kit, "Tomorrow at 12:00 (CEST / noon ET) we flood the timeline for #CleanAirNow. "
                         "Toolkit with ready-to-post messages here: https://cleanairalliance.org/toolkit",
                         ["https://cleanairalliance.org/toolkit"], ["CleanAirNow"], [], ["img_" + r.hexs(16)],
                         lang="en", weight=80.0, topic=_tid("climate"))
        ngo_post = w.add_post(ngo[1], clock.to_utc(d, 12 * HOUR, 2.0), "It's time. Post, share, sign: " + url + " #CleanAirNow",
                              [url], ["CleanAirNow"], [], [], lang="en", weight=80.0, topic=_tid("climate"))
        for a in acts:
            if not r.chance(0.72):
                continue
            # Europeans at 12:00 CEST, Americans at 12:00 ET
            agreed_tz = 2.0 if a.tz > -2 else -4.0
            t0 = clock.to_utc(d, 12 * HOUR, agreed_tz)
            for k in range(r.randint(1, 3)):
                if r.chance(0.2):
                    t = t0 + r.randint(0, 8)          # scheduled post
                else:
                    t = t0 + int(r.expo(900)) + (k * r.randint(60, 900))
                msg = r.choice(TOOLKIT).replace("{u}", url).replace("{off}", r.choice(OFFICIALS))
                if r.chance(0.45):
                    add = r.choice(PERSONAL_ADD)
                    msg = (add + " " + msg) if r.chance(0.5) else (msg + " " + add)
                if a.platform == "facebook" and r.chance(0.4):
                    w.reshare(a, max(t, w.p_t[ngo_post] + 30), ngo_post, r.choice(PERSONAL_ADD), "en")
                    continue
                if a.platform == "twitter" and r.chance(0.15):
                    w.reshare(a, t, kit)
                    continue
                w.add_post(a, t, msg, [url], _tags(msg), _mentions(msg),
                           ["img_" + r.hexs(16)] if r.chance(0.15) else [], lang="en", weight=0.4,
                           topic=_tid("climate"))
        log.append(dict(day=d))
    return acts + ngo, log


# =============================================================== sports
PLAYERS = ["Okafor", "Lindqvist", "Mendes", "Harrow", "Kaneda", "Doyle", "Baptiste", "Silva"]
OPPONENTS = ["Northbridge", "Kingsport Utd", "Hallam City", "Westford", "Eastmoor Rovers", "Castleton",
             "Brookfield Athletic", "Redcliffe"]


def sports(w, people, n):
    r = w.r
    spec = PersonSpec(regions=[("uk", 5), ("nigeria", 1.5), ("us_east", 1), ("india", 0.8), ("indonesia", 0.6),
                               ("kenya", 0.5), ("australia", 0.3), ("germany", 0.3)],
                      interests=[("football", 1.0)], platforms={"twitter": .7, "facebook": .2, "reddit": .1},
                      activity_median=26.0)
    fans = people.make("sports_fans", n, spec)
    club = w.add_account("twitter", "sports_fans", "RiversideFC", "Riverside FC", epoch(2009, 8, 1), 1_250_000, 320,
                         "Official account of Riverside Football Club ⚽ #RIVFC", "en", "Riverside, England",
                         w.r.hexs(16), tz=1, interests=["football"])
    club.pop = 1500.0
    clock = w.clock
    log = []
    d = 2
    while d < clock.total_days:
        wk = clock.local_weekday(d)
        ko_h = r.choice([15.0, 17.5, 12.5]) if wk >= 5 else r.choice([19.75, 20.0])
        ko = clock.to_utc(d, ko_h * HOUR, 1)
        opp = r.choice(OPPONENTS)
        tag = "RIV" + opp[:3].upper()
        goals = sorted(r.randint(3, 93) for _ in range(r.poisson(2.6)))
        ours = [r.chance(0.55) for _ in goals]
        w.add_post(club, ko - 3600, f"📋 Team news: here's how we line up against {opp} #RIVFC #{tag}",
                   [], ["RIVFC", tag], [], ["img_" + r.hexs(16)], lang="en", weight=200.0, topic=_tid("football"))
        par = [a for a in fans if r.chance(0.45)]
        for a in par:
            for _ in range(r.poisson(1.2)):
                t = ko + int(r.u() * 110 * MINUTE)
                s, _t = TX.organic_post(r, "en", "football", a.platform)
                w.add_post(a, t, s + f" #{tag}", [], _t + [tag], [], [], lang="en", weight=0.5, topic=_tid("football"))
        for gm, us in zip(goals, ours, strict=False):
            tg = ko + gm * MINUTE + (15 * MINUTE if gm > 45 else 0)
            pl = r.choice(PLAYERS)
            if us:
                gp = w.add_post(club, tg + r.randint(20, 90), f"GOAL! {pl} {gm}' ⚽ #RIVFC #{tag}", [], ["RIVFC", tag],
                                [], ["vid_" + r.hexs(16)], lang="en", weight=400.0, topic=_tid("football"))
            for a in par:
                if a.platform != "twitter" or not r.chance(0.6):
                    continue
                t = tg + int(r.expo(70)) + 5
                if us:
                    if r.chance(0.2):
                        w.reshare(a, max(t, w.p_t[gp] + 3), gp)
                        continue
                    s = r.choice(["GOAAAAL", "GET IN", "YESSSS", f"{pl.upper()}!!!", "What a goal", "COME ON",
                                  f"{pl} you beauty", "Scenes!!!", "⚽⚽⚽", "OH MY DAYS", "GET IN THERE"])
                    s = s + r.choice(["", "!!!", " 🔥", " #RIVFC", f" #{tag}", " 🙌🙌"])
                else:
                    s = r.choice(["Unbelievable defending", "Wake up lads", "Ffs", "That's on the keeper",
                                  "Sloppy sloppy sloppy", "Here we go again", "😩", "VAR?? check that"])
                w.add_post(a, t, s, [], _tags(s), [], [], lang="en", weight=0.3, topic=_tid("football"))
        log.append(dict(day=d, opponent=opp, goals=len(goals)))
        d += r.choice([3, 4, 4, 7])
    return fans + [club], log


# =============================================================== local community
GAZ = "ashbournevalegazette.co.uk"
LOCAL_EVENTS = ["Spring fair on the green this Saturday", "Road closure on Mill Lane next week",
                "New bakery opening on the High Street", "Library reading hour for kids",
                "Council approves new playground", "Lost cat near St Mary's church", "Charity 5k in Vale Park",
                "Bin collection changes from Monday", "Planning row over old cinema site",
                "Farmers market returns", "Flood warning for the river path", "Local school wins regional award",
                "Bus 42 timetable change", "Community litter pick Sunday 10am", "Pub quiz raises £2,000"]


def local_community(w, people, n):
    r = w.r
    spec = PersonSpec(regions=[("uk", 1)], interests=[("local", 1.0), ("pets", .3), ("food", .3), ("parenting", .3)],
                      platforms={"facebook": .75, "twitter": .15, "reddit": .1}, activity_median=22.0,
                      url_p=(0.0, 0.05), personal_p=0.3, young_bias=0.8)
    res = people.make("local_community", n, spec)
    for a in res:
        a.location = r.choice(["Ashbourne Vale", "Ashbourne Vale, UK", "The Vale", "Ashbourne"]) if r.chance(0.7) else a.location
        a.attrs["dense"] = True
    page = w.add_account("facebook", "local_community", "ashbournevalegazette", "Ashbourne Vale Gazette",
                         epoch(2012, 3, 3), 8400, 90, "Your local news for Ashbourne Vale and villages since 1887.",
                         "en", "Ashbourne Vale", r.hexs(16), tz=1, interests=["local"])
    page.pop = 60.0
    clock = w.clock
    arts = []
    for d in range(clock.total_days):
        for _ in range(r.poisson(2.0)):
            ev = r.choice(LOCAL_EVENTS)
            t = clock.to_utc(d, (7 + r.u() * 12) * HOUR, 1)
            u = f"https://www.{GAZ}/news/{TX.slugify(ev)}-{r.randint(10000, 99999)}"
            pp = w.add_post(page, t, ev + " " + u, [u], [], [], ["img_" + r.hexs(16)], lang="en", weight=20.0,
                            topic=_tid("local"))
            arts.append((t, u, ev, pp))
    # residents share the gazette, often the same story within hours
    for (t, u, ev, pp) in arts:
        for a in res:
            if r.chance(0.06):
                tt = t + int(r.lognormal(2 * HOUR, 1.0))
                if tt >= clock.end:
                    continue
                if a.platform == "facebook" and r.chance(0.5):
                    w.reshare(a, tt, pp, r.choice(["", "", "Anyone know more?", "About time!", "Shared",
                                                   "Please share", "So sad", "Great news"]), "en")
                else:
                    c = r.choice(["", "Worth knowing: ", "FYI ", "Oh no ", "Finally! "])
                    w.add_post(a, tt, c + ev + " " + u, [u], [], [], [], lang="en", weight=1.0, topic=_tid("local"))
    return res + [page], dict(articles=len(arts), site=GAZ)


# =============================================================== creators
CREATOR_KINDS = [("food", "Easy 15-minute {E} 🍜"), ("fitness", "Full body workout, no equipment 💪 day {N}"),
                 ("travel", "48 hours in {E} ✈️"), ("tech", "I tested {E} so you don't have to"),
                 ("pets", "{E} reacts to {T} 😂"), ("gaming", "{E} but every death I {T}"),
                 ("fashion", "Styling {E} 5 ways"), ("science", "{E} explained in 60 seconds"),
                 ("books", "Books like {E} you need to read"), ("music", "Covering {E} on piano 🎹")]


def creators(w, people, n_personas):
    r = w.r
    out = []
    log = []
    clock = w.clock
    for i in range(n_personas):
        topic, tmpl = CREATOR_KINDS[i % len(CREATOR_KINDS)]
        reg = r.wchoice(N.REGIONS, [x[3] for x in N.REGIONS])
        first, last = N.person_name(r, reg[5] if reg[5] in N.FIRST else "en")
        handle = N.ascii_fold(first).lower() + r.choice(["", "_", "."]) + TX.TOPIC_WORD[topic] + r.choice(["", "s", "hq", "daily"])
        handle = handle.replace(".", "")
        dn = f"{first} | {TX.TOPIC_WORD[topic].title()}"
        img = r.hexs(16)
        bio = f"{TX.TOPIC_WORD[topic].title()} videos every week ✨ business: {handle}@gmail.com"
        plats = ["tiktok", "youtube", r.choice(["twitter", "facebook"])]
        accts = []
        for p in plats:
            fol = int(r.lognormal(180000 if p != "twitter" else 30000, 1.0))
            a = w.add_account(p, "creators", handle, dn, epoch(2017 + r.randint(0, 5), r.randint(1, 12), r.randint(1, 28)) if p != "tiktok"
                              else epoch(2019 + r.randint(0, 3), r.randint(1, 12), 1),
                              fol, r.randint(100, 900), bio, "en", r.choice(reg[4]), img, tz=reg[1],
                              interests=[topic])
            a.pop = fol ** 0.6
            accts.append(a)
        per_week = r.randint(2, 5)
        n_vid = int(per_week * clock.total_days / 7)
        for _k in range(n_vid):
            d = r.randint(0, clock.total_days - 1)
            t = clock.to_utc(d, (16 + r.u() * 5) * HOUR, reg[1])
            cap = TX.fill(r, tmpl, topic)
            tags = r.sample(TX.TOPICS[topic]["tags"], 2) + ["fyp"]
            media = "vid_" + r.hexs(16)
            for a in accts:
                tt = t + r.randint(0, 1800)
                if tt >= clock.end:
                    continue
                if a.platform in ("twitter", "facebook"):
                    w.add_post(a, tt, cap + " — full video on my channel", [], [], [], [media], lang="en",
                               weight=r.lognormal(2, 0.6), topic=_tid(topic))
                else:
                    w.add_post(a, tt, cap + (" " + " ".join("#" + x for x in tags) if a.platform == "tiktok" else ""),
                               [], tags if a.platform == "tiktok" else [], [], [media], lang="en",
                               weight=r.lognormal(3, 0.6), topic=_tid(topic))
        out.extend(accts)
        log.append(dict(handle=handle, platforms=plats))
    return out, log


# =============================================================== critics
CRITIC_POSTS = ["New report: a network of fake accounts is pushing pro-Beijing narratives across {p} platforms. Thread 🧵",
                "We tracked hundreds of accounts posting the same talking points within minutes. Our findings: {u}",
                "Another wave of copy-paste spam targeting reporters who cover Xinjiang. Screenshots below.",
                "My piece on transnational repression of Hong Kong activists abroad: {u}",
                "Coordinated accounts are replying under my posts again. Same typos, same hours (Beijing time).",
                "Interviewed families of detained Uyghurs this week. Their stories: {u}",
                "The 'Spamouflage' network is back with new accounts and the same old videos.",
                "Taiwan election disinfo roundup: what we saw, what worked, what didn't {u}",
                "Platform takedown data shows these networks rarely get real engagement.",
                "Thread on how state media videos get seeded by throwaway accounts on {p} platforms."]


def critics(w, people, n):
    r = w.r
    spec = PersonSpec(regions=[("us_east", 3), ("uk", 2), ("australia", 1.2), ("taiwan", 1), ("germany", .8),
                               ("hongkong", .6), ("canada", .5)],
                      interests=[("china_affairs", 1.0), ("world_news", 0.8), ("tech", 0.3)],
                      platforms={"twitter": .75, "facebook": .12, "youtube": .13}, activity_median=45.0,
                      followers_median=6000.0, url_p=(0.2, 0.5), personal_p=0.15)
    acc = people.make("critics", n, spec)
    sites = ["www.disinfo-observatory.org", "www.cyberpolicycentre.net", "www.rightswatch.org",
             "www.hkfreepressnews.com", "www.thediplomat.com"]
    roles = ["Journalist covering China & tech", "Researcher, information operations", "Human rights researcher",
             "China correspondent", "Disinformation analyst", "Senior fellow, cyber policy"]
    for a in acc:
        a.bio = r.choice(roles) + " @" + r.choice(["disinfoobs", "rightswatch", "thediplomat", "CyberPolicyC"]) + \
            ". DMs open, Signal on request. Views mine."
        a.pop *= 3
    clock = w.clock
    for a in acc:
        k = r.randint(4, 14)
        for _ in range(k):
            d = r.randint(0, clock.total_days - 1)
            t = clock.to_utc(d, (8 + r.u() * 12) * HOUR, a.tz)
            u = "https://" + r.choice(sites) + "/" + r.choice(["reports/", "2024/", "analysis/"]) + r.alnum(8)
            s = r.choice(CRITIC_POSTS).replace("{p}", r.choice(["five", "several", "multiple"])).replace("{u}", u)
            if a.platform == "youtube":
                s = s.split(":")[0].split("Thread")[0].strip()
                media = ["vid_" + r.hexs(16)]
            else:
                media = ["img_" + r.hexs(16)] if r.chance(0.4) else []
            w.add_post(a, t, s, [u] if u in s else [], [], [], media, lang="en", weight=r.lognormal(6, 0.8),
                       topic=_tid("china_affairs"))
    return acc


# =============================================================== hijacked
SCAM = ["🎉 To celebrate our community I'm giving away 5,000 USDT to my followers! Claim here before it ends 👉 {u}",
        "I can't believe this actually works 😱 I turned $300 into $12,400 in 3 days. Here's how: {u}",
        "Official giveaway 🎁 first 500 people get free ETH, connect your wallet: {u}"]
RECOVER = ["Sorry everyone, my account was hacked for a few days. Please ignore anything posted, and don't click those links.",
           "I got my account back. Whoever posted that crypto stuff — not me. Changed passwords, 2FA on now.",
           "Hacked 😡 Account recovered. Apologies for the spam.",
           "PSA: my account was compromised. If you got DMs from me, delete them."]


def hijack_plan(w, accts, op_share: float):
    """Choose hijack windows now (before own posts are planned) so the owner is silent during it."""
    r = w.r
    clock = w.clock
    plans = {}
    for i, a in enumerate(accts):
        d = r.randint(3, max(4, clock.days - 4))
        start = clock.start + d * DAY + r.randint(0, DAY - 1)
        end = start + r.randint(1, 3) * DAY
        kind = "op" if i < round(len(accts) * op_share) else "scam"
        plans[a.idx] = dict(start=start, end=end, kind=kind)
        a.attrs["hijack"] = plans[a.idx]
    return plans


def hijack_scam_posts(w, accts):
    r = w.r
    dom = r.choice(["claim-usdt-bonus.net", "eth-airdrop-live.com", "bonus-wallet.app"])
    for a in accts:
        h = a.attrs["hijack"]
        if h["kind"] == "scam":
            for _ in range(r.randint(4, 15)):
                t = h["start"] + int(r.u() * (h["end"] - h["start"]))
                u = f"https://{dom}/claim?id={r.alnum(6)}"
                s = r.choice(SCAM).replace("{u}", u)
                w.add_post(a, t, s, [u], [], [], ["img_" + r.hexs(16)] if r.chance(0.3) else [], lang="en", weight=0.02)
        t = h["end"] + r.randint(600, 20000)
        if t < w.clock.end:
            w.add_post(a, t, r.choice(RECOVER), [], [], [], [], lang="en", weight=3.0)


# =============================================================== unwitting amplifiers
AMP_COMMENTS = ["So true", "The West won't report this", "Interesting perspective", "Wake up people",
                "Exactly what I've been saying", "Media silence on this", "Sad but true", "Worth watching",
                "Hmm", "Another side of the story", "Share this", "Finally someone says it"]


def amplifier_spec():
    return PersonSpec(regions=[("singapore_my", 1.5), ("hongkong", 1), ("us_east", 1.5), ("us_pacific", 1),
                               ("uk", 1), ("india", 1), ("nigeria", 1), ("kenya", .8), ("gulf", .8),
                               ("philippines", .6), ("germany", .5)],
                      interests=[("world_news", 0.8), ("us_politics", 0.5), ("china_affairs", 0.5)],
                      platforms={"twitter": .6, "facebook": .3, "youtube": .1}, activity_median=35.0)


def amplify(w, people, amps, op_posts):
    """Real people who come across an operation's posts and pass some on."""
    r = w.r
    by_plat = {}
    for j in op_posts:
        by_plat.setdefault(w.p_plat[j], []).append(j)
    n = 0
    for a in amps:
        pool = by_plat.get(a.platform)
        if not pool:
            continue
        for _ in range(r.randint(1, 10)):
            j = r.choice(pool)
            t = w.p_t[j] + int(r.lognormal(5 * HOUR, 1.2))
            if t >= w.clock.end:
                continue
            if not r.chance(0.3 + 0.7 * awake_prob(t, a.tz)):
                continue
            if a.platform == "youtube":
                w.reply(a, t, j, r.choice(AMP_COMMENTS), "en", weight=0.3)
            elif r.chance(0.75):
                w.reshare(a, t, j, r.choice(AMP_COMMENTS) if a.platform == "facebook" and r.chance(0.4) else "", "en")
            else:
                w.reply(a, t, j, r.choice(AMP_COMMENTS), "en", weight=0.3)
            n += 1
    return n


# =============================================================== overt state media
STATE_NEWS = ["Spokesperson: the US should stop interfering in China's internal affairs",
              "China's economy grew {g}% in the first quarter, beating expectations",
              "Video: spring blossoms in Yunnan draw thousands of visitors",
              "Foreign Ministry: Taiwan is an inalienable part of China",
              "Opinion: Washington's 'democracy summit' divides the world",
              "Xinjiang's cotton farmers see record harvest",
              "China calls on Japan to halt release of Fukushima wastewater",
              "Hong Kong's economy rebounds as tourism returns",
              "Commentary: gun violence exposes the failure of US human rights",
              "China and ASEAN pledge deeper cooperation",
              "Giant panda twins celebrate their first birthday",
              "Live: press conference of the Foreign Ministry",
              "High-speed rail line opens, cutting travel time by half",
              "Global South voices back win-win cooperation",
              "{prov} opens {n} new schools in rural areas", "Video: sunrise over the terraces of {prov}",
              "{country} and China sign {n} cooperation agreements", "Spokesperson on {country}'s remarks: {stance}",
              "{prov}'s {ind} exports up {n}% year on year", "Belt and Road: new rail link connects {prov} with {country}",
              "Commentary: {country} should {advice}", "Tourism boom in {prov} during the holiday",
              "China's new energy vehicles sell {n}0,000 units in {month}", "Photos: {prov} in bloom"]
STATE_SLOTS = dict(prov=["Yunnan", "Xinjiang", "Tibet", "Guangxi", "Sichuan", "Hainan", "Guizhou", "Gansu", "Fujian",
                         "Zhejiang", "Inner Mongolia", "Qinghai"],
                   country=["Kenya", "Brazil", "Serbia", "Indonesia", "Pakistan", "Hungary", "Egypt", "Argentina",
                            "the Philippines", "the US", "Japan", "Australia", "the UK", "Germany"],
                   stance=["respect facts", "stop the smears", "a serious violation", "we firmly oppose it",
                           "mind your own business", "welcome dialogue"],
                   ind=["solar panel", "tea", "fruit", "textile", "battery", "electronics"],
                   advice=["stop playing geopolitical games", "respect China's sovereignty", "choose dialogue over confrontation",
                           "look at its own human rights record"],
                   month=["April", "May", "June"])
STATE_ACCTS = [("ChinaHorizonTV", "China Horizon TV", "Official account of China Horizon TV, a state-affiliated broadcaster. "
                "News and views from China to the world."),
               ("HorizonDaily", "Horizon Daily", "State-affiliated newspaper. Follow us for news from China."),
               ("MFA_Spox_Lin", "Lin Jian 林健", "Spokesperson of the Foreign Ministry. Personal views."),
               ("ChinaEmbassyXY", "Chinese Embassy (unofficial mirror) ", "Embassy news and statements.")]


def state_media(w, n_accts):
    """Overt state-affiliated media and officials: their own names, transparent, not covert."""
    r = w.r
    clock = w.clock
    out = []
    img = {}
    for i in range(n_accts):
        h, dn, bio = STATE_ACCTS[i % len(STATE_ACCTS)]
        plats = ["twitter", "facebook", "youtube"] if i < 2 else ["twitter"]
        for p in plats:
            if p != "twitter" and i >= len(STATE_ACCTS):
                continue
            img.setdefault(h, r.hexs(16))
            fol = int(r.lognormal(900000 if i < 2 else 120000, 0.5))
            a = w.add_account(p, "state_media", h if i < len(STATE_ACCTS) else h + str(i), dn, epoch(2013 + i % 4, 3, 1),
                              fol, r.randint(20, 300), bio, "en", "Beijing, China", img[h], tz=8.0,
                              interests=["china_affairs", "world_news"])
            a.pop = fol ** 0.45
            out.append(a)
    posts = []
    for a in out:
        per_day = 6.0 if a.handle in ("ChinaHorizonTV", "HorizonDaily") else 1.5
        if a.platform == "youtube":
            per_day = 1.0
        for d in range(clock.total_days):
            for _ in range(r.poisson(per_day)):
                t = clock.to_utc(d, (7 + r.u() * 16) * HOUR, 8.0)
                if t >= clock.end:
                    continue
                s = r.choice(STATE_NEWS).replace("{g}", f"{r.randint(48, 55) / 10:.1f}").replace("{n}", str(r.randint(3, 40)))
                for k, vs in STATE_SLOTS.items():
                    s = s.replace("{" + k + "}", r.choice(vs))
                if a.platform == "youtube":
                    j = w.add_post(a, t, s, [], [], [], ["vid_" + r.hexs(16)], lang="en", weight=2.0, topic=_tid("china_affairs"))
                else:
                    u = f"https://www.chinahorizon.cn/{r.choice(['world', 'china', 'opinion', 'video'])}/2024/{TX.slugify(s, 50)}-{r.digits(6)}"
                    if a.handle.startswith(("MFA", "ChinaEmbassy")):
                        j = w.add_post(a, t, s + ".", [], [], [], ["img_" + r.hexs(16)] if r.chance(0.3) else [], lang="en",
                                       weight=3.0, topic=_tid("china_affairs"))
                    else:
                        j = w.add_post(a, t, s + " " + u, [u], ["China"] if r.chance(0.2) else [], [],
                                       ["img_" + r.hexs(16)] if r.chance(0.5) else [], lang="en", weight=2.0,
                                       topic=_tid("china_affairs"))
                posts.append(j)
    return out, posts
