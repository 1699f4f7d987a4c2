"""The ninja API: intake with idempotency, the queue, a workflow step, alerts, Open311 clients."""

from zhongshu.appeals.models import Appeal


def test_api_intake_and_steps(client, login, users):
    login("operator", username="api_op")
    body = {"text": "小区物业乱收费", "citizen_phone": "13812345678", "idempotency_key": "k-1"}
    first = client.post("/api/appeals/intake", body, content_type="application/json").json()
    again = client.post("/api/appeals/intake", body, content_type="application/json").json()
    assert first["id"] == again["id"] and again["created"] is False and Appeal.objects.count() == 1
    assert first["citizen_phone"] == "138****5678"
    bad = client.post("/api/appeals/intake", {"text": ""}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["field"] == "text"
    steps = client.get(f"/api/appeals/appeals/{first['id']}/steps").json()
    assert "dispatch" in [s["action"] for s in steps]
    moved = client.post(f"/api/appeals/appeals/{first['id']}/transition", {"action": "dispatch", "department": "zjj"},
                        content_type="application/json").json()
    assert moved["state"] == "dispatched" and moved["department"] == "zjj"
    denied = client.post(f"/api/appeals/appeals/{first['id']}/transition", {"action": "reply", "reply_text": "x"},
                         content_type="application/json")
    assert denied.status_code == 403
    assert client.get("/api/appeals/appeals", {"state": "dispatched"}).json()[0]["id"] == first["id"]
    assert set(client.get("/api/appeals/due").json()) == {"overdue", "near_due"}
    assert client.get("/api/appeals/alerts").status_code == 200
    history = client.post("/api/appeals/caller-history", {"phone": "13812345678"}, content_type="application/json")
    assert history.json()[0]["id"] == first["id"]
    suggestion = client.post("/api/appeals/suggest", {"text": "噪声扰民"}, content_type="application/json").json()
    assert suggestion["source"] == "rules" and suggestion["reasons"]


def test_api_open311_client_for_sysadmin(client, login, departments):
    login("sysadmin")
    out = client.post("/api/appeals/open311/clients", {"name": "app"}, content_type="application/json").json()
    assert len(out["api_key"]) > 20
