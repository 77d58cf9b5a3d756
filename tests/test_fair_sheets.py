"""Job sheets: the Excel workbook a fair's employers fill in, imported row by row or refused as a whole."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import timedelta

import pytest
from openpyxl import Workbook, load_workbook

from market.fairs.sheets import COLUMNS, REQUIRED
from tests.fairkit import approved, multipart, new_fair, signed_in

HEADER = ["岗位名称", "工种", "招聘人数", "工资下限", "工资上限", "工资单位", "工作地点", "详细地址", "用工类型", "福利",
          "证书要求", "截止日期"]


def workbook(rows: list[list], header: list | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good_row(title: str = "电焊工", place: str = "广东省东莞市", **changes) -> list:
    row = dict(zip(HEADER, [title, "", 3, 6000, 8000, "元/月", place, "长安镇振安路 88 号", "全职", "包吃、包住",
                            "焊工证", ""], strict=True))
    row.update(changes)
    return [row[h] for h in HEADER]


def upload(api, fair_id: int, data: bytes, *, name: str = "jobs.xlsx", employer_id: int | None = None):
    body, content_type = multipart(data, name, {"employer_id": str(employer_id)} if employer_id is not None else {})
    headers = {"Authorization": f"Bearer {api.token}"} if api.token else {}
    return api.client.post(f"/api/v1/fairs/{fair_id}/jobs.xlsx", data=body, content_type=content_type,
                           headers=headers)


@pytest.fixture
def organiser(make_user):
    return make_user("organiser", name="铜仁市人社局")


@pytest.fixture
def fair(organiser, today):
    return new_fair(organiser, today)


@pytest.fixture
def booth(organiser, fair, make_employer):
    employer = make_employer()
    approved(organiser, employer, fair["id"], booth="A1")
    return employer


def fair_jobs(client, fair_id: int) -> list[dict]:
    ids = client.get(f"/api/v1/fairs/{fair_id}").get_json()["jobs"]
    return [client.get(f"/api/v1/jobs/{i}").get_json() for i in ids]


# ---- The template ----

def test_template_is_an_empty_workbook_with_the_contract_columns(client, fair):
    r = client.get(f"/api/v1/fairs/{fair['id']}/template.xlsx")
    assert r.status_code == 200
    assert r.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(r.data)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADER == list(COLUMNS)
    assert sheet.max_row == 1
    assert set(REQUIRED) == {"岗位名称", "招聘人数", "工资下限", "工资上限", "工资单位", "工作地点", "用工类型"}


def test_the_filled_in_template_imports(booth, fair, client):
    book = load_workbook(io.BytesIO(client.get(f"/api/v1/fairs/{fair['id']}/template.xlsx").data))
    book.worksheets[0].append(good_row())
    out = io.BytesIO()
    book.save(out)
    r = upload(booth, fair["id"], out.getvalue())
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {"accepted": 1, "rejected": []}


# ---- A good sheet ----

def test_good_sheet_becomes_the_fairs_postings(booth, fair, client, today):
    rows = [
        good_row(),
        good_row("保洁员", "贵州松桃", **{"工资单位": "元/小时", "工资下限": "20元", "工资上限": 25, "用工类型": "日结零工",
                                       "福利": "日结, 交通补贴", "证书要求": "", "截止日期": "2026/12/31"}),
        good_row("叉车司机", "441900", **{"工种": "叉车司机", "证书要求": "叉车证",
                                        "截止日期": today + timedelta(days=20)}),
    ]
    r = upload(booth, fair["id"], workbook(rows))
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {"accepted": 3, "rejected": []}
    jobs = {j["title"]: j for j in fair_jobs(client, fair["id"])}
    assert set(jobs) == {"电焊工", "保洁员", "叉车司机"}
    welder = jobs["电焊工"]
    assert welder["adcode"] == "441900" and welder["wage_unit"] == "month" and welder["headcount"] == 3
    assert welder["occupation"] == "welder"  # an empty 工种 is read from the title
    assert welder["benefits"] == ["包吃", "包住"]
    assert welder["cert_required"] == "特种作业操作证（焊接与热切割作业）"  # 焊工证, by the catalogue's name
    assert welder["closes_at"] == fair["ends_on"]  # empty 截止日期: the fair's last day
    cleaner = jobs["保洁员"]
    assert cleaner["adcode"] == "520628" and cleaner["wage_unit"] == "hour"
    assert (cleaner["wage_min"], cleaner["wage_max"]) == (20, 25)
    assert cleaner["employment_type"] == "gig_daily" and cleaner["benefits"] == ["日结", "交通补贴"]
    assert cleaner["closes_at"] == "2026-12-31"
    forklift = jobs["叉车司机"]
    assert forklift["closes_at"] == (today + timedelta(days=20)).isoformat()
    assert forklift["cert_required"] == "特种设备作业人员证（叉车司机）"


def test_uploading_the_same_row_again_updates_the_posting(booth, fair, client):
    upload(booth, fair["id"], workbook([good_row()]))
    r = upload(booth, fair["id"], workbook([good_row(**{"工资上限": 9000, "招聘人数": 5})]))
    assert r.get_json() == {"accepted": 1, "rejected": []}
    jobs = fair_jobs(client, fair["id"])
    assert len(jobs) == 1 and jobs[0]["wage_max"] == 9000 and jobs[0]["headcount"] == 5
    assert len(booth.get("/api/v1/employer/jobs").get_json()["items"]) == 1
    # the same title somewhere else is another posting
    upload(booth, fair["id"], workbook([good_row(place="贵州松桃")]))
    assert len(fair_jobs(client, fair["id"])) == 2


def test_bad_rows_are_reported_and_the_good_rows_still_commit(booth, fair, client):
    rows = [
        good_row("电焊工"),                                            # row 2: good
        good_row("普工", **{"工资下限": "面议"}),                      # row 3
        good_row("搬运工", **{"工作地点": "朝阳区"}),                   # row 4: two places of that name
        good_row("司机（限男性）"),                                      # row 5: the posting rules
        good_row("钟点工", **{"用工类型": "兼职", "证书要求": "魔法证"}),  # row 6: two columns wrong
        good_row("装配工", **{"工资下限": 9000, "工资上限": 6000}),      # row 7
        good_row("仓管员", **{"截止日期": "2020-01-01"}),              # row 8
        good_row("电工", **{"工作地点": "火星基地"}),                   # row 9
        good_row("木工", **{"工种": "魔法师"}),                        # row 10
        good_row("包装工"),                                            # row 11: good
    ]
    r = upload(booth, fair["id"], workbook(rows))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["accepted"] == 2
    by_row = {}
    for item in body["rejected"]:
        by_row.setdefault(item["row"], {})[item["field"]] = item["message"]
    assert set(by_row) == {3, 4, 5, 6, 7, 8, 9, 10}
    assert "数字" in by_row[3]["工资下限"]
    assert "北京市朝阳区" in by_row[4]["工作地点"] and "吉林省长春市朝阳区" in by_row[4]["工作地点"]
    assert "性别" in by_row[5]["岗位名称"]
    assert set(by_row[6]) == {"用工类型", "证书要求"}
    assert "最高工资" in by_row[7]["工资上限"]
    assert "晚于" in by_row[8]["截止日期"]
    assert "火星基地" in by_row[9]["工作地点"]
    assert "魔法师" in by_row[10]["工种"]
    assert sorted(j["title"] for j in fair_jobs(client, fair["id"])) == ["包装工", "电焊工"]


def test_columns_are_matched_after_trimming_in_any_order_and_others_are_ignored(booth, fair, client):
    header = [" 工作地点 ", "岗位名称", "备注", "招聘人数", "工资下限", "工资上限", "工资单位", "用工类型"]
    r = upload(booth, fair["id"], workbook([["东莞", "普工", "随便写", 10, 4500, 5500, "元/月", "全职"]], header=header))
    assert r.get_json() == {"accepted": 1, "rejected": []}
    assert fair_jobs(client, fair["id"])[0]["adcode"] == "441900"


def test_empty_rows_are_skipped_and_row_numbers_are_the_sheets(booth, fair):
    rows = [good_row(), [None] * 12, good_row("普工", **{"招聘人数": 0})]
    r = upload(booth, fair["id"], workbook(rows))
    assert r.get_json()["accepted"] == 1
    assert [x["row"] for x in r.get_json()["rejected"]] == [4]


def test_organiser_uploads_for_an_employer_which_signs_it_up(organiser, fair, make_employer, client):
    employer = make_employer(name="松桃县建筑劳务有限公司")
    r = upload(organiser, fair["id"], workbook([good_row("钢筋工", "贵州松桃")]), employer_id=employer.employer_id)
    assert r.status_code == 200 and r.get_json()["accepted"] == 1
    detail = client.get(f"/api/v1/fairs/{fair['id']}").get_json()
    assert [e["id"] for e in detail["employers"]] == [employer.employer_id]
    assert len(detail["jobs"]) == 1


def test_organiser_must_name_the_employer(organiser, fair):
    r = upload(organiser, fair["id"], workbook([good_row()]))
    assert r.status_code == 422 and "employer_id" in r.get_json()["error"]["fields"]


# ---- Files bad as a whole: refused, nothing imported ----

def _refused(api, fair_id: int, client, data: bytes, *, name: str = "jobs.xlsx") -> dict:
    r = upload(api, fair_id, data, name=name)
    assert 400 <= r.status_code < 500, r.get_json()
    assert client.get(f"/api/v1/fairs/{fair_id}").get_json()["jobs"] == []
    assert api.get("/api/v1/employer/jobs").get_json()["items"] == []
    return r.get_json()["error"]


def test_an_old_xls_file_is_told_to_be_saved_as_xlsx(booth, fair, client):
    xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096  # the OLE2 header every .xls starts with
    error = _refused(booth, fair["id"], client, xls, name="岗位.xls")
    assert ".xlsx" in error["message"] and "另存为" in error["message"]


def test_a_file_that_is_not_a_workbook_is_refused(booth, fair, client):
    error = _refused(booth, fair["id"], client, "岗位名称,招聘人数\n电焊工,3\n".encode(), name="jobs.csv")
    assert "不是 Excel 工作簿" in error["message"]
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("readme.txt", "hello")
    error = _refused(booth, fair["id"], client, other_zip.getvalue())
    assert "不是 Excel 工作簿" in error["message"]


def test_a_file_over_5_mb_is_refused(booth, fair, client):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet["A2"] = "x"
    # Incompressible bytes stored in the archive, so the file itself is over the limit.
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    padded = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(padded, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/media/padding.bin", os.urandom(5 * 1024 * 1024 + 10), compress_type=zipfile.ZIP_STORED)
    error = _refused(booth, fair["id"], client, padded.getvalue())
    assert "5 MB" in error["message"]


def test_more_than_2000_rows_is_refused(booth, fair, client):
    error = _refused(booth, fair["id"], client, workbook([good_row(f"普工{i}") for i in range(2001)]))
    assert "2000" in error["message"]


def test_2000_rows_is_accepted(booth, fair, client):
    r = upload(booth, fair["id"], workbook([good_row(f"普工{i}") for i in range(2000)]))
    assert r.status_code == 200 and r.get_json()["accepted"] == 2000


@pytest.mark.parametrize("missing", ["工资单位", "工作地点", "岗位名称"])
def test_a_missing_required_column_is_refused_naming_it(booth, fair, client, missing):
    header = [h for h in HEADER if h != missing]
    row = [v for h, v in zip(HEADER, good_row(), strict=True) if h != missing]
    error = _refused(booth, fair["id"], client, workbook([row], header=header))
    assert missing in error["message"]


def test_a_formula_anywhere_refuses_the_file(booth, fair, client):
    rows = [good_row(), good_row("普工", **{"工资上限": "=D3*2"})]
    error = _refused(booth, fair["id"], client, workbook(rows))
    assert "公式" in error["message"] and "第 3 行" in error["message"]


def test_a_workbook_with_macros_is_refused(booth, fair, client):
    data = workbook([good_row()])
    with_macro = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(with_macro, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/vbaProject.bin", b"\x00" * 64)
    error = _refused(booth, fair["id"], client, with_macro.getvalue(), name="jobs.xlsm")
    assert "宏" in error["message"]


def test_a_sheet_with_only_a_bad_row_imports_nothing_and_says_why(booth, fair, client):
    r = upload(booth, fair["id"], workbook([good_row(**{"工资单位": "元/年"})]))
    assert r.status_code == 200
    assert r.get_json()["accepted"] == 0
    [only] = r.get_json()["rejected"]
    assert (only["row"], only["field"]) == (2, "工资单位") and "元/小时" in only["message"]
    assert fair_jobs(client, fair["id"]) == []


# ---- Who may upload ----

def test_only_the_organiser_or_an_approved_employer_uploads(fair, make_employer, make_worker, make_user, organiser):
    data = workbook([good_row()])
    assert upload(make_worker(), fair["id"], data).status_code == 403
    assert upload(make_user("organiser", name="别的人社局"), fair["id"], data, employer_id=1).status_code == 403
    pending = make_employer(name="待审核单位有限公司")
    pending.post(f"/api/v1/fairs/{fair['id']}/signups")
    assert upload(pending, fair["id"], data).status_code == 403
    stranger = make_employer(name="没报名的单位有限公司")
    assert upload(stranger, fair["id"], data).status_code == 403
    anonymous = type(organiser)(organiser.client, None, None)
    assert upload(anonymous, fair["id"], data).status_code == 401


# ---- The upload page ----

def test_organiser_upload_page_shows_the_report(organiser, fair, booth, app):
    web = signed_in(app, organiser)
    data = workbook([good_row(), good_row("普工", **{"工资下限": "面议"})])
    body, content_type = multipart(data, "jobs.xlsx", {"employer_id": str(booth.employer_id)})
    r = web.post(f"/fairs/{fair['id']}/upload", data=body, content_type=content_type)
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "导入 1 个岗位" in page and "<td>3</td><td>工资下限</td>" in page


def test_upload_page_shows_a_whole_file_refusal(organiser, fair, booth, app):
    web = signed_in(app, booth)
    r = web.post(f"/fairs/{fair['id']}/upload", data={"file": (io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" * 8),
                                                                "old.xls")},
                 content_type="multipart/form-data")
    assert r.status_code == 415
    assert "另存为" in r.get_data(as_text=True)
