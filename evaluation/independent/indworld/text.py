"""Organic text: topics, templates in several languages, natural noise."""
from __future__ import annotations

import re

from .rand import Rand

# --------------------------------------------------------------------------
# Topics.  ents: names people talk about; things: noun phrases; tags: hashtags;
# sites: niche / hobby sites people link to; core: English templates.
# --------------------------------------------------------------------------
TOPICS = {
    "us_politics": dict(
        ents=["the Senate", "Congress", "the governor", "the Supreme Court", "the White House",
              "the mayor", "the school board", "the city council", "the DNC", "the GOP",
              "the Speaker", "the FEC", "my senator", "the state legislature"],
        things=["the new budget bill", "the primary", "voter ID rules", "the debate",
                "student loan relief", "the border bill", "the abortion ruling", "gas prices",
                "the infrastructure money", "the polling", "redistricting", "the filibuster",
                "healthcare costs", "the shutdown talk", "campaign ads", "early voting"],
        tags=["politics", "Election2024", "vote", "SCOTUS", "Congress", "news", "democracy"],
        sites=["thehillwatch.blog", "ballotbrief.substack.com", "civicsdaily.net"],
        core=["{E} just can't get it together on {T}", "Hot take: {T} matters more than anyone admits",
              "Watching the coverage of {T} and I'm exhausted", "Called {E} today about {T}. Took 40 minutes to get through",
              "Nobody in my family agrees on {T} and Thanksgiving is going to be fun",
              "The polling on {T} is all over the place", "If {E} spent half as much time on {T} as on TV hits...",
              "Genuinely curious how people in other states feel about {T}",
              "Reminder: local elections decide more about your life than {E} does",
              "I read the whole text of {T}. Thread on what's actually in it",
              "{E} voted on {T} and honestly it's about what I expected",
              "Registered to vote in 2 minutes. Do it before the deadline"]),
    "world_news": dict(
        ents=["the UN", "NATO", "the EU", "Ukraine", "Gaza", "Taiwan", "the G7", "Sudan",
              "the WHO", "Brussels", "Beijing", "Moscow", "Kyiv", "Tehran", "New Delhi"],
        things=["the ceasefire talks", "the summit", "the sanctions package", "the refugee crisis",
                "the earthquake relief", "the election results", "the trade deal", "the aid convoy",
                "oil prices", "the peace plan", "the drone strikes", "the vote in parliament"],
        tags=["WorldNews", "breaking", "news", "geopolitics", "Ukraine", "UN"],
        sites=["worldbrief.substack.com", "foreignfiles.net", "mapsandconflicts.org"],
        core=["Following {T} closely. {E} has a lot riding on this",
              "Praying for everyone affected by {T}", "The reporting on {T} from the ground is heartbreaking",
              "{E} needs to step up on {T}", "Good explainer on {T} if you're confused like me",
              "Can someone explain why {E} is involved in {T}?", "{T} is going to shape the rest of the year",
              "Map of {T} shared by a journalist I follow, worth a look"]),
    "tech": dict(
        ents=["Apple", "Google", "OpenAI", "Microsoft", "Nvidia", "Samsung", "Linux", "Rust",
              "Python", "the new iPhone", "Android 15", "ChatGPT", "GitHub", "Tesla", "AWS"],
        things=["my home server", "the new laptop", "mechanical keyboards", "a side project",
                "the outage", "open source maintainers", "the AI hype", "battery life",
                "the update", "my dotfiles", "a memory leak", "the beta", "self-hosting", "Kubernetes"],
        tags=["tech", "AI", "programming", "100DaysOfCode", "opensource", "linux", "devlife"],
        sites=["byteandbolt.dev", "tinkerlog.io", "homelabnotes.net", "pixelforge.blog"],
        core=["Spent all night debugging {T}. It was a typo", "{E} really shipped this and called it done?",
              "Finally moved {T} to {E}. No regrets so far", "Unpopular opinion: {T} is overrated",
              "Anyone else having issues with {E} since the update?", "Wrote up how I set up {T}, link below",
              "{E} announcement in 10 minutes, who's watching", "Day 12 of learning {E}. Brain hurts but it's clicking",
              "My {T} finally works and I feel like a wizard", "Tried {E} for a week. Thoughts:",
              "The {T} discourse on here is wild today"]),
    "gaming": dict(
        ents=["Elden Ring", "Zelda", "Baldur's Gate 3", "Fortnite", "Minecraft", "Valorant",
              "Helldivers 2", "Stardew Valley", "the Switch", "my PS5", "Steam Deck", "Hades II",
              "League", "Palworld", "Final Fantasy"],
        things=["the new patch", "a speedrun", "ranked", "the boss fight", "co-op night",
                "the DLC", "a 100% run", "the soundtrack", "my build", "the servers"],
        tags=["gaming", "PS5", "NintendoSwitch", "gamer", "Twitch", "indiegame", "PCgaming"],
        sites=["pixelquestreviews.com", "savepointzine.net", "retrogamerhub.net"],
        core=["Finally beat the last boss in {E}. {A}", "{E} {T} is {A}", "Who's up for {T} tonight?",
              "Streaming {E} later, come hang", "3 hours into {E} and I already love it",
              "{T} in {E} broke me", "My {T} in {E} is finally complete", "Can't stop playing {E} send help",
              "Hot take: {E} has the best {T} of the year", "Lost my save in {E}. Crying"]),
    "football": dict(
        ents=["Arsenal", "Real Madrid", "Barça", "Liverpool", "Man City", "Bayern", "PSG",
              "Flamengo", "Boca", "Inter", "Dortmund", "the national team", "Spurs", "Chelsea"],
        things=["the derby", "the transfer window", "the penalty", "VAR", "the lineup", "the title race",
                "that tackle", "the manager", "the second half", "the away kit", "the Champions League draw"],
        tags=["football", "UCL", "PremierLeague", "LaLiga", "soccer", "matchday"],
        sites=["thefalsenine.blog", "tacticsboard.net", "terracechants.co.uk"],
        core=["{E} were {A} today", "What a game. {T} changed everything", "{E} need a new striker, end of",
              "Matchday! Let's go {E}", "{T} was never a penalty", "Still not over {T}",
              "Who's watching {E} tonight?", "{E} fans, how are we feeling about {T}?",
              "My dad has supported {E} for 50 years and he's never been this stressed"]),
    "basketball": dict(
        ents=["the Lakers", "the Celtics", "the Knicks", "the Warriors", "the Nuggets", "Wemby",
              "Luka", "LeBron", "Steph", "Giannis", "Jokic", "the Heat", "the Bucks"],
        things=["the playoffs", "that buzzer beater", "the trade deadline", "the MVP race",
                "game 7", "the refs", "the bench", "free throws"],
        tags=["NBA", "NBAPlayoffs", "basketball", "hoops"],
        sites=["courtvisionblog.com", "hoopsnerd.net"],
        core=["{E} in {T} is must-watch TV", "{T} last night was {A}", "{E} deserves more respect",
              "The refs in {T} were {A}", "{E} or nobody", "Can't believe {E} blew that lead",
              "Watching {T} with the whole family, {A}"]),
    "music": dict(
        ents=["Taylor Swift", "Beyoncé", "Bad Bunny", "Olivia Rodrigo", "Kendrick", "Dua Lipa",
              "the Arctic Monkeys", "Billie Eilish", "SZA", "Coldplay", "Karol G", "Hozier",
              "my local band", "Chappell Roan", "Fred again.."],
        things=["the new album", "the tour", "the setlist", "vinyl", "the music video",
                "the festival lineup", "a live session", "the bridge", "the remix", "concert tickets"],
        tags=["music", "NowPlaying", "newmusic", "concert", "vinyl", "spotify"],
        sites=["thelistenersclub.blog", "basslinezine.com", "indieheadsweekly.net"],
        core=["{E} {T} is {A}", "Can't stop listening to {E}", "Just got {T} from {E}",
              "Saw {E} live last night and I'm still shaking", "{T} has been on repeat all week",
              "If you haven't heard {E} yet, start here", "The {T} went on sale and the queue was 40k people",
              "Ranking every {E} song, don't @ me"]),
    "movies": dict(
        ents=["Dune Part Two", "the Oscars", "Netflix", "Shōgun", "Godzilla", "Pixar", "A24",
              "The Bear", "Fallout", "Marvel", "Bridgerton", "the new Pixar movie", "HBO"],
        things=["the finale", "the trailer", "the soundtrack", "the casting", "season 2",
                "the plot twist", "the cinematography", "the ending"],
        tags=["movies", "film", "TV", "Netflix", "cinema", "bingewatch"],
        sites=["reelthoughts.blog", "criterioncorner.net", "popcornpundit.com"],
        core=["Just watched {E} and {T} was {A}", "{E} {T} lives rent free in my head",
              "Is {E} worth it? Be honest", "Rewatching {E} for the third time", "The {T} of {E}. Wow.",
              "Nobody talks about {T} in {E} enough", "Movie night: {E}. Snacks ready"]),
    "food": dict(
        ents=["ramen", "sourdough", "tacos", "pho", "biryani", "sushi", "pasta", "bibimbap",
              "feijoada", "croissants", "dumplings", "BBQ brisket", "pad thai", "shakshuka"],
        things=["a new recipe", "the farmers market", "my air fryer", "brunch", "meal prep",
                "the bakery down the street", "grandma's recipe", "street food"],
        tags=["food", "foodie", "homecooking", "recipe", "yum", "brunch"],
        sites=["crumbsandkitchen.blog", "thehungrynomad.net", "panandplate.co"],
        core=["Made {E} from scratch today and it was {A}", "Best {E} in town? Asking for me",
              "Tried {T} and now I'm obsessed", "{E} for dinner again, no regrets",
              "My {E} came out {A}", "Sunday = {E} + {T}", "If you're ever nearby, get the {E}",
              "Weekly {T} done. Future me says thanks"]),
    "travel": dict(
        ents=["Lisbon", "Kyoto", "Iceland", "Bali", "Mexico City", "Rome", "Patagonia", "Seoul",
              "the Alps", "Istanbul", "Cape Town", "Vietnam", "Scotland", "Marrakech"],
        things=["a layover", "the hostel", "my flight", "the road trip", "a cheap fare",
                "the train ride", "jet lag", "the hike", "packing light"],
        tags=["travel", "wanderlust", "travelgram", "roadtrip", "backpacking"],
        sites=["passportandpen.blog", "slowtravelnotes.com", "wanderwiththem.net"],
        core=["Sunset in {E} hits different", "Booked {E}! Any tips?", "{T} to {E} was {A}",
              "Back from {E} and already planning the next trip", "Day 4 in {E}: {T} was worth it",
              "Pro tip for {E}: go early", "Missing {E} so much today"]),
    "pets": dict(
        ents=["my cat", "the dog", "our puppy", "my bunny", "the kitten", "my parrot",
              "our rescue", "my goldfish", "the corgi", "my senior dog"],
        things=["the vet visit", "zoomies", "a new toy", "nap time", "the bath", "a walk in the rain",
                "dinner time", "the couch"],
        tags=["cats", "dogs", "CatsOfTwitter", "dogsofinstagram", "pets", "adoptdontshop"],
        sites=["whiskersandtails.blog", "pawprintjournal.com"],
        core=["{E} has decided {T} is now theirs", "{E} after {T}: 😴", "Look at {E} I can't",
              "{E} is {A} today", "Adopted {E} two years ago today", "{E} vs {T}, round 3",
              "Nobody warned me about {E} and {T}"]),
    "fitness": dict(
        ents=["leg day", "my 5k", "the gym", "yoga", "the marathon", "deadlifts", "my coach",
              "pilates", "the climbing wall", "my bike"],
        things=["a new PR", "rest day", "the training plan", "morning run", "protein goals",
                "sore muscles", "the streak"],
        tags=["fitness", "running", "gym", "workout", "health", "motivation"],
        sites=["milesandmacros.blog", "liftlogbook.net"],
        core=["Hit {T} on {E} today!", "{E} at 6am. Who am I", "Day 30 of {T}. Feeling {A}",
              "Skipped {E}, guilt level high", "Signed up for {E}, someone stop me",
              "{T} tomorrow, {E} today"]),
    "finance": dict(
        ents=["the Fed", "my 401k", "the S&P", "Nasdaq", "rates", "mortgage rates", "inflation",
              "my landlord", "the housing market", "index funds", "my budget"],
        things=["the rate decision", "earnings season", "rent", "a raise", "the CPI print",
                "credit card debt", "the emergency fund", "taxes"],
        tags=["investing", "finance", "stocks", "personalfinance", "economy"],
        sites=["frugalfoxfinance.com", "thecompoundingblog.net", "dollarsandsense.substack.com"],
        core=["{E} after {T}: 📉", "Paid off {T}! Took 3 years", "{E} is making {T} impossible",
              "Reminder that {E} is not the economy", "Anyone else rethinking {T}?",
              "{T} came in hotter than expected", "Doing my {T} tonight, wish me luck"]),
    "crypto": dict(
        ents=["Bitcoin", "ETH", "Solana", "the halving", "my wallet", "the ETF", "DeFi",
              "Coinbase", "the memecoins"],
        things=["the dip", "gas fees", "a new ATH", "the airdrop", "cold storage", "the rally"],
        tags=["crypto", "Bitcoin", "BTC", "ETH", "web3"],
        sites=["blockbeatnews.net", "satoshisledger.blog"],
        core=["{E} after {T} 🚀", "Bought {T}. Again", "{E} is {A} right now",
              "Still holding {E} through {T}", "If you don't understand {E}, don't put your rent in it",
              "{T} hit, now what"]),
    "science": dict(
        ents=["JWST", "NASA", "CERN", "the eclipse", "a new exoplanet", "CRISPR", "the Moon",
              "Mars", "SpaceX", "the ISS", "the solar maximum", "the aurora"],
        things=["the new paper", "the launch", "peer review", "the data", "the telescope images",
                "my thesis", "the lab", "fieldwork"],
        tags=["science", "space", "astronomy", "Eclipse2024", "STEM", "research"],
        sites=["stardustdispatch.blog", "labbenchnotes.org", "deepfieldnews.net"],
        core=["{E} images today are {A}", "Reading {T} on {E}, mind blown", "Saw {E} from my backyard!",
              "{T} finally done. 14 months", "{E} launch in an hour, who's watching",
              "Explained {E} to my kids and they asked great questions"]),
    "climate": dict(
        ents=["the heatwave", "the wildfire", "solar panels", "the floods", "the EU", "COP",
              "our city council", "heat pumps", "the coral reef", "the glacier"],
        things=["the emissions target", "the new bike lane", "a heat record", "the drought",
                "recycling", "public transit", "the climate report", "a plastic ban"],
        tags=["climate", "ClimateAction", "sustainability", "ClimateCrisis", "environment"],
        sites=["greenroutinesblog.com", "carbonbrief-digest.net", "thegreenneighbour.org"],
        core=["Installed {E} last month, bill dropped a lot", "{E} this week is {A}",
              "{T} is good news for once", "Our town finally approved {T}",
              "Read {T} over lunch. Not great", "Small win: {T}"]),
    "fashion": dict(
        ents=["thrift haul", "the Met Gala", "sneakers", "vintage denim", "my capsule wardrobe",
              "the new collection", "linen season", "platform boots"],
        things=["outfit of the day", "a closet clean-out", "the runway", "a sale", "the color trend"],
        tags=["fashion", "OOTD", "style", "thrifting", "streetstyle"],
        sites=["threadcount.blog", "secondhandstyle.net"],
        core=["{E} looks were {A}", "Today's {T}: {E}", "Found {E} for $8", "{E} is back and I'm not mad",
              "Did {T}, donated 3 bags"]),
    "parenting": dict(
        ents=["my toddler", "the baby", "my teen", "the kids", "daycare", "school pickup",
              "the PTA", "bedtime"],
        things=["a tantrum", "the science project", "screen time", "the first day", "teething",
                "a sick day", "the school play"],
        tags=["parenting", "momlife", "dadlife", "toddlers", "family"],
        sites=["tinyhumanschronicle.blog", "raisingthemwell.net"],
        core=["{E} just asked why the sky is blue for the 40th time", "{T} survived. Barely",
              "{E} said the funniest thing today", "Anyone have tips for {T}?", "{E} + {T} = chaos",
              "Proud of {E} today"]),
    "books": dict(
        ents=["Fourth Wing", "my book club", "the library", "Tolkien", "Agatha Christie",
              "poetry", "a Murakami novel", "the new Sally Rooney", "audiobooks", "my TBR"],
        things=["chapter 12", "the ending", "a reading slump", "the sequel", "the bookstore"],
        tags=["books", "reading", "BookTwitter", "booktok", "amreading"],
        sites=["marginalianotes.blog", "dogearedreviews.com", "thebooknook.net"],
        core=["Finished {E}, {T} wrecked me", "{E} pick this month is {A}", "Stayed up till 2 for {T}",
              "My {E} is out of control", "Currently reading: {E}"]),
    "cars": dict(
        ents=["my Civic", "the Mustang", "EVs", "my truck", "the Miata", "the new Rivian",
              "my old BMW", "the Corolla"],
        things=["an oil change", "the road trip", "track day", "the mechanic", "range anxiety",
                "a new set of tires"],
        tags=["cars", "carsofinstagram", "EV", "carguy"],
        sites=["torqueandtrack.blog", "garagenotes.net"],
        core=["{E} hit 200k miles today", "{T} cost how much?!", "Took {E} on {T}, {A}",
              "Thinking of trading {E} for an EV", "{E} detailing day"]),
    "anime": dict(
        ents=["Frieren", "One Piece", "Jujutsu Kaisen", "Solo Leveling", "Spy x Family",
              "Chainsaw Man", "Demon Slayer", "Ghibli", "Dandadan"],
        things=["the new episode", "the manga chapter", "the opening", "the fight scene", "the finale"],
        tags=["anime", "manga", "otaku", "animeart"],
        sites=["sakugacorner.net", "mangamonday.blog"],
        core=["{E} {T} was {A}", "Catching up on {E}, no spoilers", "{E} fandom is the best",
              "Drew fanart of {E}", "{T} of {E} on repeat"]),
    "health": dict(
        ents=["my doctor", "therapy", "the flu", "allergy season", "my back", "sleep",
              "the dentist", "my physio", "long covid"],
        things=["a check-up", "meditation", "my insurance", "the waiting list", "hydration",
                "a migraine", "the new meds"],
        tags=["health", "mentalhealth", "wellness", "selfcare"],
        sites=["thecalmcorner.blog", "everydaywellnessnotes.com"],
        core=["{E} this week is {A}", "Day 3 of {T}, going okay", "PSA: {T} matters",
              "Finally got {T} after 6 months", "{E} and I are not friends today"]),
    "local": dict(
        ents=["the farmers market", "our neighborhood", "the bakery on Main", "the library",
              "the park", "the new cafe", "city hall", "the bus route", "the food truck"],
        things=["the street fair", "roadworks", "the pothole", "a lost dog", "the storm",
                "the power outage", "a yard sale"],
        tags=["local", "community", "smallbusiness", "supportlocal"],
        sites=["mynextdoornotes.blog"],
        core=["{E} is {A} today", "Anyone know what's up with {T}?", "Go support {E}!",
              "{T} this weekend, who's coming", "Shoutout to {E} for helping with {T}"]),
    "china_affairs": dict(
        ents=["Beijing", "Hong Kong", "Taiwan", "Xinjiang", "the CCP", "Xi", "the PLA",
              "Chinese students", "the South China Sea", "TikTok"],
        things=["the crackdown", "the election in Taiwan", "the export controls", "the trade war",
                "human rights reports", "the transnational repression case", "the new security law"],
        tags=["China", "Taiwan", "HongKong", "HumanRights", "geopolitics"],
        sites=["sinosphere-notes.substack.com", "straitwatch.blog"],
        core=["Long read on {T} worth your time", "{E} and {T}: what we know so far",
              "New report on {T} just dropped", "{E} keeps coming up in {T}",
              "My family in {E} says it's calm, the reporting says otherwise"]),
}
TOPICS["kpop"] = dict(
    ents=["NOVA7", "Jun", "Kai", "Theo", "Haneul", "Ryu", "Sol", "Minseo", "BLACKPINK", "SEVENTEEN",
          "Stray Kids", "NewJeans", "our boys", "the maknae"],
    things=["the comeback", "the teaser", "the fancam", "the music show win", "the lightstick",
            "the world tour", "the vlive", "the photocard", "the dance practice", "the variety show clip",
            "the album preorder", "the concert", "the selca"],
    tags=["NOVA7", "kpop", "NOVA7_SUPERNOVA", "StanNOVA7", "kpopfyp"],
    sites=["novastarsubs.blog", "kpopchartwatch.net"],
    core=["{E} in {T} is {A}", "Not me crying over {T} again", "{T} and {E} looks so good??",
          "{E} deserves the world", "Streaming {T} on repeat", "Who else is seated for {T}",
          "{E} said 'see you soon' and I'm not okay", "Got {E} in {T} finally!!!",
          "Can we talk about {E} in {T}", "{E} stans, {T} when?"])
