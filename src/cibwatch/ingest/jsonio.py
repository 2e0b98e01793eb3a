"""Streaming readers for nested JSON exports: JSON Lines, and single JSON documents.

The platform exports are nested JSON: one API response page or one object per line (X/Twitter
API v2 and v1.1, Pushshift, YouTube, TikTok), or one big document (Telegram Desktop's
``result.json``, an API response saved pretty-printed, a JSON array). This module turns either
into a stream of *records*: the JSON text of each record, the 1-based line where it starts,
where in the document it was found (``path``) and the scalar fields of the object around it
(``ctx``; Telegram's chat name, type and id). Parsing the records is left to DuckDB
(``json_transform`` with an explicit structure, in :mod:`.jsonformat`), which is vectorised
and parallel; Python only finds record boundaries.

Memory is bounded by the batch size, whatever the file size:

* JSON Lines are read in blocks of bytes and split into lines, handed over in batches; Arrow
  checks a batch is UTF-8 at once (lines with bytes that are not UTF-8 are then found one by
  one and rejected, naming the field).
* A document is scanned with a small buffer: the scanner walks the objects on the way to the
  arrays that hold the records (``doc_paths``), and the standard library's C decoder
  (``raw_decode``) finds where each record ends. Values off those paths are skipped. A
  document where none of the paths leads anywhere (a small single object) is read whole.

Gzip-compressed files are recognised by their magic bytes and read through
:mod:`.compressed`: a damaged one gives the records before the damage and a reject saying where
it broke. Values nested too deeply for a decoder (JSON 100,000 levels deep) are rejected.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import orjson
import pyarrow as pa

from ..errors import FormatError
from .compressed import damage_of, line_blocks, open_binary
from .rawreject import ReaderReject, _printable

__all__ = ["JsonBatch", "JsonRecords", "DocPath", "document_keys", "first_json_line",
           "invalid_json_reject", "utf8_column"]

#: A path to record arrays in a document: keys, with ``"*"`` for every element of an array.
DocPath = tuple[str, ...]

#: Bytes read from a JSON Lines file at a time.
BLOCK_BYTES = 8 << 20
#: Characters read from a document at a time.
DOC_CHUNK = 4 << 20
#: Text per batch handed to DuckDB (records are cut into batches of about this size).
BATCH_CHARS = 48 << 20
#: Largest number of records in a batch.
BATCH_RECORDS = 100_000
#: Largest value the document scanner holds at once (a record, or a value it skips).
MAX_VALUE_CHARS = 512 << 20
#: A first line this long is not a JSON Lines record but a document on one line.
LONG_LINE_CHARS = 64 << 20
#: How far into a document :func:`document_keys` looks for top-level keys.
HEADER_SCAN_CHARS = 16 << 20

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


@dataclass
class JsonBatch:
    """Records of a file, with where each starts; and the lines that could not be read.

    ``texts`` are ``str`` (documents) or UTF-8 ``bytes`` not yet checked (JSON Lines; see
    :func:`utf8_column`).
    """

    lines: list[int] = field(default_factory=list)
    texts: list[Any] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    ctx: list[str | None] = field(default_factory=list)
    rejects: list[ReaderReject] = field(default_factory=list)
    chars: int = 0
    progress: float = 0.0  # bytes consumed so far

    def add(self, line: int, text: str | bytes, path: str = "", ctx: str | None = None) -> None:
        self.lines.append(line)
        self.texts.append(text)
        self.paths.append(path)
        self.ctx.append(ctx)
        self.chars += len(text)

    def full(self) -> bool:
        return self.chars >= BATCH_CHARS or len(self.texts) >= BATCH_RECORDS


def _open_binary(path: Path) -> tuple[IO[bytes], IO[bytes]]:
    return open_binary(path)


def _surrogate_path(obj: Any, prefix: str = "") -> str | None:
    """Path (``a.b[2].c``) of the first string in ``obj`` holding bytes that are not UTF-8."""
    if isinstance(obj, str):
        try:
            obj.encode("utf-8")
        except UnicodeEncodeError:
            return prefix or "(value)"
        return None
    if isinstance(obj, dict):
        for k, v in obj.items():
            key = k if isinstance(k, str) else str(k)
            bad_key = _surrogate_path(key)
            if bad_key is not None:
                return (prefix + "." if prefix else "") + "(key)"
            hit = _surrogate_path(v, f"{prefix}.{key}" if prefix else key)
            if hit is not None:
                return hit
    if isinstance(obj, list):
        for i, v in enumerate(obj):
            hit = _surrogate_path(v, f"{prefix}[{i}]")
            if hit is not None:
                return hit
    return None


def _bad_utf8_reject(line: int, text: str) -> ReaderReject:
    """A reject for a record holding bytes that are not UTF-8, naming the field when it can."""
    try:
        where = _surrogate_path(json.loads(text))
    except (ValueError, RecursionError):
        where = None
    return ReaderReject(line, where, "bytes that are not valid UTF-8", _printable(text))


def bytes_array(items: list[bytes]) -> pa.Array:
    """``pa.array(items, pa.binary())``, built from one joined buffer and its offsets: ten
    times faster for long items (``pa.array`` copies large ``bytes`` slowly)."""
    data = b"".join(items)
    offsets = np.zeros(len(items) + 1, np.int64)
    np.cumsum(np.fromiter(map(len, items), np.int64, len(items)), out=offsets[1:])
    big = pa.Array.from_buffers(pa.large_binary(), len(items),
                                [None, pa.py_buffer(offsets), pa.py_buffer(data)])
    return big if len(data) >= 1 << 31 else big.cast(pa.binary())


def utf8_column(batch: JsonBatch) -> pa.Array:
    """The batch's texts as an Arrow string array.

    Parameters
    ----------
    batch:
        Records read from a file; JSON Lines records are still bytes.

    Returns
    -------
    pyarrow.Array
        One string per record. Records holding bytes that are not UTF-8 are moved to
        ``batch.rejects`` (naming the field) and left out of the batch and of the array. Cost:
        one vectorised UTF-8 check; a per-record pass only when it fails.
    """
    if not batch.texts or isinstance(batch.texts[0], str):
        return pa.array(batch.texts, pa.string())
    raw = bytes_array(batch.texts)
    try:
        return raw.cast(pa.string())
    except pa.ArrowInvalid:
        pass
    keep = []
    for i, b in enumerate(batch.texts):
        try:
            b.decode("utf-8")
            keep.append(i)
        except UnicodeDecodeError:
            batch.rejects.append(
                _bad_utf8_reject(batch.lines[i], b.decode("utf-8", errors="surrogateescape")))
    batch.lines = [batch.lines[i] for i in keep]
    batch.texts = [batch.texts[i] for i in keep]
    batch.paths = [batch.paths[i] for i in keep]
    batch.ctx = [batch.ctx[i] for i in keep]
    return bytes_array(batch.texts).cast(pa.string())


def invalid_json_reject(line: int, text: str) -> ReaderReject:
    """A reject for a record that is not valid JSON, with the decoder's message."""
    try:
        orjson.loads(text)
        msg = "not a JSON object"
    except orjson.JSONDecodeError as exc:
        msg = f"invalid JSON: {exc}"
    return ReaderReject(line, None, msg, _printable(text))


