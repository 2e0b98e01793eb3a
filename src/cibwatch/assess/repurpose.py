"""Repurposed accounts: a past life, a dormant gap, then a different account.

Operations buy or take over old accounts: "accounts bought from commercial spammers that
switched abruptly from unrelated content (fashion, sport, scenery) to politics" (Meta on
Spamouflage, 2023; DISARM T0150.004 Repurposed Asset, T0150.006 Purchased Asset). For each
account, the longest silence between two posts splits its history; when the silence lasts at
least ``dormant_days`` and both sides have ``min_posts`` posts, the two sides are compared:
their main language, their hashtags and their words (cosine similarity of word counts). A
change of language, or words that barely overlap (similarity under ``max_similarity``), after
the silence marks the account as repurposed.

Cost: one window pass over the posts of the accounts examined, then word counts and the cosine
in SQL over the accounts with a long enough silence only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..engine import dialect

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["Repurposing"]

#: A word: three or more letters (RE2, Unicode letter classes; digits and ``_`` excluded).
_WORD_RE2 = r"[\p{L}\p{Nl}\p{No}]{3,}"


#: A post's time in epoch seconds.
_T = dialect.epoch_s("created_at")


@dataclass
class Repurposing:
    """Find repurposed accounts among ``aids`` (see the module docstring).

    Parameters
    ----------
    dormant_days:
        Least silence (days) between the two lives (default 60).
    min_posts:
        Least posts on each side of the silence (default 5).
    max_similarity:
        Word-count cosine similarity under which the two sides are different (default 0.2).
    """

    dormant_days: float = 60.0
    min_posts: int = 5
    max_similarity: float = 0.2
    results_: dict[int, dict[str, Any]] = field(default_factory=dict, init=False)

    def fit(self, store: Store, aids_table: str) -> Repurposing:
        """Examine the accounts listed in table ``aids_table(aid)``."""
        gap_s = self.dormant_days * 86400
        store.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE _splits AS
            WITH p AS (
              SELECT aid, pid, {_T} AS t,
                     {_T} - LAG({_T}) OVER
                       (PARTITION BY aid ORDER BY created_at, pid) AS gap
              FROM posts SEMI JOIN {aids_table} USING (aid))
            SELECT aid, {dialect.arg_max('t', 'gap', '-pid')} AS split_t, MAX(gap) AS gap
            FROM p WHERE gap IS NOT NULL GROUP BY aid HAVING MAX(gap) >= {gap_s}
            """
        )
        rows = store.fetchall(
            f"""
            WITH s AS (
              SELECT p.aid, {dialect.epoch_s('p.created_at')} >= s.split_t AS after, p.lang, p.text,
                     p.hashtags, ROW_NUMBER() OVER (PARTITION BY p.aid
                                                    ORDER BY p.created_at, p.pid) AS rk
              FROM posts p JOIN _splits s USING (aid)),
            sides AS (SELECT aid, count_if(NOT after) AS n0, count_if(after) AS n1 FROM s
                      GROUP BY aid
                      HAVING least(count_if(NOT after), count_if(after)) >= {int(self.min_posts)}),
            lang AS (   -- the side's most frequent language; ties: the first one posted
              SELECT aid, after, {dialect.arg_max('lang', 'n', '-first')} AS lang FROM (
                SELECT aid, after, lang, count(*) AS n, min(rk) AS first FROM s
                SEMI JOIN sides USING (aid) WHERE lang IS NOT NULL AND lang <> ''
                GROUP BY ALL) GROUP BY ALL),
            w AS (
              SELECT aid, after, w, count(*) AS c FROM (
                SELECT aid, after, lower(unnest(regexp_extract_all(text, '{_WORD_RE2}'))) AS w
                FROM s SEMI JOIN sides USING (aid)) GROUP BY ALL),
            norm AS (SELECT aid, after, sqrt(sum(c * c)) AS norm FROM w GROUP BY ALL),
            dot AS (SELECT a.aid, sum(a.c * b.c) AS dot FROM w a
                    JOIN w b ON a.aid = b.aid AND a.w = b.w AND NOT a.after AND b.after
                    GROUP BY a.aid),
            tags AS (
              SELECT aid, count(*) FILTER (WHERE n_sides = 2) AS shared FROM (
                SELECT aid, t, count(DISTINCT after) AS n_sides FROM (
                  SELECT aid, after, ltrim(lower(unnest(hashtags)), '#') AS t
                  FROM s SEMI JOIN sides USING (aid)) GROUP BY ALL) GROUP BY aid)
            SELECT sd.aid, sp.gap, sd.n0, sd.n1, l0.lang, l1.lang,
                   coalesce(d.dot / nullif(n0.norm * n1.norm, 0), 0.0) AS sim,
                   coalesce(tg.shared, 0)
            FROM sides sd JOIN _splits sp USING (aid)
            LEFT JOIN lang l0 ON l0.aid = sd.aid AND NOT l0.after
            LEFT JOIN lang l1 ON l1.aid = sd.aid AND l1.after
            LEFT JOIN norm n0 ON n0.aid = sd.aid AND NOT n0.after
            LEFT JOIN norm n1 ON n1.aid = sd.aid AND n1.after
            LEFT JOIN dot d ON d.aid = sd.aid LEFT JOIN tags tg ON tg.aid = sd.aid
            ORDER BY sd.aid
            """
        )
        self.results_ = {}
        for aid, gap, n0, n1, lang_b, lang_a, sim, shared in rows:
            sim = float(sim)
            lang_change = lang_b is not None and lang_a is not None and lang_b != lang_a
            if not (lang_change or sim < self.max_similarity):
                continue
            what = [f"language {lang_b} -> {lang_a}"] if lang_change else []
            what.append(f"word similarity {sim:.2f}")
            what.append(f"{int(shared)} hashtag(s) in common")
            self.results_[int(aid)] = {
                "gap_days": round(float(gap) / 86400, 1),
                "posts_before": int(n0),
                "posts_after": int(n1),
                "lang_before": lang_b,
                "lang_after": lang_a,
                "similarity": round(sim, 3),
                "description": (f"silent {float(gap) / 86400:.0f} days after "
                                f"{int(n0)} posts, then {int(n1)} posts of "
                                f"another kind ({', '.join(what)})"),
            }
        return self
