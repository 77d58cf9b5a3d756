"""The API's bodies as typed models: what a request may carry and what an answer holds, with Chinese
descriptions and examples. ``market.openapi`` builds the document's components from ``model_json_schema()``;
views that validate with ``parse`` refuse a body the document would refuse, in the project's error shape."""

from __future__ import annotations

import functools
import json
from datetime import date
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.json_schema import models_json_schema

from market.errors import Invalid
from market.validate import MAX_ID, MAX_INT


def _id(description: str, example: int = 1):
    return Field(ge=1, le=MAX_ID, description=description, examples=[example])


class Body(BaseModel):
    """A request body: JSON types as declared (no "false" for false, no "12" for 12); unknown keys ignored."""

    model_config = ConfigDict(strict=True)


class Answer(BaseModel):
    """An answer: the fields named here are always there, with these types; others may be added."""

    model_config = ConfigDict(extra="allow")


# ---- errors ----

class ErrorDetail(Answer):
    code: str = Field(description="错误代码，如 invalid、not_found、forbidden", examples=["invalid"])
    message: str = Field(description="给用户看的中文说明", examples=["欠薪金额（amount_owed）应为整数"])
    fields: dict[str, str] = Field(description="填错的字段及其中文说明", examples=[{"amount_owed": "欠薪金额（amount_owed）应为整数"}])


class Error(Answer):
    """Every 4xx answer of the API."""

    error: ErrorDetail


# ---- sign-in ----

Phone = Field(max_length=32, description="手机号", examples=["13900000021"])


class CodeRequest(Body):
    phone: str = Phone
    purpose: str = Field(default="register", max_length=16, description="register：注册；reset：重设密码或认领账号",
                         examples=["register"])


class RegisterRequest(Body):
    phone: str = Phone
    code: str = Field(max_length=16, description="短信验证码", examples=["123456"])
    password: str = Field(max_length=128, description="密码，至少 8 位", examples=["mima12345"])
    role: str = Field(default="worker", max_length=16, description="worker：求职者；employer：招工单位", examples=["worker"])
    name: str = Field(default="", max_length=100, description="姓名或称呼", examples=["王师傅"])


class TokenRequest(Body):
    """Without a phone or a password the answer is 401, as for a wrong one."""

    phone: str = Field(default="", max_length=32, description="手机号", examples=["13900000021"])
    password: str = Field(default="", max_length=128, description="密码", examples=["demo12345"])


class ResetRequest(Body):
    phone: str = Phone
    code: str = Field(max_length=16, description="短信验证码", examples=["123456"])
    password: str = Field(max_length=128, description="新密码，至少 8 位", examples=["mima12345"])


class Token(Answer):
    token: str = Field(description="访问令牌：请求时放在 Authorization: Bearer 后面")


class SignedIn(Token):
    role: str = Field(description="身份：worker、employer、organiser、admin……", examples=["worker"])
    user_id: int = Field(description="用户编号")


# ---- postings ----

class EmployerBrief(Answer):
    id: int
    name: str = Field(examples=["东莞市长安精密五金有限公司"])
    verified: bool = Field(description="人社已核验单位资质")
    open_wage_complaints: int = Field(ge=0, description="已受理、未办结的欠薪投诉件数")


class JobSummary(Answer):
    """A posting in a list: everything but its description."""

    id: int
    external_id: str | None = Field(description="导入来源里的编号；平台自己发布的为空")
    title: str = Field(examples=["急招电焊工（二保焊）"])
    employer: EmployerBrief
    occupation: str | None = Field(description="工种代码", examples=["welder"])
    occupation_name: str | None = Field(description="工种名称", examples=["焊工"])
    adcode: str = Field(description="工作地点的区划代码", examples=["441900"])
    place: str | None = Field(description="工作地点", examples=["广东省东莞市"])
    address: str | None = Field(description="详细地址")
    lat: float | None
    lng: float | None
    wage_min: int = Field(description="工资下限（元）", examples=[7000])
    wage_max: int = Field(description="工资上限（元）", examples=[9500])
    wage_unit: str = Field(description="month | day | hour | piece", examples=["month"])
    wage_text: str = Field(examples=["7000-9500元/月"])
    employment_type: str = Field(description="full_time | gig_daily | seasonal | piece_rate | dispatch",
                                 examples=["full_time"])
    employment_type_name: str = Field(examples=["全职"])
    headcount: int = Field(description="招聘人数")
    benefits: list[str] = Field(examples=[["包吃", "包住"]])
    cert_required: str | None = Field(description="要求的证书")
    posted_at: date
    closes_at: date
    status: str = Field(description="open | paused | closed | taken_down | held（仅单位和人社可见）", examples=["open"])