def first_json_line(path: str | os.PathLike[str]) -> str:
    """``jsonl`` when the first or second non-blank line is a JSON object on its own, else
    ``json`` (one document, pretty-printed or an array). A first line longer than
    :data:`LONG_LINE_CHARS` is a document too (read as a stream, not as one line)."""
    stream, raw = _open_binary(Path(path))
    try:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape")
        seen = 0
        while True:
            line = text.readline(LONG_LINE_CHARS)
            if not line:
                break
            if len(line) >= LONG_LINE_CHARS and not line.endswith("\n"):
                return "json"
            s = line.strip()
            if not s:
                continue
            if s.startswith("["):
                return "json"
            try:
                if isinstance(orjson.loads(s.encode("utf-8", "surrogateescape")), dict):
                    return "jsonl"
            except orjson.JSONDecodeError:
                pass
            seen += 1
            if seen == 2:
                break
        # A single line that does not parse is a broken JSON Lines file; more is a document.
        return "json" if seen == 2 else "jsonl"
    finally:
        stream.close()
        raw.close()


class _Scanner:
    """A forward-only view of a JSON document with a bounded buffer and line numbers."""

    def __init__(self, path: Path, chunk: int = DOC_CHUNK) -> None:
        self.stream, self.raw = _open_binary(path)
        self.text = io.TextIOWrapper(self.stream, encoding="utf-8-sig",
                                     errors="surrogateescape", newline="")
        self.chunk = chunk
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.line = 1  # line of buffer position `counted`
        self.counted = 0

    def close(self) -> None:
        self.text.close()
        self.raw.close()

    def bytes_read(self) -> float:
        return float(self.raw.tell())

    def _fill(self, at_least: int = 0) -> bool:
        """Read more text; drops what lies before ``pos``. False at the end of the file."""
        if self.eof:
            return False
        self.line_at(self.pos)
        self.buf = self.buf[self.pos:]
        self.counted -= self.pos
        self.pos = 0
        more = self.text.read(max(self.chunk, at_least))
        if not more:
            self.eof = True
            return False
        self.buf += more
        return True

    def line_at(self, pos: int) -> int:
        if pos > self.counted:
            self.line += self.buf.count("\n", self.counted, pos)
            self.counted = pos
        return self.line

    def skip_ws(self) -> str:
        """Skip white space; the next character ('' at the end of the file)."""
        while True:
            m = _WS.match(self.buf, self.pos)
            self.pos = m.end() if m else self.pos
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def expect(self, ch: str) -> None:
        got = self.skip_ws()
        if got != ch:
            raise self.error(f"expected {ch!r}, found {got or 'the end of the file'!r}")
        self.pos += 1

    def error(self, msg: str) -> FormatError:
        """An error at the current position (its line is :meth:`line_at` of ``pos``)."""
        self.line_at(self.pos)
        return FormatError(msg)

    def bounded_value(self, budget: int) -> Any:
        """The next value if it ends within ``budget`` characters, else :data:`_TOO_BIG`
        (the scanner is then left inside it)."""
        self.skip_ws()
        while len(self.buf) - self.pos < budget and self._fill():
            pass
        try:
            obj, end = _DECODER.raw_decode(self.buf, self.pos)
        except (json.JSONDecodeError, RecursionError):
            return _TOO_BIG
        self.pos = end
        return obj

    def value(self) -> tuple[Any, str, int]:
        """The next JSON value: (decoded, its text, its first line)."""
        self.skip_ws()
        need = 0
        while True:
            try:
                obj, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                # Either the value goes on past the buffer (read more) or it is broken.
                if self.eof or len(self.buf) - self.pos > MAX_VALUE_CHARS:
                    raise self.error(f"invalid JSON: {exc.msg}") from exc
                need = max(need * 2, len(self.buf) - self.pos + self.chunk)
                self._fill(need)
                continue
            except RecursionError:
                # nested deeper than the decoder goes: skip the value (found without
                # recursion), for the caller to reject
                deep_end = _value_end(self.buf, self.pos)
                while deep_end is None:
                    if self.eof or len(self.buf) - self.pos > MAX_VALUE_CHARS:
                        raise self.error("a value nested too deeply to read, and not "
                                         "closed") from None
                    need = max(need * 2, len(self.buf) - self.pos + self.chunk)
                    self._fill(need)
                    deep_end = _value_end(self.buf, self.pos)
                line = self.line_at(self.pos)
                text = self.buf[self.pos:deep_end]
                self.pos = deep_end
                return _TOO_DEEP, text, line
            if end == len(self.buf) and not self.eof and isinstance(obj, int | float):
                self._fill()  # a number may go on in the next chunk
                continue
            line = self.line_at(self.pos)
            text = self.buf[self.pos:end]
            self.pos = end
            return obj, text, line


