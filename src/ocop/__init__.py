"""OCOP Platform."""
