"""Merging a file's stage into the store: duplicate post ids rejected or (long layouts)
merged, accounts first-wins (explicit) or latest-wins (derived), dense ``aid`` and ``pid``,
and :func:`settle_accounts` at the end of an ingest call."""

from __future__ import annotations

from ..errors import BadRecordError
from ..model import (
    ACCOUNT_COLUMNS,
    LIST_FIELDS,
    POST_COLUMNS,
)
from ..store import Store
from .convert import sql_str
from .detect import FORMATS
from .rejects import _where

_POST_SCALARS = [c for c in POST_COLUMNS if c not in LIST_FIELDS and c not in ("platform", "post_id")]


_ACC_FIELDS = [c for c in ACCOUNT_COLUMNS if c not in ("platform", "account_id")]


_POST_RECORD = "to_json({" + ", ".join(f"'{c}': d.{c}" for c in POST_COLUMNS) + "})"



def _long_post_conflict(t: str) -> str:
    """SQL: the reject message of a long-layout row of post ``t.post_id`` whose field
    ``t.diff[1]`` differs from the value first read (one message for both the rows already in
    the store and the rows of this file)."""
    return (f"'post ' || {t}.post_id || ' was first read from ' || {_where(t)} || ' with another '"
            f" || {t}.diff[1] || '; a post holds one value of ' || {t}.diff[1]"
            " || ' (this row is kept here, not loaded)'")

