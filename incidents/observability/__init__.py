"""What operators watch: health and readiness of the process, and its Prometheus metrics."""
