"""vfp-sweep: grids of runs of a build/bin program on Dask, with resume and aggregation.

See docs/sweeps.md. Modules: spec (the JSON spec), program (resolve, --help
options, build identity), plan (runs, command lines, keys), runner (one run,
shipped to workers), engine (Dask), results (results.csv, aggregate.csv),
plot, cli.
"""