class JobDetail(JobSummary):
    """One posting, as GET /jobs/{job_id} and the employer's writes answer it."""

    description: str = Field(examples=["长安镇五金厂招二保焊工，持证上岗。"])
    hired_count: int = Field(ge=0, description="已录用人数")


class JobPage(Answer):
    total: int = Field(ge=0, description="符合条件的岗位总数（确切数，不是估计）", examples=[45])
    hits: list[JobSummary]
    facets: dict[str, Any] = Field(description="各筛选项的岗位数")
    degraded: bool = Field(description="搜索引擎不可用、由数据库作答时为 true")
    limit: int
    offset: int
    did_you_mean: str | None = Field(description="没有结果时，可能想搜的词")


class JobList(Answer):
    items: list[JobSummary]


class JobCreate(Body):
    title: str = Field(max_length=60, description="岗位名称", examples=["电焊工"])
    occupation: str | None = Field(default=None, max_length=40, description="工种代码；不填按岗位名称推断", examples=["welder"])
    description: str = Field(default="", max_length=4000, description="岗位说明", examples=["二保焊，持证上岗。"])
    adcode: str = Field(max_length=12, description="工作地点的区划代码", examples=["441900"])
    address: str | None = Field(default=None, max_length=200, description="详细地址")
    wage_min: int = Field(ge=0, le=MAX_INT, description="工资下限（元）", examples=[6000])
    wage_max: int = Field(ge=0, le=MAX_INT, description="工资上限（元）", examples=[8000])
    wage_unit: str = Field(max_length=16, description="month | day | hour | piece", examples=["month"])
    employment_type: str = Field(max_length=16, description="full_time | gig_daily | seasonal | piece_rate | dispatch",
                                 examples=["full_time"])
    headcount: int = Field(ge=1, le=MAX_INT, description="招聘人数", examples=[2])
    benefits: list[str] = Field(default_factory=list, description="福利", examples=[["包吃", "包住"]])
    closes_at: date | None = Field(default=None, description="截止日期（不含当天）；不填为发布后 30 天", examples=["2026-07-01"])


class JobUpdate(Body):
    """Only the fields sent change."""

    title: str | None = Field(default=None, max_length=60)
    description: str | None = Field(default=None, max_length=4000)
    wage_min: int | None = Field(default=None, ge=0, le=MAX_INT)
    wage_max: int | None = Field(default=None, ge=0, le=MAX_INT)
    headcount: int | None = Field(default=None, ge=1, le=MAX_INT)
    benefits: list[str] | None = None
    closes_at: date | None = None


class JobStatusRequest(Body):
    action: Literal["pause", "resume", "close"] = Field(description="pause：暂停；resume：恢复；close：关闭",
                                                        examples=["pause"])


# ---- applications ----

class JobBrief(Answer):
    id: int
    title: str


class ApplicationOut(Answer):
    id: int
    job_id: int
    worker_id: int
    status: str = Field(description="applied | viewed | interview | hired | not_hired | withdrawn", examples=["applied"])
    status_name: str = Field(examples=["已投递"])
    applied_at: date
    interview_at: str | None = Field(description="面试时间（北京时间）", examples=["2026-06-05T10:00+08:00"])
    interview_place: str | None = Field(description="面试地点")


class ApplicationList(Answer):
    items: list[ApplicationOut]


class ApplicationStatusRequest(Body):
    status: str = Field(max_length=16, description="viewed | interview | hired | not_hired", examples=["interview"])
    interview_at: str | None = Field(default=None, max_length=40, description="面试时间，如 2026-06-05T10:00")
    interview_place: str | None = Field(default=None, max_length=200, description="面试地点")


# ---- workers ----

class Trade(Answer):
    code: str = Field(examples=["welder"])
    name: str | None = Field(examples=["焊工"])
    years: int | None = Field(description="从业年数", examples=[10])


