// Push invalidation for one instance of the fleet: a Redis bus (its own two connections) attached
// to the instance's store, and a FleetWatcher competing for the fleet's watcher lock; the elected
// one lists the fleet's secrets by name prefix and publishes the versions that changed.
import * as core from '@keyturn/core';
import { Redis } from 'ioredis';

const silent = { log() {}, warn() {}, error() {} };

/** Connects `store` to the fleet; resolves with a function that disconnects it. */
export async function connectPush(store, { redis, primary, prefix, primaryClient, watchIntervalMs }) {
  const publisher = new Redis({ ...redis, maxRetriesPerRequest: 1 });
  const subscriber = publisher.duplicate();
  publisher.on('error', () => undefined);
  subscriber.on('error', () => undefined);
  const fleet = await core.attachInvalidationBus(store, new core.RedisInvalidationBus({ publisher, subscriber }), { logger: silent });
  const watcher = new core.FleetWatcher({ redis: publisher, publish: (m) => fleet.publish(m), client: primaryClient, store, prefix, region: primary, logger: silent, ...(watchIntervalMs ? { intervalMs: watchIntervalMs } : {}) });
  await watcher.start();
  return async () => {
    await watcher.stop();
    await fleet.stop();
    publisher.disconnect();
    subscriber.disconnect();
  };
}
