"""Statements of reasons against the DSA Transparency Database v2 rules (StatementStoreRequest)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cibwatch.cases import dsa


def good(action: str = "terminate", **kw: Any) -> dict[str, Any]:
    body = dsa.build_statement(
        action=action, puid="cbw-abc-123", policy_clause="Rules 4.2: inauthentic behaviour",
        explanation="Coordinated inauthentic behaviour.", facts="Five accounts acted together.",
        category=dsa.CATEGORIES[7], category_specification=["KEYWORD_INAUTHENTIC_ACCOUNTS"],
        content_types=["text"], content_date="2024-03-01T10:00:00Z",
        application_date="2025-07-02", end_date=None, territorial_scope=dsa.EU_COUNTRY_CODES,
        language="en", detection_source="internal", source_identity="",
        automated_detection=True, automated_decision="not_automated")
    body.update(kw)
    return body


@pytest.mark.parametrize("action", dsa.STATEMENT_ACTIONS)
def test_every_action_maps_to_a_valid_statement(action: str) -> None:
    body = good(action)
    assert dsa.validate_statement(body) == []
    assert body["decision_ground"] == "DECISION_GROUND_INCOMPATIBLE_CONTENT"
    assert body["category"] == "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS"


def test_the_action_mapping() -> None:
    assert good("terminate")["decision_account"] == "DECISION_ACCOUNT_TERMINATED"
    assert good("suspend")["decision_account"] == "DECISION_ACCOUNT_SUSPENDED"
    assert good("restrict_demote")["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_DEMOTED"]
    assert good("restrict_interaction")["decision_visibility"] == [
        "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED"]
    assert good("label")["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_LABELLED"]
    rec = good("recover")
    assert rec["decision_provision"] == "DECISION_PROVISION_PARTIAL_SUSPENSION"
    assert "KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING" in rec["category_specification"]
    assert "dismiss" not in dsa.ACTION_FIELDS
    assert good()["source_type"] == "SOURCE_VOLUNTARY"
    ext = dsa.build_statement(**{**_args(), "detection_source": "external",
                                 "source_identity": "another platform's indicators"})
    assert ext["source_type"] == "SOURCE_TYPE_OTHER_NOTIFICATION" and ext["source_identity"]
    assert good()["content_language"] == "EN"


def _args() -> dict[str, Any]:
    return dict(action="label", puid="p", policy_clause="c", explanation="e", facts="f",
                category=dsa.CATEGORIES[0], category_specification=[], content_types=[],
                content_date=None, application_date="2025-01-01", end_date=None,
                territorial_scope=["DE"], language=None, detection_source="internal",
                source_identity="", automated_detection=False,
                automated_decision="partially")


def test_defaults_fill_what_the_schema_requires() -> None:
    body = dsa.build_statement(**_args())
    assert body["content_type"] == ["CONTENT_TYPE_TEXT"] and body["content_date"] == "2000-01-01"
    assert "category_specification" not in body and "content_language" not in body
    assert body["automated_decision"] == "AUTOMATED_DECISION_PARTIALLY"
    assert dsa.validate_statement(body) == []


BROKEN: list[tuple[str, dict[str, Any], str]] = [
    ("no decision at all", {"decision_account": None}, "decision_visibility"),
    ("required ground", {"decision_ground": None}, "decision_ground"),
    ("unknown ground", {"decision_ground": "DECISION_GROUND_BAD"}, "decision_ground"),
    ("v1 category", {"category": "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE"}, "category"),
    ("v1 keyword", {"category_specification": ["KEYWORD_DISINFORMATION"]},
     "category_specification"),
    ("keyword removed in v2", {"category_specification": ["KEYWORD_DANGEROUS_TOYS"]},
     "category_specification"),
    ("visibility not an array", {"decision_visibility": "DECISION_VISIBILITY_CONTENT_DEMOTED"},
     "decision_visibility"),
    ("visibility other needs text", {"decision_visibility": ["DECISION_VISIBILITY_OTHER"]},
     "decision_visibility_other"),
    ("other text without other", {"decision_visibility_other": "x"}, "decision_visibility_other"),
    ("monetary other needs text", {"decision_monetary": "DECISION_MONETARY_OTHER"},
     "decision_monetary_other"),
    ("content type other needs text", {"content_type": ["CONTENT_TYPE_OTHER"]},
     "content_type_other"),
    ("content type required", {"content_type": []}, "content_type"),
    ("incompatible ground required", {"incompatible_content_ground": ""},
     "incompatible_content_ground"),
    ("illegal fields excluded", {"illegal_content_legal_ground": "Art. 1"},
     "illegal_content_legal_ground"),
    ("incompatible_content_illegal values", {"incompatible_content_illegal": "Maybe"},
     "incompatible_content_illegal"),
    ("ground too long", {"incompatible_content_ground": "x" * 501},
     "incompatible_content_ground"),
    ("explanation too long", {"incompatible_content_explanation": "x" * 2001},
     "incompatible_content_explanation"),
    ("facts too long", {"decision_facts": "x" * 5001}, "decision_facts"),
    ("facts required", {"decision_facts": ""}, "decision_facts"),
    ("content date format", {"content_date": "01/03/2024"}, "content_date"),
    ("content date impossible", {"content_date": "2024-02-30"}, "content_date"),
    ("content date too early", {"content_date": "1999-12-31"}, "content_date"),
    ("application date too early", {"application_date": "2019-12-31"}, "application_date"),
    ("application date too late", {"application_date": "2038-01-02"}, "application_date"),
    ("end date before application", {"end_date_account_restriction": "2025-07-01"},
     "end_date_account_restriction"),
    ("end date format", {"end_date_visibility_restriction": "2025-7-9"},
     "end_date_visibility_restriction"),
    ("source type", {"source_type": "SOURCE_RUMOUR"}, "source_type"),
    ("source identity with voluntary", {"source_identity": "someone"}, "source_identity"),
    ("automated detection is Yes/No", {"automated_detection": True}, "automated_detection"),
    ("automated detection inverted text", {"automated_detection": "yes"}, "automated_detection"),
    ("automated decision enum", {"automated_decision": "AUTOMATED_DECISION_MOSTLY"},
     "automated_decision"),
    ("puid required", {"puid": ""}, "puid"),
    ("puid pattern", {"puid": "has space"}, "puid"),
    ("puid pattern newline", {"puid": "abc\n"}, "puid"),
    ("puid too long", {"puid": "a" * 501}, "puid"),
    ("territorial scope EEA only", {"territorial_scope": ["DE", "US"]}, "territorial_scope"),
    ("territorial scope code case", {"territorial_scope": ["de"]}, "territorial_scope"),
    ("content language upper-case ISO 639-1", {"content_language": "en"}, "content_language"),
    ("content language unknown", {"content_language": "XX"}, "content_language"),
    ("account type", {"account_type": "ACCOUNT_TYPE_BOT"}, "account_type"),
    ("unknown field", {"decision_reason": "x"}, "decision_reason"),
    ("facts with a handle", {"decision_facts": "Run by @operator_one."}, "decision_facts"),
    ("facts with a profile URL", {"decision_facts": "See https://x.com/someone/status/1"},
     "decision_facts"),
]


@pytest.mark.parametrize(("why", "change", "field"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_rule_is_named(why: str, change: dict[str, Any], field: str) -> None:
    body = good()
    for k, v in change.items():
        if v is None:
            body.pop(k, None)
        else:
            body[k] = v
    errors = dsa.validate_statement(body)
    assert errors and field in {e["field"] for e in errors}, (why, errors)


def test_enumerations_are_the_v2_ones() -> None:
    assert len(dsa.CATEGORIES) == 16 and len(set(dsa.KEYWORDS)) == len(dsa.KEYWORDS) == 69
    assert len(dsa.EEA_COUNTRY_CODES) == 30 and len(dsa.EU_COUNTRY_CODES) == 27
    assert "KEYWORD_MISINFORMATION_DISINFORMATION" in dsa.KEYWORDS
    assert "KEYWORD_COORDINATED_HARM" in dsa.KEYWORDS
    assert {"EN", "DE", "ZH", "RU"} <= dsa.LANGUAGE_CODES


def test_personal_data_check() -> None:
    accounts = [("1234567890", "real_person"), ("42", "ab"), ("x9", None)]
    assert dsa.find_personal_data("Thirty accounts posted in shifts.", accounts) == []
    assert dsa.find_personal_data("Account real_person coordinated.", accounts)
    assert dsa.find_personal_data("Account REAL_PERSON coordinated.", accounts)
    assert dsa.find_personal_data("Its id is 1234567890.", accounts)
    # short numeric ids and two-letter handles are not searched (they would match counts)
    assert dsa.find_personal_data("42 accounts, ab testing", accounts) == []
    assert dsa.find_personal_data("see facebook.com/some.page", [])
    assert dsa.find_personal_data("see https://www.tiktok.com/@someone", [])
    assert dsa.find_personal_data("mail me at a.b@example.com", [])
    assert dsa.find_personal_data("Meta's report https://about.fb.com/news/ describes it", []) \
        == []
    with pytest.raises(dsa.PersonalDataError) as err:
        dsa.check_no_personal_data("by @x_y_z", [])
    assert err.value.details[0]["field"] == "decision_facts"


@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40),
       st.integers(min_value=1, max_value=9))
def test_puids_are_idempotent_and_fit_the_pattern(decision: str, account: str, rev: int) -> None:
    key = b"k" * 32
    p = dsa.make_puid(key, decision.encode().hex(), "twitter", account, rev)
    assert p == dsa.make_puid(key, decision.encode().hex(), "twitter", account, rev)
    assert dsa.PUID_PATTERN.fullmatch(p) and len(p) <= 500
    assert p != dsa.make_puid(key, decision.encode().hex(), "twitter", account + "x", rev)
    assert p != dsa.make_puid(b"other" * 8, decision.encode().hex(), "twitter", account, rev)


def test_batches_hold_at_most_100() -> None:
    items = [{"puid": str(i)} for i in range(250)]
    b = dsa.batches(items)
    assert [len(x["statements"]) for x in b] == [100, 100, 50]
    assert dsa.batches(items, 1000)[0]["statements"] == items[:100]
    assert dsa.batches([]) == []
