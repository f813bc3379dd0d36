from cilint.cli.start import run

run()
