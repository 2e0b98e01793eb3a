"""Indicator import: Meta's three layouts, STIX 2.1 bundles and plain lists (cibwatch.intel).

Fixtures in ``fixtures/intel`` are real published files (sources and licences in
``fixtures/README.md``); the expected numbers were counted independently of the parser, with
grep/sed/sort in the shell (commands quoted next to each number).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from cibwatch.errors import FormatError, InputError
from cibwatch.intel import (
    Indicator,
    IndicatorSet,
    account_from_url,
    canonical_platform,
    detect_format,
    read_indicators,
    refang,
)

INTEL = Path(__file__).resolve().parent / "fixtures" / "intel"
SPAMOUFLAGE = INTEL / "Q2_2023_Spamouflage_China_based_CIB_updated.csv"
META_2022 = INTEL / "2022_09_removing_coordinated_inauthentic_behavior_from_china_and_russia.csv"
MD_MOLDOVA = INTEL / "meta-h2-2025-moldova-based-cib-network.md"
MD_PAKISTAN = INTEL / "meta-h1-2026-pakistan-based-cib-network.md"
GRAPHIKA = INTEL / "Glass_Onion_STIX_bundle.json"


@pytest.fixture(scope="module")
def spam() -> IndicatorSet:
    return read_indicators(SPAMOUFLAGE)


def _accounts(s: IndicatorSet) -> set[tuple[str | None, str]]:
    return {(i.platform, i.value) for i in s.indicators if i.type == "account"}


# ------------------------------------------------------------------------------------------
# Meta 2023- kill-chain CSV: the August 2023 Spamouflage takedown
# ------------------------------------------------------------------------------------------

# Distinct accounts per platform in the Spamouflage file, counted in the shell with
# F=Q2_2023_Spamouflage_China_based_CIB_updated.csv:
#   twitter 35   grep -o 'twitter\[\.\]com/[A-Za-z0-9_]*' $F | tr A-Z a-z | sort -u | wc -l
#   tiktok 5     grep -o 'tiktok\[\.\]com/@[^/,]*' $F | sort -u | wc -l
#   medium 50    48 rows medium[.]com/@NAME + 5 rows NAME[.]medium[.]com, 53 rows, sort -u -> 50
#   reddit 60    grep -o 'reddit\[\.\]com/user/[^/,]*' $F | tr A-Z a-z | sort -u | wc -l
#                (64 rows; the 2 reddit.com/r/ rows are subreddits, not accounts)
#   tumblr 20    www[.]tumblr[.]com/NAME (19) + NAME[.]tumblr[.]com (1), all distinct
#   quora 8      grep -o 'quora\[\.\]com/profile/[^/,]*' $F | sort -u | wc -l  (the 5
#                NAME[.]quora[.]com rows are Quora Spaces, i.e. communities: URLs)
#   vimeo 7      grep -o 'vimeo\[\.\]com/user[0-9]*' $F | sort -u | wc -l
#   the rest     grep -c per site: nanyangmoney 4, livejournal 3, nairaland 3, opendiary 3,
#                2 each for vk, soundcloud, flickr, artstation, pixiv, steemit, backchina and
#                forum.molihua.org/u/, 1 each for the 15 other forum or blog sites.
SPAMOUFLAGE_ACCOUNTS = {
    "twitter": 35, "tiktok": 5, "medium": 50, "reddit": 60, "nairaland": 3, "disqus": 1,
    "skyrock": 1, "backchina.com": 2, "nanyangmoney.com": 4, "artstation": 2,
    "forum.molihua.org": 2, "scoop.it": 1, "cont.ws": 1, "thestudentroom.co.uk": 1,
    "wattpad": 1, "opendiary.com": 3, "github": 1, "steemit": 2, "livedoor": 1, "9gag": 1,
    "ameblo": 1, "pixiv": 2, "liveinternet": 1, "fanfiction": 1, "pakistan-forums.com": 1,
    "bastillepost.com": 1, "dzen": 1, "livejournal": 3, "tumblr": 20, "vimeo": 7,
    "soundcloud": 2, "vk": 2, "quora": 8, "flickr": 2,
}


def test_spamouflage_is_read_as_kill_chain_layout(spam: IndicatorSet) -> None:
    assert detect_format(SPAMOUFLAGE) == "meta-ttp"
    assert spam.fmt == "meta-ttp"
    assert spam.rejects == []


def test_spamouflage_accounts_per_platform(spam: IndicatorSet) -> None:
    assert spam.by_platform() == SPAMOUFLAGE_ACCOUNTS
    assert sum(SPAMOUFLAGE_ACCOUNTS.values()) == 229
    # Every account row is kept (duplicates included): 250 URL cells (grep -c 'https\?://')
    # minus 14 that belong to no account (2 subreddits, 5 Quora Space URLs, 7 article/thread
    # URLs) = 236.
    assert sum(1 for i in spam.indicators if i.type == "account") == 236


def test_spamouflage_profile_urls_become_handles(spam: IndicatorSet) -> None:
    accounts = _accounts(spam)
    assert ("twitter", "GarciaJasmyn1") in accounts  # https://twitter[.]com/GarciaJasmyn1/
    assert ("tiktok", "deandrela3") in accounts
    assert ("medium", "malik.johnny2310") in accounts  # medium[.]com/@malik[.]johnny2310
    assert ("medium", "gayleenwxmzw98") in accounts  # gayleenwxmzw98[.]medium[.]com
    assert ("reddit", "Enough_Personality92") in accounts
    assert ("quora", "Ada-Park") in accounts  # jp[.]quora[.]com/profile/Ada-Park
    assert ("vk", "s.dsdd") in accounts
    assert ("flickr", "192571094@N08") in accounts
    first = next(i for i in spam.indicators if i.type == "account")
    assert first == Indicator("account", "GarciaJasmyn1", "twitter", SPAMOUFLAGE.name, 6,
                              "0.9.4 Acquiring X / Twitter accounts")


def test_spamouflage_urls_domains_and_texts(spam: IndicatorSet) -> None:
    # The file's 273 "article" rows (grep -c '^6\. ') are article titles, not URLs: 270 texts
    # and 3 hashtags; its 250 URLs sit on 55 hosts (grep -o 'https\?://[^/,]*' | sort -u).
    # What stays a URL: 14 URLs outside any account plus 2 posts inside one (a Tumblr post,
    # a SoundCloud track). No cell is a bare domain.
    counts = spam.counts()
    assert counts == {"account": 229, "url": 16, "text": 267, "hashtag": 3, "fact": 5}
    assert "domain" not in counts
    article_rows = [i for i in spam.indicators + spam.facts if i.line and i.line >= 258]
    assert len(article_rows) == 273
    assert {i.type for i in article_rows} == {"text", "hashtag"}
    assert sum(1 for i in spam.indicators if i.type == "text") == 270
    urls = [i.value for i in spam.indicators if i.type == "url"]
    assert "https://www.reddit.com/r/meiguominzhu/" in urls
    assert "https://nastavladimirovasspace.quora.com/" in urls
    assert ("https://www.indiatimes.com/explainers/news/victory-day-in-russia-its-significance"
            "-this-may-9-569022.html") in urls  # the trailing " [comment]" went to the note
    tags = [i.value for i in spam.indicators if i.type == "hashtag"]
    assert tags[1:] == ["americathethief", "americanisafailedstate"]


def test_spamouflage_post_url_yields_account_and_url(spam: IndicatorSet) -> None:
    at_212 = [(i.type, i.platform, i.value) for i in spam.indicators if i.line == 212]
    assert at_212 == [
        ("account", "tumblr", "teamilk951"),
        ("url", None, "https://www.tumblr.com/teamilk951/670802564544151552/"
                      "milk-tea-alliance-releases-investigation-report"),
    ]
    at_237 = [(i.type, i.platform) for i in spam.indicators if i.line == 237]
    assert at_237 == [("account", "soundcloud"), ("url", None)]


def test_spamouflage_facts_are_not_seeds(spam: IndicatorSet) -> None:
    facts = [f.value for f in spam.facts]
    assert facts[:4] == ["7,704 Facebook accounts", "954 Facebook Pages", "15 Facebook Groups",
                         "15 Instagram accounts"]
    assert facts[4].startswith("The network often used accounts and Pages")
    assert all(f.type == "fact" for f in spam.facts)
    assert not [i for i in spam.indicators if i.type == "fact"]
    seeds = spam.seeds_rows()
    assert not [r for r in seeds if r["type"] == "fact" or "7,704" in r["value"]]
    assert len(seeds) == 229 + 16 + 267 + 3
    assert seeds[0] == {"type": "account", "value": "GarciaJasmyn1", "platform": "twitter"}


def test_spamouflage_is_refanged_and_in_file_order(spam: IndicatorSet) -> None:
    for ind in spam.indicators:
        if ind.type in ("account", "url", "domain"):
            assert "[.]" not in ind.value and "hxxp" not in ind.value, ind
    lines = [i.line or 0 for i in spam.indicators]
    assert lines == sorted(lines)
    again = read_indicators(SPAMOUFLAGE)
    assert again.indicators == spam.indicators and again.facts == spam.facts


# ------------------------------------------------------------------------------------------
# Meta 2020-22 CSV
# ------------------------------------------------------------------------------------------


def test_meta_2020_22_layout() -> None:
    s = read_indicators(META_2022)
    assert s.fmt == "meta-csv" and s.rejects == [] and s.facts == []
    # grep -c '^domain_name,' -> 313 rows; refanged, lower-cased, without www., sort -u -> 311
    assert sum(1 for i in s.indicators if i.type == "domain") == 313
    # 15 telegram_url rows, 15 distinct channels; cib_url: 22 rows, one is a LiveJournal blog
    # (an account), t.me/news_munchen/42 is a post (account + URL).
    assert s.counts() == {"account": 16, "url": 22, "domain": 311}
    assert s.by_platform() == {"telegram": 15, "livejournal": 1}
    first = s.indicators[0]
    assert first == Indicator("url", "https://www.petice.com/poadavek_aby_vlada_fiala_kladla_na_"
                              "prvni_misto_zajmy_svych_oban", None, META_2022.name, 2,
                              "China: CIB Petition; ds=2022-09-27")
    post = [(i.type, i.value) for i in s.indicators if i.line == 345]
    assert post == [("account", "news_munchen"), ("url", "https://t.me/news_munchen/42")]


def test_meta_2020_22_rejects_name_line_and_field(tmp_path: Path) -> None:
    f = tmp_path / "iocs.csv"
    f.write_text("indicator_type,indicator_value,comment,ds\n"
                 "domain_name,example[.]com,ok,2022-01-01\n"
                 "md5,10c1f38305792a0f925e8a2cf9482ce3,Plugin,2021-03-24\n"
                 "domain_name,fbc8213450838f7ae251d4,odd,2021-12-16\n"
                 "mystery_type,foo,,\n"
                 "url,,empty,\n", encoding="utf-8")
    s = read_indicators(f)
    assert [i.value for i in s.indicators] == ["example.com"]
    assert [(line, fld) for line, fld, _ in s.rejects] == [
        (3, "indicator_type"), (4, "indicator_value"), (5, "indicator_type"),
        (6, "indicator_value")]
    assert "md5" in s.rejects[0][2] and "not imported" in s.rejects[0][2]
    assert "not a valid domain" in s.rejects[1][2]


# ------------------------------------------------------------------------------------------
# Meta 2025- Markdown
# ------------------------------------------------------------------------------------------


def test_markdown_moldova() -> None:
    s = read_indicators(MD_MOLDOVA)
    assert s.fmt == "meta-md" and s.rejects == []
    # | Domain | `hxxps://gagauzia24[.]info/` | : a site root under "Domain" is a domain
    assert s.indicators[0] == Indicator("domain", "gagauzia24.info", None, MD_MOLDOVA.name, 17,
                                        "Domain")
    assert s.by_platform() == {"twitter": 2, "youtube": 1, "tiktok": 3, "vk": 1}
    assert ("youtube", "gagauzia_24") in _accounts(s)
    assert ("vk", "id464508604") in _accounts(s)
    assert all(i.note == "Social Media Account" for i in s.indicators[1:])


def test_markdown_pakistan() -> None:
    s = read_indicators(MD_PAKISTAN)
    assert s.counts() == {"account": 6, "domain": 1}
    assert _accounts(s) == {
        ("twitter", "auroraapricus"), ("twitter", "BalochDiaries"),
        ("twitter", "shaziia_tweets"), ("twitter", "Abbasbugti52"),
        ("youtube", "Baloch5225"), ("youtube", "UCQ8TUByC9EmbhoUDaInIGeA")}
    assert [i.line for i in s.indicators] == list(range(29, 36))  # grep -n "^| [DS]"


def test_markdown_without_indicators_and_bad_rows(tmp_path: Path) -> None:
    empty = tmp_path / "none.md"
    empty.write_text("# Indicators of Compromise\n\n*No IOCs associated with this report.*\n",
                     encoding="utf-8")
    s = read_indicators(empty)
    assert s.fmt == "meta-md" and s.indicators == [] and s.rejects == []
    assert s.skipped == [(0, "the page says it lists no indicators")]
    bad = tmp_path / "bad.md"
    bad.write_text("intro\n\n| Indicator Type | Indicator Value |\n| :--- | :--- |\n"
                   "| URL | `hxxps://example[.]org/a\\|b` |\n| Proxy IP | `999[.]1[.]1[.]1` |\n"
                   "| Social Media Account | `https://news[.]example/story/1` |\n",
                   encoding="utf-8")
    s = read_indicators(bad)
    assert s.rejects == [(6, "Indicator Value", "not a valid ip: '999[.]1[.]1[.]1'")]
    assert [(i.type, i.line) for i in s.indicators] == [("url", 5), ("url", 7)]
    assert "not recognised as a profile URL" in s.indicators[1].note


# ------------------------------------------------------------------------------------------
# STIX 2.1
# ------------------------------------------------------------------------------------------


def test_graphika_bundle() -> None:
    s = read_indicators(GRAPHIKA)
    assert s.fmt == "stix" and s.rejects == []
    # Counted with json alone: 139 domain-name, 56 ipv4-addr, 5 channel (4 x.com, 1
    # facebook.com/profile.php), 5 media-content (4 x.com status URLs, 1 facebook share URL),
    # 589 objects in all.
    assert s.counts() == {"account": 5, "url": 5, "domain": 139, "ip": 56}
    assert s.by_platform() == {"twitter": 4, "facebook": 1}
    assert ("facebook", "61553686025208") in _accounts(s)
    assert sum(1 for i in s.indicators if i.type == "account") == 9  # 5 channels + 4 posts
    assert len(s.skipped) == 589 - 5 - 5 - 139 - 56
    ch = next(i for i in s.indicators if i.type == "account")
    assert (ch.value, ch.line, ch.note) == ("AllistirM42680", 58,
                                            "channel--8ea68352-4b37-4497-9993-482d53a75573")
    assert "https://www.facebook.com/share/p/1U2wkycVR3/" in {
        i.value for i in s.indicators if i.type == "url"}


def test_stix_bundle_made_with_stix2(tmp_path: Path) -> None:
    stix2 = pytest.importorskip("stix2")
    objs = [
        stix2.UserAccount(account_login="GarciaJasmyn1", account_type="twitter"),
        stix2.UserAccount(account_login="deandrela3", account_type="tiktok",
                          x_cibwatch_platform="tiktok", allow_custom=True),
        stix2.UserAccount(user_id="61553686025208", account_type="facebook"),
        stix2.Indicator(pattern_type="stix", valid_from="2023-08-29T00:00:00Z",
                        pattern="[user-account:account_login = 'BalochDiaries' AND "
                                "user-account:account_type = 'x']"),
        stix2.Indicator(pattern_type="stix", valid_from="2023-08-29T00:00:00Z",
                        pattern="[url:value = 'https://x.com/a_b/status/1'] OR "
                                "[domain-name:value = 'WWW.Example.ORG']"),
        stix2.IPv4Address(value="45.141.152.19"),
        stix2.DomainName(value="weeklytimesnet.com"),
        stix2.File(name="x.apk"),
        stix2.Indicator(pattern_type="stix", valid_from="2023-08-29T00:00:00Z",
                        pattern="[file:hashes.MD5 = '10c1f38305792a0f925e8a2cf9482ce3']"),
    ]
    bundle = stix2.Bundle(objects=objs, allow_custom=True)
    f = tmp_path / "export.json"
    f.write_text(bundle.serialize(), encoding="utf-8")
    s = read_indicators(f)
    assert [(i.type, i.platform, i.value, i.line) for i in s.indicators] == [
        ("account", "twitter", "GarciaJasmyn1", 1),
        ("account", "tiktok", "deandrela3", 2),
        ("account", "facebook", "61553686025208", 3),
        ("account", "twitter", "BalochDiaries", 4),
        ("account", "twitter", "a_b", 5), ("url", None, "https://x.com/a_b/status/1", 5),
        ("domain", None, "example.org", 5),
        ("ip", None, "45.141.152.19", 6),
        ("domain", None, "weeklytimesnet.com", 7),
    ]
    assert s.indicators[0].note == objs[0].id
    assert [(line, fld) for line, fld, _ in s.rejects] == [(8, "type"), (9, "pattern")]


def test_stix_broken_pattern_is_a_reject(tmp_path: Path) -> None:
    f = tmp_path / "b.json"
    f.write_text(json.dumps({"type": "bundle", "id": "bundle--1", "objects": [
        {"type": "indicator", "id": "indicator--1", "pattern": "[url:value = 'x'",
         "pattern_type": "stix"},
        {"type": "indicator", "id": "indicator--2", "pattern": "alert tcp any any",
         "pattern_type": "snort"},
        {"type": "report", "id": "report--1", "name": "r"},
        {"type": "url", "id": "url--1", "value": "hxxps://t[.]me/AlloAfrique"},
    ]}), encoding="utf-8")
    s = read_indicators(f)
    assert [r[:2] for r in s.rejects] == [(1, "pattern"), (2, "pattern")]
    assert "cannot be parsed" in s.rejects[0][2]
    assert s.skipped == [(3, "STIX report carries no indicator")]
    assert [(i.type, i.platform, i.value) for i in s.indicators] == [
        ("account", "telegram", "AlloAfrique")]


# ------------------------------------------------------------------------------------------
# Plain lists and seeds
# ------------------------------------------------------------------------------------------


def test_plain_list(tmp_path: Path) -> None:
    f = tmp_path / "seeds.txt"
    f.write_text(
        "# Spamouflage seeds (a comment: '#' then a space)\n"
        "#\n"
        "@GarciaJasmyn1\n"
        "twitter:@ZoeRich28859010\n"
        "tiktok:deandrela3\n"
        "https://twitter[.]com/End05201180\n"
        "hxxps://x[.]com/HeidiCreel2/status/1690000000000000000\n"
        "\n"
        "https://www.wort.lu/de/news/some-article\n"
        "WWW.Weeklytimesnet[.]com\n"
        "#AmericaTheThief\n"
        "45[.]141[.]152[.]19\n"
        "info[at]amc239[.]com\n"
        "Milk Tea Alliance releases investigation report\n"
        "About 3,800 accounts followed one or more of these Pages\n", encoding="utf-8")
    s = read_indicators(f)
    assert s.fmt == "list" and s.rejects == []
    got = [(i.type, i.platform, i.value, i.line) for i in s.indicators]
    assert got == [
        ("account", None, "GarciaJasmyn1", 3),
        ("account", "twitter", "ZoeRich28859010", 4),
        ("account", "tiktok", "deandrela3", 5),
        ("account", "twitter", "End05201180", 6),
        ("account", "twitter", "HeidiCreel2", 7),
        ("url", None, "https://x.com/HeidiCreel2/status/1690000000000000000", 7),
        ("url", None, "https://www.wort.lu/de/news/some-article", 9),
        ("domain", None, "weeklytimesnet.com", 10),
        ("hashtag", None, "americathethief", 11),
        ("ip", None, "45.141.152.19", 12),
        ("email", None, "info@amc239.com", 13),
        ("text", None, "Milk Tea Alliance releases investigation report", 14),
    ]
    assert [(f.type, f.line) for f in s.facts] == [("fact", 15)]
    assert s.by_platform() == {"unknown": 1, "twitter": 3, "tiktok": 1}


def test_seeds_rows_round_trip(tmp_path: Path, spam: IndicatorSet) -> None:
    out = tmp_path / "seeds.csv"
    rows = spam.seeds_rows()
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["type", "value", "platform"])
        w.writeheader()
        w.writerows(rows)
    back = read_indicators(out)
    assert back.fmt == "seeds" and back.rejects == []
    assert back.seeds_rows() == rows
    assert back.by_platform() == SPAMOUFLAGE_ACCOUNTS


# ------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "expected"), [
    ("https://twitter[.]com/GarciaJasmyn1/", ("twitter", "GarciaJasmyn1")),
    ("https://x.com/SophiaGnzlz", ("twitter", "SophiaGnzlz")),
    ("https://x.com/AllistirM42680/status/1972477050301935914", ("twitter", "AllistirM42680")),
    ("x.com/PeggyGranata", ("twitter", "PeggyGranata")),
    ("hxxps://www[.]tiktok[.]com/@deandrela3", ("tiktok", "deandrela3")),
    ("https://www.tiktok.com/@amelia.wilson237/video/7", ("tiktok", "amelia.wilson237")),
    ("https://medium[.]com/@malik[.]johnny2310", ("medium", "malik.johnny2310")),
    ("https://gayleenwxmzw98[.]medium[.]com/", ("medium", "gayleenwxmzw98")),
    ("https://www[.]reddit[.]com/user/Enough_Personality92/", ("reddit", "Enough_Personality92")),
    ("https://old.reddit.com/u/spez/comments", ("reddit", "spez")),
    ("https://www[.]quora[.]com/profile/Marjan-Hatami-3/answers", ("quora", "Marjan-Hatami-3")),
    ("https://es[.]quora[.]com/profile/Ishnyakov", ("quora", "Ishnyakov")),
    ("https://www.youtube.com/@Baloch5225", ("youtube", "Baloch5225")),
    ("https://www.youtube.com/channel/UCQ8TUByC9EmbhoUDaInIGeA",
     ("youtube", "UCQ8TUByC9EmbhoUDaInIGeA")),
    ("https://www.youtube.com/c/SGTNewsNetwrok", ("youtube", "SGTNewsNetwrok")),
    ("https://www.youtube.com/user/someuser/videos", ("youtube", "someuser")),
    ("hxxps://www[.]youtube[.]com/@All%C3%B4Afrique", ("youtube", "AllôAfrique")),
    ("youtube[.]com/@NewGenerationRebellion", ("youtube", "NewGenerationRebellion")),
    ("facebook.com/profile.php?id=61553686025208", ("facebook", "61553686025208")),
    ("https://www.facebook.com/SomePage.News/", ("facebook", "SomePage.News")),
    ("https://m.facebook.com/people/Jane-Doe/100012345678901", ("facebook", "100012345678901")),
    ("https://www.instagram.com/some.user_1/", ("instagram", "some.user_1")),
    ("https://vimeo[.]com/user182949517", ("vimeo", "user182949517")),
    ("http://ca.pinterest.com/franolcadriw", ("pinterest", "franolcadriw")),
    ("https://soundcloud[.]com/tillman-brandon", ("soundcloud", "tillman-brandon")),
    ("https://vk[.]com/id658771559", ("vk", "id658771559")),
    ("https://t.me/s/SGTnewsNetwork", ("telegram", "SGTnewsNetwork")),
    ("https://t.me/news_munchen/42", ("telegram", "news_munchen")),
    ("http://89ijlop.blogspot[.]com/2021/12/why-boycott.html", ("blogspot", "89ijlop")),
    ("https://securemessagingapps.blogspot.co.uk/", ("blogspot", "securemessagingapps")),
    ("https://www[.]tumblr[.]com/teamilk951/670802564544151552/slug", ("tumblr", "teamilk951")),
    ("https://jovialfurybasement[.]tumblr[.]com/", ("tumblr", "jovialfurybasement")),
    ("https://org162532576.wordpress.com/2021/12/06/x/", ("wordpress", "org162532576")),
    ("https://milktea9854[.]livejournal[.]com/", ("livejournal", "milktea9854")),
    ("https://www[.]flickr[.]com/photos/192571094@N08/", ("flickr", "192571094@N08")),
    ("https://www.backchina.com/home.php?mod=space&uid=383200", ("backchina.com", "383200")),
    ("https://www.thestudentroom.co.uk/member.php?u=5820677", ("thestudentroom.co.uk", "5820677")),
    ("https://truthsocial.com/@SGTnewsNetwork", ("truthsocial", "SGTnewsNetwork")),
    ("https://www.linkedin.com/in/sgtnewsnetwork", ("linkedin", "sgtnewsnetwork")),
    ("https://leakzone[.]net/User-holysouls", ("leakzone.net", "holysouls")),
])
def test_account_from_url(url: str, expected: tuple[str, str]) -> None:
    assert account_from_url(url) == expected


@pytest.mark.parametrize("url", [
    "https://www.reddit.com/r/meiguominzhu/",  # a subreddit
    "https://espacedesmithtiffany.quora.com/",  # a Quora Space
    "https://www.facebook.com/share/p/1U2wkycVR3/",
    "https://www.facebook.com/groups/123456/",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://youtu.be/dQw4w9WgXcQ",
    "https://vimeo.com/123456789",  # a video
    "https://twitter.com/i/web/status/123",
    "https://x.com/search?q=spamouflage",
    "https://t.me/joinchat/AAAAAE",
    "https://www.instagram.com/p/Cxyz123/",
    "https://www.wort.lu/de/mywort/luxemburg-stadt/news/self-contradictory-jiayang-fan-6324",
    "https://forum[.]molihua[.]org/d/3678-milk-tea-alliance",
    "https://chng.it/NYt5whb9Nr",
    "http://drive.google.com/u/0/uc?id=14EH7VsNK&export=download",
    "https://1drv.ms/u/s!AmkrTtSJRBGUahHLK230K6fTp4E?e=xrMwbq",
    "Milk Tea Alliance releases investigation report",
    "",
])
def test_account_from_url_negatives(url: str) -> None:
    assert account_from_url(url) is None


@pytest.mark.parametrize(("defanged", "plain"), [
    ("https://twitter[.]com/x", "https://twitter.com/x"),
    ("hxxps://gagauzia24[.]info/", "https://gagauzia24.info/"),
    ("hXXp://x(.)com/a", "http://x.com/a"),
    ("45[.]141[.]152[.]19", "45.141.152.19"),
    ("info[at]amc239[.]com", "info@amc239.com"),
    ("https{:}//t[.]me/kothetjournalist", "https://t.me/kothetjournalist"),
    ("example[dot]org", "example.org"),
    ("https[:]//a.b/c", "https://a.b/c"),
    ("The hxxp protocol [sic]", "The hxxp protocol [sic]"),  # not a scheme: left alone
])
def test_refang(defanged: str, plain: str) -> None:
    assert refang(defanged) == plain


def test_canonical_platform() -> None:
    assert canonical_platform("X") == "twitter"
    assert canonical_platform("x.com") == "twitter"
    assert canonical_platform("www.twitter.com") == "twitter"
    assert canonical_platform(" Facebook ") == "facebook"
    assert canonical_platform("t.me") == "telegram"
    assert canonical_platform("Mastodon") == "mastodon"
    assert canonical_platform("") is None and canonical_platform(None) is None


def test_detect_format_of_every_fixture() -> None:
    assert detect_format(META_2022) == "meta-csv"
    assert detect_format(SPAMOUFLAGE) == "meta-ttp"
    assert detect_format(MD_MOLDOVA) == "meta-md"
    assert detect_format(GRAPHIKA) == "stix"


def test_kill_chain_layout_quirks(tmp_path: Path) -> None:
    """Header with a trailing space, no Note column, multi-line cells, annotations, hashes."""
    f = tmp_path / "ttp.csv"
    f.write_text(
        "Tactic ,Technique,Procedure,Indicator\r\n"
        "0. Acquiring assets,0.6 Acquiring domains,0.6.2 Acquiring domains,http://jgtm[.]org/\r\n"
        ",,,\r\n"
        '1. Disguising assets,1.3 Posing,1.3.1 Creating fictitious news outlet ,"yerli-media\r\n'
        'luremedia\r\n\r\n"\r\n'
        "0. Acquiring assets,0.9 Acquiring accounts,0.9.4 Acquiring X / Twitter accounts,"
        "https://twitter[.]com/new_observation/status/1562640310273 921025\r\n"
        "3. Evading,3.4 C2,3.4.1 Using domains,jiraboom[.]pro (Hosted a spoof of Der Spiegel)\r\n"
        "0. Acquiring assets,0.7 Malware,0.7.1 Developing custom malware,"
        "3f827039964a09f1179f66d6b2f9fe31\r\n"
        "2. Gathering information,2.2 Monitoring,2.2.1 Monitoring breaking news,\r\n"
        "1. Disguising assets,1.2 Posing,1.2.2 Posing as fictional journalist,"
        "Posing as journalists\r\n"
        '7. Targeted engagement,7.1 Ads,7.1.1 Advertising,"About $77,000 in spending for ads"\r\n',
        encoding="utf-8", newline="")
    s = read_indicators(f)
    assert s.fmt == "meta-ttp"
    got = [(i.type, i.value, i.line) for i in s.indicators]
    assert got == [
        ("domain", "jgtm.org", 2),  # a site root under "Acquiring domains"
        ("text", "yerli-media", 4), ("text", "luremedia", 4),
        # the quoted cell spans lines 4-7, so the next row starts on line 8
        ("account", "new_observation", 8),
        ("url", "https://twitter.com/new_observation/status/1562640310273921025", 8),
        ("domain", "jiraboom.pro", 9),
    ]
    assert s.indicators[4].note.endswith("white space inside the URL removed")
    assert s.indicators[5].note.endswith("Hosted a spoof of Der Spiegel")
    assert s.rejects == [(10, "Indicator", "file hash: not a social-media indicator, "
                                         "not imported")]
    assert s.skipped == [(11, "no indicator for 2.2.1 Monitoring breaking news")]
    assert [(f.value, f.line) for f in s.facts] == [
        ("Posing as journalists", 12), ("About $77,000 in spending for ads", 13)]


def test_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        read_indicators(tmp_path / "missing.csv")
    with pytest.raises(FormatError):
        read_indicators(SPAMOUFLAGE, fmt="csv")
    with pytest.raises(FormatError):
        read_indicators(SPAMOUFLAGE, fmt="meta-csv")  # kill-chain file read as 2020-22
    latin = tmp_path / "latin.txt"
    latin.write_bytes("caf\xe9\n".encode("latin-1"))
    with pytest.raises(FormatError):
        read_indicators(latin)
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert read_indicators(empty).rejects == [(0, "", "the file is empty")]
