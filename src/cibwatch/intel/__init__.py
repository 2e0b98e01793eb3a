"""Threat intelligence: published indicators of influence operations.

:mod:`.indicators` reads Meta's indicator files (2020-22 CSV, 2023- kill-chain CSV, 2025-
Markdown), STIX 2.1 bundles and plain lists into typed, refanged :class:`Indicator` records.
"""

from .indicators import (
    FORMATS,
    TYPES,
    Indicator,
    IndicatorSet,
    account_from_url,
    canonical_platform,
    detect_format,
    read_indicators,
    refang,
)

__all__ = [
    "FORMATS",
    "TYPES",
    "Indicator",
    "IndicatorSet",
    "account_from_url",
    "canonical_platform",
    "detect_format",
    "read_indicators",
    "refang",
]
