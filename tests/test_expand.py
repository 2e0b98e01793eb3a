"""Seed expansion, indicator matching and the STIX export, on small worlds with known answers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from cibwatch import DetectConfig, InputError, Store, detect, ingest_files
from cibwatch.expand import NETWORK_ID, ExpandConfig, Seed, expand, read_seeds, resolve_seeds
from cibwatch.intel.indicators import read_indicators
from cibwatch.intel.stix_export import network_bundle, write_bundle
from cibwatch.intel.workflow import import_indicators
from cibwatch.pipeline import coaction_stage
from cibwatch.report.outputs import write_outputs
from cibwatch.simulate import simulate

from .conftest import post, write_posts_csv

SCALE = 0.2


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("expand-world")
    simulate(out, seed=1, scale=SCALE)
    return out


def _truth(world: Path) -> dict[tuple[str, str], str]:
    with open(world / "truth.csv", newline="", encoding="utf-8") as fh:
        return {(r["platform"], r["account_id"]): r["group"] for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def prepared(world: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the world ingested and the co-action stage run once."""
    db = tmp_path_factory.mktemp("expand-db") / "store.duckdb"
    with Store(db) as store:
        ingest_files(store, [world / "posts.parquet", world / "accounts.parquet"])
        coaction_stage(store, DetectConfig())
    return db


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _members(store: Store) -> dict[tuple[str, str], tuple[int, float]]:
    return {(p, a): (h, c) for p, a, h, c in store.fetchall(
        "SELECT ai.platform, ai.account_id, x.hop, x.confidence FROM expansion x "
        "JOIN account_index ai USING (aid)")}


def test_four_seeds_find_the_operation(world: Path, prepared: Path, tmp_path: Path) -> None:
    truth = _truth(world)
    op = sorted(k for k, g in truth.items() if g == "op_spamouflage")
    on_twitter = [k for k in op if k[0] == "twitter"]
    seeds = [Seed("account", a, p, "account_id", i) for i, (p, a) in
             enumerate(on_twitter[:4], start=2)]
    with Store(prepared) as store:
        res = expand(store, seeds, ExpandConfig())
        found = _members(store)
        paths = write_outputs(store, res.run, tmp_path / "out", pictures=0,
                              expansion=res.as_dict())
    hit = set(found) & set(op)
    assert len(set(found) & set(on_twitter)) / len(on_twitter) >= 0.9
    assert len(hit) / len(found) >= 0.95                       # precision
    assert {p for p, _ in hit} > {"twitter"}                   # found on other platforms too
    assert all(found[k] == (0, 1.0) for k in on_twitter[:4])   # seeds: hop 0, confidence 1
    assert max(h for h, _ in found.values()) >= 1
    assert all(0.9 <= c <= 1.0 for h, c in found.values() if h > 0)
    assert res.per_hop[0] == 4 and sum(res.per_hop.values()) == len(found)
    rows = _csv(paths.accounts)
    assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))
    assert [int(r["hop"]) for r in rows] == sorted(int(r["hop"]) for r in rows)
    assert rows[0]["seed"].startswith("seed (line 2)") and rows[-1]["seed"] == ""
    assert {r["label"] for r in rows} == {NETWORK_ID}  # the display label; the id is stable
    run = json.loads(paths.run.read_text())
    assert run["expansion"]["accounts"] == len(found)
    assert "## Seeds and expansion" in paths.summary.read_text()
    nets = _csv(paths.networks)
    assert nets[0]["assessment"] == "inauthentic" and nets[0]["kind"] == "influence_operation"


def test_organic_seeds_do_not_grow_into_the_operation(world: Path, prepared: Path) -> None:
    truth = _truth(world)
    organic = sorted(k for k, g in truth.items() if g == "organic" and k[0] == "twitter")[:4]
    with Store(prepared) as store:
        expand(store, [Seed("account", a, p, "account_id", i)
                       for i, (p, a) in enumerate(organic, start=2)])
        found = _members(store)
    assert not any(truth[k].startswith("op_") for k in found)
    assert len(found) <= 8  # ordinary accounts have no one acting with them beyond chance


def test_same_seeds_same_files(world: Path, prepared: Path, tmp_path: Path) -> None:
    truth = _truth(world)
    op = sorted(k for k, g in truth.items() if g == "op_stealth")[:4]
    seeds = [Seed("account", a, p, "account_id", i) for i, (p, a) in enumerate(op, start=2)]
    outs = []
    for n in (1, 2):
        with Store(prepared) as store:
            res = expand(store, seeds)
            outs.append(write_outputs(store, res.run, tmp_path / f"o{n}", pictures=0,
                                      expansion=res.as_dict()))
    runs = [json.loads(o.run.read_text())["run_id"] for o in outs]
    assert runs[0] != runs[1]  # two runs of the store; all else is the same
    for name in ("accounts.csv", "networks.csv", "summary.md"):
        texts = [(o.out / name).read_text(encoding="utf-8").replace(r, "RUN")
                 for o, r in zip(outs, runs, strict=True)]
        assert texts[0] == texts[1], name


