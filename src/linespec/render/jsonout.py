"""JSON the way the Go tool writes it: 2-space indent, UTF-8 kept, `<>&` escaped."""

from __future__ import annotations

import json
from typing import Any


def dumps(data: Any) -> str:
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"
