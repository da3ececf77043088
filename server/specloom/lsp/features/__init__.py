"""One module per LSP feature group: plain classes and functions; the server only wires them."""
