"""`newsrag eval`: question sets, metrics, and runs through the chat code path."""
