"""Statements of reasons in the EU DSA Transparency Database schema v2 (since 1 July 2025).

Field names and enumerations are those of the database's API documentation and its
validation rules (github digital-services-act/transparency-database:
``app/Models/Statement.php``, ``app/Http/Requests/StatementStoreRequest.php``,
``app/Services/EuropeanCountriesService.php``, ``EuropeanLanguagesService.php``).
:func:`validate_statement` applies those rules before anything is exported; the multiple
endpoint takes at most :data:`MAX_BATCH` statements a call, all or none.

How cibwatch's actions map to the ``decision_*`` fields (:data:`ACTION_FIELDS`; our choice,
documented in docs/CASES.md):

==================  ==========================================================================
terminate           ``decision_account``: ``DECISION_ACCOUNT_TERMINATED``
suspend             ``decision_account``: ``DECISION_ACCOUNT_SUSPENDED`` (+
                    ``end_date_account_restriction`` when the decision has an end date)
restrict_demote     ``decision_visibility``: [``DECISION_VISIBILITY_CONTENT_DEMOTED``]
restrict_interaction ``decision_visibility``: [``DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED``]
label               ``decision_visibility``: [``DECISION_VISIBILITY_CONTENT_LABELLED``]
recover             ``decision_visibility``: [``DECISION_VISIBILITY_CONTENT_REMOVED``] (what the
                    hijackers posted) and ``decision_provision``:
                    ``DECISION_PROVISION_PARTIAL_SUSPENSION`` (locked until the owner is
                    re-verified); ``category_specification`` gets
                    ``KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING``
dismiss, exclude    no statement (nothing is restricted)
==================  ==========================================================================

Every statement: ``decision_ground`` ``DECISION_GROUND_INCOMPATIBLE_CONTENT`` with the policy
clause as ``incompatible_content_ground`` and the decision's explanation as
``incompatible_content_explanation``; ``source_type`` ``SOURCE_VOLUNTARY`` for internal
detection, ``SOURCE_TYPE_OTHER_NOTIFICATION`` (with ``source_identity``) for external
(e.g. another platform's published indicators); ``automated_detection`` Yes/No and
``automated_decision`` from the decision.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import re
from collections.abc import Iterable, Sequence
from typing import Any

from .errors import PersonalDataError

__all__ = [
    "DECISION_VISIBILITIES",
    "DECISION_MONETARIES",
    "DECISION_PROVISIONS",
    "DECISION_ACCOUNTS",
    "ACCOUNT_TYPES",
    "DECISION_GROUNDS",
    "CATEGORIES",
    "KEYWORDS",
    "CONTENT_TYPES",
    "SOURCE_TYPES",
    "AUTOMATED_DETECTIONS",
    "AUTOMATED_DECISIONS",
    "COUNTRY_CODES",
    "EU_COUNTRY_CODES",
    "EEA_COUNTRY_CODES",
    "LANGUAGE_CODES",
    "ACTIONS",
    "STATEMENT_ACTIONS",
    "ACTION_FIELDS",
    "MAX_BATCH",
    "PUID_PATTERN",
    "validate_statement",
    "find_personal_data",
    "check_no_personal_data",
    "make_puid",
    "build_statement",
    "batches",
]

MAX_BATCH = 100
PUID_PATTERN = re.compile(r"^[a-zA-Z0-9-_]+$")

DECISION_VISIBILITIES = (
    "DECISION_VISIBILITY_CONTENT_REMOVED", "DECISION_VISIBILITY_CONTENT_DISABLED",
    "DECISION_VISIBILITY_CONTENT_DEMOTED", "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED", "DECISION_VISIBILITY_CONTENT_LABELLED",
    "DECISION_VISIBILITY_OTHER",
)
DECISION_MONETARIES = ("DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION",
                       "DECISION_MONETARY_OTHER")
DECISION_PROVISIONS = ("DECISION_PROVISION_PARTIAL_SUSPENSION",
                       "DECISION_PROVISION_TOTAL_SUSPENSION",
                       "DECISION_PROVISION_PARTIAL_TERMINATION",
                       "DECISION_PROVISION_TOTAL_TERMINATION")
DECISION_ACCOUNTS = ("DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED")
ACCOUNT_TYPES = ("ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE")
DECISION_GROUNDS = ("DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT")
INCOMPATIBLE_CONTENT_ILLEGALS = ("Yes", "No")
CATEGORIES = tuple("STATEMENT_CATEGORY_" + c for c in (
    "ANIMAL_WELFARE", "CONSUMER_INFORMATION", "CYBER_VIOLENCE", "CYBER_VIOLENCE_AGAINST_WOMEN",
    "DATA_PROTECTION_AND_PRIVACY_VIOLATIONS", "ILLEGAL_OR_HARMFUL_SPEECH",
    "INTELLECTUAL_PROPERTY_INFRINGEMENTS", "NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "NOT_SPECIFIED_NOTICE", "OTHER_VIOLATION_TC", "PROTECTION_OF_MINORS",
    "RISK_FOR_PUBLIC_SECURITY", "SCAMS_AND_FRAUD", "SELF_HARM",
    "UNSAFE_AND_PROHIBITED_PRODUCTS", "VIOLENCE"))
KEYWORDS = tuple("KEYWORD_" + k for k in (
    "ADULT_SEXUAL_MATERIAL AGE_SPECIFIC_RESTRICTIONS AGE_SPECIFIC_RESTRICTIONS_MINORS ANIMAL_HARM "
    "BIOMETRIC_DATA_BREACH BULLYING_AGAINST_GIRLS CHILD_SEXUAL_ABUSE_MATERIAL "
    "CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE CONTENT_PROMOTING_EATING_DISORDERS COORDINATED_HARM "
    "COPYRIGHT_INFRINGEMENT CYBER_BULLYING_INTIMIDATION CYBER_HARASSMENT "
    "CYBER_HARASSMENT_AGAINST_WOMEN CYBER_INCITEMENT CYBER_STALKING CYBER_STALKING_AGAINST_WOMEN "
    "DATA_FALSIFICATION DEFAMATION DESIGN_INFRINGEMENT DISCRIMINATION "
    "FEMALE_GENDERED_DISINFORMATION GEOGRAPHIC_INDICATIONS_INFRINGEMENT "
    "GEOGRAPHICAL_REQUIREMENTS GOODS_SERVICES_NOT_PERMITTED GROOMING_SEXUAL_ENTICEMENT_MINORS "
    "HATE_SPEECH HIDDEN_ADVERTISEMENT HUMAN_EXPLOITATION HUMAN_TRAFFICKING ILLEGAL_ORGANIZATIONS "
    "IMPERSONATION_ACCOUNT_HIJACKING INAUTHENTIC_ACCOUNTS INAUTHENTIC_LISTINGS "
    "INAUTHENTIC_USER_REVIEWS INCITEMENT_AGAINST_WOMEN INCITEMENT_VIOLENCE_HATRED "
    "INSUFFICIENT_INFORMATION_ON_TRADERS LANGUAGE_REQUIREMENTS MISINFORMATION_DISINFORMATION "
    "MISLEADING_INFO_CONSUMER_RIGHTS MISLEADING_INFO_GOODS_SERVICES MISSING_PROCESSING_GROUND "
    "NON_CONSENSUAL_IMAGE_SHARING NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN "
    "NON_CONSENSUAL_MATERIAL_DEEPFAKE NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN "
    "NONCOMPLIANCE_PRICING NUDITY PATENT_INFRINGEMENT PHISHING PROHIBITED_PRODUCTS "
    "PYRAMID_SCHEMES RIGHT_TO_BE_FORGOTTEN RISK_ENVIRONMENTAL_DAMAGE RISK_PUBLIC_HEALTH "
    "SELF_MUTILATION STALKING SUICIDE TERRORIST_CONTENT TRADE_SECRET_INFRINGEMENT "
    "TRADEMARK_INFRINGEMENT TRAFFICKING_WOMEN_GIRLS UNLAWFUL_SALE_ANIMALS UNSAFE_CHALLENGES "
    "UNSAFE_PRODUCTS VIOLATION_EU_LAW VIOLATION_NATIONAL_LAW OTHER").split())
CONTENT_TYPES = tuple("CONTENT_TYPE_" + c for c in (
    "APP", "AUDIO", "IMAGE", "PRODUCT", "SYNTHETIC_MEDIA", "TEXT", "VIDEO", "OTHER"))
SOURCE_TYPES = ("SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION",
                "SOURCE_VOLUNTARY")
AUTOMATED_DETECTIONS = ("Yes", "No")
AUTOMATED_DECISIONS = ("AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY",
                       "AUTOMATED_DECISION_NOT_AUTOMATED")
EU_COUNTRY_CODES = ("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR",
                    "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI",
                    "SK")
EEA_COUNTRY_CODES = tuple(sorted(EU_COUNTRY_CODES + ("IS", "LI", "NO")))
COUNTRY_CODES = EEA_COUNTRY_CODES
LANGUAGE_CODES = frozenset((
    "AB AA AF AK SQ AM AR AN HY AS AV AE AY AZ BM BA EU BE BN BH BI BS BR BG MY CA KM CH CE NY ZH "
    "CU CV KW CO CR HR CS DA DV NL DZ EN EO ET EE FO FJ FI FR FF GD GL LG KA DE KI EL KL GN GU HT "
    "HA HE HZ HI HO HU IS IO IG ID IA IE IU IK GA IT JA JV KN KR KS KK RW KV KG KO KJ KU KY LO LA "
    "LV LB LI LN LT LU MK MG MS ML MT GV MI MR MH RO MN NA NV ND NG NE SE NO NB NN II OC OJ OR OM "
    "OS PI PA PS FA PL PT QU RM RN RU SM SG SA SC SR SN SD SI SK SL SO ST NR ES SU SW SS SV TL TY "
    "TG TA TT TE TH BO TI TO TS TN TR TK TW UG UK UR UZ VE VI VO WA CY FY WO XH YI YO ZA ZU"
).split())

#: cibwatch's actions. ``exclude`` exists only as a per-account exception.
ACTIONS = ("terminate", "suspend", "restrict_demote", "restrict_interaction", "label", "recover",
           "dismiss")
EXCEPTION_ACTIONS = (*ACTIONS[:-1], "exclude")
#: The actions that restrict an account and so need a statement of reasons.
STATEMENT_ACTIONS = ("terminate", "suspend", "restrict_demote", "restrict_interaction", "label",
                     "recover")

ACTION_FIELDS: dict[str, dict[str, Any]] = {
    "terminate": {"decision_account": "DECISION_ACCOUNT_TERMINATED"},
    "suspend": {"decision_account": "DECISION_ACCOUNT_SUSPENDED"},
    "restrict_demote": {"decision_visibility": ["DECISION_VISIBILITY_CONTENT_DEMOTED"]},
    "restrict_interaction": {
        "decision_visibility": ["DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED"]},
    "label": {"decision_visibility": ["DECISION_VISIBILITY_CONTENT_LABELLED"]},
    "recover": {"decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"],
                "decision_provision": "DECISION_PROVISION_PARTIAL_SUSPENSION"},
}
#: Which ``end_date_*`` field an action's end date (or a reversal date) goes in.
ACTION_END_FIELD = {
    "terminate": "end_date_account_restriction",
    "suspend": "end_date_account_restriction",
    "restrict_demote": "end_date_visibility_restriction",
    "restrict_interaction": "end_date_visibility_restriction",
    "label": "end_date_visibility_restriction",
    "recover": "end_date_service_restriction",
}
CONTENT_TYPE_OF = {"text": "CONTENT_TYPE_TEXT", "image": "CONTENT_TYPE_IMAGE",
                   "video": "CONTENT_TYPE_VIDEO", "audio": "CONTENT_TYPE_AUDIO",
                   "synthetic_media": "CONTENT_TYPE_SYNTHETIC_MEDIA", "app": "CONTENT_TYPE_APP",
                   "product": "CONTENT_TYPE_PRODUCT"}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MAX = {"decision_visibility_other": 500, "decision_monetary_other": 500,
        "category_specification_other": 500, "decision_ground_reference_url": 500,
        "illegal_content_legal_ground": 500, "illegal_content_explanation": 2000,
        "incompatible_content_ground": 500, "incompatible_content_explanation": 2000,
        "content_type_other": 500, "decision_facts": 5000, "source_identity": 500, "puid": 500}
_DATES = {"content_date": ("2000-01-01", "2038-01-01", True),
          "application_date": ("2020-01-01", "2038-01-01", True),
          "end_date_account_restriction": (None, "2038-01-01", False),
          "end_date_monetary_restriction": (None, "2038-01-01", False),
          "end_date_service_restriction": (None, "2038-01-01", False),
          "end_date_visibility_restriction": (None, "2038-01-01", False)}
KNOWN_FIELDS = frozenset({
    "decision_visibility", "decision_visibility_other", "decision_monetary",
    "decision_monetary_other", "decision_provision", "decision_account", "account_type",
    "category_specification", "category_specification_other", "decision_ground",
    "decision_ground_reference_url", "illegal_content_legal_ground",
    "illegal_content_explanation", "incompatible_content_ground",
    "incompatible_content_explanation", "incompatible_content_illegal", "content_type",
    "content_type_other", "category", "category_addition", "territorial_scope",
    "content_language", "content_date", "application_date", "end_date_account_restriction",
    "end_date_monetary_restriction", "end_date_service_restriction",
    "end_date_visibility_restriction", "decision_facts", "source_type", "source_identity",
    "automated_detection", "automated_decision", "puid", "content_id"})


def _date_ok(value: Any) -> bool:
    if not isinstance(value, str) or not _DATE.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def validate_statement(body: dict[str, Any]) -> list[dict[str, str]]:
    """The rules of the database's ``StatementStoreRequest`` applied to one statement; returns
    the problems (field and message), none when it would be accepted."""
    errs: list[dict[str, str]] = []

    def bad(f: str, msg: str) -> None:
        errs.append({"field": f, "message": msg})

    def present(f: str) -> bool:
        return body.get(f) not in (None, "", [])

    for f in body:
        if f not in KNOWN_FIELDS:
            bad(f, "not a field of the schema")
    for f in ("decision_ground", "content_type", "category", "content_date",
              "application_date", "decision_facts", "source_type", "automated_detection",
              "automated_decision", "puid"):
        if not present(f):
            bad(f, "is required")
    if not any(present(f) for f in ("decision_visibility", "decision_monetary",
                                    "decision_provision", "decision_account")):
        bad("decision_visibility", "one of decision_visibility, decision_monetary, "
            "decision_provision, decision_account is required")

    def one_of(f: str, allowed: frozenset[str]) -> None:
        v = body.get(f)
        if v not in (None, "") and (not isinstance(v, str) or v not in allowed):
            bad(f, f"{v!r} is not one of the allowed values")

    def all_of(f: str, allowed: frozenset[str]) -> None:
        v = body.get(f)
        if v is None:
            return
        if not isinstance(v, list):
            bad(f, "must be an array")
            return
        for x in v:
            if not isinstance(x, str) or x not in allowed:
                bad(f, f"{x!r} is not one of the allowed values")

    for f, allowed in _ONE_OF.items():
        one_of(f, allowed)
    for f, allowed in _ALL_OF.items():
        all_of(f, allowed)

    vis = body.get("decision_visibility") or []
    other_vis = isinstance(vis, list) and "DECISION_VISIBILITY_OTHER" in vis
    if other_vis and not present("decision_visibility_other"):
        bad("decision_visibility_other", "is required when decision_visibility is OTHER")
    if not other_vis and present("decision_visibility_other"):
        bad("decision_visibility_other", "is only allowed when decision_visibility is OTHER")
    if body.get("decision_monetary") == "DECISION_MONETARY_OTHER":
        if not present("decision_monetary_other"):
            bad("decision_monetary_other", "is required when decision_monetary is OTHER")
    elif present("decision_monetary_other"):
        bad("decision_monetary_other", "is only allowed when decision_monetary is OTHER")
    ctypes = body.get("content_type") or []
    other_ct = isinstance(ctypes, list) and "CONTENT_TYPE_OTHER" in ctypes
    if other_ct and not present("content_type_other"):
        bad("content_type_other", "is required when content_type has CONTENT_TYPE_OTHER")
    if not other_ct and present("content_type_other"):
        bad("content_type_other", "is only allowed when content_type has CONTENT_TYPE_OTHER")
    ground = body.get("decision_ground")
    illegal = ("illegal_content_legal_ground", "illegal_content_explanation")
    incompatible = ("incompatible_content_ground", "incompatible_content_explanation")
    for f in illegal:
        if ground == "DECISION_GROUND_ILLEGAL_CONTENT" and not present(f):
            bad(f, "is required when decision_ground is ILLEGAL_CONTENT")
        if ground != "DECISION_GROUND_ILLEGAL_CONTENT" and present(f):
            bad(f, "is only allowed when decision_ground is ILLEGAL_CONTENT")
    for f in incompatible:
        if ground == "DECISION_GROUND_INCOMPATIBLE_CONTENT" and not present(f):
            bad(f, "is required when decision_ground is INCOMPATIBLE_CONTENT")
        if ground != "DECISION_GROUND_INCOMPATIBLE_CONTENT" and present(f):
            bad(f, "is only allowed when decision_ground is INCOMPATIBLE_CONTENT")
    if present("incompatible_content_illegal"):
        if ground != "DECISION_GROUND_INCOMPATIBLE_CONTENT":
            bad("incompatible_content_illegal",
                "is only allowed when decision_ground is INCOMPATIBLE_CONTENT")
        one_of("incompatible_content_illegal", frozenset(INCOMPATIBLE_CONTENT_ILLEGALS))
    if body.get("source_type") == "SOURCE_VOLUNTARY" and present("source_identity"):
        bad("source_identity", "is ignored (and so refused here) when source_type is VOLUNTARY")
    for f, n in _MAX.items():
        v = body.get(f)
        if v is not None and (not isinstance(v, str) or len(v) > n):
            bad(f, f"must be text of at most {n} characters")
    for f, (lo, hi, _req) in _DATES.items():
        v = body.get(f)
        if v in (None, ""):
            continue
        if not _date_ok(v):
            bad(f, "must be a date YYYY-MM-DD")
            continue
        if lo and v < lo:
            bad(f, f"must be on or after {lo}")
        if v > hi:
            bad(f, f"must be on or before {hi}")
        if f.startswith("end_date") and _date_ok(body.get("application_date")) and \
                v < body["application_date"]:
            bad(f, "must be on or after the application date")
    puid = body.get("puid")
    if isinstance(puid, str) and puid and not PUID_PATTERN.fullmatch(puid):
        bad("puid", "may hold only a-z, A-Z, 0-9, '-' and '_'")
    if isinstance(body.get("decision_facts"), str):
        for p in _generic_personal_data(body["decision_facts"]):
            bad("decision_facts", p)
    return errs


_ONE_OF: dict[str, frozenset[str]] = {
    "decision_monetary": frozenset(DECISION_MONETARIES),
    "decision_provision": frozenset(DECISION_PROVISIONS),
    "decision_account": frozenset(DECISION_ACCOUNTS),
    "account_type": frozenset(ACCOUNT_TYPES),
    "decision_ground": frozenset(DECISION_GROUNDS),
    "category": frozenset(CATEGORIES),
    "content_language": LANGUAGE_CODES,
    "source_type": frozenset(SOURCE_TYPES),
    "automated_detection": frozenset(AUTOMATED_DETECTIONS),
    "automated_decision": frozenset(AUTOMATED_DECISIONS),
}
_ALL_OF: dict[str, frozenset[str]] = {
    "decision_visibility": frozenset(DECISION_VISIBILITIES),
    "category_specification": frozenset(KEYWORDS),
    "content_type": frozenset(CONTENT_TYPES),
    "category_addition": frozenset(CATEGORIES),
    "territorial_scope": frozenset(COUNTRY_CODES),
}


# --- personal data in decision_facts ------------------------------------------------------

_PROFILE_URL = re.compile(
    r"(?i)(?<![\w.-])(?:https?://)?(?:www\.|m\.|mobile\.)?(?:twitter\.com|x\.com|facebook\.com|fb\.com|"
    r"instagram\.com|tiktok\.com|youtube\.com|youtu\.be|t\.me|telegram\.me|reddit\.com|"
    r"medium\.com|vk\.com|threads\.net|bsky\.app|linkedin\.com|pinterest\.com|quora\.com|"
    r"weibo\.com|mastodon\.[a-z]+)/[^\s]+"
    r"|\b[\w-]+\.(?:blogspot|livejournal|substack|tumblr)\.com\b")
_MENTION = re.compile(r"(?<![\w@.])@[A-Za-z0-9_][A-Za-z0-9_.]{1,}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_TOKEN = re.compile(r"[\w.-]+", re.UNICODE)
#: Account ids of at most this many characters that are all digits are not searched for (they
#: would match counts and dates in ordinary sentences); handles and longer ids are.
MIN_NUMERIC_ID = 6
MIN_NAME = 3


@functools.lru_cache(maxsize=4096)
def _generic_personal_data(text: str) -> tuple[str, ...]:
    found: list[str] = []
    if _PROFILE_URL.search(text):
        found.append("names a profile URL")
    if _MENTION.search(text):
        found.append("names an @handle")
    if _EMAIL.search(text):
        found.append("names an e-mail address")
    return tuple(found)


def find_personal_data(text: str, accounts: Iterable[tuple[str, str | None]]) -> list[str]:
    """What in ``text`` identifies an account: profile URLs, @-mentions, e-mail addresses, and
    the ids or handles of ``accounts`` (pairs of account id and handle) as whole words."""
    found = list(_generic_personal_data(text))
    names: set[str] = set()
    for account_id, handle in accounts:
        if account_id and len(account_id) >= MIN_NAME and not (
                account_id.isdigit() and len(account_id) < MIN_NUMERIC_ID):
            names.add(account_id.lower())
        if handle:
            h = handle.lstrip("@").lower()
            if len(h) >= MIN_NAME:
                names.add(h)
    if names:
        words = {w.lower().strip(".-") for w in _TOKEN.findall(text)}
        hits = sorted(words & names)
        if hits:
            found.append(f"names {len(hits)} account(s) by id or handle")
    return found


def check_no_personal_data(text: str, accounts: Iterable[tuple[str, str | None]],
                           field: str = "decision_facts") -> None:
    problems = find_personal_data(text, accounts)
    if problems:
        raise PersonalDataError(
            f"{field} must carry no personal data (DSA Art. 24(5)) but it "
            + "; ".join(problems),
            remedy="describing the network and its behaviour without naming accounts: counts, "
            "platforms, traces, dates",
            details=[{"field": field, "message": p} for p in problems])


# --- building statements ------------------------------------------------------------------

def make_puid(key: bytes, decision_uid: str, platform: str, account_id: str,
              revision: int = 1) -> str:
    """``cbw-<decision>-<HMAC>``, with ``-r<N>`` for revisions: the same decision and account
    always give the same puid (idempotent submission; the database refuses a duplicate), and
    the keyed hash (HMAC-SHA-256 under the store's secret) does not let anyone recover the
    account id by hashing candidate ids."""
    mac = hmac.new(key, f"{decision_uid}\x1f{platform}\x1f{account_id}".encode(),
                   hashlib.sha256).hexdigest()[:24]
    base = f"cbw-{decision_uid[:12]}-{mac}"
    return base if revision == 1 else f"{base}-r{revision}"


def _day(value: str | None, floor: str) -> str:
    if not value:
        return floor
    day = value[:10]
    return day if _date_ok(day) and day >= floor else floor


def build_statement(*, action: str, puid: str, policy_clause: str, explanation: str,
                    facts: str, category: str, category_specification: Sequence[str],
                    content_types: Sequence[str], content_date: str | None,
                    application_date: str, end_date: str | None,
                    territorial_scope: Sequence[str], language: str | None,
                    detection_source: str, source_identity: str, automated_detection: bool,
                    automated_decision: str) -> dict[str, Any]:
    """One statement of reasons (a dict in the v2 schema) for one account and action."""
    body: dict[str, Any] = {}
    for k, v in ACTION_FIELDS[action].items():
        body[k] = list(v) if isinstance(v, list) else v
    end_field = ACTION_END_FIELD[action]
    if end_date:
        body[end_field] = end_date
    spec = list(dict.fromkeys(category_specification))
    if action == "recover" and "KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING" not in spec:
        spec.append("KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING")
    ctypes = [CONTENT_TYPE_OF.get(c.lower(), c) for c in content_types] or ["CONTENT_TYPE_TEXT"]
    body.update({
        "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        "incompatible_content_ground": policy_clause,
        "incompatible_content_explanation": explanation,
        "incompatible_content_illegal": "No",
        "content_type": list(dict.fromkeys(ctypes)),
        "category": category,
        "category_specification": spec,
        "territorial_scope": sorted(territorial_scope),
        "content_date": _day(content_date, "2000-01-01"),
        "application_date": application_date,
        "decision_facts": facts,
        "source_type": ("SOURCE_VOLUNTARY" if detection_source == "internal"
                        else "SOURCE_TYPE_OTHER_NOTIFICATION"),
        "automated_detection": "Yes" if automated_detection else "No",
        "automated_decision": "AUTOMATED_DECISION_" + automated_decision.upper(),
        "puid": puid,
    })
    if not spec:
        del body["category_specification"]
    if detection_source != "internal" and source_identity:
        body["source_identity"] = source_identity
    if language and language.upper() in LANGUAGE_CODES:
        body["content_language"] = language.upper()
    return body


def batches(items: Sequence[dict[str, Any]], size: int = MAX_BATCH) -> list[dict[str, Any]]:
    """Payloads for ``POST /api/v1/statements``: ``{"statements": [...]}`` of at most 100."""
    size = max(1, min(size, MAX_BATCH))
    return [{"statements": list(items[i:i + size])} for i in range(0, len(items), size)]