TOPIC_NAMES = list(TOPICS.keys())
TOPIC_WORD = {"us_politics": "politics", "world_news": "news", "tech": "tech", "gaming": "gamer",
              "football": "football", "basketball": "hoops", "music": "music", "movies": "film",
              "food": "foodie", "travel": "travel", "pets": "dogmom", "fitness": "runner",
              "finance": "money", "crypto": "crypto", "science": "science", "climate": "green",
              "fashion": "style", "parenting": "mom", "books": "reads", "cars": "cars",
              "anime": "anime", "health": "wellness", "local": "local", "china_affairs": "asia", "kpop": "stan"}

ADJ = ["amazing", "so good", "incredible", "wild", "a lot", "underrated", "perfect",
       "a disaster", "brilliant", "honestly fine", "unreal", "chaotic", "beautiful", "rough",
       "hilarious", "painful", "top tier", "mid", "a vibe", "next level", "sad", "insane",
       "better than expected", "worse than expected", "peak", "cursed"]

OPENERS = ["", "", "", "", "", "", "Ok so ", "Honestly ", "Lol ", "Update: ", "PSA: ", "Okay ",
           "Ngl ", "Not gonna lie, ", "So apparently ", "Me: ", "Today: ", "Random thought: ",
           "Just saying, ", "Wow. ", "Welp. ", "Fun fact: ", "Confession: ", "Listen, ", "Big news: "]
