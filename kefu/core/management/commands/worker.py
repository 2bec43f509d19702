"""``kefu worker``: run background-job consumers (huey's run_huey with Kefu's settings).

Production: start one or more on any host, all pointing at the same ``REDIS_URL``; pass
``--workers N``. Exactly one consumer should schedule the periodic jobs: start the others with
``--no-periodic``. (Jobs are idempotent, so a duplicate run does no harm, only work.)
"""

from huey.contrib.djhuey.management.commands.run_huey import Command as RunHueyCommand


class Command(RunHueyCommand):
    help = "运行后台任务进程（生产环境可在多台主机上运行多个）。"
