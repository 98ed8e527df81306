import { TestEnvironment } from 'jest-environment-node';
import type { ServerProcess } from './servers';

/**
 * The Node test environment of the e2e suites, plus one guarantee: after a test file, once its own
 * hooks have run, every server it started through `spawnServer` and left running (a `beforeAll`
 * that failed halfway, an `afterAll` that threw first) is stopped, and the file's output says so.
 */
export default class E2eEnvironment extends TestEnvironment {
  override async teardown(): Promise<void> {
    const left = [...((this.global as { __keyturnTestServers?: Set<ServerProcess> }).__keyturnTestServers ?? [])];
    if (left.length > 0) {
      await Promise.all(left.map((s) => s.stop()));
      process.stderr.write(`stopped servers a test file left running: ${left.map((s) => s.name).join(', ')}\n`);
    }
    await super.teardown();
  }
}
