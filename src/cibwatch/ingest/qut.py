"""The QUT coordination-network-toolkit's CSV layout.

``message_id,user_id,username,repost_id,reply_id,message,timestamp,urls`` (URLs space
separated, timestamp in epoch seconds); see the toolkit's README, "Preparing data". The toolkit
is built for Twitter, so the platform defaults to ``twitter``. ``username`` becomes the derived
account's ``handle``.

Unlike the toolkit, an empty ``urls`` cell is an empty list, not the URL "" (the toolkit links
every account with an empty cell to every other one).
"""

from __future__ import annotations

from dataclasses import dataclass

from .base import Format
from .convert import Col, Const, Source

__all__ = ["QUT"]


@dataclass(frozen=True)
class _Qut(Format):
    def mapping(self, header: set[str], platform: str | None) -> dict[str, Source]:
        m: dict[str, Source] = {
            "platform": Const(platform or self.default_platform),
            "post_id": Col("message_id"),
            "account_id": Col("user_id"),
            "created_at": Col("timestamp"),
        }
        for field, col in (("reshare_of", "repost_id"), ("reply_to", "reply_id"),
                           ("text", "message"), ("urls", "urls")):
            if col in header:
                m[field] = Col(col)
        return m

    def account_mapping(self, header: set[str], platform: str | None) -> dict[str, Source] | None:
        if "username" not in header:
            return None
        return {
            "platform": Const(platform or self.default_platform),
            "account_id": Col("user_id"),
            "handle": Col("username"),
        }


QUT = _Qut(
    name="qut",
    kind="posts",
    description="QUT coordination-network-toolkit CSV: message_id, user_id, username, "
    "repost_id, reply_id, message, timestamp, urls",
    signature=frozenset({"message_id", "user_id", "timestamp"}),
    default_platform="twitter",
    reference="https://github.com/QUT-Digital-Observatory/coordination-network-toolkit#readme",
    priority=20,
)
