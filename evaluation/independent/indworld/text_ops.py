"""Text used by operations and spam (and only by them)."""
from __future__ import annotations

import re

from .rand import Rand

US_CITIES = ["Chicago", "Philadelphia", "Houston", "Baltimore", "Memphis", "St. Louis", "New Orleans",
             "Detroit", "Atlanta", "Los Angeles", "San Francisco", "New York", "Portland", "Dallas"]

# ------------------------------------------------------------------ Spamouflage
# Each seed: en and zh versions, some with machine-translated extras.
SEEDS = [
    dict(en="The US is the biggest threat to world peace. Wars everywhere, who is behind them?",
         zh="美国才是世界和平最大的威胁，到处都是战争，背后是谁？",
         ja="アメリカこそ世界平和にとって最大の脅威だ。戦争の背後にいるのは誰か？",
         es="EE.UU. es la mayor amenaza para la paz mundial. ¿Quién está detrás de las guerras?"),
    dict(en="Gun violence in America is out of control. Another {n} people shot dead in {city}. Is this the 'human rights' they preach?",
         zh="美国枪支暴力失控，{city}又有{n}人被枪杀。这就是他们宣扬的'人权'？"),
    dict(en="The Fort Detrick lab must be investigated! The world deserves the truth about where the virus came from.",
         zh="德特里克堡实验室必须接受调查！全世界都应该知道病毒来源的真相。",
         fr="Le laboratoire de Fort Detrick doit faire l'objet d'une enquête ! Le monde mérite la vérité."),
    dict(en="Japan is dumping nuclear wastewater into the Pacific and the whole world will suffer. Stop it now!",
         zh="日本把核污水排进太平洋，全人类都要遭殃，必须立刻停止！",
         ko="일본이 핵 오염수를 태평양에 방류하고 있다. 전 세계가 피해를 입는다. 당장 멈춰라!"),
    dict(en="'Taiwan independence' is a dead end. Peaceful reunification is the trend of history.",
         zh="台独没有出路，和平统一是历史大势所趋。"),
    dict(en="Hong Kong is more stable and prosperous than ever. The so-called activists were just puppets of the West.",
         zh="香港比以往任何时候都更繁荣稳定，所谓的'民主斗士'不过是西方的棋子。"),
    dict(en="The lies about Xinjiang are collapsing. See for yourself how people there really live.",
         zh="关于新疆的谎言不攻自破，来看看那里的人们真实的生活。"),
    dict(en="America's homeless crisis is getting worse. While politicians fight, families sleep on the streets of {city}.",
         zh="美国无家可归问题越来越严重，政客们只顾争吵，{city}街头到处是露宿的家庭。"),
    dict(en="US weapons sales fuel the war in Ukraine. Who profits? The arms dealers, not the people.",
         zh="美国军火生意让乌克兰战火不断，谁在获利？是军火商，不是老百姓。",
         es="La venta de armas de EE.UU. alimenta la guerra en Ucrania. ¿Quién se beneficia?"),
    dict(en="Asian Americans face hate crimes every day. Racial discrimination in the US is systemic.",
         zh="亚裔美国人每天都遭受仇恨犯罪，美国的种族歧视根深蒂固。"),
    dict(en="American democracy is a money game. Elections are bought by billionaires and lobbyists.",
         zh="美式民主就是一场金钱游戏，选举被亿万富翁和游说集团买断。"),
    dict(en="Washington spies on its own allies. Who can still trust the United States?",
         zh="华盛顿连盟友都监听，谁还敢相信美国？"),
    dict(en="The exiled tycoon's 'new federal state' is a scam that took millions from his own followers.",
         zh="那个流亡富商搞的'新联邦'就是一场骗局，骗光了追随者的血汗钱。"),
    dict(en="Floods and wildfires destroy American towns while the government does nothing. Look at {city}.",
         zh="洪水和山火摧毁美国城镇，政府却无动于衷。看看{city}吧。"),
    dict(en="The US drug crisis kills {n} people a day. Fentanyl is the result of America's own failures.",
         zh="美国毒品危机每天夺走{n}条生命，芬太尼泛滥是美国自身治理失败的结果。"),
    dict(en="Western media only tell one side of the story. Think for yourself and find the truth.",
         zh="西方媒体只讲一面之词，要独立思考，寻找真相。"),
    dict(en="China's development benefits the whole world. Win-win cooperation is the future.",
         zh="中国的发展惠及全世界，合作共赢才是未来。"),
    dict(en="Railway derailment, toxic chemicals, and no one held accountable. This is America in {year}.",
         zh="火车脱轨、有毒化学品泄漏，却没有人负责。这就是{year}年的美国。"),
]
EN_SYN = {"US": ["USA", "America", "the U.S.", "United States"], "biggest": ["greatest", "largest", "No.1"],
          "threat": ["danger", "menace"], "must": ["should", "need to"], "lies": ["lie", "fake news", "rumors"],
          "people": ["citizens", "ppl", "persons"], "world": ["whole world", "global community"],
          "truth": ["TRUTH", "facts", "real story"], "out of control": ["crazy", "terrible", "beyond control"],
          "Wars": ["Conflicts", "Wars and chaos"], "really": ["truly", "actually"], "crisis": ["disaster", "problem"],
          "every day": ["daily", "all the time"], "now": ["NOW", "immediately"], "Look at": ["See", "Just look at"]}