def _merge(store: Store, strict: bool) -> tuple[int, int]:
    """Staged records -> posts, accounts, account_index. Returns (posts, accounts) loaded."""
    # Keys needing care: posts staged more than once, or already in the store.
    store.execute(
        """
        CREATE OR REPLACE TEMP TABLE st_keys AS
        SELECT platform, post_id FROM stage_posts GROUP BY platform, post_id HAVING count(*) > 1
        UNION
        SELECT s.platform, s.post_id FROM stage_posts s
        SEMI JOIN posts p ON p.platform = s.platform AND p.post_id = s.post_id;
        """
    )
    if store.scalar("SELECT count(*) FROM st_keys"):
        _merge_duplicates(store, strict)
    _merge_accounts_stage(store, strict)
    # Dense account ids for every account seen, in a deterministic order (file by file; the
    # accounts new in one ingest call are put in (platform, account_id) order at its end, see
    # settle_accounts).
    base_aid = int(store.scalar("SELECT coalesce(max(aid), 0) FROM account_index"))
    store.execute(
        "INSERT INTO meta SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = ?)",
        [_AID_MARK, str(base_aid), _AID_MARK])
    store.execute(
        f"""
        INSERT INTO account_index
        SELECT {base_aid} + row_number() OVER (ORDER BY platform, account_id), platform, account_id
        FROM (SELECT DISTINCT platform, account_id FROM stage_posts UNION
              SELECT platform, account_id FROM sa_ok UNION
              SELECT platform, account_id FROM sa_derived) n
        WHERE NOT EXISTS (SELECT 1 FROM account_index a WHERE a.platform = n.platform
                          AND a.account_id = n.account_id)
        """
    )
    # pid: unique and deterministic without sorting: the record's line, offset per source.
    base_pid = int(store.scalar("SELECT coalesce(max(pid), 0) FROM posts"))
    n_posts = int(store.scalar("SELECT count(*) FROM stage_posts"))
    store.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE src_offset AS
        SELECT source_id, {base_pid} + coalesce(sum(max_line) OVER (ORDER BY source_id
                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS off
        FROM (SELECT source_id, max(source_rec) AS max_line FROM stage_posts GROUP BY 1);
        INSERT INTO posts
        SELECT o.off + s.source_rec, ai.aid, {", ".join("s." + c for c in POST_COLUMNS)},
               s.source_id, s.source_line
        FROM stage_posts s
        JOIN src_offset o USING (source_id)
        JOIN account_index ai ON ai.platform = s.platform AND ai.account_id = s.account_id;
        """
    )
    n_acc = int(store.scalar("SELECT count(*) FROM sa_ok"))
    store.execute(
        f"""
        DELETE FROM accounts WHERE derived AND EXISTS (
          SELECT 1 FROM sa_ok s WHERE s.platform = accounts.platform
          AND s.account_id = accounts.account_id);
        DELETE FROM accounts WHERE derived AND EXISTS (
          SELECT 1 FROM sa_derived s WHERE s.platform = accounts.platform
          AND s.account_id = accounts.account_id);
        INSERT INTO accounts
        SELECT ai.aid, {", ".join("s." + c for c in ACCOUNT_COLUMNS)}, s.source_id, s.source_line,
               false
        FROM sa_ok s JOIN account_index ai USING (platform, account_id);
        INSERT INTO accounts
        SELECT ai.aid, {", ".join("s." + c for c in ACCOUNT_COLUMNS)}, s.source_id, s.source_line,
               true
        FROM sa_derived s JOIN account_index ai USING (platform, account_id)
        WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.platform = s.platform
                          AND a.account_id = s.account_id AND NOT a.derived);
        DROP TABLE IF EXISTS st_keys; DROP TABLE IF EXISTS src_offset;
        DROP TABLE IF EXISTS sa_ok; DROP TABLE IF EXISTS sa_derived;
        """
    )
    return n_posts, n_acc


def _merge_duplicates(store: Store, strict: bool) -> None:
    """Resolve staged posts whose id repeats: reject copies, merge long-layout rows.

    Leaves ``stage_posts`` with one row per new post (list fields merged where allowed).
    """
    diff_parts = ", ".join(
        f"CASE WHEN d.{c} IS DISTINCT FROM f.{c} THEN '{c}' END" for c in _POST_SCALARS
    )
    # rows of a long layout's post already in the store (from an earlier file of the same
    # kind of layout) are merged into it, as rows of one file are
    long_formats = ", ".join(sql_str(n) for n, fm in FORMATS.items() if fm.merge_rows)
    store.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE st AS
        SELECT s.*, row_number() OVER (PARTITION BY platform, post_id
                                       ORDER BY source_id, source_rec) AS rn
        FROM stage_posts s SEMI JOIN st_keys k USING (platform, post_id);
        CREATE OR REPLACE TEMP TABLE st_dup AS
        SELECT d.platform, d.post_id, d.source_id, d.source_line, d.source_rec, d.merge_rows,
               f.source_id AS f_sid, f.source_line AS f_line,
               list_filter([{diff_parts}], lambda x: x IS NOT NULL) AS diff,
               {_POST_RECORD} AS record
        FROM st d JOIN st f ON f.platform = d.platform AND f.post_id = d.post_id AND f.rn = 1
        WHERE d.rn > 1;
        CREATE OR REPLACE TEMP TABLE st_old AS
        SELECT d.platform, d.post_id, d.source_id, d.source_line, d.source_rec, d.merge_rows,
               p.source_id AS f_sid, p.source_line AS f_line, {_POST_RECORD} AS record,
               list_filter([{diff_parts.replace("f.", "p.")}], lambda x: x IS NOT NULL) AS diff,
               d.merge_rows AND p.source_id IN (SELECT source_id FROM sources
                                                WHERE format IN ({long_formats})) AS long_post
        FROM st d JOIN posts p ON p.platform = d.platform AND p.post_id = d.post_id;
        """
    )
    if strict:
        row = store.fetchone(
            """
            SELECT s.path, x.source_line FROM (
              SELECT source_id, source_line, source_rec FROM st_dup
              WHERE NOT (merge_rows AND len(diff) = 0)
              UNION ALL SELECT source_id, source_line, source_rec FROM st_old
              WHERE NOT (long_post AND len(diff) = 0)) x
            JOIN sources s USING (source_id) ORDER BY x.source_id, x.source_rec LIMIT 1
            """
        )
        if row is not None:
            raise BadRecordError(row[0], int(row[1]), "post_id", "duplicate post id")
    store.execute(
        f"""
        INSERT INTO rejects
        SELECT o.source_id, o.source_line,
               CASE WHEN o.long_post THEN o.diff[1] ELSE 'post_id' END,
               CASE WHEN o.long_post THEN
                 {_long_post_conflict('o')}
               ELSE
                 'duplicate post_id ' || o.post_id || ': already in the store from '
                 || {_where('o')} END, o.record, 'post'
        FROM st_old o WHERE NOT (o.long_post AND len(o.diff) = 0);
        INSERT INTO rejects
        SELECT d.source_id, d.source_line,
               CASE WHEN d.merge_rows THEN d.diff[1] ELSE 'post_id' END,
               CASE WHEN d.merge_rows THEN
                 {_long_post_conflict('d')}
               ELSE
                 'duplicate post_id ' || d.post_id || ' (first loaded from ' || {_where('d')}
                 || CASE WHEN len(d.diff) = 0 THEN ', identical record)'
                         ELSE ', differs in ' || array_to_string(d.diff, ', ') || ')' END
               END,
               d.record, 'post'
        FROM st_dup d
        WHERE NOT (d.merge_rows AND len(d.diff) = 0)
          AND NOT EXISTS (SELECT 1 FROM st_old o WHERE o.platform = d.platform
                          AND o.post_id = d.post_id);
        """
    )
    lists = {
        c: f"flatten(list({c} ORDER BY source_id, source_rec))" for c in sorted(LIST_FIELDS)
    }
    list_aggs = ", ".join(
        f"list_filter({agg}, lambda x, i: list_position({agg}, x) = i) AS {c}"
        for c, agg in lists.items()
    )
    others = ", ".join(
        f"first({c} ORDER BY source_id, source_rec) AS {c}"
        for c in POST_COLUMNS
        if c not in LIST_FIELDS and c not in ("platform", "post_id")
    )
    lists_sorted = sorted(LIST_FIELDS)
    concat = ", ".join(
        f"list_concat(any_value(p.{c}), flatten(list(s.{c} ORDER BY s.source_id, s.source_rec)))"
        f" AS {c}" for c in lists_sorted)
    sets = ", ".join(f"{c} = list_filter(m.{c}, lambda x, i: list_position(m.{c}, x) = i)"
                     for c in lists_sorted)
    store.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE st_merge AS
        SELECT p.pid, {concat}
        FROM st s JOIN st_old o USING (source_id, source_rec)
        JOIN posts p ON p.platform = s.platform AND p.post_id = s.post_id
        WHERE o.long_post AND len(o.diff) = 0
        GROUP BY p.pid;
        UPDATE posts SET {sets} FROM st_merge m WHERE posts.pid = m.pid;
        DROP TABLE st_merge;
        """
    )
    store.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE st_ok AS
        SELECT platform, post_id, {others}, {list_aggs},
               min(source_id) AS source_id, min(source_line) AS source_line,
               min(source_rec) AS source_rec,
               bool_or(merge_rows) AS merge_rows, []::VARCHAR[] AS _errors
        FROM st s
        WHERE NOT EXISTS (SELECT 1 FROM st_old o WHERE o.platform = s.platform
                          AND o.post_id = s.post_id)
          AND (s.rn = 1 OR EXISTS (SELECT 1 FROM st_dup d WHERE d.source_id = s.source_id
                 AND d.source_rec = s.source_rec AND d.merge_rows AND len(d.diff) = 0))
        GROUP BY platform, post_id;
        DELETE FROM stage_posts WHERE EXISTS (SELECT 1 FROM st_keys k
          WHERE k.platform = stage_posts.platform AND k.post_id = stage_posts.post_id);
        INSERT INTO stage_posts BY NAME SELECT * FROM st_ok;
        DROP TABLE st; DROP TABLE st_dup; DROP TABLE st_old; DROP TABLE st_ok;
        """
    )


