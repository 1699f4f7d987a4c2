"""Open311 GeoReport v2: services, requests, tokens in JSON and XML, errors, api_key, jurisdiction."""

from xml.etree import ElementTree as ET

import pytest

from zhongshu.accounts.system import SYSTEM
from zhongshu.appeals import open311
from zhongshu.appeals.models import Appeal, Category

FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
          "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
          "address", "address_id", "zipcode", "lat", "long", "media_url", "zhongshu_state"}


@pytest.fixture
def api_key(departments):
    from zhongshu.appeals.taxonomy import ensure_categories

    ensure_categories()
    _client, key = open311.create_client(SYSTEM, "随手拍 app")
    return key


def code_of(level2):
    return Category.objects.get(level2=level2).code


def submit(client, api_key, fmt="json", **extra):
    data = {"api_key": api_key, "service_code": code_of("噪声扰民"), "lat": "35.588", "long": "118.835",
            "description": "夜里工地施工噪声很大，电话13812345678", "first_name": "明", "last_name": "王",
            "phone": "13812345678", "email": "w@example.com", "jurisdiction_id": "371122", **extra}
    return client.post(f"/open311/v2/requests.{fmt}", data)


def test_services_json_and_xml(client, departments):
    rows = client.get("/open311/v2/services.json").json()
    assert {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"} <= set(rows[0])
    assert any(r["service_name"] == "噪声扰民" for r in rows)
    root = ET.fromstring(client.get("/open311/v2/services.xml").content)
    assert root.tag == "services" and root[0].tag == "service" and root[0].find("service_code") is not None
    code = rows[0]["service_code"]
    assert client.get(f"/open311/v2/services/{code}.json").json() == {"service_code": code, "attributes": []}
    definition = ET.fromstring(client.get(f"/open311/v2/services/{code}.xml").content)
    assert definition.tag == "service_definition" and definition.find("service_code").text == code


def test_post_and_read_back(client, api_key):
    response = submit(client, api_key)
    assert response.status_code == 200, response.content
    created = response.json()[0]
    assert set(created) >= {"service_request_id", "token", "service_notice", "account_id"}
    rid = created["service_request_id"]
    appeal = Appeal.objects.get(tracking_code=created["zhongshu_tracking_code"])  # for the submitting client only
    assert rid == open311.public_id(appeal) != appeal.tracking_code
    assert appeal.channel == "open311" and appeal.citizen_name == "王 明" and appeal.category.level2 == "噪声扰民"
    one = client.get(f"/open311/v2/requests/{rid}.json").json()
    assert len(one) == 1 and set(one[0]) == FIELDS
    body = one[0]
    assert body["status"] == "open" and body["zhongshu_state"] == "received" and body["service_name"] == "噪声扰民"
    assert "13812345678" not in str(one) and "王" not in str(one) and "example.com" not in str(one)
    assert "【手机号】" in body["description"]
    assert body["requested_datetime"].endswith("+08:00")
    token = client.get(f"/open311/v2/tokens/{created['token']}.json").json()
    assert token == [{"service_request_id": rid, "token": created["token"]}]
    xml = ET.fromstring(client.get(f"/open311/v2/requests/{rid}.xml").content)
    assert xml.tag == "service_requests" and xml[0].tag == "request"
    assert {c.tag for c in xml[0]} == FIELDS and xml[0].find("service_request_id").text == rid


def test_post_xml(client, api_key):
    root = ET.fromstring(submit(client, api_key, fmt="xml").content)
    assert root.tag == "service_requests" and root[0].find("service_request_id").text


def test_search(client, api_key):
    ids = [submit(client, api_key).json()[0]["service_request_id"] for _ in range(2)]
    submit(client, api_key, service_code=code_of("物业管理"))
    assert len(client.get("/open311/v2/requests.json").json()) == 3
    assert len(client.get("/open311/v2/requests.json", {"service_code": code_of("物业管理")}).json()) == 1
    assert {r["service_request_id"] for r in client.get(
        "/open311/v2/requests.json", {"service_request_id": ",".join(ids)}).json()} == set(ids)
    assert client.get("/open311/v2/requests.json", {"status": "closed"}).json() == []
    assert len(client.get("/open311/v2/requests.json", {"status": "open"}).json()) == 3
    assert client.get("/open311/v2/requests.json", {"start_date": "2000-01-01T00:00:00Z",
                                                    "end_date": "2000-02-01T00:00:00Z"}).json() == []
    bad = client.get("/open311/v2/requests.json", {"start_date": "yesterday"})
    assert bad.status_code == 400 and bad.json()[0]["code"] == 400


def error_of(response):
    body = response.json()
    assert isinstance(body, list) and set(body[0]) == {"code", "description"}
    return response.status_code, body[0]["code"]


def test_errors(client, api_key):
    assert error_of(submit(client, "")) == (403, 403)
    assert error_of(submit(client, "wrong-key")) == (403, 403)
    assert error_of(submit(client, api_key, jurisdiction_id="110101")) == (404, 404)
    assert error_of(submit(client, api_key, service_code="NOPE")) == (400, 400)
    assert error_of(submit(client, api_key, service_code="")) == (400, 400)
    assert error_of(submit(client, api_key, lat="", long="")) == (400, 400)
    assert error_of(submit(client, api_key, lat="95", long="118")) == (400, 400)
    assert error_of(submit(client, api_key, description="")) == (400, 400)
    assert error_of(submit(client, api_key, description="x" * 4001)) == (400, 400)
    assert error_of(client.get("/open311/v2/requests/NOPE.json")) == (404, 404)
    assert error_of(client.get("/open311/v2/services/NOPE.json")) == (404, 404)
    assert error_of(client.get("/open311/v2/tokens/NOPE.json")) == (404, 404)
    assert client.get("/open311/v2/services.csv").status_code == 404
    xml = ET.fromstring(submit(client, "bad", fmt="xml").content)
    assert xml.tag == "errors" and xml[0].tag == "error" and xml[0].find("code").text == "403"
    assert not Appeal.objects.exists()


def test_replay_with_idempotency_key(client, api_key):
    first = submit(client, api_key, zhongshu_idempotency_key="abc-1").json()[0]
    again = submit(client, api_key, zhongshu_idempotency_key="abc-1").json()[0]
    assert again["service_request_id"] == first["service_request_id"] and again["service_notice"]
    assert Appeal.objects.count() == 1


def test_revoked_client(client, api_key):
    c, key = open311.create_client(SYSTEM, "old")
    open311.set_client_active(SYSTEM, c.pk, False)
    assert submit(client, key).status_code == 403


def test_admin_page_shows_key_once(client, login, departments):
    login("sysadmin")
    page = client.post("/appeals/open311-clients/", {"name": "网格员 app"}).content.decode()
    assert 'data-testid="new-key"' in page
    assert 'data-testid="new-key"' not in client.get("/appeals/open311-clients/").content.decode()


def test_admin_page_is_for_sysadmin_only(client, login, departments):
    login("operator")
    assert client.get("/appeals/open311-clients/").status_code == 403
