from cilint.cli.commands import run

run()
