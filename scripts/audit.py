"""`make audit`: known vulnerabilities in the pinned Python packages (pip-audit on requirements.lock)
and the front-end packages (npm audit on package-lock.json), less the accepted ones in
audit-allowlist.toml. See docs/operations.md "Dependency audit" and decision 0014.

Exit status: 1 for any finding not accepted (or whose acceptance is past its review date) and for
a malformed allow-list. When a vulnerability service cannot be asked (after one retry), the audit
says so in a banner that cannot be missed; that is a failure only where the audit is required
(OUTSIDEIN_REQUIRE_AUDIT, which defaults to OUTSIDEIN_REQUIRE_SERVICES), so a network blip does
not fail a developer's run — but the audit never passes silently.
"""

import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Finding:
    ecosystem: str  # "PyPI" or "npm"
    package: str
    version: str
    id: str
    aliases: tuple[str, ...] = ()
    summary: str = ""

    @property
    def names(self) -> set[str]:
        return {self.id, *self.aliases}


@dataclass
class Result:
    """What one tool said: its findings, or why it could not (fully) audit."""

    tool: str
    findings: list[Finding] = field(default_factory=list)
    not_audited: str = ""  # empty when the audit is complete


@dataclass(frozen=True)
class Acceptance:
    id: str
    reason: str
    review_by: datetime.date
    package: str = ""


# --- reading the tools' JSON -------------------------------------------------------------------

def from_pip_audit(report: dict) -> Result:
    result = Result("pip-audit")
    skipped = []
    for dependency in report.get("dependencies", []):
        if dependency.get("skip_reason"):
            # e.g. "Dependency not found on PyPI and could not be audited": the service did not
            # answer for this version, so nothing is known about it — not "no vulnerabilities".
            skipped.append(f"{dependency['name']} ({dependency['skip_reason']})")
        for vuln in dependency.get("vulns", []):
            result.findings.append(Finding("PyPI", dependency["name"], dependency.get("version", ""),
                                           vuln["id"], tuple(vuln.get("aliases", [])),
                                           _first_line(vuln.get("description", ""))))
    if skipped:
        result.not_audited = (f"{len(skipped)} of {len(report.get('dependencies', []))} packages "
                              f"could not be audited, e.g. {skipped[0]}")
    return result


def from_npm_audit(report: dict) -> Result:
    result = Result("npm audit")
    if "error" in report or "vulnerabilities" not in report:
        result.not_audited = report.get("message") or json.dumps(report.get("error"))[:300]
        return result
    for entry in report["vulnerabilities"].values():
        for via in entry.get("via", []):
            if not isinstance(via, dict):
                continue  # a package that is vulnerable through another one: listed under that one
            ghsa = re.search(r"GHSA(-[a-z0-9]{4}){3}", via.get("url", ""))
            advisory = ghsa.group(0) if ghsa else str(via.get("source"))
            result.findings.append(Finding("npm", via.get("name", entry["name"]), via.get("range", ""),
                                           advisory, (str(via.get("source")),), via.get("title", "")))
    return result


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= 120 else line[:117] + "..."


# --- running the tools -------------------------------------------------------------------------

def run_pip_audit(lock: Path) -> Result:
    """pip-audit on the lock file as pinned (no resolving, nothing installed), PyPI then OSV."""
    failures = []
    for service in ("pypi", "osv"):
        with tempfile.TemporaryDirectory() as tmp:
            output = Path(tmp) / "report.json"
            done = subprocess.run([sys.executable, "-m", "pip_audit", "-r", str(lock), "--no-deps",
                                   "--disable-pip", "-s", service, "--progress-spinner", "off",
                                   "-f", "json", "-o", str(output)],
                                  capture_output=True, text=True, timeout=600, check=False)
            if output.exists() and output.stat().st_size:
                result = from_pip_audit(json.loads(output.read_text()))
                if not result.not_audited:
                    return result
                failures.append(f"{service}: {result.not_audited}")
            else:
                lines = [line for line in done.stderr.splitlines() if line.strip()]
                failures.append(f"{service}: {lines[-1] if lines else f'exit {done.returncode}'}")
    return Result("pip-audit", not_audited="; ".join(failures))


def run_npm_audit(directory: Path) -> Result:
    try:
        done = subprocess.run(["npm", "audit", "--json", "--package-lock-only"], cwd=directory,
                              capture_output=True, text=True, timeout=600, check=False)
    except FileNotFoundError:
        return Result("npm audit", not_audited="npm is not installed")
    try:
        return from_npm_audit(json.loads(done.stdout))
    except json.JSONDecodeError:
        return Result("npm audit", not_audited=(done.stderr.strip() or done.stdout.strip())[:300])


