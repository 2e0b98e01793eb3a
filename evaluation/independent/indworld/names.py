"""Names, places and handle conventions by culture and platform."""
from __future__ import annotations

from .rand import Rand

FIRST = {
    "en": ["James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David",
           "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
           "Sarah", "Chris", "Karen", "Daniel", "Lisa", "Matt", "Nancy", "Anthony", "Betty", "Mark",
           "Ashley", "Steven", "Emily", "Paul", "Megan", "Andrew", "Hannah", "Josh", "Olivia",
           "Kevin", "Emma", "Brian", "Chloe", "Ryan", "Grace", "Tyler", "Madison", "Jake", "Abby",
           "Ethan", "Lauren", "Nathan", "Rachel", "Sam", "Katie", "Ben", "Amber", "Zach", "Molly",
           "Luke", "Jasmine", "Aaron", "Tasha", "Dylan", "Brooke", "Connor", "Kayla", "Oliver",
           "Sophie", "Harry", "Ellie", "George", "Amelia", "Jack", "Isla", "Charlie", "Poppy"],
    "es": ["Carlos", "María", "José", "Lucía", "Juan", "Sofía", "Luis", "Valentina", "Miguel",
           "Camila", "Javier", "Daniela", "Alejandro", "Paula", "Diego", "Andrea", "Pablo", "Carmen",
           "Andrés", "Elena", "Fernando", "Gabriela", "Jorge", "Isabel", "Ricardo", "Natalia"],
    "pt": ["João", "Ana", "Pedro", "Mariana", "Lucas", "Beatriz", "Gabriel", "Júlia", "Rafael",
           "Larissa", "Matheus", "Camila", "Thiago", "Fernanda", "Bruno", "Letícia", "Felipe",
           "Bruna", "Gustavo", "Amanda", "Rodrigo", "Carolina", "Vinícius", "Aline"],
    "de": ["Lukas", "Anna", "Felix", "Lena", "Jonas", "Laura", "Maximilian", "Julia", "Leon",
           "Sarah", "Tobias", "Katharina", "Jan", "Lisa", "Niklas", "Johanna", "Florian", "Sabine",
           "Stefan", "Claudia", "Markus", "Petra", "Andreas", "Nina"],
    "fr": ["Lucas", "Camille", "Hugo", "Léa", "Louis", "Manon", "Gabriel", "Chloé", "Arthur",
           "Inès", "Jules", "Sarah", "Nicolas", "Julie", "Thomas", "Pauline", "Antoine", "Marie",
           "Maxime", "Élodie", "Romain", "Aurélie", "Julien", "Mathilde"],
    "id": ["Budi", "Siti", "Agus", "Dewi", "Andi", "Putri", "Rizky", "Ayu", "Dimas", "Intan",
           "Fajar", "Nur", "Arif", "Rina", "Yoga", "Wulan", "Hendra", "Sari", "Eko", "Fitri"],
    "tl": ["Juan", "Maria", "Jose", "Angel", "Mark", "Kristine", "John Paul", "Jasmine",
           "Carlo", "Princess", "Paolo", "Joy", "Miguel", "Bea", "Rafael", "Nicole", "Gino",
           "Camille", "Jerome", "Trisha"],
    "hi": ["Rahul", "Priya", "Amit", "Neha", "Rohan", "Ananya", "Vikram", "Pooja", "Arjun",
           "Sneha", "Karan", "Divya", "Aditya", "Kavya", "Sandeep", "Riya", "Manish", "Shreya",
           "Nikhil", "Isha"],
    "ja": ["Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina", "Yuto", "Sakura", "Kenta", "Miyu",
           "Takumi", "Rin", "Daiki", "Mei", "Shota", "Nanami", "Kaito", "Yuna"],
    "ko": ["Minjun", "Seoyeon", "Jiho", "Jiwoo", "Hyunwoo", "Sujin", "Donghyun", "Yuna",
           "Jaehyun", "Haeun", "Seojun", "Minji", "Taeyang", "Eunji", "Junho", "Dahye"],
    "zh": ["Wei", "Fang", "Jing", "Lei", "Min", "Yan", "Jun", "Li", "Hui", "Ying", "Hao", "Xin",
           "Tao", "Mei", "Qiang", "Lin", "Yang", "Ping", "Chen", "Xiaoyu", "Jiahui", "Zihan",
           "Yuxuan", "Haoran", "Shu-fen", "Chia-hao", "Ka-ming", "Wing"],
    "tr": ["Mehmet", "Ayşe", "Mustafa", "Fatma", "Ahmet", "Zeynep", "Emre", "Elif", "Burak",
           "Merve", "Can", "Selin", "Murat", "Esra", "Kerem", "Büşra"],
    "ar": ["Mohammed", "Fatima", "Ahmed", "Aisha", "Omar", "Noura", "Khalid", "Sara", "Yousef",
           "Maryam", "Abdullah", "Huda", "Faisal", "Layla", "Hamad", "Reem"],
    "ru": ["Aleksandr", "Elena", "Dmitry", "Olga", "Sergey", "Natalia", "Andrey", "Irina",
           "Maxim", "Tatiana", "Ivan", "Svetlana"],
    "yo": ["Chinedu", "Ngozi", "Tunde", "Funmi", "Emeka", "Chioma", "Seun", "Aisha", "Femi",
           "Blessing", "Ibrahim", "Amaka", "Kelechi", "Yetunde", "Segun", "Zainab"],
    "sw": ["Brian", "Faith", "Kevin", "Mercy", "Dennis", "Wanjiru", "Otieno", "Akinyi",
           "Kamau", "Njeri", "Mwangi", "Achieng"],
}
LAST = {
    "en": ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
           "Rodriguez", "Martinez", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson",
           "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker",
           "Young", "Allen", "King", "Wright", "Scott", "Hill", "Green", "Adams", "Baker", "Nelson",
           "Carter", "Mitchell", "Roberts", "Turner", "Phillips", "Campbell", "Parker", "Evans",
           "Edwards", "Collins", "Stewart", "Murphy", "Cook", "Rogers", "Morgan", "Cooper", "Reed",
           "Bailey", "Bell", "Kelly", "Howard", "Ward", "Cox", "Hughes", "Price", "Bennett", "Wood",
           "Patel", "Khan", "O'Brien", "Fraser", "Davies", "Owen", "Hart"],
    "es": ["García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez",
           "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Álvarez",
           "Romero", "Torres", "Ramírez", "Flores", "Castillo", "Vargas", "Ortiz", "Reyes"],
    "pt": ["Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira",
           "Lima", "Gomes", "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes",
           "Soares", "Fernandes", "Vieira", "Barbosa", "Rocha", "Dias"],
    "de": ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
           "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
           "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hartmann"],
    "fr": ["Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois",
           "Moreau", "Laurent", "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David",
           "Bertrand", "Morel", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine"],
    "id": ["Santoso", "Wijaya", "Saputra", "Pratama", "Hidayat", "Kusuma", "Nugroho", "Setiawan",
           "Lestari", "Purnomo", "Siregar", "Nasution", "Gunawan", "Halim", "Susanto", "Wibowo"],
    "tl": ["Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Garcia", "Mendoza", "Torres",
           "Dela Cruz", "Ramos", "Aquino", "Villanueva", "Castillo", "Navarro", "Flores"],
    "hi": ["Sharma", "Verma", "Gupta", "Singh", "Kumar", "Patel", "Reddy", "Iyer", "Nair",
           "Joshi", "Mehta", "Chopra", "Malhotra", "Agarwal", "Das", "Banerjee", "Rao", "Kapoor"],
    "ja": ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura",
           "Kobayashi", "Kato", "Yoshida", "Yamada", "Sasaki", "Matsumoto", "Inoue", "Kimura"],
    "ko": ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han",
           "Oh", "Seo", "Shin", "Kwon", "Hwang"],
    "zh": ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu",
           "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Luo", "Gao", "Tan", "Lim", "Wong",
           "Chan", "Tsai", "Cheng"],
    "tr": ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk",
           "Aydın", "Özdemir", "Arslan", "Doğan", "Kılıç", "Aslan"],
    "ar": ["Al-Saud", "Al-Harbi", "Al-Otaibi", "Al-Qahtani", "Al-Ghamdi", "Al-Zahrani",
           "Hassan", "Ali", "Ibrahim", "Mahmoud", "Abdullah", "Al-Shehri", "Al-Dosari"],
    "ru": ["Ivanov", "Smirnov", "Kuznetsov", "Popov", "Vasiliev", "Petrov", "Sokolov",
           "Mikhailov", "Novikov", "Fedorov", "Morozov", "Volkov"],
    "yo": ["Okafor", "Adeyemi", "Okonkwo", "Balogun", "Nwosu", "Adebayo", "Eze", "Oladipo",
           "Ibrahim", "Bello", "Obi", "Afolabi", "Nnamdi", "Ogunleye"],
    "sw": ["Ochieng", "Mutua", "Kamau", "Wanjiku", "Otieno", "Njoroge", "Kiprono", "Mwangi",
           "Odhiambo", "Chebet", "Kariuki", "Wambui"],
}
ZH_HANZI_NAMES = ["王伟", "李娜", "张敏", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴婷",
                  "徐明", "孙悦", "马丽", "朱琳", "胡军", "郭芳", "林小雨", "何佳", "高远", "罗欣",
                  "梁晨", "宋雪", "郑凯", "谢婷婷", "韩冰", "唐亮", "冯雨", "曹阳", "许文", "邓超"]

