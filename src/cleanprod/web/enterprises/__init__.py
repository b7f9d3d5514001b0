"""The registry of enterprises a centre serves, along the supply chains of its programmes."""
