"""e-ID vendors."""
