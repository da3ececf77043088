"""The pure core: no LSP, no network, no subprocess."""
