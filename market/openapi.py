"""GET /api/v1/openapi.json: the API described as OpenAPI 3.1."""

from __future__ import annotations

from flask import Blueprint, jsonify

bp = Blueprint("openapi", __name__)

_ERROR = {"$ref": "#/components/schemas/Error"}
_JOB_QUERY = [
    ("q", "string", "自由文本，如 东莞 电焊工 包吃住"), ("open_on", "string", "ISO 日期，默认今天（北京时间）"),
    ("province", "string", "省级 adcode，如 520000"), ("city", "string", "地级 adcode，如 520100"),
    ("county", "string", "县级 adcode，如 520102"), ("occupation", "string", "工种代码"),
    ("employment_type", "string", "full_time | gig_daily | seasonal | piece_rate | dispatch"),
    ("wage_min", "integer", "与岗位最高工资折算的月薪比较（日薪 × 26，时薪 × 8 × 26；计件岗位不参与）"), ("benefits", "string", "可重复"),
    ("lat", "number", ""), ("lng", "number", ""), ("radius_km", "number", ""),
    ("sort", "string", "relevance | newest | wage | distance"), ("limit", "integer", "≤ 100"),
    ("offset", "integer", ""),
]

# method, path, summary, who may call, request body?
_ROUTES = [
    ("post", "/auth/code", "发送短信验证码（purpose: register | reset）", None, True),
    ("post", "/auth/register", "手机号注册（worker 或 employer）", None, True),
    ("post", "/auth/token", "用手机号和密码换取访问令牌", None, True),
    ("post", "/auth/reset", "验证码重设密码；也用于认领导入的账号", None, True),
    ("get", "/jobs", "搜索、浏览在招岗位", None, False),
    ("post", "/jobs", "发布岗位（已认证单位）", "employer", True),
    ("get", "/jobs/{id}", "岗位详情", None, False),
    ("get", "/suggest", "搜索框提示：工种、地点、单位（q：已输入的字，可为拼音或首字母）", None, False),
    ("patch", "/jobs/{id}", "修改岗位（本单位）", "employer", True),
    ("post", "/jobs/{id}/status", "暂停、恢复、关闭岗位（action: pause | resume | close）", "employer", True),
    ("get", "/jobs/{id}/applications", "岗位的投递者（本单位或人社）", "employer", False),
    ("post", "/jobs/{id}/applications", "投递（重复投递返回原申请；可带 Idempotency-Key）", "worker", True),
    ("get", "/jobs/{id}/candidates", "为岗位推荐的求职者（本单位或人社）", "employer", False),
    ("get", "/employer/jobs", "本单位的岗位", "employer", False),
    ("post", "/employers", "登记单位（统一社会信用代码）", "employer", True),
    ("get", "/employers/me", "本单位的审核状态", "employer", False),
    ("get", "/me/profile", "我的求职资料", "worker", False),
    ("put", "/me/profile", "修改求职资料（敏感信息需单独同意）", "worker", True),
    ("delete", "/me", "删除账号和个人信息", "any", False),
    ("get", "/me/applications", "我的投递", "worker", False),
    ("get", "/me/notifications", "我的消息", "any", False),
    ("post", "/me/notifications/read", "把我的消息全部标为已读", "any", False),
    ("get", "/applications/{id}", "一条申请（本人或岗位所属单位）", "any", False),
    ("post", "/applications/{id}/withdraw", "撤回申请", "worker", False),
    ("post", "/applications/{id}/status", "单位处理申请（viewed | interview | hired | not_hired）", "employer", True),
    ("get", "/workers/{id}", "求职者（本人全部；人社脱敏；单位仅限投递者且不含身份信息）", "any", False),
    ("get", "/workers/{id}/recommendations", "为求职者推荐岗位（本人或人社）", "worker", False),
    ("get", "/admin/employers", "待审核单位", "admin", False),
    ("post", "/admin/employers/{id}/decision", "审核单位（approve, note）", "admin", True),
    ("get", "/admin/jobs/flagged", "待复核岗位", "admin", False),
    ("post", "/admin/jobs/{id}/take-down", "下架岗位（reason）", "admin", True),
    ("post", "/admin/jobs/{id}/clear", "复核通过", "admin", False),
    ("post", "/admin/workers", "窗口代为登记求职者", "admin", True),
    ("get", "/admin/audit", "操作记录", "admin", False),
    ("post", "/complaints", "欠薪投诉（employer_id 或 job_id 二选一, amount_owed, period_start, period_end, description）", "worker", True),
    ("get", "/complaints", "欠薪投诉：求职者看自己的；人社看全部待办（可按 status 筛选）", "worker", False),
    ("post", "/complaints/{id}/status", "处理欠薪投诉（status: in_progress | resolved | dismissed；办结须写 note）", "admin", True),
    ("get", "/stats/flows", "劳动力流向：户籍省份到岗位省份的投递与录用（from, to；少于 5 次投递的组合不显示）", "admin", False),
    ("post", "/live/sessions", "开一场直播带岗（title；fair_id、stream_url 可选）；观看：GET /live/{id}/events（Server-Sent Events）", "organiser", True),
    ("get", "/live/sessions/{id}", "直播的标题、状态和正在上播的岗位", None, False),
    ("post", "/live/sessions/{id}/on-air", "上播一个今天在招的岗位（job_id；本场组织者或人社）", "organiser", True),
    ("post", "/live/sessions/{id}/end", "结束直播（本场组织者或人社）", "organiser", False),
    ("post", "/live/sessions/{id}/next", "上播队列里下一个还没上播的岗位", "organiser", False),
    ("get", "/live/sessions/{id}/queue", "直播的岗位队列", "organiser", False),
    ("post", "/live/sessions/{id}/queue", "把岗位加入队列末尾（job_id）", "organiser", True),
    ("put", "/live/sessions/{id}/queue", "调整队列顺序（job_ids：队列里的每个岗位各一次）", "organiser", True),
    ("delete", "/live/sessions/{id}/queue/{id}", "把岗位移出队列", "organiser", False),
    ("get", "/live/sessions/{id}/pick", "找可以加入队列的在招岗位（q）", "organiser", False),
    ("post", "/live/sessions/{id}/applications", "从直播卡片一键投递正在或曾经上播的岗位（job_id；可带 Idempotency-Key）", "worker", True),
    ("get", "/live/sessions/{id}/questions", "已公开的提问和置顶回答（组织者看到全部）", None, False),
    ("post", "/live/sessions/{id}/questions", "向主持人提问（body，100 字以内；审核后公开）", "worker", True),
    ("post", "/live/sessions/{id}/questions/{id}", "审核提问（action: approve | hide | answer | pin | unpin；answer、pinned）", "organiser", True),
    ("get", "/live/sessions/{id}/console", "控制台：在看人数、各岗位投递、最匹配的观众和求职者", "organiser", False),
    ("get", "/live/sessions/{id}/report", "直播效果：各岗位的观看、投递、面试、录用", "organiser", False),
    ("get", "/live/sessions/{id}/report.xlsx", "直播效果 Excel", "organiser", False),
]

