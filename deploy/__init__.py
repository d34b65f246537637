"""Running the portal on several processes or machines: deploy/cluster.py."""
