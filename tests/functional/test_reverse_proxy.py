"""The documented HTTPS deployment, for real: `outsidein serve` behind nginx terminating TLS.

Everything on loopback: nginx with a self-signed certificate made here, the application on another
port with OUTSIDEIN_HTTPS=1 and OUTSIDEIN_TRUSTED_PROXIES=127.0.0.1,::1, and visitors connecting
from their own loopback addresses (127.0.0.2, 127.0.0.3) so that nginx reports each one's address.
"""

import html
import http.client
import re
import secrets
import shutil
import ssl
import subprocess
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from conftest import skip_or_fail
from tests.functional.processes import OUTSIDEIN, free_port, outsidein_env

PASSWORD = "correct-horse-battery-staple"
FAILURE_LIMIT = 3
LOCKED = "Too many failed sign-in attempts"

NGINX_CONF = """\
worker_processes 1;
# One process: nothing switches to the `nobody` user when the tests run as root.
master_process off;
daemon off;
pid {home}/nginx.pid;
error_log {home}/nginx-error.log;
events {{ worker_connections 64; }}
http {{
    access_log {home}/nginx-access.log;
    client_body_temp_path {home}/nginx-body;
    proxy_temp_path {home}/nginx-proxy;
    fastcgi_temp_path {home}/nginx-fastcgi;
    uwsgi_temp_path {home}/nginx-uwsgi;
    scgi_temp_path {home}/nginx-scgi;

    server {{
        listen 127.0.0.1:{http_port};
        return 301 https://$host:{https_port}$request_uri;
    }}
    server {{
        listen 127.0.0.1:{https_port} ssl;
        ssl_certificate {home}/cert.pem;
        ssl_certificate_key {home}/key.pem;
        location / {{
            proxy_pass http://127.0.0.1:{app_port};
            # $http_host keeps the test's port (on 443, the guide's $host is the same).
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Real-IP $remote_addr;
        }}
    }}
}}
"""


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: str


@dataclass
class Visitor:
    """One person's machine: connects from its own loopback address and keeps its cookies."""

    source: str
    host: str
    port: int
    context: ssl.SSLContext | None = None
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict[str, str] | None = None,
                headers: dict[str, str] | None = None) -> Response:
        connection_class = http.client.HTTPSConnection if self.context else http.client.HTTPConnection
        extra = {"context": self.context} if self.context else {}
        connection = connection_class(self.host, self.port, timeout=60,
                                      source_address=(self.source, 0), **extra)
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=sent)
            raw = connection.getresponse()
            response = Response(raw.status, raw.headers, raw.read().decode())
        finally:
            connection.close()
        for set_cookie in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(set_cookie).items():
                self.cookies[name] = morsel.value
        return response

    def sign_in(self, username: str, password: str, headers: dict[str, str] | None = None) -> Response:
        page = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        assert token, page.body
        origin = f"https://{self.host}:{self.port}"
        return self.request("POST", "/accounts/login/",
                            form={"csrfmiddlewaretoken": html.unescape(token.group(1)),
                                  "username": username, "password": password},
                            headers={"Origin": origin, "Referer": f"{origin}/accounts/login/",
                                     **(headers or {})})


def _nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        skip_or_fail("nginx is not installed (scripts/ensure-nginx.sh installs Debian's nginx-light)")
    return found


