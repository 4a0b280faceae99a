"""Second-factor helpers for tests."""

import time

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def give_totp(person, secret: str = DEMO_TOTP_SECRET) -> TOTP:
    return TOTP.activate(person, secret)


def current_code(secret: str = DEMO_TOTP_SECRET) -> str:
    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))
