"""The OpenAPI document describes the API that is there: every route, and only routes that exist."""

import re


def _api_routes(app):
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "openapi.openapi_json":
            path = re.sub(r"<(?:\w+:)?\w+>", "{id}", rule.rule[len("/api/v1"):])
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.add((method.lower(), path))
    return routes


def test_openapi_lists_exactly_the_api_routes(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    documented = {(m, re.sub(r"\{\w+\}", "{id}", p)) for p, ops in doc["paths"].items() for m in ops}
    assert documented == _api_routes(app)


def test_each_path_parameter_is_named_as_the_route_names_it(client):
    """OpenAPI needs each parameter of a path named once: /fairs/{fair_id}/signups/{signup_id}/decision."""
    doc = client.get("/api/v1/openapi.json").get_json()
    op = doc["paths"]["/fairs/{fair_id}/signups/{signup_id}/decision"]["post"]
    assert [(p["name"], p["schema"]["type"]) for p in op["parameters"] if p["in"] == "path"] == [
        ("fair_id", "integer"), ("signup_id", "integer")]
    assert doc["paths"]["/brands/{name}"]["get"]["parameters"][0]["schema"]["type"] == "string"


def test_unknown_api_path_answers_in_the_error_shape(client):
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404
    assert r.get_json()["error"]["message"]