CLOSERS = ["", "", "", "", "", "", "", " lol", " 😂", " 😭", " 🙃", " ❤️", " 🔥", " tbh", " imo",
           "!!", "...", " 🤷", " 👀", " smh", " 🥲", " fr", " haha", " 💯", " 🙏", " 😅",
           ". That's it, that's the post", ". Thoughts?", ". Send help", ". Anyway"]

PERSONAL = ["Monday again. {DRINK} first, people later", "Can't sleep. {REASON}", "Finally some {WEATHER}",
            "Who else is {WORKING} tonight", "{WEATHER_ADJ} day, blanket, {DRINK}", "Best part of my day was {GOOD}",
            "Need a vacation from my vacation", "Cleaned the whole {ROOM} and now I can't find my {THING}",
            "Why is it always the {THING}", "Traffic on {ROAD} was brutal this morning",
            "Happy birthday to my {PERSON}!", "New week new me (probably not)", "Mood: {A}",
            "{FOOD} costs how much now?", "My plants are thriving, unlike me", "Started journaling. Day {N}",
            "Been a long {SPAN}", "Tiny win: {WIN}", "Nap was {A}", "Just booked {APPT}, adulting",
            "Weekend plans: {PLAN}", "Made it through another {WEEKDAY}", "It's {N} degrees and I'm {FEEL}",
            "Missed the bus by {N} seconds", "{MEAL} with {PERSONS} tonight", "Power's out, see you all never",
            "First day at the new job {WHEN}!", "Moving day. Never again.", "{VIEW} never gets old",
            "Wifi down, existential crisis up", "Anyone else's phone dying by {TIME}?", "Just ran into my old {PERSON2} lol",
            "Found ${N} in my {POCKET}", "The neighbors are {NOISE} at {TIME} on a {WEEKDAY}",
            "Learning to {SKILL}. Attempt #{N}", "Cancelled plans, ordered {FOOD}",
            "Back from the {PLACE}, all good, thanks for the messages",
            "Thinking about getting a {IMPULSE}", "Can't believe it's already {MONTH}", "{CHORE} mountain defeated",
            "{PLAN_Q} suggestions?", "My {PERSON} just beat me at {GAME}", "Grateful for {GOOD2} today",
            "Someone please explain {HARD} to me", "{DRINK} number {N} and it's not even noon",
            "Spent {N} minutes looking for my {THING}. It was in my hand", "The {PLACE} was packed today",
            "Walked {N}k steps today and my feet hate me", "{PERSONS} are coming over and the {ROOM} is a mess",
            "Remember when {WEEKDAY}s were fun", "Sun's out. {WEATHER_ACT}", "Rain again. {RAIN_ACT}",
            "Trying a new {FOOD} place near {WORKPLACE}", "Three {DRINK}s deep and still tired",
            "Got my {THING} fixed finally", "Hot take: {FOOD} is overrated", "Forgot my {THING} at {WORKPLACE}. Again",
            "Today's soundtrack: {GENRE}", "Listening to {GENRE} and cleaning the {ROOM}"]