def test_stage_is_reused_only_when_nothing_changed(store: Store, tmp_path: Path) -> None:
    rows = [post(f"p{i}", f"a{i % 3}", 1_600_000_000 + i, text="same words again and again",
                 urls=["http://x.org/1"]) for i in range(9)]
    ingest_files(store, [write_posts_csv(tmp_path / "a.csv", rows)])
    coaction_stage(store, DetectConfig())
    store.execute("CREATE TABLE marker AS SELECT 1")
    store.execute("INSERT INTO coactions SELECT * FROM coactions LIMIT 1")  # tamper
    n = store.scalar("SELECT count(*) FROM coactions")
    coaction_stage(store, DetectConfig(), reuse=True)  # same settings, same data: kept
    assert store.scalar("SELECT count(*) FROM coactions") == n
    coaction_stage(store, DetectConfig(crowd_accounts=10), reuse=True)  # other settings
    assert store.scalar("SELECT count(*) FROM coactions") == n - 1
    ingest_files(store, [write_posts_csv(tmp_path / "b.csv", [post("q", "a9", 1_600_000_000)])])
    store.execute("INSERT INTO coactions SELECT * FROM coactions LIMIT 1")
    coaction_stage(store, DetectConfig(crowd_accounts=10), reuse=True)  # new data
    assert store.scalar("SELECT count(*) FROM coactions") == n - 1


def test_read_seeds_layouts(tmp_path: Path) -> None:
    f = tmp_path / "s.csv"
    f.write_text("platform,account_id\ntwitter,123\n\nfacebook,9\n")
    seeds, problems = read_seeds(f)
    assert [(s.type, s.platform, s.value, s.by, s.line) for s in seeds] == [
        ("account", "twitter", "123", "account_id", 2), ("account", "facebook", "9",
                                                         "account_id", 4)]
    f.write_text("platform,handle\ntwitter,@Someone\n")
    assert read_seeds(f)[0][0] == Seed("account", "Someone", "twitter", "handle", 2)
    f.write_text("url\nhttps://x[.]com/OpHandle\nhxxps://news-site[.]com/a/1?utm_source=t\n")
    seeds, _ = read_seeds(f)
    assert (seeds[0].type, seeds[0].platform, seeds[0].value) == ("account", "twitter",
                                                                  "OpHandle")
    assert (seeds[1].type, seeds[1].value) == ("url", "https://news-site.com/a/1?utm_source=t")
    f.write_text("type,value,platform\ndomain,op-site[.]org,\nbogus,x,\nhashtag,,\n"
                 "text,the same slogan again,\n")
    seeds, problems = read_seeds(f)
    assert [(s.type, s.value) for s in seeds] == [("domain", "op-site.org"),
                                                  ("text", "the same slogan again")]
    assert len(problems) == 2 and f"{f}:3: field 'type'" in problems[0]
    assert f"{f}:4: field 'value'" in problems[1]
    f.write_text("name\nfoo\n")
    with pytest.raises(InputError, match="header"):
        read_seeds(f)
    f.write_text("type,value\nbogus,x\n")
    with pytest.raises(InputError, match="no usable seed"):
        read_seeds(f)


def test_resolve_each_seed_type(store: Store, tmp_path: Path) -> None:
    t = 1_600_000_000
    rows = [
        post("1", "acc1", t, urls=["http://news-site.com/a/1"]),
        post("2", "acc2", t, urls=["https://www.blog.op-site.org/x"]),
        post("3", "acc3", t, text="Say NO to the Dam! https://t.co/x", hashtags=["#StopDam"]),
        post("4", "acc4", t, urls=["https://not-op-site.org/"]),
    ]
    accounts = tmp_path / "acc.csv"
    accounts.write_text("platform,account_id,handle\ntwitter,acc4,HandleFour\n")
    ingest_files(store, [write_posts_csv(tmp_path / "p.csv", rows), accounts])
    seeds = [Seed("url", "https://news-site.com/a/1/?utm_source=x#frag", None, "any", 2),
             Seed("domain", "op-site.org", None, "any", 3),
             Seed("text", "say no to the dam", None, "any", 4),
             Seed("hashtag", "#stopdam", None, "any", 5),
             Seed("account", "handlefour", "twitter", "any", 6),
             Seed("account", "nobody", "twitter", "any", 7),
             Seed("text", "dam", None, "any", 8)]  # too short to match anything
    resolved, unresolved = resolve_seeds(store, seeds)
    got = {store.scalar("SELECT account_id FROM account_index WHERE aid = ?", [r["aid"]]):
           r["line"] for r in resolved}
    assert got == {"acc1": 2, "acc2": 3, "acc3": 4, "acc4": 6}
    assert [s.line for s in unresolved] == [7, 8]


