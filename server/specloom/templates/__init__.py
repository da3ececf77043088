"""Versioned template packs: discovery, validation, security checks and sandboxed rendering."""
