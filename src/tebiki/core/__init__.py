"""The engine and the wizard's renderer: standard library only, shipped to the browser."""