class Profile(Answer):
    """The worker's own profile (the ID number only to the worker and staff)."""

    id: int
    name: str = Field(examples=["张建国"])
    current_adcode: str | None = Field(description="现在务工地", examples=["441900"])
    hometown_adcode: str | None = Field(description="户籍地", examples=["520502"])
    occupations: list[Trade]
    expected_wage: int | None = Field(description="期望月薪（元）", examples=[7500])
    preferred_type: str | None = Field(examples=["full_time"])
    mobility: str | None = Field(description="local | province | cross", examples=["cross"])
    discoverable: bool = Field(description="允许招工单位找到我")
    certificates: list[dict[str, Any]]


# ---- wage complaints ----

class ComplaintRequest(Body):
    """Numbers may also come as the text a form field holds ("3500", full-width digits too)."""

    employer_id: int | str | None = Field(default=None, description="被投诉单位（与 job_id 二选一）", examples=[1])
    job_id: int | str | None = Field(default=None, description="欠薪的岗位（与 employer_id 二选一）", examples=[1])
    amount_owed: int | str = Field(description="欠薪金额（元），整数", examples=[3000])
    period_start: date = Field(description="欠薪期间开始", examples=["2026-01-01"])
    period_end: date = Field(description="欠薪期间结束", examples=["2026-02-01"])
    description: str = Field(default="", max_length=2000, description="经过", examples=["拖欠两个月工资"])


class ComplaintOut(Answer):
    id: int
    status: str = Field(description="filed | in_progress | resolved | dismissed", examples=["filed"])
    status_name: str = Field(examples=["已提交"])
    employer: dict[str, Any] = Field(description="被投诉单位：id, name")
    job: dict[str, Any] | None = Field(description="岗位：id, title")
    amount_owed: int
    period_start: date
    period_end: date
    description: str
    history: list[dict[str, Any]] = Field(description="办理经过")


class ComplaintPage(Answer):
    items: list[ComplaintOut]
    total: int = Field(ge=0)
    limit: int
    offset: int


# ---- fairs ----

class FairRequest(Body):
    name: str = Field(max_length=100, description="招聘会名称", examples=["2026 春风行动 · 松桃专场"])
    kind: str = Field(max_length=32, description="类型代码，如 spring_breeze（春风行动）", examples=["spring_breeze"])
    starts_on: date = Field(description="开始日期", examples=["2026-03-01"])
    ends_on: date = Field(description="结束日期", examples=["2026-03-07"])
    adcode: str | None = Field(default=None, max_length=12, description="举办地的区划代码", examples=["520628"])
    address: str | None = Field(default=None, max_length=200, description="举办地址", examples=["松桃县体育馆广场"])
    online: bool = Field(default=False, description="线上招聘会")
    target_groups: list[str] = Field(default_factory=list, description="面向的人群，如 脱贫人口、返乡")


class FairOut(Answer):
    id: int
    name: str
    kind: str
    kind_name: str = Field(examples=["春风行动"])
    starts_on: date
    ends_on: date
    online: bool
    adcode: str | None
    place: str | None
    address: str | None
    target_groups: list[str]


class FairDetail(FairOut):
    employers: list[dict[str, Any]] = Field(description="参会单位：id, name, booth（展位号）, jobs")
    jobs: list[int] = Field(description="招聘会上的岗位编号")


class FairList(Answer):
    items: list[FairOut]


# ---- live sessions ----

class LiveSessionRequest(Body):
    title: str = Field(max_length=100, description="直播标题", examples=["春风行动直播带岗：东莞五金厂"])
    fair_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="所属招聘会")
    stream_url: str | None = Field(default=None, max_length=500, description="视频流地址（允许的来源）")


class JobIdRequest(Body):
    job_id: int = _id("岗位编号")


class QueueOrderRequest(Body):
    job_ids: list[int] = Field(description="队列里的每个岗位各一次，按新的顺序", examples=[[3, 1, 2]])


class QuestionRequest(Body):
    body: str = Field(max_length=100, description="提问，100 字以内", examples=["有夫妻房吗？"])