#: What :meth:`_Scanner.bounded_value` returns for a value larger than its budget.
_TOO_BIG = object()
#: What :meth:`_Scanner.value` returns for a value nested too deeply to decode.
_TOO_DEEP = object()

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)


def _value_end(buf: str, pos: int) -> int | None:
    """End of the array or object starting at ``buf[pos]``, found without recursion (None when
    it goes on past ``buf``)."""
    depth = 0
    i, n = pos, len(buf)
    while i < n:
        c = buf[i]
        if c == '"':
            m = _STRING.match(buf, i)
            if m is None:
                return None
            i = m.end()
            continue
        if c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def _damaged_from(gz: Any, lf: bool = False) -> int | None:
    """First line whose records come from the damaged part of a gzip file (or None); ``lf``:
    lines numbered by ``\n`` only (JSON Lines read as bytes), else as a text reader does."""
    if gz is None or gz.damage is None:
        return None
    pair = (gz.suspect_line_lf, gz.partial_line_lf) if lf else (gz.suspect_line, gz.partial_line)
    lines = [x for x in pair if x is not None]
    return min(lines) if lines else None


def _damage_reject(gz: Any, line: int, text: bytes | str, lf: bool = False) -> ReaderReject:
    t = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    why = ("this line is incomplete" if (gz.partial_line_lf if lf else gz.partial_line) == line
           else "this record was decoded just before the damage and is not trusted")
    return ReaderReject(line, None, f"{gz.damage}; {why}", _printable(t))


