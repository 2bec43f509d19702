"""``kefu serve`` starts web and job consumer, answers, and stops on SIGTERM (item 12)."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_and_stops_on_sigterm(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("KEFU_TESTING", "DATABASE_URL")}
    env.update(KEFU_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="kefu.settings")
    kefu = [sys.executable, "-m", "kefu.cli"]
    subprocess.run([*kefu, "migrate", "-v", "0"], env=env, check=True, timeout=120)
    port = _free_port()
    proc = subprocess.Popen(
        [*kefu, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        status = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as r:
                    status = r.status
                    body = r.read().decode()
                break
            except OSError:
                time.sleep(0.3)
        assert status == 200
        assert "客服中心管理系统" in body
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert "后台任务已在本进程启动" in output


def test_serve_with_processes_answers_and_stops_every_child(tmp_path):
    """``--processes 2``: two waitress processes share the port; SIGTERM stops all of them."""
    env = {k: v for k, v in os.environ.items() if k not in ("KEFU_TESTING", "DATABASE_URL")}
    env.update(KEFU_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="kefu.settings")
    kefu = [sys.executable, "-m", "kefu.cli"]
    subprocess.run([*kefu, "migrate", "-v", "0"], env=env, check=True, timeout=120)
    port = _free_port()
    proc = subprocess.Popen(
        [*kefu, "serve", "--no-worker", "--processes", "2", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        statuses = []
        while time.monotonic() < deadline and len(statuses) < 6:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as r:
                    statuses.append(r.status)
            except OSError:
                time.sleep(0.3)
        assert statuses == [200] * 6
        children = subprocess.run(
            ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True
        ).stdout.split()
        assert len(children) == 2
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert "2 个进程" in output
    for pid in children:
        assert not os.path.exists(f"/proc/{pid}"), f"child {pid} still running"


def test_serve_processes_needs_an_external_worker(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("KEFU_TESTING", "DATABASE_URL")}
    env.update(KEFU_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="kefu.settings")
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "kefu.cli", "serve", "--processes", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "--no-worker" in result.stderr
