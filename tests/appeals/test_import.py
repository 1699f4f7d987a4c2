"""Bulk import of historical work orders: CSV in GBK, XLSX, mapping, preview, rejects, audit."""

import io

import openpyxl
import pytest

from zhongshu.appeals import importer
from zhongshu.appeals.models import Appeal, AppealImport
from zhongshu.audit.models import AuditEvent
from zhongshu.core.errors import InvalidInput

CSV = """工单编号,受理时间,诉求内容,诉求类型,二级分类,承办单位,工单状态,联系电话,满意度
A001,2025-03-05 10:20,小区路灯不亮,投诉,市政设施与道路维护,住建局,已办结,13812345678,满意
A002,2025/3/6,噪声扰民严重,投诉,噪声扰民,sthj,办理中,,
A003,not a date,内容,投诉,,,,,
A004,2025-03-07,,咨询,,,,,
A005,2025-03-07,问一下社保,咨询,不存在的分类,,,,
A006,2025-03-07,电话不对,咨询,,,,12345,
A001,2025-03-08,重复工单号,投诉,,,,,
"""


def test_csv_gbk_with_rejects(users):
    staged = importer.stage(users.operator, "history.csv", CSV.encode("gb18030"))
    assert staged.mapping["received_at"] == "受理时间" and staged.mapping["text"] == "诉求内容"
    preview = importer.preview(users.operator, staged.token, staged.mapping)
    assert preview[0]["error"] == "" and "受理时间" in preview[2]["error"]
    run = importer.run_import(users.operator, staged.token, staged.mapping, "history.csv")
    assert (run.total, run.created) == (7, 2)
    reasons = {r["line"]: (r["column"], r["reason"]) for r in run.rejects}
    assert reasons[4][0] == "受理时间" and reasons[5] == ("诉求内容", "empty text")
    assert reasons[6][0] == "二级分类" and reasons[7][0] == "联系电话" and "already imported" in reasons[8][1]
    first = Appeal.objects.get(external_id="A001")
    assert first.state == "closed" and first.department.code == "zjj" and first.satisfaction == "satisfied"
    assert first.channel == "import" and first.phone_digest and first.events.get().action == "import"
    assert Appeal.objects.get(external_id="A002").state == "handling"
    event = AuditEvent.objects.get(action="appeals.imported")
    assert event.details["created"] == 2 and event.details["rejected"] == 5
    assert "13812345678" not in str(event.details)
    report = importer.rejects_csv(users.operator, run.pk)
    assert report.splitlines()[0] == "line,column,reason" and len(report.splitlines()) == 6


def test_xlsx(users):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "时间", "内容"])
    import datetime as dt

    sheet.append(["X1", dt.datetime(2025, 1, 2, 9, 30), "路面坑洼"])
    sheet.append(["X2", None, "没有时间"])
    buf = io.BytesIO()
    book.save(buf)
    staged = importer.stage(users.operator, "h.xlsx", buf.getvalue())
    mapping = {"external_id": "id", "received_at": "时间", "text": "内容"}
    run = importer.run_import(users.operator, staged.token, mapping)
    assert run.created == 1 and run.rejects[0]["line"] == 3


def test_bad_files_and_mapping(users):
    with pytest.raises(InvalidInput, match="csv"):
        importer.stage(users.operator, "x.pdf", b"%PDF")
    with pytest.raises(InvalidInput, match="empty"):
        importer.stage(users.operator, "x.csv", b"")
    with pytest.raises(InvalidInput, match="xlsx"):
        importer.stage(users.operator, "x.xlsx", b"not a zip")
    staged = importer.stage(users.operator, "h.csv", CSV.encode())
    with pytest.raises(InvalidInput, match="text"):
        importer.run_import(users.operator, staged.token, {"received_at": "受理时间"})
    with pytest.raises(InvalidInput, match="no column"):
        importer.run_import(users.operator, staged.token, {"received_at": "nope", "text": "诉求内容"})
    assert not Appeal.objects.exists()


def test_import_wizard_pages(client, login, departments):
    login("operator")
    upload = io.BytesIO(CSV.encode("utf-8-sig"))
    upload.name = "历史工单.csv"
    response = client.post("/appeals/import/", {"file": upload})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and 'data-testid="preview"' in page.content.decode()
    token = response["Location"].split("/")[3]
    mapping = {f: c for f, c in importer.guess_mapping(CSV.splitlines()[0].split(",")).items()}
    done = client.post(f"/appeals/import/{token}/", {**mapping, "run": "1"})
    assert done.status_code == 302
    result = client.get(done["Location"]).content.decode()
    assert "rejects" in result and AppealImport.objects.get().filename == "历史工单.csv"
    csv_report = client.get(f"/appeals/import/runs/{AppealImport.objects.get().pk}/rejects.csv")
    assert csv_report["Content-Type"].startswith("text/csv")


def test_import_needs_the_right(client, login, departments):
    login("handler")
    assert client.get("/appeals/import/").status_code == 403