def document_keys(path: str | os.PathLike[str], budget: int = HEADER_SCAN_CHARS) -> list[str]:
    """Top-level keys of a JSON document (or of the first elements of a top-level array).

    Parameters
    ----------
    path:
        The file (gzip or not).
    budget:
        Characters a single value may take to be read past; a bigger value (the record array
        of a large export) ends the scan, its key kept. Memory stays bounded by it.

    Returns
    -------
    list of str
        The keys in file order: enough to recognise the layout.
    """
    sc = _Scanner(Path(path), chunk=1 << 20)
    keys: dict[str, None] = {}
    try:
        first = sc.skip_ws()
        if first == "[":
            sc.pos += 1
            for _ in range(100):
                if sc.skip_ws() in ("]", ""):
                    break
                obj = sc.bounded_value(budget)
                if obj is _TOO_BIG:
                    break
                if isinstance(obj, dict):
                    keys.update(dict.fromkeys(obj))
                if sc.skip_ws() == ",":
                    sc.pos += 1
            return list(keys)
        if first != "{":
            return []
        sc.pos += 1
        while True:
            ch = sc.skip_ws()
            if ch in ("}", ""):
                break
            if ch == ",":
                sc.pos += 1
                continue
            key, _, _ = sc.value()
            keys[str(key)] = None
            sc.expect(":")
            if sc.bounded_value(budget) is _TOO_BIG:
                break
        return list(keys)
    except FormatError:
        return list(keys)
    finally:
        sc.close()


