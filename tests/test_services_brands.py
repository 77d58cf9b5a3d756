"""Labour brands: a page per brand with its trade, home region, confirmed workers and the postings asking for it."""

from urllib.parse import quote


def test_every_brand_has_a_trade_and_a_home_region(client):
    brands = {b["name"]: b for b in client.get("/api/v1/brands").get_json()["items"]}
    assert {"贵州绣娘", "黔菜师傅", "羌绣", "草编"} <= set(brands)
    assert brands["羌绣"]["home_region"] == "四川省绵阳市北川羌族自治县"
    assert brands["黔菜师傅"]["occupation_name"] == "中式烹调师"


def test_a_claim_shows_on_the_brand_only_after_staff_confirm(make_worker, admin, make_employer):
    cook = make_worker(name="杨师傅", occupations=[{"code": "cook", "years": 12}])
    path = "/api/v1/brands/" + quote("黔菜师傅")
    r = cook.post(path + "/claim")
    assert r.status_code == 201 and r.get_json()["status"] == "claimed"
    assert cook.post(path + "/claim").status_code == 200  # once
    employer = make_employer()
    assert employer.get(path).get_json()["workers_count"] == 0
    claims = admin.get("/api/v1/admin/brand-claims").get_json()["items"]
    assert [c["worker_name"] for c in claims] == ["杨师傅"]
    assert admin.post(f"/api/v1/admin/brand-claims/{claims[0]['id']}/decision", {"confirm": True}).status_code == 200
    seen = employer.get(path).get_json()
    assert seen["workers_count"] == 1 and [(w["name"], w["years"]) for w in seen["workers"]] == [("杨师傅", 12)]
    assert cook.get("/api/v1/me/profile").get_json()["labour_brand"] == "黔菜师傅"
    assert "workers" not in cook.client.get(path).get_json()  # the public sees how many, not who


def test_only_staff_confirm_and_an_unknown_brand_is_refused(make_worker, make_employer):
    worker = make_worker()
    claim_id = worker.post("/api/v1/brands/" + quote("羌绣") + "/claim").get_json()["id"]
    for who in (worker, make_employer()):
        assert who.post(f"/api/v1/admin/brand-claims/{claim_id}/decision", {"confirm": True}).status_code == 403
    assert worker.post("/api/v1/brands/" + quote("不存在的品牌") + "/claim").status_code == 422
    assert worker.client.get("/api/v1/brands/" + quote("不存在的品牌")).status_code == 404


def test_the_brand_page_lists_postings_that_ask_for_it(make_job, client):
    make_job(title="招聘黔菜师傅 月薪过万", occupation="cook")
    make_job(title="电焊工")
    page = client.get("/brands/" + quote("黔菜师傅")).get_data(as_text=True)
    assert "招聘黔菜师傅 月薪过万" in page and "电焊工" not in page
    assert "贵州省" in page
