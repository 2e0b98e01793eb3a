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
Not mapped: client name, coordinates, engagement counts, quoted tweets (a later adapter adds
quotes and media), user_profile_url.
"""

from __future__ import annotations

from dataclasses import dataclass

from .base import Format
from .convert import Col, Const, Expr, Source, quote_ident

__all__ = ["TWITTER_IO_TWEETS", "TWITTER_IO_USERS"]

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