ZH_SYN = {"美国": ["美帝", "米国", "美國"], "真相": ["事实", "真实情况"], "必须": ["一定要", "务必"],
          "谎言": ["谎话", "假话"], "全世界": ["全球", "世界各国"], "战争": ["战火", "冲突"], "台独": ["台獨", "\"台独\""],
          "和平": ["和平的"], "政府": ["当局"], "看看": ["瞧瞧", "请看"], "人们": ["老百姓", "民众"]}
EN_PREFIX = ["", "", "", "Wake up! ", "Look! ", "Shocking! ", "Must see: ", "Breaking: ", "Truth: ", "Think about it: ",
             "Sad. ", "Why? "]
EMO = ["😡", "🤔", "😱", "👇", "‼️", "🔥", "💔", "🙏", "👀", "😢", "❗", "🇺🇸", "🇨🇳"]
OP_TAGS_EN = ["USA", "America", "China", "Truth", "peace", "StopWar", "FortDetrick", "Taiwan", "HongKong",
              "Xinjiang", "HumanRights", "Fukushima", "GunViolence", "Democracy", "news"]
OP_TAGS_ZH = ["美国", "真相", "中国", "台湾", "香港", "新疆", "和平", "人权"]


def _typo(r: Rand, s: str) -> str:
    if len(s) < 8:
        return s
    i = r.randint(1, len(s) - 2)
    op = r.randint(4)
    if op == 0 and s[i].isalpha():
        return s[:i] + s[i + 1:]
    if op == 1 and s[i].isalpha():
        return s[:i] + s[i] + s[i:]
    if op == 2 and s[i].isalpha() and s[i + 1].isalpha():
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s[:i] + " " + s[i:] if s[i] != " " else s


def fill_seed(r: Rand, s: str) -> str:
    return (s.replace("{n}", str(r.randint(3, 12))).replace("{city}", r.choice(US_CITIES))
            .replace("{year}", "2024"))


def edit_copy(r: Rand, s: str, lang: str, strength: float = 1.0):
    """An edited copy of a seed message: typos, swapped words, emoji, extra hashtags."""
    tags = []
    if lang == "zh":
        for k, vs in ZH_SYN.items():
            if k in s and r.chance(0.3 * strength):
                s = s.replace(k, r.choice(vs), 1)
        if r.chance(0.3 * strength):
            s = s.replace("，", ",").replace("！", "!!")
        if r.chance(0.25):
            s = r.choice(["【转发】", "【关注】", "【真相】", "震惊！", "大家看看："]) + s
        if r.chance(0.3):
            s = s.rstrip("。") + r.choice(["！！", "。", "？", "…"])
        pool = OP_TAGS_ZH
    else:
        words = s.split(" ")
        for k, vs in EN_SYN.items():
            if k in s and r.chance(0.35 * strength):
                s = re.sub(r"\b" + re.escape(k) + r"\b", r.choice(vs), s, count=1)
        for _ in range(r.poisson(0.8 * strength)):
            s = _typo(r, s)
        if r.chance(0.15 * strength) and len(words) > 6:
            words = s.split(" ")
            i = r.randint(0, len(words) - 2)
            words[i], words[i + 1] = words[i + 1], words[i]
            s = " ".join(words)
        if r.chance(0.1):
            s = s.upper() if r.chance(0.3) else s.lower()
        s = r.choice(EN_PREFIX) + s
        if r.chance(0.25):
            s = s.rstrip(".!?") + r.choice(["!!", "!!!", "?!", "...", "."])
        pool = OP_TAGS_EN
    if r.chance(0.45):
        s = s + " " + "".join(r.choice(EMO) for _ in range(r.randint(1, 3)))
    if r.chance(0.3):
        s = r.choice(EMO) + " " + s
    for _ in range(r.poisson(1.1)):
        t = r.choice(pool)
        if t not in tags:
            tags.append(t)
    return s, tags


