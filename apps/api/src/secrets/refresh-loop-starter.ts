import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { SecretsService } from '@keyturn/nestjs';
import { SECRET_DEFINITIONS } from './secrets.constants.js';
import type { SecretDefinitions } from './secret-definitions.js';

/**
 * The database and Redis secrets are first read by provider factories, before Keyturn's start-up
 * load; one refresh after bootstrap makes sure their background refresh is scheduled like the others'.
 */
@Injectable()
export class RefreshLoopStarter implements OnApplicationBootstrap {
  constructor(
    private readonly secrets: SecretsService,
    @Inject(SECRET_DEFINITIONS) private readonly defs: SecretDefinitions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const def of [this.defs.postgres, this.defs.redis]) {
      const handle = await this.secrets.handle(def);
      await handle.refresh({ force: true }).catch(() => undefined);
    }
  }
}
