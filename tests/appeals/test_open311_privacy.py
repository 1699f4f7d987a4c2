"""Open311 publishes only what the county marks public, scrubbed, without tracking codes, rate-limited.

Reproduces the findings of issue #7: anonymous `GET requests.json` returned every channel's appeals
(举报 included) with names, flat addresses, landlines and plates in the text and the tracking code
that opens the citizen's reply; 25 posts in about a second were all accepted; 30 bad-key posts
wrote 30 audit records.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest
from django.test import Client

from zhongshu.accounts.system import SYSTEM
from zhongshu.appeals import intake, open311
from zhongshu.appeals.models import Appeal, Category
from zhongshu.audit.models import AuditEvent
from zhongshu.core.errors import Forbidden

REPORT_MARK = "举报标记：某养殖场夜间偷排污水"


@pytest.fixture
def api_key(departments):
    from zhongshu.appeals.taxonomy import ensure_categories

    ensure_categories()
    _client, key = open311.create_client(SYSTEM, "随手拍 app")
    return key


def post(client, api_key, description="夜里工地施工噪声很大", **extra):
    code = Category.objects.get(level2="噪声扰民").code
    data = {"api_key": api_key, "service_code": code, "lat": "35.58812", "long": "118.83561",
            "address_string": "山东省日照市莒县城阳街道幸福小区3号楼2单元501室", "description": description,
            "first_name": "建国", "last_name": "王", "phone": "13912345678", "email": "w@example.com", **extra}
    return client.post("/open311/v2/requests.json", data)


@pytest.fixture
def world(api_key, users, planted):
    """An Open311 complaint, a hotline complaint and a hotline 举报, each carrying the planted identifiers."""
    posted = post(Client(REMOTE_ADDR="10.1.0.1"), api_key, description=planted.text)
    assert posted.status_code == 200, posted.content
    hotline, _ = intake.submit(users.operator, intake.AppealInput(
        text="热线：" + planted.text, citizen_name="王建国", citizen_phone="13912345678"), "hotline")
    report, _ = intake.submit(users.operator, intake.AppealInput(
        text=REPORT_MARK + planted.text, appeal_type="report", citizen_name="李四", citizen_phone="13700001111"),
        "hotline")
    return posted.json()[0], hotline, report


def everything_public(client) -> str:
    """Every anonymous Open311 read, concatenated."""
    bodies = []
    for fmt in ("json", "xml"):
        listing = client.get(f"/open311/v2/requests.{fmt}")
        assert listing.status_code == 200
        bodies.append(listing.content.decode())
    for row in client.get("/open311/v2/requests.json").json():
        bodies.append(client.get(f"/open311/v2/requests/{row['service_request_id']}.json").content.decode())
        bodies.append(client.get(f"/open311/v2/requests/{row['service_request_id']}.xml").content.decode())
    return "\n".join(bodies)


def test_anonymous_reads_hold_no_identifier_no_report_and_no_tracking_code(client, world, planted):
    created, hotline, report = world
    body = everything_public(client)
    rows = client.get("/open311/v2/requests.json").json()
    assert len(rows) == 1  # only the Open311 complaint is public by default: not the hotline, never 举报
    for value in planted.identifiers:
        assert value not in body, value
    assert "建国" not in body and "example.com" not in body
    assert REPORT_MARK not in body and "热线：" not in body
    for appeal in Appeal.objects.all():
        assert appeal.tracking_code not in body
    description = rows[0]["description"]
    assert "【手机号】" in description and "【身份证号】" in description and "油烟" in description
    assert rows[0]["address"] == "山东省日照市莒县城阳街道"
    assert rows[0]["lat"] == 35.59 and rows[0]["long"] == 118.84  # about a kilometre
    # the submitting client gets an opaque id, and the token maps to the same opaque id
    assert created["service_request_id"] == rows[0]["service_request_id"]
    token = client.get(f"/open311/v2/tokens/{created['token']}.json").json()[0]
    assert token["service_request_id"] == created["service_request_id"]


def test_public_id_opens_nothing_else(client, world):
    created, hotline, _report = world
    public_id = created["service_request_id"]
    tracking = Appeal.objects.get(channel="open311").tracking_code
    assert public_id != tracking
    track = client.get("/appeals/public/track/", {"code": public_id})
    assert track.status_code == 200 and b'data-testid="status"' not in track.content
    # tracking codes do not open Open311 details, and unpublished appeals are not found by their id either
    assert client.get(f"/open311/v2/requests/{tracking}.json").status_code == 404
    assert client.get(f"/open311/v2/requests/{open311.public_id(hotline)}.json").status_code == 404
    assert client.get("/open311/v2/requests.json", {"service_request_id": tracking}).json() == []


def test_publication_policy_is_the_countys(client, world, users, planted):
    _created, hotline, report = world
    with pytest.raises(Forbidden):
        open311.set_publication(users.operator, channels=["open311", "hotline"], types=["complaint"])
    open311.set_publication(users.sysadmin, channels=["open311", "hotline"],
                            types=["consult", "help", "complaint", "suggestion", "praise"])
    ids = {r["service_request_id"] for r in client.get("/open311/v2/requests.json").json()}
    assert open311.public_id(hotline) in ids and open311.public_id(report) not in ids
    event = AuditEvent.objects.get(action="open311.publication_changed")
    assert event.actor == users.sysadmin.username and "hotline" in event.details["channels"]
    body = everything_public(client)
    for value in planted.identifiers:
        assert value not in body, value
    assert REPORT_MARK not in body


def test_publication_policy_on_the_admin_page(client, login, departments):
    login("sysadmin")
    page = client.get("/appeals/open311-clients/").content.decode()
    assert 'data-testid="publication"' in page
    client.post("/appeals/open311-clients/", {"op": "publication", "channels": ["open311", "web"],
                                              "types": ["complaint", "help"]})
    policy = open311.publication()
    assert policy.channels == ("web", "open311") and policy.types == ("help", "complaint")
    assert AuditEvent.objects.filter(action="open311.publication_changed").count() == 1


def test_page_size(client, api_key):
    for i in range(5):
        assert post(client, api_key, description=f"第{i}处工地噪声").status_code == 200
    assert len(client.get("/open311/v2/requests.json").json()) == 5
    assert len(client.get("/open311/v2/requests.json", {"page_size": 2}).json()) == 2
    assert len(client.get("/open311/v2/requests.json", {"page_size": 2, "page": 3}).json()) == 1
    bad = client.get("/open311/v2/requests.json", {"page_size": 5000})
    assert bad.status_code == 400 and bad.json()[0]["code"] == 400


def test_25_posts_in_a_second_are_limited(api_key):
    client = Client(REMOTE_ADDR="10.2.0.1")
    codes = [post(client, api_key, description=f"第{i}次反映噪声").status_code for i in range(25)]
    assert codes[:20] == [200] * 20 and set(codes[20:]) == {429}
    refused = post(client, api_key)
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert refused.json()[0]["code"] == 429
    assert Appeal.objects.count() == 20
    assert AuditEvent.objects.filter(action="open311.rate_limited").count() == 1  # aggregated


def test_post_limit_per_key_holds_across_addresses(api_key, settings):
    settings.ZHONGSHU_OPEN311_POST_KEY_LIMIT = "3/60"
    codes = [post(Client(REMOTE_ADDR=f"10.3.0.{i}"), api_key).status_code for i in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_30_bad_key_posts_write_at_most_two_audit_records(departments):
    from zhongshu.appeals.taxonomy import ensure_categories

    ensure_categories()
    client = Client(REMOTE_ADDR="10.4.0.1")
    before = AuditEvent.objects.count()
    codes = [post(client, f"wrong-key-{i}").status_code for i in range(30)]
    assert set(codes) <= {403, 429} and codes[0] == 403
    assert AuditEvent.objects.count() - before <= 2


def test_anonymous_reads_are_limited(client, departments, settings):
    settings.ZHONGSHU_OPEN311_READ_LIMIT = "5/60"
    codes = [client.get("/open311/v2/services.json").status_code for _ in range(7)]
    assert codes == [200] * 5 + [429] * 2
    refused = client.get("/open311/v2/requests.xml")
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    root = ET.fromstring(refused.content)
    assert root.tag == "errors" and root[0].find("code").text == "429"
    assert Client(REMOTE_ADDR="10.5.0.1").get("/open311/v2/services.json").status_code == 200  # per address
    assert AuditEvent.objects.filter(action="open311.rate_limited").count() == 1


def test_public_ids_round_trip_and_guesses_open_nothing(world):
    created, hotline, report = world
    for appeal in (hotline, report):
        assert open311.appeal_pk(open311.public_id(appeal)) == appeal.pk
    assert open311.appeal_pk(created["service_request_id"].lower()) is not None
    changed = created["service_request_id"][:-2] + ("AA" if created["service_request_id"][-2:] != "AA" else "BB")
    for guess in ("A" * 26, "2" * 26, "NOPE", "", "1" * 26, changed, hotline.tracking_code):
        assert open311.appeal_pk(guess) is None, guess


def test_bad_publication_values_are_refused(users):
    from zhongshu.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="channels"):
        open311.set_publication(users.sysadmin, channels=["twitter"], types=["complaint"])
    assert open311.publication().channels == open311.DEFAULT_CHANNELS
    assert not AuditEvent.objects.filter(action="open311.publication_changed").exists()
