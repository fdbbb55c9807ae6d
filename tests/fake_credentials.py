"""Made-up credentials for tests, fresh on every run and never real.

Tests hand them to the clients and then search requests, recordings, logs, artifacts and the
warehouse for them: distinctive values, so that a leak cannot hide.
"""

from __future__ import annotations

import secrets

FAKE_USER = f"fake-user-{secrets.token_hex(4)}"
FAKE_PASSWORD = f"fake-pass-{secrets.token_hex(6)}"
FAKE_API_TOKEN = secrets.token_hex(16)  # GENESIS takes an API token as the user name, with an empty password