# Regions: name, UTC offset (hours, April-June), languages with weights, weight,
# locations, naming culture.
REGIONS = [
    ("us_east", -4, [("en", .9), ("es", .1)], .15, ["New York, NY", "Boston, MA", "Atlanta, GA",
     "Philadelphia, PA", "Miami, FL", "Washington, DC", "Charlotte, NC", "Pittsburgh", "Brooklyn",
     "Baltimore, MD", "Richmond, VA", "NJ", "Ohio", "Florida", "Detroit, MI"], "en"),
    ("us_central", -5, [("en", .9), ("es", .1)], .08, ["Chicago, IL", "Houston, TX", "Dallas, TX",
     "Minneapolis, MN", "Austin, TX", "St. Louis, MO", "Nashville, TN", "Kansas City", "Texas",
     "New Orleans, LA", "Milwaukee, WI"], "en"),
    ("us_mountain", -6, [("en", 1.0)], .02, ["Denver, CO", "Salt Lake City, UT", "Boise, ID",
     "Colorado"], "en"),
    ("us_pacific", -7, [("en", .88), ("es", .12)], .08, ["Los Angeles, CA", "Seattle, WA",
     "San Francisco, CA", "Portland, OR", "San Diego, CA", "Phoenix, AZ", "Bay Area", "California",
     "Las Vegas, NV"], "en"),
    ("canada", -4, [("en", .8), ("fr", .2)], .02, ["Toronto, Ontario", "Montréal, QC", "Ottawa",
     "Canada"], "en"),
    ("uk", 1, [("en", 1.0)], .08, ["London", "Manchester", "Leeds, England", "Bristol",
     "Glasgow, Scotland", "Cardiff", "Birmingham, UK", "United Kingdom", "Liverpool"], "en"),
    ("germany", 2, [("de", .85), ("en", .15)], .05, ["Berlin", "München", "Hamburg",
     "Köln", "Deutschland", "Frankfurt am Main", "Wien", "Leipzig"], "de"),
    ("france", 2, [("fr", .9), ("en", .1)], .04, ["Paris", "Lyon", "Marseille", "Toulouse",
     "France", "Nantes", "Bordeaux"], "fr"),
    ("spain", 2, [("es", .9), ("en", .1)], .03, ["Madrid", "Barcelona", "Valencia", "Sevilla",
     "España"], "es"),
    ("mexico", -6, [("es", .92), ("en", .08)], .04, ["CDMX", "Guadalajara, Jalisco", "Monterrey",
     "México", "Puebla"], "es"),
    ("argentina", -3, [("es", 1.0)], .02, ["Buenos Aires", "Córdoba, Argentina", "Rosario"], "es"),
    ("brazil", -3, [("pt", .95), ("en", .05)], .06, ["São Paulo", "Rio de Janeiro", "Belo Horizonte",
     "Brasil", "Curitiba", "Recife", "Porto Alegre"], "pt"),
    ("nigeria", 1, [("en", 1.0)], .03, ["Lagos, Nigeria", "Abuja", "Port Harcourt", "Ibadan"], "yo"),
    ("kenya", 3, [("en", .8), ("sw", .2)], .01, ["Nairobi, Kenya", "Mombasa", "Kisumu"], "sw"),
    ("turkey", 3, [("tr", .9), ("en", .1)], .02, ["İstanbul", "Ankara", "İzmir", "Türkiye"], "tr"),
    ("gulf", 3, [("ar", .8), ("en", .2)], .02, ["Riyadh", "Jeddah", "Kuwait", "Doha, Qatar"], "ar"),
    ("india", 5.5, [("en", .6), ("hi", .4)], .06, ["Mumbai", "New Delhi", "Bengaluru", "Hyderabad",
     "Chennai", "Pune", "Kolkata", "India"], "hi"),
    ("indonesia", 7, [("id", .9), ("en", .1)], .04, ["Jakarta", "Surabaya", "Bandung",
     "Yogyakarta", "Indonesia"], "id"),
    ("philippines", 8, [("en", .55), ("tl", .45)], .04, ["Manila", "Quezon City", "Cebu",
     "Davao City", "Philippines"], "tl"),
    ("singapore_my", 8, [("en", .7), ("zh", .3)], .02, ["Singapore", "Kuala Lumpur", "Penang"], "zh"),
    ("taiwan", 8, [("zh", .85), ("en", .15)], .02, ["Taipei", "台北", "Taichung", "Kaohsiung",
     "Taiwan"], "zh"),
    ("hongkong", 8, [("zh", .6), ("en", .4)], .01, ["Hong Kong", "香港", "Kowloon"], "zh"),
    ("japan", 9, [("ja", .92), ("en", .08)], .04, ["Tokyo", "東京", "Osaka", "大阪", "Fukuoka",
     "Japan", "Sapporo"], "ja"),
    ("korea", 9, [("ko", .85), ("en", .15)], .02, ["Seoul", "서울", "Busan", "South Korea"], "ko"),
    ("australia", 10, [("en", 1.0)], .02, ["Sydney", "Melbourne", "Brisbane", "Perth, WA",
     "Australia"], "en"),
]
REGION_BY_NAME = {reg[0]: reg for reg in REGIONS}

