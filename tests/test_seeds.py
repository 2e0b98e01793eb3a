"""The one seed vocabulary and the one seeds reader (cibwatch.seeds), and its two paths:
``cibwatch expand --seeds`` (:func:`cibwatch.seeds.read_seeds`) and ``cibwatch indicators
import --format seeds`` (:func:`cibwatch.intel.read_indicators`)."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cibwatch import expand
from cibwatch.errors import FormatError, InputError
from cibwatch.intel import TYPES, detect_format, read_indicators
from cibwatch.intel.workflow import import_indicators
from cibwatch.seeds import SEED_TYPES, Seed, is_seeds_header, parse_seeds, read_seeds


def _both(path: Path) -> tuple[list[tuple[object, ...]], list[str]]:
    """Seeds and problems by both paths; asserts that they agree."""
    seeds, problems = read_seeds(path)
    found = read_indicators(path, fmt="seeds")
    assert found.fmt == "seeds" and not found.facts
    assert [(s.type, s.value, s.platform, s.line, s.note) for s in seeds] == [
        (i.type, i.value, i.platform, i.line, i.note) for i in found.indicators]
    assert problems == [f"{path}:{line}: field {fld!r}: {msg}" for line, fld, msg in found.rejects]
    return [(s.type, s.value, s.platform, s.by, s.line) for s in seeds], problems


def test_one_vocabulary() -> None:
    assert SEED_TYPES == ("account", "url", "domain", "text", "hashtag")
    assert expand.SEED_TYPES is SEED_TYPES and expand.Seed is Seed
    assert expand.read_seeds is read_seeds
    assert TYPES[:len(SEED_TYPES)] == SEED_TYPES
    assert set(TYPES) - set(SEED_TYPES) == {"ip", "email", "fact"}


@pytest.mark.parametrize(("header", "rows", "seeds"), [
    ("platform,account_id", "twitter,123\n\nX,@77\n", [("account", "123", "twitter",
                                                         "account_id", 2),
                                                        ("account", "77", "twitter",
                                                         "account_id", 4)]),
    ("platform,handle", "twitter,@Someone\n", [("account", "Someone", "twitter", "handle", 2)]),
    ("url", "https://x[.]com/OpHandle\nhxxps://news-site[.]com/a/1?utm_source=t\n",
     [("account", "OpHandle", "twitter", "any", 2),
      ("url", "https://news-site.com/a/1?utm_source=t", None, "any", 3)]),
    ("Type, Value ,Platform", "domain,WWW.Op-Site[.]org,\nhashtag,#StopDam,\naccount,@a,x\n",
     [("domain", "op-site.org", None, "any", 2), ("hashtag", "stopdam", None, "any", 3),
      ("account", "a", "twitter", "any", 4)]),
])
def test_layouts_read_alike(tmp_path: Path, header: str, rows: str,
                            seeds: list[tuple[object, ...]]) -> None:
    f = tmp_path / "seeds.csv"
    f.write_text(f"{header}\n{rows}", encoding="utf-8")
    assert detect_format(f) == "seeds"
    assert _both(f) == (seeds, [])


def test_post_url_is_its_account_and_the_url(tmp_path: Path) -> None:
    f = tmp_path / "seeds.csv"
    f.write_text("type,value\nurl,https://x.com/h/status/1\nurl,https://a.com/x [an aside]\n",
                 encoding="utf-8")
    seeds, _ = _both(f)
    assert seeds == [("account", "h", "twitter", "any", 2),
                     ("url", "https://x.com/h/status/1", None, "any", 2),
                     ("url", "https://a.com/x", None, "any", 3)]
    assert read_seeds(f)[0][2].note == "an aside"


def test_bad_rows_are_rejected_alike(tmp_path: Path) -> None:
    f = tmp_path / "seeds.csv"
    f.write_text('type,value,platform\nbogus,x,\nhashtag,,\nip,1.2.3.4,\nurl,op-site.org,\n'
                 'hashtag,#two words,\n"text","two\nlines",\nurl,not a url,\n', encoding="utf-8")
    seeds, problems = _both(f)
    assert seeds == [("text", "two\nlines", None, "any", 7)]  # a row's line is its first
    assert [p.removeprefix(f"{f}:") for p in problems] == [
        "2: field 'type': unknown seed type 'bogus' (one of account, url, domain, text, "
        "hashtag)",
        "3: field 'value': empty seed value",
        "4: field 'type': unknown seed type 'ip' (one of account, url, domain, text, hashtag)",
        "5: field 'value': 'op-site.org' is not a valid url",
        "6: field 'value': '#two words' is not a valid hashtag",
        "9: field 'value': 'not a url' is not a valid url",
    ]
    f.write_text("platform,handle\ntwitter,\ntwitter,ok\n", encoding="utf-8")
    assert _both(f)[1] == [f"{f}:2: field 'handle': empty seed value"]


def test_broken_csv_is_a_reject_not_a_crash(tmp_path: Path) -> None:
    f = tmp_path / "seeds.csv"
    f.write_text("type,value\ntext,kept\ntext," + "x" * 200 + "\n", encoding="utf-8")
    limit = csv.field_size_limit(100)  # a field over the limit is a csv.Error
    try:
        seeds, problems = _both(f)
    finally:
        csv.field_size_limit(limit)
    assert seeds == [("text", "kept", None, "any", 2)]
    assert len(problems) == 1 and problems[0].startswith(f"{f}:3: field '': malformed CSV")


def test_files_without_seeds(tmp_path: Path) -> None:
    f = tmp_path / "seeds.csv"
    f.write_text("name\nfoo\n", encoding="utf-8")
    assert detect_format(f) == "list"
    for read in (read_seeds, lambda p: read_indicators(p, fmt="seeds")):
        with pytest.raises(FormatError, match=r"seeds.csv:1: a seeds file needs a header"):
            read(f)
    f.write_text("type,value\nbogus,x\n", encoding="utf-8")
    with pytest.raises(InputError, match="no usable seed"):
        read_seeds(f)
    assert read_indicators(f, fmt="seeds").rejects == [
        (2, "type", "unknown seed type 'bogus' (one of account, url, domain, text, hashtag)")]


def test_is_seeds_header() -> None:
    assert is_seeds_header(["type", "value"]) and is_seeds_header([" URL "])
    assert is_seeds_header(["platform", "account id"]) and is_seeds_header(["Handle"])
    assert not is_seeds_header(["type"]) and not is_seeds_header([])
    assert not is_seeds_header(["indicator_type", "indicator_value"])


def test_written_seeds_are_read_back(tmp_path: Path) -> None:
    lst = tmp_path / "list.txt"
    lst.write_text("twitter:@a\nhxxps://x[.]com/b/status/1\nop-site[.]org\n#Tag\n"
                   "a slogan\n10.0.0.1\ninfo[at]op-site[.]org\n954 Facebook Pages\n",
                   encoding="utf-8")
    import_indicators(lst, out=tmp_path / "imp")
    seeds, problems = _both(tmp_path / "imp" / "seeds.csv")
    assert not problems
    assert [(t, v) for t, v, *_ in seeds] == [
        ("account", "a"), ("account", "b"), ("account", "b"), ("url", "https://x.com/b/status/1"),
        ("domain", "op-site.org"), ("hashtag", "tag"), ("text", "a slogan")]
    assert {r["type"] for r in read_indicators(lst).seeds_rows()} <= set(SEED_TYPES)


_CELLS = st.sampled_from([
    "", " ", "@h", "Someone", "123", "X", "twitter", "fb", "account", "url", "domain", "text",
    "hashtag", "ip", "bogus", "https://x.com/h", "hxxps://x[.]com/h/status/1", "x.com/h",
    "op-site[.]org", "WWW.Op.org", "https://www.op.org/", "name.blogspot.com", "#Tag",
    "#two words", "two words", "a,b", 'say "no"', "line\nbreak", "1.2.3.4", "https://a.com/x [c]",
])


@settings(max_examples=150, deadline=None)
@given(header=st.sampled_from(["type,value,platform", "type,value", "platform,account_id",
                               "platform,handle", "url", "platform,account_id,handle",
                               "url,platform"]),
       rows=st.lists(st.lists(_CELLS, min_size=0, max_size=4), max_size=8))
def test_both_paths_accept_and_reject_the_same_rows(header: str, rows: list[list[str]]) -> None:
    def quote(c: str) -> str:
        return '"' + c.replace('"', '""') + '"' if any(x in c for x in ',"\n') else c

    text = header + "\n" + "".join(",".join(quote(c) for c in row) + "\n" for row in rows)
    seeds, rejects = parse_seeds(text, "s.csv")
    assert all(s.type in SEED_TYPES for s in seeds)
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "s.csv"
        f.write_text(text, encoding="utf-8")
        if seeds:
            _both(f)
        else:
            with pytest.raises(InputError, match="no usable seed"):
                read_seeds(f)
            assert read_indicators(f, fmt="seeds").rejects == rejects
