# Empty compiler generated dependencies file for bench_broker.
# This may be replaced when dependencies are built.
