"""GET /api/v1/openapi.json: the API described as OpenAPI 3.1."""

from __future__ import annotations

import re

from flask import Blueprint, Flask, current_app, jsonify

from market import api_schemas

bp = Blueprint("openapi", __name__)

_ERROR = api_schemas.ref(api_schemas.Error)
_OBJECT = {"type": "object"}
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
    ("get", "/places/children", "地点选择：省（不带 parent）、某省的市、某市的区县（parent：上一级行政区划代码）", None, False),
    ("get", "/places/resolve", "地名解析（q：如 广东东莞、贵州 松桃；重名时列出候选）", None, False),
    ("get", "/suggest", "搜索框提示：工种、地点、单位（q：已输入的字，可为拼音或首字母）", None, False),
    ("patch", "/jobs/{id}", "修改岗位（本单位）", "employer", True),
    ("post", "/jobs/{id}/status", "暂停、恢复、关闭岗位（action: pause | resume | close）", "employer", True),
    ("get", "/jobs/{id}/applications", "岗位的投递者（本单位或人社）", "employer", False),
    ("post", "/jobs/{id}/applications", "投递（重复投递返回原申请；可带 Idempotency-Key）", "worker", True),
    ("get", "/jobs/{id}/candidates", "为岗位推荐的求职者（本单位或人社）", "employer", False),
    ("get", "/employer/jobs", "本单位的岗位", "employer", False),
    ("post", "/employers", "登记单位（统一社会信用代码）", "employer", True),
    ("get", "/employers/me", "本单位的审核状态", "employer", False),
    ("put", "/employers/me", "修改未通过（或待人工核实）的单位登记并重新提交审核", "employer", True),
    ("post", "/jobs/{id}/invitations", "邀请推荐的求职者投递（worker_id；消息和短信通知对方）", "employer", True),
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
    ("get", "/admin/jobs/flagged", "待复核岗位（含因疑似欺诈暂缓上线的 held 岗位）", "admin", False),
    ("post", "/admin/jobs/{id}/take-down", "下架岗位（reason）", "admin", True),
    ("post", "/admin/jobs/{id}/clear", "复核通过", "admin", False),
    ("post", "/admin/workers", "窗口代为登记求职者", "admin", True),
    ("get", "/admin/audit", "操作记录（北京时间、操作人姓名、中文操作名；可按 actor、action 筛选）", "admin", False),
    ("post", "/organiser-applications", "申请组织者账号（phone, code, password, name, organisation, adcode, purpose）", None, True),
    ("get", "/admin/organiser-applications", "待审核的组织者申请", "admin", False),
    ("post", "/admin/organiser-applications/{id}/decision", "审核组织者申请（approve, note；结果短信通知申请人）", "admin", True),
    ("post", "/complaints", "欠薪投诉（employer_id 或 job_id 二选一, amount_owed, period_start, period_end, description）", "worker", True),
    ("get", "/complaints", "欠薪投诉：求职者看自己的；人社看全部待办（可按 status 筛选）", "worker", False),
    ("get", "/complaints/{id}", "一件欠薪投诉及其全部办理经过（仅投诉人本人和人社）", "worker", False),
    ("post", "/complaints/{id}/actions", "办理一步并留痕（action: accept | assign | contact | mediate | escalate_inspection | escalate_arbitration | resolve | dismiss | note；note；指派时 handler_id）", "admin", True),
    ("post", "/complaints/{id}/status", "处理欠薪投诉（status: in_progress | resolved | dismissed；办结须写 note）", "admin", True),
    ("get", "/worklog", "记工：求职者看自己的，单位看本单位岗位上的（可按 status 筛选），含已确认天数", "any", False),
    ("post", "/worklog", "记一天工（application_id：被录用的申请, work_date, days: 0.5 | 1, hours?, note?）", "worker", True),
    ("post", "/worklog/{id}/decision", "单位确认或提出异议（confirm: true | false, reason：有异议时必填）", "employer", True),
    ("get", "/worklog/export", "导出记工（format: csv | xlsx）", "any", False),
    ("post", "/jobs/{id}/reports", "举报岗位（reason: fake_wage | fees | offsite_contact | fake_job | discrimination | other；note?）；每人每岗一次，3 人举报即暂停展示待复核", "worker", True),
    ("get", "/admin/reports", "被举报的岗位及举报原因（举报多的在前）", "admin", False),
    ("get", "/stats/flows", "劳动力流向：户籍省份到岗位省份的投递与录用（from, to；少于 5 次投递的组合不显示）", "admin", False),
    ("get", "/stats/applications", "投递与录用：按工种、岗位所在省份或城市（from, to, by: trade | province | city；少于 5 次投递的组合不显示）", "admin", False),
    ("get", "/stats/wages", "岗位工资中位数（折算为月薪，计件不计）：按工种、城市或工种和城市（from, to, by: trade | city | trade_city；少于 5 个岗位不显示）", "admin", False),
    ("get", "/stats/workers", "登记求职者：按户籍或现在务工地的省份、城市（from, to, by: hometown_province | hometown_city | current_province | current_city；少于 5 人不显示）", "admin", False),
    ("get", "/stats/fairs", "招聘会成效：场次、岗位、期间投递与录用（from, to）", "admin", False),
    ("get", "/stats/complaints", "欠薪投诉办结用时中位数（天）：按被投诉单位所在省份或合计（from, to, by: province | all；少于 5 件不显示）", "admin", False),
    ("post", "/fairs", "创建招聘会（name, kind, starts_on, ends_on, adcode?, address?, online, target_groups?）", "organiser", True),
    ("get", "/fairs", "招聘会列表（adcode：地点的区划代码或地名；on：这一天在办的）", None, False),
    ("get", "/fairs/{id}", "招聘会详情：参会单位（展位号）和岗位编号 jobs", None, False),
    ("post", "/fairs/{id}/signups", "单位报名参会（等组织者审核）", "employer", False),
    ("post", "/fairs/{id}/signups/{id}/decision", "组织者审核单位报名（approve, booth）", "organiser", True),
    ("post", "/fairs/{id}/jobs", "把本单位岗位带到展位（job_id），或现场发布新岗位（岗位字段）", "employer", True),
    ("get", "/fairs/{id}/template.xlsx", "岗位表模板（Excel）", None, False),
    ("post", "/fairs/{id}/jobs.xlsx", "上传岗位表（multipart：file；组织者另传 employer_id）→ accepted, rejected[row, field, message]", "organiser", True),
    ("post", "/fairs/{id}/registrations", "求职者报名参加招聘会，得到签到码", "worker", False),
    ("post", "/fairs/{id}/checkins", "签到：求职者本人（扫招聘会二维码），或组织者输入求职者的签到码（code）", "any", True),
    ("get", "/fairs/{id}/dashboard", "现场情况：报名、签到，每个展位的岗位和投递（本场组织者）", "organiser", False),
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
    ("get", "/me/sign-ins", "我的登录：浏览器会话和访问令牌（current：本次请求所用）", "any", False),
    ("delete", "/me/sign-ins/{id}", "吊销一个登录或访问令牌，立即失效", "any", False),
    ("post", "/auth/logout", "退出：本次请求所用的访问令牌立即失效", "any", False),
    ("post", "/live/sessions", "开一场直播带岗（title；fair_id、stream_url 可选）；观看：GET /live/{id}/events（Server-Sent Events）", "organiser", True),
    ("get", "/live/sessions/{id}", "直播的标题、状态和正在上播的岗位", None, False),
    ("post", "/live/sessions/{id}/on-air", "上播一个今天在招的岗位（job_id；本场组织者或人社）", "organiser", True),
    ("post", "/live/sessions/{id}/end", "结束直播（本场组织者或人社）", "organiser", False),
    ("post", "/live/sessions/{id}/next", "上播队列里下一个还没上播的岗位", "organiser", False),
    ("get", "/live/sessions/{id}/queue", "直播的岗位队列", "organiser", False),
    ("post", "/live/sessions/{id}/queue", "把岗位加入队列末尾（job_id）", "organiser", True),
    ("put", "/live/sessions/{id}/queue", "调整队列顺序（job_ids：队列里的每个岗位各一次）", "organiser", True),
    ("delete", "/live/sessions/{id}/queue/{id}", "把岗位移出队列", "organiser", False),
    ("get", "/live/sessions/{id}/pick", "找可以加入队列的在招岗位（q；或 from=fair：所属招聘会的岗位）", "organiser", False),
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
                             ("overdue", "string", "1：只看已过期限未办结的（仅人社）"),
                             ("limit", "integer", "≤ 100，默认 50"), ("offset", "integer", "")],
    ("get", "/admin/audit"): [("actor", "integer", "操作人的用户编号"),
                              ("action", "string", "操作，如 employer.reject；或一类操作，如 job")],
    ("get", "/worklog"): [("status", "string", "pending | confirmed | disputed")],
    ("get", "/worklog/export"): [("format", "string", "csv | xlsx，默认 csv")],
    ("get", "/places/children"): [("parent", "string", "上一级的行政区划代码，如 440000；不带时列出各省")],
    ("get", "/places/resolve"): [("q", "string", "地名，如 广东东莞、东莞市长安镇、贵州 松桃、441900")],
    ("get", "/suggest"): [("q", "string", "已输入的字，如 电焊、dian、dhg；最多 30 个字")],
    ("get", "/courses"): [("occupation", "string", "工种代码"), ("adcode", "string", "省、市或区县 adcode"),
                          ("from", "string", "开课日期不早于（默认今天）"), ("q", "string", "课程名称或工种")],
    ("get", "/policies"): [("q", "string", "关键词"), ("province", "string", "省级 adcode"),
                           ("rule", "string", "补贴规则代码，如 mianyang_skill_upgrade")],
    ("get", "/stations"): [("adcode", "string", "省、市或区县 adcode")],
    ("get", "/fairs"): [("adcode", "string", "省、市或区县的区划代码（含其下各地），或地名如 东莞"),
                        ("on", "string", "日期，如 2026-03-01：这一天在办的招聘会")],
    ("get", "/live/sessions/{id}/pick"): [("q", "string", "岗位名、工种或地点，如 东莞 普工"),
                                          ("from", "string", "fair：列出这场直播所属招聘会各展位的在招岗位"
                                                             "（带 booth、queued、on_air；不看 q）")],
    ("get", "/stats/flows"): [("from", "string", "开始日期，如 2026-01-01（含当天）"),
                              ("to", "string", "结束日期（含当天）；区间最长 3 年")],
}
for _stat in ("applications", "wages", "workers", "fairs", "complaints"):
    _QUERIES[("get", f"/stats/{_stat}")] = [*_QUERIES[("get", "/stats/flows")],
                                           ("by", "string", "分组方式，见说明；默认第一种")]


