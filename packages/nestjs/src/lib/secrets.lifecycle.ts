import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { SecretsStartupError } from '@keyturn/core';
import { SECRET_STORE_RESOURCES, SECRETS_PRIVATE_FLEET } from './secrets.internal-constants.js';
import type { SecretsFleet } from './secrets-fleet.js';
import { releaseSecretStoreResources, type SecretStoreResources } from './secret-store.factory.js';
import { SecretsModuleStartupError } from './errors/secrets-module-startup.error.js';

/**
 * The one start-up path: every secret registered while Nest builds the module graph (`forFeature`
 * handles, reads from provider factories) is loaded in one batch, with one error listing every
 * failing secret; refresh timers are stopped and the clients the module made destroyed on shutdown.
 *
 * The load is armed by the first provider that needs a value (a handle, an early read) or, when
 * none does, by the init hook. It goes out once the current turn of the event loop has ended: Nest
 * creates providers in promise jobs, so every provider that can be created by then has registered
 * its secret. Handles and early reads await it; a provider whose factory first awaits I/O and then
 * reads a secret loads that secret on demand, like any read after start-up.
 */
@Injectable()
export class SecretsLifecycle implements OnModuleInit, OnApplicationShutdown {
  private phase: 'collecting' | 'loading' | 'started' | 'stopped' = 'collecting';
  private load?: Promise<{ error?: unknown }>;
  private startupError?: unknown;

  constructor(
    @Inject(SECRET_STORE_RESOURCES) private readonly resources: SecretStoreResources,
    @Inject(SECRETS_PRIVATE_FLEET) private readonly fleet: SecretsFleet,
  ) {}

  /** Whether the start-up batch has yet to go out (a secret registered now is part of it). */
  get collecting(): boolean {
    return this.phase === 'collecting';
  }

  /** The combined start-up error, once start-up has failed. */
  get failure(): unknown {
    return this.startupError;
  }

  /** Waits for the start-up load, whatever its outcome (handles resolve; the init hook reports a failure). */
  async settled(): Promise<void> {
    await this.outcome();
  }

  /** Waits for the start-up load. @throws SecretsModuleStartupError listing every required secret that failed */
  async loaded(): Promise<void> {
    const { error } = await this.outcome();
    if (error !== undefined) throw error;
  }

  async onModuleInit(): Promise<void> {
    await this.loaded();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.phase === 'stopped') return;
    this.phase = 'stopped';
    await this.fleet.stop();
    await releaseSecretStoreResources(this.resources);
  }

  private outcome(): Promise<{ error?: unknown }> {
    // setImmediate runs after every promise job queued so far: the providers Nest is creating have registered.
    this.load ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.start());
    return this.load;
  }

  private async start(): Promise<{ error?: unknown }> {
    if (this.phase !== 'collecting') return {};
    this.phase = 'loading';
    try {
      await this.resources.store.start();
    } catch (err) {
      this.phase = 'stopped';
      await releaseSecretStoreResources(this.resources);
      this.startupError = err instanceof SecretsStartupError ? new SecretsModuleStartupError(err.failures) : err;
      return { error: this.startupError };
    }
    // In the background: the bus is an optimisation, and Redis being down must not hold up the start.
    this.fleet.begin();
    this.phase = 'started';
    return {};
  }
}
