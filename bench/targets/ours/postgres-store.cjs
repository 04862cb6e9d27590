// session.stores.postgres for the bench's S3P: a pg Pool whose statements are counted (every
// store statement is one pool.query, one round trip; the driver's tests count them on the wire),
// and an IPC command, `pg-round-trips`, that reports the count to bench/run.mjs.
'use strict';
const { Pool } = require('pg');

let statements = 0;

function postgresStoreOptions() {
  const pool = new Pool({
    connectionString: process.env.BENCH_DATABASE_URL,
    application_name: 'bottender-bench',
    max: 10,
    statement_timeout: 5_000,
    query_timeout: 5_250,
    connectionTimeoutMillis: 5_000,
  });
  const query = pool.query.bind(pool);
  pool.query = (...args) => {
    statements++;
    return query(...args);
  };
  process.on('message', (message) => {
    if (message && message.cmd === 'pg-round-trips') process.send({ id: message.id, ok: true, result: statements });
  });
  return { pool, schema: process.env.BENCH_PG_SCHEMA };
}

module.exports = { postgresStoreOptions };
