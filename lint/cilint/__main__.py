from cilint.cli import run

run()
