"""Reading raw files: encodings, gzip, size caps and atomic writes."""

import codecs
import gzip

import pytest

from etl.errors import InputError
from etl.io import atomic_path, decode, read_bytes, read_text

TEXT = "Friendship forum in Xi'an – 北京 delegates, café owners"

ENCODINGS = [
    ("utf-8", TEXT.encode("utf-8")),
    ("utf-8-bom", codecs.BOM_UTF8 + TEXT.encode("utf-8")),
    ("utf-16-le-bom", codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")),
    ("utf-16-be-bom", codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be")),
    ("utf-16-le-nobom", TEXT.encode("utf-16-le")),
    ("utf-16-be-nobom", TEXT.encode("utf-16-be")),
]


@pytest.mark.parametrize("name,data", ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_unicode_encodings_round_trip(name, data):
    assert decode(data) == TEXT


def test_gb18030():
    text = "北京市人民对外友好协会于2018年6月举办论坛。" * 3
    assert decode(text.encode("gb18030")) == text


def test_latin1():
    text = "Café culturel à Genève, été 2019"
    assert decode(text.encode("latin-1")) == text


@pytest.mark.parametrize("raw,expected", [(b"a\r\nb\rc\nd", "a\nb\nc\nd"), (b"x\x00y".decode().encode("utf-16-le"), "xy")])
def test_newlines_and_nul_normalized(raw, expected):
    assert decode(raw) == expected


def test_invalid_utf8_is_not_fatal():
    assert "forum" in decode(b"forum \xff\xfe\xfa opened in \xe9t\xe9")


def test_binary_is_rejected_with_offset(tmp_path):
    path = tmp_path / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(InputError) as err:
        read_text(path)
    assert "image.csv" in str(err.value) and "offset" in str(err.value)


@pytest.mark.parametrize("content,reason", [(b"", "empty"), (b"  \n\t \n", "whitespace")])
def test_empty_files(tmp_path, content, reason):
    path = tmp_path / "x.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=reason):
        read_bytes(path)


def test_gzip_round_trip(tmp_path):
    path = tmp_path / "x.txt.gz"
    path.write_bytes(gzip.compress(b"hello"))
    assert read_bytes(path) == b"hello"


def test_truncated_gzip(tmp_path):
    path = tmp_path / "x.csv.gz"
    path.write_bytes(gzip.compress(b"a,b\n1,2\n" * 1000)[:40])
    with pytest.raises(InputError, match="truncated or corrupt gzip"):
        read_bytes(path)


def test_zip_bomb_stops_at_limit(tmp_path):
    path = tmp_path / "bomb.csv.gz"
    path.write_bytes(gzip.compress(b"0" * (8 << 20)))
    with pytest.raises(InputError, match="limit"):
        read_bytes(path, limit=1 << 20)


def test_oversized_file(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 2000)
    with pytest.raises(InputError, match="limit"):
        read_bytes(path, limit=1000)


def test_atomic_path_keeps_old_file_on_failure(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("crash")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_path_replaces_on_success(tmp_path):
    target = tmp_path / "out.txt"
    with atomic_path(target) as tmp:
        tmp.write_text("new")
    assert target.read_text() == "new"
