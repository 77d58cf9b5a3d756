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
    ("get", "/stats/applications", "投递与录用：按工种、岗位所在省份或城市（from, to, by: trade | province | city；少于 5 次投递的组合不显示）", "admin", False),
    ("get", "/stats/wages", "岗位工资中位数（折算为月薪，计件不计）：按工种、城市或工种和城市（from, to, by: trade | city | trade_city；少于 5 个岗位不显示）", "admin", False),
    ("get", "/stats/workers", "登记求职者：按户籍或现在务工地的省份、城市（from, to, by: hometown_province | hometown_city | current_province | current_city；少于 5 人不显示）", "admin", False),
    ("get", "/stats/fairs", "招聘会成效：场次、岗位、期间投递与录用（from, to；available 为 false 时岗位未与招聘会关联）", "admin", False),
    ("get", "/stats/complaints", "欠薪投诉办结用时中位数（天）：按被投诉单位所在省份或合计（from, to, by: province | all；少于 5 件不显示）", "admin", False),
    ("post", "/live/sessions", "开一场直播带岗（title）；观看：GET /live/{id}/events（Server-Sent Events）", "organiser", True),
    ("get", "/live/sessions/{id}", "直播的标题、状态和正在上播的岗位", None, False),
    ("post", "/live/sessions/{id}/on-air", "上播一个今天在招的岗位（job_id；本场组织者或人社）", "organiser", True),
    ("post", "/live/sessions/{id}/end", "结束直播（本场组织者或人社）", "organiser", False),
    ("get", "/workers/{id}/eligibility", "可申领的补贴：name, amount_yuan, eligible, why, bring, where, source（本人或人社）", "worker", False),
    ("get", "/policies", "政策中心：搜索政策文件（q, province, rule），农民工可用的措施高亮", None, False),
    ("post", "/policies", "发布政策文件（title, issuer, doc_number, region_adcode, issued_on, body, measures）", "admin", True),
    ("get", "/policies/{id}", "政策文件", None, False),
    ("get", "/brands", "劳务品牌（贵州绣娘、黔菜师傅、羌绣、草编……）", None, False),
    ("get", "/brands/{id}", "一个劳务品牌（{id} 为品牌名称）：工种、家乡、确认的从业者人数（单位和人社可见名单）、点名要这个品牌的岗位", None, False),
    ("post", "/brands/{id}/claim", "求职者申请认定劳务品牌（待人社确认）", "worker", False),
    ("get", "/admin/brand-claims", "待确认的劳务品牌申请", "admin", False),
    ("post", "/admin/brand-claims/{id}/decision", "确认或驳回劳务品牌申请（confirm）", "admin", True),
    ("get", "/partners/me", "本机构账号（培训机构、零工驿站）及审核状态", "trainer", False),
    ("put", "/partners/me", "提交机构资料（organisation, adcode, station_id）待人社审核", "trainer", True),
    ("get", "/admin/partners", "待审核的机构账号", "admin", False),
    ("post", "/admin/partners/{id}/decision", "审核机构账号（approve, note）", "admin", True),
    ("get", "/courses", "培训课程（occupation, adcode, from, q）", None, False),
    ("post", "/courses", "发布培训课程（已审核的培训机构）", "trainer", True),
    ("get", "/courses/{id}", "培训课程详情", None, False),
    ("post", "/courses/{id}/signups", "报名培训（重复报名返回原报名）", "worker", False),
    ("get", "/courses/{id}/signups", "本机构课程的报名名单", "trainer", False),
    ("get", "/me/courses", "我报名的培训", "worker", False),
    ("get", "/stations", "零工驿站名录（adcode）", None, False),
    ("post", "/stations", "新增零工驿站（人社）", "admin", True),
    ("get", "/stations/{id}", "零工驿站", None, False),
    ("post", "/station/workers", "驿站代为登记没有智能手机的求职者，并返回为他推荐的岗位", "station_staff", True),
    ("post", "/station/roster", "实名制动态管理：本驿站登记的求职者及上岗去向（occupation, placed, registered_from；记入操作记录）", "station_staff", True),
]

_QUERIES = {
    ("get", "/complaints"): [("status", "string", "filed | in_progress | resolved | dismissed（仅人社）"),
                             ("limit", "integer", "≤ 100，默认 50"), ("offset", "integer", "")],
    ("get", "/suggest"): [("q", "string", "已输入的字，如 电焊、dian、dhg；最多 30 个字")],
    ("get", "/courses"): [("occupation", "string", "工种代码"), ("adcode", "string", "省、市或区县 adcode"),
                          ("from", "string", "开课日期不早于（默认今天）"), ("q", "string", "课程名称或工种")],
    ("get", "/policies"): [("q", "string", "关键词"), ("province", "string", "省级 adcode"),
                           ("rule", "string", "补贴规则代码，如 mianyang_skill_upgrade")],
    ("get", "/stations"): [("adcode", "string", "省、市或区县 adcode")],
    ("get", "/stats/flows"): [("from", "string", "开始日期，如 2026-01-01（含当天）"),
                              ("to", "string", "结束日期（含当天）；区间最长 3 年")],
}
for _stat in ("applications", "wages", "workers", "fairs", "complaints"):
    _QUERIES[("get", f"/stats/{_stat}")] = [*_QUERIES[("get", "/stats/flows")],
                                           ("by", "string", "分组方式，见说明；默认第一种")]


def document() -> dict:
    paths: dict = {}
    for method, path, summary, role, has_body in _ROUTES:
        op: dict = {"summary": summary, "responses": {
            "200": {"description": "成功", "content": {"application/json": {"schema": {"type": "object"}}}},
            "4XX": {"description": "错误", "content": {"application/json": {"schema": _ERROR}}}}}
        params = []
        if "{id}" in path:
            kind = "string" if path.startswith("/brands/") else "integer"  # a brand is named, not numbered
            params.append({"name": "id", "in": "path", "required": True, "schema": {"type": kind}})
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