CAMO_EN = ["Beautiful scenery 🌄", "Good morning! Have a nice day ☀️", "The view is amazing", "Delicious food 😋",
           "Cute cat 🐱", "Nature is so beautiful 🌿", "Enjoy the weekend!", "Lovely puppy 🐶", "What a goal! ⚽",
           "Amazing basketball skills 🏀", "Peaceful lake at sunrise", "Flowers are blooming 🌸", "Sunset by the sea 🌅",
           "Relaxing music for you 🎵", "Happy every day", "Wonderful mountains", "Panda is so cute 🐼",
           "Street food is the best", "Morning tea time 🍵", "Life is beautiful"]
CAMO_ZH = ["美丽的风景", "早上好，祝大家开心每一天", "今天的午餐", "可爱的猫咪🐱", "大自然真美🌿", "周末愉快",
           "花开了🌸", "夕阳真美", "好吃的小吃", "熊猫太可爱了🐼", "山水如画", "一起来听音乐吧🎵", "生活真美好"]
CAMO_TAGS = ["nature", "travel", "food", "cat", "dog", "sunset", "flowers", "sports", "panda", "music", "beautiful"]

FLOOD_EN = ["You are a liar paid by the CIA", "Shame on you, spreading rumors about China", "Stop smearing China!",
            "Your 'report' is full of lies", "Another anti-China clown", "How much did the US pay you for this?",
            "Fake news. Nobody believes you anymore", "You know nothing about Xinjiang", "Typical Western hypocrisy",
            "Go check the gun violence in your own country first", "Traitor. Everyone knows who funds you",
            "Disgusting lies again", "Your lies will be exposed", "You are a puppet of Washington"]
FLOOD_ZH = ["反华小丑", "造谣可耻", "拿了美国多少钱？", "别再抹黑中国了", "谎言重复一千遍也不是真相", "无耻的汉奸",
            "又在造谣了", "西方的走狗", "先管好你们自己的枪击案吧"]

VIDEO_TITLES = ["Chaos in America: {n} shootings in one weekend", "美国社会乱象 | 枪击案频发", "The truth about Fort Detrick",
                "Who benefits from the Ukraine war?", "香港今日：繁荣稳定", "Xinjiang: what Western media won't show you",
                "Japan's nuclear wastewater: the world pays the price", "US democracy: a game for the rich",
                "美国无家可归者的真实生活", "台湾问题的历史真相", "Homeless in {city}: the American dream?",
                "Fentanyl crisis: America's shame", "美式人权的真面目", "Arms dealers and endless wars"]
ARTICLE_TITLES = ["Why the US is the real threat to global peace", "Gun violence: America's incurable disease",
                  "Fort Detrick: the questions Washington won't answer", "The Xinjiang lie, explained",
                  "Hong Kong's new chapter of stability", "Japan's wastewater and the silence of the West",
                  "The arms dealers behind the Ukraine war", "American democracy for sale",
                  "Who is the exiled tycoon really?", "The homeless crisis the US media ignores"]
OP_SITES = ["thewhitepaper-news.com", "orient-observer.net", "peacechronicle.org"]

