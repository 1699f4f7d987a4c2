"""The transition table: allowed and denied per role and state; effects; every step audited."""

import datetime as dt

import pytest

from zhongshu.appeals import services, workflow
from zhongshu.appeals.models import Appeal, AppealAlert, AppealEvent, TriageCorrection
from zhongshu.audit.models import AuditEvent
from zhongshu.core.errors import Forbidden, InvalidInput


def walk_to(appeal, state, users):
    """Drive an appeal to `state` through the real workflow."""
    path = {
        "received": [],
        "dispatched": [("operator", "dispatch", {"department": "zjj"})],
        "handling": [("operator", "dispatch", {"department": "zjj"}), ("handler", "acknowledge", {})],
        "returned": [("operator", "dispatch", {"department": "zjj"}), ("handler", "return", {"reason": "不归我局"})],
        "replied": [("operator", "dispatch", {"department": "zjj"}), ("handler", "acknowledge", {}),
                    ("handler", "reply", {"reply_text": "已修复"})],
        "closed": [("operator", "dispatch", {"department": "zjj"}), ("handler", "acknowledge", {}),
                   ("handler", "reply", {"reply_text": "已修复"}), ("operator", "approve", {})],
    }[state]
    for who, action, inputs in path:
        services.transition(getattr(users, who), appeal.pk, action, **inputs)
    return Appeal.objects.get(pk=appeal.pk)


# (role, action, state, allowed)
MATRIX = [
    ("operator", "dispatch", "received", True),
    ("handler", "dispatch", "received", False),
    ("leader", "dispatch", "received", False),
    ("analyst", "dispatch", "received", False),
    ("operator", "acknowledge", "dispatched", False),
    ("handler", "acknowledge", "dispatched", True),
    ("other_handler", "acknowledge", "dispatched", False),  # another department
    ("handler", "acknowledge", "received", False),  # wrong state
    ("handler", "return", "handling", True),
    ("handler", "reply", "handling", True),
    ("handler", "reply", "dispatched", False),
    ("operator", "reply", "handling", False),
    ("operator", "approve", "replied", True),
    ("handler", "approve", "replied", False),
    ("operator", "reject_reply", "replied", True),
    ("operator", "follow_up", "closed", True),
    ("handler", "follow_up", "closed", False),
    ("operator", "follow_up", "replied", False),
    ("leader", "supervise", "handling", True),
    ("operator", "supervise", "handling", False),
    ("leader", "supervise", "closed", False),
    ("operator", "remind", "handling", True),
    ("leader", "remind", "dispatched", True),
    ("handler", "request_extension", "handling", True),
    ("operator", "cohandle", "handling", True),
    ("operator", "dispatch", "returned", True),
    ("auditor", "dispatch", "received", False),
    ("sysadmin", "dispatch", "received", False),
]


@pytest.mark.parametrize("role,action,state,expected", MATRIX, ids=[f"{r}-{a}-{s}" for r, a, s, _ in MATRIX])
def test_transition_matrix(users, new_appeal, role, action, state, expected):
    appeal = walk_to(new_appeal(), state, users)
    actor = getattr(users, role)
    assert workflow.decide_transition(actor, appeal, action).allowed is expected
    assert (workflow.BY_NAME[action] in workflow.available(actor, appeal)) is expected


def test_full_loop_with_reopen(users, new_appeal):
    appeal = walk_to(new_appeal(citizen_phone="139 0633 7781", reply_wanted=True), "closed", users)
    assert appeal.closed_at is not None
    appeal = services.transition(users.operator, appeal.pk, "follow_up", satisfaction="unsatisfied")
    assert appeal.state == "reopened" and appeal.reopen_count == 1
    appeal = services.transition(users.operator, appeal.pk, "dispatch", department="zjj")
    assert appeal.state == "dispatched"
    for who, action, inputs in (("handler", "acknowledge", {}), ("handler", "reply", {"reply_text": "再次处理"}),
                                ("operator", "approve", {}), ("operator", "follow_up", {"satisfaction": "satisfied"})):
        appeal = services.transition(getattr(users, who), appeal.pk, action, **inputs)
    assert appeal.state == "followed_up" and appeal.satisfaction == "satisfied"
    actions = list(AppealEvent.objects.filter(appeal=appeal).values_list("action", flat=True))
    assert actions[0] == "receive" and actions.count("dispatch") == 2
    audited = set(AuditEvent.objects.filter(object_id=appeal.tracking_code).values_list("action", flat=True))
    assert {"appeal.received", "appeal.dispatch", "appeal.acknowledge", "appeal.reply", "appeal.approve",
            "appeal.follow_up"} <= audited
    # the citizen's phone is never in the audit log; only its digest (a hex digest may contain any
    # three digits by chance, so the test looks for the number itself and its last eight digits)
    assert appeal.citizen_phone == "13906337781"
    assert not AuditEvent.objects.filter(details__icontains="13906337781").exists()
    assert not AuditEvent.objects.filter(details__icontains="06337781").exists()


