"""Built-in form specs (TOML), shipped inside the wheel as package data."""
