"""interface_schemathesis: requests generated from the node's own /openapi.json, valid ones and
invalid ones, against a live regtest node.

Every answer must be no server error, have a status code and a content type the document
lists, and match the documented schema; invalid input must be refused with a 4xx. Admin routes
get the token, so they are exercised for real, with three limits that keep the run short and
the node's traffic on this machine (each one said where it is applied):

- GET /api/v1/events is left out: it streams until the client goes away, so no single answer
  can be checked (test_interface_events.py covers it).
- POST /api/v1/mine may ask for up to 1000 blocks; a request for more than 3 (and still valid)
  asks for 3 here, so the run mines tens of blocks, not tens of thousands.
- A peer URL (POST /api/v1/peers, /api/v1/peers/hello) would make the node connect to whatever
  host was generated; a valid one is pointed at a closed port on 127.0.0.1 instead.

After POST /api/v1/mining, mining is switched off again, so the node does not mine for the rest
of the run. One answer is not checked: the HTTP server's own plain-text 400 for a request line
too long to parse (see server_refused).
"""

import re
from typing import Any

import schemathesis
from framework import TestNode, free_port
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

MAX_MINE_HERE = 3
EXAMPLES = 75  # per route and generation mode (valid, invalid)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def contain(case: Any, closed_url: str) -> None:
    """The limits of the module docstring, applied to a generated request before it is sent."""
    body = case.body
    if not isinstance(body, dict):
        return
    if case.path == "/api/v1/mine":
        blocks = body.get("blocks")
        if type(blocks) is int and MAX_MINE_HERE < blocks <= 1000:
            body["blocks"] = MAX_MINE_HERE
    if case.path in ("/api/v1/peers", "/api/v1/peers/hello"):
        url = body.get("url")
        if isinstance(url, str) and len(url) <= 300:
            body["url"] = closed_url


def server_refused(response: Any) -> bool:
    """The HTTP server's own answer to a request line or headers too long for it to parse: a
    plain-text 400 sent before the app sees the request, so not in the API's error shape. Only
    very long non-ASCII query strings reach it (each character is 12 bytes percent-encoded)."""
    return (
        response.status_code == 400
        and response.text == "Invalid HTTP request received."
        and len(response.request.url) > 32_768
    )


def run_operation(operation: Any, mode: GenerationMode, node: TestNode) -> int:
    """Up to EXAMPLES generated requests for one route, each sent and checked; how many."""
    sent = 0
    token = {"Authorization": f"Bearer {node.token}"}
    closed_url = f"http://127.0.0.1:{free_port()}"

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def check(case: Any) -> None:
        nonlocal sent
        contain(case, closed_url)
        response = case.call(base_url=node.url, headers=token, timeout=60)
        sent += 1
        try:
            if server_refused(response):
                return
            case.validate_response(response, checks=CHECKS)
        finally:
            if case.path == "/api/v1/mining" and response.status_code == 200:
                node.api("POST", "/mining", admin=True, json={"enabled": False})

    check()
    return sent


def negatable(document: dict[str, Any], path: str, method: str) -> bool:
    """Whether a route takes anything that can be made invalid: a body, or a parameter with a
    type other than text or with a constraint. (Every path and header value is text, so a route
    whose parameters are plain text has no invalid requests for schemathesis to make.)"""
    operation = document["paths"][path][method.lower()]
    if "requestBody" in operation:
        return True
    constraints = {"maxLength", "minLength", "pattern", "format", "enum", "const"}
    for parameter in operation.get("parameters", []):
        schema = parameter["schema"]
        for member in schema.get("anyOf", [schema]):
            if member.get("type") not in ("string", "null") or constraints & set(member):
                return True
    return False


def test_api_follows_its_document(nodes, subtests) -> None:
    node: TestNode = nodes()
    node.mine(2)
    document = node.http.get("/openapi.json").json()
    schema = schemathesis.openapi.from_url(f"{node.url}/openapi.json", timeout=30)
    # any Unicode in generated text (other scripts' digits, right-to-left, lone surrogates in
    # query strings), NUL included
    schema.config.generation.update(codec="utf-8", allow_x00=True)
    schema = schema.exclude(path="/api/v1/events")  # streams forever: see the module docstring
    operations = list(schema.get_all_operations())
    assert len(operations) >= 20
    sent: dict[tuple[str, str], int] = {}
    for result in operations:
        if isinstance(result, Err):  # a route schemathesis cannot read is a failure, not a skip
            with subtests.test(msg=str(result.err())):
                raise result.err()
            continue
        operation = result.ok()
        with subtests.test(msg=f"{operation.label} (valid requests)"):
            sent[operation.label, "valid"] = run_operation(operation, GenerationMode.POSITIVE, node)
        with subtests.test(msg=f"{operation.label} (invalid requests)"):
            try:
                sent[operation.label, "invalid"] = run_operation(
                    operation, GenerationMode.NEGATIVE, node
                )
            except Unsatisfiable:  # schemathesis found no invalid request: there must be none
                assert not negatable(document, operation.path, operation.method), (
                    f"{operation.label} takes input that can be invalid, yet none was generated"
                )
    assert node.api("GET", "/status")["mining"] is False
    print(f"{sum(sent.values())} requests:", sent)
    assert sum(sent.values()) > 20 * len(operations)


def test_docs_page_needs_nothing_but_the_node(nodes) -> None:
    """/docs is Swagger UI, its scripts and styles served by the node itself."""
    node: TestNode = nodes()
    page = node.http.get("/docs")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert len(assets) >= 3, page.text
    scripts = ""
    for asset in assets:
        assert asset.startswith("/"), f"{asset} is not on the node"
        response = node.http.get(asset)
        assert response.status_code == 200, asset
        assert len(response.content) > 0
        scripts += response.text if asset.endswith(".js") else ""
    assert "<script>" not in page.text  # no inline script: the page's policy runs none
    assert '"/openapi.json"' in scripts
