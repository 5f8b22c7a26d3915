"""`make audit` (scripts/audit.py) as CI runs it: findings fail unless accepted until a review date,
and an audit that could not ask its vulnerability service says so and never passes silently."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.functional.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
AUDIT = ROOT / "scripts" / "audit.py"

PIP_AUDIT_REPORT = {  # the shape of `pip-audit -f json`
    "dependencies": [
        {"name": "django", "version": "5.2.19", "vulns": [
            {"id": "PYSEC-2099-1", "fix_versions": ["5.2.20"],
             "aliases": ["CVE-2099-0001", "GHSA-aaaa-bbbb-cccc"],
             "description": "Denial of service in a template filter.\nMore detail."}]},
        {"name": "waitress", "version": "3.0.2", "vulns": []},
    ],
    "fixes": [],
}
NPM_AUDIT_REPORT = {  # the shape of `npm audit --json` (report version 2)
    "auditReportVersion": 2,
    "vulnerabilities": {
        "axe-core": {"name": "axe-core", "severity": "moderate", "isDirect": True, "via": [
            {"source": 1099001, "name": "axe-core", "dependency": "axe-core",
             "title": "Prototype pollution", "url": "https://github.com/advisories/GHSA-dddd-eeee-ffff",
             "severity": "moderate", "range": "<4.15.0"}],
            "effects": [], "range": "<4.15.0", "nodes": ["node_modules/axe-core"], "fixAvailable": True},
    },
    "metadata": {},
}
CLEAN_NPM = {"auditReportVersion": 2, "vulnerabilities": {}, "metadata": {}}


def _audit(tmp_path: Path, allowlist: str = "", pip_report: dict | None = PIP_AUDIT_REPORT,
           npm_report: dict | None = NPM_AUDIT_REPORT, env: dict[str, str] | None = None,
           today: str = "2027-01-15") -> subprocess.CompletedProcess:
    (tmp_path / "allow.toml").write_text(allowlist)
    (tmp_path / "requirements.lock").write_text("waitress==3.0.2\n")
    args = [sys.executable, str(AUDIT), "--allowlist", str(tmp_path / "allow.toml"), "--today", today,
            "--lock", str(tmp_path / "requirements.lock")]
    for option, report, name in (("--pip-audit-report", pip_report, "pip.json"),
                                 ("--npm-audit-report", npm_report, "npm.json")):
        if report is not None:
            (tmp_path / name).write_text(json.dumps(report))
            args += [option, str(tmp_path / name)]
    base = {k: v for k, v in os.environ.items()
            if k not in {"OUTSIDEIN_REQUIRE_AUDIT", "OUTSIDEIN_REQUIRE_SERVICES"}}
    return subprocess.run(args, capture_output=True, text=True, timeout=300, check=False,
                          env={**base, "OUTSIDEIN_AUDIT_RETRY_SECONDS": "-1", **(env or {})})


ACCEPT_BOTH = """
[[accept]]
id = "GHSA-aaaa-bbbb-cccc"
package = "django"
reason = "The filter is not used in any template."
review_by = 2027-03-31

[[accept]]
id = "GHSA-dddd-eeee-ffff"
reason = "axe-core runs only in the test browser."
review_by = 2027-02-28
"""


def test_findings_not_accepted_fail_the_audit(tmp_path):
    result = _audit(tmp_path)
    assert result.returncode == 1
    assert ("FINDING  PYSEC-2099-1 in PyPI django 5.2.19: Denial of service in a template filter."
            in result.stdout)
    assert "FINDING  GHSA-dddd-eeee-ffff in npm axe-core <4.15.0: Prototype pollution" in result.stdout


def test_accepted_findings_pass_until_their_review_date(tmp_path):
    result = _audit(tmp_path, ACCEPT_BOTH)
    assert result.returncode == 0, result.stdout
    assert "accepted PYSEC-2099-1 in PyPI django 5.2.19" in result.stdout
    assert "(until 2027-03-31: The filter is not used in any template.)" in result.stdout
    assert "pip-audit: audited, 1 finding" in result.stdout

    later = _audit(tmp_path, ACCEPT_BOTH, today="2027-03-01")
    assert later.returncode == 1
    assert ("FINDING  GHSA-dddd-eeee-ffff in npm axe-core <4.15.0: Prototype pollution "
            "(accepted until 2027-02-28: review it again)") in later.stdout


def test_an_acceptance_for_another_package_does_not_apply(tmp_path):
    result = _audit(tmp_path, ACCEPT_BOTH.replace('package = "django"', 'package = "waitress"'))
    assert result.returncode == 1
    assert "FINDING  PYSEC-2099-1 in PyPI django" in result.stdout


def test_an_acceptance_without_reason_or_date_is_refused(tmp_path):
    result = _audit(tmp_path, '[[accept]]\nid = "GHSA-aaaa-bbbb-cccc"\nreview_by = "soon"\n')
    assert result.returncode == 1
    assert result.stderr.strip() == "audit: allow.toml: entry 1 lacks reason"


def test_a_stale_acceptance_is_pointed_out(tmp_path):
    result = _audit(tmp_path, ACCEPT_BOTH, npm_report=CLEAN_NPM)
    assert result.returncode == 0
    assert ("note: GHSA-dddd-eeee-ffff is accepted in the allow-list but no longer found: remove it"
            in result.stdout)


def test_packages_the_service_did_not_answer_for_are_not_a_clean_bill(tmp_path):
    # What PyPI's JSON API answering 404 looks like to pip-audit: skipped, "No known vulnerabilities".
    report = {"dependencies": [{"name": "django", "skip_reason": "Dependency not found on PyPI and "
                                "could not be audited: django (5.2.19)"}], "fixes": []}
    result = _audit(tmp_path, pip_report=report, npm_report=CLEAN_NPM)
    assert result.returncode == 0
    assert "DEPENDENCY AUDIT NOT DONE" in result.stdout
    assert "pip-audit: 1 of 1 packages could not be audited" in result.stdout
    assert "npm audit: audited, 0 findings" in result.stdout


def test_unreachable_services_are_announced_and_fail_where_the_audit_is_required(tmp_path):
    # Real pip-audit and npm, pointed at a port where nothing listens.
    closed = f"http://127.0.0.1:{free_port()}"
    offline = {"HTTPS_PROXY": closed, "https_proxy": closed, "npm_config_registry": f"{closed}/"}
    result = _audit(tmp_path, pip_report=None, npm_report=None, env=offline)
    assert result.returncode == 0, result.stdout + result.stderr
    banner = result.stdout
    assert "DEPENDENCY AUDIT NOT DONE" in banner
    assert "pip-audit: pypi:" in banner and "osv:" in banner
    assert "npm audit: request to " in banner and "ECONNREFUSED" in banner
    assert "Not a failure here (set OUTSIDEIN_REQUIRE_AUDIT=1 to make it one)." in banner

    for required in ({"OUTSIDEIN_REQUIRE_AUDIT": "1"}, {"OUTSIDEIN_REQUIRE_SERVICES": "1"}):
        strict = _audit(tmp_path, pip_report=None, npm_report=None, env={**offline, **required})
        assert strict.returncode == 1
        assert "!! This fails the run: the audit is required here." in strict.stdout
