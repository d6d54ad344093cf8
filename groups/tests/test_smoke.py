def test_healthz(client, db):
    assert client.get("/healthz").status_code == 200
