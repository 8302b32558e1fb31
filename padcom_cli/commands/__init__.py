"""One module per command group; ``padcom_cli.main.COMMANDS`` says which function is which command."""
