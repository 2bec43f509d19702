"""``kefu serve``: the web server (waitress) plus, in the embedded default, the job consumer.

In the embedded default the Huey consumer runs as threads in the same process, reading its
SQLite queue, so one command gives a complete Kefu. With ``REDIS_URL`` set (production) run
``kefu worker`` processes instead and start this with ``--no-worker``.

One waitress process runs Python in one interpreter (one GIL): ``--processes N`` (POSIX, with
``--no-worker`` or ``REDIS_URL``) binds the port once and forks N waitress processes that accept
on the same socket, so a multi-core server uses every core (classic pre-fork, as gunicorn does).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket

from django.conf import settings
from django.core.management.base import BaseCommand

log = logging.getLogger("kefu.serve")


def _exit(signum, frame) -> None:
    raise SystemExit(0)


class Command(BaseCommand):
    help = "启动 Kefu 网页服务（内嵌模式下同时运行后台任务）。"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--processes",
            type=int,
            default=1,
            help="网页服务进程数（多核服务器；须配合 --no-worker 或 REDIS_URL）",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="不在本进程运行后台任务（生产环境用 kefu worker）",
        )

    def handle(
        self,
        *args,
        host: str,
        port: int,
        threads: int,
        no_worker: bool,
        processes: int = 1,
        **options,
    ):
        from django.core.management.base import CommandError
        from waitress import serve

        from kefu.wsgi import application

        if processes > 1:
            if not no_worker and not settings.REDIS_URL:
                raise CommandError("--processes 须配合 --no-worker（或设置 REDIS_URL）使用。")
            if not hasattr(os, "fork"):
                raise CommandError("--processes 仅支持 Linux/Unix。")
            self._serve_forked(application, host, port, threads, processes)
            return

        consumer = None
        if not no_worker and not settings.REDIS_URL:
            from huey.contrib.djhuey import HUEY

            consumer = HUEY.create_consumer(
                workers=settings.HUEY_WORKERS,
                worker_type="thread",
                periodic=True,
                check_worker_health=True,
            )
            consumer.start()
            # The consumer took over SIGTERM/SIGINT for its own run loop, which we do not use:
            # give them back so the whole process stops cleanly.
            for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                signal.signal(signum, _exit)
            self.stdout.write("后台任务已在本进程启动（SQLite 队列）。")
        self.stdout.write(
            self.style.SUCCESS(f"Kefu 已启动：http://{host}:{port}/  （Ctrl+C 停止）")
        )
        try:
            serve(application, host=host, port=port, threads=threads, ident="kefu")
        finally:
            if consumer is not None:
                consumer.stop(graceful=True)

    def _serve_forked(self, application, host: str, port: int, threads: int, n: int) -> None:
        """Bind once, fork ``n`` waitress processes on the shared socket; stop them all on
        SIGTERM/SIGINT, and stop when any of them exits."""
        from django.db import connections
        from waitress import serve

        sock = socket.create_server((host, port), reuse_port=False, backlog=1024)
        connections.close_all()  # never share a database connection with the children
        children: list[int] = []
        for _i in range(n):
            pid = os.fork()
            if pid == 0:  # child
                signal.signal(signal.SIGTERM, _exit)
                signal.signal(signal.SIGINT, _exit)
                try:
                    serve(application, sockets=[sock], threads=threads, ident="kefu")
                finally:
                    os._exit(0)
            children.append(pid)
        sock.close()
        self.stdout.write(
            self.style.SUCCESS(f"Kefu 已启动：http://{host}:{port}/  （{n} 个进程，Ctrl+C 停止）")
        )

        def stop(signum, frame):
            raise SystemExit(0)

        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, stop)
        try:
            os.wait()  # one child ended (crash): take the others down too
        finally:
            for pid in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
            for pid in children:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, 0)
