"""Opening input files, gzip or not, so that damage is found and reported, never fatal.

A gzip file is recognised by its magic bytes and decompressed here with :mod:`zlib` (not
:mod:`gzip`, which raises at the damage and loses what it had decoded). What is decoded
before the damage is handed on; the damage itself is described on the stream
(:attr:`GzipStream.damage`), for the reader to report as a reject naming the file, the byte
and the line:

* **truncated** (the file ends inside the compressed stream): everything decoded is exact;
  only the last, incomplete line is not (:attr:`GzipStream.partial_line`);
* **corrupt** (zlib finds invalid data): a decoder may turn damaged bits into plausible text
  for a while before it notices, so the text decoded from the last :data:`DISTRUST_BYTES` of
  compressed input before the damage is handed on marked as *not trusted*: its records are
  rejected (with their raw text), not loaded (:attr:`GzipStream.suspect_line`);
* **data check failed** (the CRC-32 or length at the end of a member does not match): the
  damage may be anywhere in the member, so the file cannot be trusted at all:
  :class:`cibwatch.errors.InputError` is raised and the file is not loaded;
* concatenated members (``cat a.gz b.gz``, bgzip) are read one after the other; zero bytes
  after the last member are ignored, other bytes reported.

Cost: one pass, bounded memory (the held-back text of :data:`DISTRUST_BYTES` of input).
"""

from __future__ import annotations

import io
import os
import zlib
from collections import deque
from collections.abc import Iterator
from typing import IO, Any

from ..errors import InputError

__all__ = ["GzipStream", "open_binary", "DISTRUST_BYTES", "damage_of", "line_blocks"]

#: Compressed bytes before a corruption whose decoded text is not trusted (64 KiB): corrupt
#: deflate data is almost always detected within far fewer bytes (a run of zero bytes, the
#: usual damage of a disk or a copy, decodes as one repeated symbol for as long as it lasts).
DISTRUST_BYTES = 64 << 10
#: Compressed bytes fed to zlib at a time (the resolution of "where it broke").
_CHUNK = 16 << 10
_PIECE = 256
_MAGIC = b"\x1f\x8b"


