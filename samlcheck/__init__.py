"""samlcheck: predict the exact error AWS returns for a SAML sign-in, metadata upload or key."""

from __future__ import annotations

__version__ = "0.1.0"
