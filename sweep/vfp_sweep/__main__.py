"""python3 -m vfp_sweep: the vfp-sweep command."""
import sys

from .cli import main

sys.exit(main())
