"""The HTTP API of the analyst workspace (FastAPI, served by uvicorn: ``cibwatch serve``).

:func:`create_app` builds it over a :class:`cibwatch.cases.CaseService`; :data:`ENDPOINTS`
lists every endpoint with the least role it needs. See docs/CASES.md.
"""

from __future__ import annotations

from .app import ENDPOINTS, PREFIX, Endpoint, create_app
from .errors import error_body

__all__ = ["create_app", "ENDPOINTS", "Endpoint", "PREFIX", "error_body"]