class JsonRecords:
    """The records of a JSON Lines file or of a JSON document, in batches.

    Parameters
    ----------
    path:
        The file.
    container:
        ``"jsonl"`` (one record, or one page of records, per line) or ``"json"`` (one
        document).
    doc_paths:
        For a document: where its record arrays are (e.g. ``("messages",)``,
        ``("chats", "list", "*", "messages")``); ``()`` is the document itself (its
        elements when it is an array). An object found at the end of a path is one record.
    """

    def __init__(self, path: str | os.PathLike[str], container: str,
                 doc_paths: Sequence[DocPath] = ((),)) -> None:
        self.path = Path(path)
        self.container = container
        self.doc_paths = [tuple(p) for p in doc_paths]

    def batches(self) -> Iterator[JsonBatch]:
        if self.container == "jsonl":
            yield from self._jsonl()
        else:
            yield from self._document()

    # -- JSON Lines ---------------------------------------------------------------------------
    def _jsonl(self) -> Iterator[JsonBatch]:
        stream, raw = _open_binary(self.path)
        gz = damage_of(stream)
        try:
            batch = JsonBatch()
            line_no = 0
            for body in line_blocks(stream, BLOCK_BYTES):
                # Lines stay bytes: Arrow checks that they are UTF-8 (in C, see
                # :func:`utf8_column`); lines that are not are found then, one by one.
                bad_from = _damaged_from(gz, lf=True)
                for i, s in enumerate(body.split(b"\n")):
                    if not s or s.isspace():
                        continue
                    if bad_from is not None and line_no + i + 1 >= bad_from:
                        batch.rejects.append(_damage_reject(gz, line_no + i + 1, s, lf=True))
                    else:
                        batch.add(line_no + i + 1, s)
                    if batch.full():
                        batch.progress = float(raw.tell())
                        yield batch
                        batch = JsonBatch()
                line_no += body.count(b"\n")
            if gz is not None and gz.damage and gz.partial_line_lf is None:
                batch.rejects.append(ReaderReject(line_no + 1, None, gz.damage, ""))
            if batch.texts or batch.rejects:
                batch.progress = float(raw.tell())
                yield batch
        finally:
            stream.close()
            raw.close()

    # -- documents ----------------------------------------------------------------------------
    def _document(self) -> Iterator[JsonBatch]:
        sc = _Scanner(self.path)
        self._gz = damage_of(sc.stream)
        state = {"found": False}
        batch = JsonBatch()
        try:
            for item in self._walk(sc, (), None, state):
                if isinstance(item, ReaderReject):
                    batch.rejects.append(item)
                else:
                    line, text, path, ctx = item
                    batch.add(line, text, path, ctx)
                if batch.full():
                    batch.progress = sc.bytes_read()
                    yield batch
                    batch = JsonBatch()
        except FormatError as exc:
            gz = self._gz
            damage = f" ({gz.damage})" if gz is not None and gz.damage else ""
            batch.rejects.append(ReaderReject(
                sc.line_at(sc.pos), None,
                f"{exc.message}{damage}; the rest of the file cannot be read", ""))
        finally:
            sc.close()
        if not state["found"] and not batch.rejects:
            yield from self._whole()
            return
        if batch.texts or batch.rejects:
            batch.progress = float(self.path.stat().st_size)
            yield batch

    def _whole(self) -> Iterator[JsonBatch]:
        """No record array found: the document is one record (read whole)."""
        sc = _Scanner(self.path)
        self._gz = damage_of(sc.stream)
        batch = JsonBatch()
        try:
            obj, text, line = sc.value()
            self._add(batch, line, text, obj, "", None)
        except FormatError as exc:
            batch.rejects.append(ReaderReject(1, None, exc.message, ""))
        finally:
            sc.close()
        batch.progress = float(self.path.stat().st_size)
        yield batch

    _gz: Any = None  # the gzip stream of the document being read (for its damage)

    def _add(self, batch: JsonBatch | None, line: int, text: str, obj: Any, path: str,
             ctx: str | None) -> ReaderReject | tuple[int, str, str, str | None]:
        bad_from = _damaged_from(self._gz, lf=True)  # the scanner counts lines by \n
        rj: ReaderReject | None = None
        if bad_from is not None and line + text.count("\n") >= bad_from:
            rj = _damage_reject(self._gz, line, text, lf=True)
        elif obj is _TOO_DEEP:
            rj = ReaderReject(line, None, "nested too deeply to be read (more than a thousand "
                              "levels of arrays or objects)", _printable(text))
        if rj is not None:
            if batch is not None:
                batch.rejects.append(rj)
            return rj
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            rj = ReaderReject(line, _surrogate_path(obj), "bytes that are not valid UTF-8",
                              _printable(text))
            if batch is not None:
                batch.rejects.append(rj)
            return rj
        if batch is not None:
            batch.add(line, text, path, ctx)
        return line, text, path, ctx

    def _walk(self, sc: _Scanner, prefix: DocPath, ctx: str | None,
              state: dict[str, bool]) -> Iterator[ReaderReject | tuple[int, str, str, str | None]]:
        """Records in the value at the scanner, which sits at ``prefix`` in the document."""
        target = prefix in self.doc_paths
        deeper = [p for p in self.doc_paths if len(p) > len(prefix) and p[: len(prefix)] == prefix]
        ch = sc.skip_ws()
        records_here = target or prefix == ()  # a top-level array holds records
        if ch == "[" and (records_here or any(p[len(prefix)] == "*" for p in deeper)):
            state["found"] = True
            sc.pos += 1
            path = ".".join(prefix)
            while True:
                ch = sc.skip_ws()
                if ch == "]":
                    sc.pos += 1
                    return
                if ch == ",":
                    sc.pos += 1
                    continue
                if ch == "":
                    raise sc.error("the file ends inside an array")
                if records_here:
                    obj, text, line = sc.value()
                    yield self._add(None, line, text, obj, path, ctx)
                else:
                    yield from self._walk(sc, (*prefix, "*"), ctx, state)
        if ch == "{" and deeper:
            sc.pos += 1
            scalars: dict[str, Any] = {}
            while True:
                ch = sc.skip_ws()
                if ch == "}":
                    sc.pos += 1
                    return
                if ch == ",":
                    sc.pos += 1
                    continue
                if ch == "":
                    raise sc.error("the file ends inside an object")
                key, _, _ = sc.value()
                sc.expect(":")
                sub = (*prefix, str(key))
                if any(p[: len(sub)] == sub for p in self.doc_paths):
                    here = orjson.dumps(scalars).decode() if scalars else ctx
                    yield from self._walk(sc, sub, here, state)
                else:
                    obj, _, _ = sc.value()
                    if obj is None or isinstance(obj, str | int | float | bool):
                        scalars[str(key)] = obj
            return
        obj, text, line = sc.value()
        if target and isinstance(obj, dict):
            state["found"] = True
            yield self._add(None, line, text, obj, ".".join(prefix), ctx)
