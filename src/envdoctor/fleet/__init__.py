"""envdoctor fleet: the environments of many nodes side by side, with the skew between them.

- `inputs`: where node snapshots come from (files, folders, saved bundles) and how nodes are named;
- `ray_cluster` (driver side) and `node` (runs in a Ray worker): collection on a Ray cluster;
- `aggregate`: one diagnosis per distinct environment, findings grouped across nodes, the skew
  table and the distributed-training verdict (pure, given the snapshots and the knowledge base);
- `bundle`: `--save FILE` and `--pick NODE`;
- `render`: text, JSON, Markdown and HTML.
"""
