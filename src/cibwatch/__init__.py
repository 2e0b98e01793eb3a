"""cibwatch: find, verify and disclose coordinated inauthentic behaviour in social-media data.

The pipeline, one module per stage::

    ingest -> store -> traces -> coaction -> network -> report

Library first: every CLI command is a thin wrapper over the functions exported here.
"""

from __future__ import annotations

from ._version import __version__
from .errors import (
    BadRecordError,
    CibwatchError,
    ConfigError,
    FormatError,
    InputError,
    NotInStoreError,
    OutputError,
    StoreError,
)
from .ingest import IngestReport, ingest_files
from .pipeline import PRESETS, DetectConfig, DetectResult, config_from, detect, pair_evidence
from .store import Store

__all__ = [
    "__version__",
    "Store",
    "ingest_files",
    "IngestReport",
    "detect",
    "DetectConfig",
    "DetectResult",
    "PRESETS",
    "config_from",
    "pair_evidence",
    "CibwatchError",
    "InputError",
    "BadRecordError",
    "FormatError",
    "ConfigError",
    "NotInStoreError",
    "StoreError",
    "OutputError",
]
