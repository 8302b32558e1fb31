"""Defences that every request passes through: who the client is, how often it may
try to sign in, what passwords are acceptable, which headers go out, and how the
server writes its logs so that nobody's text can forge a line in them."""
