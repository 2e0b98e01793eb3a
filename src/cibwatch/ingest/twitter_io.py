"""The Twitter/X information-operations archive (the transparency releases, 2018-2021).

Per campaign a *users* file (userid, user_display_name, user_screen_name,
user_reported_location, user_profile_description, user_profile_url, follower_count,
following_count, account_creation_date, account_language) and a *tweets* file (tweetid, the user
columns, tweet_language, tweet_text, tweet_time, tweet_client_name, in_reply_to_userid,
in_reply_to_tweetid, quoted_tweet_tweetid, is_retweet, retweet_userid, retweet_tweetid,
latitude, longitude, quote_count, reply_count, like_count, retweet_count, hashtags, urls,
user_mentions). List fields are bracketed, Python-style lists. Ids and screen names of accounts
with under 5,000 followers are hashed in the releases; they are kept as they are.

Mapping: tweetid -> post_id, userid -> account_id, tweet_time -> created_at (UTC),
tweet_text -> text, urls/hashtags/user_mentions -> urls/hashtags/mentions,
retweet_tweetid (when is_retweet is true) -> reshare_of, in_reply_to_tweetid -> reply_to,
tweet_language -> lang. The user columns of a tweets file give derived accounts.
A quoted tweet (``quoted_tweet_tweetid``) has no canonical field: its permalink
``https://twitter.com/i/web/status/<id>`` joins urls (links in the cell to the same status are
dropped), as in the X API adapters, so that accounts quoting one tweet share one URL.
Not mapped: client name, coordinates, engagement counts, ``poll_choices``, user_profile_url.
Not available in the tweets file: media. The releases ship media as separate archives (one
zip per account, listed in ``media_file_list_hashed.txt``), not as a column; hash the files
upstream and give them as canonical ``media`` to compare them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .base import Format
from .convert import Col, Const, Expr, Source, quote_ident

__all__ = ["TWITTER_IO_TWEETS", "TWITTER_IO_USERS", "USERS_COLUMNS", "TWEETS_COLUMNS"]

#: The users file's columns, in the archive's order.
USERS_COLUMNS = (
    "userid", "user_display_name", "user_screen_name", "user_reported_location",
    "user_profile_description", "user_profile_url", "follower_count", "following_count",
    "account_creation_date", "account_language",
)
#: The tweets file's 31 columns, in the archive's order (``poll_choices`` last).
TWEETS_COLUMNS = (
    "tweetid", *USERS_COLUMNS, "tweet_language", "tweet_text", "tweet_time",
    "tweet_client_name", "in_reply_to_userid", "in_reply_to_tweetid", "quoted_tweet_tweetid",
    "is_retweet", "retweet_userid", "retweet_tweetid", "latitude", "longitude", "quote_count",
    "reply_count", "like_count", "retweet_count", "hashtags", "urls", "user_mentions",
    "poll_choices",
)

_USER_FIELDS = {
    "handle": "user_screen_name",
    "display_name": "user_display_name",
    "location": "user_reported_location",
    "bio": "user_profile_description",
    "followers": "follower_count",
    "following": "following_count",
    "created_at": "account_creation_date",
    "lang": "account_language",
}


def _user_mapping(header: set[str], platform: str) -> dict[str, Source]:
    m: dict[str, Source] = {"platform": Const(platform), "account_id": Col("userid")}
    for field, col in _USER_FIELDS.items():
        if col in header:
            m[field] = Col(col)
    return m


#: Where the canonical model keeps a quoted tweet: its permalink, among the URLs.
QUOTE_PERMALINK = "https://twitter.com/i/web/status/"


def _quote_urls(has_urls: bool) -> str:
    """SQL: the ``urls`` cell (a bracketed list) with the quoted tweet's permalink added.

    Links to the same status in the cell (``twitter.com/<user>/status/<id>``) are that same
    quote and are dropped, so that accounts quoting one tweet share one URL (as in the JSON
    adapters, :func:`.jsonformat.permalink_quote`). A malformed cell is left as it is, for the
    converter to report.
    """
    q = f"nullif(trim(CAST({quote_ident('quoted_tweet_tweetid')} AS VARCHAR)), '')"
    u = f"trim(CAST({quote_ident('urls')} AS VARCHAR))" if has_urls else "NULL"
    link = f"'{QUOTE_PERMALINK}' || {q}"
    same = (r"'https?://(www\.|mobile\.)?(twitter|x)\.com/[^/,\]]+/status(es)?/' || "
            f"{q} || '[^,\\]]*'")
    return (
        f"CASE WHEN {q} IS NULL THEN {u} "
        f"WHEN coalesce({u}, '') = '' OR {u} = '[]' THEN '[' || {link} || ']' "
        rf"WHEN regexp_full_match({u}, '\[.*\]', 's') THEN "
        f"rtrim(regexp_replace({u}, {same}, '', 'g'), ']') || ', ' || {link} || ']' "
        f"ELSE {u} END"
    )


@dataclass(frozen=True)
class _Tweets(Format):
    def mapping(self, header: set[str], platform: str | None) -> dict[str, Source]:
        m: dict[str, Source] = {
            "platform": Const(platform or self.default_platform),
            "post_id": Col("tweetid"),
            "account_id": Col("userid"),
            "created_at": Col("tweet_time"),
        }
        simple = {"text": "tweet_text", "reply_to": "in_reply_to_tweetid", "lang": "tweet_language"}
        for field, col in simple.items():
            if col in header:
                m[field] = Col(col)
        for field, col in (("urls", "urls"), ("hashtags", "hashtags"), ("mentions", "user_mentions")):
            if col in header:
                m[field] = Col(col, list_style="bracket")
        if "quoted_tweet_tweetid" in header:
            m["urls"] = Expr(_quote_urls("urls" in header), list_style="bracket")
        if "retweet_tweetid" in header:
            rt = quote_ident("retweet_tweetid")
            if "is_retweet" in header:
                flag = f"lower(trim(CAST({quote_ident('is_retweet')} AS VARCHAR)))"
                m["reshare_of"] = Expr(f"CASE WHEN {flag} IN ('true', '1', 'yes') THEN {rt} END")
            else:
                m["reshare_of"] = Col("retweet_tweetid")
        return m

    def account_mapping(self, header: set[str], platform: str | None) -> dict[str, Source] | None:
        return _user_mapping(header, platform or self.default_platform or "twitter")


@dataclass(frozen=True)
class _Users(Format):
    def mapping(self, header: set[str], platform: str | None) -> dict[str, Source]:
        return _user_mapping(header, platform or self.default_platform or "twitter")


TWITTER_IO_TWEETS = _Tweets(
    name="twitter-io",
    kind="posts",
    description="Twitter/X information-operations archive, tweets file (tweetid, userid, "
    "tweet_time, tweet_text, is_retweet, retweet_tweetid, hashtags, urls, user_mentions, ...)",
    signature=frozenset({"tweetid", "userid", "tweet_time"}),
    default_platform="twitter",
    reference="https://transparency.twitter.com/en/reports/information-operations.html",
    priority=20,
)

TWITTER_IO_USERS = _Users(
    name="twitter-io-users",
    kind="accounts",
    description="Twitter/X information-operations archive, users file (userid, "
    "user_screen_name, user_display_name, follower_count, account_creation_date, ...)",
    signature=frozenset({"userid", "user_screen_name"}),
    excludes=frozenset({"tweetid"}),
    default_platform="twitter",
    reference="https://transparency.twitter.com/en/reports/information-operations.html",
    priority=20,
)
