"""Streaming readers for the container layouts: CSV, JSON Lines, Parquet and JSON documents.

A reader knows nothing of social media: it yields batches of raw columns (as named in the
file) plus ``_line``, the 1-based line (CSV, JSONL) or row (Parquet) number of each record, and
the records it could not read at all (wrong number of fields, a broken quote, invalid JSON,
bytes that are not UTF-8), each with its line, the field when it is known, a message and the
record's raw text. Memory is bounded by the batch size, whatever the file size. Gzip files are
recognised by their magic bytes and read through :mod:`.compressed`: a truncated or damaged
file gives the records before the damage and a reject saying where it broke.

**CSV recovers at the next record.** A record that breaks the CSV rules (a quote that is never
closed, a quote followed by something else than a delimiter) is rejected alone, with its raw
line, and reading goes on at the next line: one stray ``"`` costs its record, never the rest of
the file. A record spanning several lines is accepted when its quotes balance and it has the
header's number of fields; when its quotes do not balance, or when it has the wrong number of
fields (the mark of an opening quote that swallowed the next lines), only its first line is
rejected and the following lines are read again as records. A record may span at most :data:`MAX_RECORD_CHARS` characters.

A JSON *document* (a pretty-printed object or a JSON array, container ``"json"``) is
recognised here and its header is its top-level keys; nested-JSON layouts read it through
:mod:`.jsonio`, the flat layouts read the elements of a top-level array as rows.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson
import pyarrow.parquet as pq

from ..errors import FormatError, InputError
from .compressed import damage_of, line_blocks, open_binary
from .rawreject import ReaderReject, _printable

__all__ = ["RawBatch", "ReaderReject", "TabularFile", "open_tabular", "json_loads",
           "csv_records", "MAX_RECORD_CHARS"]

#: Records per batch: big enough for vectorised conversion, small enough for bounded memory.
DEFAULT_BATCH_ROWS = 200_000
#: Longest CSV record (in characters) over several lines; a quote left open longer is a
#: broken record, not a field (a post's text, a bio, stays far below it).
MAX_RECORD_CHARS = 8 << 20
#: JSON Lines are read in blocks of whole lines of about this many bytes.
JSONL_BLOCK_BYTES = 32 << 20
#: Arrow's JSON reader parses a block in parts of this many bytes in parallel (a longer line
#: makes it fail, and the block is read line by line).
ARROW_JSON_BLOCK = 4 << 20

csv.field_size_limit(1 << 30)


@dataclass
class RawBatch:
    """Raw columns of up to ``DEFAULT_BATCH_ROWS`` records, plus what could not be read.

    ``records_seen`` counts the records of this batch (loaded or rejected), not the file's.
    """

    table: pa.Table
    rejects: list[ReaderReject] = field(default_factory=list)
    records_seen: int = 0
    progress: float = 0.0  # bytes (CSV/JSONL) or rows (Parquet) consumed so far


def _open_text(path: Path) -> tuple[io.TextIOWrapper, IO[bytes]]:
    stream, raw = open_binary(path)
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


def _big(v: Any) -> bool:
    """A float that was an integer literal beyond 64 bits (orjson reads those as floats)."""
    return type(v) is float and abs(v) >= 9.2e18 and v.is_integer()


def json_loads(text: bytes | str) -> Any:
    """JSON text -> Python, the integers of a record's fields and lists exact: orjson reads
    integers beyond 64 bits as floats (``1.2345678901234568e+22``); a record holding such a
    value is read again by the standard library, which keeps every digit. Cost: one look at
    each top-level value."""
    b = text.encode("utf-8", errors="surrogateescape") if isinstance(text, str) else text
    obj = orjson.loads(b)
    if isinstance(obj, dict) and any(
            _big(v) or (type(v) is list and any(_big(x) for x in v)) for v in obj.values()):
        try:
            return json.loads(b)
        except RecursionError as exc:  # pragma: no cover - orjson read it, so it is shallow
            raise orjson.JSONDecodeError("nested too deeply", "", 0) from exc
    return obj


def _dumps(v: Any) -> str:
    try:
        return orjson.dumps(v).decode()
    except TypeError:  # an integer beyond 64 bits
        return json.dumps(v, ensure_ascii=False)


def _broken_field(line: str, names: list[str]) -> str | None:
    """The column whose quoting breaks ``line`` (the first field of a broken record)."""
    i, col, n = 0, 0, len(line)
    while i < n:
        if line[i] == '"':  # a quoted field: find its closing quote
            j = i + 1
            while True:
                k = line.find('"', j)
                if k < 0:
                    return names[col] if col < len(names) else None  # never closed
                if k + 1 < n and line[k + 1] == '"':
                    j = k + 2
                    continue
                if k + 1 < n and line[k + 1] not in ",\r\n":
                    return names[col] if col < len(names) else None  # junk after the quote
                i = k + 1
                break
        k = line.find(",", i)
        if k < 0:
            return None
        i, col = k + 1, col + 1
    return None


class _Lines:
    """The physical lines of a text stream, for :mod:`csv`, with lines put back to be read
    again and the lines of the current record kept (its raw text)."""

    def __init__(self, text: IO[str]) -> None:
        self.readline = text.readline
        self.back: list[str] = []  # lines to read again, last first
        self.taken: list[str] = []  # lines of the record being read
        self.chars = 0

    def __iter__(self) -> Iterator[str]:
        readline, back, taken = self.readline, self.back, self.taken
        append = taken.append
        while True:
            line = back.pop() if back else readline()
            if not line:
                return
            if taken:  # a line after the record's first: count the record's length
                self.chars += len(line)
                if self.chars > MAX_RECORD_CHARS:
                    append(line)
                    raise _TooLong
            append(line)
            yield line

    def again(self, lines: list[str]) -> None:
        self.back.extend(reversed(lines))


class _TooLong(Exception):
    """A record grew beyond :data:`MAX_RECORD_CHARS` (an opening quote that is never closed)."""


#: A CSV record: (first line, last line, fields or None when broken, its physical lines,
#: why it is broken or None). The lines of a good record are valid until the next record.
CsvRecord = tuple[int, int, "list[str] | None", list[str], "str | None"]


def csv_records(text: IO[str], width: int | None = None,
                header: bool = False) -> Iterator[CsvRecord]:
    """The records of CSV ``text``, recovering at the next line after a broken one.

    Parameters
    ----------
    text:
        The file, opened with ``newline=""``.
    width:
        Fields per record; ``None``: those of the first record (the header).
    header:
        Skip the first record (the header, read already).

    Yields
    ------
    CsvRecord
        Good records with their fields; a broken one (a quote never closed, a closing quote
        followed by another character, a quoted field over :data:`MAX_RECORD_CHARS`, or
        several lines with the wrong number of fields: a quote that swallowed the next lines)
        as its first line only, the lines after it read again as records. Records with the
        wrong number of fields on one line are yielded with their fields (the caller decides).
        Cost: Python's csv module plus one generator step per line.
    """
    src = _Lines(text)
    taken = src.taken
    clear = taken.clear
    reader = csv.reader(src, strict=True)
    line_no = 0
    first = True
    while True:
        clear()
        src.chars = 0
        start = line_no + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except (csv.Error, _TooLong) as exc:
            src.again(taken[1:])
            # the line source may have stopped (at the end of the file, or at
            # MAX_RECORD_CHARS): start a reader over it again
            reader = csv.reader(src, strict=True)
            line_no = start
            first = False
            yield (start, start, None, taken[:1],
                   f"a quoted field runs over more than {MAX_RECORD_CHARS:,} characters"
                   if isinstance(exc, _TooLong) else str(exc))
            continue
        if width is None:
            width = len(row)
        if (len(row) != width and len(taken) > 1 and not first
                and not (len(row) == 1 and row[0] == "")):
            # most likely an opening quote that swallowed the next lines (which are records
            # of their own): this line only is broken; the next ones are read again
            src.again(taken[1:])
            line_no = start
            yield start, start, None, taken[:1], "wrong number of fields"
            continue
        line_no = start + len(taken) - 1
        if first:
            first = False
            if header:
                continue
        yield start, line_no, row, taken, None  # taken: valid until the next record


def _raw(lines: list[str]) -> str:
    s = "".join(lines)
    return s[:-2] if s.endswith("\r\n") else s[:-1] if s.endswith(("\n", "\r")) else s


class TabularFile:
    """One input file in CSV, JSONL or Parquet, with its header known before reading rows."""

    def __init__(self, path: str | os.PathLike[str], batch_rows: int = DEFAULT_BATCH_ROWS) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise InputError(f"{self.path}: no such file", remedy="checking the path")
        if self.path.is_dir():
            raise InputError(f"{self.path} is a directory", remedy="passing the files in it")
        try:
            self.size = self.path.stat().st_size
            if self.size == 0:
                raise InputError(f"{self.path}: the file is empty", remedy="checking the export")
            self.batch_rows = batch_rows
            self.container = self._sniff_container()
            self.header = self._read_header()
        except PermissionError as exc:
            raise InputError(f"{self.path}: cannot be read ({exc.strerror})",
                             remedy="checking the file's permissions") from exc
        except (pa.ArrowException, OSError) as exc:
            if self._is_parquet():
                raise InputError(
                    f"{self.path}: not a readable Parquet file, truncated or damaged ({exc})",
                    remedy="getting an intact copy; a Parquet file keeps its schema and the "
                    "index of its row groups at its end, so a truncated one cannot be read") from exc
            raise InputError(f"{self.path}: cannot be read ({exc})",
                             remedy="checking the file") from exc

    def _is_parquet(self) -> bool:
        with open(self.path, "rb") as fh:
            return fh.read(4) == b"PAR1"

    # -- container and header -----------------------------------------------------------------
    def _sniff_container(self) -> str:
        if self._is_parquet():
            return "parquet"
        text, raw = _open_text(self.path)
        try:
            first: str | None = None
            objects = 0
            for line in text:
                s = line.strip()
                if not s:
                    continue
                if first is None:
                    if s.startswith(("{", "[")):
                        # JSON Lines, or one JSON document (pretty-printed, or an array)
                        from .jsonio import first_json_line

                        return first_json_line(self.path)
                    first = s
                    continue
                # a broken first line before JSON objects is a broken line of JSON Lines
                try:
                    if not isinstance(orjson.loads(s.encode("utf-8", "surrogateescape")), dict):
                        break
                except orjson.JSONDecodeError:
                    break
                objects += 1
                if objects == 2:
                    break
            if first is not None:
                return "jsonl" if objects else "csv"
            gz = damage_of(text.buffer)
            if gz is not None and gz.damage:
                raise InputError(f"{self.path}: {gz.damage}; nothing could be read from it",
                                 remedy="getting an intact copy (gzip -t FILE tests one)")
        except UnicodeDecodeError as exc:  # pragma: no cover - surrogateescape prevents it
            raise FormatError(f"{self.path}: not text ({exc})") from exc
        finally:
            text.close()
            raw.close()
        raise InputError(f"{self.path}: the file holds only blank lines", remedy="checking it")

    def _read_header(self) -> list[str]:
        if self.container == "parquet":
            names = list(pq.ParquetFile(self.path).schema_arrow.names)
            _check_unique(names, self.path)
            return names
        if self.container == "json":
            from .jsonio import document_keys

            return document_keys(self.path)
        text, raw = _open_text(self.path)
        try:
            if self.container == "csv":
                try:
                    row = next(csv.reader(text, strict=True), None)
                except csv.Error as exc:
                    raise FormatError(f"{self.path}:1: cannot read the header: {exc}",
                                      remedy="correcting the first line") from exc
                if not row:
                    raise FormatError(f"{self.path}:1: no header row")
                names = [c.strip() for c in row]
                _check_unique(names, self.path)
                return names
            keys: dict[str, None] = {}
            for n, line in enumerate(text, start=1):
                if not line.strip():
                    continue
                try:
                    obj = orjson.loads(line.encode("utf-8", errors="surrogateescape"))
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
    def batches(self, json_schema: pa.Schema | None = None) -> Iterator[RawBatch]:
        """The file's records in batches. ``json_schema`` (JSON Lines only): the columns the
        caller reads and their types; a batch whose records all fit it is parsed by Arrow in C
        (:func:`_arrow_jsonl`), the others line by line, with the same result."""
        if self.container == "parquet":
            yield from self._parquet_batches()
        elif self.container == "csv":
            yield from self._csv_batches()
        elif self.container == "json":
            yield from self._document_batches()
        else:
            yield from self._jsonl_batches(json_schema)

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
        """Records of a CSV file (see the module docstring: recovery after a broken one)."""
        text, raw = _open_text(self.path)
        gz = damage_of(text.buffer)
        names = self.header
        width = len(names)
        try:
            records = csv_records(text, width, header=True)
            cols: list[list[Any]] = [[] for _ in range(width)]
            lines: list[int] = []
            rejects: list[ReaderReject] = []
            seen = 0
            line_no = 1
            for start, end, row, taken, why in records:
                line_no = end
                if row is None:
                    seen += 1
                    rejects.append(self._broken(start, taken[0], why or "", names, gz))
                    continue
                if not row or (len(row) == 1 and row[0] == "" and width > 1):
                    continue  # blank line
                seen += 1
                problem = (self._damaged(start, end, taken, gz)
                           if gz is not None and gz.damage is not None else None)
                if problem is not None:
                    rejects.append(problem)
                elif len(row) != width:
                    rejects.append(ReaderReject(
                        start, None,
                        f"expected {width} fields (as in the header), found {len(row)}",
                        _printable(_raw(taken))))
                else:
                    bad = _bad_utf8_field(row, names)
                    if bad is not None:
                        rejects.append(ReaderReject(start, bad, "bytes that are not valid UTF-8",
                                                    _printable(_raw(taken))))
                    else:
                        for c, v in zip(cols, row, strict=True):
                            c.append(v)
                        lines.append(start)
                if len(lines) + len(rejects) >= self.batch_rows:
                    yield self._csv_batch(names, cols, lines, rejects, seen, raw)
                    cols = [[] for _ in range(width)]
                    lines, rejects, seen = [], [], 0
            if gz is not None and gz.damage and gz.partial_line is None:
                seen += 1
                rejects.append(ReaderReject(line_no + 1, None, gz.damage, ""))
            if lines or rejects:
                yield self._csv_batch(names, cols, lines, rejects, seen, raw)
        finally:
            text.close()
            raw.close()

    def _broken(self, line: int, raw_line: str, why: str, names: list[str],
                gz: Any) -> ReaderReject:
        where = _broken_field(raw_line, names)
        if why.startswith("unexpected end of data") or "runs over" in why:
            msg = "malformed CSV: a quote opens a field and is not closed on this line"
        elif "expected after" in why:
            msg = f"malformed CSV: a closing quote is followed by another character ({why})"
        elif why == "wrong number of fields":
            msg = ("malformed CSV: a quote opens a field and is not closed on this line (the "
                   "next lines are records of their own)")
        else:
            msg = f"malformed CSV ({why})"
        msg += "; the record is set aside and reading goes on at the next line"
        if gz is not None and gz.partial_line is not None and line >= gz.partial_line:
            msg = f"{gz.damage}; this line is incomplete"
        return ReaderReject(line, where, msg, _printable(_raw([raw_line])))

    @staticmethod
    def _damaged(start: int, end: int, taken: list[str], gz: Any) -> ReaderReject | None:
        """A reject when the record comes from a damaged part of a gzip file."""
        if gz is None or gz.damage is None:
            return None
        if gz.partial_line is not None and end >= gz.partial_line:
            return ReaderReject(start, None, f"{gz.damage}; this record is incomplete",
                                _printable(_raw(taken)))
        if gz.suspect_line is not None and end >= gz.suspect_line:
            return ReaderReject(start, None, f"{gz.damage}; this record was decoded just "
                                "before the damage and is not trusted",
                                _printable(_raw(taken)))
        return None

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

    def _jsonl_batches(self, json_schema: pa.Schema | None = None) -> Iterator[RawBatch]:
        """Blocks of whole lines (:data:`JSONL_BLOCK_BYTES`), each read by Arrow when it can
        be (:func:`_arrow_jsonl`), else line by line (:meth:`_jsonl_rows`), in batches of
        ``batch_rows`` lines."""
        stream, raw = open_binary(self.path)
        gz = damage_of(stream)
        try:
            n = 0
            blocks = line_blocks(stream, JSONL_BLOCK_BYTES)
            if json_schema is not None and gz is None:
                # a plain file: Arrow parses the next block (in a second thread, with the
                # lines counted from 1) while the caller stages this one
                parsed = _ahead(blocks, lambda body: _arrow_jsonl(body, 1, json_schema))
            else:
                parsed = ((body, None) for body in blocks)
            for body, ahead in parsed:
                fast = None
                if ahead is not None:
                    fast = ahead.set_column(ahead.num_columns - 1, "_line",
                                            pc.add(ahead.column("_line"), n))
                elif json_schema is not None and gz is not None and gz.damage is None:
                    fast = _arrow_jsonl(body, n + 1, json_schema)
                if fast is not None:
                    n += fast.num_rows
                    yield RawBatch(fast, [], fast.num_rows, float(raw.tell()))
                else:
                    text = io.TextIOWrapper(io.BytesIO(body), encoding="utf-8",
                                            errors="surrogateescape", newline="")
                    while chunk := list(itertools.islice(text, self.batch_rows)):
                        rows, lines, rejects, seen = self._jsonl_rows(chunk, n + 1, gz)
                        n += len(chunk)
                        if rows or rejects:
                            yield _json_batch(rows, lines, rejects, seen, raw, self.header)
            if gz is not None and gz.damage and gz.partial_line is None:
                yield _json_batch([], [], [ReaderReject(n + 1, None, gz.damage, "")], 1, raw)
        finally:
            stream.close()
            raw.close()

    @staticmethod
    def _jsonl_rows(chunk: list[str], first: int, gz: Any
                    ) -> tuple[list[dict[str, Any]], list[int], list[ReaderReject], int]:
        """Lines ``first ...`` of a JSON Lines file, one by one: the records, their lines, the
        lines that are not records, and how many lines were not blank."""
        rows: list[dict[str, Any]] = []
        lines: list[int] = []
        rejects: list[ReaderReject] = []
        seen = 0
        for n, line in enumerate(chunk, start=first):
            if not line.strip():
                continue
            seen += 1
            try:
                obj = json_loads(line)
            except orjson.JSONDecodeError as exc:
                msg = f"invalid JSON: {exc}"
                if gz is not None and gz.partial_line == n:
                    msg = f"{gz.damage}; this line is incomplete"
                rejects.append(ReaderReject(n, None, msg, _printable(line.rstrip("\r\n"))))
                continue
            if gz is not None and gz.suspect_line is not None and n >= gz.suspect_line:
                rejects.append(ReaderReject(n, None, f"{gz.damage}; this record was "
                                            "decoded just before the damage and is not "
                                            "trusted", _printable(line.rstrip("\r\n"))))
                continue
            if not isinstance(obj, dict):
                rejects.append(
                    ReaderReject(n, None, f"expected a JSON object, found {type(obj).__name__}",
                                 _printable(line.rstrip("\r\n")))
                )
                continue
            rows.append(obj)
            lines.append(n)
        return rows, lines, rejects, seen

    def _document_batches(self) -> Iterator[RawBatch]:
        """A JSON document: the elements of a top-level array (or the one object) as rows."""
        from .jsonio import JsonRecords

        for jb in JsonRecords(self.path, "json").batches():
            rows: list[dict[str, Any]] = []
            lines: list[int] = []
            rejects = list(jb.rejects)
            for line, t in zip(jb.lines, jb.texts, strict=True):
                try:
                    obj = json_loads(t)
                except orjson.JSONDecodeError as exc:
                    rejects.append(ReaderReject(line, None, f"invalid JSON: {exc}",
                                                _printable(t)))
                    continue
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
                                len(chunk_rows) + (len(rejects) if i == 0 else 0), raw=None,
                                header=self.header)
                b.progress = jb.progress
                yield b


def _ahead(items: Iterator[bytes], work: Callable[[bytes], pa.Table | None]
           ) -> Iterator[tuple[bytes, pa.Table | None]]:
    """Each of ``items`` with ``work(item)``, computed in a second thread one item ahead of
    the caller (Arrow's parser and DuckDB's staging both release the GIL)."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="cibwatch-read") as pool:
        it = iter(items)
        first = next(it, None)
        if first is None:
            return
        pending = (first, pool.submit(work, first))
        for item in it:
            nxt = (item, pool.submit(work, item))
            yield pending[0], pending[1].result()
            pending = nxt
        yield pending[0], pending[1].result()


