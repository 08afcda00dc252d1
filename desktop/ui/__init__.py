"""Qt user interface. Calls the core through its services."""