def _wait_until_listening(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text() if log.exists() else "exited"
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
            connection.request("HEAD", "/")
            connection.getresponse()
            connection.close()
            return
        except (ConnectionError, TimeoutError, OSError, http.client.HTTPException):
            time.sleep(0.2)
    pytest.fail(f"nothing answers on port {port}")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    """nginx on https://127.0.0.1:<port> (and http on another port) in front of `outsidein serve`."""
    nginx = _nginx()
    home = tmp_path_factory.mktemp("proxied")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", str(home / "key.pem"), "-out", str(home / "cert.pem")],
                   check=True, capture_output=True, timeout=60)
    env = outsidein_env(home, home / "db.sqlite3")
    # Production mode (HTTPS on, DEBUG off) refuses the built-in development key.
    env.update(OUTSIDEIN_HTTPS="1", OUTSIDEIN_TRUSTED_PROXIES="127.0.0.1,::1",
               OUTSIDEIN_LOGIN_FAILURE_LIMIT=str(FAILURE_LIMIT), ALLOWED_HOSTS="127.0.0.1,localhost",
               SECRET_KEY=secrets.token_urlsafe(50))
    for command in (["migrate", "--noinput"],
                    ["manage", "shell", "--no-imports", "-c",
                     "from django.contrib.auth import get_user_model; "
                     f"get_user_model().objects.create_user('lead', password='{PASSWORD}')"]):
        done = subprocess.run([str(OUTSIDEIN), *command], env=env, capture_output=True, text=True,
                              timeout=180, check=False)
        assert done.returncode == 0, done.stderr

    app_port, http_port, https_port = free_port(), free_port(), free_port()
    (home / "nginx.conf").write_text(NGINX_CONF.format(home=home, app_port=app_port,
                                                       http_port=http_port, https_port=https_port))
    app_log = (home / "serve.log").open("w")
    app = subprocess.Popen([str(OUTSIDEIN), "serve", "--port", str(app_port), "--no-worker"], env=env,
                           stdout=app_log, stderr=subprocess.STDOUT)
    server = None
    try:
        _wait_until_listening(app_port, app, home / "serve.log")
        server = subprocess.Popen([nginx, "-p", str(home), "-c", str(home / "nginx.conf"),
                                   "-e", str(home / "nginx-error.log")],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        _wait_until_listening(http_port, server, home / "nginx-error.log")
        context = ssl.create_default_context(cafile=str(home / "cert.pem"))
        yield {"https_port": https_port, "http_port": http_port, "app_port": app_port,
               "context": context}
    finally:
        if server is not None:
            _stop(server)
        _stop(app)
        app_log.close()
    assert server.returncode is not None and app.returncode is not None


def _visitor(proxy, source: str) -> Visitor:
    return Visitor(source, "127.0.0.1", proxy["https_port"], proxy["context"])


def test_https_is_served_once_with_hsts_and_secure_cookies(proxy):
    # Plain http to the proxy: one redirect to https, and that page is served (no loop).
    plain = Visitor("127.0.0.2", "127.0.0.1", proxy["http_port"]).request("GET", "/accounts/login/")
    assert plain.status == 301
    location = urllib.parse.urlsplit(plain.headers["Location"])
    assert (location.scheme, location.port, location.path) == ("https", proxy["https_port"],
                                                               "/accounts/login/")
    page = _visitor(proxy, "127.0.0.2").request("GET", location.path)
    assert page.status == 200
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
    csrf = [c for c in page.headers.get_all("Set-Cookie") if c.startswith("csrftoken=")]
    assert csrf and "Secure" in csrf[0]


def test_a_guesser_locks_only_their_own_address_and_cannot_forge_another(proxy):
    guesser, colleague = _visitor(proxy, "127.0.0.2"), _visitor(proxy, "127.0.0.3")
    for _ in range(FAILURE_LIMIT):
        guesser.sign_in("lead", "wrong password")
    locked = guesser.sign_in("lead", PASSWORD)
    assert locked.status == 429 and LOCKED in locked.body
    # A made-up X-Forwarded-For does not get the guesser a fresh address: nginx appends the real one.
    forged = guesser.sign_in("lead", PASSWORD, headers={"X-Forwarded-For": "198.51.100.1"})
    assert forged.status == 429 and LOCKED in forged.body

    # The account's owner, from another machine, signs in as usual over the same proxy.
    signed_in = colleague.sign_in("lead", PASSWORD)
    assert signed_in.status == 302 and signed_in.headers["Location"] == "/staff/"
    session = [c for c in signed_in.headers.get_all("Set-Cookie") if c.startswith("sessionid=")]
    assert session and "Secure" in session[0] and "HttpOnly" in session[0]


def test_forwarding_headers_from_anyone_but_the_proxy_are_ignored(proxy):
    # Straight to the application from 127.0.0.2, not a trusted proxy, claiming HTTPS: not believed,
    # so the answer is the redirect to https, not the page.
    direct = Visitor("127.0.0.2", "127.0.0.1", proxy["app_port"])
    response = direct.request("GET", "/accounts/login/",
                              headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.3"})
    assert response.status == 301
    assert response.headers["Location"].startswith("https://")
    assert "Strict-Transport-Security" not in response.headers


def test_serve_warns_when_https_is_on_without_a_trusted_proxy(tmp_path):
    env = outsidein_env(tmp_path, tmp_path / "db.sqlite3")
    env.update(OUTSIDEIN_HTTPS="1", OUTSIDEIN_TRUSTED_PROXIES="", SECRET_KEY=secrets.token_urlsafe(50))
    port = free_port()
    server = subprocess.Popen([str(OUTSIDEIN), "serve", "--port", str(port), "--no-worker"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().startswith("Outside-In at http://127.0.0.1:")
        _wait_until_listening(port, server, tmp_path / "no-log")
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert ("note: OUTSIDEIN_HTTPS is on but OUTSIDEIN_TRUSTED_PROXIES is not set: behind a TLS "
            "proxy every request is redirected to https:// again; set it to the proxy's address "
            "(see docs/operations.md)") in stderr
