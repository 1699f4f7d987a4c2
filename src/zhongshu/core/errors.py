"""The hub's error tree.

Every expected failure is one of these; one handler per boundary (HTTP, CLI) maps them to a status
and a message in the user's language. Errors carry data, not only text, and never personal data.

    ZhongshuError
     ├── NotFound(kind, key)            a thing the caller named does not exist (or is hidden)
     ├── Forbidden(reason)              the authorization decision said no
     ├── InvalidInput(field, reason)    bad input: what, where, how to fix
     ├── PolicyViolation(reason)        a sharing/open-data policy refuses the request
     ├── ConfigError(setting, reason)   the hub is configured wrongly
     └── EngineError(reason)            a storage or query engine failed (raw engine text not exposed)
"""

from __future__ import annotations


class ZhongshuError(Exception):
    """Base of every expected error; `message` is safe to show to a user."""

    status = 400
    code = "error"

    def __init__(self, message: str = "", *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message

    def as_dict(self) -> dict:
        out = {"code": self.code, "message": self.message}
        if self.hint:
            out["hint"] = self.hint
        return out


class NotFound(ZhongshuError):
    status = 404
    code = "not_found"

    def __init__(self, kind: str, key: object = "", *, hint: str = "") -> None:
        super().__init__(f"{kind} not found: {key}" if key != "" else f"{kind} not found", hint=hint)
        self.kind = kind
        self.key = key


class Forbidden(ZhongshuError):
    status = 403
    code = "forbidden"

    def __init__(self, reason: str, *, policy_id: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.policy_id = policy_id


class InvalidInput(ZhongshuError):
    status = 400
    code = "invalid_input"

    def __init__(self, field: str, reason: str, *, hint: str = "") -> None:
        super().__init__(f"{field}: {reason}" if field else reason, hint=hint)
        self.field = field
        self.reason = reason

    def as_dict(self) -> dict:
        return {**super().as_dict(), "field": self.field}


class PolicyViolation(ZhongshuError):
    status = 403
    code = "policy_violation"


class ConfigError(ZhongshuError):
    status = 500
    code = "config_error"

    def __init__(self, setting: str, reason: str, *, hint: str = "") -> None:
        super().__init__(f"{setting}: {reason}", hint=hint)
        self.setting = setting
        self.reason = reason


class EngineError(ZhongshuError):
    status = 500
    code = "engine_error"
