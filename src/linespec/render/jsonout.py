"""JSON the way the Go tool writes it: 2-space indent, UTF-8 kept, `<>&` escaped.

orjson does the indenting encode in C; the standard library's indenting encoder is pure
Python and dominated `status --format json` on large repositories.
"""

from __future__ import annotations

from typing import Any

import orjson

# Go's encoding/json escapes these even inside UTF-8 output; they only ever occur inside
# JSON strings, so replacing them in the encoded text is exact.
GO_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def dumps(data: Any) -> str:
    text = orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8")
    return text.translate(GO_ESCAPES) + "\n"
