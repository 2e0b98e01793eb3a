"""A researcher data release of networks that cannot be re-identified (issue 15).

The layout is the Twitter/X information-operations archive (docs in
:mod:`cibwatch.ingest.twitter_io`): per platform a *users* file of 10 columns and a *posts*
file of 31 columns (the archive's "tweets" file, used for every platform), a ``README.md`` and a
``manifest.json`` with the SHA-256 of every file. The release re-ingests with
``cibwatch ingest --format twitter-io``.

**What is hidden.** An account with fewer followers than the threshold (5,000 by default, as in
the archive; an account whose follower count is unknown counts as under it) is *hashed*: every
identifier of it is replaced by ``HMAC-SHA256(key, kind, platform, value)`` in hex, in every
column that carries one: user id, screen name and display name (all three the same value, as in
the archive), the reply-to, reshare-of and mentioned user, and its post ids, which outsiders
could otherwise join against their own collections (the archive's 2019 China release left
``user_mentions`` and tweet ids in the clear, and accounts were re-identified through them). In
texts, bios and URLs every ``@handle`` not of a public account, and every token equal to a
hashed account's id or handle or a hashed post's id (profile and status links), is replaced by
its hash. A hashed account's bio and profile URL are left empty: a bio is searchable text.
Accounts mentioned or replied to that the store does not know are hashed (their follower count
is unknown). The same key gives the same hashes, so two releases with one key link; a new key
unlinks them.

**The check.** :func:`check_release` scans every cell of every file written for a raw id, handle
or display name of a hashed account and any raw id of a hashed post; :func:`write_release`
refuses to finish (and removes what it wrote) when it finds one.

**Not hidden** (said in the release's README): texts themselves (a quoted sentence can be
searched for), writing style, posting times, names of people inside texts. Cells are not
formula-escaped: the files are data for programs, byte for byte what the accounts posted.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._version import __version__
from ..errors import InputError, OutputError
from ..ingest.twitter_io import TWEETS_COLUMNS, USERS_COLUMNS
from ..store import Store

__all__ = ["ReleaseResult", "Leak", "write_release", "check_release", "read_key",
           "DEFAULT_FOLLOWER_THRESHOLD", "KEY_MIN_BYTES"]

#: Accounts with at least this many followers are public figures: kept in the clear.
DEFAULT_FOLLOWER_THRESHOLD = 5000
#: A key shorter than this is refused (HMAC-SHA256's block of security: 32 bytes).
KEY_MIN_BYTES = 32
#: Columns holding numbers, never text: a short all-digit id is not looked for there.
_NUMBER_COLUMNS = frozenset({"follower_count", "following_count", "quote_count", "reply_count",
                             "like_count", "retweet_count", "latitude", "longitude"})
#: All-digit ids shorter than this are not searched for in number columns (a count is not an id).
_SHORT_DIGITS = 6
_TOKEN = re.compile(r"[\w.]+")
_HASH = re.compile(r"[0-9a-f]{64}")
#: An @handle: not inside an e-mail address or a longer word of Latin letters (an @ right after
#: a Cyrillic or CJK letter is a mention, as the platforms parse it, and so is ".@handle").
_MENTION = re.compile(r"(?<![A-Za-z0-9_@])@([\w.]+)")
#: What the check looks for: any @ followed by a handle, whatever precedes it (more than the
#: scrubber replaces, so that a scrubber's miss is caught).
_ANY_AT = re.compile(r"@([\w.]+)")


@dataclass(frozen=True)
class Leak:
    """A raw identifier of a hashed account or post found in a written file."""

    file: str
    line: int
    column: str
    kind: str
    value: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: column {self.column!r} holds a raw {self.kind}"


@dataclass
class ReleaseResult:
    out: Path
    files: list[str]
    accounts: int
    hashed_accounts: int
    posts: int
    networks: list[str]
    platforms: list[str] = field(default_factory=list)


def read_key(path: str | Path) -> bytes:
    """The HMAC key: the bytes of ``path`` (at least :data:`KEY_MIN_BYTES`)."""
    p = Path(path)
    try:
        key = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"key file {p} does not exist",
                         remedy=f"making one: head -c 32 /dev/urandom > {p} (keep it secret; the "
                         "same key links releases, a new one unlinks them)") from None
    except OSError as exc:
        raise InputError(f"key file {p} cannot be read: {exc.strerror}") from None
    if len(key) < KEY_MIN_BYTES:
        raise InputError(f"key file {p} holds {len(key)} bytes; at least {KEY_MIN_BYTES} needed",
                         remedy=f"making a new one: head -c 32 /dev/urandom > {p}")
    return key


class _Hasher:
    def __init__(self, key: bytes) -> None:
        self.key = key

    def __call__(self, kind: str, platform: str, value: str) -> str:
        msg = "\x1f".join((kind, platform, value)).encode()
        return hmac.new(self.key, msg, hashlib.sha256).hexdigest()


def _network_aids(store: Store, network_ids: Sequence[str], run_id: str | None
                  ) -> dict[str, list[int]]:
    """Stable network id -> member aids, for ids or labels (``N0003``: in ``run_id``, else in
    the latest run), from the kept results of the runs (:mod:`cibwatch.runs`)."""
    from ..api import locate_network

    found: dict[str, list[int]] = {}
    for ref in network_ids:
        run, nid = locate_network(store, ref, run_id)
        rows = store.fetchall("SELECT DISTINCT aid FROM run_members WHERE run_id = ? AND "
                              "network_id = ? ORDER BY aid", [run, nid])
        found[nid] = [int(r[0]) for r in rows]  # an id and its label: the same network
    return found


def _bracket(values: Iterable[str] | None) -> str:
    vals = list(values or [])
    return "[" + ", ".join(repr(str(v)) for v in vals) + "]" if vals else ""


def _date(ts: Any) -> str:
    return ts.strftime("%Y-%m-%d") if ts is not None else ""


def _time(ts: Any) -> str:
    return ts.strftime("%Y-%m-%d %H:%M:%S") if ts is not None else ""


def _count(v: Any) -> str:
    return "" if v is None else str(int(v))


class _Scrubber:
    """Replaces identifiers of hashed accounts and posts inside free text."""

    def __init__(self, token_map: dict[str, str], public_handles: set[str],
                 handle_hash: Any) -> None:
        self.token_map = token_map          # lower-case raw token -> hash
        self.public = public_handles        # lower-case handles kept in the clear
        self.handle_hash = handle_hash      # handle -> hash, for unknown handles

    def _token(self, m: re.Match[str]) -> str:
        tok = m.group(0)
        h = self.token_map.get(tok.lower())
        if h is not None:
            return h
        if "." in tok:  # a handle with dots is one token; else the parts of a host or a path
            return ".".join(self.token_map.get(p.lower(), p) for p in tok.split("."))
        return tok

    def _mention(self, m: re.Match[str]) -> str:
        handle = m.group(1).rstrip(".")
        tail = m.group(1)[len(handle):]
        low = handle.lower()
        if low in self.public or _HASH.fullmatch(handle):  # public, or replaced already
            return m.group(0)
        return "@" + self.token_map.get(low, self.handle_hash(handle)) + tail

    def __call__(self, text: str | None, mentions: Sequence[str] | None = None) -> str:
        """Free text (a post, a bio, a URL): the post's own mentions wherever the platform
        found them (``#Syria@War``, ``P@ssw0rd``: the mention list is the authority), then
        every other @handle, then identifier tokens."""
        if not text:
            return ""
        for m in sorted(set(mentions or ()), key=lambda h: (-len(h), h)):
            if m and m.lower() not in self.public:
                repl = "@" + self.token_map.get(m.lower(), self.handle_hash(m))
                text = re.sub("@" + re.escape(m) + r"(?![\w])", repl.replace("\\", "\\\\"),
                              text, flags=re.I)
        text = _MENTION.sub(self._mention, text)
        return _TOKEN.sub(self._token, text)

    def cells(self, columns: Sequence[str], row: list[str]) -> list[str]:
        """Every text cell of a row once more through the identifier tokens (a location, a
        hashtag or a language equal to a hashed handle is replaced too); numbers are kept."""
        return [c if col in _NUMBER_COLUMNS else _TOKEN.sub(self._token, c)
                for col, c in zip(columns, row, strict=True)]


def write_release(store: Store, network_ids: Sequence[str], out: str | Path, key: bytes, *,
                  follower_threshold: int = DEFAULT_FOLLOWER_THRESHOLD,
                  name: str = "cibwatch", run_id: str | None = None) -> ReleaseResult:
    """Write the release of ``network_ids`` (stable ids or labels of ``run_id``, else of the
    latest run) to ``out`` (which must not exist or be empty)."""
    if follower_threshold < 0:
        raise InputError(f"follower_threshold must be 0 or more, not {follower_threshold}")
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", name):
        raise InputError(f"release name {name!r}: letters, digits, '_' and '-' only")
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise OutputError(f"{out} exists and is not an empty directory",
                          remedy="giving a new directory for the release")
    nets = _network_aids(store, list(dict.fromkeys(network_ids)), run_id)
    aids = sorted({a for v in nets.values() for a in v})
    hasher = _Hasher(key)
    with store.registered("release_aids", _aids_table(aids)) as tname:
        accounts = store.fetchall(f"""
            SELECT i.aid, i.platform, i.account_id, a.handle, a.display_name, a.created_at,
                   a.followers, a.following, a.bio, a.lang, a.location
            FROM {tname} r JOIN account_index i ON i.aid = r.aid
            LEFT JOIN (SELECT * FROM accounts QUALIFY row_number() OVER (
                         PARTITION BY aid ORDER BY derived, source_id, source_line) = 1) a
              ON a.aid = i.aid
            ORDER BY i.platform, i.account_id""")
        posts = store.fetchall(f"""
            SELECT p.platform, p.post_id, p.aid, p.created_at, p.text, p.urls, p.hashtags,
                   p.mentions, p.reshare_of, p.reply_to, p.lang,
                   rs.aid AS reshare_aid, rp.aid AS reply_aid
            FROM posts p JOIN {tname} r ON r.aid = p.aid
            LEFT JOIN posts rs ON rs.platform = p.platform AND rs.post_id = p.reshare_of
            LEFT JOIN posts rp ON rp.platform = p.platform AND rp.post_id = p.reply_to
            ORDER BY p.platform, p.created_at, p.post_id""")
        # Every account the released posts point at (reshared, replied to, mentioned).
        referred = store.fetchall(f"""
            WITH ref AS (
              SELECT rs.aid FROM posts p JOIN {tname} r ON r.aid = p.aid
                JOIN posts rs ON rs.platform = p.platform AND rs.post_id = p.reshare_of
              UNION SELECT rp.aid FROM posts p JOIN {tname} r ON r.aid = p.aid
                JOIN posts rp ON rp.platform = p.platform AND rp.post_id = p.reply_to)
            SELECT i.aid, i.platform, i.account_id, a.handle, a.followers
            FROM ref JOIN account_index i ON i.aid = ref.aid
            LEFT JOIN accounts a ON a.aid = i.aid""")
        mentioned = store.fetchall(f"""
            WITH m AS (SELECT DISTINCT p.platform, unnest(p.mentions) AS h
                       FROM posts p JOIN {tname} r ON r.aid = p.aid)
            SELECT DISTINCT m.platform, m.h, a.aid, a.followers, i.account_id
            FROM m LEFT JOIN accounts a ON a.platform = m.platform
                                       AND lower(a.handle) = lower(m.h)
            LEFT JOIN account_index i ON i.aid = a.aid
            ORDER BY 1, 2""")

    info: dict[int, dict[str, Any]] = {}

    def note(aid: int, platform: str, account_id: str, handle: str | None,
             followers: int | None) -> None:
        cur = info.setdefault(aid, {"platform": platform, "account_id": account_id,
                                    "handles": set(), "followers": followers})
        if handle:
            cur["handles"].add(handle)
        if followers is not None and (cur["followers"] is None or followers > cur["followers"]):
            cur["followers"] = followers

    for a in accounts:
        note(a[0], a[1], a[2], a[3], a[6])
    for r in referred:
        note(r[0], r[1], r[2], r[3], r[4])
    for m in mentioned:
        if m[2] is not None:
            note(m[2], m[0], m[4], m[1], m[3])

    def hashed(aid: int | None) -> bool:
        if aid is None:
            return True
        f = info[aid]["followers"] if aid in info else None
        return f is None or f < follower_threshold

    acc_hash = {aid: hasher("account", v["platform"], v["account_id"]) for aid, v in info.items()
                if hashed(aid)}
    token_map: dict[str, str] = {}
    public: set[str] = set()
    raw: dict[str, str] = {}  # lower-case raw identifier -> kind, for the check
    for aid, v in info.items():
        if aid in acc_hash:
            token_map[v["account_id"].lower()] = acc_hash[aid]
            raw[v["account_id"].lower()] = "account id"
            for h in v["handles"]:
                token_map[h.lower()] = acc_hash[aid]
                raw[h.lower()] = "handle"
        else:
            public.update(h.lower() for h in v["handles"])
    public_names = {a[4].strip().casefold() for a in accounts if a[0] not in acc_hash and a[4]}
    names = {a[4].strip().casefold() for a in accounts if a[0] in acc_hash and a[4]}
    names -= public_names
    # Handles mentioned but unknown to the store (or hashed): looked for as @handle anywhere and
    # in the mention lists; a bare word equal to them ("nike") is not an identifier.
    mention_raw = {m[1].lower() for m in mentioned if m[1] and m[1].lower() not in public}
    post_author = {(p[0], p[1]): p[2] for p in posts}
    for (platform, post_id), aid in post_author.items():
        if aid in acc_hash:
            token_map[post_id.lower()] = hasher("post", platform, post_id)
            raw[post_id.lower()] = "post id"

    def handle_hash(platform: str) -> Any:
        return lambda h: hasher("handle", platform, h.lower())

    def post_ref(platform: str, post_id: str | None, aid: int | None) -> str:
        if not post_id:
            return ""
        return hasher("post", platform, post_id) if hashed(aid) else post_id

    def user_ref(aid: int | None) -> str:
        if aid is None:
            return ""
        return acc_hash.get(aid, info[aid]["account_id"] if aid in info else "")

    platforms = sorted({a[1] for a in accounts})
    tmp = out.with_name(out.name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    files: list[str] = []
    try:
        for platform in platforms:
            scrub = _Scrubber(token_map, public, handle_hash(platform))
            user_row: dict[int, list[str]] = {}
            for a in accounts:
                if a[1] != platform:
                    continue
                if a[0] in acc_hash:
                    h = acc_hash[a[0]]
                    row = [h, h, h, a[10] or "", "", "", _count(a[6]), _count(a[7]),
                           _date(a[5]), a[9] or ""]
                else:
                    row = [a[2], a[4] or "", a[3] or "", a[10] or "", scrub(a[8]), "",
                           _count(a[6]), _count(a[7]), _date(a[5]), a[9] or ""]
                user_row[a[0]] = scrub.cells(USERS_COLUMNS, row)
            users_rows = list(user_row.values())
            posts_rows = []
            for p in posts:
                if p[0] != platform:
                    continue
                u = user_row[p[2]]
                mentions = [m if m.lower() in public else token_map.get(
                    m.lower(), handle_hash(platform)(m)) for m in (p[7] or [])]
                posts_rows.append(scrub.cells(TWEETS_COLUMNS, [
                    post_ref(platform, p[1], p[2]), u[0], u[1], u[2], u[3], u[4], u[5], u[6],
                    u[7], u[8], u[9], p[10] or "", scrub(p[4], p[7]), _time(p[3]), "",
                    user_ref(p[12]) if p[9] else "", post_ref(platform, p[9], p[12]),
                    "", "True" if p[8] else "False", user_ref(p[11]) if p[8] else "",
                    post_ref(platform, p[8], p[11]), "", "", "", "", "", "",
                    _bracket(p[6]), _bracket(scrub(x) for x in (p[5] or [])),
                    _bracket(mentions), ""]))
            for kind, cols, rows in (("users", USERS_COLUMNS, users_rows),
                                     ("tweets", TWEETS_COLUMNS, posts_rows)):
                fname = f"{name}_{platform}_{kind}_csv_hashed.csv"
                buf = io.StringIO()
                w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
                w.writerow(cols)
                w.writerows(rows)
                (tmp / fname).write_text(buf.getvalue(), encoding="utf-8")
                files.append(fname)
        n_hashed = sum(1 for a in accounts if a[0] in acc_hash)
        (tmp / "README.md").write_text(_readme(name, nets, platforms, len(accounts), n_hashed,
                                               len(posts), follower_threshold), encoding="utf-8")
        files.append("README.md")
        manifest = {
            "name": name, "cibwatch_version": __version__, "layout": "twitter-io",
            "follower_threshold": follower_threshold,
            "networks": {nid: len(v) for nid, v in nets.items()},
            "accounts": len(accounts), "hashed_accounts": n_hashed, "posts": len(posts),
            "hash": "HMAC-SHA256, hex; the same key gives the same values",
            "files": {f: hashlib.sha256((tmp / f).read_bytes()).hexdigest()
                      for f in sorted(files)},
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n",
                                           encoding="utf-8")
        files.append("manifest.json")
        leaks = check_release(tmp, raw, names, mention_raw)
        if leaks:
            raise OutputError(
                f"the release would re-identify hashed accounts: {len(leaks)} raw identifiers "
                f"left, first {leaks[0]}; nothing was written",
                remedy="reporting this as a bug of cibwatch (the release is refused, not "
                "published)")
        if out.exists():
            out.rmdir()
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return ReleaseResult(out=out, files=files, accounts=len(accounts), hashed_accounts=n_hashed,
                         posts=len(posts), networks=list(nets), platforms=platforms)


def _aids_table(aids: list[int]) -> Any:
    import pyarrow as pa

    return pa.table({"aid": pa.array(aids, pa.int32())})


def check_release(directory: str | Path, raw: dict[str, str], names: Iterable[str] = (),
                  mentions: Iterable[str] = ()) -> list[Leak]:
    """Every cell of every file in ``directory`` holding a raw identifier.

    ``raw`` maps lower-case raw identifiers (account ids, handles, post ids of hashed accounts)
    to their kind, looked for as tokens of every cell (letters, digits, ``_`` and ``.``; a dotted
    token also in its parts); ``names`` are display names of hashed accounts (case-folded),
    looked for as whole cells; ``mentions`` are lower-case handles of other hashed accounts,
    looked for as ``@handle`` in every cell and as tokens of the mention lists.
    """
    d = Path(directory)
    names = {n for n in names if n}
    at = {m for m in mentions if m}
    leaks: list[Leak] = []

    def scan(fname: str, line: int, column: str, cell: str) -> None:
        if cell.strip().casefold() in names:
            leaks.append(Leak(fname, line, column, "display name", cell))
            return
        for tok in _TOKEN.findall(cell):
            for t in {tok, *tok.split("."), tok.rstrip(".")}:
                low = t.lower()
                kind = raw.get(low)
                if kind is None and column == "user_mentions" and low in at:
                    kind = "handle"
                if kind is None:
                    continue
                if column in _NUMBER_COLUMNS and low.isdigit() and len(low) < _SHORT_DIGITS:
                    continue
                leaks.append(Leak(fname, line, column, kind, t))
                return
        for m in _ANY_AT.finditer(cell):
            h = m.group(1).rstrip(".").lower()
            if h in at or raw.get(h) == "handle":
                leaks.append(Leak(fname, line, column, "handle", m.group(0)))
                return

    for f in sorted(d.iterdir()):
        text = f.read_text(encoding="utf-8")
        if f.suffix == ".csv":
            reader = csv.reader(io.StringIO(text))
            header = next(reader, [])
            for col in header:
                scan(f.name, 1, "(header)", col)
            for i, row in enumerate(reader, start=2):
                for col, cell in zip(header, row, strict=False):
                    scan(f.name, i, col, cell)
        else:
            for i, ln in enumerate(text.splitlines(), start=1):
                scan(f.name, i, "(text)", ln)
    return leaks


def _readme(name: str, nets: dict[str, list[int]], platforms: list[str], accounts: int,
            hashed: int, posts: int, threshold: int) -> str:
    lines = [
        f"# {name}: researcher data release", "",
        f"Written by cibwatch {__version__} in the layout of the Twitter/X information-operations "
        "archive: per platform a users file (10 columns) and a posts file (the archive's "
        "31-column tweets file, used for every platform).", "",
        f"- networks: {', '.join(nets)}",
        f"- platforms: {', '.join(platforms)}",
        f"- accounts: {accounts} ({hashed} hashed), posts: {posts}", "",
        "## What is hidden", "",
        f"Accounts with fewer than {threshold} followers (or an unknown count) are hashed: "
        "user id, screen name and display name carry one keyed HMAC-SHA256 value (hex), and so "
        "do every reply-to, reshare-of and mentioned user and every post id of such an account. "
        "@handles, ids and post ids inside texts and URLs are replaced by the same values. "
        "Their bios and profile URLs are left empty. The same key gives the same values: "
        "releases made with one key link; a new key unlinks them.", "",
        "## What is not hidden", "",
        "Texts are as posted (a quoted sentence can be searched for); posting times, languages "
        "and writing style can link accounts; names of people inside texts are not removed. "
        "Cells are not escaped for spreadsheets: read the files as data (e.g. with a CSV "
        "library), not by opening them in a spreadsheet program.", "",
        "Checksums of every file: manifest.json. Empty cells: the data had no value.", "",
    ]
    return "\n".join(lines)
