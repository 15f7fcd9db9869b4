"""Channels' in-memory layer (one worker, no Redis), with its expiry sweep rate-limited.

The stock layer sweeps every channel and every group member for expired entries on each
`receive` and `group_send`. Each socket's consumer is always waiting in `receive`, so one
broadcast to n sockets costs n sweeps of n members: at 2,000 sockets that is most of the
broadcast's time (bench/). Expiry is measured in seconds (`expiry`, `group_expiry`), so
sweeping at most once a second keeps its meaning. Channels 4.3 still sweeps per call (the
rework in django/channels#1976 kept that); this goes when Channels sweeps on a timer of its
own. `tests/platform/test_channel_layer.py` counts the sweeps (401 for a broadcast to 200
sockets without it).
"""

from __future__ import annotations

import time

from channels.layers import InMemoryChannelLayer as StockInMemoryChannelLayer

SWEEP_INTERVAL = 1.0


class InMemoryChannelLayer(StockInMemoryChannelLayer):
    last_sweep = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self.last_sweep < SWEEP_INTERVAL:
            return
        self.last_sweep = now
        super()._clean_expired()
