"""Streaming readers for the container layouts: CSV, JSON Lines, Parquet and JSON documents.

A reader knows nothing of social media: it yields batches of raw columns (as named in the
file) plus ``_line``, the 1-based line (CSV, JSONL) or row (Parquet) number of each record, and
the records it could not read at all (wrong number of fields, invalid JSON, bytes that are not
UTF-8), each with its line and a message. Memory is bounded by the batch size, whatever the
file size. Gzip-compressed files are recognised by their magic bytes.

A JSON *document* (a pretty-printed object or a JSON array, container ``"json"``) is
recognised here and its header is its top-level keys; nested-JSON layouts read it through
:mod:`.jsonio`, the flat layouts read the elements of a top-level array as rows.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import FormatError, InputError

__all__ = ["RawBatch", "ReaderReject", "TabularFile", "open_tabular"]

#: Records per batch: big enough for vectorised conversion, small enough for bounded memory.
DEFAULT_BATCH_ROWS = 200_000

csv.field_size_limit(1 << 30)


@dataclass(frozen=True)
class ReaderReject:
    """A record the reader could not turn into fields."""

    line: int
    field: str | None
    error: str
    record: str


@dataclass
class RawBatch:
    """Raw columns of up to ``DEFAULT_BATCH_ROWS`` records, plus what could not be read."""

    table: pa.Table
    rejects: list[ReaderReject] = field(default_factory=list)
    records_seen: int = 0
    progress: float = 0.0  # bytes (CSV/JSONL) or rows (Parquet) consumed so far


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def _open_text(path: Path) -> tuple[IO[str], IO[bytes]]:
    raw: IO[bytes] = open(path, "rb")  # noqa: SIM115 - closed by the caller
    stream: IO[bytes] = gzip.GzipFile(fileobj=raw) if _is_gzip(path) else raw  # type: ignore[assignment]
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    return text, raw


def _bad_utf8_field(values: list[str], names: list[str]) -> str | None:
    """Name of the first field holding bytes that are not UTF-8 (surrogate-escaped), if any."""
    for name, v in zip(names, values, strict=False):
        if not v.isascii():
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                return name
    return None


def _printable(values: list[str] | str) -> str:
    s = ",".join(values) if isinstance(values, list) else values
    return s.encode("utf-8", errors="replace").decode("utf-8")[:2000]


class TabularFile:
    """One input file in CSV, JSONL or Parquet, with its header known before reading rows."""

    def __init__(self, path: str | os.PathLike[str], batch_rows: int = DEFAULT_BATCH_ROWS) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise InputError(f"{self.path}: no such file", remedy="checking the path")
        if self.path.is_dir():
            raise InputError(f"{self.path} is a directory", remedy="passing the files in it")
        self.size = self.path.stat().st_size
        if self.size == 0:
            raise InputError(f"{self.path}: the file is empty", remedy="checking the export")
        self.batch_rows = batch_rows
        self.container = self._sniff_container()
        self.header = self._read_header()

    # -- container and header -----------------------------------------------------------------
    def _sniff_container(self) -> str:
        with open(self.path, "rb") as fh:
            magic = fh.read(4)
        if magic == b"PAR1":
            return "parquet"
        text, raw = _open_text(self.path)
        try:
            for line in text:
                s = line.strip()
                if not s:
                    continue
                if s.startswith(("{", "[")):
                    # JSON Lines, or one JSON document (pretty-printed, or an array)
                    from .jsonio import first_json_line

                    return first_json_line(self.path)
                return "csv"
        except UnicodeDecodeError as exc:  # pragma: no cover - surrogateescape prevents it
            raise FormatError(f"{self.path}: not text ({exc})") from exc
        finally:
            text.close()
            raw.close()
        raise InputError(f"{self.path}: the file holds only blank lines", remedy="checking it")

    def _read_header(self) -> list[str]:
        if self.container == "parquet":
            return list(pq.ParquetFile(self.path).schema_arrow.names)
        if self.container == "json":
            from .jsonio import document_keys

            return document_keys(self.path)
        text, raw = _open_text(self.path)
        try:
            if self.container == "csv":
                row = next(csv.reader(text), None)
                if not row:
                    raise FormatError(f"{self.path}:1: no header row")
                return [c.strip() for c in row]
            keys: dict[str, None] = {}
            for n, line in enumerate(text, start=1):
                if not line.strip():
                    continue
                try:
                    obj = orjson.loads(line)
                except orjson.JSONDecodeError:
                    continue
                if isinstance(obj, dict):
                    keys.update(dict.fromkeys(obj))
                if n > 100:  # the union of the first records' keys is the header
                    break
            return list(keys)
        finally:
            text.close()
            raw.close()

    # -- batches ------------------------------------------------------------------------------
    def batches(self) -> Iterator[RawBatch]:
        if self.container == "parquet":
            yield from self._parquet_batches()
        elif self.container == "csv":
            yield from self._csv_batches()
        elif self.container == "json":
            yield from self._document_batches()
        else:
            yield from self._jsonl_batches()

    def _parquet_batches(self) -> Iterator[RawBatch]:
        pf = pq.ParquetFile(self.path)
        start = 0
        for rb in pf.iter_batches(batch_size=self.batch_rows):
            n = rb.num_rows
            t = pa.Table.from_batches([rb]).append_column(
                "_line", pa.array(range(start + 1, start + n + 1), pa.int64())
            )
            start += n
            yield RawBatch(t, [], n, float(start))

    def _csv_batches(self) -> Iterator[RawBatch]:
        text, raw = _open_text(self.path)
        names = self.header
        width = len(names)
        try:
            reader = csv.reader(text, strict=True)
            try:
                next(reader)
            except csv.Error as exc:
                raise FormatError(f"{self.path}:1: cannot read the header: {exc}") from exc
            cols: list[list[Any]] = [[] for _ in range(width)]
            lines: list[int] = []
            rejects: list[ReaderReject] = []
            seen = 0
            while True:
                start_line = reader.line_num + 1
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    seen += 1
                    rejects.append(ReaderReject(start_line, None, f"malformed CSV: {exc}", ""))
                    continue
                if not row or (len(row) == 1 and row[0] == ""):
                    continue  # blank line
                seen += 1
                if len(row) != width:
                    rejects.append(
                        ReaderReject(
                            start_line,
                            None,
                            f"expected {width} fields (as in the header), found {len(row)}",
                            _printable(row),
                        )
                    )
                else:
                    bad = _bad_utf8_field(row, names)
                    if bad is not None:
                        rejects.append(
                            ReaderReject(start_line, bad, "bytes that are not valid UTF-8",
                                         _printable(row))
                        )
                    else:
                        for c, v in zip(cols, row, strict=True):
                            c.append(v)
                        lines.append(start_line)
                if seen % self.batch_rows == 0:
                    yield self._csv_batch(names, cols, lines, rejects, seen, raw)
                    cols = [[] for _ in range(width)]
                    lines, rejects = [], []
            if lines or rejects:
                yield self._csv_batch(names, cols, lines, rejects, seen, raw)
        finally:
            text.close()
            raw.close()

    def _csv_batch(
        self,
        names: list[str],
        cols: list[list[Any]],
        lines: list[int],
        rejects: list[ReaderReject],
        seen: int,
        raw: IO[bytes],
    ) -> RawBatch:
        arrays = [pa.array(c, pa.string()) for c in cols]
        t = pa.Table.from_arrays([*arrays, pa.array(lines, pa.int64())], names=[*_dedupe(names), "_line"])
        return RawBatch(t, rejects, seen, float(raw.tell()))

    def _jsonl_batches(self) -> Iterator[RawBatch]:
        text, raw = _open_text(self.path)
        try:
            rows: list[dict[str, Any]] = []
            lines: list[int] = []
            rejects: list[ReaderReject] = []
            seen = 0
            for n, line in enumerate(text, start=1):
                if not line.strip():
                    continue
                seen += 1
                try:
                    obj = orjson.loads(line.encode("utf-8", errors="surrogateescape"))
                except orjson.JSONDecodeError as exc:
                    rejects.append(ReaderReject(n, None, f"invalid JSON: {exc}", _printable(line)))
                    continue
                if not isinstance(obj, dict):
                    rejects.append(
                        ReaderReject(n, None, f"expected a JSON object, found {type(obj).__name__}",
                                     _printable(line))
                    )
                    continue
                rows.append(obj)
                lines.append(n)
                if seen % self.batch_rows == 0:
                    yield _json_batch(rows, lines, rejects, seen, raw)
                    rows, lines, rejects = [], [], []
            if rows or rejects:
                yield _json_batch(rows, lines, rejects, seen, raw)
        finally:
            text.close()
            raw.close()


    def _document_batches(self) -> Iterator[RawBatch]:
        """A JSON document: the elements of a top-level array (or the one object) as rows."""
        from .jsonio import JsonRecords

        for jb in JsonRecords(self.path, "json").batches():
            rows: list[dict[str, Any]] = []
            lines: list[int] = []
            rejects = list(jb.rejects)
            for line, t in zip(jb.lines, jb.texts, strict=True):
                obj = orjson.loads(t)
                if isinstance(obj, dict):
                    rows.append(obj)
                    lines.append(line)
                else:
                    rejects.append(ReaderReject(
                        line, None, f"expected a JSON object, found {type(obj).__name__}",
                        _printable(t)))
            for i in range(0, max(len(rows), 1), self.batch_rows):
                chunk_rows, chunk_lines = rows[i:i + self.batch_rows], lines[i:i + self.batch_rows]
                b = _json_batch(chunk_rows, chunk_lines, rejects if i == 0 else [],
                                len(chunk_rows) + (len(rejects) if i == 0 else 0), raw=None)
                b.progress = jb.progress
                yield b


def _dedupe(names: list[str]) -> list[str]:
    out: list[str] = []
    seen: dict[str, int] = {}
    for n in names:
        if n in seen:
            seen[n] += 1
            out.append(f"{n}.{seen[n]}")
        else:
            seen[n] = 0
            out.append(n)
    return out


def _json_scalar(v: Any) -> str | None:
    """JSON value -> the text a CSV cell would hold (lists and objects as JSON)."""
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    return orjson.dumps(v).decode()


def _json_batch(
    rows: list[dict[str, Any]],
    lines: list[int],
    rejects: list[ReaderReject],
    seen: int,
    raw: IO[bytes] | None,
) -> RawBatch:
    keys: dict[str, None] = {}
    for r in rows:
        keys.update(dict.fromkeys(r))
    cols = {k: pa.array([_json_scalar(r.get(k)) for r in rows], pa.string()) for k in keys}
    cols["_line"] = pa.array(lines, pa.int64())
    return RawBatch(pa.table(cols), rejects, seen, float(raw.tell()) if raw is not None else 0.0)


def open_tabular(path: str | os.PathLike[str], batch_rows: int = DEFAULT_BATCH_ROWS) -> TabularFile:
    """Open an input file and read its header (raises :class:`InputError` when unreadable)."""
    return TabularFile(path, batch_rows)