def with_retry(run, pause: float) -> Result:
    result = run()
    if result.not_audited and pause >= 0:
        time.sleep(pause)
        result = run()
    return result


# --- the allow-list ----------------------------------------------------------------------------

def load_allowlist(path: Path) -> list[Acceptance]:
    if not path.exists():
        return []
    entries = tomllib.loads(path.read_text()).get("accept", [])
    accepted = []
    for number, entry in enumerate(entries, start=1):
        missing = [key for key in ("id", "reason", "review_by") if not entry.get(key)]
        if missing:
            raise ValueError(f"{path.name}: entry {number} lacks {', '.join(missing)}")
        if not isinstance(entry["review_by"], datetime.date):
            raise ValueError(f"{path.name}: entry {number} ({entry['id']}): review_by must be a date "
                             f"like 2027-03-31, not {entry['review_by']!r}")
        accepted.append(Acceptance(entry["id"], entry["reason"], entry["review_by"],
                                   entry.get("package", "")))
    return accepted


def judge(results: list[Result], accepted: list[Acceptance], today: datetime.date,
          required: bool) -> tuple[int, list[str]]:
    """The exit status and the lines to print."""
    lines, status = [], 0
    used = set()
    for result in results:
        for finding in result.findings:
            where = f"{finding.ecosystem} {finding.package} {finding.version}".strip()
            label = f"{finding.id} in {where}: {finding.summary}".rstrip(": ")
            match = next((a for a in accepted if a.id in finding.names
                          and a.package in ("", finding.package)), None)
            if match is None:
                lines.append(f"FINDING  {label}")
                status = 1
            elif match.review_by < today:
                used.add(match)
                lines.append(f"FINDING  {label} (accepted until {match.review_by}: review it again)")
                status = 1
            else:
                used.add(match)
                lines.append(f"accepted {label} (until {match.review_by}: {match.reason})")
    complete = [r for r in results if not r.not_audited]
    incomplete = [r for r in results if r.not_audited]
    for result in complete:
        count = len(result.findings)
        lines.append(f"{result.tool}: audited, {count} finding{'s' if count != 1 else ''}")
    if incomplete:
        banner = "!" * 78
        lines += [banner, "!! DEPENDENCY AUDIT NOT DONE: the vulnerability service did not answer"]
        lines += [f"!!   {r.tool}: {r.not_audited}" for r in incomplete]
        lines += ["!! Nothing is known about these packages' vulnerabilities; run `make audit` where",
                  "!! the service answers (see docs/operations.md, \"Dependency audit\").",
                  "!! This fails the run: the audit is required here." if required else
                  "!! Not a failure here (set OUTSIDEIN_REQUIRE_AUDIT=1 to make it one).", banner]
        if required:
            status = 1
    if not incomplete:
        for acceptance in accepted:
            if acceptance not in used:
                lines.append(f"note: {acceptance.id} is accepted in the allow-list but no longer "
                             f"found: remove it")
    return status, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--allowlist", type=Path, default=ROOT / "audit-allowlist.toml")
    parser.add_argument("--lock", type=Path, default=ROOT / "requirements.lock")
    parser.add_argument("--pip-audit-report", type=Path,
                        help="judge this saved `pip-audit -f json` report instead of running pip-audit")
    parser.add_argument("--npm-audit-report", type=Path,
                        help="judge this saved `npm audit --json` report instead of running npm audit")
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=datetime.date.today())
    args = parser.parse_args(argv)
    required_default = os.environ.get("OUTSIDEIN_REQUIRE_SERVICES", "")
    required = os.environ.get("OUTSIDEIN_REQUIRE_AUDIT", required_default).strip().lower() in TRUE
    # One retry after a pause, for a network blip; a negative pause: no retry (the tests).
    pause = float(os.environ.get("OUTSIDEIN_AUDIT_RETRY_SECONDS", "10"))
    try:
        accepted = load_allowlist(args.allowlist)
    except (ValueError, tomllib.TOMLDecodeError) as error:
        print(f"audit: {error}", file=sys.stderr)
        return 1
    if args.pip_audit_report:
        python = from_pip_audit(json.loads(args.pip_audit_report.read_text()))
    else:
        python = with_retry(lambda: run_pip_audit(args.lock), pause)
    if args.npm_audit_report:
        front_end = from_npm_audit(json.loads(args.npm_audit_report.read_text()))
    else:
        front_end = with_retry(lambda: run_npm_audit(ROOT), pause)
    status, lines = judge([python, front_end], accepted, args.today, required)
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
