"""The container runs exactly the Procfile's processes, from exactly pinned dependencies.

Static checks of Dockerfile, compose.yaml, pyproject.toml and constraints.txt run everywhere.
The end-to-end check (build the image, `docker compose up`, GET /healthz) runs only where a
docker daemon and the compose plugin are available, and skips saying which is missing.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import socket
import subprocess
import time
import tomllib
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement

from bot.config import Settings
from bot.server import HEALTH_PATH

ROOT = Path(__file__).resolve().parent.parent
# Procfile process -> the compose service that runs it.
SERVICE_FOR_PROCESS = {"release": "migrate", "web": "web", "clock": "clock"}
RUNTIME_PACKAGES = ("bot", "handlers", "storage")


def procfile() -> dict[str, list[str]]:
    processes: dict[str, list[str]] = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            processes[name.strip()] = command.split()
    return processes


def dockerfile() -> dict[str, list[str]]:
    """Each instruction's arguments (continuation lines joined), keyed by instruction."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    instructions: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, rest = line.strip().partition(" ")
            instructions.setdefault(keyword.upper(), []).append(rest.strip())
    return instructions


def exec_form(instruction: str) -> list[str]:
    (arguments,) = dockerfile()[instruction]
    value = json.loads(arguments)
    assert isinstance(value, list), f"{instruction} should use the exec (JSON) form"
    return [str(item) for item in value]


def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "compose.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def emcoach_services() -> dict[str, dict[str, Any]]:
    return {name: service for name, service in compose()["services"].items() if name != "db"}


# --- the image and compose run the Procfile's processes ----------------------------------


def test_compose_runs_exactly_the_procfile_processes_through_the_image_entrypoint() -> None:
    entrypoint = exec_form("ENTRYPOINT")
    services = emcoach_services()
    assert set(services) == set(SERVICE_FOR_PROCESS.values())
    for process, command in procfile().items():
        service = services[SERVICE_FOR_PROCESS[process]]
        assert entrypoint + service["command"] == command, process


def test_the_image_runs_the_web_process_by_default() -> None:
    assert exec_form("ENTRYPOINT") + exec_form("CMD") == procfile()["web"]


def test_web_clock_and_migrate_share_one_image() -> None:
    services = emcoach_services().values()
    assert {service["build"] for service in services} == {"."}
    assert len({service["image"] for service in services}) == 1


def test_exactly_one_clock_and_it_is_not_scaled() -> None:
    clocks = [
        service
        for service in emcoach_services().values()
        if service["command"] == procfile()["clock"][1:]
    ]
    assert len(clocks) == 1
    assert clocks[0].get("deploy", {}).get("replicas", 1) == 1


def test_migrate_runs_once_after_postgres_is_healthy_and_gates_web_and_clock() -> None:
    services = compose()["services"]
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name in ("web", "clock"):
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"}
        }


