/** Session operations and state migrations on MongoDB (the wire-compatible test server, and MONGO_URL when set). */
import { MemorySessionStore } from '../src';
import { mongoBackends, notRun, useMongoSuite } from '../../mongo/test/support/stores';
import { describeSessionOperations } from './support/session-operations-suite';

const label = 'session operations on mongo';
const backends = mongoBackends(label);
if (backends.length === 0) notRun(label);

describe.each(backends)('against the %s', (backend) => {
  const { stores } = useMongoSuite(backend);
  describeSessionOperations('mongo', { make: () => stores.store(), other: () => new MemorySessionStore({ maxSize: 20_000 }) });
});
