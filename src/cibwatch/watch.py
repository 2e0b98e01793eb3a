"""The recidivism watch: accounts that link to networks already taken down.

An operation that is taken down comes back: new accounts, often wearing the removed accounts'
personas, pushing the same sites, videos and slogans alongside the members that survived
(TikTok's monthly "accounts associated with previously disrupted networks attempting to
re-establish their presence"; Meta's continuous enforcement). :func:`watch` runs after an
ingest and turns such accounts into alerts of the case store (:mod:`cibwatch.cases.alerts`).

What is watched
    The removed accounts are the affected accounts (in force) of the approved takedown
    decisions of the case store (actions ``terminate`` and ``suspend``); the remaining members
    are the members of a decision's network snapshot that it did not remove. The candidates
    are every account of the investigation store that no decision acted on or excepted (those
    were reviewed). The takedown time ``T`` of a decision, in the data's time, is the removed
    accounts' last post, and at the latest the approval (a removed account posts nothing
    after its removal; the store may hold data older than the decision, as when a past
    period is replayed).

Signals (each an evidence row with a key naming what it is, the removed accounts it links to,
and a strength ``p`` in [0, 1])
    ``item:FAMILY``
        The candidate took up, at or after ``T`` (and after ``since``), an item the removed
        accounts used: a URL (canonical), a domain, a text (normalised, at least
        :data:`MIN_TEXT` characters), a media hash or a hashtag, the trace keys of detection
        (:mod:`cibwatch.normalize`). An account that used the item before ``T`` adopted
        nothing: it is not evidence for it (a state outlet posting its own links after the
        takedown is the outlet, not the operation).
    ``image``, ``image_near``, ``display_name``, ``bio``, ``handle``, ``handle_template``
        Persona reuse: the removed accounts' profile image hash (the same, or within
        :data:`NEAR_BITS` bits of a 64-bit hash), display name, bio, handle stem (the handle
        without its trailing digits, ``_``, ``real`` or ``official``: ``MiaChen12345678`` and
        ``MiaChen87654321``) and handle template (``NameName12345678``, letters and digits as
        shapes; weak, the platforms suggest such handles).
    ``created_after``
        The account was created at or after ``T`` (weak alone; it makes the others count
        more, as in the noisy-OR below).
    ``group``
        Group evidence: the candidate is a member of a network of the store's latest finished
        detection run (``run_id``) in which removed accounts, remaining members or accounts
        already alerted make up a share ``f`` of the other members (at least
        :data:`MIN_GROUP` of them); iterated until no alert is added (at most
        :data:`GROUP_ROUNDS` rounds), as expansion grows a set hop by hop.

Specificity
    A value (an item, an image, a name, a bio, a stem, a template) links a candidate to the
    removed network only as far as it is the network's and not everybody's:
    ``spec = R / (R + B + ALPHA)``, with ``R`` the removed accounts that used or had it and
    ``B`` the other accounts that did before ``T`` (the candidate left out). A popular news
    URL (``B`` in the hundreds) or a default avatar gives nothing; a persona's own image or
    the operation's own site gives nearly ``1``. Rows below :data:`MIN_SPEC` are dropped, and
    at most :data:`TOP_PER_SIGNAL` rows of one signal count (many weak rows must not add up
    to a strong one).

Score
    ``score = 1 - prod(1 - w_s * spec)`` over the rows (a noisy-OR: each row is independent
    evidence that would, alone, make the account the network's with probability
    ``w_s * spec``), per decision; the alert links to the decision with the highest score.
    The weights :data:`WEIGHTS` are the share of the accounts showing the signal that belonged
    to the operation, measured on one simulated comeback (the independent generator, seed 1,
    scale 0.3; docs/EVALUATION.md, "Recidivism watch"), rounded to 0.05 and capped at 0.9;
    two are priors where that world measures nothing (``item:url``, ``created_after``). The
    threshold (:data:`THRESHOLD`, 0.6) was checked on the same world's sweep (precision 0.96
    from 0.55 on, 0.98 at 0.6). Seed 2 was run once, with both fixed.

Cost: one pass over the posts' trace keys (grouped by key), joins of the candidates' account
rows with the removed accounts' (near images: a join of the images of candidates and removed
accounts on 16-bit blocks of the hash), and one read of the latest run's members.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import pyarrow as pa

from .errors import ConfigError
from .normalize import canonical_url_sql, hashtag_sql, normalize_text_sql, url_host_sql
from .progress import Reporter, SilentReporter

if TYPE_CHECKING:
    from .cases import Actor, CaseService
    from .store import Store

__all__ = ["WatchConfig", "WatchResult", "watch", "WEIGHTS", "THRESHOLD"]

#: Weight of each signal (module docstring, "Score").
WEIGHTS: Final[dict[str, float]] = {
    # measured on seed 1 (share of the accounts with the signal that were the operation's),
    # rounded to 0.05 and capped at 0.9
    "item:text": 0.5, "item:media": 0.85, "item:domain": 0.9, "item:hashtag": 0.6,
    "image": 0.9, "image_near": 0.9, "display_name": 0.9, "bio": 0.9, "handle": 0.8,
    "handle_template": 0.2, "group": 0.85,
    # not measured: seed 1 has no take-up of a removed account's exact URL (each article has
    # its own), and no authentic account created after the takedown; prior values
    "item:url": 0.8, "created_after": 0.3,
}
#: Default alert threshold on the score.
THRESHOLD: Final = 0.6
#: The pseudo-count of the specificity (a value only one removed account had and nobody else:
#: ``1 / 1.5``).
ALPHA: Final = 0.5
MIN_SPEC: Final = 0.2
TOP_PER_SIGNAL: Final = 3
MIN_TEXT: Final = 20
NEAR_BITS: Final = 4
#: An image held by more accounts than this is a default avatar: never near-matched.
MAX_COMMON_IMAGE: Final = 50
MIN_GROUP: Final = 2
GROUP_ROUNDS: Final = 3
#: Removed accounts named in one evidence row (the counts are complete).
NAMED: Final = 5


@dataclass(frozen=True)
class WatchConfig:
    """Parameters of :func:`watch` (defaults: the module's constants)."""

    threshold: float = THRESHOLD
    since: dt.datetime | None = None
    run_id: str | None = None
    weights: dict[str, float] = field(default_factory=lambda: dict(WEIGHTS))

    def check(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ConfigError(f"--threshold {self.threshold} is not in (0, 1]",
                              remedy="giving a score threshold such as 0.6")
        bad = sorted(set(self.weights) - set(WEIGHTS))
        if bad:
            raise ConfigError(f"unknown watch signal(s) {bad}",
                              remedy="using the names of cibwatch.watch.WEIGHTS")


@dataclass
class WatchResult:
    """What a watch found and wrote."""

    takedowns: int
    removed: int
    candidates: int
    scored: int
    alerts: list[dict[str, Any]]
    written: dict[str, int]
    run_id: str | None
    takedown_times: dict[int, str]

    def as_dict(self) -> dict[str, Any]:
        return {"takedowns": self.takedowns, "removed_accounts": self.removed,
                "candidates": self.candidates, "accounts_with_evidence": self.scored,
                "alerts": len(self.alerts), "written": self.written, "run_id": self.run_id,
                "takedown_times": {str(k): v for k, v in self.takedown_times.items()}}


def _naive(t: dt.datetime) -> dt.datetime:
    return t.astimezone(dt.UTC).replace(tzinfo=None) if t.tzinfo else t


def _iso(t: Any) -> str | None:
    return None if t is None else t.strftime("%Y-%m-%dT%H:%M:%SZ")


def watch(store: Store, cases: CaseService, actor: Actor, since: dt.datetime | None = None,
          config: WatchConfig | None = None, reporter: Reporter | None = None,
          write: bool = True) -> WatchResult:
    """Score every unactioned account against the removed networks and write the alerts
    above the threshold to the case store (module docstring). ``write=False`` scores only."""
    from .cases.alerts import AlertInput
    from .runs import latest_run

    config = config or WatchConfig(since=since)
    if since is not None and config.since is None:
        config = WatchConfig(config.threshold, since, config.run_id, config.weights)
    config.check()
    reporter = reporter or SilentReporter()
    takedowns, actioned = cases.watch_targets(actor)
    run = None
    if config.run_id is not None:
        from .runs import get_run

        run = get_run(store, config.run_id)
    else:
        run = latest_run(store)
    run_id = run.run_id if run else None
    if not takedowns:
        return WatchResult(0, 0, 0, 0, [], {}, run_id, {})
    with reporter.task("Watching for removed networks coming back", total=5) as task:
        _load_targets(store, takedowns, actioned)
        times = _takedown_times(store)
        task.advance()
        _items(store, config)
        task.advance()
        _persona(store)
        task.advance()
        rows = _evidence_rows(store, config)
        scores = _score(rows, config.weights)
        task.advance()
        if run_id is not None:
            rows, scores = _group_rounds(store, run_id, rows, scores, config)
        task.advance()
    keys = {int(a): k for a, k in store.fetchall(
        "SELECT aid, platform || ':' || account_id FROM account_index "
        "WHERE aid IN (SELECT aid FROM w_cand)")}
    n_cand = int(store.scalar("SELECT count(*) FROM w_cand"))
    alerts: list[AlertInput] = []
    out: list[dict[str, Any]] = []
    for aid, by_dec in sorted(scores.items()):
        dec, score = max(by_dec.items(), key=lambda kv: (kv[1], -kv[0]))
        if score < config.threshold:
            continue
        ev = sorted((r for r in rows[aid] if r["decision_id"] == dec),
                    key=lambda r: (-r["p"], r["key"]))
        ev = [{k: v for k, v in r.items() if k != "decision_id"} for r in ev]
        platform, _, account_id = keys[aid].partition(":")
        alerts.append(AlertInput(platform, account_id, score, dec, ev))
        out.append({"account": keys[aid], "score": round(score, 6), "decision_id": dec,
                    "signals": sorted({r["signal"] for r in ev})})
    written = cases.record_alerts(actor, alerts, run_id) if write else {}
    for t in ("w_dec", "w_rem", "w_rest", "w_act", "w_cand", "w_items", "w_acc"):
        store.execute(f"DROP TABLE IF EXISTS {t}")
    return WatchResult(len(takedowns), sum(len(t.removed) for t in takedowns), n_cand,
                       len(scores), out, written, run_id, times)


def _load_targets(store: Store, takedowns: list[Any], actioned: set[str]) -> None:
    dec = pa.Table.from_pylist(
        [{"decision_id": t.decision_id, "decided_at": _naive(t.decided_at)} for t in takedowns],
        schema=pa.schema([("decision_id", pa.int64()), ("decided_at", pa.timestamp("us"))]))

    def accounts(pairs: list[tuple[int, str]]) -> pa.Table:
        return pa.table({"decision_id": pa.array([d for d, _ in pairs], pa.int64()),
                         "platform": pa.array([k.partition(":")[0] for _, k in pairs]),
                         "account_id": pa.array([k.partition(":")[2] for _, k in pairs])})

    rem = accounts([(t.decision_id, k) for t in takedowns for k in t.removed])
    rest = accounts([(t.decision_id, k) for t in takedowns for k in t.remaining])
    act = accounts([(0, k) for k in sorted(actioned)])
    with store.registered("w_dec_in", dec), store.registered("w_rem_in", rem), \
            store.registered("w_rest_in", rest), store.registered("w_act_in", act):
        store.execute(
            """
            CREATE OR REPLACE TEMP TABLE w_rem AS
            SELECT DISTINCT r.decision_id, ai.aid FROM w_rem_in r
            JOIN account_index ai USING (platform, account_id);
            CREATE OR REPLACE TEMP TABLE w_rest AS
            SELECT DISTINCT r.decision_id, ai.aid FROM w_rest_in r
            JOIN account_index ai USING (platform, account_id);
            CREATE OR REPLACE TEMP TABLE w_act AS
            SELECT DISTINCT ai.aid FROM w_act_in r JOIN account_index ai
            USING (platform, account_id);
            CREATE OR REPLACE TEMP TABLE w_cand AS
            SELECT aid FROM account_index WHERE aid NOT IN (SELECT aid FROM w_act);
            CREATE OR REPLACE TEMP TABLE w_dec AS
            SELECT d.decision_id,
                   least(d.decided_at, coalesce(
                     (SELECT max(p.created_at) FROM posts p JOIN w_rem r USING (aid)
                      WHERE r.decision_id = d.decision_id), d.decided_at)) AS t_down
            FROM w_dec_in d;
            """
        )


def _takedown_times(store: Store) -> dict[int, str]:
    return {int(d): _iso(t) or "" for d, t in store.fetchall(
        "SELECT decision_id, t_down FROM w_dec ORDER BY 1")}


#: Posts whose items an account takes up: its own posts and replies, not its reshares (a
#: reshare carries the original's text, links and hashtags: resharing is not adopting them,
#: and the people who reshare an operation without knowing it would otherwise look like it).
ORIGINAL: Final = "coalesce(reshare_of, '') = ''"


def _items(store: Store, config: WatchConfig) -> None:
    """``w_items(fam, key, aid, pid, ts)``: the trace keys of every post (not reshares)."""
    urls = ("(SELECT aid, pid, created_at AS ts, unnest(urls) AS u FROM posts "
            "WHERE len(urls) > 0 AND " + ORIGINAL + ")")
    store.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE w_items AS
        WITH u AS (SELECT aid, pid, ts, canonical
                   FROM ({canonical_url_sql(urls, keep=("aid", "pid", "ts"))})
                   WHERE canonical IS NOT NULL)
        SELECT 'url' AS fam, canonical AS key, aid, pid, ts FROM u
        UNION ALL
        SELECT 'domain', {url_host_sql('canonical')}, aid, pid, ts FROM u
        UNION ALL
        SELECT 'text', t, aid, pid, ts FROM (
          SELECT aid, pid, created_at AS ts, {normalize_text_sql('text')} AS t FROM posts
          WHERE text IS NOT NULL AND {ORIGINAL}) WHERE length(t) >= {MIN_TEXT}
        UNION ALL
        SELECT 'media', m, aid, pid, ts FROM (
          SELECT aid, pid, created_at AS ts, unnest(media) AS m FROM posts
          WHERE len(media) > 0 AND {ORIGINAL}) WHERE coalesce(m, '') <> ''
        UNION ALL
        SELECT 'hashtag', h, aid, pid, ts FROM (
          SELECT aid, pid, created_at AS ts, {hashtag_sql('unnest(hashtags)')} AS h
          FROM posts WHERE len(hashtags) > 0 AND {ORIGINAL}) WHERE coalesce(h, '') <> ''
        """
    )


def _persona(store: Store) -> None:
    """``w_acc``: one account row per account, with the persona fields normalised."""
    store.execute(
        r"""
        CREATE OR REPLACE TEMP TABLE w_acc AS
        SELECT aid, created_at,
               nullif(lower(trim(profile_image_hash)), '') AS image,
               nullif(lower(trim(display_name)), '') AS display_name,
               nullif(lower(trim(bio)), '') AS bio,
               CASE WHEN length(stem) >= 4 AND NOT regexp_matches(stem, '^[0-9]+$')
                    THEN stem END AS handle,
               CASE WHEN regexp_matches(handle, '[0-9]') AND length(handle) >= 6
                    THEN regexp_replace(regexp_replace(regexp_replace(handle,
                         '[A-Z][a-z]+', 'A', 'g'), '[a-z]+', 'a', 'g'), '[0-9]', '9', 'g')
               END AS handle_template
        FROM (
          SELECT *, regexp_replace(lower(trim(handle)),
                                   '(_?(real|official))?[_.0-9]*$', '') AS stem,
                 row_number() OVER (PARTITION BY aid ORDER BY derived NULLS LAST,
                                    source_id DESC, source_line DESC) AS k
          FROM accounts) WHERE k = 1
        """
    )


def _evidence_rows(store: Store, config: WatchConfig) -> dict[int, list[dict[str, Any]]]:
    """The item and persona rows of every candidate, per decision."""
    since = _naive(config.since) if config.since else None
    since_sql = "TIMESTAMP '" + since.isoformat(sep=" ") + "'" if since else "NULL"
    item_rows = store.fetchall(
        f"""
        WITH rem_use AS (
          SELECT r.decision_id, i.fam, i.key, count(DISTINCT i.aid) AS r_n,
                 list(DISTINCT i.aid ORDER BY i.aid) AS r_aids
          FROM w_items i JOIN w_rem r USING (aid) GROUP BY ALL),
        before AS (
          SELECT d.decision_id, i.fam, i.key, i.aid FROM w_items i
          JOIN w_dec d ON i.ts < d.t_down
          SEMI JOIN rem_use u ON u.decision_id = d.decision_id AND u.fam = i.fam
                              AND u.key = i.key
          WHERE i.aid NOT IN (SELECT aid FROM w_rem WHERE decision_id = d.decision_id)
          GROUP BY ALL),
        bg AS (SELECT decision_id, fam, key, count(*) AS b_n FROM before GROUP BY ALL),
        firsts AS (
          SELECT d.decision_id, i.fam, i.key, i.aid, min(i.ts) AS first_ts,
                 arg_min(i.pid, i.ts) AS pid
          FROM w_items i JOIN w_cand c USING (aid)
          JOIN rem_use u ON u.fam = i.fam AND u.key = i.key
          JOIN w_dec d ON d.decision_id = u.decision_id
          GROUP BY ALL
          HAVING min(i.ts) >= max(d.t_down)
             AND ({since_sql} IS NULL OR min(i.ts) >= {since_sql}))
        SELECT f.aid, f.decision_id, f.fam, f.key, f.first_ts, p.post_id, u.r_n,
               coalesce(b.b_n, 0) AS b_n, u.r_aids[1:{NAMED}]
        FROM firsts f JOIN rem_use u USING (decision_id, fam, key)
        LEFT JOIN bg b USING (decision_id, fam, key)
        JOIN posts p ON p.pid = f.pid
        WHERE u.r_n / (u.r_n + coalesce(b.b_n, 0) + {ALPHA}) >= {MIN_SPEC}
        """
    )
    persona_rows = _persona_rows(store)
    near_rows = _near_images(store)
    created = store.fetchall(
        """
        SELECT a.aid, d.decision_id, a.created_at FROM w_acc a JOIN w_cand USING (aid)
        JOIN w_dec d ON a.created_at >= d.t_down
        """
    )
    rows: dict[int, list[dict[str, Any]]] = {}
    keys = _keys(store)
    for aid, dec, fam, key, first, post_id, r_n, b_n, r_aids in item_rows:
        spec = r_n / (r_n + b_n + ALPHA)
        rows.setdefault(int(aid), []).append({
            "decision_id": int(dec), "signal": f"item:{fam}", "key": f"item:{fam}:{key}",
            "value": str(key)[:300], "spec": round(spec, 6), "removed_accounts": int(r_n),
            "other_accounts": int(b_n), "removed": [keys[int(a)] for a in r_aids],
            "first_use": _iso(first), "post_id": post_id})
    for aid, dec, signal, value, r_n, b_n, r_aids in persona_rows:
        spec = r_n / (r_n + b_n + ALPHA)
        if spec < MIN_SPEC:
            continue
        rows.setdefault(int(aid), []).append({
            "decision_id": int(dec), "signal": signal, "key": f"{signal}:{value}",
            "value": str(value)[:300], "spec": round(spec, 6), "removed_accounts": int(r_n),
            "other_accounts": int(b_n), "removed": [keys[int(a)] for a in r_aids]})
    for aid, dec, value, other, bits, r_aid in near_rows:
        rows.setdefault(int(aid), []).append({
            "decision_id": int(dec), "signal": "image_near", "key": f"image_near:{other}",
            "value": value, "spec": 1.0, "bits": int(bits), "removed_accounts": 1,
            "other_accounts": 0, "removed": [keys[int(r_aid)]]})
    for aid, dec, when in created:
        if int(aid) in rows:  # weak alone: only beside other evidence
            rows[int(aid)].append({
                "decision_id": int(dec), "signal": "created_after",
                "key": f"created_after:{dec}", "value": _iso(when), "spec": 1.0})
    for lst in rows.values():
        for r in lst:
            r["p"] = 0.0
    return rows


def _keys(store: Store) -> dict[int, str]:
    return {int(a): k for a, k in store.fetchall(
        "SELECT aid, platform || ':' || account_id FROM account_index")}


def _persona_rows(store: Store) -> list[tuple[Any, ...]]:
    """``(aid, decision, signal, value, R, B, removed aids)`` for every persona field a
    candidate shares with removed accounts of a decision."""
    def fields(t: str) -> str:
        return " UNION ALL ".join(
            f"SELECT decision_id, aid, '{f}' AS signal, {f} AS v FROM {t} WHERE {f} IS NOT NULL"
            + (f" AND length({f}) >= 3" if f in ("display_name", "bio") else "")
            for f in ("image", "display_name", "bio", "handle", "handle_template"))

    return store.fetchall(
        f"""
        WITH rem AS (SELECT r.decision_id, a.* FROM w_rem r JOIN w_acc a USING (aid)),
        bgacc AS (
          SELECT d.decision_id, a.* FROM w_acc a CROSS JOIN w_dec d
          WHERE a.aid NOT IN (SELECT aid FROM w_rem WHERE decision_id = d.decision_id)
            AND (a.created_at IS NULL OR a.created_at < d.t_down)),
        candacc AS (SELECT d.decision_id, a.* FROM w_acc a JOIN w_cand USING (aid)
                    CROSS JOIN w_dec d),
        rf AS ({fields('rem')}),
        rv AS (SELECT decision_id, signal, v, count(DISTINCT aid) AS r_n,
                      list(DISTINCT aid ORDER BY aid) AS r_aids FROM rf GROUP BY ALL),
        bf AS ({fields('bgacc')}),
        bv AS (SELECT decision_id, signal, v, count(DISTINCT aid) AS b_n,
                      list(DISTINCT aid) AS b_aids FROM bf
               SEMI JOIN rv USING (decision_id, signal, v) GROUP BY ALL),
        cf AS ({fields('candacc')})
        SELECT c.aid, c.decision_id, c.signal, c.v, rv.r_n,
               coalesce(bv.b_n - CASE WHEN list_contains(bv.b_aids, c.aid) THEN 1 ELSE 0 END,
                        0) AS b_n,
               rv.r_aids[1:{NAMED}]
        FROM cf c JOIN rv USING (decision_id, signal, v)
        LEFT JOIN bv USING (decision_id, signal, v)
        """
    )


def _near_images(store: Store) -> list[tuple[Any, ...]]:
    """Candidates whose 64-bit (16 hex digit) profile image hash is 1 to :data:`NEAR_BITS`
    bits from a removed account's. Blocked on the four 16-bit blocks of the hash: two hashes
    3 bits apart share at least one block (pigeonhole); 4 bits spread over all four blocks
    are missed (a known, small loss)."""
    return store.fetchall(
        f"""
        WITH img AS (
          SELECT aid, image, ('0x' || image)::UBIGINT AS h FROM w_acc
          WHERE regexp_matches(image, '^[0-9a-f]{{16}}$')),
        common AS (SELECT image FROM img GROUP BY 1 HAVING count(*) > {MAX_COMMON_IMAGE}),
        rem AS (SELECT r.decision_id, i.* FROM w_rem r JOIN img i USING (aid)
                WHERE i.image NOT IN (SELECT image FROM common)),
        cand AS (SELECT i.* FROM img i JOIN w_cand USING (aid)
                 WHERE i.image NOT IN (SELECT image FROM common)),
        rb AS (SELECT *, unnest([0, 1, 2, 3]) AS b FROM rem),
        cb AS (SELECT *, unnest([0, 1, 2, 3]) AS b FROM cand),
        pairs AS (
          SELECT DISTINCT c.aid, r.decision_id, c.image, r.image AS other, r.aid AS r_aid,
                 bit_count(xor(c.h, r.h)) AS bits
          FROM cb c JOIN rb r ON c.b = r.b
           AND substr(c.image, c.b * 4 + 1, 4) = substr(r.image, r.b * 4 + 1, 4))
        SELECT aid, decision_id, image, other, bits, r_aid FROM pairs
        WHERE bits BETWEEN 1 AND {NEAR_BITS}
        """
    )


def _score(rows: dict[int, list[dict[str, Any]]],
           weights: dict[str, float]) -> dict[int, dict[int, float]]:
    """Noisy-OR per account and decision over the strongest :data:`TOP_PER_SIGNAL` rows of
    each signal; sets each row's ``p``."""
    out: dict[int, dict[int, float]] = {}
    for aid, lst in rows.items():
        for r in lst:
            r["p"] = round(weights.get(r["signal"], 0.0) * float(r["spec"]), 6)
        by: dict[tuple[int, str], list[float]] = {}
        for r in lst:
            by.setdefault((r["decision_id"], r["signal"]), []).append(r["p"])
        dec_score: dict[int, float] = {}
        for (dec, _), ps in by.items():
            keep = 1.0
            for p in sorted(ps, reverse=True)[:TOP_PER_SIGNAL]:
                keep *= 1.0 - p
            dec_score[dec] = 1.0 - (1.0 - dec_score.get(dec, 0.0)) * keep
        out[aid] = dec_score
    return out


def _group_rounds(store: Store, run_id: str, rows: dict[int, list[dict[str, Any]]],
                  scores: dict[int, dict[int, float]], config: WatchConfig,
                  ) -> tuple[dict[int, list[dict[str, Any]]], dict[int, dict[int, float]]]:
    """Add ``group`` rows (module docstring) until no alert is added."""
    if not store.table_exists("run_members"):
        return rows, scores
    members = store.fetchall(
        "SELECT network_id, aid FROM run_members WHERE run_id = ? ORDER BY 1, 2", [run_id])
    nets: dict[str, list[int]] = {}
    for nid, aid in members:
        nets.setdefault(str(nid), []).append(int(aid))
    # partners: the remaining members and the accounts alerted, not the removed accounts (they
    # act no more: sharing a network with them is the network's past, which a run over the
    # whole store finds again with whoever was attached to it then)
    linked0: dict[int, set[int]] = {}
    for dec, aid in store.fetchall("SELECT decision_id, aid FROM w_rest"):
        linked0.setdefault(int(dec), set()).add(int(aid))
    # candidates that posted after the takedown
    active = {(int(a), int(d)) for a, d in store.fetchall(
        "SELECT DISTINCT p.aid, d.decision_id FROM posts p JOIN w_cand USING (aid) "
        "JOIN w_dec d ON p.created_at >= d.t_down")}
    cand = {a for a, _ in active}
    keys = _keys(store)
    for _ in range(GROUP_ROUNDS):
        linked = {d: set(s) for d, s in linked0.items()}
        for aid, by_dec in scores.items():
            for dec, sc in by_dec.items():
                if sc >= config.threshold:
                    linked.setdefault(dec, set()).add(aid)
        before = {a for a, b in scores.items() if max(b.values()) >= config.threshold}
        for nid, mem in nets.items():
            if len(mem) < MIN_GROUP + 1:
                continue
            for dec, link in linked.items():
                inside = [a for a in mem if a in link]
                if len(inside) < MIN_GROUP:
                    continue
                for aid in mem:
                    if aid not in cand or (aid, dec) not in active:
                        continue
                    others = [a for a in inside if a != aid]
                    if len(others) < MIN_GROUP:
                        continue
                    f = len(others) / (len(mem) - 1)
                    lst = rows.setdefault(aid, [])
                    key = f"group:{nid}"
                    old = next((r for r in lst if r["key"] == key and r["decision_id"] == dec),
                               None)
                    if old is not None:
                        old["spec"] = round(max(float(old["spec"]), f), 6)
                        old["linked_members"] = max(old["linked_members"], len(others))
                        continue
                    lst.append({"decision_id": dec, "signal": "group", "key": key,
                                "value": nid, "run_id": run_id, "spec": round(f, 6),
                                "linked_members": len(others), "network_size": len(mem),
                                "linked": [keys[a] for a in sorted(others)[:NAMED]]})
        scores = _score(rows, config.weights)
        after = {a for a, b in scores.items() if max(b.values()) >= config.threshold}
        if after == before:
            break
    return rows, scores
