"""``kefu serve``: the web server (waitress) plus, in the embedded default, the job consumer.

In the embedded default the Huey consumer runs as threads in the same process, reading its
SQLite queue, so one command gives a complete Kefu. With ``REDIS_URL`` set (production) run
``kefu worker`` processes instead and start this with ``--no-worker``.
"""

from __future__ import annotations

import logging
import signal

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
            "--no-worker",
            action="store_true",
            help="不在本进程运行后台任务（生产环境用 kefu worker）",
        )

    def handle(self, *args, host: str, port: int, threads: int, no_worker: bool, **options):
        from waitress import serve

        from kefu.wsgi import application

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
