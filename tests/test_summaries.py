"""Typed network summaries (cibwatch.summaries): reasons as objects, one renderer."""

from __future__ import annotations

import duckdb
import pytest

from cibwatch.summaries import (
    ActingTogether,
    GroupBeyondChance,
    Members,
    NetworkFindings,
    OwnItems,
    Reason,
    TopItem,
    TraceActivity,
    render_reason,
    render_reasons,
    top_items_text,
    trace_text,
    traces_text,
)

TRACES = (TraceActivity("reshare", 24, 5), TraceActivity("url", 4, 2))


def _findings(*reasons: Reason, why: str | None = None) -> NetworkFindings:
    return NetworkFindings("n1", "N0001", 3, ("facebook", "twitter"), "coordinated",
                           "coordination", 0.0, None, None, why, 3, 1.0, 28, 12.5, TRACES,
                           (), tuple(reasons))


def test_each_reason_has_its_sentence() -> None:
    assert render_reason(Members(3, ("facebook", "twitter"))) == "3 accounts (facebook;twitter)"
    pairs = ActingTogether(3, 1.0, TRACES, 12.5, 100, 0.000267, 1.63e-19)
    assert render_reason(pairs) == (
        "3 linked pairs (density 1.0), acting together within the window: reshare 24 "
        "co-actions on 5 items, url 4 co-actions on 2 items; median time apart 12.5 s; 100 % "
        "of their links stay inside the network; every link is beyond chance (q <= 0.000267, "
        "strongest p = 1.63e-19)")
    untested = ActingTogether(3, 0.6667, TRACES, 0.0, 67, None, None)
    assert render_reason(untested).endswith("67 % of their links stay inside the network")
    assert render_reason(GroupBeyondChance(608, 213.8, 6.4e-98, 1.09e-96)) == (
        "as a group, on items held out from the search, its accounts posted 608 times on "
        "items another member posted on, against 213.8 expected by chance (p = 6.4e-98, "
        "q = 1.09e-96)")
    assert render_reason(OwnItems(65, (("text", 60), ("url", 5)), 171)) == (
        "65 items are the network's own (text 60, url 5), 171 pairs of members posted on "
        "the same one")


def test_a_missing_figure_gives_no_sentence() -> None:
    assert render_reason(ActingTogether(3, 1.0, (), 12.5, 100, None, None)) is None
    assert render_reason(GroupBeyondChance(None, 2.0, 0.01, 0.02)) is None
    assert render_reasons(_findings(Members(3, ("x",)), GroupBeyondChance(1, 2.0, 0.1, None))
                          ) is None


def test_the_reasons_of_a_network_join_the_assessment_and_the_coordination() -> None:
    who = Members(3, ("facebook", "twitter"))
    assert render_reasons(_findings(who)) == "Coordination: 3 accounts (facebook;twitter)"
    assert render_reasons(_findings(who, why="")) == render_reasons(_findings(who))
    text = render_reasons(_findings(
        who, ActingTogether(3, 1.0, TRACES, 12.5, 100, None, None),
        GroupBeyondChance(5, 1.5, 0.001, 0.002), OwnItems(2, (("text", 2),), 3),
        why="office clock [T0001]"))
    assert text is not None and text.startswith(
        "office clock [T0001]. Coordination: 3 accounts (facebook;twitter), 3 linked pairs")
    assert "inside the network; as a group" in text and "(p = 0.001, q = 0.002); 2 items" in text


def test_lists_of_traces_and_items() -> None:
    assert traces_text(TRACES) == "reshare=24;url=4" and traces_text(()) is None
    assert trace_text(()) is None
    assert top_items_text((TopItem("reshare", "o1", 5), TopItem("items:text", "a b", 3))) == (
        "reshare: o1 (5 accounts) | items:text: a b (3 accounts)")


def test_an_unknown_reason_is_an_error() -> None:
    class Odd(Reason):
        pass

    with pytest.raises(TypeError, match="Odd"):
        render_reason(Odd())


@pytest.mark.parametrize("x", [0.0, 1.0, 0.6667, 1e-05, 1e-4, 12.5, 3600.0, 1234567.0, 1e16,
                               2.5e-7, 0.1 + 0.2, 181.427, 99999999999999.98])
def test_numbers_read_as_the_sql_they_replace(x: float) -> None:
    """Decimals as DuckDB's CAST(x AS VARCHAR), p-values as its printf('%.3g')."""
    cast, g = duckdb.connect().execute(
        "SELECT CAST(?::DOUBLE AS VARCHAR), printf('%.3g', ?::DOUBLE)", [x, x]).fetchone() or (
        "", "")
    text = render_reason(ActingTogether(1, x, TRACES, x, 1, x, x)) or ""
    assert f"density {cast})" in text and f"median time apart {cast} s" in text
    assert f"q <= {g}, strongest p = {g})" in text


def test_member_reasons() -> None:
    from cibwatch.summaries import (
        ActedWithMembers,
        AttachedToNetwork,
        JoinedByGroup,
        MemberFindings,
        Repurposed,
        render_member_reasons,
    )

    acted = ActedWithMembers("N0002", 4, (("reshare", 12), ("url", 3)), 10, 40, 25, 1.5, 0.0001)
    assert render_reason(acted) == (
        "acted together with 4 other member(s) of N0002 (reshare=12, url=3 co-actions); 10 of "
        "its 40 posts (25 %); closest in time: 1.5 s; its strongest link: p = 0.0001")
    assert render_member_reasons(MemberFindings(1, "n", (acted, Repurposed()))) == (
        render_reason(acted) + "; repurposed account (see the network)")
    assert render_reason(AttachedToNetwork("N0001", 1e-05, 0.002)) == (
        "attached to N0001: its co-actions with the network as a whole are beyond chance "
        "(p = 1e-05, q = 0.002)")
    joined = JoinedByGroup("N0001", 9, 9, 6.25, 1.57e-11, 2.24e-09, 3, 0)
    assert render_reason(joined) == (
        "joined N0001 by its evidence with the group: 9 of its 9 posts in the network's "
        "period were on the network's items, against 6.2 % of all posts of the period "
        "(p = 1.57e-11, q = 2.24e-09); posted on the same item as 3 other member(s)")
    assert (render_reason(JoinedByGroup("N0001", 9, 9, 6.3, 0.1, 0.2, 3, 2)) or "").endswith(
        "; acted together with 2 member(s) within the window")
    no_posts = ActedWithMembers("N0002", 0, None, 0, None, None, None, None)
    assert render_member_reasons(MemberFindings(2, "n", (no_posts, Repurposed()))) is None


def test_assessment_sentences() -> None:
    from cibwatch.summaries import assessment_sentences

    text = ("office clock: 92 % of 1642 posts [shift_clock]; bulk created; in one day "
            "[T0150.008]\nrepeated bios [repeated_bios]")
    assert assessment_sentences(text) == [
        "office clock: 92 % of 1642 posts [shift_clock]", "bulk created; in one day [T0150.008]",
        "repeated bios [repeated_bios]"]
    assert assessment_sentences("") == [] == assessment_sentences(None)
