"""What every API endpoint shares: one error format, bounded pagination, strict filters,
conditional requests, throttles and a bounded JSON parser."""
