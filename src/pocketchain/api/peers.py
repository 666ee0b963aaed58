"""Peer routes (being built): the peer list, connecting and forgetting peers, and what peers
send each other."""

from fastapi import APIRouter

from ..node.node import Node


def router(node: Node) -> APIRouter:
    return APIRouter(prefix="/api/v1")
