"""Layer: operator tools. ``padcom-server``'s commands (``cli``), the start-up checks
with their exit codes (``startup``), backups and the demo data.
"""
