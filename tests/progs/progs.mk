# test programs: appended to PROGS
