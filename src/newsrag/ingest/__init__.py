"""Reading news sources and turning them into indexed articles."""
