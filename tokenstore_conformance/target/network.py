"""Nothing leaves the machine: while the kit runs a store, every connection off the machine is refused.

Stores refresh tokens themselves (``urllib.request.urlopen`` to Zoho's
accounts server inside ``find_token``, say), and a kit run must not send a
real token anywhere. ``install`` puts pytest-socket's ``socket_allow_hosts``
on ``socket.socket.connect`` with the loopback addresses and Unix sockets
allowed (a server store on 127.0.0.1 or a socket file keeps working), and adds
what pytest-socket leaves open in that mode: name lookups (``getaddrinfo``,
``gethostbyname``), which would send a DNS query before any connect, are
refused for every name but ``localhost`` without resolving it, and
``connect_ex`` and ``sendto`` get the same rule as ``connect``. A refusal raises
``SocketConnectBlockedError`` before any packet is sent.

Every refusal is also logged in the process, whatever the store does with the
exception (real code catches ``Exception`` around its refresh and logs it), so
the kit reports the attempt even when the store swallowed it. The log holds
the refusals no one has taken yet (``take_refusals``), a running count and the
latest one. C extensions that open sockets themselves (libpq under psycopg)
are not seen: the guard is Python's ``socket`` module.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pytest_socket import SocketConnectBlockedError, host_from_connect_args, socket_allow_hosts

CLAUSE = "NET-LOOPBACK"
LOOPBACK_NAME = "localhost"
LOOPBACK = ("127.0.0.0/8", "::1", "::ffff:127.0.0.0/104", LOOPBACK_NAME)
LIBRARY_WARNING = "A test tried to use socket"  # how pytest-socket's warning on each refusal begins
_NETWORKS = [ipaddress.ip_network(entry) for entry in LOOPBACK if entry != LOOPBACK_NAME]

_true = {
    "connect_ex": socket.socket.connect_ex,
    "sendto": socket.socket.sendto,
    "getaddrinfo": socket.getaddrinfo,
    "gethostbyname": socket.gethostbyname,
    "gethostbyname_ex": socket.gethostbyname_ex,
}
_true_connect = socket.socket.connect
_resolved: dict[str, set[str]] = {}  # pytest-socket resolves "localhost" once per process
_lock = threading.Lock()


@dataclass(frozen=True)
class Refusal:
    """One connection (or name lookup) the guard refused."""

    host: str | None
    port: object

    def where(self) -> str:
        host = f"[{self.host}]" if self.host and ":" in self.host else str(self.host)
        return host if self.port is None else f"{host}:{self.port}"

    def message(self) -> str:
        return (
            f"store tried to connect to {self.where()} (outside the machine); "
            "the kit refuses every non-loopback connection"
        )


class _Log:
    def __init__(self) -> None:
        self.untaken: list[Refusal] = []
        self.count = 0
        self.last: Refusal | None = None


_log = _Log()


def _note(host: object, port: object) -> Refusal:
    refusal = Refusal(host.decode() if isinstance(host, bytes) else host, port)  # type: ignore[arg-type]
    with _lock:
        _log.untaken.append(refusal)
        _log.count += 1
        _log.last = refusal
    return refusal


def refusal_count() -> int:
    """How many connections the guard has refused in this process so far."""
    return _log.count


def last_refusal() -> Refusal | None:
    return _log.last


def take_refusals() -> list[Refusal]:
    """The refusals since the last call, oldest first; the log of untaken ones is then empty."""
    with _lock:
        taken, _log.untaken = _log.untaken, []
    return taken


def is_loopback(host: object) -> bool:
    """Whether ``host`` is ``localhost`` or an address in 127.0.0.0/8 or ::1."""
    if host == LOOPBACK_NAME:
        return True
    try:
        address = ipaddress.ip_address(host)  # type: ignore[arg-type]
    except ValueError:
        return False
    return any(address in network for network in _NETWORKS)


def _is_address(host: object) -> bool:
    try:
        ipaddress.ip_address(str(host).split("%", 1)[0])
    except ValueError:
        return False
    return True


def _permitted(sock: socket.socket, args: tuple) -> bool:
    if sock.family == getattr(socket, "AF_UNIX", None):
        return True
    host = host_from_connect_args(args)
    return host is not None and (is_loopback(host) or host in _resolved.get(LOOPBACK_NAME, ()))


def _refuse(host: object, port: object) -> SocketConnectBlockedError:
    _note(host, port)
    return SocketConnectBlockedError(list(LOOPBACK), str(host))


def _lookup(name: str):
    true = _true[name]

    def guarded(host, *args, **kwargs):
        # A name needs DNS, whose query leaves the machine: only localhost is looked up. An address
        # is only parsed, and the connect to it decides.
        text = host.decode("ascii", "replace") if isinstance(host, bytes) else host
        if not text or text == LOOPBACK_NAME or _is_address(text):
            return true(host, *args, **kwargs)
        port = args[0] if args else kwargs.get("port")
        raise _refuse(host, port)

    guarded.tokenstore_guard = True
    return guarded


def _port(args: tuple) -> object:
    address = args[0] if args else None
    return address[1] if isinstance(address, tuple) and len(address) > 1 else None


def _guarded_connect(library_connect):
    def connect(sock, *args):
        if not _permitted(sock, args):
            _note(host_from_connect_args(args), _port(args))
        return library_connect(sock, *args)  # pytest-socket refuses what is not permitted

    def connect_ex(sock, *args):
        if not _permitted(sock, args):
            _note(host_from_connect_args(args), _port(args))
            library_connect(sock, *args)
            return 0
        return _true["connect_ex"](sock, *args)

    def sendto(sock, data, *rest):
        address = rest[-1] if rest else None
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _permitted(sock, (address,)):
            raise _refuse(host_from_connect_args((address,)), _port((address,)))
        return _true["sendto"](sock, data, *rest)

    for function in (connect, connect_ex, sendto):
        function.tokenstore_guard = True
    return connect, connect_ex, sendto


def installed() -> bool:
    return all(
        getattr(getattr(owner, name), "tokenstore_guard", False)
        for owner, name in ((socket.socket, "connect"), (socket, "getaddrinfo"))
    )


def install() -> None:
    """Refuse every connection off the machine in this process, until ``remove``; safe to call again.

    Call it again after anything that may have put the sockets back: pytest-socket's own
    plugin restores ``connect`` after every test, before fixtures are torn down.
    """
    if installed():
        return
    socket_allow_hosts(list(LOOPBACK), allow_unix_socket=True, resolution_cache=_resolved)
    socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto = _guarded_connect(
        socket.socket.connect
    )
    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex"):
        setattr(socket, name, _lookup(name))


def remove() -> None:
    """Put back whatever of the guard is still in place (and nothing someone else patched since)."""
    for owner, name, true in (
        (socket.socket, "connect", _true_connect),
        (socket.socket, "connect_ex", _true["connect_ex"]),
        (socket.socket, "sendto", _true["sendto"]),
        *((socket, name, _true[name]) for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex")),
    ):
        if getattr(getattr(owner, name), "tokenstore_guard", False):
            setattr(owner, name, true)


@contextmanager
def loopback_only() -> Iterator[None]:
    """The guard for the duration; refusals from before it are dropped, not reported here."""
    install()
    take_refusals()
    try:
        yield
    finally:
        remove()