ADJ_HANDLE = ["Fuzzy", "Silent", "Brave", "Lucky", "Odd", "Happy", "Witty", "Salty", "Spicy",
              "Crafty", "Sleepy", "Grumpy", "Clever", "Rare", "Electric", "Quiet", "Wild",
              "Ancient", "Frosty", "Golden", "Mellow", "Sharp", "Bright", "Lazy", "Proper"]
NOUN_HANDLE = ["Panda", "Otter", "Falcon", "Badger", "Waffle", "Pickle", "Turnip", "Ferret",
               "Comet", "Lantern", "Walrus", "Moose", "Koala", "Donut", "Raven", "Biscuit",
               "Penguin", "Tiger", "Cactus", "Noodle", "Pebble", "Squirrel", "Llama", "Meteor"]
HANDLE_WORDS = ["daily", "official", "real", "the", "its", "just", "not", "only", "mr", "ms",
                "dr", "lil", "big", "x", "xo", "tv", "hq", "fan", "vibes", "life", "writes",
                "talks", "codes", "plays", "eats", "runs", "reads", "travels", "says"]


def ascii_fold(s: str) -> str:
    table = str.maketrans("áàâãäåçéèêëíìîïñóòôõöúùûüýÿışğÁÀÂÃÄÅÇÉÈÊËÍÌÎÏÑÓÒÔÕÖÚÙÛÜÝİŞĞ'’ -",
                          "aaaaaaceeeeiiiinooooouuuuyyisgAAAAAACEEEEIIIINOOOOOUUUUYISG____")
    s = s.translate(table)
    return "".join(ch for ch in s if ch.isascii() and (ch.isalnum() or ch == "_"))