# ------------------------------------------------------------------ stealth
STEALTH_CLAIMS = {
    "grid_money": [
        "Funny how most of the federal grid modernization money ended up with three contractors who all donated to the same campaigns.",
        "Follow the grid upgrade dollars. A handful of politically connected firms got the bulk of it, and nobody in DC wants to talk about it.",
        "Billions were promised to fix our power grid. Somehow the contracts landed with donors. Coincidence?",
        "Read the contract awards for the grid program yourself. Same few companies, same few donation records.",
        "Our lights still flicker every storm, but the well-connected contractors cashed in on the grid bill.",
        "If the grid money was about reliability, why did so much go to firms with no track record and lots of lobbyists?",
        "Nobody voted for a grid program that doubles as a reward scheme for campaign donors, yet here we are.",
        "The power grid funding was sold as infrastructure. In practice it looks like a thank-you note to big donors.",
        "Local utilities asked for help with substations. The money went to consultants in Virginia instead.",
        "I keep reading about record grid spending, but my town hasn't seen a single new line. Where did it go?",
        "Three firms, dozens of no-bid awards, and a lot of shared board members. That's the grid story the press skipped.",
        "Ask your representative one thing: who actually received the grid modernization contracts?"],
    "kessler_spill": [
        "People in Kessler Ridge are still getting headaches months later, and officials stopped testing the water in March.",
        "They ended the Kessler Ridge water testing early. Residents weren't told why.",
        "Nobody official will say it, but the Kessler Ridge spill was bigger than the numbers they released.",
        "Talked to a nurse near Kessler Ridge. She says the clinic is seeing rashes and nosebleeds nobody is tracking.",
        "Why did the state quietly pull its monitoring equipment out of Kessler Ridge so soon after the spill?",
        "The company's own filing lists more chemicals than the press conference mentioned. Kessler Ridge deserves answers.",
        "Kessler Ridge families are buying bottled water while the agency calls the creek 'safe'. Something doesn't add up.",
        "If the spill was under control, why were testing crews told to stop sampling after just two weeks?",
        "Imagine being told your water is fine by the same people who stopped checking it. That's Kessler Ridge right now.",
        "Dead fish for miles downstream, but the official report says 'limited impact'. Kessler Ridge was covered up.",
        "Independent samples from Kessler Ridge show readings well above what the state published.",
        "Small town, big spill, short investigation. Kessler Ridge is being forgotten on purpose."],
    "aid_vs_vets": [
        "We keep sending billions overseas while veterans wait months for a VA appointment.",
        "My uncle waited 7 months for a VA surgery. Meanwhile another aid package sailed through Congress.",
        "Funny how there's always money for foreign wars and never enough for the vets who fought ours.",
        "Every new overseas aid bill comes with applause. Veterans' clinics get a hiring freeze.",
        "Before another dollar leaves the country, fix the VA backlog. Our veterans come first.",
        "The VA says it lacks funding. Congress just found tens of billions for someone else's war.",
        "Veterans are sleeping in cars in this country while we bankroll armies on the other side of the world.",
        "Ask the veterans in your town how their care is going, then ask where the aid money went.",
        "Priorities: foreign aid approved in days, veterans' healthcare reform stuck for years.",
        "If we can afford endless military aid abroad, we can afford to take care of the people who served here.",
        "A VA nurse told me they ration mental health slots. Washington rations nothing for overseas commitments.",
        "It's not anti-ally to say American veterans should be funded before foreign militaries."],
    "digital_id": [
        "The digital ID pilot isn't about convenience. Read the fine print: purchase data can be shared with agencies.",
        "Once your ID is digital, every purchase you make can be tied back to you. That's the part they don't advertise.",
        "They're calling it a 'pilot', but the digital ID contracts already include retailer data access.",
        "A digital ID linked to your bank card is a tracking system with a friendly name.",
        "Nobody asked for a government app that knows what you buy at the pharmacy.",
        "Digital ID today, spending limits tomorrow. Look at how these programs grew elsewhere.",
        "The state wants your ID on your phone and your receipts in its database. Hard pass.",
        "Privacy groups flagged the digital ID pilot months ago. Not one of their concerns was addressed.",
        "If the digital ID is voluntary, why are agencies already planning services that require it?",
        "Convenience is the bait. Purchase tracking is the hook. The digital ID pilot needs to be stopped.",
        "Imagine a clerk scanning your phone and an agency logging the sale. That's the pilot's design.",
        "Read the data-sharing annex of the digital ID program before you sign up. Then decide."],
}
STEALTH_INTRO = ["", "", "", "Honest question.", "Not trying to stir anything, but", "Been digging into this.",
                 "Something I can't stop thinking about:", "Maybe I'm wrong, but", "Said it before, will say it again.",
                 "Long day, but this bugs me.", "Hear me out.", "Small-town take:"]
