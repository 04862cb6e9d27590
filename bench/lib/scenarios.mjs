// The scenarios of the benchmark issue. Each one is a load shape plus the store it runs on.

/** Before any measured run a freshly started target gets this much traffic (V8 must optimize). */
export const WARMUP = { users: 500, eventsPerUser: 10, inFlight: 32 };

export const SCENARIOS = {
  S1: { name: 'S1', title: 'throughput', store: 'memory', users: 500, eventsPerUser: 10, inFlight: 32 },
  S2: { name: 'S2', title: 'hot session', store: 'memory', users: 1, eventsPerUser: 300, inFlight: 30 },
  S3: { name: 'S3', title: 'throughput on Redis', store: 'redis', users: 500, eventsPerUser: 10, inFlight: 32 },
  S3P: { name: 'S3P', title: 'throughput on PostgreSQL', store: 'postgres', users: 500, eventsPerUser: 10, inFlight: 32 },
};
