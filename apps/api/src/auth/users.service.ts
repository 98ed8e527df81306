import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { API_OPTIONS, type ApiOptions } from '../config/api-options.js';
import { User } from '../database/user.entity.js';
import { hashPassword, verifyPassword } from './password-hash.js';

/** Users and their passwords; creates the demo user at start-up. */
@Injectable()
export class UsersService implements OnApplicationBootstrap {
  static readonly DEMO_USERNAME = 'demo';

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const repo = this.dataSource.getRepository(User);
    const existing = await repo.findOneBy({ username: UsersService.DEMO_USERNAME });
    if (existing && (await verifyPassword(this.options.demoUserPassword, existing.passwordHash))) return;
    const passwordHash = await hashPassword(this.options.demoUserPassword);
    await repo.upsert({ username: UsersService.DEMO_USERNAME, passwordHash }, ['username']);
  }

  /** The user whose password matches, or undefined. */
  async authenticate(username: string, password: string): Promise<User | undefined> {
    const user = await this.dataSource.getRepository(User).findOneBy({ username });
    if (!user) return undefined;
    return (await verifyPassword(password, user.passwordHash)) ? user : undefined;
  }
}
