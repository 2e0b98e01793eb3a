"""Threat intelligence: published indicators of influence operations.

:func:`read_indicators` (:mod:`.indicators`) reads Meta's indicator files (2020-22 CSV, 2023-
kill-chain CSV, 2025- Markdown), STIX 2.1 bundles, plain lists and seeds CSVs into typed,
refanged :class:`Indicator` records. The parts: :mod:`.refang` (undoing defanged values),
:mod:`.platforms` (platform names, the account of a profile URL), :mod:`.classify` (what a
value is), :mod:`.layouts` (one reader per layout); :mod:`.workflow` is ``cibwatch indicators
import`` and :mod:`.stix_export` writes a network as a STIX 2.1 bundle.
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
