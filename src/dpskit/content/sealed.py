"""Cache files as JSON sealed with their own checksum: one that was emptied, cut short or edited
(even into other well-formed JSON) reads as missing, so the build parses or runs again instead of
failing until someone deletes the cache."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def _body(payload: Any) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)


def seal(payload: Any) -> str:
    body = _body(payload)
    return json.dumps({"sha256": hashlib.sha256(body.encode()).hexdigest(), "payload": payload}, default=str)


def unseal(text: str) -> Any | None:
    """The payload, or None when the text is not a sealed payload whose checksum matches."""
    try:
        data = json.loads(text)
        payload = data["payload"]
        good = data["sha256"] == hashlib.sha256(_body(payload).encode()).hexdigest()
    except (ValueError, KeyError, TypeError, RecursionError):
        return None
    return payload if good else None
