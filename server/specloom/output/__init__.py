"""Renderings of findings and plans for people (text) and tools (JSON, SARIF)."""
