"""Reading raw files safely: size caps, gzip, encodings, atomic writes."""

from __future__ import annotations

import codecs
import gzip
import os
import shutil
import tempfile
import zlib
from contextlib import contextmanager
from pathlib import Path

from charset_normalizer import from_bytes

from etl.errors import InputError

# A researcher's single file above this is almost surely a mistake or a bomb;
# raise it with EXCHANGE_ATLAS_MAX_BYTES for a real giant corpus.
MAX_BYTES = int(os.environ.get("EXCHANGE_ATLAS_MAX_BYTES", 2 * 1024**3))
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The file's bytes, gunzipped when it ends in ``.gz``, never more than ``limit``.

    Raises :class:`InputError` for an empty, truncated or oversized file.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such file")
    if path.suffix.lower() == ".gz":
        return _gunzip(path, limit)
    size = path.stat().st_size
    if size > limit:
        raise InputError(path, f"file is {size:,} bytes, over the {limit:,}-byte limit")
    data = path.read_bytes()
    if not data.strip():
        raise InputError(path, "file is empty" if not data else "file holds only whitespace")
    return data


def _gunzip(path: Path, limit: int) -> bytes:
    # Read in chunks so that a zip bomb stops at the limit instead of filling memory.
    out, total = [], 0
    try:
        with gzip.open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                total += len(chunk)
                if total > limit:
                    raise InputError(path, f"decompresses past the {limit:,}-byte limit (a zip bomb?)", f"offset {total}")
                out.append(chunk)
    except (EOFError, OSError, zlib.error) as exc:
        raise InputError(path, f"truncated or corrupt gzip ({exc})", f"offset {total}") from None
    data = b"".join(out)
    if not data.strip():
        raise InputError(path, "file is empty after decompression")
    return data


def decode(data: bytes, path: Path | str = "<bytes>") -> str:
    """Bytes -> text: BOMs first, then strict UTF-8, then charset detection.

    Binary data (NUL bytes outside UTF-16/32, or no plausible encoding) raises
    :class:`InputError` with the offset of the first offending byte.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _normalize_newlines(data.decode(encoding, errors="replace").lstrip("\ufeff"))
    try:
        return _normalize_newlines(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    if _looks_utf16(data):
        return _normalize_newlines(data.decode(_utf16_order(data), errors="replace"))
    if b"\x00" in data:
        raise InputError(path, "binary data, not text (NUL byte)", f"offset {data.index(0)}")
    if _mostly_utf8(data):
        # A UTF-8 file with a few stray bytes (a cell pasted from a Latin-1 file): decoding it all as a
        # legacy encoding would garble every valid non-ASCII character; read the strays as cp1252 instead.
        return _normalize_newlines(data.decode("utf-8", errors=_STRAY_BYTES))
    return _normalize_newlines(data.decode(_guess_legacy(data, path, first_bad), errors="replace"))


def _mostly_utf8(data: bytes) -> bool:
    # Legacy encodings (GB18030, Shift-JIS, cp1251, Latin-1...) give far more invalid than valid UTF-8
    # sequences; UTF-8 with stray bytes gives the reverse.
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = len(text) - len(text.encode("ascii", "ignore")) - bad
    return good > 2 * bad


def _stray_bytes_as_cp1252(exc: UnicodeDecodeError) -> tuple[str, int]:
    return exc.object[exc.start:exc.end].decode("cp1252", errors="replace"), exc.end


_STRAY_BYTES = "exchange_atlas.stray_cp1252"
codecs.register_error(_STRAY_BYTES, _stray_bytes_as_cp1252)


def _guess_legacy(data: bytes, path, first_bad: int) -> str:
    # Detectors guess badly on short inputs, so test the two legacy encodings
    # researchers actually send us (GB18030 and Western European) first.
    if _mostly_cjk(data):
        return "gb18030"
    best = from_bytes(data[: 1 << 20]).best() if len(data) >= 256 else None
    if best is not None:
        return "gb18030" if best.encoding in {"gb2312", "gbk"} else best.encoding
    if sum(b < 32 and b not in (9, 10, 13) for b in data[:4000]) > 0.1 * min(len(data), 4000):
        raise InputError(path, "binary data or unknown encoding", f"offset {first_bad}")
    return "cp1252" if not set(data) & {0x81, 0x8D, 0x8F, 0x90, 0x9D} else "latin-1"


def _mostly_cjk(data: bytes) -> bool:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    wide = [c for c in text if ord(c) > 127]
    cjk = sum("\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef" for c in wide)
    return bool(wide) and cjk >= 0.9 * len(wide)


def read_text(path: Path, limit: int = MAX_BYTES) -> str:
    """Read and decode a text file (see :func:`read_bytes` and :func:`decode`)."""
    return decode(read_bytes(path, limit), path)


def _looks_utf16(data: bytes) -> bool:
    # BOM-less UTF-16 text has a NUL in every other byte for ASCII characters.
    sample = data[:4000]
    zeros_even = sample[0::2].count(0)
    zeros_odd = sample[1::2].count(0)
    half = len(sample) / 2
    return max(zeros_even, zeros_odd) > 0.3 * half and min(zeros_even, zeros_odd) < 0.05 * half


def _utf16_order(data: bytes) -> str:
    sample = data[:4000]
    return "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"


def _normalize_newlines(text: str) -> str:
    # Offsets are into this normalized text; mixed CR/CRLF would otherwise shift them per platform.
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


_UMASK = os.umask(0o022)
os.umask(_UMASK)


@contextmanager
def atomic_path(target: Path):
    """Yield a temporary path beside ``target``; rename it over ``target`` only on success.

    A reader (or a crash mid-write) never sees a half-written file.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    # mkstemp creates 0600: give the output the mode a plain open() would (or the old file's), so that a
    # dashboard running as another user can still read it.
    os.chmod(tmp, target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_UMASK)
    try:
        yield Path(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@contextmanager
def atomic_dir(target: Path):
    """Yield a temporary directory beside ``target``; swap it in for ``target`` only on success.

    A directory cannot be renamed over another in one step: the old one is first moved aside, then the new
    one moved in, then the old one deleted.  A crash leaves either the old directory in place or, between the
    two renames, the old one beside it (``.NAME.old-*``) and no ``target``: the previous build is never lost.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    os.chmod(tmp, 0o777 & ~_UMASK)  # mkdtemp creates 0700: readable by a dashboard running as another user
    try:
        yield tmp
        for path in tmp.rglob("*"):
            if path.is_file():
                with open(path, "rb") as fh:
                    os.fsync(fh.fileno())
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.rmdir(old)
            os.replace(target, old)
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