class LiveSessionOut(Answer):
    id: int
    title: str
    status: str = Field(description="scheduled | live | ended", examples=["scheduled"])
    status_name: str = Field(examples=["未开始"])
    fair_id: int | None
    stream_url: str | None
    on_air_job: dict[str, Any] | None = Field(description="正在上播的岗位")
    created_at: str
    ended_at: str | None
    events_url: str = Field(description="Server-Sent Events 地址", examples=["/live/1/events"])


class Items(Answer):
    items: list[dict[str, Any]]


# ---- decisions and smaller requests ----

class Decision(Body):
    approve: bool = Field(description="是否通过：true 通过，false 不通过", examples=[True])
    note: str = Field(default="", max_length=500, description="说明；不通过时写明原因", examples=["营业执照已核验"])


class SignupDecision(Body):
    approve: bool = Field(description="是否同意单位参会", examples=[True])
    booth: str | None = Field(default=None, max_length=20, description="展位号", examples=["A12"])


class BrandDecision(Body):
    confirm: bool = Field(description="是否确认：true 确认，false 驳回", examples=[True])


class TakeDownRequest(Body):
    reason: str = Field(default="", max_length=500, description="下架原因", examples=["虚假工资"])


class InvitationRequest(Body):
    worker_id: int = _id("邀请的求职者")


class ReportRequest(Body):
    reason: str = Field(max_length=32, description="fake_wage | fees | offsite_contact | fake_job | discrimination | other",
                        examples=["fees"])
    note: str | None = Field(default=None, max_length=500, description="补充说明")


class ComplaintActionRequest(Body):
    action: str = Field(max_length=32, description="accept | assign | contact | mediate | escalate_inspection | "
                        "escalate_arbitration | resolve | dismiss | note", examples=["accept"])
    note: str | None = Field(default=None, max_length=2000, description="办理记录")
    handler_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="指派给的工作人员")


class ComplaintStatusRequest(Body):
    status: str = Field(max_length=16, description="in_progress | resolved | dismissed", examples=["in_progress"])
    note: str = Field(default="", max_length=2000, description="办理说明；办结时必填")


class WorklogRequest(Body):
    application_id: int = _id("被录用的申请")
    work_date: date = Field(description="做工的日子", examples=["2026-06-01"])
    days: float | None = Field(default=None, description="0.5 或 1", examples=[1])
    hours: float | None = Field(default=None, description="工时", examples=[10])
    note: str | None = Field(default=None, max_length=200, description="备注")


class WorklogDecision(Body):
    confirm: bool = Field(description="true 确认；false 有异议", examples=[True])
    reason: str | None = Field(default=None, max_length=200, description="异议的理由（有异议时必填）")


class CheckinRequest(Body):
    code: str | None = Field(default=None, max_length=16, description="求职者的签到码（组织者代为签到时）")


class ModerateRequest(Body):
    action: str = Field(max_length=16, description="approve | hide | answer | pin | unpin", examples=["answer"])
    answer: str | None = Field(default=None, max_length=500, description="回答")
    pinned: bool | None = Field(default=None, description="置顶回答")


class EmployerRequest(Body):
    name: str = Field(max_length=100, description="单位名称", examples=["东莞市长安五金制品有限公司"])
    uscc: str = Field(max_length=18, description="统一社会信用代码", examples=["91441900MA4UJ0XK12"])
    adcode: str = Field(max_length=12, description="所在地的区划代码", examples=["441900"])


class OrganiserApplicationRequest(Body):
    phone: str = Phone
    code: str = Field(max_length=16, description="短信验证码", examples=["123456"])
    password: str = Field(max_length=128, description="密码，至少 8 位")
    name: str = Field(max_length=30, description="联系人姓名", examples=["刘主任"])
    organisation: str = Field(max_length=100, description="单位", examples=["毕节市七星关区人力资源和社会保障局"])
    adcode: str = Field(max_length=12, description="所在地的区划代码", examples=["520502"])
    purpose: str = Field(max_length=500, description="用途", examples=["春风行动专场招聘会"])


class PartnerRequest(Body):
    organisation: str = Field(max_length=100, description="机构名称", examples=["绵阳市技工学校"])
    adcode: str = Field(max_length=12, description="所在地的区划代码", examples=["510703"])
    station_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="所属零工驿站（驿站工作人员）")


