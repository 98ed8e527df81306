import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Order } from '../database/order.entity.js';
import { CacheService } from '../redis/cache.service.js';
import type { CreateOrderDto } from './create-order.dto.js';

/** Orders in PostgreSQL, read through a short Redis cache. */
@Injectable()
export class OrdersService {
  static readonly CACHE_TTL_SECONDS = 5;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cache: CacheService,
  ) {}

  async create(userId: string, dto: CreateOrderDto): Promise<Order> {
    const repo = this.dataSource.getRepository(Order);
    return repo.save(repo.create({ userId, amountCents: dto.amountCents, currency: dto.currency, description: dto.description, status: 'pending' }));
  }

  /** The order if it belongs to the user. */
  async findForUser(userId: string, id: string): Promise<{ order: Order | null; cached: boolean }> {
    const { value, hit } = await this.cache.getOrLoad<Order>(`order:${id}`, OrdersService.CACHE_TTL_SECONDS, () =>
      this.dataSource.getRepository(Order).findOneBy({ id }),
    );
    return { order: value && value.userId === userId ? value : null, cached: hit };
  }

  async findById(id: string): Promise<Order | null> {
    return this.dataSource.getRepository(Order).findOneBy({ id });
  }
}
