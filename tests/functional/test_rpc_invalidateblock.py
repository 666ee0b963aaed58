"""rpc_invalidateblock: invalidate and reconsider a block, behind the admin token."""

import httpx
import pytest
from framework import NodeError


def test_invalidate_and_reconsider(nodes) -> None:
    node = nodes()
    hashes = node.mine(5)
    result = node.api("POST", f"/blocks/{hashes[2]}/invalidate", admin=True)
    assert (result["height"], result["tip"]) == (2, hashes[1])
    statuses = {t["hash"]: t["status"] for t in node.api("GET", "/tips")}
    assert statuses[hashes[4]] == "invalid"
    assert statuses[hashes[1]] == "active"

    mined = node.mine(1)  # a new branch grows on the last valid block
    assert node.height() == 3
    result = node.api("POST", f"/blocks/{hashes[2]}/reconsider", admin=True)
    assert (result["height"], result["tip"]) == (5, hashes[4])  # more work wins back
    assert {t["hash"]: t["status"] for t in node.api("GET", "/tips")}[mined[0]] == "valid-fork"


def test_admin_routes_need_the_token(nodes) -> None:
    node = nodes()
    genesis = node.tip()
    missing = httpx.post(f"{node.url}/api/v1/blocks/{genesis}/invalidate")
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "unauthorized"
    wrong = httpx.post(
        f"{node.url}/api/v1/mine", json={"blocks": 1}, headers={"Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 403
    assert node.height() == 0
    with pytest.raises(NodeError) as err:
        node.api("POST", f"/blocks/{genesis}/invalidate", admin=True)
    assert err.value.status == 400
    assert "genesis" in err.value.body["error"]["message"]
