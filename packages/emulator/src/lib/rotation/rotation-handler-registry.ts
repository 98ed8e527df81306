import { resolve } from 'node:path';
import type { RotationHandler } from './rotation.types.js';

/**
 * Rotation functions by Lambda ARN: in-process functions, or module paths (`path#export`,
 * default export `handler`) loaded with a dynamic `import()` the first time they run.
 */
export class RotationHandlerRegistry {
  private readonly entries = new Map<string, RotationHandler | string>();
  private readonly loaded = new Map<string, Promise<RotationHandler>>();

  constructor(private readonly baseDir: string = process.cwd()) {}

  register(lambdaArn: string, handler: RotationHandler | string): void {
    this.entries.set(lambdaArn, handler);
    this.loaded.delete(lambdaArn);
  }

  has(lambdaArn: string): boolean {
    return this.entries.has(lambdaArn);
  }

  /** The callable handler (loading a module path on first use). */
  resolve(lambdaArn: string): Promise<RotationHandler> {
    const entry = this.entries.get(lambdaArn);
    if (entry === undefined) return Promise.reject(new Error(`no rotation handler is registered for ${lambdaArn}`));
    if (typeof entry === 'function') return Promise.resolve(entry);
    let p = this.loaded.get(lambdaArn);
    if (!p) {
      p = this.load(entry);
      this.loaded.set(lambdaArn, p);
      p.catch(() => this.loaded.delete(lambdaArn));
    }
    return p;
  }

  private async load(spec: string): Promise<RotationHandler> {
    const hash = spec.lastIndexOf('#');
    const path = hash > 0 ? spec.slice(0, hash) : spec;
    const exportName = hash > 0 ? spec.slice(hash + 1) : 'handler';
    // Relative paths are taken from the base directory; absolute paths and package names as given.
    const specifier = path.startsWith('.') ? resolve(this.baseDir, path) : path;
    const mod = (await import(specifier)) as Record<string, unknown> & { default?: Record<string, unknown> };
    const fn = mod[exportName] ?? mod.default?.[exportName] ?? (exportName === 'handler' && typeof mod.default === 'function' ? mod.default : undefined);
    if (typeof fn !== 'function') {
      throw new Error(`rotation module ${path} has no function export '${exportName}'`);
    }
    return fn as RotationHandler;
  }
}