def test_stix_bundle_is_valid_and_round_trips(world: Path, prepared: Path,
                                              tmp_path: Path) -> None:
    import stix2

    truth = _truth(world)
    op = sorted(k for k, g in truth.items() if g == "op_spamouflage" and k[0] == "twitter")[:4]
    with Store(prepared) as store:
        expand(store, [Seed("account", a, p, "account_id", i)
                       for i, (p, a) in enumerate(op, start=2)])
        found = set(_members(store))
        login = {(p, a): h or a for p, a, h in store.fetchall(
            "SELECT ai.platform, ai.account_id, nullif(acc.handle, '') FROM account_index ai "
            "LEFT JOIN accounts acc USING (aid)")}
        disarm = store.scalar("SELECT disarm FROM assessments")
        bundle = network_bundle(store, NETWORK_ID, tlp="green")
        again = network_bundle(store, NETWORK_ID, tlp="green")
        with pytest.raises(Exception, match="no network 'N9999'"):
            network_bundle(store, "N9999")
    path = write_bundle(bundle, tmp_path / "b.json")
    assert bundle.serialize() == again.serialize()  # deterministic ids and times
    parsed = stix2.parse(path.read_text(), allow_custom=False)
    types = {o.type for o in parsed.objects}
    assert types >= {"identity", "intrusion-set", "user-account", "indicator", "relationship",
                     "attack-pattern"}
    assert all(stix2.TLP_GREEN.id in o.object_marking_refs for o in parsed.objects
               if o.type in ("indicator", "intrusion-set", "relationship", "attack-pattern"))
    techniques = {r.external_id for o in parsed.objects if o.type == "attack-pattern"
                  for r in o.external_references}
    assert techniques == {c for c in disarm.split(";") if c.startswith("T")}
    accounts = {(o.account_type, o.user_id) for o in parsed.objects if o.type == "user-account"}
    assert accounts == found
    back = read_indicators(path)
    assert back.fmt == "stix" and not back.rejects
    logins = {(i.platform, i.value) for i in back.distinct("account")}
    assert {(p, login[(p, a)]) for p, a in found} <= logins  # the handle, else the id
    urls = {o.pattern for o in parsed.objects if o.type == "indicator" and "url:" in o.pattern}
    assert len(urls) == back.counts().get("url", 0) >= 1


def test_import_indicators_writes_seeds_and_matches(world: Path, prepared: Path,
                                                    tmp_path: Path) -> None:
    truth = _truth(world)
    op = sorted(k for k, g in truth.items() if g == "op_spamouflage" and k[0] == "twitter")[:3]
    lst = tmp_path / "list.txt"
    lst.write_text("# indicators from a partner\n" + "".join(f"twitter:{a}\n" for _, a in op)
                   + "twitter:does_not_exist\n#nohashtaghere\n10.0.0.1\n")
    rep = import_indicators(lst, out=tmp_path / "imp", db=prepared)
    assert rep.counts == {"account": 4, "hashtag": 1, "ip": 1}
    assert rep.matched == {"account": 3}
    seeds = (tmp_path / "imp" / "seeds.csv").read_text().splitlines()
    assert seeds[0] == "type,value,platform" and len(seeds) == 1 + 5  # no IP in seeds
    matches = _csv(tmp_path / "imp" / "matches.csv")
    assert {(m["platform"], m["account_id"]) for m in matches} == set(op)
    got, problems = read_seeds(tmp_path / "imp" / "seeds.csv")
    assert len(got) == 5 and not problems


def test_detect_reuses_the_stage_for_network_settings(prepared: Path, tmp_path: Path) -> None:
    import shutil

    db = tmp_path / "copy.duckdb"
    shutil.copy(prepared, db)
    with Store(db) as store:
        first = detect(store, DetectConfig(), reuse=True)
        store.execute("CREATE TABLE marker AS SELECT count(*) AS n FROM coactions")
        store.execute("DELETE FROM coactions WHERE rowid % 2 = 0")  # tamper: must be kept
        n = store.scalar("SELECT count(*) FROM coactions")
        again = detect(store, DetectConfig(min_size=20), reuse=True)
        assert store.scalar("SELECT count(*) FROM coactions") == n  # not recomputed
        assert again.n_networks < first.n_networks
        assert store.scalar("SELECT min(size) FROM networks") >= 20
        detect(store, DetectConfig(min_size=20))  # no reuse: recomputed from the posts
        assert store.scalar("SELECT count(*) FROM coactions") == store.scalar(
            "SELECT n FROM marker")
