"""Prometheus metrics at /metrics: the node's state, what it connected and refused, and how long
requests take.

Each app has its own registry (a process may hold several apps, as tests do). Gauges are read
from the node when Prometheus scrapes; counters count the node's events (`node.listeners`);
the request histogram is labelled by the route's path template (`/api/v1/blocks/{block_hash}`),
never by the raw path, so a client cannot make the number of series grow.
"""

import time
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Receive, Scope, Send

from .._results import BlockEvent, Event, RejectedEvent, ReorgEvent
from ..node.node import Node

disable_created_metrics()  # type: ignore[no-untyped-call]  # no `_created` series

UNMATCHED = "unmatched"  # the route label of every path no route matches
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class _NodeState(Collector):
    """The gauges, from the snapshot the writer published last, so they describe one moment."""

    def __init__(self, node: Node, subscribers: Any) -> None:
        self.node = node
        self.subscribers = subscribers  # a callable: how many clients follow /api/v1/events

    def collect(self) -> Iterator[Metric]:
        snapshot = self.node.snapshot
        height, mempool_txs, mempool_bytes = (
            snapshot.tip.height,
            snapshot.mempool_txs,
            snapshot.mempool_bytes,
        )
        gauges: list[tuple[str, str, float]] = [
            ("pocketchain_height", "Height of the active chain's tip.", height),
            (
                "pocketchain_peers",
                "Peers connected and not banned.",
                self.node.network.connected_count(),
            ),
            ("pocketchain_mempool_transactions", "Transactions in the mempool.", mempool_txs),
            ("pocketchain_mempool_bytes", "Serialized size of the mempool.", mempool_bytes),
            (
                "pocketchain_hashrate",
                "Nonces tried per second by the miner (running or last search).",
                self.node.miner.hashrate,
            ),
            (
                "pocketchain_event_subscribers",
                "Clients following /api/v1/events.",
                self.subscribers(),
            ),
        ]
        for name, documentation, value in gauges:
            yield GaugeMetricFamily(name, documentation, value=value)


class Metrics:
    """One registry with every pocketchain metric; `on_event` goes into `node.listeners`."""

    def __init__(self, node: Node, subscribers: Any = lambda: 0) -> None:
        self.registry = CollectorRegistry()
        self.blocks = Counter(
            "pocketchain_blocks_connected",
            "Blocks connected to the active chain (reorgs included).",
            registry=self.registry,
        )
        self.reorgs = Counter(
            "pocketchain_reorgs",
            "Reorganizations: tip changes that disconnected blocks.",
            registry=self.registry,
        )
        self.rejected = Counter(
            "pocketchain_rejected",
            "Transactions and blocks refused, by reject code.",
            ["kind", "code"],
            registry=self.registry,
        )
        self.requests = Histogram(
            "pocketchain_http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route template.",
            ["method", "route"],
            registry=self.registry,
        )
        self.registry.register(_NodeState(node, subscribers))

    def on_event(self, event: Event) -> None:
        """A node listener: runs on the node's writer (or a peer thread); never raises."""
        try:
            if isinstance(event, BlockEvent):
                self.blocks.inc(event.connected)
            elif isinstance(event, ReorgEvent):
                self.reorgs.inc()
            elif isinstance(event, RejectedEvent):
                self.rejected.labels(event.what, event.code).inc()
        except Exception:  # a metric must never break the writer
            return

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def router(metrics: Metrics) -> APIRouter:
    router = APIRouter()

    @router.get(
        "/metrics",
        response_class=Response,
        summary="Prometheus metrics",
        responses={
            200: {
                "description": "The Prometheus text exposition format.",
                "content": {"text/plain": {"schema": {"type": "string"}}},
            }
        },
    )
    def get_metrics() -> Response:  # a thread: reading the gauges waits for the writer
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_PLAIN_0_0_4)

    return router


def route_label(scope: Scope, root_path: str = "") -> str:
    """The path template of the route that matched the request (`/docs-assets/{path}` for a
    mounted app), or `unmatched`. `root_path` is the scope's root path before routing."""
    path = getattr(scope.get("route"), "path", None)
    if isinstance(path, str):
        return path
    mounted = scope.get("root_path", "")
    if isinstance(mounted, str) and len(mounted) > len(root_path) and "endpoint" in scope:
        return mounted[len(root_path) :] + "/{path}"
    return UNMATCHED


class RequestTimer:
    """Pure ASGI middleware: observes every request's duration in the histogram."""

    def __init__(self, app: ASGIApp, histogram: Histogram) -> None:
        self.app = app
        self.histogram = histogram

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        root_path = scope.get("root_path", "")
        start = time.perf_counter()
        try:
            await self.app(scope, receive, send)
        finally:
            method = scope.get("method", "")
            self.histogram.labels(
                method if method in _METHODS else "other", route_label(scope, root_path)
            ).observe(time.perf_counter() - start)