SLOTS = {
    "DRINK": ["coffee", "tea", "matcha", "espresso", "iced coffee", "chai", "green tea", "cold brew", "hot chocolate"],
    "REASON": ["Again.", "Brain won't shut up.", "Too hot.", "The neighbor's dog again.", "Too much coffee.",
               "3am thoughts.", "Thinking about work.", "Help."],
    "WEATHER": ["sunshine", "rain", "snow", "blue sky", "warm weather", "cool air", "spring weather"],
    "WEATHER_ADJ": ["Rainy", "Grey", "Cold", "Slow", "Lazy", "Windy"],
    "WORKING": ["working late", "still awake", "on night shift", "studying", "doing taxes", "watching the game"],
    "GOOD": ["a stranger's dog", "a free coffee", "my niece's drawing", "a good hair day", "finding my keys",
             "an old friend calling", "the sunset", "a nap"],
    "GOOD2": ["good friends", "my family", "my coworkers", "sunshine", "my dog", "small things", "my mom"],
    "ROOM": ["apartment", "kitchen", "garage", "closet", "house", "desk", "car"],
    "THING": ["printer", "charger", "keys", "headphones", "remote", "wallet", "glasses", "laptop", "umbrella", "badge"],
    "ROAD": ["the highway", "the bridge", "Main Street", "the ring road", "the 405", "the M25", "the freeway"],
    "PERSON": ["best friend", "sister", "brother", "mom", "dad", "husband", "wife", "partner", "kid", "grandma",
               "roommate"],
    "PERSON2": ["teacher", "boss", "neighbor", "classmate", "coach", "ex"],
    "PERSONS": ["the in-laws", "friends", "my parents", "the cousins", "coworkers", "the neighbors"],
    "FOOD": ["pizza", "sushi", "tacos", "ramen", "eggs", "avocado", "a burger", "pho", "curry", "a sandwich", "butter"],
    "MEAL": ["Family dinner", "Brunch", "Lunch", "BBQ", "Dinner", "Game night"],
    "SPAN": ["week", "day", "month", "shift", "semester", "quarter"],
    "WIN": ["I went outside", "I drank water", "inbox zero", "I finished a book", "I called my mom", "I cooked"],
    "APPT": ["a dentist appointment", "a haircut", "a doctor's appointment", "the car service", "an eye test"],
    "PLAN": ["nothing. Perfect", "sleep", "hiking if it doesn't rain", "laundry and regret", "my cousin's wedding",
             "the farmers market", "a movie marathon"],
    "WEEKDAY": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "FEEL": ["melting", "freezing", "not okay", "thriving", "confused"],
    "WHEN": ["tomorrow", "today", "on Monday", "next week"],
    "VIEW": ["The sunset from my balcony", "The morning walk by the river", "This view from the office",
             "The city lights at night", "My commute over the bridge"],
    "TIME": ["noon", "8am", "7am", "lunchtime", "midnight", "6am"],
    "POCKET": ["winter coat", "old jeans", "car", "bag", "jacket"],
    "NOISE": ["drilling", "mowing", "partying", "hammering", "singing"],
    "SKILL": ["bake bread", "knit", "skateboard", "code", "play guitar", "speak Spanish", "draw", "swim"],
    "PLACE": ["hospital", "vet", "DMV", "airport", "mall", "gym", "beach", "park", "library"],
    "IMPULSE": ["tattoo", "puppy", "new haircut", "motorbike", "second cat", "bike"],
    "CHORE": ["Laundry", "Dishes", "Email", "Paperwork", "Ironing"],
    "PLAN_Q": ["Road trip playlist", "Book", "Podcast", "Dinner", "Weekend", "Netflix"],
    "GAME": ["chess", "Mario Kart", "cards", "Scrabble", "FIFA", "Uno"],
    "HARD": ["taxes", "crypto", "the offside rule", "mortgages", "TikTok", "my own feelings"],
    "WEATHER_ACT": ["Park time", "Beach time", "Ice cream time", "Windows open", "Picnic"],
    "RAIN_ACT": ["Soup weather", "Staying in", "Movie day", "So much for the picnic"],
    "WORKPLACE": ["work", "the office", "school", "campus", "the station", "home"],
    "GENRE": ["90s hip hop", "lofi beats", "old Motown", "Taylor Swift", "jazz", "techno", "my dad's rock records"],
}