def person_name(r: Rand, culture: str):
    first = r.choice(FIRST.get(culture, FIRST["en"]))
    last = r.choice(LAST.get(culture, LAST["en"]))
    return first, last


def display_name(r: Rand, first: str, last: str, culture: str, topic_word: str = "") -> str:
    x = r.u()
    if culture == "zh" and r.chance(0.35):
        return r.choice(ZH_HANZI_NAMES)
    if x < 0.45:
        return f"{first} {last}"
    if x < 0.6:
        return first
    if x < 0.68:
        return f"{first} {last[0]}."
    if x < 0.75:
        return f"{first} {last} " + r.choice(["🌻", "✨", "🏳️‍🌈", "🇺🇸", "🌊", "💙", "⚽", "🎮",
                                             "📚", "☕", "🐾", "🌱", "🎧", "🇧🇷", "🇬🇧"])
    if x < 0.82:
        return (first + " " + r.choice(["the " + (topic_word or "nerd"), "| " + (topic_word or "life"),
                                         "(she/her)", "(he/him)", "(they/them)", "🍕", "🎸"])).strip()
    if x < 0.9:
        return f"{first.lower()}"
    return f"{last} {first}" if culture in ("ko", "ja", "zh") else f"{first} {last}"


def x_default_handle(r: Rand, first: str, last: str) -> str:
    """X's auto-generated pattern: name truncated + 8 digits, at most 15 chars."""
    base = ascii_fold(first + last)[:7] or "user"
    return base + r.digits(8)


