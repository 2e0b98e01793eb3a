"""Words, sentences and edits for simulated worlds.

Small hand-made vocabularies (common words per language, topical words and hashtags per topic)
and the text operations the scenarios need: ordinary posts, headlines, copypasta with small
edits, paraphrases (slot templates with synonyms, so that two versions share meaning but few
exact words), Chinese text (no spaces), captions. Everything draws from a
``numpy.random.Generator``: the same seed gives the same texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, TypeVar

import numpy as np

T = TypeVar("T")

__all__ = [
    "COMMON",
    "TOPICS",
    "TOPIC_WORDS",
    "TOPIC_TAGS",
    "NEWS_DOMAINS",
    "FIRST_NAMES",
    "LAST_NAMES",
    "EMOJI",
    "Writer",
]

COMMON: Final[dict[str, tuple[str, ...]]] = {
    "en": tuple(
        "the a an and or but so if then when what why how who this that these those is are was "
        "were be been have has had do does did will would can could should may might must i you "
        "he she we they it me him her us them my your his our their its not no yes very really "
        "just about more most some any all every many much few little new old good great best bad "
        "big small first last next same other own right now today tonight tomorrow yesterday here "
        "there again still even also only never always often people time year day week world life "
        "thing way man woman child home city country work school news story game team music love "
        "think know see look want need like feel make take get give go come say tell ask try use "
        "find show call keep let put seem leave begin help talk turn start hope".split()
    ),
    "es": tuple(
        "el la los las un una y o pero si cuando que por para con sin sobre entre muy mas menos "
        "todo todos nada algo hoy ayer mañana aqui alli ahora siempre nunca bien mal bueno mejor "
        "nuevo viejo gran pequeño gente vida mundo casa ciudad pais trabajo escuela equipo musica "
        "amor dia semana año creo sé veo quiero necesito siento hago tengo voy vengo digo hay es "
        "son fue era está están".split()
    ),
    "pt": tuple(
        "o a os as um uma e ou mas se quando que por para com sem sobre entre muito mais menos "
        "tudo todos nada algo hoje ontem amanhã aqui ali agora sempre nunca bem mal bom melhor "
        "novo velho grande pequeno gente vida mundo casa cidade país trabalho escola time música "
        "amor dia semana ano acho sei vejo quero preciso sinto faço tenho vou venho digo tem é "
        "são foi era está estão".split()
    ),
    "ru": tuple(
        "и в не на я с он что это как а то все она так его но да ты к у же вы за бы по только "
        "ее мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или "
        "ни быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они "
        "тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе "
        "под будет жизнь день город страна люди время работа дом".split()
    ),
    "zh": tuple(
        "我们 你们 他们 今天 明天 昨天 现在 已经 还是 因为 所以 但是 如果 什么 怎么 为什么 "
        "这个 那个 大家 朋友 生活 工作 学习 时间 城市 国家 世界 人民 社会 发展 问题 事情 "
        "真的 非常 一起 觉得 知道 看到 希望 喜欢 需要 可以 应该 没有 不是 美丽 快乐 健康 "
        "经济 文化 历史 新闻 消息 天气 音乐 电影 体育 比赛 美食 旅游 家人 孩子".split()
    ),
}

TOPICS: Final = ("sports", "music", "food", "travel", "tech", "politics", "movies", "gaming",
                 "fashion", "pets", "finance", "weather", "kpop")

TOPIC_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "sports": tuple("match goal league season coach striker defense playoff final score win "
                    "loss referee stadium fans transfer injury champion derby penalty".split()),
    "music": tuple("album song tour concert band guitar lyrics single chart vinyl drummer "
                   "festival playlist chorus producer remix acoustic singer stage encore".split()),
    "food": tuple("recipe pasta pizza curry ramen bakery coffee brunch spicy delicious vegan "
                  "dinner lunch chef kitchen dessert noodles tacos salad grill".split()),
    "travel": tuple("flight airport beach mountain hotel hostel passport island trip museum "
                    "sunset hiking road train backpack visa coast village lake view".split()),
    "tech": tuple("phone laptop update software bug release startup cloud battery chip app "
                  "code developer server privacy browser keyboard robot data model".split()),
    "politics": tuple("election vote senate policy minister government parliament campaign law "
                      "debate reform tax budget protest rights court president party".split()),
    "movies": tuple("film trailer actor director sequel premiere cinema scene plot oscar "
                    "series episode streaming cast script horror comedy drama".split()),
    "gaming": tuple("console level boss quest patch server ranked stream controller raid "
                    "multiplayer speedrun loot indie release beta esports".split()),
    "fashion": tuple("outfit dress sneakers style jacket runway vintage denim collection "
                     "designer boots trend makeup lipstick summer look".split()),
    "pets": tuple("puppy kitten dog cat walk vet treats adopt rescue paws fluffy cute "
                  "bark meow leash toy nap".split()),
    "finance": tuple("stocks market rates inflation crypto bitcoin savings invest bank loan "
                     "earnings dividend budget prices housing rent".split()),
    "weather": tuple("rain snow storm sunny forecast heat wind cold cloudy thunder flood "
                     "temperature humid frost breeze".split()),
    "kpop": tuple("comeback stage bias idol fandom lightstick teaser mv choreo vlive "
                  "album unit leader maknae streaming charts".split()),
}

TOPIC_TAGS: Final[dict[str, tuple[str, ...]]] = {
    "sports": ("football", "NBA", "PremierLeague", "WorldCup", "F1", "tennis"),
    "music": ("NowPlaying", "NewMusic", "concert", "vinyl", "livemusic"),
    "food": ("foodie", "recipe", "brunch", "vegan", "coffee"),
    "travel": ("travel", "wanderlust", "roadtrip", "beach", "hiking"),
    "tech": ("tech", "AI", "startup", "programming", "privacy"),
    "politics": ("politics", "election", "vote", "democracy", "policy"),
    "movies": ("movies", "film", "Oscars", "netflix", "cinema"),
    "gaming": ("gaming", "esports", "indiegame", "speedrun", "twitch"),
    "fashion": ("fashion", "ootd", "style", "streetwear", "vintage"),
    "pets": ("dogsoftwitter", "catsoftwitter", "adoptdontshop", "puppy"),
    "finance": ("stocks", "investing", "crypto", "markets", "inflation"),
    "weather": ("weather", "storm", "heatwave", "snow"),
    "kpop": ("kpop", "comeback", "StarLight", "NovaBand", "MAMA2026"),
}

NEWS_DOMAINS: Final = ("dailyherald.example", "worldwire.example", "metropost.example",
                       "newsnow.example", "globaltimes.example", "eveningstar.example",
                       "techcrunchy.example", "sportsdesk.example", "citybeat.example",
                       "marketwatcher.example")

FIRST_NAMES: Final = ("James", "Mary", "John", "Linda", "David", "Susan", "Maria", "Wei", "Li",
                      "Anna", "Carlos", "Sofia", "Ahmed", "Fatima", "Ivan", "Olga", "Kenji",
                      "Yuki", "Lucas", "Emma", "Noah", "Olivia", "Liam", "Ava", "Mateo",
                      "Chloe", "Daniel", "Grace", "Samuel", "Laura")
LAST_NAMES: Final = ("Smith", "Johnson", "Brown", "Garcia", "Miller", "Davis", "Wang", "Zhang",
                     "Chen", "Lopez", "Silva", "Khan", "Petrov", "Ivanova", "Tanaka", "Sato",
                     "Martin", "Lee", "Walker", "Hall", "Young", "King", "Wright", "Scott")

EMOJI: Final = ("😀", "🔥", "👍", "🙏", "😂", "❤️", "🌅", "⚽", "🎶", "🇨🇳", "✨", "💯")

_TYPO_KEYS: Final = "etaoinshrdlu"


def _word_weights(n: int) -> np.ndarray:
    """Zipf-like word frequencies: the word of rank r has weight 1 / (r + 3)."""
    w = 1.0 / (np.arange(n) + 3.0)
    return w / w.sum()


class Writer:
    """Text generator bound to one random generator."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def pick(self, seq: Sequence[T]) -> T:
        return seq[int(self.rng.integers(0, len(seq)))]

    def sentence(self, lang: str, topic: str | None = None, n_words: int | None = None) -> str:
        """An ordinary post: common words of ``lang`` with topical words mixed in (Zipf-like)."""
        rng = self.rng
        common = COMMON.get(lang, COMMON["en"])
        n = int(n_words or rng.integers(6, 24))
        # Zipf-like choice: early words of the list are more frequent
        idx = rng.choice(len(common), size=n, p=_word_weights(len(common)))
        words = [common[int(i)] for i in idx]
        if topic and lang in ("en", "es", "pt"):
            tw = TOPIC_WORDS[topic]
            for j in range(len(words)):
                if rng.random() < 0.3:
                    words[j] = tw[int(rng.integers(0, len(tw)))]
        sep = "" if lang == "zh" else " "
        text = sep.join(words)
        if lang != "zh":
            text = text[:1].upper() + text[1:]
        return text + self.pick((".", "!", "", "?", "..."))

    def hashtags(self, topic: str, k: int) -> list[str]:
        tags = TOPIC_TAGS[topic]
        k = min(k, len(tags))
        return [tags[int(i)] for i in self.rng.choice(len(tags), k, replace=False)]

    def headline(self, topic: str) -> str:
        w = TOPIC_WORDS[topic]
        parts = [self.pick(w).capitalize(), self.pick(("hits", "shakes", "stuns", "returns to",
                                                       "wins", "faces", "announces")),
                 self.pick(("city", "league", "market", "parliament", "fans", "world")),
                 self.pick(("as", "after", "amid", "before")), self.pick(w), self.pick(w)]
        return " ".join(parts)

    def news_url(self, domain: str, slug: str, n: int, tracking: bool = False) -> str:
        url = f"https://www.{domain}/2026/{slug.lower().replace(' ', '-')[:40]}-{n}"
        if tracking:
            url += self.pick(("?utm_source=twitter&utm_medium=social", "?fbclid=IwAR0x",
                              "?utm_campaign=share"))
        return url

    # -- edits ------------------------------------------------------------------------------
    def typo(self, text: str) -> str:
        if len(text) < 4:
            return text
        i = int(self.rng.integers(1, len(text) - 2))
        if self.rng.random() < 0.5:
            return text[:i] + text[i + 1] + text[i] + text[i + 2:]
        return text[:i] + self.pick(tuple(_TYPO_KEYS)) + text[i + 1:]

    def small_edit(self, text: str, hashtags: list[str] | None = None) -> str:
        """Copypasta edits: a typo, a dropped or swapped word, an emoji, appended hashtags."""
        rng = self.rng
        out = text
        for _ in range(int(rng.integers(1, 3))):
            r = rng.random()
            if r < 0.35:
                out = self.typo(out)
            elif r < 0.55 and " " in out:
                w = out.split(" ")
                i = int(rng.integers(0, len(w) - 1))
                w[i], w[i + 1] = w[i + 1], w[i]
                out = " ".join(w)
            elif r < 0.75:
                out = out + " " + self.pick(EMOJI)
            elif hashtags:
                out = out + " " + " ".join("#" + h for h in hashtags)
            else:
                out = self.pick(EMOJI) + " " + out
        return out

    def paraphrase(self, template: list[tuple[str, ...]]) -> str:
        """One version of a slot template: each slot is a tuple of synonyms."""
        return " ".join(self.pick(slot) for slot in template)

    def handle(self, kind: str) -> str:
        rng = self.rng
        if kind == "generated":  # the X default pattern: NameName + 8 digits
            return f"{self.pick(FIRST_NAMES)}{self.pick(LAST_NAMES)}{int(rng.integers(10**7, 10**8))}"
        base = self.pick(FIRST_NAMES).lower() + self.pick(("", "_", ".", "")) + \
            self.pick(LAST_NAMES).lower()
        return base + (str(int(rng.integers(1, 999))) if rng.random() < 0.5 else "")
