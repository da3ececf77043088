"""One router per resource collection."""
