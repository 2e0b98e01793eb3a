"""Alembic environment of the case store (shipped inside the package).

:meth:`cibwatch.cases.db.CaseStore.upgrade` runs it with an open connection in
``config.attributes["connection"]``; with none (the ``alembic`` command line, for writing a new
revision) it connects to ``sqlalchemy.url``.
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import engine_from_config, pool

from cibwatch.cases.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Any) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = engine_from_config(config.get_section(config.config_ini_section) or {},
                                prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as conn:
        _run(conn)