def reddit_default_handle(r: Rand) -> str:
    sep = r.choice(["_", "-", ""])
    return f"{r.choice(ADJ_HANDLE)}{sep}{r.choice(NOUN_HANDLE)}{sep}{r.randint(10, 9999)}"


def tiktok_default_handle(r: Rand) -> str:
    return "user" + r.digits(r.randint(8, 13))


def youtube_default_handle(r: Rand) -> str:
    return "user-" + r.alnum(r.randint(8, 10))


def chosen_handle(r: Rand, first: str, last: str, topic_word: str = "") -> str:
    f = ascii_fold(first).lower() or "user"
    l = ascii_fold(last).lower() or "x"
    x = r.u()
    tw = ascii_fold(topic_word).lower()
    if x < 0.18:
        h = f + l
    elif x < 0.32:
        h = f + "_" + l
    elif x < 0.42:
        h = f + "." + l
    elif x < 0.52:
        h = f + l[0] + str(r.randint(1, 99))
    elif x < 0.62:
        h = f + str(r.randint(1960, 2008))
    elif x < 0.72 and tw:
        h = r.choice([f + tw, tw + "_" + f, f + "_" + tw + str(r.randint(1, 99)),
                      r.choice(HANDLE_WORDS) + tw + f[:3]])
    elif x < 0.82:
        h = r.choice(HANDLE_WORDS) + f + r.choice(["", "_", str(r.randint(1, 999))])
    elif x < 0.9:
        h = f[0] + l + r.choice(["", str(r.randint(1, 99))])
    else:
        h = r.choice(NOUN_HANDLE).lower() + r.choice(["", "_"]) + f + r.choice(["", str(r.randint(1, 9))])
    return h


def platform_handle(r: Rand, platform: str, first: str, last: str, topic_word: str,
                    created_year: int, default_bias: float = 1.0) -> str:
    """A handle as an ordinary person would have on this platform."""
    if platform == "twitter":
        p_default = (0.04 if created_year < 2017 else 0.18) * default_bias
        if r.chance(p_default):
            return x_default_handle(r, first, last)
        h = chosen_handle(r, first, last, topic_word).replace(".", "_")
        return h[:15]
    if platform == "reddit":
        if r.chance(0.4 * default_bias if created_year >= 2018 else 0.08):
            return reddit_default_handle(r)
        h = chosen_handle(r, first, last, topic_word)
        if r.chance(0.4):
            h = r.choice(["throwaway", "the", "not", "sir", "lady", "that", "some"]) + "_" + h
        return h.replace(".", "_")[:20]
    if platform == "tiktok":
        if r.chance(0.18 * default_bias):
            return tiktok_default_handle(r)
        return chosen_handle(r, first, last, topic_word)[:24]
    if platform == "youtube":
        if r.chance(0.25 * default_bias):
            return youtube_default_handle(r)
        return chosen_handle(r, first, last, topic_word).replace("_", "")[:30]
    # facebook vanity names
    if r.chance(0.3):
        return ""  # no vanity URL; handle filled with numeric id later
    return (ascii_fold(first).lower() + "." + ascii_fold(last).lower() +
            r.choice(["", "", "." + str(r.randint(1, 999))]))