def _merge_accounts_stage(store: Store, strict: bool) -> None:
    """Explicit account rows (first wins; later copies rejected) and derived ones (latest wins)
    -> temp tables ``sa_ok`` and ``sa_derived``."""
    store.execute(
        """
        CREATE OR REPLACE TEMP TABLE sa AS
        SELECT s.* EXCLUDE (_errors), row_number() OVER (PARTITION BY platform, account_id
                                       ORDER BY source_id, source_rec) AS rn
        FROM stage_accounts s WHERE NOT derived;
        """
    )
    acc_dups = """
        SELECT s.source_id, s.source_line, s.source_rec, s.account_id, to_json(s) AS record,
               coalesce(f.source_id, a.source_id) AS f_sid,
               coalesce(f.source_line, a.source_line) AS f_line
        FROM sa s
        LEFT JOIN sa f ON f.platform = s.platform AND f.account_id = s.account_id AND f.rn = 1
                       AND s.rn > 1
        LEFT JOIN accounts a ON a.platform = s.platform AND a.account_id = s.account_id
                             AND NOT a.derived
        WHERE s.rn > 1 OR a.account_id IS NOT NULL
    """
    if strict:
        row = store.fetchone(
            f"SELECT s.path, d.source_line FROM ({acc_dups}) d JOIN sources s USING (source_id) "
            "ORDER BY d.source_id, d.source_rec LIMIT 1"
        )
        if row is not None:
            raise BadRecordError(row[0], int(row[1]), "account_id", "duplicate account")
    derived_aggs = ", ".join(
        f"arg_max({c}, source_id * 1000000000000 + source_rec) FILTER (WHERE {c} IS NOT NULL) "
        f"AS {c}"
        for c in _ACC_FIELDS
    )
    store.execute(
        f"""
        INSERT INTO rejects
        SELECT d.source_id, d.source_line, 'account_id',
               'duplicate account ' || d.account_id || ' (first loaded from ' || {_where('d')}
               || ')', d.record, 'account'
        FROM ({acc_dups}) d;
        CREATE OR REPLACE TEMP TABLE sa_ok AS
        SELECT * EXCLUDE (rn) FROM sa s WHERE rn = 1
          AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.platform = s.platform
                          AND a.account_id = s.account_id AND NOT a.derived);
        CREATE OR REPLACE TEMP TABLE sa_derived AS
        SELECT platform, account_id, {derived_aggs},
               arg_max(source_id, source_id * 1000000000000 + source_rec) AS source_id,
               arg_max(source_line, source_id * 1000000000000 + source_rec) AS source_line
        FROM stage_accounts WHERE derived GROUP BY platform, account_id;
        DROP TABLE sa;
        """
    )


