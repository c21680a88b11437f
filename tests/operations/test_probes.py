"""The probes and the database-down page, against gunicorn with the
production settings and the image's gunicorn configuration."""

import json

import httpx

from tests.operations.conftest import free_port, production_env

HOST = {"Host": "e-tjanster.exempelby.se", "X-Forwarded-Proto": "https"}


def json_lines(lines: list[str]) -> list[dict]:
    return [json.loads(line) for line in lines]


def test_probes_answer_over_plain_http_with_an_unknown_host(installation, start_server):
    server = start_server(production_env(installation))
    # A kubelet or a load balancer: plain HTTP, the pod's address as Host.
    probe = {"Host": "10.1.2.3:8000"}
    live = httpx.get(server.url + "/halsa/", headers=probe)
    ready = httpx.get(server.url + "/halsa/redo/", headers=probe)
    assert (live.status_code, live.text) == (200, "ok")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "ok", "queue": "ok"}
    # Every other page still redirects plain HTTP and refuses unknown hosts.
    assert (
        httpx.get(server.url + "/", headers={"Host": "e-tjanster.exempelby.se"}).status_code == 301
    )
    assert (
        httpx.get(
            server.url + "/", headers={"Host": "10.1.2.3", "X-Forwarded-Proto": "https"}
        ).status_code
        == 400
    )


def test_every_line_is_json_in_utc_and_a_request_logs_one_access_line_with_its_id(
    installation, start_server
):
    server = start_server(production_env(installation))
    response = httpx.get(server.url + "/", headers={**HOST, "X-Request-ID": "lb-1234abcd"})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "lb-1234abcd"
    records = json_lines(server.log_lines())  # fails if any line is not JSON
    assert all(record["time"].endswith("+00:00") for record in records)
    access = [r for r in records if r["logger"] == "etjanst.access"]
    assert len(access) == 1
    assert access[0]["request_id"] == "lb-1234abcd"
    assert (access[0]["method"], access[0]["path"], access[0]["status"]) == ("GET", "/", 200)
    assert access[0]["route"] == "portal:catalogue"


def test_a_bad_host_is_one_warning_line_with_the_personnummer_masked(installation, start_server):
    server = start_server(production_env(installation))
    before = len(server.log_lines())
    response = httpx.get(
        server.url + "/", headers={"Host": "19410519-9121", "X-Forwarded-Proto": "https"}
    )
    assert response.status_code == 400
    lines = server.log_lines()[before:]
    records = json_lines(lines)
    security = [r for r in records if r["logger"].startswith("django.security")]
    assert len(security) == 1
    assert security[0]["level"] == "WARNING"
    assert "exc_info" not in security[0]
    assert "19410519-9121" not in "\n".join(lines)
    assert "19410519-XXXX" in security[0]["message"]
    assert [r["logger"] for r in records] == ["django.security.DisallowedHost", "etjanst.access"]


def test_with_the_database_down_pages_answer_a_kind_503_and_log_one_line(
    installation, start_server
):
    stopped = f"postgres://etjanst:secret@127.0.0.1:{free_port()}/etjanst"  # nothing listens
    server = start_server(production_env(installation, DATABASE_URL=stopped))
    before = len(server.log_lines())

    assert httpx.get(server.url + "/halsa/", headers=HOST).status_code == 200  # alive
    ready = httpx.get(server.url + "/halsa/redo/", headers=HOST)
    assert ready.status_code == 503
    assert ready.json() == {
        "status": "unavailable",
        "database": "unavailable",
        "queue": "unavailable",
    }

    page = httpx.get(server.url + "/", headers=HOST)
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "30"
    assert "E-tjänsterna är inte tillgängliga just nu" in page.text
    assert "Felet är inte ditt" in page.text

    records = json_lines(server.log_lines()[before:])
    page_lines = [r for r in records if r.get("request_id") == page.headers["X-Request-ID"]]
    errors = [r for r in page_lines if r["level"] == "ERROR"]
    assert len(errors) == 1
    assert errors[0]["message"].startswith("Databasen svarar inte (OperationalError")
    assert "exc_info" not in errors[0]
    assert not any("Traceback" in str(r) for r in records)
    readiness = [r for r in records if "Readiness" in r["message"]]
    assert len(readiness) == 1


def test_metrics_need_the_token_and_count_requests_and_the_queue(installation, start_server):
    server = start_server(production_env(installation))
    httpx.get(server.url + "/", headers=HOST)
    assert httpx.get(server.url + "/metrics", headers=HOST).status_code == 404
    wrong = {**HOST, "Authorization": "Bearer guess"}
    assert httpx.get(server.url + "/metrics", headers=wrong).status_code == 404
    scrape = httpx.get(
        server.url + "/metrics", headers={"Authorization": "Bearer metrics-test-token"}
    )
    assert scrape.status_code == 200
    text = scrape.text
    assert (
        'etjanst_http_requests_total{method="GET",route="portal:catalogue",status="2xx"} 1.0'
        in text
    )
    assert "etjanst_http_request_duration_seconds_bucket" in text
    assert "etjanst_task_queue_length 0.0" in text
    assert "etjanst_task_queue_oldest_age_seconds 0.0" in text


def test_with_several_gunicorn_workers_a_scrape_adds_up_every_workers_counts(
    installation, start_server, tmp_path
):
    env = production_env(
        installation, GUNICORN_WORKERS="3", PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics")
    )
    server = start_server(env)
    for _ in range(12):  # a new connection each: spread over the workers
        assert httpx.get(server.url + "/tillganglighet/", headers=HOST).status_code == 200
    scrape = httpx.get(
        server.url + "/metrics", headers={"Authorization": "Bearer metrics-test-token"}
    ).text
    line = 'etjanst_http_requests_total{method="GET",route="portal:accessibility",status="2xx"}'
    assert f"{line} 12.0" in scrape
    assert len(list((tmp_path / "metrics").glob("counter_*.db"))) >= 2
