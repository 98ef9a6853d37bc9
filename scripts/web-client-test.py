#!/usr/bin/env python3
"""The web client in a real browser against a real `chatctl serve all`.

Two headless Chromium sessions (alice and bob) sign up, meet in one room and chat; the
notification service tells each of the other's messages. Then the server goes away as an
operator takes it away: it is paused (SIGSTOP) while alice sends, then stopped
gracefully (SIGTERM: every socket is closed with 1001 "going away") and started again on
the same ports and store. Alice's network stays down a little longer (DevTools'
offline mode: her open sockets are gone with the server, new ones fail), so bob posts
while she is away and she types one message offline. When she is back, her page
resumes with since=<last id> and resends what the server never confirmed, by client_id.
Both pages must then hold every message sent exactly once, in the same order, and the
store as many messages as were sent.

Also checked: the security headers of the page and its assets, no inline script or
style, no Content-Security-Policy violation in either console, the WebSocket Origin
allow-list (the page's origin upgrades on both services, a foreign one gets 403), and
logout (the token is refused afterwards). A screenshot of alice's room is saved.

    web-client-test.py --bin .build/debug/chatctl --work DIR --screenshot .build/web-client.png

Run by scripts/check-web-client.sh, which installs Chromium, chromedriver and selenium.
Every wait is for a condition, bounded by WEB_CLIENT_PATIENCE seconds (default 30).
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

PATIENCE = float(os.environ.get("WEB_CLIENT_PATIENCE", "30"))
PASSWORD = "correct horse battery"
FOREIGN_ORIGIN = "http://evil.example"


class CheckFailed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def step(text):
    print(f"==> {text}", flush=True)


def wait_until(condition, what, timeout=PATIENCE, interval=0.05):
    """Polls `condition` until it is true (returns its value) or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise CheckFailed(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class Server:
    """`chatctl serve all` on the embedded store in `work`, on fixed ports (the same after
    a restart: the pages reconnect to the address they were loaded from)."""

    def __init__(self, binary, work, chat_port, notify_port):
        self.binary = binary
        self.work = work
        self.chat_port = chat_port
        self.notify_port = notify_port
        self.origin = f"http://127.0.0.1:{chat_port}"
        self.config = os.path.join(work, "config.json")
        with open(self.config, "w") as f:
            json.dump({
                "data_dir": os.path.join(work, "data"),
                "chat": {"web_client": True},
                "shutdown": {"timeout_seconds": 5},
                # A list that names the page's origin: the notification service, on
                # another port, sees the chat page's origin too.
                "websocket": {"allowed_origins": self.origin},
            }, f)
        # Only this run's settings: none from the caller's environment.
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith("CHATCTL_") and k not in LEGACY_SETTINGS}
        self.env.update(SECRET_KEY=secrets.token_hex(32), CHATCTL_LOG_LEVEL="info")
        self.process = None
        self.runs = 0

    @property
    def log_path(self):
        return os.path.join(self.work, f"server-{self.runs}.log")

    def start(self):
        self.runs += 1
        log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [self.binary, "serve", "all", "--config", self.config, "--host", "127.0.0.1",
             "--port", str(self.chat_port), "--notify-port", str(self.notify_port)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=self.env)
        log.close()

        def ready():
            expect(self.process.poll() is None, f"chatctl serve all exited ({self.process.returncode})")
            return all(http_status(f"http://127.0.0.1:{port}/healthz") == 200 for port in (self.chat_port, self.notify_port))
        wait_until(ready, "chatctl serve all to answer /healthz on both ports", interval=0.1)

    def pause(self):
        self.process.send_signal(signal.SIGSTOP)

    def stop(self, timeout=PATIENCE):
        """A graceful stop (also of a paused server); SIGKILL if it does not end in time."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        self.process.send_signal(signal.SIGCONT)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise CheckFailed("chatctl did not stop within its shutdown timeout")

    def chatctl(self, *arguments):
        result = subprocess.run([self.binary, *arguments, "--config", self.config], env=self.env,
                                capture_output=True, text=True, timeout=PATIENCE)
        expect(result.returncode == 0, f"chatctl {' '.join(arguments)}: {result.stderr.strip()}")
        return result.stdout

    def print_logs(self):
        for run in range(1, self.runs + 1):
            path = os.path.join(self.work, f"server-{run}.log")
            with open(path, errors="replace") as f:
                lines = f.readlines()
            print(f"--- {path} (last 40 lines)", file=sys.stderr)
            sys.stderr.writelines(lines[-40:])


# The Go system's environment names (they would point the run at other backends).
LEGACY_SETTINGS = {"SECRET_KEY", "MONGO_URI", "DATABASE_NAME", "REDIS_URI", "RABBITMQ_URL",
                   "RABBITMQ_USERNAME", "RABBITMQ_PASSWORD", "LOG_LEVEL"}


def http_status(url, token=None):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def upgrade_status(port, path, origin):
    """The status a WebSocket upgrade from `origin` gets, over a raw socket."""
    with socket.create_connection(("127.0.0.1", port), timeout=PATIENCE) as s:
        s.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                   "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                   f"Sec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n").encode())
        head = b""
        while b"\r\n" not in head:
            chunk = s.recv(4096)
            if not chunk:
                break
            head += chunk
    status_line = head.split(b"\r\n", 1)[0].decode(errors="replace")
    parts = status_line.split(" ")
    expect(len(parts) >= 2 and parts[1].isdigit(), f"no HTTP status line from port {port}: {status_line!r}")
    return int(parts[1])


def check_headers(base, notify_port):
    required = ["default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"]
    for path in ("/", "/app.js", "/style.css", "/client-config.json"):
        with urllib.request.urlopen(base + path, timeout=PATIENCE) as response:
            headers = response.headers
            body = response.read()
        policy = headers.get("Content-Security-Policy", "")
        for directive in required:
            expect(directive in policy, f"{path}: Content-Security-Policy lacks {directive!r}: {policy!r}")
        expect("unsafe-inline" not in policy and "unsafe-eval" not in policy, f"{path}: {policy!r} allows inline code")
        expect(headers.get("X-Content-Type-Options") == "nosniff", f"{path}: no X-Content-Type-Options: nosniff")
        expect(headers.get("Referrer-Policy") == "no-referrer", f"{path}: no Referrer-Policy: no-referrer")
        if path == "/":
            html = body.decode()
            expect(not re.search(r"<script(?![^>]*\bsrc=)", html), "the page has an inline script")
            expect("<style" not in html and not re.search(r"\sstyle=", html), "the page has inline style")
            expect(not re.search(r"(src|href)=\"(https?:)?//", html), "the page loads something from elsewhere")
        if path == "/client-config.json":
            expect(json.loads(body).get("notify_port") == notify_port, f"client-config.json: {body!r}")


def new_browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1100,760", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-default-apps", "--disable-sync",
                     "--disable-breakpad", "--disable-crash-reporter", "--no-proxy-server"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver_path = os.environ.get("CHROMEDRIVER", shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(service=Service(executable_path=driver_path), options=options)


class Page:
    """One person's browser on the web client."""

    def __init__(self, name, base):
        self.name = name
        self.base = base
        self.driver = new_browser()
        self.console = []

    def wait(self, condition, what):
        try:
            return WebDriverWait(self.driver, PATIENCE, poll_frequency=0.05).until(lambda _: condition())
        except TimeoutException:
            raise CheckFailed(f"{self.name}: timed out after {PATIENCE:.0f} s waiting for {what}") from None

    def js(self, script, *arguments):
        return self.driver.execute_script(script, *arguments)

    def find(self, selector):
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def state(self, element_id):
        return self.js("return document.getElementById(arguments[0]).dataset.state", element_id)

    def view(self):
        return self.js("return document.body.dataset.view || ''")

    def messages(self):
        return self.js("""return Array.from(document.querySelectorAll('#messages li.message:not(.pending)'), li => ({
            id: li.dataset.id, seq: Number(li.dataset.seq), client_id: li.dataset.clientId || null,
            sender: li.querySelector('.sender').textContent, content: li.querySelector('.content').textContent}))""")

    def contents(self):
        return [m["content"] for m in self.messages()]

    def pending(self):
        return self.js("return Array.from(document.querySelectorAll('#messages li.pending .content'), e => e.textContent)")

    def notifications(self):
        return self.js("return Array.from(document.querySelectorAll('#notifications li .content'), e => e.textContent)")

    def token(self):
        return self.js("return sessionStorage.getItem('chatctl.token')")

    def open(self):
        self.driver.get(self.base + "/")
        self.wait(lambda: self.view() == "auth", "the login form")

    def sign_up(self):
        self.find("#username").send_keys(self.name)
        self.find("#email").send_keys(f"{self.name}@example.com")
        self.find("#password").send_keys(PASSWORD)
        self.find("#signup-button").click()
        self.wait(lambda: self.view() == "chat" and self.find("#me").text == self.name, "the chat view after signing up")
        self.wait(lambda: self.state("notify-status") == "connected", "the notification socket")

    def create_room(self, room):
        self.find("#new-room").send_keys(room)
        self.find("#create-room-form button").click()
        self.wait_joined(room)

    def join(self, room):
        def button():
            found = self.driver.find_elements(By.CSS_SELECTOR, f'#rooms button[data-room="{room}"]')
            if not found:
                self.find("#refresh-rooms").click()
            return found[0] if found else None
        self.wait(button, f"room {room} in the list").click()
        self.wait_joined(room)

    def wait_joined(self, room):
        self.wait(lambda: self.find("#room-title").text == f"#{room}" and self.state("room-status") == "connected",
                  f"joining {room}")

    def send(self, text):
        self.find("#message-input").send_keys(text + Keys.ENTER)

    def resend(self, client_id, content, since):
        """Sends a message frame again on a socket of its own, as a page does whose echo was
        lost with its connection; returns the first message frame with that client_id."""
        self.driver.set_script_timeout(PATIENCE)
        url = self.js("return socketURL('ws/join/', {name: room.name, token: session.token, since: arguments[0]})", since)
        return self.driver.execute_async_script("""
            const [url, frame, done] = arguments;
            const ws = new WebSocket(url);
            ws.onopen = () => ws.send(JSON.stringify(frame));
            ws.onmessage = (event) => {
                const answer = JSON.parse(event.data);
                if (answer.type === 'message' && answer.client_id === frame.client_id) { ws.close(); done(answer); }
            };
            ws.onclose = () => done(null);""", url, {"type": "message", "content": content, "client_id": client_id})

    def set_offline(self, offline):
        self.driver.execute_cdp_cmd("Network.enable", {})
        self.driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
            "offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})

    def collect_console(self):
        self.console += self.driver.get_log("browser")

    def quit(self):
        try:
            self.driver.quit()
        except Exception:
            pass


