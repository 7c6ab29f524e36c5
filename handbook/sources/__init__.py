"""Where the handbook reads from: YAML files, git, the clock, headings and the edition being built."""
