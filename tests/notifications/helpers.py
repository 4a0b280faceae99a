"""Mail servers that refuse, for delivery-failure tests (real sockets, nothing mocked)."""

import socket

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
LOCMEM_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def closed_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (connection refused at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def use_refusing_smtp(settings) -> int:
    """Point the default mailer at a closed port (Django 6.1 MAILERS, as the test runner does)."""
    port = closed_port()
    settings.MAILERS = {
        "default": {
            "BACKEND": SMTP_BACKEND,
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
        }
    }
    return port


def use_memory_mailer(settings) -> None:
    settings.MAILERS = {"default": {"BACKEND": LOCMEM_BACKEND}}
