from hrm.channels.cli.main import main

main()
