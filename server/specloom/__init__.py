"""Specloom: spec-driven code generation with quality gates."""

__version__ = "0.1.0"
