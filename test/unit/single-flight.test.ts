// Requests asking for the same read at the same moment share it (src/db/single-flight.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SingleFlight } from '../../src/db/single-flight.ts';

test('readers at the same moment share one read; a reader after it gets a new one', async () => {
  const flight = new SingleFlight<number>();
  let reads = 0;
  const read = () => new Promise<number>((resolve) => setImmediate(() => resolve(++reads)));
  assert.deepEqual(await Promise.all([flight.run('a', read), flight.run('a', read), flight.run('a', read)]), [1, 1, 1]);
  assert.equal(await flight.run('a', read), 2);
});

test('different keys are read apart', async () => {
  const flight = new SingleFlight<string>();
  const [a, b] = await Promise.all([flight.run('a', () => Promise.resolve('A')), flight.run('b', () => Promise.resolve('B'))]);
  assert.deepEqual([a, b], ['A', 'B']);
});

test('a failed read fails everyone who shared it, and the next reader tries again', async () => {
  const flight = new SingleFlight<string>();
  const failing = () => new Promise<string>((_, reject) => setImmediate(() => reject(new Error('database away'))));
  const results = await Promise.allSettled([flight.run('k', failing), flight.run('k', failing)]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['rejected', 'rejected'],
  );
  assert.equal(await flight.run('k', () => Promise.resolve('back')), 'back');
});
