"""Errors the services raise, and how they reach people: JSON under /api, a page elsewhere."""

from __future__ import annotations


class AppError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None, code: str | None = None,
                 status: int | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code
        if status:
            self.status = status

    def to_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}


class Invalid(AppError):
    """Bad input: names each field that is wrong, in words a worker can read."""

    status = 422
    code = "invalid"

    def __init__(self, fields: dict[str, str], message: str | None = None):
        super().__init__(message or "；".join(fields.values()) or "填写有误", fields=fields)


class NotFound(AppError):
    status = 404
    code = "not_found"

    def __init__(self, message: str = "没有找到"):
        super().__init__(message)


class Forbidden(AppError):
    status = 403
    code = "forbidden"

    def __init__(self, message: str = "没有权限"):
        super().__init__(message)


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"

    def __init__(self, message: str = "请先登录"):
        super().__init__(message)


class Conflict(AppError):
    status = 409
    code = "conflict"


def require(condition: bool, field: str, message: str) -> None:
    if not condition:
        raise Invalid({field: message})


class FieldErrors:
    """Collects every wrong field before raising, so a form shows all its mistakes at once."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, message)

    def check(self, condition: bool, field: str, message: str) -> bool:
        if not condition:
            self.add(field, message)
        return condition

    def __contains__(self, field: str) -> bool:
        return field in self.fields

    def raise_if_any(self) -> None:
        if self.fields:
            raise Invalid(dict(self.fields))