REPLIES = ["This is so true", "lol same", "Exactly this", "Hard disagree", "Source?",
           "Came here to say this", "😂😂😂", "Not you too", "This made my day", "Wait what",
           "Agreed 100%", "Love this", "Congrats!!", "Nooo", "Can confirm", "You're not wrong",
           "I needed to hear this today", "Same thing happened to me", "Big if true", "🔥🔥",
           "Thank you for sharing", "Respectfully, no", "This is the way", "W", "L take",
           "Omg yes", "Hahaha", "Where is this?", "How did you do that?", "Underrated comment",
           "Saving this", "Following", "Beautiful", "Ugh, I feel this", "Absolutely not",
           "Why is this so accurate", "I'm crying", "Facts", "Say it louder", "Good point",
           "Interesting, never thought of it that way", "Link?", "Which one?", "Happy for you!",
           "You okay?", "Sending love", "Ratio", "Based", "🙏", "❤️", "Sorry for your loss",
           "Proud of you", "What a time to be alive", "That's wild", "So cute!!",
           "Any update on this?", "Thanks, this helped", "I disagree but respect it",
           "Nah this ain't it", "Fair enough", "Didn't expect that ending", "Peak content"]
TOPIC_REPLIES = ["{E} really did that", "Honestly {E} deserved better", "Not {E} again",
                 "{E} is {A}", "Wait till you see {T}", "I was just talking about {T}",
                 "The {T} part is what gets me", "Yeah {E} has been {A} lately",
                 "Is {T} still happening?", "{T} was {A} for me too"]

SHARE_COMMENTS = ["Worth a read", "Wow", "This.", "Interesting", "Read this", "Huh.",
                  "Important", "Ugh", "Finally", "Good thread on this:", "Well then",
                  "Not surprised", "Big if true", "Everyone should read this", "Sad news",
                  "Great piece", "👀", "Oh no", "Wild", "Can't believe this", "Good news for once",
                  "Must read", "Long but worth it", "Saw this coming", "So this happened"]

EMOJI = ["😂", "😭", "🔥", "❤️", "✨", "🙏", "👀", "💀", "😅", "🥰", "🙌", "👏", "😍", "🤣",
         "💯", "🎉", "😎", "🤔", "😤", "🥲", "🌞", "🌧️", "☕", "🍕", "⚽", "🎮", "📚", "🎶"]

MONTHS = ["April", "May", "June", "July"]

