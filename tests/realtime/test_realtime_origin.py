"""Socket.IO talks only to pages of this site: a handshake from another origin is refused."""

HANDSHAKE = "/socket.io/?EIO=4&transport=polling"


def test_handshake_from_our_own_origin_is_accepted(client):
    response = client.get(HANDSHAKE, headers={"Origin": "http://localhost"})
    assert response.status_code == 200 and b'"sid"' in response.data


def test_handshake_from_a_foreign_origin_is_refused(client):
    response = client.get(HANDSHAKE, headers={"Origin": "https://evil.example"})
    assert response.status_code == 400
    assert b'"sid"' not in response.data
