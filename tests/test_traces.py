"""Each trace on small hand-made posts with known answers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from cibwatch import ConfigError, DetectConfig, Store, detect, ingest_files
from cibwatch.traces import DEFAULT_TRACES, TRACES, make_traces
from cibwatch.traces.text_near import near_duplicate_labels

from .conftest import post, write_posts_csv


def _pairs(store: Store, trace: str) -> set[tuple[str, str]]:
    return {
        tuple(sorted((r[0], r[1])))  # type: ignore[misc]
        for r in store.fetchall(
            "SELECT a.account_id, b.account_id FROM pairs p "
            "JOIN account_index a ON a.aid = p.aid_a JOIN account_index b ON b.aid = p.aid_b "
            "WHERE p.trace = ?", [trace])
    }


def _run(tmp_path: Path, rows: list[dict], **cfg: object) -> Store:
    store = Store(None)
    ingest_files(store, [write_posts_csv(tmp_path / "p.csv", rows)])
    cfg.setdefault("min_weight", 1)
    cfg.setdefault("min_size", 2)
    cfg.setdefault("window_s", 60.0)
    detect(store, DetectConfig(**cfg))  # type: ignore[arg-type]
    return store


def test_default_traces() -> None:
    assert DEFAULT_TRACES == ("reshare", "reply", "text_exact", "text_near", "url",
                              "url_seed", "hashtag_seq", "media")
    assert "domain" in TRACES and not TRACES["domain"].default
    with pytest.raises(ConfigError, match="unknown trace"):
        make_traces(["retweets"])


def test_reshare_and_reply_keys_are_platform_scoped(tmp_path: Path) -> None:
    rows = [post("1", "a", 0, reshare_of="X"), post("2", "b", 5, reshare_of="X"),
            post("3", "c", 6, reshare_of="X", platform="facebook"),
            post("4", "d", 100, reply_to="Y"), post("5", "e", 110, reply_to="Y"),
            post("6", "f", 500, reply_to="Y")]
    s = _run(tmp_path, rows)
    assert _pairs(s, "reshare") == {("a", "b")}
    assert _pairs(s, "reply") == {("d", "e")}


def test_text_exact_ignores_reshares_and_short_texts(tmp_path: Path) -> None:
    rows = [post("1", "a", 0, text="Stop the lies about Xinjiang!"),
            post("2", "b", 10, text="stop the LIES about xinjiang @someone"),
            post("3", "c", 20, text="Stop the lies about Xinjiang", reshare_of="z"),
            post("4", "d", 0, text="ok lol"), post("5", "e", 1, text="OK LOL!!")]
    s = _run(tmp_path, rows, traces=tuple(make_traces(["text_exact"])))
    assert _pairs(s, "text_exact") == {("a", "b")}


def test_url_trace_canonicalises_and_never_links_empty_cells(tmp_path: Path) -> None:
    rows = [post("1", "a", 0, urls=["https://www.site.org/story?utm_source=fb"]),
            post("2", "b", 20, urls=["http://site.org/story/"]),
            post("3", "c", 30, urls=[""]), post("4", "d", 31, urls=[""]),
            post("5", "e", 32)]
    s = _run(tmp_path, rows, traces=tuple(make_traces(["url"])))
    assert _pairs(s, "url") == {("a", "b")}


def test_hashtag_sequence_needs_two_tags_in_order(tmp_path: Path) -> None:
    rows = [post("1", "a", 0, hashtags=["#StopLies", "#Xinjiang"]),
            post("2", "b", 5, hashtags=["stoplies", "xinjiang"]),
            post("3", "c", 6, hashtags=["xinjiang", "stoplies"]),
            post("4", "d", 7, hashtags=["solo"]), post("5", "e", 8, hashtags=["solo"])]
    s = _run(tmp_path, rows, traces=tuple(make_traces(["hashtag_seq"])))
    assert _pairs(s, "hashtag_seq") == {("a", "b")}


def test_media_is_compared_across_platforms(tmp_path: Path) -> None:
    rows = [post("1", "a", 0, media=["phash:ffe0"]),
            post("2", "b", 30, media=["phash:ffe0"], platform="facebook")]
    s = _run(tmp_path, rows, traces=tuple(make_traces(["media"])))
    assert _pairs(s, "media") == {("a", "b")}


def test_domain_trace_leaves_same_url_pairs_to_the_url_trace(tmp_path: Path) -> None:
    rows = [post("1", "a", 0, urls=["https://op-news.net/a"]),
            post("2", "b", 10, urls=["https://op-news.net/a"]),
            post("3", "c", 20, urls=["https://www.op-news.net/b"])]
    s = _run(tmp_path, rows, traces=tuple(make_traces(["url", "domain"])))
    assert _pairs(s, "url") == {("a", "b")}
    assert _pairs(s, "domain") == {("a", "c"), ("b", "c")}


def test_near_duplicates_edits_and_chinese(tmp_path: Path) -> None:
    base = "The western media keeps lying about the situation in Xinjiang, wake up people"
    zh = "西方媒体一直在散布关于新疆的谎言，大家要看清真相，不要被欺骗了"
    rows = [post("1", "a", 0, text=base),
            post("2", "b", 10, text=base.replace("keeps lying", "keep lying") + " #truth"),
            post("3", "c", 20, text=base.replace("wake up", "wakeup") + "!!"),
            post("4", "d", 0, text=zh),
            post("5", "e", 15, text=zh.replace("大家", "各位")),
            post("6", "f", 5, text="A completely different message about football and the weather"),
            post("7", "g", 8, text=base)]  # identical to a: exact trace, not near
    s = _run(tmp_path, rows, traces=tuple(make_traces(["text_exact", "text_near"])))
    assert _pairs(s, "text_near") == {("a", "b"), ("a", "c"), ("b", "c"), ("b", "g"),
                                      ("c", "g"), ("d", "e")}
    assert _pairs(s, "text_exact") == {("a", "g")}


def test_near_duplicate_labels_with_stop_shingles_are_deterministic() -> None:
    rng = np.random.default_rng(1)
    words = [f"w{i}" for i in range(3000)]
    texts = [" ".join(rng.choice(words, 15)) for _ in range(2000)]
    texts[10] = texts[5] + " extra"
    texts[11] = texts[5].replace(texts[5].split()[3], "changed", 1)
    arr = pa.array(texts)
    labels = near_duplicate_labels(arr)
    assert labels[10] == labels[5] == labels[11]
    others = np.delete(labels, [5, 10, 11])
    assert len(set(others.tolist())) == len(others)  # random texts stay apart
    assert (near_duplicate_labels(arr) == labels).all()
    assert not (near_duplicate_labels(arr, seed=7) == -1).any()


def test_link_seeding_pairs_the_first_poster_with_later_sharers(tmp_path: Path) -> None:
    rows = [post("1", "channel", 0, urls=["https://video.example/watch?v=abc"],
                 platform="youtube"),
            post("2", "a", 3600, urls=["https://video.example/watch?v=abc"]),
            post("3", "b", 7200, urls=["https://video.example/watch?v=abc"]),
            post("4", "c", 5 * 86400, urls=["https://video.example/watch?v=abc"])]  # too late
    s = _run(tmp_path, rows, traces=tuple(make_traces(["url_seed"])), window_s=3 * 86400.0)
    assert _pairs(s, "url_seed") == {("a", "channel"), ("b", "channel")}
