import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { STATUS_SECRETS_CLIENT, STATUS_TIMELINE } from './status.constants.js';
import type { StatusTimeline } from './status-timeline.js';
import { StatusController } from './status.controller.js';
import { StatusService } from './status.service.js';

/** What {@link StatusModule.forRoot} needs. */
export interface StatusModuleOptions {
  /** The timeline the page draws (the same object is the store's audit sink). */
  readonly timeline: StatusTimeline;
  /** Configuration of the SDK client that reads staging labels (the app's region, endpoint and credentials). */
  readonly clientConfig: SecretsManagerClientConfig;
}

/** The status page and its data endpoint. */
@Module({})
export class StatusModule implements OnApplicationShutdown {
  constructor(@Inject(STATUS_SECRETS_CLIENT) private readonly client: SecretsManagerClient) {}

  static forRoot(options: StatusModuleOptions): DynamicModule {
    return {
      module: StatusModule,
      controllers: [StatusController],
      providers: [
        StatusService,
        { provide: STATUS_TIMELINE, useValue: options.timeline },
        { provide: STATUS_SECRETS_CLIENT, useFactory: () => new SecretsManagerClient({ maxAttempts: 1, ...options.clientConfig }) },
      ],
    };
  }

  onApplicationShutdown(): void {
    this.client.destroy();
  }
}
