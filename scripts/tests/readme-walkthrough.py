#!/usr/bin/env python3
"""The README's terminal-wallet walk-through, run verbatim (issue 16).

Extracts the first ```sh block of the README section "## The terminal
wallet", pastes its lines one by one into a fresh interactive bash on a
pseudo-terminal (HOME is a new empty directory, so the default profile is
new), and answers the prompts a person answers: the password, the code the
sandbox "sent" (read from its outbox, as the README says), `y` to a quote.
Fails on any line that exits non-zero, printing the transcript.

Run from anywhere: python3 scripts/tests/readme-walkthrough.py
"""

import json
import os
import pty
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVER = "http://127.0.0.1:8787"
PASSWORD = "walk-through password 1"
NEW_PASSWORD = "walk-through password 2"
LINE_TIMEOUT_S = 900  # the first line may build the CLI
DONE = re.compile(r"__RC=(\d+):([^:\r\n]*):([^:\r\n]*)__")
PHONE = re.compile(r"\+\d{8,15}")


def walkthrough_lines():
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    section = readme.split("\n## The terminal wallet\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    if not block:
        sys.exit("README: no ```sh block in 'The terminal wallet'")
    lines = [l for l in block.group(1).splitlines() if l.strip() and not l.lstrip().startswith("#")]
    return lines


def newest_code(phone, operator_key, api_key):
    out = subprocess.run(
        ["cargo", "run", "-q", "-p", "imwallet-cli", "--", "--json", "--server", SERVER,
         "--api-key", api_key, "sandbox", "code", phone, "--operator-key", operator_key],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"sandbox code {phone}: {out.stderr.strip()}")
    return json.loads(out.stdout)["code"]


def main():
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", 8787)) == 0:
            sys.exit("port 8787 is in use: the walk-through starts its own sandbox there")
    lines = walkthrough_lines()
    home = tempfile.mkdtemp(prefix="imwallet-walkthrough-")
    env = {
        "HOME": home,
        "PATH": os.environ["PATH"],
        "CARGO_HOME": os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo")),
        "RUSTUP_HOME": os.environ.get("RUSTUP_HOME", os.path.expanduser("~/.rustup")),
        "LANG": "en_US.UTF-8",
        "TERM": "dumb",
        "PS1": "$ ",
        "PROMPT_COMMAND": 'echo "__RC=$?:${IMWALLET_SANDBOX_OPERATOR_KEY:-}:${KEY:-}__"',
    }
    for keep in ("CARGO_TARGET_DIR", "RUSTUP_TOOLCHAIN", "TMPDIR"):
        if keep in os.environ:
            env[keep] = os.environ[keep]
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(ROOT)
        os.execvpe("bash", ["bash", "--norc", "--noprofile", "-i"], env)
    transcript = []
    state = {"password": PASSWORD, "chosen": None, "op": "", "key": ""}

    def send(text):
        os.write(fd, (text + "\n").encode())

    def run(line):
        """Types `line` once the shell is ready; answers prompts; returns rc."""
        if line is not None:
            send(line)
        pending = ""
        deadline = time.monotonic() + LINE_TIMEOUT_S
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 1.0)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096).decode("utf-8", "replace")
            except OSError:
                return None
            transcript.append(chunk)
            pending += chunk
            done = DONE.search(pending)
            if done:
                state["op"], state["key"] = done.group(2), done.group(3)
                return int(done.group(1))
            tail = pending.rstrip(" ")
            if tail.endswith("Choose a password (8 to 256 characters):"):
                changing = line is not None and "password change" in line
                state["chosen"] = NEW_PASSWORD if changing else state["password"]
                send(state["chosen"])
                pending = ""
            elif tail.endswith("Repeat the password:"):
                send(state["chosen"])
                if state["chosen"] == NEW_PASSWORD:
                    state["password"] = NEW_PASSWORD
                pending = ""
            elif tail.endswith("Password:"):
                send(state["password"])
                pending = ""
            elif re.search(r"Code sent to [^\r\n]*:$", tail):
                phones = PHONE.findall(line or "") or PHONE.findall("\n".join(lines))
                send(newest_code(phones[0], state["op"], state["key"]))
                pending = ""
            elif tail.endswith("imwallet>"):
                # `imwallet shell`: one command, then exit.
                shell_lines = state.setdefault("shell", ["balance", "exit"])
                send(shell_lines.pop(0) if shell_lines else "exit")
                pending = ""
            elif tail.endswith("[y/N]"):
                send("y")
                pending = ""
        raise TimeoutError(f"no end of: {line}")

    failed = None
    try:
        run(None)  # the first prompt
        for line in lines:
            rc = run(line)
            if rc != 0:
                failed = f"exit {rc}: {line}"
                break
    except (RuntimeError, TimeoutError) as e:
        failed = str(e)
    finally:
        try:
            send("kill %1 2>/dev/null; exit")
            time.sleep(1)
            os.kill(pid, signal.SIGHUP)
        except OSError:
            pass
        os.waitpid(pid, 0)
        shutil.rmtree(home, ignore_errors=True)
        receive_png = os.path.join(ROOT, "receive.png")
        if os.path.exists(receive_png):
            os.remove(receive_png)
    if failed or os.environ.get("IMWALLET_WALKTHROUGH_VERBOSE"):
        sys.stdout.write("".join(transcript))
    if failed:
        sys.exit(f"README walk-through failed: {failed}")
    print(f"README walk-through: {len(lines)} lines ran verbatim, every one exited 0")


if __name__ == "__main__":
    main()
