"""The live-server gate of tests/conftest.py: after a browser test, requests still coming
from its pages never reach the database while the teardown flushes it."""

import threading

from tests.conftest import _LiveServerGate


def _call(app):
    statuses = []
    body = app({}, lambda status, headers: statuses.append(status))
    return statuses[0], b"".join(body)


def test_gate_waits_for_the_request_in_progress_and_refuses_new_ones():
    started, release, finished = threading.Event(), threading.Event(), []

    def slow_app(environ, start_response):
        started.set()
        release.wait(10)
        start_response("200 OK", [])
        finished.append(True)
        return [b"saved"]

    gate = _LiveServerGate(slow_app)
    in_flight = threading.Thread(target=lambda: finished.append(_call(gate)))
    in_flight.start()
    assert started.wait(10)
    drained = threading.Event()
    closer = threading.Thread(target=lambda: (gate.close_and_drain(timeout=10), drained.set()))
    closer.start()
    assert not drained.wait(0.2)  # the heartbeat being saved is waited for
    assert _call(gate)[0].startswith("503")  # a new one is refused
    release.set()
    closer.join(10)
    in_flight.join(10)
    assert drained.is_set()
    assert finished[-1] == ("200 OK", b"saved")
    gate.open()
    release.set()
    assert _call(gate) == ("200 OK", b"saved")


def test_gate_serves_one_request_at_a_time_on_the_shared_connection():
    inside, most_inside, lock = [0], [0], threading.Lock()

    def app(environ, start_response):
        with lock:
            inside[0] += 1
            most_inside[0] = max(most_inside[0], inside[0])
        threading.Event().wait(0.05)  # a request's database work
        with lock:
            inside[0] -= 1
        start_response("200 OK", [])
        return [b"ok"]

    gate = _LiveServerGate(app)
    threads = [threading.Thread(target=_call, args=(gate,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert most_inside[0] == 1