#: ``meta`` key: the largest ``aid`` before the accounts of an unfinished ingest call.
_AID_MARK = "aid_order_from"


def settle_accounts(store: Store) -> None:
    """Number the accounts added by the last ingest call in (platform, account_id) order.

    Files are committed one by one, each appending its new accounts to ``account_index``; the
    first file of a call records in ``meta`` where the call's accounts start, and this puts
    them in (platform, account_id) order at the end of the call, in one transaction (a no-op
    when they already are, as with one file). So the ``aid`` of every account is the same
    whether the files were read in one go or the call was interrupted and run again, and
    whatever the number of files. Called by :func:`ingest_files` when every file is done (a
    call that fails or is killed leaves its mark, and the call that completes the ingest
    settles all the accounts since), and by ``detect --db`` without files; cheap when nothing
    is pending. Cost: one pass over the posts of the call's accounts when their order changes.
    """
    mark = store.scalar("SELECT value FROM meta WHERE key = ?", [_AID_MARK])
    if mark is None:
        return
    base = int(mark)
    with store.transaction():
        store.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE aid_map AS
            SELECT * FROM (
              SELECT aid AS old, {base} + row_number() OVER (ORDER BY platform, account_id) AS new
              FROM account_index WHERE aid > {base}) AS m
            WHERE old <> new;
            """
        )
        if store.scalar("SELECT count(*) FROM aid_map"):
            store.execute(
                """
                UPDATE account_index SET aid = m.new FROM aid_map m WHERE account_index.aid = m.old;
                UPDATE posts SET aid = m.new FROM aid_map m WHERE posts.aid = m.old;
                UPDATE accounts SET aid = m.new FROM aid_map m WHERE accounts.aid = m.old;
                """
            )
        store.execute("DROP TABLE aid_map; DELETE FROM meta WHERE key = ?", [_AID_MARK])