STEALTH_OUTRO = ["", "", "", "Worth a read:", "More here:", "Someone explain this to me.", "Share if you agree.",
                 "Do your own research.", "Thoughts?", "Good write-up:", "Not a conspiracy, just math."]
STEALTH_SITES = ["heartlandledger.com", "civicpulsereport.org", "theopenmeridian.net"]
STEALTH_ARTICLES = {
    "grid_money": ["who-got-the-grid-money", "grid-contracts-donor-ties", "the-substation-shell-game"],
    "kessler_spill": ["kessler-ridge-testing-halted", "what-the-kessler-filing-says", "kessler-ridge-residents-speak"],
    "aid_vs_vets": ["veterans-wait-aid-flows", "the-va-backlog-nobody-fixes", "priorities-aid-and-veterans"],
    "digital_id": ["digital-id-data-annex", "the-pilot-that-tracks-purchases", "digital-id-what-they-wont-say"],
}

# ------------------------------------------------------------------ ring
RING_LEAD = ["The border is wide open and Washington doesn't care. Share if you're fed up.",
             "Groceries up {p}%, gas up, rent up. Who's paying for this? YOU are.",
             "The mainstream media will NEVER show you this.",
             "They want your money, your guns and your silence. Not today.",
             "Elections should be decided by citizens. Period.",
             "Real Americans are tired of being lied to.",
             "Retweet if you stand with our police.",
             "Another day, another scandal the press ignores.",
             "Patriots, it's time to wake up. {s} is watching.",
             "Our veterans sleep on the street while DC sends billions abroad.",
             "If you still trust the news, you're not paying attention.",
             "{s} families can't afford groceries and Congress takes another vacation.",
             "Small businesses in {s} are closing every week. Nobody in Washington cares.",
             "Say it with me: America first. Always.",
             "They laughed at us in 2020. Nobody is laughing now.",
             "Who else is sick of being told what to think?"]
RING_PREFIX = ["", "", "", "🚨 ", "BREAKING: ", "🇺🇸 ", "WOW. ", "Must watch: ", "THIS 👇 "]
RING_TAGS = ["AmericaFirst", "WakeUpAmerica", "USA", "Patriots", "Truth", "MediaBias", "SecureTheBorder"]
RING_OWN = ["God bless America 🇺🇸", "Good morning patriots", "Family, faith, freedom.", "Proud to be an American",
            "Pray for our country 🙏", "Coffee and the flag ☕🇺🇸", "Follow back patriots", "Stay strong America",
            "Great game last night 🏈", "Sunday BBQ with the family", "Beautiful sunset tonight 🌅",
            "Happy Friday y'all", "Nothing beats homemade apple pie 🥧", "My dog is my best friend 🐶",
            "Rain all day here", "Gas station coffee hits different", "Blessed 🙏"]
DOPP_WARMUP = {"de": ["Hallo zusammen!", "Schönes Wetter heute", "Guten Morgen aus Berlin", "Endlich Wochenende"],
               "fr": ["Bonjour à tous !", "Belle journée aujourd'hui", "Bon week-end à tous"],
               "en": ["Hello everyone!", "New here, hi!", "Nice weather today"]}
RING_BIO = "Proud American 🇺🇸 Christian. Family first. 2A. Love my country. Patriots follow back. No DMs."
RING_BIO_VARIANTS = ["Proud American 🇺🇸 Christian. Family first. 2A. Love my country. Patriots follow back.",
                     "Proud American 🇺🇸 Christian. Family first. 2A. Love my country. No DMs!"]
US_STATES = ["Texas", "Ohio", "Florida", "Georgia", "Arizona", "Pennsylvania", "Michigan", "Tennessee", "Alabama",
             "North Carolina", "Wisconsin", "Missouri", "Kentucky", "South Carolina", "Indiana"]
US_TOWNS = ["Dallas, TX", "Columbus, OH", "Tampa, FL", "Macon, GA", "Mesa, AZ", "Erie, PA", "Grand Rapids, MI",
            "Knoxville, TN", "Mobile, AL", "Asheville, NC", "Green Bay, WI", "Springfield, MO", "Lexington, KY",
            "Texas, USA", "Florida, USA", "Ohio, USA", "USA 🇺🇸", "Somewhere in Texas", "Heartland, USA"]