# --------------------------------------------------------------------------
# Other languages: generic templates ({E}=entity, {T}=thing from the topic,
# {A}=adjective in that language).
# --------------------------------------------------------------------------
LANG = {
    "es": dict(
        open=['Bueno, ', 'Ay, ', 'Jaja ', 'Hoy: ', 'Oigan, ', 'Uff, ', 'En fin, ', 'Neta, '],
        add=['jaja', 'ni modo', 'qué le vamos a hacer', 'por fin', 'otra vez', 'ya no puedo', '😂', 'xd', 'de verdad', 'en serio'],
        adj=["increíble", "buenísimo", "un desastre", "lo máximo", "muy triste", "genial",
             "una locura", "tremendo", "precioso", "aburrido"],
        core=["No puedo creer lo de {E}", "{E} hoy estuvo {A}", "Alguien más viendo {T}?",
              "Qué opinan de {T}?", "Por fin {T}, ya era hora", "{T} me tiene {A}",
              "Hoy toca {E} con la familia", "Lo de {E} fue {A}, sin palabras",
              "Mañana empiezo con {T}, deséenme suerte", "{E} siempre me sorprende",
              "Me encanta {E}, de verdad", "Acabo de ver {T} y estoy {A}"],
        personal=["Buenos días a todos ☀️", "Qué calor hace hoy", "Lunes otra vez...",
                  "Necesito vacaciones urgente", "Café y a trabajar", "Feliz fin de semana!",
                  "No puedo dormir", "Qué día tan largo", "Hoy cocino yo", "Lloviendo otra vez"],
        replies=["Jajaja", "Totalmente de acuerdo", "Qué bonito", "No manches", "Así es",
                 "Fuente?", "Jajajaja no puede ser", "Me pasa igual", "Felicidades!!", "Qué fuerte"],
        share=["Miren esto", "Increíble", "Para leer", "Ojo con esto", "Qué noticia"]),
    "pt": dict(
        open=['Gente, ', 'Nossa, ', 'Bom, ', 'Hoje: ', 'Aff, ', 'Sério, ', 'Enfim, '],
        add=['kkkk', 'pelo amor', 'socorro', 'enfim', 'de novo', 'tô morta', 'rs', 'aff', 'né'],
        adj=["incrível", "muito bom", "um desastre", "perfeito", "triste demais", "top",
             "maravilhoso", "uma loucura", "chato", "surreal"],
        core=["Não acredito no que {E} fez", "{E} hoje foi {A}", "Alguém mais assistindo {T}?",
              "O que vocês acham de {T}?", "Finalmente {T}", "{T} tá {A}", "Hoje é dia de {E}",
              "Gente, {E} é {A}", "Amanhã começo {T}, torçam por mim", "{E} nunca decepciona",
              "Vi {T} agora e tô {A}", "Saudade de {E}"],
        personal=["Bom dia grupo ☀️", "Que calor hoje", "Segunda de novo...", "Preciso de férias",
                  "Café e trabalho", "Sextou!", "Não consigo dormir", "Dia longo", "Chuva de novo",
                  "Domingo em família"],
        replies=["Kkkkkk", "Verdade", "Que lindo", "Sério?", "Concordo demais", "Fonte?",
                 "Mds", "Parabéns!!", "Comigo também", "Kkkk morri"],
        share=["Olha isso", "Leiam", "Que notícia", "Absurdo", "Importante"]),
    "de": dict(
        open=['Na ja, ', 'Ach, ', 'Heute: ', 'Also ', 'Boah, ', 'Ehrlich, '],
        add=['naja', 'mal wieder', 'endlich', '😅', 'wie immer', 'echt jetzt', 'lol'],
        adj=["großartig", "furchtbar", "richtig gut", "enttäuschend", "genial", "verrückt",
             "wunderschön", "anstrengend", "okay", "peinlich"],
        core=["Kann nicht glauben, was {E} gemacht hat", "{E} heute war {A}", "Schaut noch jemand {T}?",
              "Was haltet ihr von {T}?", "Endlich {T}", "{T} ist echt {A}", "Heute {E} mit der Familie",
              "{E} ist einfach {A}", "Morgen fange ich mit {T} an", "{E} enttäuscht nie",
              "Gerade {T} gesehen, {A}"],
        personal=["Guten Morgen ☕", "Montag schon wieder", "Endlich Wochenende", "Regen, Regen, Regen",
                  "Urlaubsreif", "Kann nicht schlafen", "Langer Tag heute", "Feierabend!",
                  "Die Bahn ist mal wieder zu spät", "Sonntag auf dem Sofa"],
        replies=["Haha", "Genau so", "Stimmt", "Quelle?", "Wie schön", "Echt jetzt?", "Glückwunsch!",
                 "Geht mir genauso", "Absolut", "Nee"],
        share=["Lesenswert", "Wichtig", "Krass", "Wow", "Bitte teilen"]),
    "fr": dict(
        open=['Bon, ', 'Bref, ', 'Ah, ', "Aujourd'hui : ", 'Franchement, ', 'Alors '],
        add=['mdr', 'bref', 'encore', 'enfin', "j'en peux plus", 'ptdr', 'voilà'],
        adj=["incroyable", "génial", "une catastrophe", "magnifique", "nul", "ouf", "trop bien",
             "décevant", "parfait", "fatigant"],
        core=["Je n'en reviens pas de {E}", "{E} aujourd'hui c'était {A}", "Quelqu'un regarde {T} ?",
              "Vous pensez quoi de {T} ?", "Enfin {T}", "{T} c'est {A}", "Aujourd'hui {E} en famille",
              "{E} est vraiment {A}", "Demain je commence {T}", "{E} ne déçoit jamais",
              "Je viens de voir {T}, {A}"],
        personal=["Bonjour tout le monde ☀️", "Encore lundi", "Vivement le week-end", "Il pleut encore",
                  "Besoin de vacances", "Insomnie", "Longue journée", "Apéro ce soir !",
                  "Grève des trains, super", "Dimanche tranquille"],
        replies=["Mdr", "Exactement", "Trop beau", "Source ?", "Grave", "Sérieux ?", "Bravo !",
                 "Pareil pour moi", "Carrément", "Non mais"],
        share=["À lire", "Incroyable", "Important", "Wow", "Regardez ça"]),
    "id": dict(
        open=['Duh, ', 'Hari ini: ', 'Aduh, ', 'Btw ', 'Jujur, '],
        add=['wkwk', 'lagi', 'akhirnya', 'capek', 'hadeh', 'sih', 'banget'],
        adj=["keren banget", "parah", "mantap", "sedih", "lucu", "gila", "bagus", "capek"],
        core=["Gak nyangka {E} begitu", "{E} hari ini {A}", "Ada yang nonton {T}?",
              "Gimana menurut kalian soal {T}?", "Akhirnya {T}", "{T} {A} sih", "{E} {A} banget",
              "Besok mulai {T}, doain ya", "Baru lihat {T}, {A}"],
        personal=["Selamat pagi semua", "Senin lagi...", "Macet parah", "Hujan terus",
                  "Butuh liburan", "Gak bisa tidur", "Akhirnya weekend", "Lapar"],
        replies=["Wkwkwk", "Setuju", "Bener banget", "Sumber?", "Keren", "Serius?", "Selamat ya!",
                 "Sama", "Mantap", "Hahaha"],
        share=["Baca ini", "Penting", "Wow", "Parah"]),
    "tl": dict(
        open=['Hay, ', 'Grabe, ', 'Ngayon: ', 'Ay, ', 'Talaga, '],
        add=['haha', 'ulit', 'sana all', 'charot', 'lol', 'diba'],
        adj=["grabe", "ang ganda", "nakakaiyak", "sobrang saya", "nakakainis", "astig", "sulit"],
        core=["Grabe si {E}", "{E} ngayon, {A}", "May nanonood ba ng {T}?", "Ano masasabi niyo sa {T}?",
              "Sa wakas, {T}", "{T} ay {A}", "Bukas {T} na, pray for me", "{E} talaga, {A}"],
        personal=["Good morning mga ka-tweeps", "Lunes na naman", "Ang init grabe", "Traffic sa EDSA",
                  "Kailangan ko ng bakasyon", "Di makatulog", "Sahod na!", "Ulan na naman"],
        replies=["Hahahaha", "Totoo", "Sana all", "Grabe", "Congrats!!", "Legit", "Same", "Omg"],
        share=["Basahin niyo", "Grabe to", "Importante"]),
    "hi": dict(
        open=['Yaar ', 'Arre ', 'Aaj ', 'Bhai ', 'Uff '],
        add=['yaar', 'haha', 'phir se', 'finally', 'kya karein', 'lol'],
        adj=["mast", "bekaar", "zabardast", "bohot accha", "ajeeb", "shandaar"],
        core=["Yaar {E} ne kya kar diya", "{E} aaj {A} tha", "Koi {T} dekh raha hai?",
              "{T} ke baare mein kya sochte ho?", "Finally {T}", "{T} ekdum {A}",
              "Kal se {T} shuru", "{E} is {A} bhai"],
        personal=["Good morning sabko", "Phir se Monday", "Bohot garmi hai", "Chai time ☕",
                  "Chutti chahiye", "Neend nahi aa rahi", "Traffic ne maar diya"],
        replies=["Hahaha sahi", "Bilkul", "Sach mein?", "Kya baat hai", "Badhai ho!", "Same yaar",
                 "Ekdum sahi", "😂😂"],
        share=["Zaroor padho", "Dekho ye", "Important hai"]),
    "ja": dict(
        open=['今日は', 'あー', 'やっと', 'なんか', 'ねえ、'],
        add=['笑', 'w', 'つらい', 'また', 'かな', '最高', '😂'],
        adj=["最高", "すごい", "やばい", "悲しい", "面白い", "微妙", "感動した", "疲れた"],
        core=["{E}、今日は{A}", "{T}見てる人いる？", "{T}についてどう思う？", "やっと{T}",
              "{T}が{A}", "今日は{E}", "{E}ほんとに{A}", "明日から{T}頑張る", "{T}見た、{A}"],
        personal=["おはようございます", "月曜日つらい", "今日も暑い", "雨だ…", "眠れない",
                  "週末だ！", "仕事終わった〜", "コーヒー飲みたい", "ラーメン食べた"],
        replies=["わかる", "それな", "草", "すごい！", "おめでとう！", "ほんとそれ", "まじか",
                 "ありがとう", "かわいい", "笑"],
        share=["これ読んで", "すごい", "重要", "まじか"]),
    "ko": dict(
        open=['오늘 ', '아 ', '진짜 ', '드디어 ', '하 '],
        add=['ㅋㅋ', 'ㅠㅠ', '또', '드디어', '진짜로'],
        adj=["최고", "대박", "슬퍼", "웃겨", "별로", "감동", "미쳤다"],
        core=["{E} 오늘 {A}", "{T} 보는 사람?", "{T} 어떻게 생각해?", "드디어 {T}", "{T} 진짜 {A}",
              "오늘은 {E}", "내일부터 {T} 시작", "{T} 봤는데 {A}"],
        personal=["좋은 아침", "월요일 싫어", "너무 덥다", "비 온다", "잠이 안 와", "주말이다!",
                  "퇴근!", "커피 수혈 중"],
        replies=["ㅋㅋㅋㅋ", "인정", "대박", "진짜?", "축하해!", "나도", "ㅠㅠ", "맞아"],
        share=["이거 봐", "대박", "읽어보세요"]),
    "zh": dict(
        open=['今天', '唉，', '终于', '哈哈', '说真的，'],
        add=['哈哈', '又来了', '终于', '好累', '呜呜', '绝了', '笑死'],
        adj=["太棒了", "好难过", "绝了", "太好笑了", "一般般", "好感动", "太累了", "真不错"],
        core=["{E}今天真的{A}", "有人在看{T}吗？", "大家觉得{T}怎么样？", "终于{T}了", "{T}真的{A}",
              "今天{E}", "明天开始{T}，加油", "刚看了{T}，{A}", "{E}永远的神"],
        personal=["早安", "又是星期一", "今天好热", "下雨了", "睡不着", "周末快乐", "下班了！",
                  "想喝奶茶", "好想放假", "今天吃了火锅"],
        replies=["哈哈哈哈", "同意", "真的假的", "太可爱了", "恭喜！", "我也是", "笑死", "确实",
                 "支持", "好看"],
        share=["推荐阅读", "值得一看", "天啊", "重要"]),
    "tr": dict(
        open=['Bugün ', 'Ya ', 'Off ', 'Sonunda ', 'Açıkçası '],
        add=['ya', 'yine', 'sonunda', '😂', 'of'],
        adj=["harika", "berbat", "çok iyi", "üzücü", "komik", "efsane", "yorucu"],
        core=["{E} bugün {A}", "{T} izleyen var mı?", "{T} hakkında ne düşünüyorsunuz?",
              "Sonunda {T}", "{T} gerçekten {A}", "Bugün {E} günü", "Yarın {T} başlıyor"],
        personal=["Günaydın", "Yine pazartesi", "Çok sıcak", "Yağmur yağıyor", "Uyuyamıyorum",
                  "Hafta sonu geldi", "Çay saati ☕", "Tatil lazım"],
        replies=["Hahaha", "Aynen", "Kesinlikle", "Ciddi mi?", "Tebrikler!", "Bence de", "Çok güzel"],
        share=["Okuyun", "Önemli", "İnanılmaz"]),
    "ar": dict(
        open=['اليوم ', 'يا رب ', 'أخيرا ', 'والله '],
        add=['😂', 'مرة ثانية', 'الحمد لله', 'ههه'],
        adj=["رائع", "سيء", "جميل جدا", "محزن", "مضحك", "مذهل"],
        core=["{E} اليوم {A}", "أحد يتابع {T}؟", "ما رأيكم في {T}؟", "أخيرا {T}", "{T} {A} فعلا",
              "اليوم {E}", "بكرة أبدأ {T}"],
        personal=["صباح الخير", "الجو حار جدا", "يوم طويل", "نهاية أسبوع سعيدة", "ما قدرت أنام",
                  "قهوة الصباح ☕", "جمعة مباركة"],
        replies=["هههههه", "صح", "والله", "مبروك!", "جميل", "حقيقي؟", "نفس الشيء"],
        share=["اقرأوا هذا", "مهم", "خبر"]),
    "sw": dict(
        open=['Leo ', 'Aisee ', 'Kwa kweli '],
        add=['haha', 'tena', 'sawa'],
        adj=["poa sana", "mbaya", "nzuri", "ya kuchekesha"],
        core=["{E} leo ilikuwa {A}", "Nani anaangalia {T}?", "Mnaonaje kuhusu {T}?", "Hatimaye {T}"],
        personal=["Habari za asubuhi", "Jumatatu tena", "Joto sana leo", "Mvua tena"],
        replies=["Hahaha", "Kweli", "Hongera!", "Sawa kabisa"],
        share=["Soma hii", "Muhimu"]),
}