#: A line of a block that starts so is blank, or may be: Arrow skips blank lines, which
#: would shift the line numbers.
_LINE_START_WS = (b" ", b"\t", b"\r", b"\n")
#: A line break followed by one of :data:`_LINE_START_WS`, as an Arrow (RE2) expression.
_WS_AFTER_BREAK = r"\n[" + "".join(f"\\x{c[0]:02x}" for c in _LINE_START_WS) + "]"


def _has_ws_after_break(body: bytes) -> bool:
    """Whether a line break in ``body`` is followed by one of :data:`_LINE_START_WS`: one
    search by Arrow's regular expressions over the bytes, not copied (ten times faster than
    four substring searches in Python: 2 ms against 120 ms for 32 MB)."""
    offsets = pa.array([0, len(body)], pa.int64()).buffers()[1]
    whole = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(body)])
    return bool(pc.count_substring_regex(whole, _WS_AFTER_BREAK)[0].as_py())


def _arrow_jsonl(body: bytes, first: int, schema: pa.Schema) -> pa.Table | None:
    """Whole lines ``first ...`` of a JSON Lines file parsed by Arrow's JSON reader (in C, on
    every core) into the columns of ``schema``, or None when the line-by-line reader is
    needed for them: a blank line, a line break other than LF or CRLF, bytes that are not
    UTF-8, a line that is not one JSON object, a value that does not have its column's type
    (a number where text is expected, a list holding something else than strings), a list
    holding null (its reject quotes the raw list). Then nothing of the block is taken from
    Arrow, so that every record either way gives the same row: the strings, lists of strings
    and whole numbers it holds, the fields it does not name as null, the fields outside
    ``schema`` left out (the caller does not read them)."""
    if b"\r" in body and body.count(b"\r") != body.count(b"\r\n"):
        return None
    if body[:1] in _LINE_START_WS or _has_ws_after_break(body):
        return None  # a blank line, or one that starts with white space
    k = body.count(b"\n") + (not body.endswith(b"\n"))
    try:
        table = pajson.read_json(
            io.BytesIO(body),
            read_options=pajson.ReadOptions(block_size=ARROW_JSON_BLOCK),
            parse_options=pajson.ParseOptions(explicit_schema=schema,
                                              unexpected_field_behavior="ignore"))
    except pa.ArrowException:
        return None
    if table.num_rows != k or table.schema != schema:
        return None
    table = table.combine_chunks()
    for col in table.columns:
        if pa.types.is_list(col.type) and col.num_chunks and col.chunk(0).flatten().null_count:
            return None
    return table.append_column("_line", pa.array(range(first, first + k), pa.int64()))


