"""Nothing leaves the machine: the guard refuses outside connections at once, the kit reports them as NET-LOOPBACK.

The in-process tests switch the guard on around a few calls and check that a
refused connection never reaches the system call and that a name is never
looked up; the child runs check what a store author sees, in pytest's process
and in the concurrency clauses' worker processes. The outside addresses are
TEST-NET-2 (198.51.100.0/24, never routed) and Zoho's accounts server by
name; no test sends anything off the machine, with or without a network.
"""

from __future__ import annotations

import http.server
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import pytest_socket

from tokenstore_conformance.target import network

OUTSIDE_IP = "198.51.100.7"
OUTSIDE_NAME = "accounts.zoho.com"
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
REFUSED_IP = (
    f"store tried to connect to {OUTSIDE_IP}:443 (outside the machine); "
    "the kit refuses every non-loopback connection"
)
CONCURRENCY_THREADS = ("CONC-THREADS-DISTINCT", "CONC-THREADS-SAME-USER", "CONC-THREADS-READ")
# pytest-socket warns on every refusal; here the refusals are the point.
pytestmark = pytest.mark.filterwarnings(f"ignore:{network.LIBRARY_WARNING}:UserWarning")


@contextmanager
def counted_guard() -> Iterator[dict[str, list]]:
    """The guard on, with the calls it must not reach counted.

    A context inside the test, not a fixture: pytest-socket's plugin puts ``connect`` back from its
    ``_true_connect`` after each test, before fixtures end, and would put the counting one back.
    """
    reached = {"connect": [], "getaddrinfo": []}
    true_connect, true_lookup = pytest_socket._true_connect, network._true["getaddrinfo"]

    def counting_connect(sock, *args):
        reached["connect"].append(args[0])
        return true_connect(sock, *args)

    def counting_lookup(host, *args, **kwargs):
        reached["getaddrinfo"].append(host)
        return true_lookup(host, *args, **kwargs)

    pytest_socket._true_connect, network._true["getaddrinfo"] = counting_connect, counting_lookup
    try:
        network.install()
        network.take_refusals()
        yield reached
    finally:
        pytest_socket._true_connect, network._true["getaddrinfo"] = true_connect, true_lookup
        network.remove()  # after the line above: it puts back network._true's functions


@pytest.mark.parametrize("host", [OUTSIDE_IP, OUTSIDE_NAME])
def test_an_outside_connection_is_refused_at_once_before_the_system_call(host):
    with counted_guard() as guard:
        started = time.monotonic()
        with pytest.raises(pytest_socket.SocketConnectBlockedError):
            DIRECT.open(f"https://{host}/oauth/v2/token", data=b"grant_type=refresh_token", timeout=10)
        assert time.monotonic() - started < 1.0
        assert [r.where() for r in network.take_refusals()] == [f"{host}:443"]
    assert guard["connect"] == []  # no SYN was sent
    assert OUTSIDE_NAME not in guard["getaddrinfo"]  # no DNS query either


def test_connect_ex_and_sendto_are_refused_like_connect():
    with counted_guard() as guard:
        with socket.socket() as tcp, pytest.raises(pytest_socket.SocketConnectBlockedError):
            tcp.connect_ex((OUTSIDE_IP, 80))
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            with pytest.raises(pytest_socket.SocketConnectBlockedError):
                udp.sendto(b"query", ("192.0.2.53", 53))
        assert [r.where() for r in network.take_refusals()] == [f"{OUTSIDE_IP}:80", "192.0.2.53:53"]
    assert guard["connect"] == []


def test_loopback_and_unix_sockets_stay_open(tmp_path):
    with counted_guard():
        _talk_on_the_machine(tmp_path)
        assert network.take_refusals() == []


def _talk_on_the_machine(tmp_path) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for host in ("127.0.0.1", "localhost"):
            with DIRECT.open(f"http://{host}:{server.server_address[1]}/", timeout=10) as answer:
                assert answer.status == 200
    finally:
        server.shutdown()
        server.server_close()
    path = str(tmp_path / "s")
    with socket.socket(socket.AF_UNIX) as listener, socket.socket(socket.AF_UNIX) as client:
        listener.bind(path)
        listener.listen()
        client.connect(path)