_RULE_ARG = re.compile(r"<(?:(\w+):)?(\w+)>")


def _path_templates(app: Flask) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """``/jobs/{id}`` (as listed above) → the route's own template, ``/jobs/{job_id}``, and its parameters
    with their types: each parameter of a path has a name of its own, as OpenAPI requires."""
    out = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = rule.rule[len("/api/v1"):]
        listed = _RULE_ARG.sub("{id}", path)
        params = [(name, "integer" if converter == "int" else "string") for converter, name in _RULE_ARG.findall(path)]
        out[listed] = (_RULE_ARG.sub(r"{\2}", path), params)
    return out


def _query(name: str, kind: str, description: str) -> dict:
    """A query parameter; a number may also be sent empty (``?lat=``), which is the same as not sending it,
    as a search form without JavaScript does."""
    schema: dict = {"type": kind}
    if kind in ("integer", "number"):
        schema = {"anyOf": [{"type": kind}, {"type": "string", "maxLength": 0}]}
        description = f"{description}（空值等于不带）" if description else "空值等于不带"
    return {"name": name, "in": "query", "schema": schema, "description": description}


def _responses(method: str, listed: str) -> dict:
    """The answers a route gives: its success statuses with their bodies, and 4xx in the error shape."""
    key = (method, listed)
    bodies = api_schemas.OPERATIONS.get(key, (None, {}))[1]
    out: dict = {}
    if key in api_schemas.FILES:
        out["200"] = {"description": "文件", "content": {kind: {"schema": {"type": "string", "format": "binary"}}
                                                       for kind in api_schemas.FILES[key]}}
    else:
        for status in bodies or dict.fromkeys(api_schemas.CREATED.get(key, ("200",))):
            model = bodies.get(status)
            schema = api_schemas.ref(model) if model is not None else _OBJECT
            out[status] = {"description": "已新建" if status == "201" else "成功",
                           "content": {"application/json": {"schema": schema}}}
    out["4XX"] = {"description": "错误：code、中文 message，填错的字段在 fields", "content": {"application/json": {"schema": _ERROR}}}
    return out


