"""The citizen's identity per viewer: operator yes, handler only when the case needs it, others masked."""

import pytest

from zhongshu.appeals import intake, services
from zhongshu.audit.models import AuditEvent
from zhongshu.core.errors import Forbidden


def appeal_for(users, **kw):
    data = intake.AppealInput(text="楼上漏水到我家", citizen_name="李建国", citizen_phone="13812345678", **kw)
    appeal, _ = intake.submit(users.operator, data, "hotline")
    return services.transition(users.operator, appeal.pk, "dispatch", department="zjj")


@pytest.mark.parametrize("role,needs,may", [
    ("operator", False, True),
    ("handler", False, False),
    ("handler", True, True),
    ("leader", True, False),
    ("analyst", True, False),
])
def test_identity_per_viewer(users, role, needs, may):
    appeal = appeal_for(users, reply_wanted=needs)
    actor = getattr(users, role)
    shown = services.citizen_identity(actor, appeal)
    assert shown == {"name": "李**", "phone": "138****5678", "masked": True, "may_reveal": may}
    if may:
        full = services.citizen_identity(actor, appeal, reveal=True)
        assert full["name"] == "李建国" and full["phone"] == "13812345678"
        event = AuditEvent.objects.get(action="appeal.identity_viewed")
        assert event.actor == actor.username and event.pii_digest == appeal.phone_digest
    else:
        with pytest.raises(Forbidden):
            services.citizen_identity(actor, appeal, reveal=True)


def test_other_department_cannot_read(users):
    appeal = appeal_for(users, identity_needed=True)
    with pytest.raises(Forbidden):
        services.get_appeal(users.other_handler, appeal.pk)
    assert not services.list_appeals(users.other_handler).exists()
    assert services.list_appeals(users.handler).get() == appeal


def test_detail_page_masks_and_reveal_is_audited(client, users, login):
    appeal = appeal_for(users, identity_needed=True)
    login("handler", username="h2", department="zjj")
    page = client.get(f"/appeals/{appeal.pk}/").content.decode()
    assert "李**" in page and "13812345678" not in page and 'data-testid="reveal"' in page
    fragment = client.post(f"/appeals/{appeal.pk}/identity").content.decode()
    assert "13812345678" in fragment
    assert AuditEvent.objects.filter(action="appeal.identity_viewed", actor="h2").count() == 1


def test_api_lists_masked(client, users, login):
    appeal_for(users)
    login("leader", username="l2")
    rows = client.get("/api/appeals/appeals").json()
    assert rows[0]["citizen_phone"] == "138****5678" and rows[0]["citizen_name"] == "李**"
    assert client.post(f"/api/appeals/appeals/{rows[0]['id']}/identity").status_code == 403