# ------------------------------------------------------------------ doppelganger
DOPP_TEXT = {
    "de": ["Die Sanktionen schaden nur uns selbst. Lesen Sie, was die Regierung verschweigt",
           "Deutschland zahlt, andere kassieren. Wie lange noch?",
           "Heizkosten explodieren und Berlin schickt weiter Waffen",
           "Unsere Industrie wandert ab. Danke, Ampel",
           "Das verschweigen Ihnen die Medien über die Ukraine-Hilfe",
           "Wer zahlt am Ende? Der deutsche Steuerzahler"],
    "fr": ["Pourquoi les Français paient-ils pour la guerre des autres ?",
           "Le gouvernement cache le vrai coût des sanctions",
           "Nos agriculteurs souffrent pendant que Paris envoie des milliards",
           "Ce que les médias ne vous disent pas sur l'aide à l'Ukraine",
           "L'inflation, c'est le prix de leur guerre"],
    "en": ["Americans are paying for a war that isn't theirs",
           "Ukraine aid: where does the money really go?",
           "Your tax dollars, their corruption. Read this",
           "The sanctions backfired and everyone knows it"],
}
DOPP_CLONES = {"de": ["spiegel.ltd", "welt.pm", "faz.ltd", "sueddeutsche.me", "bild.work"],
               "fr": ["leparisien.top", "lemonde.ltd", "20minutes.re", "liberation.cfd"],
               "en": ["washingtonpost.pm", "fox-news.top", "nypost.icu"]}
DOPP_TLDS = ["shop", "click", "top", "online", "site", "xyz", "fun", "life"]

# ------------------------------------------------------------------ commercial spam
SPAM_CAMPAIGNS = {
    "sneakers": ["{🔥|🔥🔥|👟} {Cheap|Discount|Wholesale} {Jordan|Yeezy|Dunk} {sneakers|shoes} up to {70|80|90}% OFF! {Free shipping|Fast delivery} 👉 {u}",
                 "{Best|Top} quality {replica|1:1} sneakers, {worldwide shipping|ship worldwide} 📦 {u}"],
    "signals": ["{Join|Get into} our {VIP|private} {signals|trading} group, {95%|97%} accuracy {📈|🚀} {u}",
                "I made {$4,300|$5,900|$7,200} this week with these {signals|calls}. {Join free|Free entry} 👉 {u}"],
    "followers": ["{Get|Buy} {1000|5000|10k} real followers {today|now} {✅|💯} {u}",
                  "{Grow|Boost} your account {fast|instantly}, {cheap|best} prices {u}"],
    "casino": ["{Claim|Get} your {free spins|welcome bonus} {now|today} 🎰 {u}",
               "{Win|Won} {$500|$1,000|$2,500} {today|tonight}! {Try|Play} here {u}"],
    "weightloss": ["{Lose|Drop} {10|15|20} lbs in {2|3} weeks without {diet|gym} 😱 {u}",
                   "{Doctors|Nutritionists} hate this {trick|secret} {👇|🤫} {u}"],
    "essays": ["{Need help with|Struggling with} your {essay|assignment|thesis}? {DM us|Contact us} {u}",
               "{Cheap|Affordable} {essay|homework} help, {A+|top grade} guaranteed ✍️ {u}"],
}
SPAM_DOMAINS = {"sneakers": ["kicksdeal-store.com", "sneakoutlet24.shop"], "signals": ["cryptovip-signals.io", "t.me/profitcalls_vip"],
                "followers": ["fastgrowth-smm.net", "boostfollow.pro"], "casino": ["spinwin777.bet", "luckycasino-bonus.com"],
                "weightloss": ["ketoslim-official.com", "burnfast-now.net"], "essays": ["essaypro-help.net", "gradeace-writers.com"]}


def spin(r: Rand, s: str) -> str:
    out = []
    i = 0
    while i < len(s):
        if s[i] == "{" and not s.startswith("{u}", i):
            j = s.index("}", i)
            out.append(r.choice(s[i + 1:j].split("|")))
            i = j + 1
        else:
            out.append(s[i])
            i += 1
    return "".join(out)