def document(app: Flask | None = None) -> dict:
    templates = _path_templates(app or current_app)
    paths: dict = {}
    for method, listed, summary, role, has_body in _ROUTES:
        path, path_params = templates.get(listed, (listed, []))
        op: dict = {"summary": summary, "responses": _responses(method, listed)}
        params: list[dict] = [{"name": name, "in": "path", "required": True, "schema": {"type": kind}}
                              for name, kind in path_params]
        if method == "get" and path == "/jobs":
            params += [_query(n, t, d) for n, t, d in _JOB_QUERY]
        if path.endswith(("/recommendations", "/candidates")):
            params.append({"name": "k", "in": "query", "schema": {"type": "integer", "default": 10}})
        params += [_query(n, t, d) for n, t, d in _QUERIES.get((method, listed), [])]
        if listed == "/jobs/{id}/applications" and method == "post":
            params.append({"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}})
        if params:
            op["parameters"] = params
        request_model = api_schemas.OPERATIONS.get((method, listed), (None, {}))[0]
        if request_model is not None:
            op["requestBody"] = {"required": True, "content": {"application/json": {"schema": api_schemas.ref(request_model)}}}
        elif has_body:
            kind = "multipart/form-data" if path.endswith(".xlsx") else "application/json"
            op["requestBody"] = {"content": {kind: {"schema": _OBJECT}}}
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
            "schemas": api_schemas.components(),
        },
    }


@bp.get("/api/v1/openapi.json")
def openapi_json():
    return jsonify(document())
