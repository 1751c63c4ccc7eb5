"""Schemathesis hooks for kencom-central.

A real client sends a fresh Idempotency-Key for every distinct mutation; generated cases
tend to reuse one example key with different bodies, which the server correctly refuses
(422 idempotency_key_reused). Give every generated request whose key is valid a unique key
(invalid keys are kept, so negative cases still exercise the 400).
"""
import re
import uuid

import schemathesis

_VALID = re.compile(r"^[!-~]{1,200}$")


@schemathesis.hook
def before_call(context, case, **kwargs):
    headers = case.headers or {}
    key = headers.get("Idempotency-Key")
    if isinstance(key, str) and _VALID.match(key):
        headers["Idempotency-Key"] = uuid.uuid4().hex
        case.headers = headers
