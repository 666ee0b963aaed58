"""interface_rest_errors: every route the node lists in /openapi.json, fed malformed input.

The routes come from the node's own OpenAPI document, so a route added later is walked too.
Each malformed request must get a 4xx with exactly the error shape of CONTRACT section 4
(`{"error": {"code", "message"}}`), and afterwards the node still serves, its tip has not moved,
and its log holds no traceback.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
from coins import address
from framework import TestNode
from hypothesis import given, settings
from hypothesis import strategies as st

import aio
from pocketchain.api.app import create_app
from pocketchain.consensus.keys import encode_address
from pocketchain.consensus.params import REGTEST
from pocketchain.node.node import Node

CODE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
FILLER_HASH = "00" * 32  # well formed, names nothing
MIB = 1024 * 1024

# path parameter values that no route can take (already percent-encoded where it matters)
BAD_PATH_TEXT = [
    "zz",
    "0" * 63,
    "0" * 65,
    "g" * 64,
    "-1",
    "%00",
    "%FF%FE",
    "%20",
    "x" * 2000,
    # Unicode: other scripts' digits, look-alikes of hex, right-to-left, broken UTF-8
    "²",
    "\u0661\u0662\u0663",
    "\uff11\uff12\uff13",
    "\u0430" * 64,  # Cyrillic a: a hash to the eye
    "\u202e" + "0" * 63,
    "%ED%A0%80",  # a lone surrogate, as UTF-8
    "%C0%AF",  # an overlong encoding
]
BAD_PATH_INT = [
    "zz",
    "-1",
    "1.5",
    "1e3",
    "0x10",
    "9" * 30,  # a huge int
    "9" * 5000,  # past Python's int-from-text digit limit
    "%00",
    "%20",
    "x" * 2000,
    "²",
    "\u0661\u0662",  # Arabic-Indic digits: int() in Python reads them as 12
    "\uff11\uff12",
    "\u07c1",
    "%ED%A0%80",
]
UNICODE_TEXT = [
    "²",
    "\u0661\u0662",
    "\uff11\uff12",
    "\u202e12",
    "\x00",
    "\u0430" * 8,
]  # for query and JSON text


@dataclass
class Probe:
    what: str
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] | None = None
    content: Any = None  # bytes, or an iterator of bytes for a chunked body
    status: int | None = None  # the exact status expected; None: any 4xx
    code: str | None = None  # the exact error code expected


def check_error(response: httpx.Response, probe: Probe) -> str | None:
    """What is wrong with the answer to a probe, or None."""
    status = response.status_code
    if probe.status is not None and status != probe.status:
        return f"status {status}, expected {probe.status}: {response.text[:300]}"
    if not 400 <= status < 500:
        return f"status {status}, expected a 4xx: {response.text[:300]}"
    if not response.headers.get("content-type", "").startswith("application/json"):
        return f"content-type {response.headers.get('content-type')!r}: {response.text[:300]}"
    try:
        body = response.json()
    except ValueError:
        return f"not JSON: {response.text[:300]}"
    if not (isinstance(body, dict) and set(body) == {"error"}):
        return f"not the error shape: {body}"
    error = body["error"]
    if not (isinstance(error, dict) and set(error) == {"code", "message"}):
        return f"not the error shape: {body}"
    code, message = error["code"], error["message"]
    if not (isinstance(code, str) and CODE.fullmatch(code)):
        return f"bad error code {code!r}"
    if not (isinstance(message, str) and message.strip()):
        return f"empty error message: {body}"
    if probe.code is not None and code != probe.code:
        return f"code {code!r}, expected {probe.code!r}"
    return None


# -- reading the OpenAPI document -------------------------------------------------------------


class Api:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            name = schema["$ref"].removeprefix("#/components/schemas/")
            schema = self.document["components"]["schemas"][name]
        return schema

    def members(self, schema: dict[str, Any]) -> list[dict[str, Any]]:
        """The non-null alternatives of a schema (itself when it has none)."""
        schema = self.resolve(schema)
        options = schema.get("anyOf") or schema.get("oneOf")
        if not options:
            return [schema]
        return [self.resolve(o) for o in options if o.get("type") != "null"]

    def kinds(self, schema: dict[str, Any]) -> set[str | None]:
        return {m.get("type") for m in self.members(schema)}

    def body_objects(self, operation: dict[str, Any]) -> list[dict[str, Any]]:
        content = operation.get("requestBody", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        return [] if schema is None else self.members(schema)

    def operations(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for path, item in self.document["paths"].items():
            for method, operation in item.items():
                yield method.upper(), path, operation


def is_admin(operation: dict[str, Any]) -> bool:
    """Admin routes declare the Authorization header (the token check)."""
    return any(
        p["in"] == "header" and p["name"].lower() == "authorization"
        for p in operation.get("parameters", [])
    )


def fill(
    path: str, params: list[dict[str, Any]], api: Api, known: dict[str, str], **given: str
) -> str:
    """The path with every parameter set: `given` ones as they are, the others to a value the
    node knows (`known`, by parameter name) or else to a well-formed one that names nothing."""
    for p in params:
        if p["in"] != "path":
            continue
        name = p["name"]
        if name in given:
            value = given[name]
        elif name in known:
            value = known[name]
        else:
            value = "0" if "integer" in api.kinds(p["schema"]) else FILLER_HASH
        path = path.replace("{" + name + "}", value)
    return path


# query parameters where any text is a question (only its length can be wrong)
FREE_TEXT = {("/api/v1/search", "q")}


def bad_query_values(schema: dict[str, Any], api: Api, free_text: bool = False) -> list[str]:
    values: list[str] = []
    for member in api.members(schema):
        kind = member.get("type")
        if kind == "integer":
            values += ["abc", "1.5", "", "9" * 5000, *UNICODE_TEXT]
            if member.get("minimum") is not None:
                values.append(str(int(member["minimum"]) - 1))
            if member.get("maximum") is not None:
                values.append(str(int(member["maximum"]) + 1))
        elif kind == "boolean":
            values.append("maybe")
        elif kind == "string":
            values += [] if free_text else ["zz", "\x00", "%", *UNICODE_TEXT]
            if member.get("maxLength") is not None:
                values.append("0" * (int(member["maxLength"]) + 1))
    return values


def wrong_type(schema: dict[str, Any], api: Api) -> Any:
    """A JSON value of a type the schema does not allow."""
    kinds = api.kinds(schema)
    for value in ("text", 12345, True, [1, 2], {"a": 1}, 1.5):
        allowed = {
            str: "string",
            int: "integer",
            bool: "boolean",
            list: "array",
            dict: "object",
            float: "number",
        }[type(value)]
        if allowed not in kinds and not (allowed == "integer" and "number" in kinds):
            return value
    raise AssertionError(f"every type fits {schema}")


def minimal(schema: dict[str, Any], api: Api) -> Any:
    """The plainest value of a schema's type (not necessarily one the route accepts)."""
    schema = api.members(schema)[0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {name: minimal(s, api) for name, s in schema.get("properties", {}).items()}
    return {"array": [], "string": "", "boolean": False, "number": 0}.get(
        kind, int(schema.get("minimum", 0))
    )


def json_probes(api: Api, method: str, path: str, operation: dict[str, Any], auth: dict) -> list:
    objects = api.body_objects(operation)
    headers = auth | {"content-type": "application/json"}
    where = f"{method} {path}"
    probes = [
        Probe(f"{where}: body not JSON", method, path, headers, content=b"{bad json"),
        Probe(f"{where}: body not UTF-8", method, path, headers, content=b'{"a": "\xff\xfe"}'),
        Probe(f"{where}: empty body", method, path, headers, content=b""),
        Probe(f"{where}: JSON null", method, path, headers, content=b"null"),
        Probe(f"{where}: JSON array", method, path, headers, content=b"[]"),
        Probe(f"{where}: JSON string", method, path, headers, content=b'"text"'),
        Probe(f"{where}: JSON number", method, path, headers, content=b"12"),
        Probe(f"{where}: deep nesting", method, path, headers, content=b"[" * 200_000),
        Probe(
            f"{where}: JSON as text/plain",
            method,
            path,
            auth | {"content-type": "text/plain"},
            content=b"{}",
        ),
        Probe(
            f"{where}: too large (Content-Length)",
            method,
            path,
            headers,
            content=b"[" + b"0," * (5 * MIB // 2) + b"0]",
            status=413,
            code="too-large",
        ),
        Probe(
            f"{where}: too large (chunked)",
            method,
            path,
            headers,
            content=iter([b"[" + b"0," * 32_768] * 100),
            status=413,
            code="too-large",
        ),
    ]
    if all(o.get("required") for o in objects):
        probes.append(Probe(f"{where}: fields missing", method, path, headers, content=b"{}"))
    for o in objects:  # every field in turn of the wrong type, the others of the right one
        for name, schema in o.get("properties", {}).items():
            body = json.dumps(minimal(o, api) | {name: wrong_type(schema, api)}).encode()
            probes.append(
                Probe(f"{where}: {name} of the wrong type", method, path, headers, content=body)
            )
            for text in [*UNICODE_TEXT, "\ud800"]:  # json.dumps escapes the lone surrogate
                body = json.dumps(minimal(o, api) | {name: text}).encode()
                what = f"{where}: {name}={text!r}"
                probes.append(Probe(what, method, path, headers, content=body))
    return probes


def probes_for(api: Api, token: str, known: dict[str, str]) -> Iterator[Probe]:
    """`known`: path parameter values the node knows, so a probe of one parameter gets past the
    others. Admin routes get none of them: a probe must never reach a block that exists."""
    for method, template, operation in api.operations():
        params = operation.get("parameters", [])
        admin = is_admin(operation)
        real = {} if admin else known
        # with the token, so that admin routes get as far as checking their input
        auth = {"Authorization": f"Bearer {token}"} if admin else {}
        where = f"{method} {template}"
        required_query = {
            p["name"]: "0"
            if "integer" in {m.get("type") for m in api.members(p["schema"])}
            else "zz"
            for p in params
            if p["in"] == "query" and p.get("required")
        }

        for p in params:
            if p["in"] == "path":
                integer = "integer" in api.kinds(p["schema"])
                for bad in BAD_PATH_INT if integer else BAD_PATH_TEXT:
                    path = fill(template, params, api, real, **{p["name"]: bad})
                    what = f"{where}: {p['name']}={bad[:20]}"
                    yield Probe(what, method, path, auth, params=required_query or None)
            elif p["in"] == "query":
                free = (template, p["name"]) in FREE_TEXT
                for bad in bad_query_values(p["schema"], api, free):
                    query = required_query | {p["name"]: bad}
                    what = f"{where}: ?{p['name']}={bad[:20]!r}"
                    yield Probe(what, method, fill(template, params, api, real), auth, params=query)
                if p.get("required"):
                    query = {k: v for k, v in required_query.items() if k != p["name"]}
                    what = f"{where}: ?{p['name']} missing"
                    yield Probe(what, method, fill(template, params, api, real), auth, params=query)

        if "requestBody" in operation:
            yield from json_probes(api, method, fill(template, params, api, real), operation, auth)

        if admin:  # the token is checked before anything else is looked at
            path = fill(template, params, api, real)
            for header, status, code in (
                ({}, 401, "unauthorized"),
                ({"Authorization": "Basic dXNlcjpwYXNz"}, 401, "unauthorized"),
                ({"Authorization": "Bearer"}, 401, "unauthorized"),
                ({"Authorization": "Bearer not-the-token"}, 403, "forbidden"),
                ({"Authorization": f"Bearer {token}x"}, 403, "forbidden"),
            ):
                content = b"{}" if "requestBody" in operation else None
                headers = header | {"content-type": "application/json"}
                what = f"{where}: Authorization {header.get('Authorization', 'absent')!r}"
                yield Probe(what, method, path, headers, required_query, content, status, code)

        allowed = set(api.document["paths"][template]) | {"head", "options"}
        for wrong in HTTP_METHODS:
            if wrong.lower() not in allowed:
                what = f"{wrong} {template}: method not allowed"
                path = fill(template, params, api, real)
                yield Probe(what, wrong, path, status=405, code="method-not-allowed")
                break

    for method, path in (("GET", "/nope"), ("GET", "/api/v1/nope"), ("POST", "/api/v2/txs")):
        yield Probe(f"{method} {path}: unknown", method, path, status=404, code="not-found")


def test_every_route_refuses_malformed_input(nodes) -> None:
    node: TestNode = nodes()
    hashes = node.mine(3)  # a chain with some blocks, so that a move of its tip would show
    before = node.status()
    block = node.api("GET", f"/blocks/{hashes[0]}")
    known = {
        "block_hash": hashes[0],
        "txid": block["txs"][0]["txid"],
        "address": block["txs"][0]["outputs"][0]["address"],
        "height": "1",
    }
    api = Api(node.http.get("/openapi.json").json())
    routes = list(api.operations())
    assert len(routes) >= 20, "the document lists the routes of CONTRACT section 4"

    failures: list[str] = []
    count = 0
    with httpx.Client(base_url=node.url, timeout=30) as client:
        for probe in probes_for(api, node.token, known):
            count += 1
            try:
                response = client.request(
                    probe.method,
                    probe.path,
                    headers=probe.headers,
                    params=probe.params,
                    content=probe.content,
                )
            except httpx.HTTPError as exc:
                failures.append(f"{probe.what}: {type(exc).__name__} {exc}")
                continue
            problem = check_error(response, probe)
            if problem:
                failures.append(f"{probe.what}: {problem}")

    assert not failures, f"{len(failures)} of {count} probes:\n" + "\n".join(failures)
    assert count > 300
    after = node.status()
    assert (after["tip"], after["height"], after["mempool"]) == (
        before["tip"],
        before["height"],
        before["mempool"],
    )
    log = node.log.read_text(errors="replace")
    assert "Traceback" not in log and "internal error" not in log, log


def test_tx_json_form_names_the_bad_field(nodes) -> None:
    """POST /api/v1/txs in the tx JSON form: a malformed field is a 400 with its own code."""
    node: TestNode = nodes()
    good_input = {"txid": "11" * 32, "vout": 0, "pubkey": "02" + "33" * 32, "signature": "44" * 64}
    good_output = {"amount": 1000, "address": address(1)}
    cases = [
        ({"txid": "zz" * 32}, {}, "bad-txid"),
        ({"txid": "11" * 31}, {}, "bad-txid"),
        ({"pubkey": "0"}, {}, "bad-hex"),
        ({"signature": "xyz1"}, {}, "bad-hex"),
        ({"vout": -1}, {}, "bad-request"),
        ({"vout": 2**32}, {}, "bad-request"),
        ({"vout": "0"}, {}, "bad-request"),
        ({}, {"address": "pcrt1notanaddress"}, "bad-address"),
        ({}, {"address": encode_address("pcd", bytes(20))}, "bad-address"),  # devnet's
        ({}, {"amount": 2**63}, "bad-request"),
        ({}, {"amount": 1.5}, "bad-request"),
        ({}, {"amount": True}, "bad-request"),
    ]
    for input_change, output_change, code in cases:
        body = {
            "version": 1,
            "inputs": [good_input | input_change],
            "outputs": [good_output | output_change],
            "data": None,
        }
        response = node.http.post("/api/v1/txs", json=body)
        problem = check_error(response, Probe("", "POST", "", status=400, code=code))
        assert problem is None, (body, problem)
    # data with a lone surrogate (a JSON escape) is no UTF-8 text
    text = r'{"version": 1, "inputs": [], "outputs": [], "data": "\ud800"}'
    headers = {"content-type": "application/json"}
    response = node.http.post("/api/v1/txs", content=text, headers=headers)
    assert check_error(response, Probe("", "POST", "", status=400, code="bad-data")) is None
    # well formed, but it spends nothing the chain has: refused by the rules, like its hex
    body = {"version": 1, "inputs": [good_input], "outputs": [good_output], "data": "hi"}
    response = node.http.post("/api/v1/txs", json=body)
    assert check_error(response, Probe("", "POST", "")) is None
    assert response.json()["error"]["code"] not in {"bad-request", "bad-txid", "bad-hex"}
    assert node.status()["mempool"] == 0


def test_a_bug_is_a_logged_500_in_the_error_shape(tmp_path, caplog) -> None:
    """In process: an exception no handler expects is answered 500 `internal-error` and logged
    with its traceback (what the walk above checks never happens for bad input)."""
    node = Node(REGTEST, tmp_path, miners=1)
    working_call = node.call
    try:
        app = create_app(node)

        def broken(*args: Any) -> Any:
            raise RuntimeError("a bug")

        node.call = broken  # type: ignore[method-assign]

        async def get() -> httpx.Response:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://localhost"
            ) as client:
                return await client.get("/api/v1/tips")

        response = aio.run(get())
        assert response.status_code == 500
        body = response.json()
        assert body["error"]["code"] == "internal-error"
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
        logged = [r for r in caplog.records if r.name == "pocketchain.api" and r.exc_info]
        assert logged and "a bug" in str(logged[0].exc_info[1])
    finally:
        node.call = working_call  # type: ignore[method-assign]
        node.close()


def test_unicode_questions_to_search_find_nothing(nodes) -> None:
    """`isdigit()` takes other scripts' digits: the search box asked for height ² was a 500."""
    node: TestNode = nodes()
    node.mine(2)
    for q in [
        "²",
        "\u0661",
        "\uff11",
        "\u07c1",
        "\U0001d7d9",
        "\u202e1",
        "1\u200b",
        "\u0430" * 64,
        "\x00",
        "\U0001f600",
    ]:
        response = node.http.get("/api/v1/search", params={"q": q})
        assert response.status_code == 200, (q, response.text)
        assert response.json()["results"] == [], q
    assert node.api("GET", "/search", params={"q": "1"})["results"][0]["kind"] == "block"


def test_unicode_anywhere_is_never_a_server_error(nodes) -> None:
    """Hypothesis: text from the Unicode categories that trip parsers (digits of other scripts,
    format and control characters, surrogates, private use, combining marks) in every path and
    query parameter of every GET route."""
    node: TestNode = nodes()
    node.mine(1)
    api = Api(node.http.get("/openapi.json").json())
    gets = [
        (path, op.get("parameters", []))
        for method, path, op in api.operations()
        if method == "GET" and op.get("parameters") and path != "/api/v1/events"
    ]
    tricky = st.characters(categories=["Nd", "No", "Nl", "Cf", "Cc", "Cs", "Co", "Mn", "Zs"])
    digits = st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=4)
    text = st.one_of(
        st.text(st.one_of(tricky, st.sampled_from("0123456789abcdef")), max_size=70), digits
    )

    @settings(max_examples=300, deadline=None, database=None)
    @given(route=st.sampled_from(gets), value=text)
    def check(route: tuple[str, list[dict[str, Any]]], value: str) -> None:
        template, params = route
        raw = quote(value.encode("utf-8", "surrogatepass"), safe="")  # lone surrogates too
        path, query = template, []
        for p in params:
            if p["in"] == "path":
                path = path.replace("{" + p["name"] + "}", raw or "x")
            elif p["in"] == "query":
                query.append(f"{p['name']}={raw}")
        response = node.http.get(path + ("?" + "&".join(query) if query else ""))
        assert response.status_code < 500, (path, query, response.text)

    check()
    assert "Traceback" not in node.log.read_text(errors="replace")