class PolicyRequest(Body):
    title: str = Field(max_length=200, description="标题", examples=["某市农民工技能提升补贴实施办法"])
    issuer: str = Field(default="", max_length=100, description="发文机关", examples=["某市人力资源和社会保障局"])
    doc_number: str = Field(default="", max_length=60, description="文号", examples=["某人社发〔2026〕1号"])
    region_adcode: str | None = Field(default=None, max_length=12, description="适用地区的区划代码；不填为全国",
                                      examples=["510700"])
    issued_on: date | None = Field(default=None, description="发文日期", examples=["2026-01-05"])
    body: str = Field(default="", max_length=40000, description="正文")
    measures: str | list[dict[str, Any]] = Field(default="", description="措施，每行一条，★ 开头为农民工可用、"
                                                 "#规则代码 连到补贴规则；或列表：text, for_workers, rule")


class CourseRequest(Body):
    title: str = Field(max_length=100, description="课程名称", examples=["焊工（中级）培训班"])
    occupation: str = Field(max_length=40, description="工种代码", examples=["welder"])
    level: int | None = Field(default=None, description="技能等级 1-5", examples=[4])
    adcode: str = Field(max_length=12, description="上课地点的区划代码", examples=["510703"])
    address: str = Field(default="", max_length=200, description="上课地址")
    starts_on: date = Field(description="开课日期", examples=["2026-07-01"])
    ends_on: date = Field(description="结课日期", examples=["2026-07-20"])
    seats: int = Field(ge=1, le=MAX_INT, description="名额", examples=[40])
    subsidy_yuan: int | None = Field(default=None, ge=0, le=MAX_INT, description="补贴（元）", examples=[1500])


class StationRequest(Body):
    name: str = Field(max_length=100, description="驿站名称", examples=["长安镇零工驿站"])
    adcode: str = Field(max_length=12, description="所在地的区划代码", examples=["441900"])
    address: str = Field(max_length=200, description="地址", examples=["长安镇人民广场旁"])
    hours: str = Field(default="", max_length=100, description="开放时间", examples=["每天 6:00-18:00"])
    services: list[str] = Field(default_factory=list, description="服务项目", examples=[["零工登记", "政策咨询"]])
    lat: float | None = Field(default=None, description="纬度；不填用所在区县的位置", examples=[23.02])
    lng: float | None = Field(default=None, description="经度", examples=[113.75])
    phone: str = Field(default="", max_length=20, description="联系电话", examples=["0769-00000000"])


class TradeRequest(Body):
    code: str = Field(max_length=40, description="工种代码", examples=["welder"])
    years: int | None = Field(default=None, ge=0, le=80, description="从业年数", examples=[10])


class ProfileRequest(Body):
    """Only the fields sent change."""

    name: str | None = Field(default=None, max_length=30, description="姓名", examples=["王师傅"])
    current_adcode: str | None = Field(default=None, max_length=12, description="现在所在地", examples=["441900"])
    hometown_adcode: str | None = Field(default=None, max_length=12, description="户籍所在地", examples=["520502"])
    occupations: list[TradeRequest] | None = Field(default=None, description="会做的工种")
    certificates: list[dict[str, Any]] | None = Field(default=None, description="持有的证书：code, level?, number?")
    expected_wage: int | None = Field(default=None, ge=500, le=100000, description="期望月薪（元/月）", examples=[6500])
    preferred_type: str | None = Field(default=None, max_length=16, description="想做的工作类型", examples=["full_time"])
    mobility: str | None = Field(default=None, max_length=16, description="local | province | cross", examples=["cross"])
    labour_brand: str | None = Field(default=None, max_length=40, description="劳务品牌")
    discoverable: bool | None = Field(default=None, description="是否让招工单位找到我")
    sensitive_consent: bool | None = Field(default=None, description="同意处理敏感个人信息")
    id_number: str | None = Field(default=None, max_length=18, description="身份证号（须先同意）")
    priority_groups: list[str] | None = Field(default=None, description="重点群体，如 脱贫人口（须先同意）")