_WORD_RE = re.compile(r"\w+", re.UNICODE)


_PROPER = {}


def proper_ents(topic):
    """Entities that read as names in any language (no English articles)."""
    if topic not in _PROPER:
        ents = TOPICS[topic]["ents"]
        _PROPER[topic] = [e for e in ents if e[:1].isupper() and not e.startswith(("The ", "My ", "Our "))] or None
    return _PROPER[topic]


_CLEAN = [("The the ", "The "), ("the the ", "the "), ("The my ", "My "), ("the my ", "my "), ("The our ", "Our "),
          ("the our ", "our "), ("a the ", "the "), ("A the ", "The "), ("The a ", "A "), ("the a ", "a ")]


def fill(r: Rand, tmpl: str, topic: str | None, lang: str = "en") -> str:
    d = TOPICS.get(topic) if topic else None
    out = tmpl
    ents = d["ents"] if d else None
    things = d["things"] if d else None
    if lang != "en" and d is not None:
        ents = proper_ents(topic) or ["..."]
        things = ents
    if "{E}" in out:
        out = out.replace("{E}", r.choice(ents) if d else "this", 1)
        out = out.replace("{E}", r.choice(ents) if d else "this")
    if "{T}" in out:
        out = out.replace("{T}", r.choice(things) if d else "this")
    if "{A}" in out:
        adjs = LANG[lang]["adj"] if lang in LANG else ADJ
        out = out.replace("{A}", r.choice(adjs))
    if "{N}" in out:
        out = out.replace("{N}", str(r.randint(2, 40)))
    if "{MONTH}" in out:
        out = out.replace("{MONTH}", r.choice(MONTHS))
    if "{" in out:
        for k, vs in SLOTS.items():
            key = "{" + k + "}"
            if key in out:
                out = out.replace(key, r.choice(vs))
    for a, b in _CLEAN:
        if a in out:
            out = out.replace(a, b)
    if out[:1].islower() and tmpl[:1] == "{":
        out = out[0].upper() + out[1:]
    return out


