"""Pages render in Chinese by default; the citizen form works on a phone-sized page."""


def test_pages_in_chinese(client, login, departments):
    page = client.get("/appeals/public/").content.decode()
    assert "12345 群众诉求" in page and 'name="viewport"' in page
    login("operator")
    assert "热线快速录入" in client.get("/appeals/intake/").content.decode()
    assert "工单" in client.get("/appeals/").content.decode()
