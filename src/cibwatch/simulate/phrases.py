"""Texts for the scenario family (:mod:`.family`): several languages and scripts, fast.

The default world (:mod:`.world`) keeps its own vocabulary in :mod:`.language`; the scenario
family adds what a randomised world needs: an operation's narratives as slot templates in
English, Chinese, Russian, Spanish and Arabic (right to left), so that each message is one of
thousands of texts and a paraphrase shares meaning but few exact words; camouflage captions;
spam templates; campaign toolkit texts; and a :class:`FastWriter` that draws ordinary
sentences from pre-drawn blocks of word indices (one ``numpy`` call per block instead of one
per sentence: the family's worlds have up to 300 k posts).

Everything draws from the ``numpy.random.Generator`` it is given: the same seed gives the same
texts.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from .language import COMMON, EMOJI, TOPIC_WORDS, Writer

__all__ = [
    "LANGUAGES",
    "COMMON_ALL",
    "NARRATIVES",
    "OP_HASHTAGS",
    "CAPTIONS",
    "SPAM_TEXTS",
    "TOOLKIT_TEXTS",
    "FastWriter",
]

#: Languages of the family: Latin, Han, Cyrillic and Arabic (right-to-left) scripts.
LANGUAGES: Final = ("en", "zh", "ru", "es", "ar")

_AR: Final = tuple(
    "في من على إلى عن مع هذا هذه ذلك التي الذي كان كانت يكون هو هي نحن أنا أنت هم لا نعم ما "
    "لماذا كيف متى أين كل بعض أكثر جدا اليوم غدا أمس الآن هنا هناك الناس الوقت العالم الحياة "
    "البيت المدينة البلد العمل المدرسة الأخبار قصة لعبة فريق موسيقى حب أعتقد أعرف أرى أريد "
    "أحتاج أحب أشعر جميل جيد كبير صغير جديد قديم صديق عائلة طعام سفر مباراة فيلم".split()
)
#: Common words per language (the default world's, plus Arabic).
COMMON_ALL: Final[dict[str, tuple[str, ...]]] = {**COMMON, "ar": _AR}

Template = tuple[tuple[str, ...], ...]

#: An operation's narratives per language: slot templates, each slot a tuple of synonyms.
#: A copypasta message fixes one choice per slot; a paraphrase draws each slot anew.
NARRATIVES: Final[dict[str, tuple[Template, ...]]] = {
    "en": (
        (("The western media", "Mainstream outlets", "Foreign newspapers", "Big news channels"),
         ("keep lying about", "never tell the truth about", "twist every fact about",
          "stay silent on"),
         ("the situation in the region", "our economic success", "the real story at home",
          "what happened last week"),
         ("while ignoring", "but never mention", "and cover up"),
         ("their own failures.", "the chaos in their cities.", "their own scandals.",
          "who pays them."),
         ("", "Wake up.", "Share before it is deleted.", "Think for yourself.")),
        (("The so-called report", "This new sanctions plan", "The latest accusation",
          "Their human rights campaign"),
         ("is nothing but", "is just", "is clearly"),
         ("a political smear", "propaganda", "a cover for their own agenda", "a desperate lie"),
         ("paid for by", "pushed by", "written by"),
         ("foreign interests.", "weapons dealers.", "people who want war.",
          "the same old elites.")),
        (("Why does", "How can", "Ask yourself why"),
         ("Washington", "the government", "the opposition", "Brussels"),
         ("fund chaos abroad", "send billions overseas", "lecture other countries"),
         ("but not fix", "while ignoring", "instead of helping"),
         ("its own cities?", "ordinary families?", "its own people?", "the homeless at home?")),
        (("Our development", "The new railway", "The peace plan", "Growth in the region"),
         ("brings prosperity to", "helps", "benefits"),
         ("millions of people", "the whole region", "ordinary families", "our neighbours"),
         ("and the facts speak for themselves.", "whatever the critics say.",
          "no matter what the media claims.", "as everyone can see.")),
    ),
    "zh": (
        (("西方媒体", "外国报纸", "某些媒体", "主流媒体"), ("一直在散布", "不断编造", "总是夸大"),
         ("关于我们的谎言", "虚假的消息", "不实的报道"), ("，却对", "，但对", "，而对"),
         ("自己国家的问题", "本国的混乱", "自己的丑闻"), ("视而不见。", "只字不提。", "闭口不谈。")),
        (("所谓的报告", "新的制裁", "最新的指控"), ("不过是", "只是", "完全是"),
         ("政治抹黑", "一场闹剧", "别有用心的宣传"),
         ("，大家要看清真相。", "，事实胜于雄辩。", "，请大家转发。", "。")),
        (("我们的发展", "新的铁路", "和平计划"), ("造福了", "帮助了", "改变了"),
         ("整个地区", "千万家庭", "邻国人民"), ("，事实胜于雄辩。", "，这是有目共睹的。", "。")),
    ),
    "ru": (
        (("Западные СМИ", "Иностранные газеты", "Крупные телеканалы"),
         ("снова лгут о", "постоянно искажают правду о", "молчат о"),
         ("ситуации в регионе", "нашей экономике", "реальных событиях"),
         ("и при этом не замечают", "но никогда не пишут про", "и скрывают"),
         ("собственные проблемы.", "хаос в своих городах.", "свои скандалы."),
         ("", "Думайте сами.", "Поделитесь, пока не удалили.")),
        (("Так называемый доклад", "Новые санкции", "Очередное обвинение"),
         ("это всего лишь", "это просто", "это явно"),
         ("политическая клевета", "пропаганда", "прикрытие чужих интересов"),
         ("от тех, кто хочет войны.", "в интересах торговцев оружием.", "старых элит.")),
        (("Почему", "Зачем", "Спросите себя, почему"), ("Вашингтон", "правительство", "Брюссель"),
         ("тратит миллиарды за границей", "учит другие страны", "финансирует хаос"),
         ("вместо того чтобы помочь", "и забывает про", "но не помогает"),
         ("своим гражданам?", "простым семьям?", "своим городам?")),
    ),
    "es": (
        (("Los medios occidentales", "La prensa extranjera", "Los grandes canales"),
         ("siguen mintiendo sobre", "nunca dicen la verdad sobre", "manipulan todo sobre"),
         ("la situación en la región", "nuestro éxito económico", "lo que pasó la semana pasada"),
         ("mientras ignoran", "pero nunca mencionan", "y esconden"),
         ("sus propios fracasos.", "el caos en sus ciudades.", "sus escándalos."),
         ("", "Despierta.", "Compártelo antes de que lo borren.")),
        (("El supuesto informe", "Las nuevas sanciones", "La última acusación"),
         ("no es más que", "es solo", "es claramente"),
         ("una campaña política", "propaganda", "una mentira desesperada"),
         ("pagada por intereses extranjeros.", "de los vendedores de armas.",
          "de las mismas élites de siempre.")),
        (("¿Por qué", "¿Cómo es que", "Pregúntate por qué"), ("Washington", "el gobierno", "Bruselas"),
         ("gasta miles de millones fuera", "da lecciones al mundo", "financia el caos"),
         ("pero no ayuda a", "mientras olvida a", "en vez de ayudar a"),
         ("sus propios ciudadanos?", "las familias comunes?", "sus ciudades?")),
    ),
    "ar": (
        (("وسائل الإعلام الغربية", "الصحف الأجنبية", "القنوات الكبرى"),
         ("تكذب دائما بشأن", "لا تقول الحقيقة عن", "تشوه الحقائق حول"),
         ("الوضع في المنطقة", "نجاحنا الاقتصادي", "ما حدث الأسبوع الماضي"),
         ("بينما تتجاهل", "ولا تذكر أبدا", "وتخفي"),
         ("فشلها الداخلي.", "الفوضى في مدنها.", "فضائحها."),
         ("", "فكروا بأنفسكم.", "انشروا قبل الحذف.")),
        (("التقرير المزعوم", "العقوبات الجديدة", "الاتهام الأخير"), ("ليس إلا", "مجرد", "بوضوح"),
         ("حملة سياسية", "دعاية", "كذبة يائسة"),
         ("يمولها أجانب.", "لصالح تجار السلاح.", "من النخب القديمة نفسها.")),
        (("لماذا", "كيف", "اسألوا أنفسكم لماذا"), ("واشنطن", "الحكومة", "بروكسل"),
         ("تنفق المليارات في الخارج", "تعطي دروسا للعالم", "تمول الفوضى"),
         ("ولا تساعد", "وتنسى", "بدلا من مساعدة"), ("مواطنيها؟", "العائلات البسيطة؟", "مدنها؟")),
    ),
}

#: Hashtags an operation may append, per language.
OP_HASHTAGS: Final[dict[str, tuple[str, ...]]] = {
    "en": ("Truth", "StopTheLies", "Peace", "WakeUp", "RealNews", "NoWar"),
    "zh": ("真相", "和平", "发展", "事实"),
    "ru": ("правда", "мир", "факты"),
    "es": ("Verdad", "Paz", "Despierta"),
    "ar": ("الحقيقة", "السلام", "الوعي"),
}

#: Camouflage captions (scenery, sport, animals) per language; English for the others.
CAPTIONS: Final[dict[str, tuple[str, ...]]] = {
    "en": ("Beautiful sunset by the lake tonight", "Morning walk in the mountains, so peaceful",
           "What a goal in the match yesterday", "Fresh flowers in the spring garden",
           "Cute kitten sleeping in the sun", "Street food night market is the best",
           "Look at this puppy", "Rainy day with a cup of tea"),
    "zh": ("今天的日落真美", "山里的清晨很安静", "小猫在晒太阳", "夜市的小吃最好吃"),
    "ru": ("Красивый закат сегодня", "Утро в горах", "Котик спит на солнце"),
    "es": ("Qué atardecer tan bonito", "Paseo por la montaña", "Mira este gatito"),
    "ar": ("غروب جميل الليلة", "صباح هادئ في الجبال", "قطة صغيرة تنام في الشمس"),
}

#: Commercial spam templates (``{item}``, ``{pct}`` filled in), per language.
SPAM_TEXTS: Final[dict[str, tuple[str, ...]]] = {
    "en": ("HOT DEAL {pct}% OFF {item} today only, limited stock",
           "Best prices on {item}, {pct}% discount, free shipping worldwide",
           "Get your {item} now with {pct}% off, offer ends tonight",
           "Earn money from home, join now and get a {pct}% bonus on {item}",
           "Limited offer: {item} at {pct}% off, click the link",
           "I made {pct}0 dollars this week with this {item} app, try it"),
    "es": ("OFERTA {pct}% de descuento en {item} solo hoy",
           "Los mejores precios en {item}, {pct}% menos, envío gratis",
           "Gana dinero desde casa con {item}, bono del {pct}%"),
}
SPAM_ITEMS: Final = ("sneakers", "smart watches", "sunglasses", "headphones", "handbags",
                     "phone cases", "crypto", "vitamins")

#: Campaign toolkit texts (an activist coalition's suggested posts), per language.
TOOLKIT_TEXTS: Final[dict[str, tuple[str, ...]]] = {
    "en": ("Our planet cannot wait, tell your representative to pass the climate bill now",
           "Clean air is a right, not a privilege, act on climate today",
           "We stand together for a livable future, support the action bill",
           "No more delays, the crisis needs action from congress now",
           "Young people demand justice, pass the bill this week",
           "Rent is too high, call your council member and demand fair housing today",
           "Fund our schools, teachers deserve better, write to your senator now",
           "Protect our parks, sign the petition before Friday"),
    "es": ("Nuestro planeta no puede esperar, exige hoy la ley del clima",
           "El aire limpio es un derecho, actúa ahora",
           "Vivienda digna ya, llama a tu concejal hoy",
           "Defendamos la escuela pública, escribe a tu diputado",
           "Juntos por un futuro habitable, apoya la ley"),
}


class FastWriter(Writer):
    """:class:`.language.Writer` with fast ordinary sentences in every family language.

    Word indices are drawn ``block`` at a time per language (Zipf-like weights, as
    :meth:`Writer.sentence`) and consumed in order, so a sentence costs a slice, not a
    ``numpy`` call.
    """

    def __init__(self, rng: np.random.Generator, block: int = 65536) -> None:
        super().__init__(rng)
        self.block = block
        self._buf: dict[str, np.ndarray] = {}
        self._pos: dict[str, int] = {}
        self._ubuf = np.zeros(0)
        self._upos = 0

    def _words(self, lang: str, n: int) -> np.ndarray:
        buf, pos = self._buf.get(lang), self._pos.get(lang, 0)
        if buf is None or pos + n > len(buf):
            k = len(COMMON_ALL[lang])
            w = 1.0 / (np.arange(k) + 3.0)
            buf = self.rng.choice(k, size=max(self.block, n), p=w / w.sum())
            self._buf[lang], pos = buf, 0
        self._pos[lang] = pos + n
        return buf[pos:pos + n]

    def uniform(self, n: int) -> np.ndarray:
        """``n`` uniform numbers in [0, 1) from the pre-drawn block."""
        if self._upos + n > len(self._ubuf):
            self._ubuf = self.rng.random(max(self.block, n))
            self._upos = 0
        out = self._ubuf[self._upos:self._upos + n]
        self._upos += n
        return out

    def sentence(self, lang: str, topic: str | None = None, n_words: int | None = None) -> str:
        """An ordinary post in ``lang`` (``en, zh, ru, es, ar, pt``), topical words mixed in for
        languages that have them (en, es, pt)."""
        lang = lang if lang in COMMON_ALL else "en"
        common = COMMON_ALL[lang]
        u = self.uniform(3)
        n = int(n_words or 6 + int(u[0] * 18))
        words = [common[int(i)] for i in self._words(lang, n)]
        if topic and lang in ("en", "es", "pt"):
            tw = TOPIC_WORDS[topic]
            for j, r in enumerate(self.uniform(n)):
                if r < 0.3:
                    words[j] = tw[int(r / 0.3 * len(tw)) % len(tw)]
        text = ("" if lang == "zh" else " ").join(words)
        if lang in ("en", "es", "pt", "ru"):
            text = text[:1].upper() + text[1:]
        return text + (".", "!", "", "?", "...")[int(u[1] * 5) % 5]

    def fill(self, template: Template, lang: str, choice: tuple[int, ...] | None = None) -> str:
        """One version of a slot template; ``choice`` fixes the synonym of each slot (a
        copypasta message), ``None`` draws each anew (a paraphrase)."""
        parts = [slot[choice[i] % len(slot)] if choice is not None else self.pick(slot)
                 for i, slot in enumerate(template)]
        sep = "" if lang == "zh" else " "
        return sep.join(p for p in parts if p)

    def small_edit(self, text: str, hashtags: list[str] | None = None) -> str:
        """Copypasta edits (:meth:`Writer.small_edit`); for texts without spaces (Chinese) an
        emoji or hashtags instead of a swapped word."""
        if " " in text:
            return super().small_edit(text, hashtags)
        out = self.typo(text) if self.rng.random() < 0.4 else text
        if hashtags and self.rng.random() < 0.5:
            return out + " " + " ".join("#" + h for h in hashtags)
        return out + " " + self.pick(EMOJI)