def test_postgres_has_a_volume_and_a_healthcheck() -> None:
    db = compose()["services"]["db"]
    assert db["image"] == "postgres:16"
    volume = db["volumes"][0].split(":")[0]
    assert volume in compose()["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_only_web_is_health_checked_over_http() -> None:
    services = emcoach_services()
    assert "healthcheck" not in services["web"]  # the image's HEALTHCHECK
    assert services["clock"]["healthcheck"] == {"disable": True}
    assert services["migrate"]["healthcheck"] == {"disable": True}
    (healthcheck,) = dockerfile()["HEALTHCHECK"]
    assert HEALTH_PATH in healthcheck
    assert "${PORT:-3000}" in healthcheck


def test_compose_environment_names_are_settings_fields() -> None:
    fields = set(Settings.model_fields)
    for name, service in emcoach_services().items():
        assert service["env_file"] == ".env", name
        unknown = set(service["environment"]) - fields
        assert not unknown, f"{name} sets {unknown}, which bot/config.py does not read"


def test_web_listens_where_compose_publishes() -> None:
    web = emcoach_services()["web"]
    port = web["environment"]["PORT"]
    assert web["ports"] == ["${EMCOACH_HTTP_PORT:-3000}:" + port]
    assert dockerfile()["EXPOSE"] == [port]


def test_image_is_slim_non_root_and_installs_runtime_dependencies_with_the_constraints() -> None:
    instructions = dockerfile()
    assert instructions["FROM"] == ["python:3.11-slim"]
    assert instructions["USER"][-1] not in {"root", "0"}
    (install,) = [run for run in instructions["RUN"] if "pip install" in run]
    assert "-c constraints.txt" in install
    assert "[test]" not in install
    assert "-e " not in install


def test_dockerignore_keeps_local_state_out_of_the_image() -> None:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    ignored = [line for line in lines if line.strip() and not line.startswith("#")]
    assert ignored[0] == "*"  # everything out, then an allow-list
    for kept in ("pyproject.toml", "README.md", "constraints.txt", *RUNTIME_PACKAGES):
        assert f"!{kept}" in ignored


# --- reproducible installs ---------------------------------------------------------------


def project() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return dict(tomllib.load(file)["project"])


def constraints() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[_normalise(name)] = version.strip()
    return pins


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(*, extra: str | None = None) -> list[Requirement]:
    spec = project()
    listed = spec["optional-dependencies"][extra] if extra else spec["dependencies"]
    return [Requirement(item) for item in listed]


def test_every_runtime_dependency_has_an_upper_bound() -> None:
    for requirement in requirements():
        operators = {specifier.operator for specifier in requirement.specifier}
        assert operators & {"<", "==", "~="}, f"{requirement} has no upper bound"


def test_lint_and_type_tools_are_pinned_exactly() -> None:
    pinned = {_normalise(r.name): r for r in requirements(extra="test") if len(r.specifier) == 1}
    for tool in ("ruff", "mypy", "types-pyyaml"):
        (specifier,) = pinned[tool].specifier
        assert specifier.operator == "==", tool
        assert constraints()[tool] == specifier.version, f"constraints.txt disagrees on {tool}"


def test_constraints_pin_every_dependency_within_its_bounds() -> None:
    pins = constraints()
    for requirement in [*requirements(), *requirements(extra="test")]:
        name = _normalise(requirement.name)
        assert name in pins, f"constraints.txt does not pin {requirement.name}"
        assert requirement.specifier.contains(pins[name]), f"{name}=={pins[name]} {requirement}"
    assert "emcoach" not in pins


def test_yaml_is_a_test_dependency_only() -> None:
    assert "pyyaml" not in {_normalise(r.name) for r in requirements()}
    for package in RUNTIME_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            source = path.read_text()
            if "yaml" not in source:
                continue  # parse only the files that could import it
            for node in ast.walk(ast.parse(source, filename=str(path))):
                names = (
                    [alias.name for alias in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else []
                )
                assert not any(name.split(".")[0] == "yaml" for name in names), path


# --- the image, built and run (only where docker is) -------------------------------------

# Runs an emcoach command inside the container with a Slack stand-in in the same process, so
# `serve` passes Slack's auth.test at start without a real token or network.
WITH_STANDIN = (
    "import os, sys\n"
    "from bot.sim.standin import SlackStandIn\n"
    "slack = SlackStandIn().start()\n"
    "os.environ['SLACK_API_URL'] = slack.api_url\n"
    "from bot.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)
BUILD_FILES = ("Dockerfile", ".dockerignore", "compose.yaml", "pyproject.toml", "README.md")


def docker_problem() -> str | None:
    docker = shutil.which("docker")
    if docker is None:
        return "docker is not installed on this machine"
    try:
        info = subprocess.run(
            [docker, "info"], capture_output=True, text=True, timeout=60, check=False
        )
        plugin = subprocess.run(
            [docker, "compose", "version"], capture_output=True, text=True, timeout=60, check=False
        )
    except subprocess.TimeoutExpired:
        return "docker is installed but did not answer `docker info` within 60 s"
    if info.returncode != 0:
        reason = (info.stderr.strip().splitlines() or ["no answer"])[-1]
        return f"docker is installed but its daemon is not reachable on this machine ({reason})"
    if plugin.returncode != 0:
        return "docker is installed but not its compose plugin (`docker compose`)"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Compose:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.project = f"emcoach-test-{uuid.uuid4().hex[:8]}"
        self.port = _free_port()
        # Its own tag, so the test never replaces an emcoach image someone built here.
        self.image = f"{self.project}:test"
        files = ["-f", "compose.yaml", "-f", "compose.test.yaml"]
        self.command = ["docker", "compose", "-p", self.project, *files]

    def __call__(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.command, *args],
            cwd=self.directory,
            env={**os.environ, "EMCOACH_HTTP_PORT": f"127.0.0.1:{self.port}"},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


@pytest.fixture
def compose_project(tmp_path: Path) -> Iterator[Compose]:
    problem = docker_problem()
    if problem is not None:
        pytest.skip(f"{problem}: Dockerfile and compose.yaml were only checked statically")
    for name in (*BUILD_FILES, "constraints.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    for package in RUNTIME_PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    (tmp_path / ".env").write_text(
        "SLACK_BOT_TOKEN=xoxb-container-test\nSLACK_SIGNING_SECRET=container-test\n"
    )
    project = Compose(tmp_path)
    wrapped = {"image": project.image, "entrypoint": ["python", "-c", WITH_STANDIN]}
    services = {"migrate": {"image": project.image}, "web": wrapped, "clock": dict(wrapped)}
    override = {"services": services}
    (tmp_path / "compose.test.yaml").write_text(yaml.safe_dump(override))
    try:
        yield project
    finally:
        project("down", "--volumes", "--remove-orphans", timeout=300)
        subprocess.run(
            ["docker", "image", "rm", "--force", project.image],
            capture_output=True,
            timeout=120,
            check=False,
        )


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError):
        return 0


def _wait(what: str, done: Callable[[], bool], timeout: float, compose: Compose) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            logs = compose("logs", "--no-color").stdout[-4000:]
            raise AssertionError(f"{what} did not happen in {timeout:.0f} s:\n{logs}")
        time.sleep(2)


@pytest.mark.slow
def test_compose_up_serves_healthz(compose_project: Compose) -> None:
    compose = compose_project
    built = compose("build", timeout=900)
    assert built.returncode == 0, built.stdout + built.stderr
    started = compose("up", "--detach", timeout=300)
    assert started.returncode == 0, started.stdout + started.stderr

    base_url = f"http://127.0.0.1:{compose.port}"
    _wait("GET /healthz == 200", lambda: _get(base_url + HEALTH_PATH) == 200, 180, compose)
    assert _get(base_url + "/readyz") == 200  # migrate brought the schema to this release's head

    def state(service: str) -> dict[str, Any]:
        listed = compose("ps", "--all", "--format", "json", service).stdout.strip()
        first = listed.splitlines()[0] if listed else "{}"
        parsed = json.loads(first)
        return dict(parsed[0] if isinstance(parsed, list) else parsed)

    assert state("migrate").get("ExitCode") == 0
    assert state("clock").get("State") == "running"
    healthy = lambda: state("web").get("Health") == "healthy"  # noqa: E731
    _wait("the image's HEALTHCHECK reports web healthy", healthy, 120, compose)
    uid = compose("exec", "-T", "web", "id", "-u").stdout.strip()
    assert uid not in {"", "0"}, "the image runs as root"
