from envdoctor.cli import entry

entry()
