"""The shipped production setup (deploy/), run for real: nginx in front of gunicorn with the shipped
settings, tor's and systemd's own checks of their files, and the environment template.

The nginx configuration is used as shipped, rewritten only for loopback ports, a test certificate
and the folders it is installed into; the main nginx.conf is the test's own, shaped like Debian's
(including its access log in the http block, which the shipped server blocks must switch off).
Skipped with the reason when nginx, tor or systemd-analyze is missing, except under CI.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tnrwatch.core.middleware import STRICT_HEADERS
from tnrwatch.intake.tests.live import TOKEN_RE, encode_multipart, free_port

from .instance import PROJECT, Instance

DEPLOY = PROJECT / "deploy"
HOST, ONION = "tnrwatch.test", "tnrwatchtestonionaddressxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion"
CLIENT = "127.0.0.3"  # the test client's own loopback address: nginx talks to gunicorn from 127.0.0.1
CANARIES = {"User-Agent": "ua-canary-5c1d7e", "Referer": "https://referer-canary-5c1d7e.example/",
            "X-Forwarded-For": "203.0.113.77", "X-Real-IP": "198.51.100.23"}
RECEIPT_RE = re.compile(rb'id="receipt">([0-9A-Z-]+)<')
pytestmark = pytest.mark.slow


def _tool(name: str) -> str:
    path = shutil.which(name) or next((p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.access(p, os.X_OK)), None)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed; .ci/run installs it under CI")
        pytest.skip(f"{name} is not installed (apt-get install {name}); the deployment test needs the real one")
    return path


# --- files that need no server -----------------------------------------------------------------

def test_env_template_names_every_production_setting():
    doc = (PROJECT / "docs" / "configuration.md").read_text()
    production = doc.split("## Development and tests")[0]
    documented = set(re.findall(r"^\| `((?:TNR_|DATABASE_URL)[A-Z0-9_]*)`", production, re.M))
    template = (DEPLOY / "tnrwatch.env.example").read_text()
    named = set(re.findall(r"^((?:TNR_|DATABASE_URL)[A-Z0-9_]*)=", template, re.M))
    assert documented - named == set(), "add these to deploy/tnrwatch.env.example"
    assert "TNR_ENV=production" in template and "TNR_QUEUE=redis" in template
    # and what the shipped gunicorn settings read is documented too
    read = set(re.findall(r"environ\.get\(\"(TNR_[A-Z0-9_]+)\"", (DEPLOY / "gunicorn.conf.py").read_text()))
    assert read and read <= documented


def test_nginx_serves_static_files_from_outside_the_data_folder():
    """The web server's user never enters the data folder (database, blobs, keys): the static
    files nginx serves are where the shipped environment puts TNR_STATIC_ROOT, not under TNR_DATA_DIR."""
    template = (DEPLOY / "tnrwatch.env.example").read_text()
    values = dict(re.findall(r"^(TNR_[A-Z_]+)=(.*)$", template, re.M))
    locations = (DEPLOY / "nginx" / "snippets" / "tnrwatch-locations.conf").read_text()
    alias = re.search(r"location /static/ \{[^}]*alias ([^;]+);", locations).group(1)
    assert alias.rstrip("/") == values["TNR_STATIC_ROOT"]
    assert not alias.startswith(values["TNR_DATA_DIR"].rstrip("/") + "/")


def test_admin_wrapper_is_valid_shell_and_loads_the_env_file():
    wrapper = DEPLOY / "tnrwatch-admin"
    assert os.access(wrapper, os.X_OK)
    assert subprocess.run(["sh", "-n", str(wrapper)], check=False).returncode == 0  # noqa: S607
    text = wrapper.read_text()
    assert ". /etc/tnrwatch/tnrwatch.env" in text and "runuser -u tnrwatch" in text


def test_torrc_parses_and_runs_a_v3_onion_with_pow(tmp_path):
    tor = _tool("tor")
    torrc = (DEPLOY / "tor" / "torrc").read_text()
    assert "HiddenServiceVersion 3" in torrc and "HiddenServicePoWDefensesEnabled 1" in torrc
    service = tmp_path / "hs"
    service.mkdir(mode=0o700)
    (tmp_path / "torrc").write_text(torrc.replace("/var/lib/tor/tnrwatch/", f"{service}/").replace("Log notice syslog", "Log notice stderr"))
    done = subprocess.run([tor, "--verify-config", "-f", str(tmp_path / "torrc"), "--DataDirectory", str(tmp_path / "data")],  # noqa: S603
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Configuration was valid" in done.stdout


def test_systemd_units_verify(tmp_path):
    analyze = _tool("systemd-analyze")
    units = []
    for unit in sorted((DEPLOY / "systemd").iterdir()):
        text = unit.read_text().replace("/opt/tnrwatch/.venv/bin/", f"{Path(sys.executable).parent}/")
        (tmp_path / unit.name).write_text(text)
        units.append(str(tmp_path / unit.name))
        if unit.suffix == ".service":
            assert "NoNewPrivileges=yes" in text and "User=tnrwatch" in text and "ProtectSystem=strict" in text
    done = subprocess.run([analyze, "verify", "--man=no", *units], capture_output=True, text=True, timeout=120, check=False)  # noqa: S603
    # Outside a booted systemd (a container) verify still parses every directive; those lines are what counts
    problems = [line for line in (done.stdout + done.stderr).splitlines()
                if "tnrwatch" in line and "Failed to" not in line and "System has not been booted" not in line
                and "/etc/tnrwatch" not in line and "user tnrwatch" not in line.lower()]
    assert not problems, "\n".join(problems)


# --- nginx in front of gunicorn -----------------------------------------------------------------

def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for the test name (openssl, as an administrator would make one)."""
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run([_tool("openssl"), "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",  # noqa: S603
                    "-nodes", "-days", "1", "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}",
                    "-keyout", str(key_path), "-out", str(cert_path)], check=True, capture_output=True, timeout=60)
    return cert_path, key_path


