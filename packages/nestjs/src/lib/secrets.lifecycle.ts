import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { SecretsStartupError } from '@keyturn/core';
import { SECRET_STORE_RESOURCES } from './secrets.internal-constants.js';
import { releaseSecretStoreResources, type SecretStoreResources } from './secret-store.factory.js';
import { SecretsModuleStartupError } from './errors/secrets-module-startup.error.js';

/**
 * Loads every registered secret in one batched start once all providers exist (the global core
 * module's init hook runs before other modules', so their `onModuleInit` can read secrets), and
 * stops refresh timers and destroys the clients it created on shutdown.
 */
@Injectable()
export class SecretsLifecycle implements OnModuleInit, OnApplicationShutdown {
  private phase: 'created' | 'started' | 'stopped' = 'created';

  constructor(@Inject(SECRET_STORE_RESOURCES) private readonly resources: SecretStoreResources) {}

  /** Whether start-up loading has finished (later registrations load on demand). */
  get started(): boolean {
    return this.phase === 'started';
  }

  async onModuleInit(): Promise<void> {
    if (this.phase !== 'created') return;
    try {
      await this.resources.store.start();
    } catch (err) {
      this.phase = 'stopped';
      await releaseSecretStoreResources(this.resources);
      throw err instanceof SecretsStartupError ? new SecretsModuleStartupError(err.failures) : err;
    }
    this.phase = 'started';
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.phase === 'stopped') return;
    this.phase = 'stopped';
    await releaseSecretStoreResources(this.resources);
  }
}
