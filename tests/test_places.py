"""Places by name: what people type resolves to one region of cpca's table, or to the places it could be."""

from __future__ import annotations

import pytest

from vocab import places


@pytest.mark.parametrize(("typed", "adcode"), [
    ("广东东莞", "441900"),
    ("东莞市长安镇", "441900"),       # a town inside 东莞, not 长安区 of 西安 or 石家庄
    ("贵州 松桃", "520628"),          # the autonomous county by its spoken name, not the province
    ("贵州松桃", "520628"),
    ("广东省东莞市", "441900"),
    ("贵州省毕节市七星关区", "520502"),
    ("北京朝阳", "110105"),
    ("长春朝阳区", "220104"),
    ("吉林", "220000"),               # the province, not the city inside it
    ("吉林吉林", "220200"),
    ("辽宁朝阳", "211300"),
    ("湖北仙桃", "429004"),
    ("441900", "441900"),
    (" 深圳 南山 ", "440305"),
    ("北京市海淀区中关村街道", "110108"),
])
def test_typed_place_names_resolve_to_one_region(typed, adcode):
    found = places.resolve(typed)
    assert found.region is not None, typed
    assert found.region.adcode == adcode


def test_a_name_several_places_share_is_ambiguous_with_every_candidate_named():
    found = places.resolve("朝阳区")
    assert found.region is None and found.ambiguous
    assert [places.label(r) for r in found.candidates] == ["北京市朝阳区", "吉林省长春市朝阳区"]
    assert {places.label(r) for r in places.resolve("朝阳").candidates} == {
        "北京市朝阳区", "吉林省长春市朝阳区", "辽宁省朝阳市"}


@pytest.mark.parametrize("typed", ["火星", "", "999999", "   "])
def test_what_is_not_a_place_resolves_to_nothing(typed):
    found = places.resolve(typed)
    assert found.region is None and not found.ambiguous


def test_the_picker_walks_province_city_county():
    provinces = places.children(None)
    assert len(provinces) == 34 and provinces[0].name == "北京市"
    guangdong = [r.name for r in places.children("440000")]
    assert "东莞市" in guangdong and "深圳市" in guangdong
    assert "南山区" in [r.name for r in places.children("440300")]
    # A municipality's districts come straight under it; 仙桃 straight under 湖北; 东莞 has no counties.
    assert "朝阳区" in [r.name for r in places.children("110000")]
    assert "仙桃市" in [r.name for r in places.children("420000")]
    assert places.children("441900") == []
    assert places.steps("520628") == ("520000", "520600", "520628")
    assert places.steps("110105") == ("110000", "110105", None)


def test_children_endpoint_lists_the_next_level_and_resolve_asks_when_ambiguous(client):
    body = client.get("/api/v1/places/children?parent=440000").get_json()
    assert {"adcode": "441900", "name": "东莞市", "full_name": "广东省东莞市", "level": "city",
            "has_children": False} in body["items"]
    assert len(client.get("/api/v1/places/children").get_json()["items"]) == 34
    bad = client.get("/api/v1/places/children?parent=999999")
    assert bad.status_code == 422 and "parent" in bad.get_json()["error"]["fields"]
    one = client.get("/api/v1/places/resolve?q=贵州 松桃").get_json()
    assert one["place"]["adcode"] == "520628" and one["candidates"] == []
    two = client.get("/api/v1/places/resolve?q=朝阳区").get_json()
    assert two["place"] is None and [c["adcode"] for c in two["candidates"]] == ["110105", "220104"]