def _nginx_config(prefix: Path, ports: dict[str, int], data_dir: Path) -> Path:
    """The shipped site and snippets, rewritten for loopback ports, the test certificate and folders."""
    cert, key = _certificate(prefix)
    snippets = prefix / "snippets"
    snippets.mkdir()
    rewrites = [
        ("listen [::]:80;", ""), ("listen [::]:443 ssl http2;", ""),
        ("listen 80;", f"listen 127.0.0.1:{ports['http']};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{ports['https']} ssl http2;"),
        ("listen 127.0.0.1:8081;", f"listen 127.0.0.1:{ports['onion']};"),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{ports['gunicorn']};"),
        ("/etc/letsencrypt/live/tnrwatch.example.org/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/tnrwatch.example.org/privkey.pem", str(key)),
        ("tnrwatch.example.org", HOST),
        ("tnrwatchonionaddressplaceholderxxxxxxxxxxxxxxxxxxxxxxxxxx.onion", ONION),
        ("snippets/", f"{snippets}/"),
        ("/usr/share/tnrwatch/errors/", f"{DEPLOY / 'nginx' / 'errors'}/"),
        ("/var/www/tnrwatch/static/", f"{data_dir / 'static'}/"),
    ]

    def rewrite(text: str) -> str:
        for old, new in rewrites:
            text = text.replace(old, new)
        return text

    for snippet in (DEPLOY / "nginx" / "snippets").iterdir():
        (snippets / snippet.name).write_text(rewrite(snippet.read_text()))
    (prefix / "site.conf").write_text(rewrite((DEPLOY / "nginx" / "tnrwatch.conf").read_text()))
    for folder in ("logs", "client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / folder).mkdir()
    main = prefix / "nginx.conf"
    main.write_text(f"""
user root;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log;
events {{ worker_connections 256; }}
http {{
    sendfile on;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix}/logs/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/site.conf;
}}
""")
    return main


class Stack:
    """gunicorn (shipped gunicorn.conf.py, TNR_ENV=production) behind nginx (shipped site)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.ports = {name: free_port() for name in ("http", "https", "onion", "gunicorn")}
        self.instance = Instance(root / "data")
        self.instance.env.update({
            "TNR_ENV": "production", "TNR_SECRET_KEY": "s" * 50, "TNR_RECEIPT_KEY": "r" * 50, "TNR_AUDIT_KEY": "a" * 50,
            "TNR_ALLOWED_HOSTS": f"{HOST},{ONION}", "TNR_CSRF_TRUSTED_ORIGINS": f"https://{HOST},http://{ONION}",
            "TNR_BIND": f"127.0.0.1:{self.ports['gunicorn']}", "TNR_WEB_WORKERS": "2", "TNR_QUEUE": "immediate",
            "TNR_INTAKE_HOUSEKEEPING_SECONDS": "0", "TMPDIR": str(root / "data" / "tmp"),
        })
        (root / "data" / "tmp").mkdir(parents=True)
        self.nginx_prefix = root / "nginx"
        self.nginx_prefix.mkdir()
        self.gunicorn_log = root / "gunicorn.log"
        self.processes: list[subprocess.Popen] = []

    def start(self) -> Stack:
        from tnrwatch.intake import crypto

        self.instance.manage("migrate", "--noinput", "-v0")
        self.instance.manage("collectstatic", "--noinput", "-v0")
        _identity, public_key = crypto.identity_generate()
        self.instance.manage("intake_add_recipient", "--label", "offline", "--public-key", public_key)
        log = self.gunicorn_log.open("ab")
        self.processes.append(subprocess.Popen(  # noqa: S603 - our gunicorn, the shipped config
            [str(Path(sys.executable).parent / "gunicorn"), "--config", str(DEPLOY / "gunicorn.conf.py"),
             "tnrwatch.config.wsgi:application"], cwd=PROJECT, env=self.instance.env, stdout=log, stderr=log,
            start_new_session=True))
        conf = _nginx_config(self.nginx_prefix, self.ports, self.instance.data_dir)
        nginx = _tool("nginx")
        checked = subprocess.run([nginx, "-t", "-p", str(self.nginx_prefix), "-c", str(conf)],  # noqa: S603
                                 capture_output=True, text=True, check=False)
        assert checked.returncode == 0, checked.stderr
        self.nginx_test_output = checked.stderr
        self.processes.append(subprocess.Popen([nginx, "-p", str(self.nginx_prefix), "-c", str(conf), "-g", "daemon off;"],  # noqa: S603
                                               start_new_session=True))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/report/")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError("the stack did not start:\n" + self.gunicorn_log.read_text()[-3000:])

    def stop_gunicorn(self) -> None:
        process = self.processes[0]
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)

    def connection(self, scheme: str = "https", timeout: float = 60) -> http.client.HTTPConnection:
        if scheme == "https":
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return http.client.HTTPSConnection("127.0.0.1", self.ports["https"], context=context, timeout=timeout,
                                               source_address=(CLIENT, 0))
        return http.client.HTTPConnection("127.0.0.1", self.ports["onion" if scheme == "onion" else "http"], timeout=timeout,
                                          source_address=(CLIENT, 0))

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
                scheme: str = "https") -> tuple[int, http.client.HTTPMessage, bytes]:
        conn = self.connection(scheme)
        try:
            conn.request(method, path, body=body, headers={"Host": ONION if scheme == "onion" else HOST, **(headers or {})})
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()

    def raw(self, data: bytes, port: str = "https") -> bytes:
        """Send bytes as they are (a request nginx or gunicorn must refuse); the raw response."""
        sock = socket.create_connection(("127.0.0.1", self.ports[port]), timeout=30, source_address=(CLIENT, 0))
        if port == "https":
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            sock = context.wrap_socket(sock, server_hostname=HOST)
        with sock:
            sock.sendall(data)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)

    def log_files(self) -> list[Path]:
        return [p for p in [*self.nginx_prefix.rglob("*"), self.gunicorn_log] if p.is_file()]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    _tool("nginx")
    stack = Stack(tmp_path_factory.mktemp("deploy")).start()
    yield stack
    stack.stop()


def _missing_headers(headers: http.client.HTTPMessage) -> list[str]:
    missing = [name for name in STRICT_HEADERS if not headers.get(name)]
    repeated = [name for name in STRICT_HEADERS if len(headers.get_all(name) or []) > 1]
    server = headers.get("Server")
    return missing + [f"{name} twice" for name in repeated] + ([f"Server: {server}"] if server not in (None, "nginx") else [])


def _raw_headers(response: bytes) -> http.client.HTTPMessage:
    head = response.split(b"\r\n\r\n", 1)[0].split(b"\r\n", 1)[1]
    return http.client.parse_headers(__import__("io").BytesIO(head + b"\r\n\r\n"))


def test_nginx_t_passes_on_the_shipped_configuration(stack):
    assert "syntax is ok" in stack.nginx_test_output and "test is successful" in stack.nginx_test_output


def test_security_headers_on_every_kind_of_response(stack):
    seen: dict[str, list[str]] = {}

    def check(label: str, status: int, headers, expected: int) -> None:
        assert status == expected, (label, status)
        seen[label] = _missing_headers(headers)

    # 200: a page, the reporting form, a static file (served by nginx)
    check("200 home", *stack.request("GET", "/")[:2], 200)
    check("200 report form", *stack.request("GET", "/report/")[:2], 200)
    status, headers, body = stack.request("GET", "/healthz")
    check("200 healthz", status, headers, 200)
    assert headers["Cache-Control"] == "no-store" and b'"ok": true' in body
    status, headers, body = stack.request("GET", "/static/css/tnrwatch.css")
    check("200 static", status, headers, 200)
    assert b"{" in body and headers.get("Content-Type", "").startswith("text/css")
    # 3xx: nginx's redirect to HTTPS, Django's redirect to sign in
    status, headers, _ = stack.request("GET", "/report/", scheme="http")
    check("301 nginx https redirect", status, headers, 301)
    assert headers["Location"] == f"https://{HOST}/report/"
    check("302 django login", *stack.request("GET", "/workspace/")[:2], 302)
    # 4xx: Django's 404 and 400 (unknown host), nginx's 404 (static), 413 (too large), 400 (bad request)
    check("404 django", *stack.request("GET", "/no-such-page/")[:2], 404)
    check("400 django host", *stack.request("GET", "/", headers={"Host": "evil.example"})[:2], 400)
    check("404 nginx static", *stack.request("GET", "/static/none.css")[:2], 404)
    check("403 django csrf", *stack.request("POST", "/report/follow-up/", body=b"receipt=x",
                                           headers={"Content-Type": "application/x-www-form-urlencoded"})[:2], 403)
    check("413 nginx", *stack.request("POST", "/report/", body=b"x", headers={"Content-Length": str(200 * 1024 * 1024)})[:2], 413)
    response = stack.raw(b"GET / HTTP/1.1\r\nHost: " + HOST.encode() + b"\r\nBad Header\r\n\r\n")
    assert response.startswith(b"HTTP/1.1 400"), response[:100]
    seen["400 nginx bad header"] = _missing_headers(_raw_headers(response))
    # An error gunicorn makes itself: a request line over its 4 KiB limit (nginx allows 8 KiB)
    response = stack.raw(b"GET /?q=" + b"a" * 5000 + b" HTTP/1.1\r\nHost: " + HOST.encode() + b"\r\nConnection: close\r\n\r\n")
    assert response.startswith(b"HTTP/1.1 414") and b"Request Line is too large" in response, response[:300]
    seen["414 gunicorn request line"] = _missing_headers(_raw_headers(response))
    # Then no response lacks a header, repeats one, or names a server version
    assert {label: problems for label, problems in seen.items() if problems} == {}
    assert len(seen) == 13


def test_the_reporting_flow_without_javascript_through_the_proxy(stack):
    for scheme, host in (("https", HOST), ("onion", ONION)):
        # Given the form, as a browser with JavaScript off loads it (a cookie and the token)
        status, headers, page = stack.request("GET", "/report/", scheme=scheme)
        assert status == 200
        cookie = headers["Set-Cookie"].split(";", 1)[0]
        token = TOKEN_RE.search(page).group(1).decode()
        # When a report with an attachment is posted (Origin: null, as no-referrer browsers send)
        body, content_type = encode_multipart(
            {"what_happened": "They phoned my mother.", "country": "NL", "city": "Amsterdam", "wants_reply": "yes",
             "csrfmiddlewaretoken": token}, [("note.txt", b"attached " * 1000)])
        status, _, page = stack.request("POST", "/report/", body=body, scheme=scheme,
                                        headers={"Content-Type": content_type, "Cookie": cookie, "Origin": "null"})
        assert status == 200, page[:500]
        receipt = RECEIPT_RE.search(page).group(1).decode()
        # Then the receipt opens the report on the follow-up page
        status, _, page = stack.request(
            "POST", "/report/follow-up/", scheme=scheme,
            body=f"csrfmiddlewaretoken={token}&receipt={receipt}".encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie, "Origin": "null"})
        assert status == 200, (host, page[:500])
        assert b'name="receipt"' in page


@pytest.mark.browser
def test_a_browser_without_javascript_reports_through_the_proxy(stack, tmp_path, submit_page):
    from selenium.webdriver.common.by import By

    from tnrwatch.conftest import chromium_driver

    # Given Chromium with JavaScript off, resolving the site's name to the loopback nginx (HTTPS,
    # the test certificate)
    driver = chromium_driver(f"--host-resolver-rules=MAP {HOST} 127.0.0.1", "--ignore-certificate-errors")
    base = f"https://{HOST}:{stack.ports['https']}"
    try:
        evidence = tmp_path / "letter.txt"
        evidence.write_bytes(b"the letter they left\n" * 200)
        # When a reporter fills in the form with a file and sends it
        driver.get(base + "/report/")
        driver.find_element(By.ID, "id_what_happened").send_keys("Two men waited outside my flat.")
        driver.find_element(By.ID, "id_attachments").send_keys(str(evidence))
        receipt = submit_page(driver, "form.report-form button[type=submit]", "#receipt").text.strip()
        # Then the receipt brings them back to their report
        driver.get(base + "/report/follow-up/")
        driver.find_element(By.ID, "id_receipt").send_keys(receipt)
        assert submit_page(driver, "main form button[type=submit].primary", "#status").text
        # and every request went to the site itself
        hosts = {entry["message"].split('"url":"', 1)[1].split("/")[2]
                 for entry in driver.get_log("performance") if '"Network.requestWillBeSent"' in entry["message"]}
        assert hosts == {f"{HOST}:{stack.ports['https']}"}, hosts
    finally:
        driver.quit()


def test_an_upload_over_the_limit_is_refused_before_it_reaches_the_disk(stack):
    watched = [stack.nginx_prefix, stack.instance.data_dir]

    def big_files() -> list[tuple[Path, int]]:
        return [(p, p.stat().st_size) for folder in watched for p in folder.rglob("*")
                if p.is_file() and p.stat().st_size > 1024 * 1024 and p.suffix not in {".sqlite3", ".sqlite3-wal"}]

    before = big_files()
    # Bodies announced over the intake's limit (nginx's client_max_body_size is the same: 100 MiB of
    # attachments + 1 MiB of form): each sends 8 MB, then reads the answer
    for announced in (200 * 1024 * 1024, 101 * 1024 * 1024 + 1):
        conn = stack.connection()
        conn.putrequest("POST", "/report/", skip_host=True)
        for name, value in (("Host", HOST), ("Content-Type", "multipart/form-data; boundary=x"),
                            ("Content-Length", str(announced))):
            conn.putheader(name, value)
        conn.endheaders()
        try:
            for _ in range(8):
                conn.send(b"\0" * (1024 * 1024))
        except OSError:
            pass  # the server answered and closed: that is the point
        status = conn.getresponse().status
        conn.close()
        assert status == 413, status
        assert big_files() == before, "more than 1 MB of a refused upload reached the disk"


def test_no_address_user_agent_or_referrer_in_any_log(stack):
    for path in ("/", "/report/", "/no-such-page/", "/static/css/tnrwatch.css", "/static/none.css"):
        stack.request("GET", path, headers=CANARIES)
    stack.request("POST", "/report/", body=b"x", headers={**CANARIES, "Content-Length": str(200 * 1024 * 1024)})
    stack.raw(b"GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: ua-canary-5c1d7e\r\nBad Header\r\n\r\n")
    time.sleep(0.5)
    # The client's address (every request came from 127.0.0.3), its user agent and referrer, and the
    # addresses it claimed in forwarding headers
    needles = [v.encode() for v in CANARIES.values()] + [CLIENT.encode(), b"client:"]
    found = {}
    for path in stack.log_files():
        if path.suffix in {".pem", ".conf", ".html"} or path.name == "nginx.pid":
            continue
        data = path.read_bytes()
        hits = [n.decode() for n in needles if n in data]
        if hits:
            found[str(path)] = hits
    for path in stack.instance.files():
        data = path.read_bytes()
        hits = [n.decode() for n in needles if n in data]
        if hits:
            found[str(path)] = hits
    assert found == {}
    assert not (stack.nginx_prefix / "logs" / "access.log").exists() or (stack.nginx_prefix / "logs" / "access.log").stat().st_size == 0


def test_submissions_are_rate_limited_with_the_headers(stack):
    # More submissions at once than the instance-wide burst. Runs after the reporting flow (the
    # bucket then needs ~10 s to refill).
    with ThreadPoolExecutor(max_workers=30) as pool:
        statuses = list(pool.map(lambda _: stack.request("POST", "/report/", body=b"", headers={
            "Content-Type": "application/x-www-form-urlencoded"}), range(80)))
    limited = [(s, h, b) for s, h, b in statuses if s == 429]
    assert limited, sorted({s for s, _, _ in statuses})
    assert _missing_headers(limited[0][1]) == []
    # the reporter is told, in every language of the channel, that nothing was kept
    page = limited[0][2].decode()
    assert 'lang="zh-hans"' in page and 'lang="ug" dir="rtl"' in page and "报告渠道现在很繁忙" in page


def test_nginx_errors_when_gunicorn_is_down_carry_the_headers(stack):
    # Runs last in this module: it stops gunicorn
    stack.stop_gunicorn()
    status, headers, body = stack.request("GET", "/")
    assert status == 502 and b"Temporarily unavailable" in body
    assert _missing_headers(headers) == []
