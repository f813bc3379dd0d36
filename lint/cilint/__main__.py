from cilint.cli.entry import run

run()