def test_denied_step_raises_and_is_audited(users, new_appeal):
    appeal = new_appeal()
    with pytest.raises(Forbidden):
        services.transition(users.handler, appeal.pk, "dispatch", department="zjj")
    assert AuditEvent.objects.filter(action="authz.denied", actor=users.handler.username).exists()
    assert Appeal.objects.get(pk=appeal.pk).state == "received"


def test_return_needs_reason_and_records_correction(users, new_appeal):
    appeal = walk_to(new_appeal(), "handling", users)
    with pytest.raises(InvalidInput, match="reason"):
        services.transition(users.handler, appeal.pk, "return")
    appeal = services.transition(users.handler, appeal.pk, "return", reason="属于环保")
    assert appeal.state == "returned" and appeal.department is None and appeal.return_count == 1
    row = TriageCorrection.objects.get(appeal=appeal, field="return")
    assert row.suggested == "zjj" and row.reason == "属于环保"
    # the handler no longer sees the appeal
    assert not services.scoped(users.handler).filter(pk=appeal.pk).exists()
    services.transition(users.operator, appeal.pk, "dispatch", department="sthj")
    assert TriageCorrection.objects.filter(appeal=appeal, field="department", corrected="sthj").exists()


def test_extension_needs_approval(users, new_appeal):
    appeal = walk_to(new_appeal(), "handling", users)
    before = appeal.deadline
    appeal = services.transition(users.handler, appeal.pk, "request_extension", reason="需现场勘查", days=5)
    assert appeal.deadline == before and appeal.extension_until > before
    assert not workflow.decide_transition(users.handler, appeal, "request_extension").allowed
    appeal = services.transition(users.operator, appeal.pk, "approve_extension")
    assert appeal.deadline > before and appeal.extension_until is None
    assert not workflow.decide_transition(users.operator, appeal, "approve_extension").allowed


def test_cohandling_department_reads_but_does_not_act(users, new_appeal):
    appeal = walk_to(new_appeal(), "handling", users)
    services.transition(users.operator, appeal.pk, "cohandle", department="sthj")
    assert services.get_appeal(users.other_handler, appeal.pk) == appeal
    with pytest.raises(Forbidden):
        services.transition(users.other_handler, appeal.pk, "reply", reply_text="x")


def test_supervise_raises_an_alert(users, new_appeal):
    appeal = walk_to(new_appeal(), "handling", users)
    services.transition(users.leader, appeal.pk, "supervise", reason="群众反映强烈")
    assert Appeal.objects.get(pk=appeal.pk).supervised
    assert [a.kind for a in services.alerts(users.leader)] == ["supervised"]
    services.acknowledge_alert(users.leader, services.alerts(users.leader)[0].pk)
    assert not services.alerts(users.leader)
    assert AuditEvent.objects.filter(action="appeal.alert_acknowledged").exists()


def test_unknown_action(users, new_appeal):
    with pytest.raises(InvalidInput, match="unknown workflow action"):
        services.transition(users.operator, new_appeal().pk, "teleport")


def test_queue_orders_by_priority_then_deadline(users, new_appeal):
    calm = new_appeal("小区绿化带杂草多，建议修剪")
    extreme = new_appeal("楼下燃气泄漏味道很大，有人说要爆炸了，快来人")
    assert extreme.level == "extreme" and extreme.urgent
    assert list(services.list_appeals(users.operator))[0] == extreme
    assert AppealAlert.objects.filter(appeal=extreme, kind="extreme").exists()
    assert AuditEvent.objects.filter(action="appeal.alert_raised", object_id=extreme.tracking_code).exists()
    assert calm.level != "extreme"


def test_deadline_check_raises_alerts_once(users, new_appeal):
    appeal = walk_to(new_appeal(), "handling", users)
    Appeal.objects.filter(pk=appeal.pk).update(deadline=appeal.received_at - dt.timedelta(hours=1))
    assert services.check_deadlines()["overdue"] == 1
    assert services.check_deadlines()["overdue"] == 0
    assert [a.pk for a in services.due_list(users.handler)["overdue"]] == [appeal.pk]
    assert services.list_appeals(users.operator, services.ListFilter(due="overdue")).count() == 1


def test_training_records_yield_corrected_labels(users, new_appeal):
    appeal = walk_to(new_appeal(), "dispatched", users)
    rows = list(services.training_records())
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == appeal.pk and row["department"] == "zjj" and row["text"] == appeal.text
    assert "citizen_phone" not in row and "citizen_name" not in row
