"""Text and URL normalisation (the one definition every trace uses)."""

from __future__ import annotations

import pytest

from cibwatch import Store
from cibwatch.normalize import canonical_url_sql, normalize_text_sql, url_host_sql


def _text(s: str) -> str:
    with Store(None) as st:
        return st.scalar(f"SELECT {normalize_text_sql('t')} FROM (SELECT ?::VARCHAR AS t)", [s])


def _url(u: str) -> str | None:
    with Store(None) as st:
        return st.scalar(
            f"SELECT canonical FROM ({canonical_url_sql('(SELECT ?::VARCHAR AS u)')})", [u])


@pytest.mark.parametrize("raw, norm", [
    ("Spread the truth NOW!!! @carol", "spread the truth now"),
    ("  RT @bob:  Hello,\n   World  😀 ", "rt hello world"),
    ("Read this https://t.co/abc and www.x.com/y", "read this and"),
    ("#Xinjiang is #great", "xinjiang is great"),
    ("中国很好！！😀 http://x.co/a #新疆", "中国很好 新疆"),
    ("Привет, мир!", "привет мир"),
    ("😀🔥", ""),
])
def test_text_normalisation(raw: str, norm: str) -> None:
    assert _text(raw) == norm


@pytest.mark.parametrize("raw, canon", [
    ("https://www.Example.com/a/?utm_source=x&b=2&a=1#frag", "example.com/a?a=1&b=2"),
    ("http://example.com/a", "example.com/a"),
    ("example.com/a/", "example.com/a"),
    ("https://EX.com:443/", "ex.com"),
    ("https://x.org/p?fbclid=123&gclid=9&id=7", "x.org/p?id=7"),
    ("https://youtu.be/abc?si=XYZ&t=30", "youtu.be/abc?t=30"),
    ("https://bit.ly/AbC", "bit.ly/AbC"),          # shorteners kept, path case kept
    ("http://ex.com/a?utm=x", "ex.com/a?utm=x"),    # not a utm_* parameter
    ("https://site.org/?s=query", "site.org?s=query"),
    ("   ", None),
    ("", None),
])
def test_url_canonicalisation(raw: str, canon: str | None) -> None:
    assert _url(raw) == canon


def test_url_host() -> None:
    with Store(None) as st:
        assert st.scalar(f"SELECT {url_host_sql('?')}", ["news.site.org/a?b=1"]) == "news.site.org"
