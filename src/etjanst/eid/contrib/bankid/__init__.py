"""BankID (Relying Party API v6.0): client.py, qr.py, messages.py."""
