"""The deployment files, checked without a Docker engine or helm (neither is
on the machines that run the suite): every YAML parses, the chart's templates
parse once their Go-template actions are blanked out, every value and helper
they use exists, and the Dockerfile keeps its promises."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[2]
DEPLOY = ROOT / "deploy"
CHART = DEPLOY / "helm" / "etjanst"

_BLOCK_ACTION = re.compile(r"^(\s*)\{\{-?\s*(include|toYaml)\b.*\|\s*nindent\s+\d+\s*-?\}\}\s*$")
_CONTROL = re.compile(r"^\s*\{\{-?\s*(if|else|end|range|with|define|/\*).*\}\}\s*$")
_INLINE = re.compile(r"\{\{-?.*?-?\}\}")


def blank_template(text: str) -> str:
    """The template with control lines dropped, block includes replaced by a
    placeholder key and inline actions by a placeholder scalar: not helm's
    output, but YAML of the same shape, so a broken indent or a stray colon fails."""
    lines = []
    for line in text.splitlines():
        if _CONTROL.match(line):
            continue
        if block := _BLOCK_ACTION.match(line):
            lines.append(f"{block.group(1)}x-rendered-by-helm: x")
            continue
        lines.append(_INLINE.sub("x", line))
    return "\n".join(lines)


def chart_documents() -> list[dict]:
    documents = []
    for template in sorted((CHART / "templates").glob("*.yaml")):
        documents += [d for d in yaml.safe_load_all(blank_template(template.read_text())) if d]
    return documents


def by_kind(kind: str) -> list[dict]:
    return [d for d in chart_documents() if d["kind"] == kind]


PLAIN_YAML = [p for p in DEPLOY.rglob("*.y*ml") if "templates" not in p.parts]


@pytest.mark.parametrize("path", PLAIN_YAML, ids=lambda p: p.name)
def test_every_plain_yaml_file_parses(path):
    assert list(yaml.safe_load_all(path.read_text()))


def test_the_compose_file_runs_two_web_processes_two_workers_and_the_services_around():
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    assert services["web"]["deploy"]["replicas"] == 2
    assert services["worker"]["deploy"]["replicas"] == 2
    assert {"postgres", "objects", "mail", "migrate", "daily", "proxy"} <= set(services)
    for name in ("web", "worker", "daily"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
    assert services["web"]["environment"]["S3_ENDPOINT_URL"] == "http://objects:9000"
    assert "run_daily" in " ".join(services["daily"]["command"])


def test_every_chart_template_parses_and_names_existing_values_and_helpers():
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    helpers = (CHART / "templates" / "_helpers.tpl").read_text()
    defined = set(re.findall(r'define "([^"]+)"', helpers))
    yaml.safe_load((CHART / "Chart.yaml").read_text())
    for template in (CHART / "templates").iterdir():
        text = template.read_text()
        for name in re.findall(r'include "([^"]+)"', text):
            assert name in defined, f"{template.name}: no helper {name}"
        for path in re.findall(r"\.Values\.([A-Za-z0-9_.]+)", text):
            node = values
            for part in path.split("."):
                assert isinstance(node, dict) and part in node, f"{template.name}: .Values.{path}"
                node = node[part]
    assert chart_documents()


def test_the_chart_has_web_and_worker_with_probes_and_resources():
    deployments = {d["metadata"]["name"]: d for d in by_kind("Deployment")}
    assert len(deployments) == 2
    for deployment in deployments.values():
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["resources"], deployment["metadata"]["name"]
        assert container["livenessProbe"]
    web = next(d for d in deployments.values() if "web" in str(d["metadata"]["labels"]))
    container = web["spec"]["template"]["spec"]["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/halsa/redo/"
    assert container["livenessProbe"]["httpGet"]["path"] == "/halsa/"
    assert web["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_migrations_run_as_a_hook_before_the_new_pods_and_maintenance_as_a_cronjob():
    (job,) = by_kind("Job")
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert "etjanst migrate" in " ".join(
        job["spec"]["template"]["spec"]["containers"][0]["command"]
    )
    (cron,) = by_kind("CronJob")
    container = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == ["etjanst", "run_daily"]
    keys = {key for secret in by_kind("Secret") for key in secret["stringData"]}
    assert {"SECRET_KEY", "DATABASE_URL", "client.pem", "ca.pem"} <= keys


def test_the_dockerfile_runs_as_a_user_with_the_libraries_and_no_compiler():
    text = (ROOT / "Dockerfile").read_text()
    final = text.split("\nFROM ")[-1]
    assert final.startswith("${PYTHON_IMAGE}")
    assert "python:3.11-slim-bookworm" in text
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core", "xmlsec1"):
        assert package in final
    assert not re.search(r"\b(gcc|build-essential|g\+\+|clang)\b", text)
    assert re.search(r"^USER etjanst$", final, re.MULTILINE)
    assert "collectstatic" in final
    assert "HEALTHCHECK" in final and "/halsa/" in final
    # The libraries the demo installs are the image's too.
    wanted = re.search(r"want=\(([^)]*)\)", (ROOT / "scripts" / "system-deps.sh").read_text())
    assert set(wanted.group(1).split()) <= set(re.findall(r"[\w.+-]+", final))