def noise(r: Rand, s: str, level: float = 1.0) -> str:
    """Natural variation: casing, dropped punctuation, the odd typo."""
    if not s:
        return s
    if r.chance(0.25 * level) and s[0].isalpha():
        s = s[0].lower() + s[1:]
    if r.chance(0.15 * level) and s[-1] in ".!":
        s = s[:-1]
    if r.chance(0.06 * level):
        s = s.lower()
    if r.chance(0.12 * level) and len(s) > 12:
        i = r.randint(1, len(s) - 2)
        if s[i].isalpha() and s[i + 1].isalpha():
            s = s[:i] + s[i + 1] + s[i] + s[i + 2:]
    if r.chance(0.05 * level):
        s = s.replace("you", "u").replace("are ", "r ")
    return s


def organic_post(r: Rand, lang: str, topic: str | None, platform: str, personal_p: float = 0.25):
    """(text, hashtags) for an ordinary person's own post."""
    d = TOPICS.get(topic) if topic else None
    tags = []
    if lang not in LANG and lang != "en":
        lang = "en"
    if lang == "en":
        x = r.u()
        if d is None or x < personal_p:
            core = fill(r, r.choice(PERSONAL), topic)
        else:
            core = fill(r, r.choice(d["core"]), topic)
        s = r.choice(OPENERS) + core
        if r.chance(0.22):
            # a second clause makes posts longer and more varied
            extra = fill(r, r.choice(d["core"] if d and r.chance(0.5) else PERSONAL), topic)
            s = s + r.choice([". ", ". Also ", " and ", ", meanwhile ", ". Anyway, "]) + extra[0].lower() + extra[1:]
        s = s + r.choice(CLOSERS)
    else:
        L = LANG[lang]
        if d is None or r.u() < personal_p or proper_ents(topic) is None:
            s = r.choice(L["personal"])
            if r.chance(0.45):
                s2 = r.choice(L["personal"])
                if s2 != s:
                    s = s + r.choice([". ", ", ", " ", "... "]) + s2
        else:
            s = fill(r, r.choice(L["core"]), topic, lang)
        x = r.u()
        if x < 0.3:
            s = r.choice(L.get("open", [""])) + s
        elif x < 0.55:
            s = s + " " + r.choice(L.get("add", [""]))
        if r.chance(0.35):
            s = s + " " + "".join(r.choice(EMOJI) for _ in range(r.randint(1, 3)))
    s = noise(r, s)
    # hashtags
    p_tag = {"twitter": 0.22, "tiktok": 0.85, "facebook": 0.08, "youtube": 0.15, "reddit": 0.0}[platform]
    if d and r.chance(p_tag):
        k = 1 if platform != "tiktok" else r.randint(2, 5)
        for _ in range(k):
            t = r.choice(d["tags"])
            if t not in tags:
                tags.append(t)
        if platform == "tiktok":
            for t in r.sample(["fyp", "foryou", "foryoupage", "viral", "trending", "xyzbca"], r.randint(0, 3)):
                if t not in tags:
                    tags.append(t)
    if tags:
        s = s + " " + " ".join("#" + t for t in tags)
    return s, tags


def reddit_title(r: Rand, lang: str, topic: str | None) -> str:
    d = TOPICS.get(topic) if topic else None
    if lang != "en" or d is None:
        return organic_post(r, lang, topic, "reddit")[0]
    pat = r.choice(["{c}", "{c}?", "[Discussion] {c}", "Does anyone else think {e} is {a}?",
                    "What's your take on {t}?", "PSA: {c}", "{c} (long post, sorry)",
                    "Need advice about {t}", "Is it just me or is {t} {a}?", "Weekly thread: {t}",
                    "TIL about {t}", "Finally did it: {c}", "{e} appreciation post",
                    "Serious question about {e}", "Help: {t} not working"])
    return (pat.replace("{c}", fill(r, r.choice(d["core"]), topic))
            .replace("{e}", r.choice(d["ents"])).replace("{t}", r.choice(d["things"]))
            .replace("{a}", r.choice(ADJ)))


def video_title(r: Rand, lang: str, topic: str | None) -> str:
    d = TOPICS.get(topic) if topic else None
    if lang != "en" or d is None:
        return organic_post(r, lang, topic, "youtube")[0]
    pat = r.choice(["{E}: {T} explained", "I tried {T} for 30 days", "{E} - full review",
                    "Reacting to {T}", "{T} vlog #{N}", "Why {E} is {A}", "{E} | {T} (4K)",
                    "My honest thoughts on {E}", "{T} tutorial for beginners", "{E} {T} highlights",
                    "A day in my life: {T}", "Ranking {E} from worst to best", "{E} in {N} minutes"])
    return fill(r, pat, topic)


def organic_reply(r: Rand, lang: str, topic: str | None) -> str:
    if lang in LANG:
        s = r.choice(LANG[lang]["replies"])
        if r.chance(0.2):
            s += " " + r.choice(EMOJI)
        return s
    d = TOPICS.get(topic) if topic else None
    x = r.u()
    if d is not None and x < 0.3:
        s = fill(r, r.choice(TOPIC_REPLIES), topic)
    else:
        s = r.choice(REPLIES)
        if r.chance(0.25):
            s2 = r.choice(REPLIES)
            if s2 != s:
                s = s + r.choice([". ", " ", "! "]) + s2
    if r.chance(0.2):
        s += " " + r.choice(EMOJI)
    return noise(r, s, 0.8)


def share_comment(r: Rand, lang: str) -> str:
    if lang in LANG:
        return r.choice(LANG[lang]["share"])
    s = r.choice(SHARE_COMMENTS)
    if r.chance(0.25):
        s += " " + r.choice(EMOJI)
    return s


def detect_lang_of(text: str, lang: str | None):
    """The post-level lang as a platform would label it (None for near-empty)."""
    if not text:
        return None
    if len(_WORD_RE.findall(text)) == 0:
        return None
    return lang


def slugify(s: str, maxlen: int = 70) -> str:
    out = []
    for ch in s.lower():
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")[:maxlen].strip("-")