class GzipStream(io.RawIOBase):
    """A readable, damage-tolerant gzip decoder over the binary file ``raw``."""

    def __init__(self, raw: IO[bytes], path: str | os.PathLike[str]) -> None:
        super().__init__()
        self.raw = raw
        self.path = str(path)
        self.size = os.fstat(raw.fileno()).st_size
        self._d = zlib.decompressobj(31)
        self._in = 0  # compressed bytes fed to zlib
        self._member_in = 0  # of them, fed to the current member
        self._held: deque[tuple[int, bytes]] = deque()  # (input offset after, output)
        self._out = bytearray()
        self._done = False
        self._lines = 0  # line ends handed on, counted as text readers count them (\n, \r\n, \r)
        self._lf = 0  # ... and as byte readers do (\n)
        self._last = b"\n"  # last byte handed on
        #: What went wrong, in words (None for an intact file).
        self.damage: str | None = None
        #: First line of text decoded near a corruption: records reaching it are not trusted.
        #: Lines are numbered as a text reader does (universal newlines); ``*_lf``: lines
        #: ending in ``\n`` only, as the byte readers of JSON Lines number them.
        self.suspect_line: int | None = None
        self.suspect_line_lf: int | None = None
        #: Line cut by a truncation (the last line handed on, incomplete), if any.
        self.partial_line: int | None = None
        self.partial_line_lf: int | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._out and not self._done:
            self._pump()
        if not self._out:
            return 0
        n = min(len(b), len(self._out))
        b[:n] = self._out[:n]
        del self._out[:n]
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()

    # -- decoding -------------------------------------------------------------------------------
    def _hand_on(self, data: bytes) -> None:
        if data:
            ends = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
            if self._last == b"\r" and data[:1] == b"\n":
                ends -= 1  # a \r\n cut in two
            self._lines += ends
            self._lf += data.count(b"\n")
            self._last = data[-1:]
            self._out += data

    def _release(self, upto: int) -> None:
        while self._held and self._held[0][0] <= upto:
            self._hand_on(self._held.popleft()[1])

    def _feed(self, data: bytes) -> None:
        """Decode ``data``; raises zlib.error at damage, after keeping what came before it
        (found again in small pieces, so that "where" is within :data:`_PIECE` bytes)."""
        saved = self._d.copy()
        try:
            out = self._d.decompress(data)
        except zlib.error:
            self._d = saved
            for i in range(0, len(data), _PIECE):
                piece = data[i:i + _PIECE]
                self._in += len(piece)
                self._member_in += len(piece)
                out = self._d.decompress(piece)  # raises at the damage
                if out:
                    self._held.append((self._in, out))
            raise  # pragma: no cover - the whole chunk failed, so one piece does
        self._in += len(data)
        self._member_in += len(data)
        if out:
            self._held.append((self._in, out))
        if self._d.eof:
            self._next_member()

    def _next_member(self) -> None:
        """The member ended with a good CRC: trust all of it; go on with the next one."""
        self._release(self._in)
        rest = self._d.unused_data
        self._d = zlib.decompressobj(31)
        self._member_in = 0
        if rest:
            self._in -= len(rest)
            if rest[:2] == _MAGIC or rest == _MAGIC[:1]:
                self._feed(rest)
            else:
                tail = rest + self.raw.read()
                if tail.strip(b"\x00"):
                    self.damage = (f"{len(tail):,} bytes after the end of the gzip data (from "
                                   f"byte {self._in:,}) are not gzip; they were ignored")
                self._in += len(tail)
                self._done = True

    def _pump(self) -> None:
        chunk = self.raw.read(_CHUNK)
        if not chunk:
            self._release(self._in)
            if self._member_in > 0 and not self._d.eof:
                self.damage = (f"the gzip data is truncated at byte {self.size:,} (the file "
                               "ends inside the compressed stream; what followed is missing)")
                self._mark_partial()
            self._done = True
            return
        try:
            self._feed(chunk)
        except zlib.error as exc:
            if "incorrect data check" in str(exc) or "incorrect length check" in str(exc):
                raise InputError(
                    f"{self.path}: the gzip data check failed at byte {self._in:,} ({exc}): the "
                    "file is damaged somewhere before that point and cannot be trusted; nothing "
                    "of it was loaded",
                    remedy="getting an intact copy (gzip -t FILE tests one), or decompressing "
                    "what can be read (gzip -dc FILE > FILE.txt) and checking its lines",
                ) from exc
            self._release(max(0, self._in - DISTRUST_BYTES))
            self.damage = f"the gzip data is corrupt at byte {self._in:,} of {self.size:,} ({exc})"
            if self._held:
                self.suspect_line, self.suspect_line_lf = self._lines + 1, self._lf + 1
                self._release(self._in)
            else:
                self._mark_partial()
            self._done = True

    def _mark_partial(self) -> None:
        """The text handed on stops inside a line: that line is incomplete."""
        if self._last not in (b"\n", b"\r"):
            self.partial_line = self._lines + 1
        if self._last != b"\n":
            self.partial_line_lf = self._lf + 1

    def __repr__(self) -> str:  # pragma: no cover
        return f"GzipStream({self.path!r})"


def open_binary(path: str | os.PathLike[str]) -> tuple[IO[bytes], IO[bytes]]:
    """(the decoded stream, the raw file) of ``path``; gzip by its magic bytes."""
    raw: IO[bytes] = open(path, "rb")  # noqa: SIM115 - closed by the caller
    magic = raw.read(2)
    raw.seek(0)
    if magic == _MAGIC:
        return io.BufferedReader(GzipStream(raw, path), buffer_size=1 << 16), raw
    return raw, raw


def damage_of(stream: Any) -> GzipStream | None:
    """The gzip stream behind ``stream`` (for its damage), if it is one."""
    inner = getattr(stream, "raw", None)
    if isinstance(stream, GzipStream):
        return stream
    return inner if isinstance(inner, GzipStream) else None


def line_blocks(stream: IO[bytes], size: int) -> Iterator[bytes]:
    """The bytes of ``stream`` in blocks of whole lines (each ends with LF, the last may not)
    of about ``size`` bytes, a UTF-8 byte-order mark at the start left out. Blocks are read
    as they are asked for: a gzip stream's damage is known after the block it is found in."""
    carry = b""
    at_start = True
    while True:
        block = stream.read(size)
        data = carry + block
        if block:
            cut = data.rfind(b"\n")
            if cut < 0:
                carry = data
                continue
            body, carry = data[: cut + 1], data[cut + 1:]
        else:
            body, carry = data, b""
        if at_start and body.startswith(b"\xef\xbb\xbf"):
            body = body[3:]
        at_start = False
        if body:
            yield body
        if not block:
            return
