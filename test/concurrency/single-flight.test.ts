/** SingleFlight on its own: one execution per key for concurrent callers, cancelled only when all leave. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { SingleFlight } from '../../src/concurrency/single-flight.js';

/** A promise with its resolve and reject, for work the test finishes by hand. */
function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(reason: unknown): void } {
  let resolve: (value: T) => void = () => undefined;
  let reject: (reason: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const live = (): AbortSignal => new AbortController().signal;

describe('SingleFlight', () => {
  test('concurrent callers of one key share one execution and its result', async () => {
    const flight = new SingleFlight<string>();
    const gate = deferred<string>();
    let runs = 0;
    const work = async (): Promise<string> => {
      runs += 1;
      return gate.promise;
    };
    const results = [flight.run('k', live(), work), flight.run('k', live(), work), flight.run('k', live(), work)];
    assert.equal(flight.size, 1);
    gate.resolve('done');
    assert.deepEqual(await Promise.all(results), ['done', 'done', 'done']);
    assert.equal(runs, 1);
    assert.equal(flight.size, 0);
  });

  test('different keys run separately; a finished key runs again', async () => {
    const flight = new SingleFlight<string>();
    let runs = 0;
    const work = async (): Promise<string> => `run ${++runs}`;
    assert.deepEqual(await Promise.all([flight.run('a', live(), work), flight.run('b', live(), work)]), ['run 1', 'run 2']);
    assert.equal(await flight.run('a', live(), work), 'run 3');
  });

  test('a failure reaches every caller', async () => {
    const flight = new SingleFlight<string>();
    const failing = async (): Promise<string> => {
      await tick();
      throw new Error('boom');
    };
    const results = await Promise.allSettled([flight.run('k', live(), failing), flight.run('k', live(), failing)]);
    assert.deepEqual(results.map((result) => result.status), ['rejected', 'rejected']);
    assert.equal(flight.size, 0);
  });

  test('the work is cancelled only once every caller has gone', async () => {
    const flight = new SingleFlight<string>();
    let workSignal: AbortSignal | undefined;
    const gate = deferred<string>();
    const work = async (signal: AbortSignal): Promise<string> => {
      workSignal = signal;
      return gate.promise;
    };
    const first = new AbortController();
    const second = new AbortController();
    const results = [flight.run('k', first.signal, work), flight.run('k', second.signal, work)];
    await tick();
    first.abort(new Error('first left'));
    assert.equal(workSignal?.aborted, false);
    second.abort(new Error('second left'));
    assert.equal(workSignal?.aborted, true);
    gate.resolve('late');
    // The callers are still handed the outcome; whoever is waiting on them decides what to do.
    assert.deepEqual(await Promise.all(results), ['late', 'late']);
  });

  test('a caller whose signal is already aborted does not keep the work alive', async () => {
    const flight = new SingleFlight<string>();
    let workSignal: AbortSignal | undefined;
    const gone = new AbortController();
    gone.abort();
    const result = flight.run('k', gone.signal, async (signal) => {
      workSignal = signal;
      await tick();
      return 'x';
    });
    assert.equal(await result, 'x');
    assert.equal(workSignal?.aborted, true);
  });

  test('share hands the original to exactly one caller and copies to the others', async () => {
    const flight = new SingleFlight<{ id: string }>((value, last) => (last ? value : { id: `${value.id} copy` }));
    const original = { id: 'original' };
    const results = await Promise.all([1, 2, 3].map(() => flight.run('k', live(), async () => original)));
    assert.equal(results.filter((value) => value === original).length, 1);
    assert.deepEqual(results.map((value) => value.id).sort(), ['original', 'original copy', 'original copy']);
  });
});