def _check_unique(names: list[str], path: Path) -> None:
    """A column named twice is an error: which of the two would a field come from?"""
    seen: dict[str, list[int]] = {}
    for i, n in enumerate(names, start=1):
        if n:
            seen.setdefault(n, []).append(i)
    dups = {n: cols for n, cols in seen.items() if len(cols) > 1}
    if dups:
        shown = "; ".join(f"{n!r} (columns {' and '.join(map(str, cols))})"
                          for n, cols in dups.items())
        raise FormatError(f"{path}: the header names a column more than once: {shown}",
                          remedy="renaming or removing the repeated column(s)")


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
    return _dumps(v)


def _json_batch(
    rows: list[dict[str, Any]],
    lines: list[int],
    rejects: list[ReaderReject],
    seen: int,
    raw: IO[bytes] | None,
    header: list[str] | None = None,
) -> RawBatch:
    """Records -> text columns: the keys of ``header`` (the file's; absent from every record
    of the batch, a column of nulls), then any other key of the batch."""
    keys: dict[str, None] = dict.fromkeys(header or [])
    for r in rows:
        keys.update(dict.fromkeys(r))
    cols = {k: pa.array([_json_scalar(r.get(k)) for r in rows], pa.string()) for k in keys}
    cols["_line"] = pa.array(lines, pa.int64())
    return RawBatch(pa.table(cols), rejects, seen, float(raw.tell()) if raw is not None else 0.0)


#: The column an engine's reader adds to each row of an :class:`ArrowFile`: the row's number
#: in its file, from 0 (the line that rejects name is this plus one, as for Parquet files
#: read by the store).
ROW_INDEX = "__cibwatch_row"


@dataclass
class ArrowFile:
    """One Parquet file read by an engine (:meth:`cibwatch.engine.spark.SparkEngine.
    input_files`): its address (a local path, or a URL such as ``hdfs://`` or ``s3a://``),
    size, SHA-256 of its bytes (as :func:`cibwatch.store.file_sha256` computes it, so a file
    loaded either way is recognised) and its rows, each with :data:`ROW_INDEX`."""

    path: str
    size: int
    sha256: str
    table: pa.Table
    container: str = "arrow"

    @property
    def header(self) -> list[str]:
        return [c for c in self.table.column_names if c != ROW_INDEX]


def open_tabular(path: str | os.PathLike[str], batch_rows: int = DEFAULT_BATCH_ROWS) -> TabularFile:
    """Open an input file and read its header (raises :class:`InputError` when unreadable)."""
    return TabularFile(path, batch_rows)