# What each route takes and answers. (method, path as market.openapi lists it) → request model, and the
# answers by status. Routes not named here take and answer a JSON object.
OPERATIONS: dict[tuple[str, str], tuple[type[Body] | None, dict[str, type[Answer]]]] = {
    ("post", "/auth/code"): (CodeRequest, {}),
    ("post", "/auth/register"): (RegisterRequest, {"201": SignedIn}),
    ("post", "/auth/token"): (TokenRequest, {"200": SignedIn}),
    ("post", "/auth/reset"): (ResetRequest, {"200": Token}),
    ("get", "/jobs"): (None, {"200": JobPage}),
    ("post", "/jobs"): (JobCreate, {"201": JobDetail}),
    ("get", "/jobs/{id}"): (None, {"200": JobDetail}),
    ("patch", "/jobs/{id}"): (JobUpdate, {"200": JobDetail}),
    ("post", "/jobs/{id}/status"): (JobStatusRequest, {"200": JobDetail}),
    ("get", "/employer/jobs"): (None, {"200": JobList}),
    ("post", "/jobs/{id}/applications"): (None, {"200": ApplicationOut, "201": ApplicationOut}),
    ("get", "/me/applications"): (None, {"200": ApplicationList}),
    ("get", "/jobs/{id}/applications"): (None, {"200": ApplicationList}),
    ("get", "/applications/{id}"): (None, {"200": ApplicationOut}),
    ("post", "/applications/{id}/withdraw"): (None, {"200": ApplicationOut}),
    ("post", "/applications/{id}/status"): (ApplicationStatusRequest, {"200": ApplicationOut}),
    ("get", "/me/profile"): (None, {"200": Profile}),
    ("put", "/me/profile"): (ProfileRequest, {"200": Profile}),
    ("post", "/complaints"): (ComplaintRequest, {"200": ComplaintOut, "201": ComplaintOut}),
    ("get", "/complaints"): (None, {"200": ComplaintPage}),
    ("get", "/complaints/{id}"): (None, {"200": ComplaintOut}),
    ("post", "/fairs"): (FairRequest, {"201": FairOut}),
    ("get", "/fairs"): (None, {"200": FairList}),
    ("get", "/fairs/{id}"): (None, {"200": FairDetail}),
    ("post", "/live/sessions"): (LiveSessionRequest, {"201": LiveSessionOut}),
    ("get", "/live/sessions/{id}"): (None, {"200": LiveSessionOut}),
    ("post", "/live/sessions/{id}/on-air"): (JobIdRequest, {}),
    ("post", "/live/sessions/{id}/end"): (None, {"200": LiveSessionOut}),
    ("get", "/live/sessions/{id}/queue"): (None, {"200": Items}),
    ("post", "/live/sessions/{id}/queue"): (JobIdRequest, {"201": Items}),
    ("put", "/live/sessions/{id}/queue"): (QueueOrderRequest, {"200": Items}),
    ("get", "/live/sessions/{id}/questions"): (None, {"200": Items}),
    ("post", "/live/sessions/{id}/questions"): (QuestionRequest, {"201": Answer}),
    ("post", "/live/sessions/{id}/applications"): (JobIdRequest, {"200": ApplicationOut, "201": ApplicationOut}),
    ("post", "/admin/employers/{id}/decision"): (Decision, {}),
    ("post", "/admin/organiser-applications/{id}/decision"): (Decision, {}),
    ("post", "/admin/partners/{id}/decision"): (Decision, {}),
    ("post", "/fairs/{id}/signups/{id}/decision"): (SignupDecision, {}),
    ("post", "/admin/brand-claims/{id}/decision"): (BrandDecision, {}),
    ("post", "/admin/jobs/{id}/take-down"): (TakeDownRequest, {}),
    ("post", "/jobs/{id}/invitations"): (InvitationRequest, {"200": Answer, "201": Answer}),
    ("post", "/jobs/{id}/reports"): (ReportRequest, {"200": Answer, "201": Answer}),
    ("post", "/complaints/{id}/actions"): (ComplaintActionRequest, {"200": ComplaintOut}),
    ("post", "/complaints/{id}/status"): (ComplaintStatusRequest, {"200": ComplaintOut}),
    ("post", "/worklog"): (WorklogRequest, {"201": Answer}),
    ("post", "/worklog/{id}/decision"): (WorklogDecision, {}),
    ("post", "/fairs/{id}/checkins"): (CheckinRequest, {}),
    ("post", "/live/sessions/{id}/questions/{id}"): (ModerateRequest, {}),
    ("post", "/employers"): (EmployerRequest, {"201": Answer}),
    ("put", "/employers/me"): (EmployerRequest, {}),
    ("post", "/organiser-applications"): (OrganiserApplicationRequest, {"201": Answer}),
    ("put", "/partners/me"): (PartnerRequest, {}),
    ("post", "/policies"): (PolicyRequest, {"201": Answer}),
    ("post", "/courses"): (CourseRequest, {"201": Answer}),
    ("post", "/stations"): (StationRequest, {"201": Answer}),
}

