"""How errors reach people: the contract's JSON shape under /api, a plain page elsewhere."""

from __future__ import annotations

from flask import Flask, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from market.errors import AppError

_HTTP_MESSAGES = {
    400: ("bad_request", "请求有误"),
    401: ("unauthorized", "请先登录"),
    403: ("forbidden", "没有权限"),
    404: ("not_found", "没有找到这个页面或记录"),
    405: ("method_not_allowed", "不支持这种请求方式"),
    413: ("too_large", "提交的内容太大"),
    429: ("rate_limited", "操作太频繁，请稍后再试"),
}


def _wants_json() -> bool:
    return (request.path.startswith("/api/") or request.path.startswith("/live/") and request.path.endswith("/events")
            or request.accept_mimetypes.best == "application/json")  # a page's own script asking


def _rollback() -> None:
    session = g.get("db")
    if session is not None:
        session.rollback()


def _respond(status: int, code: str, message: str, fields: dict | None = None, headers: dict | None = None):
    if _wants_json():
        response = jsonify({"error": {"code": code, "message": message, "fields": fields or {}}})
    else:
        response = render_template("error.html", message=message, fields=fields or {}, status=status)
    from flask import make_response

    response = make_response(response, status)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def register(app: Flask) -> None:
    @app.errorhandler(AppError)
    def _app_error(exc: AppError):
        _rollback()
        retry = getattr(exc, "retry_after", None)
        return _respond(exc.status, exc.code, exc.message, exc.fields,
                        headers={"Retry-After": str(retry)} if retry else None)

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        _rollback()
        return _respond(400, "csrf", "页面已过期，请返回刷新后再提交")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        _rollback()
        status = exc.code or 500
        if status == 401 and not _wants_json():
            from flask import redirect, url_for

            return redirect(url_for("auth.login", next=request.full_path))
        code, message = _HTTP_MESSAGES.get(status, ("error", "请求出错"))
        headers = {}
        if status == 429:
            retry = getattr(exc, "retry_after", None) or (exc.get_response().headers.get("Retry-After") if hasattr(exc, "get_response") else None)
            headers["Retry-After"] = str(retry or 60)
        return _respond(status, code, message, headers=headers)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database_away(exc: Exception):
        # The database is restarting, failing over or out of connections: a moment's outage, said as one
        # (a proxy or a phone may try again), not a bug's 500. The pool's pre-ping reconnects afterwards.
        try:
            _rollback()
        except Exception:
            pass
        app.logger.warning("database unavailable on %s %s: %s", request.method, request.path, type(exc).__name__)
        return _respond(503, "unavailable", "服务暂时不可用，请稍后再试", headers={"Retry-After": "5"})

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        _rollback()
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return _respond(500, "server_error", "服务器出错了，请稍后再试")