def test_remove_puts_the_sockets_back():
    def patched():
        return (socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto, socket.getaddrinfo)

    before = patched()
    network.install()
    try:
        assert network.installed()
        assert all(getattr(f, "tokenstore_guard", False) for f in patched())
    finally:
        network.remove()
    assert patched() == before


# What a store author sees: child runs of the kit.


def test_a_refused_connection_names_host_and_port_and_blocks_the_tests_it_stopped(run_kit):
    run = run_kit(
        "--tokenstore=network_stores.raises_on_save:Store",
        "-k",
        "NET-LOOPBACK or SAVE-INSERT or GET-EMPTY",
        "-rs",
    )
    assert run.ret == pytest.ExitCode.TESTS_FAILED, run
    verdicts = run.verdicts()
    assert verdicts["NET-LOOPBACK"] == "failed", run
    assert verdicts["SAVE-INSERT"] == "blocked", run  # the save raised: NET-LOOPBACK's fault, not its own
    assert verdicts["GET-EMPTY"] == "passed", run  # no save, no connection
    assert REFUSED_IP in run.stdout, run
    assert (
        f"blocked by NET-LOOPBACK: {REFUSED_IP}; save_token() then raised SocketConnectBlockedError"
        in run.stdout
    )
    assert "1 root fault (NET-LOOPBACK), 1 clause blocked" in run.stdout, run


def test_a_refusal_the_store_swallowed_in_another_clauses_test_fails_net_loopback(run_kit):
    other = "test_tokens_of_different_users_are_separate_records"
    run = run_kit("--tokenstore=network_stores.swallows_for_one_user:Store", "-k", f"NET-LOOPBACK or {other}")
    assert run.ret == pytest.ExitCode.TESTS_FAILED, run
    assert "2 passed" in run.stdout, run  # both tests pass their own checks...
    verdicts = run.verdicts()
    assert verdicts["SAVE-INSERT"] == "passed", run
    assert verdicts["NET-LOOPBACK"] == "failed", run  # ...and the attempt in the other one still counts
    assert (
        f"NET-LOOPBACK: store tried to connect to {OUTSIDE_NAME}:443 (outside the machine); the kit refuses "
        f"every non-loopback connection, first in test_save.py::{other}[" in run.stdout
    ), run


def test_a_worker_process_that_connects_out_fails_net_loopback(run_kit):
    run = run_kit("--tokenstore=network_stores.threads_outward:Store", "-k", "test_concurrency", "-rs")
    assert run.ret == pytest.ExitCode.TESTS_FAILED, run
    verdicts = run.verdicts()
    assert verdicts["NET-LOOPBACK"] == "failed", run
    assert {cid: verdicts[cid] for cid in CONCURRENCY_THREADS} == dict.fromkeys(
        CONCURRENCY_THREADS, "blocked"
    )
    assert f"blocked by NET-LOOPBACK: {REFUSED_IP} (in a worker process, during save_token(" in run.stdout, (
        run
    )
    assert f"NET-LOOPBACK: {REFUSED_IP} (in a worker process" in run.stdout, run


def test_a_store_that_talks_to_servers_on_the_machine_passes(run_kit):
    run = run_kit(
        "--tokenstore=network_stores.loopback:Store",
        "-k",
        "NET-LOOPBACK or test_save or CONC-THREADS-DISTINCT",
    )
    assert run.ret == pytest.ExitCode.OK, run
    verdicts = run.verdicts()
    assert verdicts["NET-LOOPBACK"] == "passed", run
    assert verdicts["CONC-THREADS-DISTINCT"] == "passed", run
    assert set(verdicts.values()) == {"passed"}, run


def test_the_start_up_check_names_the_refused_address(run_kit):
    run = run_kit("--tokenstore=network_stores.lists_from_outside:Store")
    assert run.ret == pytest.ExitCode.USAGE_ERROR, run
    assert (
        f"get_tokens() raised SocketConnectBlockedError: store tried to connect to {OUTSIDE_IP}:8080 "
        "(outside the machine)" in run.stderr
    ), run
    assert "UserWarning" not in run.stderr, run  # pytest-socket's own warning is not shown on top
