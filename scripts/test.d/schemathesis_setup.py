"""Creates an app and a signed-in user on a live sandbox (stdlib only) and
prints `api_key access_token` for 25-schemathesis.sh."""
import json
import sys
import urllib.request

URL, OPERATOR = sys.argv[1], sys.argv[2]


def call(method, path, body=None, key=None):
    req = urllib.request.Request(URL + path, method=method)
    if key:
        req.add_header("X-Api-Key", key)
        req.add_header("X-Sandbox-Operator-Key", OPERATOR)
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, data, timeout=30) as resp:
        raw = resp.read()
        return json.loads(raw) if raw else None


def code(key, phone):
    path = "/v1/sandbox/outbox?destination=" + phone.replace("+", "%2B")
    return call("GET", path, key=key)["messages"][0]["code"]


for _ in range(100):
    try:
        call("GET", "/healthz")
        break
    except OSError:
        import time

        time.sleep(0.1)

key = call("POST", "/v1/apps", {"name": "schemathesis"})["api_key"]
phone, password = "+8613900000001", "schemathesis password"
call("POST", "/v1/verification-codes", {"purpose": "register", "destination": phone}, key)
call("POST", "/v1/users", {"phone": phone, "password": password, "code": code(key, phone)}, key)
ticket = call("POST", "/v1/auth/login", {"identifier": phone, "password": password}, key)
tokens = call(
    "POST",
    "/v1/auth/login/verify",
    {"login_ticket": ticket["login_ticket"], "code": code(key, phone)},
    key,
)
print(key, tokens["access_token"])