# Routes that make something answer 201 (some 200 when it was already there); the rest answer 200.
CREATED: dict[tuple[str, str], tuple[str, ...]] = {
    ("post", "/admin/workers"): ("201",), ("post", "/employers"): ("201",),
    ("post", "/fairs/{id}/signups"): ("201",), ("post", "/fairs/{id}/registrations"): ("201",),
    ("post", "/fairs/{id}/jobs"): ("200", "201"), ("post", "/organiser-applications"): ("201",),
    ("post", "/policies"): ("201",), ("post", "/stations"): ("201",), ("post", "/station/workers"): ("201",),
    ("post", "/courses"): ("201",), ("post", "/courses/{id}/signups"): ("200", "201"),
    ("post", "/worklog"): ("201",), ("post", "/brands/{id}/claim"): ("200", "201"),
    ("post", "/jobs/{id}/reports"): ("200", "201"), ("post", "/jobs/{id}/invitations"): ("200", "201"),
}

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Routes that answer a file rather than JSON: media types of the answer.
FILES: dict[tuple[str, str], tuple[str, ...]] = {
    ("get", "/fairs/{id}/template.xlsx"): (XLSX,),
    ("get", "/live/sessions/{id}/report.xlsx"): (XLSX,),
    ("get", "/worklog/export"): ("text/csv", XLSX),
}

_REF = "#/components/schemas/{model}"


@functools.cache
def components() -> dict[str, Any]:
    """Every model's JSON schema, keyed by model name, with references between them as OpenAPI puts them."""
    requests = {model for model, _ in OPERATIONS.values() if model is not None}
    answers = {model for _, out in OPERATIONS.values() for model in out.values()} | {Error}
    pairs = [(m, "validation") for m in sorted(requests, key=lambda m: m.__name__)]
    pairs += [(m, "serialization") for m in sorted(answers, key=lambda m: m.__name__)]
    _, schema = models_json_schema(pairs, ref_template=_REF)
    return schema["$defs"]


def ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": _REF.format(model=model.__name__)}


BodyT = TypeVar("BodyT", bound=Body)


def parse(model: type[BodyT], data: Any) -> BodyT:
    """``data`` as ``model``, or ``Invalid`` naming each wrong field in Chinese (the error shape of the API)."""
    try:  # through JSON, where strict mode reads "2026-06-01" as a date yet never "12" as 12
        return model.model_validate_json(json.dumps(data))
    except ValidationError as exc:
        raise Invalid(field_errors(model, exc)) from None


def field_errors(model: type[BaseModel], exc: ValidationError) -> dict[str, str]:
    """pydantic's errors in the project's words: {field: "说明（field）应为……"}, the first for each field."""
    out: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        loc = [str(part) for part in error["loc"]]
        name = loc[0] if loc else "body"
        info = model.model_fields.get(name)
        label = info.description.split("（")[0].split("，")[0].split("：")[0] if info and info.description else ""
        out.setdefault(name, f"{label}（{name}）{_message(error)}" if label else f"{name} {_message(error)}")
    return out


def _message(error: Any) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return "必填"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "应为整数"
    if kind in ("string_type",):
        return "应为文字"
    if kind in ("bool_type", "bool_parsing"):
        return "应为 true 或 false"
    if kind in ("list_type",):
        return "应为列表"
    if kind.startswith("date"):
        return "应为日期，如 2026-06-01"
    if kind == "greater_than_equal":
        return f"不能小于 {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"不能大于 {ctx.get('le')}"
    if kind == "string_too_long":
        return f"最多 {ctx.get('max_length')} 个字"
    if kind == "literal_error":
        return f"应为 {ctx.get('expected', '')} 之一"
    if kind == "model_type" or kind == "dict_type":
        return "应为 JSON 对象"
    return "填写有误"
