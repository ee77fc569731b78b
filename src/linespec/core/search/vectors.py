"""`.linespec/embeddings.bin`: record vectors in the Go tool's format (BEHAVIOR.md §15).

Layout: an optional header `LSE1` + uint32 LE dimension, then per record a uint32 LE ID
length, the ID bytes and `dimension` float32 LE values. A file without the header is the
legacy layout with 2048 dimensions. The file is always rewritten whole and atomically.
"""

from __future__ import annotations

import math
import struct
from array import array
from dataclasses import dataclass, field
from operator import mul
from pathlib import Path

from linespec.core.files import atomic_write
from linespec.errors import LinespecError

STORE_FILE = "embeddings.bin"
MAGIC = b"LSE1"
LEGACY_DIMENSION = 2048
_LITTLE = struct.pack("=H", 1) == struct.pack("<H", 1)


class StoreError(LinespecError):
    """The store file cannot be read or a vector does not fit it."""


def _floats(data: bytes | memoryview) -> array[float]:
    values = array("f")
    # frombytes, not the constructor: a memoryview would be read as a list of byte values.
    values.frombytes(data)
    if not _LITTLE:
        values.byteswap()
    return values


@dataclass
class Store:
    path: Path
    dimension: int = 0
    vectors: dict[str, array[float]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Store:
        """The store at PATH (empty if absent); a damaged file raises StoreError."""
        try:
            data = memoryview(path.read_bytes())
        except FileNotFoundError:
            return cls(path)
        except OSError as exc:
            raise StoreError(f"cannot read: {exc.strerror or exc}", path=path) from None
        store = cls(path)
        if not data:
            return store
        offset = 0
        if bytes(data[:4]) == MAGIC:
            if len(data) < 8:
                raise StoreError("corrupt embedding store: truncated header", path=path)
            (store.dimension,) = struct.unpack_from("<I", data, 4)
            offset = 8
            if store.dimension == 0 or store.dimension > 65536:
                raise StoreError(
                    f"corrupt embedding store: implausible dimension {store.dimension}", path=path
                )
        else:
            store.dimension = LEGACY_DIMENSION
        width = store.dimension * 4
        while offset < len(data):
            if offset + 4 > len(data):
                raise StoreError("corrupt embedding store: truncated entry", path=path)
            (length,) = struct.unpack_from("<I", data, offset)
            offset += 4
            end = offset + length + width
            if length == 0 or length > 1024 or end > len(data):
                raise StoreError("corrupt embedding store: truncated entry", path=path)
            try:
                record_id = bytes(data[offset : offset + length]).decode("utf-8")
            except UnicodeDecodeError:
                raise StoreError("corrupt embedding store: an ID is not UTF-8", path=path) from None
            store.vectors[record_id] = _floats(data[offset + length : end])
            offset = end
        return store

    def put(self, record_id: str, vector: list[float]) -> None:
        """Add or replace one vector; the first one sets the store's dimension."""
        if not vector:
            raise StoreError("the provider returned an empty vector")
        if not all(math.isfinite(v) for v in vector):
            raise StoreError("the provider returned a vector with non-finite values")
        if self.dimension and len(vector) != self.dimension:
            raise StoreError(
                f"vector dimension mismatch: got {len(vector)}, expected {self.dimension}"
            )
        self.dimension = self.dimension or len(vector)
        self.vectors[record_id] = array("f", vector)

    def encode(self) -> bytes:
        if not self.vectors:
            return b""
        parts = [MAGIC, struct.pack("<I", self.dimension)]
        for record_id, vector in self.vectors.items():
            name = record_id.encode("utf-8")
            values = array("f", vector)
            if not _LITTLE:
                values.byteswap()
            parts += [struct.pack("<I", len(name)), name, values.tobytes()]
        return b"".join(parts)

    def save(self) -> None:
        atomic_write(self.path, self.encode())

    def nearest(self, query: list[float], limit: int | None = None) -> list[tuple[str, float]]:
        """(id, cosine similarity) of the stored vectors, most similar first."""
        if self.dimension and len(query) != self.dimension:
            raise StoreError(
                f"vector dimension mismatch: got {len(query)}, expected {self.dimension} "
                "(the store was built with another model: run 'linespec provenance index --force')"
            )
        qnorm = math.sqrt(sum(map(mul, query, query)))
        scored = []
        for record_id, vector in self.vectors.items():
            norm = math.sqrt(sum(map(mul, vector, vector)))
            dot = sum(map(mul, query, vector))
            scored.append((record_id, dot / (qnorm * norm) if qnorm and norm else 0.0))
        scored.sort(key=lambda item: (-item[1], item[0]))
        return scored if limit is None else scored[:limit]
