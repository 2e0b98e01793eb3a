"""The Spark engine through Spark Connect (``--spark-master sc://host:port``).

A Spark Connect server is started as its own process (``spark-submit`` of PySpark's
``SparkConnectServer``, on the machine's Java, ``local[2]``), as a user would run one beside a
cluster, and ``cibwatch detect --engine spark --spark-master sc://127.0.0.1:PORT`` is run
against it through the CLI. Its ``edges.parquet``, ``networks.csv`` and ``accounts.csv`` must
be byte-identical to the default DuckDB engine's on bundled real data (IRA tweets). The Connect client
has no SparkContext: the run must not need one (progress, the log level and the session
settings are set through the client's own API).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cibwatch.api import DetectOptions, DetectRequest, EngineOptions, Inputs, run_detection
from cibwatch.cli import app as cli_app

pyspark = pytest.importorskip("pyspark")
pytest.importorskip("grpc")  # the Connect client's transport (pyspark[connect])
if shutil.which("java") is None:  # pragma: no cover - Java 17 is on the CI machine
    pytest.skip("the Spark engine needs Java", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "demo" / "data"
PARITY_FILES = ("edges.parquet", "networks.csv", "accounts.csv")
SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"
#: How long the server may take to listen (a cold JVM on a busy 2-core machine).
START_TIMEOUT_S = 300

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def connect_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Spark Connect server in its own process for the module; stopped afterwards."""
    home = Path(pyspark.__file__).parent
    port = _free_port()
    work = tmp_path_factory.mktemp("connect-server")
    log = (work / "server.log").open("wb")
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "SPARK_HOME": str(home)}
    proc = subprocess.Popen(
        [str(home / "bin" / "spark-submit"), "--class", SERVER_CLASS, "--master", "local[2]",
         "--conf", f"spark.connect.grpc.binding.port={port}",
         "--conf", "spark.ui.enabled=false",
         # progress told to the client every 200 ms (2 s by default), for a short test job
         "--conf", "spark.connect.progress.reportInterval=200ms", "spark-internal"],
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _listening(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = (work / "server.log").read_text(errors="replace")[-3000:]
                pytest.fail(f"the Spark Connect server did not start:\n{tail}")
            time.sleep(1)
        yield f"sc://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:  # pragma: no cover - a JVM that ignores SIGTERM
            proc.kill()
            proc.wait()
        log.close()


def test_detect_through_spark_connect_gives_the_duckdb_files(connect_url: str,
                                                             tmp_path: Path) -> None:
    files = [str(DEMO / "ira_tweets_2016-10.parquet")]  # real: 131,893 IRA tweets
    duck = tmp_path / "duckdb"
    run_detection(DetectRequest(out=duck, inputs=Inputs([Path(f) for f in files]),
                                options=DetectOptions(), pictures=0,
                                engine=EngineOptions("duckdb")))
    out = tmp_path / "connect"
    r = CliRunner().invoke(cli_app, ["detect", *files, "--out", str(out), "--pictures", "0",
                                     "--engine", "spark", "--spark-master", connect_url])
    assert r.exit_code == 0, r.output
    for name in PARITY_FILES:
        assert (out / name).read_bytes() == (duck / name).read_bytes(), \
            f"{name} differs between DuckDB and Spark Connect"
    # not vacuous: the run found networks, and its stage tables are in the warehouse
    assert len((out / "networks.csv").read_text().splitlines()) > 5
    assert (out / "store.duckdb.warehouse" / "edges").is_dir()


def test_a_connect_url_nobody_serves_is_a_clear_error(tmp_path: Path) -> None:
    files = [str(DEMO / "ira_tweets_2016-10.parquet")]
    url = f"sc://127.0.0.1:{_free_port()}"
    r = CliRunner().invoke(cli_app, ["detect", *files, "--out", str(tmp_path / "o"),
                                     "--pictures", "0", "--engine", "spark",
                                     "--spark-master", url])
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    assert f"no Spark Connect server answers at 127.0.0.1:{url.rsplit(':', 1)[1]}" in \
        " ".join(r.output.split())
    # said at once, before the files are read into a store
    assert not (tmp_path / "o" / "store.duckdb").exists()


class _Recorder:
    """A reporter that keeps every update of its tasks: (description, completed, total)."""

    def __init__(self) -> None:
        self.updates: list[tuple[str, float | None, float | None]] = []

    @contextmanager
    def task(self, description: str, total: float | None = None) -> Iterator[Any]:
        rec = self

        class _T:
            def advance(self, amount: float = 1) -> None:
                rec.updates.append((description, amount, None))

            def update(self, *, completed: float | None = None,
                       total: float | None = None) -> None:
                rec.updates.append((description, completed, total))

        yield _T()

    def log(self, message: str) -> None:
        pass


def test_progress_on_spark_connect_comes_from_the_server(connect_url: str,
                                                          tmp_path: Path) -> None:
    """A Connect client has no status tracker: the stage's progress is what the server
    reports to the session's progress handler while a table is written."""
    from pyspark.sql.connect.session import SparkSession as ConnectSession

    from cibwatch.engine.spark import SparkBackend, spark_session

    session = spark_session(connect_url)
    assert isinstance(session, ConnectSession)  # a Connect client, not a classic session
    rec = _Recorder()
    backend = SparkBackend(session, tmp_path / "warehouse", rec)
    backend.materialise("counts", "SELECT id % 97 AS k, count(*) AS n FROM range(2000000) "
                                  "GROUP BY 1")
    assert backend.scalar("SELECT sum(n) FROM counts") == 2_000_000
    told = [u for u in rec.updates if u[0].startswith("Spark: counts") and u[2]]
    assert told, rec.updates
    assert all(0 <= (c or 0) <= t for _, c, t in told if t)
