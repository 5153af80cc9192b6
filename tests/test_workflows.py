"""The GitHub workflows: valid, audited, pinned, least-privileged, and made of make targets."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
CI = WORKFLOWS / "ci.yml"
PAGES = WORKFLOWS / "pages.yml"
FILES = sorted(WORKFLOWS.glob("*.yml"))
ENRICH = WORKFLOWS / "enrich.yml"

PINNED = re.compile(r"^\s*(?:-\s*)?uses:\s*([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+\s*$")



def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the key `on` as True.
    on = workflow.get("on", workflow.get(True))
    return {on: None} if isinstance(on, str) else dict(on)


def steps(workflow: dict):
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


def run(command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)


def tool(name: str) -> str:
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return found


def schema_check(*paths: Path) -> subprocess.CompletedProcess:
    # The schema is vendored in check-jsonschema: this works offline.
    return run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                "vendor.github-workflows", *map(str, paths)])


def zizmor(*paths: Path) -> subprocess.CompletedProcess:
    return run([tool("zizmor"), "--offline", "--no-progress", *map(str, paths)])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_workflow_is_valid_for_github(path):
    result = schema_check(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing():
    result = zizmor(*FILES)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_pull_request_target(path):
    assert "pull_request_target" not in path.read_text()
    assert "pull_request_target" not in triggers(load(path))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(path):
    lines = [l for l in path.read_text().splitlines() if re.match(r"^\s*(-\s*)?uses:", l)]
    assert lines
    for line in lines:
        assert PINNED.match(line), \
            f"not pinned to a full commit SHA with a '# vX.Y.Z' comment: {line.strip()}"
    parsed = [step["uses"] for _, step in steps(load(path)) if "uses" in step]
    assert len(parsed) == len(lines)
    assert all(re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", uses) for uses in parsed)


def test_an_action_is_pinned_to_the_same_commit_everywhere():
    pins: dict[str, set[str]] = {}
    for path in FILES:
        for line in path.read_text().splitlines():
            if match := PINNED.match(line):
                pins.setdefault(match[1], set()).add(line.split("@", 1)[1].strip())
    assert pins and all(len(versions) == 1 for versions in pins.values()), pins


def test_permissions_are_least():
    ci, pages = load(CI), load(PAGES)
    assert ci["permissions"] == {"contents": "read"}
    assert pages["permissions"] in ({}, {"contents": "read"})
    assert pages["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    for workflow in (ci, pages):
        for job_id, job in workflow["jobs"].items():
            if job is pages["jobs"]["deploy"]:
                continue
            granted = job.get("permissions", {})
            assert isinstance(granted, dict) and not {"pages", "id-token"} & set(granted), job_id


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_checkout_does_not_keep_credentials(path):
    checkouts = [s for _, s in steps(load(path))
                 if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts and all(s["with"]["persist-credentials"] is False for s in checkouts)


def run_steps(workflow: dict) -> list[str]:
    return [step["run"].strip() for _, step in steps(workflow) if "run" in step]


def test_ci_runs_what_make_ci_runs_each_once():
    """`.ci/run` runs `make ci`; the GitHub workflow runs the same targets, one step each."""
    ci = [c.split()[1] for c in run_steps(load(CI)) if c.startswith("make ")]
    target = re.search(r"^ci: (.*)$", (ROOT / "Makefile").read_text(), re.M)
    assert target and ci == target[1].split()
    assert len(set(ci)) == len(ci)
    assert "\nmake ci " in (ROOT / ".ci" / "run").read_text()


def test_enrich_runs_weekly_and_by_hand_and_only_proposes():
    enrich = load(ENRICH)
    on = triggers(enrich)
    assert set(on) == {"schedule", "workflow_dispatch"} and len(on["schedule"]) == 1
    assert enrich["permissions"] == {}
    (job,) = enrich["jobs"].values()
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    make = [c for c in run_steps(enrich) if c.startswith("make ")]
    assert make == ['make enrich | tee "$REPORT"']
    (pr,) = [s for _, s in steps(enrich)
             if s.get("uses", "").startswith("peter-evans/create-pull-request@")]
    assert pr["with"]["add-paths"] == "content/metadata.yml"  # a pull request, never a push to main
    assert "${{" not in "".join(run_steps(enrich))  # data reaches scripts through env only