def notified(page, text):
    return any(shown.endswith(text) for shown in page.notifications())


def expect_exactly_once(page, sent):
    messages = page.messages()
    contents = [m["content"] for m in messages]
    for text in sent:
        expect(contents.count(text) == 1, f"{page.name} shows {text!r} {contents.count(text)} times: {contents}")
    expect(len(contents) == len(sent), f"{page.name} shows {len(contents)} messages, {len(sent)} were sent: {contents}")
    ids = [m["id"] for m in messages]
    expect(len(set(ids)) == len(ids), f"{page.name} shows a message id twice: {ids}")
    seqs = [m["seq"] for m in messages]
    expect(seqs == sorted(seqs), f"{page.name} shows messages out of order: {seqs}")
    return ids


def run(binary, work, screenshot):
    chat_port, notify_port = free_ports(2)
    server = Server(binary, work, chat_port, notify_port)
    base = server.origin
    pages = []
    try:
        step(f"chatctl serve all on 127.0.0.1:{chat_port} (chat) and :{notify_port} (notify), store in {work}")
        server.start()

        step("the page and its assets: security headers, nothing inline, nothing from elsewhere")
        check_headers(base, notify_port)

        step("alice and bob sign up; alice creates a room, bob joins it")
        alice, bob = Page("alice", base), Page("bob", base)
        pages += [alice, bob]
        for page in pages:
            page.open()
        alice.sign_up()
        alice.create_room("lobby")
        bob.sign_up()
        bob.join("lobby")

        step("they chat; each message reaches both pages, and the other's notifications")
        sent = []
        for page, text in ((alice, "hello from alice"), (bob, "hello from bob"), (alice, "alice again"), (bob, "bob again")):
            page.send(text)
            sent.append(text)
            for reader in pages:
                reader.wait(lambda r=reader: r.contents() == sent, f"{sent[-1]!r} on {reader.name}'s page")
        bob.wait(lambda: notified(bob, "alice again"), "bob's notification of alice's message")
        alice.wait(lambda: notified(alice, "bob again"), "alice's notification of bob's message")

        step("the server is paused while alice sends, then stopped (1001) and started again")
        alice.set_offline(True)  # open sockets stay; new ones fail until she is back
        server.pause()
        alice.send("sent as the server stops")
        sent.append("sent as the server stops")
        alice.wait(lambda: alice.pending() == ["sent as the server stops"], "alice's message waiting for its echo")
        server.stop()
        for page in pages:
            page.wait(lambda p=page: p.state("room-status") != "connected", "the page to see the socket closed")
        server.start()

        step("bob is back and posts while alice is still away; she types one message offline")
        bob.wait(lambda: bob.state("room-status") == "connected", "bob's room socket back")
        bob.wait(lambda: bob.state("notify-status") == "connected", "bob's notification socket back")
        for text in ("bob while alice is away", "bob again while alice is away"):
            bob.send(text)
            sent.append(text)
        bob.wait(lambda: "bob again while alice is away" in bob.contents(), "bob's messages stored and echoed")
        alice.send("alice typed this offline")
        sent.append("alice typed this offline")
        expect("bob while alice is away" not in alice.contents(), "alice's page got a message while offline")
        expect(alice.state("room-status") != "connected", "alice's room socket reconnected while offline")

        step("alice is back: resumed with since=, unconfirmed messages resent by client_id")
        alice.set_offline(False)
        for page in pages:
            page.wait(lambda p=page: sorted(p.contents()) == sorted(sent) and not p.pending(), f"every message on {page.name}'s page")
        for page in pages:
            expect_exactly_once(page, sent)

        step("a resend of a stored client_id (its echo lost with a connection) is answered, not stored again")
        original = next(m for m in alice.messages() if m["content"] == "alice again")
        echo = alice.resend(original["client_id"], original["content"], since=alice.messages()[-1]["id"])
        expect(echo and echo.get("id") == original["id"], f"the resend got {echo}, not the stored message {original['id']}")
        alice.send("the last word")
        sent.append("the last word")
        for page in pages:
            # In store order, which need not be the order sent: the message sent as the
            # server stopped may have been stored only when resent.
            page.wait(lambda p=page: p.contents()[-1:] == ["the last word"] and sorted(p.contents()) == sorted(sent),
                      f"the last word on {page.name}'s page, and nothing new before it")
        alice_ids = expect_exactly_once(alice, sent)
        bob_ids = expect_exactly_once(bob, sent)
        expect(alice_ids == bob_ids, f"the pages show different messages or orders: {alice_ids} / {bob_ids}")
        stored = json.loads(server.chatctl("rooms", "show", "lobby", "--json"))
        expect(stored["room"]["messages"] == len(sent), f"the store holds {stored['room']['messages']} messages, {len(sent)} were sent")
        expect(sorted(m["username"] for m in stored["members"]) == ["alice", "bob"], f"members: {stored['members']}")
        bob.wait(lambda: notified(bob, "alice typed this offline"), "bob's notification after the restart")
        os.makedirs(os.path.dirname(os.path.abspath(screenshot)), exist_ok=True)
        expect(alice.driver.save_screenshot(screenshot), "could not save the screenshot")
        print(f"    {len(sent)} messages, each once on both pages and in the store; screenshot {screenshot}")

        step("the WebSocket Origin allow-list: the page's origin upgrades, another gets 403")
        token = alice.token()
        for port, path in ((chat_port, f"/ws/join/?name=lobby&token={token}"), (notify_port, f"/ws/join-notification/?token={token}")):
            expect(upgrade_status(port, path, base) == 101, f"port {port}: the page's origin {base} was refused")
            expect(upgrade_status(port, path, FOREIGN_ORIGIN) == 403, f"port {port}: {FOREIGN_ORIGIN} was not refused with 403")

        step("no Content-Security-Policy violation and no script error in either console")
        for page in pages:
            page.collect_console()
            bad = [entry["message"] for entry in page.console
                   if "Content Security Policy" in entry["message"] or "Uncaught" in entry["message"]]
            expect(not bad, f"{page.name}'s console: {bad}")

        step("alice logs out: back to the login form, her token refused")
        alice.find("#logout").click()
        alice.wait(lambda: alice.view() == "auth", "the login form after logging out")
        expect(http_status(f"{base}/api/room/list/", token) == 401, "the token still works after logout")
        print("web client check: passed", flush=True)
    except Exception:
        server.print_logs()
        raise
    finally:
        for page in pages:
            page.quit()
        server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", required=True, help="the chatctl binary")
    parser.add_argument("--work", required=True, help="an empty directory for the store, config and logs")
    parser.add_argument("--screenshot", required=True, help="where the PNG of alice's room goes")
    args = parser.parse_args()
    # Everything here is on the loopback interface: no proxy for urllib, selenium or Chromium.
    for name in [k for k in os.environ if k.lower() in ("http_proxy", "https_proxy", "all_proxy")]:
        del os.environ[name]
    try:
        run(os.path.abspath(args.bin), os.path.abspath(args.work), args.screenshot)
    except CheckFailed as failure:
        print(f"error: {failure}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
