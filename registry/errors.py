"""Error pages in Chinese; never a stack trace."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError

from .extensions import db

MESSAGES = {
    400: ("请求无效", "提交的内容无法处理,请返回检查后重试。"),
    403: ("无权访问", "您的账号没有访问该页面或记录的权限。"),
    404: ("页面不存在", "您访问的页面或记录不存在,或不在您的管辖范围内。"),
    405: ("请求方式不允许", "该页面不接受这种请求方式。"),
    413: ("文件过大", "上传的文件超过了允许的大小。"),
    429: ("操作过于频繁", "尝试次数过多,请稍后再试。"),
    500: ("系统错误", "系统出现错误,已记录。请稍后重试,或联系管理员。"),
}


def wants_json() -> bool:
    if request.headers.get("Accept") == "application/json":  # what API clients send: no parsing needed
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def render_error(status: int, detail: str | None = None):
    title, message = MESSAGES.get(status, MESSAGES[500])
    if wants_json():
        return jsonify(error=title, message=detail or message), status
    return render_template("errors/error.html", status=status, title=title, message=detail or message), status


def stated_reason(error) -> str | None:
    """The Chinese message a view gave ``abort(400, description=…)`` (e.g. which parameter is wrong
    and what it must be); never werkzeug's own English descriptions."""
    description = getattr(error, "description", None)
    if not isinstance(description, str) or not any("\u4e00" <= char <= "\u9fff" for char in description):
        return None
    return description


def register_error_handlers(app: Flask) -> None:
    for status in (403, 404, 405, 413, 429):
        app.register_error_handler(status, lambda error, status=status: render_error(status))
    app.register_error_handler(400, lambda error: render_error(400, stated_reason(error)))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, "页面已过期或来源无法验证,请刷新页面后重新提交。")

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        app.logger.exception("unhandled error", exc_info=getattr(error, "original_exception", error))
        return render_error(500)
