"""Exact co-text: accounts posting the same text (after normalisation) within the window.

QUT's co_tweet, with a stronger normalisation (:func:`cibwatch.normalize.normalize_text_sql`:
case, white space, @mentions, URLs, punctuation and emoji removed), so that "Great news!!" and
"great news @bob" match. Reshares are excluded (their text is the original's). Texts shorter
than ``min_chars`` after normalisation are ignored: "ok", "lol" or an emoji-only post would tie
strangers together. Key: the normalised text (comparable across platforms). Cost: one regular
expression pass over the posts (vectorised in DuckDB) and one action per post.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from .base import NORM_TABLE, Trace, ensure_normalized_text

if TYPE_CHECKING:
    from ..progress import Reporter
    from ..store import Store

__all__ = ["CoText"]


@dataclass(frozen=True)
class CoText(Trace):
    """Same normalised text, not a reshare, by different accounts within the window.

    Parameters
    ----------
    min_chars:
        Shortest normalised text that counts (default 10 characters: about two words; shorter
        texts are too common to be evidence of anything).
    """

    name: ClassVar[str] = "text_exact"
    summary: ClassVar[str] = "posted the same text"
    cross_platform: ClassVar[bool] = True
    min_chars: int = 10

    def prepare(self, store: Store, reporter: Reporter) -> None:
        ensure_normalized_text(store)

    def actions_sql(self) -> str:
        return f"""
            SELECT norm AS key, aid, pid, ts, NULL::VARCHAR AS variant
            FROM {NORM_TABLE} WHERE length(norm) >= {int(self.min_chars)}
        """

    def describe_key(self) -> str:
        return "text"
