"""The compatibility explorer: `envdoctor kb html` (a static site) and `kb show --matrix`.

- `selector`: every state of the page's form, answered by plan's own choice code at build time;
- `matrices`: releases x Python per platform, CUDA / cuDNN, the driver table, NumPy-ABI and caps,
  each cell with its source (plain data, rendered as HTML by the page and as rich tables by
  `kb show --matrix`);
- `site`: writes the self-contained site (index.html + local CSS / JS / data, no network at
  view time) and `serve` serves it locally.
"""
