"""Schemathesis hooks for kencom-central.

A real client sends a fresh Idempotency-Key for every distinct mutation; generated cases
tend to reuse one example key with different bodies, which the server correctly refuses
(422 idempotency_key_reused). Give every generated request whose key is valid a unique key
(invalid keys are kept, so negative cases still exercise the 400).

The desk's device stamp is a pair (X-Device-Id + X-Device-Seq, both or neither: a rule
between two inputs that OpenAPI cannot state, like the 422 allowances in schemathesis.sh).
When a generated case carries a valid half, the other half is added so the positive case
is what a client could send; an invalid half is kept so the 400 is still exercised. The
stateful phase may link a numeric `id` into X-Device-Id; header values go out as text.
"""
import re
import uuid

import schemathesis

_VALID = re.compile(r"^[!-~]{1,200}$")
_DEVICE_ID = re.compile(r"^[!-~]{1,64}$")


@schemathesis.hook
def before_call(context, case, **kwargs):
    headers = case.headers or {}
    key = headers.get("Idempotency-Key")
    if isinstance(key, str) and _VALID.match(key):
        headers["Idempotency-Key"] = uuid.uuid4().hex
        case.headers = headers

    device_id, device_seq = headers.get("X-Device-Id"), headers.get("X-Device-Seq")
    if device_id is not None and not isinstance(device_id, str):
        headers["X-Device-Id"] = device_id = str(device_id)
    if device_seq is not None and not isinstance(device_seq, str):
        headers["X-Device-Seq"] = device_seq = str(device_seq)
    if device_id is not None and device_seq is None and _DEVICE_ID.match(device_id):
        headers["X-Device-Seq"] = "1"
    elif device_seq is not None and device_id is None and device_seq.isdigit() and int(device_seq) >= 1:
        headers["X-Device-Id"] = "st-" + uuid.uuid4().hex
    case.headers = headers
