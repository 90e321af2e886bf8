"""Make Pagefind's bundle byte-identical from one build to the next.

Pagefind 1.5.2 writes each filter's values, and the list of filters in its metadata file,
in the order of a Rust hash map, which is seeded afresh in every process: two runs over the
same pages give the same index with filter files that differ in order, and so in content
and in name. Everything else it writes is already stable.

This rewrites those files in a fixed order: each filter file with its values sorted, named
by the SHA-256 of its content; the metadata with its filter list sorted and pointing at the
new names, renamed the same way; and ``pagefind-entry.json`` pointing at the new metadata.
The files are CBOR, gzip-compressed after a ``pagefind_dcd`` signature; the small CBOR codec
below reads and writes exactly the forms Pagefind uses (a file that would not survive the
round trip unchanged is refused rather than rewritten).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
from pathlib import Path
from typing import Any

SIGNATURE = b"pagefind_dcd"


class BundleFormatError(ValueError):
    """A file of the bundle is not in the format this module knows."""


# ---------------------------------------------------------------------------
# CBOR: unsigned and negative integers, byte and text strings, arrays, maps, simple values


def cbor_decode(data: bytes) -> Any:
    value, end = _decode(data, 0)
    if end != len(data):
        raise BundleFormatError(f"{len(data) - end} bytes after the CBOR value")
    return value


def _decode(data: bytes, at: int) -> tuple[Any, int]:
    if at >= len(data):
        raise BundleFormatError("truncated CBOR")
    major, info = data[at] >> 5, data[at] & 0x1F
    at += 1
    if major == 7:
        simple = {20: False, 21: True, 22: None}
        if info in simple:
            return simple[info], at
        if info == 27:
            return struct.unpack(">d", data[at:at + 8])[0], at + 8
        raise BundleFormatError(f"unsupported CBOR simple value {info}")
    if info < 24:
        arg = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        arg = int.from_bytes(data[at:at + size], "big")
        at += size
    else:
        raise BundleFormatError(f"unsupported CBOR length form {info}")
    if major == 0:
        return arg, at
    if major == 1:
        return -1 - arg, at
    if major == 2:
        return bytes(data[at:at + arg]), at + arg
    if major == 3:
        return data[at:at + arg].decode("utf-8"), at + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    if major == 5:
        pairs = []
        for _ in range(arg):
            key, at = _decode(data, at)
            value, at = _decode(data, at)
            pairs.append((key, value))
        return CborMap(pairs), at
    raise BundleFormatError(f"unsupported CBOR major type {major}")


class CborMap(list):  # type: ignore[type-arg]
    """A CBOR map as its list of (key, value) pairs, so that its order is kept."""


def cbor_encode(value: Any) -> bytes:
    if value is False or value is True or value is None:
        return bytes([0xF4 + (value is True) if value is not None else 0xF6])
    if isinstance(value, float):
        return b"\xfb" + struct.pack(">d", value)
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, CborMap):
        return _head(5, len(value)) + b"".join(cbor_encode(k) + cbor_encode(v) for k, v in value)
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(cbor_encode(v) for v in value)
    raise BundleFormatError(f"cannot encode {type(value).__name__} as CBOR")


def _head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise BundleFormatError(f"integer {arg} too large for CBOR")


# ---------------------------------------------------------------------------
# The bundle


def read_file(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise BundleFormatError(f"{path.name} lacks the {SIGNATURE.decode()} signature")
    body = data[len(SIGNATURE):]
    value = cbor_decode(body)
    if cbor_encode(value) != body:
        raise BundleFormatError(f"{path.name} does not survive a CBOR round trip")
    return value


def write_file(folder: Path, language: str, suffix: str, value: Any, digits: int) -> str:
    """Write ``value`` as a bundle file named after its content; return the name's hash part."""
    body = SIGNATURE + cbor_encode(value)
    name = f"{language}_{hashlib.sha256(body).hexdigest()[:digits]}"
    (folder / f"{name}{suffix}").write_bytes(gzip.compress(body, compresslevel=9, mtime=0))
    return name


FILTERS = 3
"""Where the [filter name, chunk hash] list sits in Pagefind's MetaIndex (version, pages,
index chunks, filters, sorts, …; pagefind/src/index/index_metadata.rs)."""


def make_deterministic(bundle: Path) -> None:
    """Rewrite the filter files, the metadata and the entry of ``bundle`` in a fixed order."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text("utf-8"))
    for language, index in entry["languages"].items():
        meta_path = bundle / f"pagefind.{index['hash']}.pf_meta"
        meta = read_file(meta_path)
        if not (isinstance(meta, list) and len(meta) > FILTERS and isinstance(meta[FILTERS], list)):
            raise BundleFormatError(f"{meta_path.name}: not a Pagefind metadata file")
        renamed = []
        for pair in meta[FILTERS]:
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
                raise BundleFormatError(f"{meta_path.name}: unexpected filter entry {pair!r}")
            path = bundle / "filter" / f"{pair[1]}.pf_filter"
            content = read_file(path)
            if not (isinstance(content, list) and len(content) == 2 and isinstance(content[1], list)):
                raise BundleFormatError(f"{path.name}: not a Pagefind filter file")
            content[1].sort(key=lambda value: cbor_encode(value[0]))
            path.unlink()
            renamed.append([pair[0], write_file(bundle / "filter", language, ".pf_filter", content, 7)])
        meta[FILTERS] = sorted(renamed, key=lambda pair: cbor_encode(pair[0]))
        meta_path.unlink()
        index["hash"] = write_file(bundle, language, ".pf_meta", meta, 13)
        (bundle / f"{index['hash']}.pf_meta").rename(bundle / f"pagefind.{index['hash']}.pf_meta")
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), "utf-8")
