# demo target: appended to PROGS
