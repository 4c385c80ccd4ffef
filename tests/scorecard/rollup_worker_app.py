"""The Celery app the rollup worker tests start their workers with: the project's own app, plus

- a short visibility timeout and restore sweep, so a chunk left unacknowledged by a killed worker
  is redelivered to another worker within seconds rather than the production hour;
- when ROLLUP_STALL_FILE is set, a stall after the first measure a chunk writes (the file is
  created to say so), so the test can SIGKILL the worker in the middle of a chunk.
"""

import os
import time
from pathlib import Path

from celery.signals import worker_init

from config.celery import app

app.conf.broker_transport_options = {
    "visibility_timeout": int(os.environ.get("ROLLUP_VISIBILITY_TIMEOUT", "5")),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}


@worker_init.connect
def _stall_after_first_measure(**kwargs) -> None:
    # Connected after Celery's Django fixup, so Django is set up and models can be imported.
    stall_file = os.environ.get("ROLLUP_STALL_FILE")
    if not stall_file:
        return
    from scorecard import rollup

    real = rollup.snapshot_measure

    def stalling(*args, **kwargs):
        written = real(*args, **kwargs)
        path = Path(stall_file)
        if not path.exists():
            path.write_text("stalled mid-chunk")
            time.sleep(600)
        return written

    rollup.snapshot_measure = stalling