_QUERIES = {
    ("get", "/complaints"): [("status", "string", "filed | in_progress | resolved | dismissed（仅人社）"),
                             ("limit", "integer", "≤ 100，默认 50"), ("offset", "integer", "")],
    ("get", "/suggest"): [("q", "string", "已输入的字，如 电焊、dian、dhg；最多 30 个字")],
    ("get", "/live/sessions/{id}/pick"): [("q", "string", "岗位名、工种或地点，如 东莞 普工")],
    ("get", "/stats/flows"): [("from", "string", "开始日期，如 2026-01-01（含当天）"),
                              ("to", "string", "结束日期（含当天）；区间最长 3 年")],
}


def document() -> dict:
    paths: dict = {}
    for method, path, summary, role, has_body in _ROUTES:
        op: dict = {"summary": summary, "responses": {
            "200": {"description": "成功", "content": {"application/json": {"schema": {"type": "object"}}}},
            "4XX": {"description": "错误", "content": {"application/json": {"schema": _ERROR}}}}}
        params = []
        if "{id}" in path:
            params.append({"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}})
        if method == "get" and path == "/jobs":
            params += [{"name": n, "in": "query", "schema": {"type": t}, "description": d} for n, t, d in _JOB_QUERY]
        if path.endswith(("/recommendations", "/candidates")):
            params.append({"name": "k", "in": "query", "schema": {"type": "integer", "default": 10}})
        params += [{"name": n, "in": "query", "schema": {"type": t}, "description": d}
                   for n, t, d in _QUERIES.get((method, path), [])]
        if path == "/jobs/{id}/applications" and method == "post":
            params.append({"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}})
        if params:
            op["parameters"] = params
        if has_body:
            op["requestBody"] = {"content": {"application/json": {"schema": {"type": "object"}}}}
        if role:
            op["security"] = [{"bearer": []}]
            op["x-roles"] = role
        paths.setdefault(path, {})[method] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "零工市场 API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
                "code": {"type": "string"}, "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}}}},
        },
    }


@bp.get("/api/v1/openapi.json")
def openapi_json():
    return jsonify(document())
